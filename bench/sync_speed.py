"""How fast two machines sync through a shared folder: 100,000 paper states and 200,000 answers.

    python bench/sync_speed.py [--papers 100000] [--cards 10000] [--reviews 200000] [--runs 5]

Machine A holds a state for every paper (all read, a tenth starred, some kept for later, tagged
or noted) and review_speed.py's deck (10,000 cards sharing 200,000 answers over the last year).
A syncs once into its folder; its device folder (changes.jsonl, answers.jsonl, device.json) is
copied into the folder of machine B, whose data home is empty. Figures (median of the runs):
- floor: reading A's changes.jsonl and answers.jsonl and orjson-loading every line, the least
  that taking them in costs.
- B's first merge of everything A wrote: each run on a fresh copy of B's empty home, so that
  each is a true first merge (every field compared, every answer kept, every card replayed).
  Informative: it happens once per machine.
- the sync at a start with A's states once seen: B's store and syncer closed, then opened again
  as a new process opens them (Store.open + Deck + Syncer) and synced with nothing new in the
  folder; the figure is the sync, the opening (the start's own cost, with or without sync) is
  in the JSON, and so is the first start after the merge (`first_start_after_merge`).
- an incremental sync: A stars one paper and syncs, a sync tool carries A's files over, and B
  (open) takes the one change in.
- a change reaching the folder: B stars a paper and syncs, until the line is in B's own file
  of the folder. The app syncs within a second of each change (a 0.5 s timer); this is the
  rest of the way.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import Figure, table
from review_speed import build_store, timed

from tui.home import Home
from tui.review.deck import Deck
from tui.state.paper_state import PaperState
from tui.state.store import Store
from tui.sync.engine import Syncer, sync_home
from tui.sync.folder import STREAMS, SUBFOLDER

FLOOR = "read + orjson.loads of the other machine's changes.jsonl and answers.jsonl (sync floor)"
TAGS = (("ml",), ("rl", "agents"), ("vision",), ("theory", "ml"))


class Machine:
    """One data home with its store, deck and syncer, opened as the app opens them."""

    def __init__(self, root: Path, folder: Path | None = None) -> None:
        self.home = Home(root)
        self.open()
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            self.syncer.choose_folder(folder)

    def open(self) -> None:
        self.store = Store.open(self.home.store)
        self.deck = Deck(self.store, clock=lambda: datetime.now(UTC))
        self.syncer = Syncer(self.home, self.store, self.deck)

    def close(self) -> None:
        self.syncer.close()
        if not self.store.close():
            raise SystemExit(f"could not save {self.home.store}")

    @property
    def own(self) -> Path:
        """This machine's device folder in its sync folder."""
        return self.syncer.folder / SUBFOLDER / self.syncer.device


def paper_states(papers: int, now: datetime) -> dict[str, PaperState]:
    """Every paper read over the last year; a tenth starred, a twentieth for later, some tagged and noted."""
    states = {}
    for number in range(papers):
        stamp = (now - timedelta(seconds=number * 97 % (365 * 86400))).isoformat(timespec="seconds")
        states[f"{number:016x}"] = PaperState(
            read_at=stamp,
            starred_at=stamp if number % 10 == 0 else None,
            later_at=stamp if number % 20 == 5 else None,
            tags=TAGS[number % 4] if number % 7 == 0 else (),
            note=f"note on paper {number}: worth a second look" if number % 50 == 0 else "",
            updated_at=stamp,
        )
    return states


def build_a(root: Path, folder: Path, papers: int, cards: int, reviews: int, now: datetime) -> Machine:
    """Machine A with its states and deck, synced once into its folder."""
    root.mkdir(parents=True)
    build_store(Home(root).store, cards, reviews, now)
    machine = Machine(root, folder)
    machine.store.put_states(paper_states(papers, now))
    machine.store.flush()
    machine.syncer.run()
    return machine


def carry(source: Machine, folder: Path) -> None:
    """A sync tool's pass: the source's own files, as they are now, into another machine's folder."""
    target = folder / SUBFOLDER / source.syncer.device
    target.mkdir(parents=True, exist_ok=True)
    for path in source.own.iterdir():
        if not path.name.startswith("."):
            shutil.copyfile(path, target / path.name)


