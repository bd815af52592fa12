"""The for-you order on the bundled real digests: simulated readers with known tastes star what
they like (with noise) in triage, and the model trained on the other days ranks each big day.

A small version of bench/taste_quality.py, kept apart from it so that the model is held to its
numbers whatever the benchmark's readers become."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SAMPLES

from tui.library.features import features_of
from tui.library.files import load_library
from tui.model import Paper
from tui.state.paper_state import PaperState
from tui.taste import TasteModel, labels_of

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LIBRARY = load_library([*sorted(SAMPLES.glob("*.txt")), *sorted((FIXTURES / "hf-api").glob("*.json"))])
FEATURES = {paper_id: features_of(paper) for paper_id, paper in LIBRARY.papers.items()}
TOP = 20
STAR_CHANCE, NOISE_CHANCE = 0.8, 0.02


def about(*phrases: str) -> Callable[[Paper], bool]:
    """A reader's taste for an area: a phrase in the title, or twice in the abstract."""
    pattern = re.compile("|".join(rf"\b{phrase}" for phrase in phrases), re.IGNORECASE)
    return lambda paper: bool(pattern.search(paper.title)) or len(pattern.findall(paper.abstract)) >= 2


# Areas with at least a few papers on each of the two big days (Oct 31 and Mar 6).
TASTES = {
    "reinforcement learning": about("reinforcement learning", r"reward models?", "grpo", "rlhf", r"rl\b"),
    "efficiency": about("quantiz", "pruning", "kv cache", "speculative decoding", "sparse attention", "efficien"),
    "multimodal": about("multimodal", "vision-language", r"vlms?\b", "visual", r"image\b"),
    "long context and retrieval": about("long-context", "long context", "retrieval", r"rag\b", r"memory\b"),
}


def first_seen_days() -> list[list[str]]:
    """Each day's papers that no earlier day had, oldest day first."""
    seen: set[str] = set()
    days = []
    for day in sorted(LIBRARY.by_date):
        days.append([paper_id for paper_id in LIBRARY.by_date[day] if paper_id not in seen])
        seen.update(days[-1])
    return days


def triage(likes: Callable[[Paper], bool], name: str, marks_read: bool = True) -> dict[str, PaperState]:
    """The reader's stars (their taste, with noise) and the papers they read without a star."""
    chance = random.Random(f"taste quality:{name}")
    states = {}
    for paper_id in (paper_id for day in first_seen_days() for paper_id in day):
        wanted = likes(LIBRARY.papers[paper_id])
        if chance.random() < (STAR_CHANCE if wanted else NOISE_CHANCE):
            states[paper_id] = PaperState(read_at="t", starred_at="t")
        elif marks_read:
            states[paper_id] = PaperState(read_at="t")
    return states


def background() -> tuple[dict[str, int], int]:
    """Every feature's paper count over the library, as the index keeps them."""
    counts: Counter[str] = Counter()
    for features in FEATURES.values():
        counts.update(features)
    return dict(counts), len(FEATURES)


def hits_on_held_out_days(likes: Callable[[Paper], bool], name: str, marks_read: bool = True) -> dict[str, float]:
    """Precision at `TOP` of the for-you, upvotes and date orders, summed over the days of at
    least 40 papers (each ranked by a model trained on the other days), as ratios to the base rate."""
    states = triage(likes, name, marks_read)
    days = first_seen_days()
    hits = Counter()
    wanted_total = papers_total = tests = 0
    for held in (day for day in days if len(day) >= 40):
        labels = labels_of({i: state for i, state in states.items() if i not in held})
        model = TasteModel.train(
            {i: FEATURES[i] for i in labels.liked},
            {i: FEATURES[i] for i in labels.unliked},
            {**labels.liked, **labels.unliked},
            background=background(),
        )
        assert model.ready
        wanted = {i for i in held if likes(LIBRARY.papers[i])}
        by_upvotes = sorted(held, key=lambda i: (LIBRARY.papers[i].upvotes is None, -(LIBRARY.papers[i].upvotes or 0)))
        for order, ranked in (("for you", model.ranked({i: FEATURES[i] for i in held})), ("upvotes", by_upvotes)):
            hits[order] += len(wanted.intersection(ranked[:TOP]))
        hits["date"] += len(wanted.intersection(held[:TOP]))
        wanted_total, papers_total, tests = wanted_total + len(wanted), papers_total + len(held), tests + 1
    assert tests == 2 and wanted_total >= 8  # Oct 31 and Mar 6, with enough of what the reader wants
    base_rate = wanted_total / papers_total
    return {order: found / (TOP * tests) / base_rate for order, found in hits.items()}


@pytest.fixture(scope="module")
def ratios() -> dict[str, dict[str, float]]:
    return {name: hits_on_held_out_days(likes, name) for name, likes in TASTES.items()}


def test_the_for_you_order_finds_at_least_twice_the_base_rate_for_two_tastes_and_beats_date_order(ratios):
    doubled = [name for name, ratio in ratios.items() if ratio["for you"] >= 2.0 and ratio["for you"] > ratio["date"]]
    assert len(doubled) >= 2, ratios


def test_on_average_the_for_you_order_beats_the_date_and_upvotes_orders(ratios):
    mean = {
        order: sum(ratio[order] for ratio in ratios.values()) / len(ratios) for order in ("for you", "upvotes", "date")
    }
    assert mean["for you"] > max(mean["upvotes"], mean["date"]), mean


def test_a_reader_who_only_stars_is_ranked_against_the_library():
    likes = TASTES["long context and retrieval"]
    ratio = hits_on_held_out_days(likes, "stars only", marks_read=False)
    assert ratio["for you"] >= 2.0 and ratio["for you"] > ratio["date"], ratio
