"""Spaced review on a real store: fsrs scheduling, sessions over a simulated month, the review day, stats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsrs
import pytest

from tui.review import Deck, ReviewSettings
from tui.store import Store

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "home" / "store.json"


class Clock:
    """A settable clock for a Deck."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def test_grades_are_scheduled_by_fsrs_and_survive_reopening_exactly(path: Path):
    store = Store.open(path)
    clock = Clock(START)
    deck = Deck(store, ReviewSettings(), clock)
    deck.add("paper-a")
    expected = deck.card("paper-a").card
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    for rating, wait in [(fsrs.Rating.Good, {"minutes": 1}), (fsrs.Rating.Good, {"minutes": 10}), (fsrs.Rating.Again, {"days": 3})]:
        deck.grade("paper-a", rating, duration_ms=5000)
        expected, _ = scheduler.review_card(expected, rating, clock.now, 5000)
        clock.advance(**wait)
    kept = deck.card("paper-a").card.to_dict()
    store.close()

    again = Store.open(path)
    reopened = Deck(again, ReviewSettings(), clock)
    assert reopened.card("paper-a").card.to_dict() == kept
    assert kept["stability"] == expected.stability and kept["state"] == expected.state
    assert [review["rating"] for review in again.reviews_of("paper-a")] == [3, 3, 1]
    again.close()