def measure(papers: int, cards: int, reviews: int, runs: int) -> list[Figure]:
    """The first merge, a start, an incremental sync and a change going out, against reading the files."""
    now = datetime.now(UTC).replace(microsecond=0)
    work = Path(tempfile.mkdtemp(prefix="paperdeck-sync-bench-"))
    folder_a, folder_b = work / "folder-a", work / "folder-b"
    a = build_a(work / "home-a", folder_a, papers, cards, reviews, now)
    carry(a, folder_b)
    sent = [a.own / f"{stream}.jsonl" for stream in STREAMS]
    floors = timed(lambda: [list(map(orjson.loads, path.read_bytes().splitlines())) for path in sent], runs)

    empty = Machine(work / "home-b-empty", folder_b)  # B as it is before its first sync
    empty.close()
    home_b = work / "home-b"
    merges = []
    for _ in range(runs):
        shutil.rmtree(home_b, ignore_errors=True)
        shutil.copytree(empty.home.root, home_b)
        b = Machine(home_b)
        start = time.perf_counter()
        report = b.syncer.run()
        merges.append(time.perf_counter() - start)
        if b.store.review_count != reviews or report.warnings:
            raise SystemExit(f"the first merge took in {report.summary()}; {report.warnings[:3]}")
        b.close()
        del b
        gc.collect()

    b = Machine(home_b)
    opening, syncing = [], []
    for _ in range(runs + 1):  # the first start after the merge compares every paper again: kept apart
        b.close()
        gc.collect()
        begin = time.perf_counter()
        b.open()
        opened = time.perf_counter()
        report = b.syncer.run()
        opening.append(opened - begin)
        syncing.append(time.perf_counter() - opened)
        if report.came_in or report.went_out:
            raise SystemExit(f"a start with nothing new {report.summary()}")
    first_start = opening.pop(0) + syncing.pop(0)
    starts = syncing  # what sync adds to a start; opening the store is the start's own figure

    incremental = []
    for run in range(runs):
        a.store.set_star(f"{run:016x}", not a.store.paper(f"{run:016x}").starred)
        a.syncer.run()
        carry(a, folder_b)
        begin = time.perf_counter()
        report = b.syncer.run()
        incremental.append(time.perf_counter() - begin)
        if sum(report.came_in.values()) != 1:
            raise SystemExit(f"the incremental sync took in {report.summary()}")

    outgoing = []
    for run in range(max(runs, 5)):
        paper_id = f"{run + 1:016x}"
        begin = time.perf_counter()
        b.store.set_star(paper_id, not b.store.paper(paper_id).starred)
        b.syncer.run()
        outgoing.append(time.perf_counter() - begin)
        last = (b.own / "changes.jsonl").read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[-1]
        if orjson.loads(last)["k"] != f"p/{paper_id}/star":
            raise SystemExit(f"the star did not reach the folder: {last[:200]!r}")

    megabytes = sum(path.stat().st_size for path in sent) / 1e6
    replica = (sync_home(b.home) / "replica.sqlite").stat().st_size / 1e6
    b.close()
    a.close()
    shutil.rmtree(work, ignore_errors=True)
    return [
        Figure("sync", FLOOR, floors, extra={"megabytes": megabytes}),
        Figure(
            "sync",
            f"first merge of another machine's {papers:,} paper states and {reviews:,} answers",
            merges,
            floor=FLOOR,
            extra={"replica_megabytes": replica},
        ),
        Figure(
            "sync",
            "sync at a start, the other machine's states once seen",
            starts,
            floor=FLOOR,
            target="< 300 ms",
            absolute_target=0.3,
            extra={
                "open_median": statistics.median(opening),
                "sync_median": statistics.median(syncing),
                "first_start_after_merge": first_start,
            },
        ),
        Figure("sync", "incremental sync after one change on the other machine", incremental, floor=FLOOR),
        Figure(
            "sync",
            "a change reaches the folder",
            outgoing,
            floor=FLOOR,
            target="< 1 s",
            absolute_target=1.0,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--reviews", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(table(measure(args.papers, args.cards, args.reviews, args.runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
