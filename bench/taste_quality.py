"""How well the for-you order finds what a reader likes, on real digests and on the generated corpus.

    python bench/taste_quality.py [--corpus-papers 10000]

Simulated readers with known tastes (research areas told by phrases in the title and abstract,
groups of authors, tags, mixtures) go through every paper in triage, in date order: one their
taste wants is starred with probability `STAR_CHANCE`, any other with `NOISE_CHANCE`, and the
rest are read without a star (one reader never marks papers read, and only stars). Their state
becomes labels by `taste.labels_of`, and the model is trained as `for_you.train` trains it
(the `MAX_PASSED_OVER` most recent papers passed over), given the library's feature counts as
of then as its `background`. It ranks the papers first seen in the following week as
`TasteModel.ranked` does for the reader. Precision at 20 is counted against the reader's true
taste (what they would star without the noise), summed over the weeks, and shown as a ratio
to the base rate (the share of those weeks' papers the taste wants), beside sorting by
upvotes (papers without a count last) and date order (newest day first). "perfect" is the
best ratio any order could reach: a week with fewer than 20 wanted papers caps it.

The generated corpus (make_corpus.py, months of days) is walked week by week, testing every
few weeks on the week after. The bundled real digests span four days only, so each day of at
least `REAL_DAY_AT_LEAST` papers is held out in turn and ranked by a model trained on the others.
The goal: for you at least `GOAL` times the base rate, and above sorting by upvotes. The
figures are those ratios (unit "×"); `main` also prints every reader's ratio in every order.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from figures import Figure, table  # noqa: E402
from parse_speed import corpus  # noqa: E402

from tui.for_you import MAX_PASSED_OVER  # noqa: E402
from tui.library.features import features_of  # noqa: E402
from tui.library.files import load_library  # noqa: E402
from tui.library.merge import Library  # noqa: E402
from tui.model import Paper  # noqa: E402
from tui.state.paper_state import PaperState  # noqa: E402
from tui.taste import TasteModel, labels_of  # noqa: E402

SEED = 20_250_611
STAR_CHANCE = 0.8
NOISE_CHANCE = 0.02
TOP = 20
GOAL = 3.0
GROUP = "for you"
REAL = (BENCH.parent / "sample_data", BENCH.parent / "tests" / "fixtures" / "hf-api")
REAL_DAY_AT_LEAST = 40
CORPUS_PAPERS = 10_000
# The generated corpus: the first test comes after this many weeks, then one every `TEST_EVERY`.
FIRST_TEST_WEEK = 1
TEST_EVERY = 3

Taste = Callable[[Paper], bool]


def about(*phrases: str) -> Taste:
    """A taste for a research area: one of the phrases (regular expressions, from a word's start)
    in the title, or twice in the abstract, which is how a reader tells what a paper is about."""
    pattern = re.compile("|".join(rf"\b{phrase}" for phrase in phrases), re.IGNORECASE)
    return lambda paper: bool(pattern.search(paper.title)) or len(pattern.findall(paper.abstract)) >= 2


def by_family_names(*names: str) -> Taste:
    """A taste for the papers of a few research groups, known by their authors' family names."""
    wanted = {name.lower() for name in names}
    return lambda paper: any(author.split()[-1].lower() in wanted for author in paper.authors if author.split())


def tagged(*tags: str) -> Taste:
    wanted = set(tags)
    return lambda paper: bool(wanted.intersection(paper.tags))


def either(*tastes: Taste) -> Taste:
    return lambda paper: any(taste(paper) for taste in tastes)


@dataclass(frozen=True)
class Reader:
    """A simulated reader: what they like, and whether they mark the papers they pass over as read."""

    name: str
    likes: Taste
    marks_read: bool = True


READERS = (
    Reader("maths and proofs", about("math", "theorem", r"proofs?\b", "olympiad", r"formal verification", r"lean\b")),
    Reader(
        "image and video generation",
        about("diffusion", "text-to-image", "image generation", "video generation", "flow matching", "image editing"),
    ),
    Reader(
        "robots and embodied agents",
        about("robot", "embodied", r"manipulation\b", "locomotion", "vision-language-action", r"vla\b"),
    ),
    Reader(
        "reinforcement learning for LLMs",
        about("reinforcement learning", "rlvr", r"verifiable rewards?", r"reward models?", "grpo", "rlhf"),
    ),
    Reader(
        "efficient inference",
        about("quantiz", "pruning", "kv cache", "speculative decoding", "sparse attention", "linear attention"),
    ),
    Reader(
        "agents and tools", about(r"agents?\b", "agentic", "tool use", "tool-augmented", "web navigation", r"gui\b")
    ),
    Reader(
        "long context and retrieval",
        about("long-context", "long context", "retrieval", r"rag\b", r"memory\b"),
        marks_read=False,
    ),
    Reader("four research groups (authors)", by_family_names("Kim", "Lee", "Park", "Choi")),
    Reader(
        "safety, by tag or by topic",
        either(
            tagged("safety", "alignment", "interpretability"), about("safety", "jailbreak", "harmful", "hallucinat")
        ),
    ),
    Reader(
        "multimodal or efficiency tags",
        either(about("multimodal", "vision-language", r"vlms?\b", "visual question"), tagged("quantization", "lora")),
    ),
)


@dataclass(frozen=True)
class Window:
    """Papers the reader has gone through (in triage) and the papers ranked after them."""

    seen: tuple[str, ...]
    ranked: tuple[str, ...]  # in date order: newest day first, each day as its digest lists it


@dataclass
class Orders:
    """Hits in the top `TOP` of each order, summed over windows, and what they are out of."""

    for_you: int = 0
    upvotes: int = 0
    date: int = 0
    perfect: int = 0
    wanted: int = 0
    papers: int = 0
    windows: int = 0

    def ratio(self, hits: int) -> float:
        """Precision at `TOP` as a multiple of the base rate."""
        if not self.windows or not self.wanted:
            return 0.0
        return (hits / (TOP * self.windows)) / (self.wanted / self.papers)


def first_seen(library: Library) -> dict[str, date]:
    found: dict[str, date] = {}
    for day in sorted(library.by_date):
        for paper_id in library.by_date[day]:
            found.setdefault(paper_id, day)
    return found


def days_of(library: Library) -> list[tuple[date, list[str]]]:
    """Each day and the papers first seen on it, in digest order, oldest day first."""
    seen = first_seen(library)
    return [(day, [i for i in library.by_date[day] if seen[i] == day]) for day in sorted(library.by_date)]


def weekly_windows(library: Library) -> list[Window]:
    """Every `TEST_EVERY` weeks: all the weeks before, and the week after."""
    days = days_of(library)
    start = days[0][0]
    weeks: dict[int, list[tuple[date, list[str]]]] = {}
    for day, ids in days:
        weeks.setdefault((day - start).days // 7, []).append((day, ids))
    ordered = [weeks[week] for week in sorted(weeks)]
    windows = []
    for week in range(FIRST_TEST_WEEK, len(ordered), TEST_EVERY):
        seen = tuple(i for earlier in ordered[:week] for _day, ids in earlier for i in ids)
        ranked = tuple(i for _day, ids in reversed(ordered[week]) for i in ids)
        windows.append(Window(seen, ranked))
    return windows


def held_out_days(library: Library) -> list[Window]:
    """Each day of at least `REAL_DAY_AT_LEAST` papers, ranked by what the other days taught."""
    days = days_of(library)
    return [
        Window(tuple(i for other, ids in days if other != day for i in ids), tuple(held))
        for day, held in days
        if len(held) >= REAL_DAY_AT_LEAST
    ]


def triage(papers: Sequence[Paper], reader: Reader, seed: int = SEED) -> dict[str, PaperState]:
    """What the reader did with each paper: starred (as their taste says, with noise) or read."""
    chance = random.Random(f"{seed}:{reader.name}")
    states = {}
    for paper in papers:
        starred = chance.random() < (STAR_CHANCE if reader.likes(paper) else NOISE_CHANCE)
        if starred:
            states[paper.id] = PaperState(read_at="t", starred_at="t")
        elif reader.marks_read:
            states[paper.id] = PaperState(read_at="t")
    return states


def for_you_order(
    states: Mapping[str, PaperState],
    features: Mapping[str, frozenset[str]],
    ranked: Sequence[str],
    background: tuple[Mapping[str, int], int],
) -> list[str]:
    """`ranked` in the for-you order learned from `states` (given oldest first), as
    `for_you.train` trains it and `for_you.Scores` ranks; date order while it is not ready."""
    labels = labels_of(states)
    passed_over = list(labels.unliked)[-MAX_PASSED_OVER:]
    model = TasteModel.train(
        {i: features[i] for i in labels.liked},
        {i: features[i] for i in passed_over},
        {**labels.liked, **labels.unliked},
        background=background,
    )
    if not model.ready:
        return list(ranked)
    return model.ranked({i: features[i] for i in ranked})


def upvotes_order(library: Library, ranked: Sequence[str]) -> list[str]:
    def most(paper_id: str) -> tuple[bool, int]:
        upvotes = library.papers[paper_id].upvotes
        return (upvotes is None, -(upvotes or 0))

    return sorted(ranked, key=most)


def hits(order: Sequence[str], wanted: set[str]) -> int:
    return sum(1 for paper_id in order[:TOP] if paper_id in wanted)


def evaluate(
    library: Library, features: Mapping[str, frozenset[str]], readers: Sequence[Reader], windows: Sequence[Window]
) -> dict[str, Orders]:
    """Each reader's hits over the windows (a window without any paper they want is left out)."""
    papers = library.papers
    everything = [papers[i] for _day, ids in days_of(library) for i in ids]
    states = {reader.name: triage(everything, reader) for reader in readers}
    counted = {reader.name: Orders() for reader in readers}
    for window in windows:
        background = document_frequency(features, [*window.seen, *window.ranked])
        by_upvotes, by_date = upvotes_order(library, window.ranked), window.ranked
        for reader in readers:
            wanted = {i for i in window.ranked if reader.likes(papers[i])}
            if not wanted:
                continue
            seen = {i: state for i in window.seen if (state := states[reader.name].get(i)) is not None}
            orders = counted[reader.name]
            orders.for_you += hits(for_you_order(seen, features, window.ranked, background), wanted)
            orders.upvotes += hits(by_upvotes, wanted)
            orders.date += hits(by_date, wanted)
            orders.perfect += min(TOP, len(wanted))
            orders.wanted += len(wanted)
            orders.papers += len(window.ranked)
            orders.windows += 1
    return counted


def document_frequency(features: Mapping[str, frozenset[str]], ids: Sequence[str]) -> tuple[dict[str, int], int]:
    """How many of these papers have each feature, and how many papers: what the library's index
    counts (`Library.feature_counts`), as of the window."""
    counts: Counter[str] = Counter()
    for paper_id in ids:
        counts.update(features[paper_id])
    return dict(counts), len(ids)


@dataclass
class AtLeast(Figure):
    """A figure whose goal is a value to reach: `figures.verdict` checks its key against the
    absolute target from below, so the key is the shortfall (the goal less the median), met at 0."""

    goal: float = GOAL
    key: str = "shortfall"
    absolute_target: float | None = 0.0

    def __post_init__(self) -> None:
        self.extra["shortfall"] = self.shortfall  # in the JSON too, where the verdict is checked again

    @property
    def shortfall(self) -> float:
        return self.goal - self.median


def figures_of(corpus_name: str, counted: Mapping[str, Orders]) -> list[Figure]:
    """Each reader's for-you ratio (goal: `GOAL`), and the mean of the readers' for-you, upvotes
    and date ratios (the upvotes order's goal: below for you)."""
    rows: list[Figure] = []
    means: dict[str, list[float]] = {"for_you": [], "upvotes": [], "date": [], "perfect": []}
    target = f"≥ {GOAL:g}× base rate"
    for reader, orders in counted.items():
        if not orders.windows:
            continue
        ratios = {order: orders.ratio(getattr(orders, order)) for order in means}
        for order, ratio in ratios.items():
            means[order].append(ratio)
        about_it = {
            "precision_at_20": orders.for_you / (TOP * orders.windows),
            "base_rate": orders.wanted / orders.papers,
            "upvotes_ratio": ratios["upvotes"],
            "date_ratio": ratios["date"],
            "perfect_ratio": ratios["perfect"],
            "windows": orders.windows,
        }
        rows.append(AtLeast(GROUP, f"{corpus_name}: {reader}", [ratios["for_you"]], "×", target=target, extra=about_it))
    if not means["for_you"]:
        return rows
    mean = {order: sum(values) / len(values) for order, values in means.items()}
    for_you = f"{corpus_name}: mean of {len(means['for_you'])} readers, for you"
    return [
        *rows,
        AtLeast(GROUP, for_you, [mean["for_you"]], "×", target=target, extra={"perfect_ratio": mean["perfect"]}),
        Figure(
            GROUP,
            f"{corpus_name}: mean, by upvotes",
            [mean["upvotes"]],
            "×",
            floor=for_you,
            target="below for you",
            ratio_target=1.0,
        ),
        Figure(GROUP, f"{corpus_name}: mean, date order", [mean["date"]], "×", floor=for_you),
    ]


def corpora(corpus_papers: int) -> list[tuple[str, Library, list[Window]]]:
    """The bundled real digests (each big day held out) and the generated corpus (week by week)."""
    real = load_library(
        [path for folder in REAL for path in sorted(folder.iterdir()) if path.suffix in (".txt", ".json")]
    )
    generated = load_library(sorted(corpus(corpus_papers).glob("*.txt")))
    return [
        ("quality on the real digests", real, held_out_days(real)),
        (f"quality on {len(generated.papers):,} generated papers", generated, weekly_windows(generated)),
    ]


def measure(corpus_papers: int = CORPUS_PAPERS) -> list[Figure]:
    """The for-you order's precision at `TOP` for each reader on each corpus, as ratios to the base rate."""
    found: list[Figure] = []
    for name, library, windows in corpora(corpus_papers):
        features = {paper_id: features_of(paper) for paper_id, paper in library.papers.items()}
        found += figures_of(name, evaluate(library, features, READERS, windows))
    return found


def details(figures: Sequence[Figure]) -> str:
    """Each reader's ratios in every order, beside the best any order could do."""
    lines = [
        "| reader | for you | by upvotes | date order | perfect | base rate | precision at 20 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for figure in figures:
        if "base_rate" in figure.extra:
            extra = figure.extra
            lines.append(
                f"| {figure.name} | {figure.median:.2f}× | {extra['upvotes_ratio']:.2f}× | {extra['date_ratio']:.2f}× "
                f"| {extra['perfect_ratio']:.2f}× | {extra['base_rate']:.1%} | {extra['precision_at_20']:.2f} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-papers", type=int, default=CORPUS_PAPERS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    figures = measure(args.corpus_papers)
    print(table(figures))
    print()
    print(details(figures))
    print(f"\n{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
