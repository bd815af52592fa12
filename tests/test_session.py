"""A review session over a real deck on disk: order, learning cards coming round, undo, summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating

from tui.review.deck import Deck
from tui.review.session import MAX_ANSWER_MS, ReviewSession
from tui.settings import ReviewSettings
from tui.state.store import Store


class Clock:
    """A wall clock and a stopwatch the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
        self.seconds = 0.0

    def wall(self) -> datetime:
        return self.now

    def watch(self) -> float:
        return self.seconds

    def wait(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.seconds += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


def deck_with(store: Store, clock: Clock, papers: list[str], new_per_day: int = 10) -> Deck:
    deck = Deck(store, ReviewSettings(new_per_day=new_per_day), clock=clock.wall)
    for paper in papers:
        deck.add(paper)
        clock.wait(1)
    return deck


def test_new_cards_come_in_the_order_they_were_added_up_to_the_daily_limit(store, clock):
    deck = deck_with(store, clock, ["a", "b", "c", "d"], new_per_day=3)
    session = ReviewSession(deck, clock=clock.wall, monotonic=clock.watch)
    assert session.queue == ["a", "b", "c"]
    assert session.current == "a" and not session.revealed


def test_a_card_in_its_learning_steps_comes_round_again_in_the_same_session(store, clock):
    deck = deck_with(store, clock, ["a", "b"])
    session = ReviewSession(deck, clock=clock.wall, monotonic=clock.watch)
    session.reveal()
    session.grade(Rating.Again)  # due again in a minute: back after "b"
    assert session.queue == ["b", "a"] and not session.revealed
    session.reveal()
    session.grade(Rating.Easy)  # graduates to days: done for this session
    assert session.queue == ["a"]
    session.reveal()
    session.grade(Rating.Easy)
    assert session.finished and session.current is None
    assert session.summary.reviewed == 3 and session.summary.again == 1
    assert session.summary.again_rate == pytest.approx(1 / 3)
    assert len(list(store.review_documents())) == 3


def test_time_on_each_card_is_recorded_and_a_long_break_is_capped(store, clock):
    deck = deck_with(store, clock, ["a", "b"])
    session = ReviewSession(deck, clock=clock.wall, monotonic=clock.watch)
    clock.wait(7.5)
    session.reveal()
    session.grade(Rating.Easy)
    clock.wait(3600)  # the user went for lunch with the card on screen
    session.reveal()
    session.grade(Rating.Easy)
    durations = sorted(doc["duration_ms"] for doc in store.review_documents())
    assert durations == [7500, MAX_ANSWER_MS]
    assert session.summary.time_ms == 7500 + MAX_ANSWER_MS


def test_undo_takes_back_the_last_grade_exactly(store, clock):
    deck = deck_with(store, clock, ["a", "b"])
    before = store.card_document("a")
    session = ReviewSession(deck, clock=clock.wall, monotonic=clock.watch)
    session.reveal()
    session.grade(Rating.Again)
    assert store.card_document("a") != before
    assert session.undo() == "grade"
    assert store.card_document("a") == before
    assert list(store.review_documents()) == []
    assert session.queue == ["a", "b"] and session.summary.reviewed == 0 and session.summary.again == 0
    assert session.undo() is None


def test_bury_and_suspend_set_the_card_aside_and_undo_brings_it_back(store, clock):
    deck = deck_with(store, clock, ["a", "b", "c"])
    session = ReviewSession(deck, clock=clock.wall, monotonic=clock.watch)
    session.bury()
    assert session.queue == ["b", "c"] and deck.card("a").buried(clock.now)
    session.suspend()
    assert session.queue == ["c"] and deck.card("b").status == "suspended"
    assert session.summary.buried == 1 and session.summary.suspended == 1
    # A new session today sees neither.
    assert ReviewSession(deck, clock=clock.wall).queue == ["c"]
    assert session.undo() == "suspend" and deck.card("b").status == "new"
    assert session.undo() == "bury" and not deck.card("a").buried(clock.now)
    assert session.queue == ["a", "b", "c"]


def test_leaving_keeps_every_grade_on_disk(home, clock):
    store = Store.open(home.store)
    deck = deck_with(store, clock, ["a", "b"])
    session = ReviewSession(deck, clock=clock.wall, monotonic=clock.watch)
    session.reveal()
    session.grade(Rating.Good)
    graded = store.card_document("a")
    store.close()  # the user pressed Esc, or closed the terminal
    reopened = Store.open(home.store)
    try:
        assert reopened.card_document("a") == graded
        assert [doc["rating"] for doc in reopened.review_documents()] == [int(Rating.Good)]
    finally:
        reopened.close()


def test_the_summary_says_when_the_next_card_is_due(store, clock):
    deck = deck_with(store, clock, ["a"])
    session = ReviewSession(deck, clock=clock.wall, monotonic=clock.watch)
    session.reveal()
    session.grade(Rating.Easy)
    assert session.finished
    due = session.next_due()
    assert due is not None and due - clock.now >= timedelta(days=1)
    assert due == deck.card("a").card.due
