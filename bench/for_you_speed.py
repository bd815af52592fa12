"""Speed of the for-you order and of similar papers on a large library, from its index.

    python bench/for_you_speed.py [--papers 100000] [--runs 5]

On the generated corpus with its index in step (features counted):
- similar papers: `Library.similar(id, 5)` for papers spread over the library, against the
  floor of reading one paper's record from the index;
- ranking a day: `for_you.ranked` of a 200-paper day (features read from the index, the
  user's tags and watched items added, scored and sorted), against the floor of reading
  those 200 papers' records;
- training: `for_you.train` on 5,000 labelled papers (1,000 starred, 4,000 read), features
  read from the index, against the floor of reading their 5,000 records;
- ranking the whole library (the first for-you sort of All after a training), reported;
- counting the features (`index_terms.count_terms`, done in the background after the
  full-text tables are filled), reported.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import Figure, table
from first_paint import home_with_corpus, index_in_step

from tui import for_you
from tui.for_you import TasteInput
from tui.home import Home
from tui.library.index_reads import IndexedPapers
from tui.library.index_terms import count_terms
from tui.library.opening import open_library
from tui.state.paper_state import PaperState

DAY = 200
LABELLED = 5_000
GROUP = "for you"


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def measure(papers: int, runs: int) -> list[Figure]:
    home_dir = home_with_corpus(papers, prefix="paperdeck-foryou-")
    index_in_step(home_dir)
    opened = open_library(Home(home_dir))
    library = opened.library
    chance = random.Random(16)
    order = list(library.order)

    def records():  # a reader of the index that has kept no record yet, as the floors want
        return IndexedPapers(opened.index, len(library))

    lookups = chance.sample(order, min(len(order), 30 * runs))
    similar = [timed(lambda paper_id=paper_id: library.similar(paper_id, 5)) for paper_id in lookups]
    one_record = [timed(lambda paper_id=paper_id: records().get_many([paper_id])) for paper_id in lookups]

    labelled = chance.sample(order, min(len(order) - DAY, LABELLED))
    states = {
        paper_id: PaperState(read_at="t", starred_at="t" if number % 5 == 0 else None)
        for number, paper_id in enumerate(labelled)
    }
    taste = TasteInput(states)
    trainings, read_labelled = [], []
    model = None
    for _ in range(runs):
        start = time.perf_counter()
        model = for_you.train(library, taste)
        trainings.append(time.perf_counter() - start)
        read_labelled.append(timed(lambda: records().get_many(labelled)))
    assert model is not None and model.ready

    unlabelled = [paper_id for paper_id in order if paper_id not in states]
    rankings, read_day = [], []
    for _run in range(runs * 5):
        start = chance.randrange(0, len(unlabelled) - DAY)
        day = unlabelled[start : start + DAY]
        rankings.append(timed(lambda day=day: for_you.ranked(model, library, day, taste)))
        read_day.append(timed(lambda day=day: records().get_many(day)))

    # The first for-you sort of the All view after a training (a worker's job; kept after).
    whole = [timed(lambda: for_you.ranked(model, library, order, taste)) for _ in range(max(1, runs // 2))]

    counting = [timed(lambda: count_terms(opened.index, force=True)) for _ in range(max(1, runs // 2))]
    opened.close()

    record_floor, day_floor, labelled_floor = (
        "floor: read 1 record",
        f"floor: read {DAY} records",
        f"floor: read {LABELLED:,} records",
    )
    return [
        Figure(GROUP, record_floor, one_record),
        Figure(
            GROUP,
            "similar papers (5) of one paper",
            similar,
            floor=record_floor,
            target="≤ 100 ms",
            absolute_target=0.1,
            key="p95",
        ),
        Figure(GROUP, day_floor, read_day),
        Figure(
            GROUP,
            f"rank a {DAY}-paper day for you",
            rankings,
            floor=day_floor,
            target="< 50 ms",
            absolute_target=0.05,
            key="p95",
        ),
        Figure(GROUP, labelled_floor, read_labelled),
        Figure(
            GROUP,
            f"train on {LABELLED:,} labelled papers",
            trainings,
            floor=labelled_floor,
            target="< 2 s",
            absolute_target=2.0,
        ),
        Figure(GROUP, f"rank all {papers:,} papers for you (first sort of All, in a worker)", whole),
        Figure(GROUP, f"count the features of {papers:,} papers (background)", counting),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(table(measure(args.papers, args.runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
