"""Card info from a real store and deck: the card's figures and the answers of its current life."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating

from tui.review.card_info import answer_row, card_info, figures, format_duration, local_time
from tui.review.clock import format_interval
from tui.review.deck import Deck
from tui.settings import ReviewSettings
from tui.state.store import Store

pytestmark = pytest.mark.usefixtures("utc_zone")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def test_the_answers_of_a_card_with_their_grades_times_and_intervals(store: Store):
    clock = Clock()
    deck = Deck(store, ReviewSettings(), clock, enable_fuzzing=False)
    # An answer of an earlier life of the card, before it was taken out and added again: not shown.
    store.add_review({"paper_id": "p", "rating": 3, "reviewed_at": "2026-03-01T09:00:00+00:00", "duration_ms": 1})
    deck.add("p")
    dues = []
    for wait, rating, duration in (
        (timedelta(minutes=5), Rating.Good, 7_500),
        (timedelta(minutes=20), Rating.Good, 12_000),
        (timedelta(days=4), Rating.Again, 61_000),
    ):
        clock.now += wait
        deck.grade("p", rating, duration_ms=duration)
        dues.append(deck.card("p").card.due)
    clock.now += timedelta(hours=1)

    info = card_info(deck, "p")
    assert info is not None and info.paper_id == "p" and info.status == "relearning"
    assert info.added_at == START and info.introduced_at == START + timedelta(minutes=5)
    assert info.lapses == 1 and not info.leech
    assert [answer.rating for answer in info.answers] == ["Good", "Good", "Again"]
    assert [answer.state for answer in info.answers] == ["new", "learning", "review"]
    assert [answer.duration_ms for answer in info.answers] == [7_500, 12_000, 61_000]
    assert info.time_spent_ms == 80_500
    assert [answer.elapsed for answer in info.answers] == [None, timedelta(minutes=20), timedelta(days=4)]
    times = [answer.reviewed_at for answer in info.answers]
    assert times == [START + timedelta(minutes=5), START + timedelta(minutes=25), START + timedelta(days=4, minutes=25)]
    assert [answer.interval for answer in info.answers] == [due - at for due, at in zip(dues, times, strict=True)]
    card = deck.card("p").card
    assert info.stability == card.stability and info.difficulty == card.difficulty and info.due == card.due
    assert info.retrievability == deck.scheduler.get_card_retrievability(card, clock.now)
    assert info.now == clock.now

    rows = [answer_row(answer) for answer in info.answers]
    assert rows[0] == ("2026-03-02 09:05", "Good", "new", "—", format_interval(dues[0] - times[0]), "7.5s")
    assert rows[2][3] == "4d" and rows[2][5] == "1m 01s"
    shown = dict(figures(info))
    assert shown["Status"] == "relearning" and shown["Lapses"] == "1" and shown["Answers"] == "3"
    assert shown["Added"] == "2026-03-02 09:00" and shown["Time spent"] == "1m 20s"
    assert shown["Stability"] == f"{card.stability:.1f} days" and shown["Difficulty"] == f"{card.difficulty:.1f} / 10"
    assert shown["Retrievability"].endswith("% now") and shown["Due"].startswith(local_time(card.due))


def test_a_new_card_has_no_figures_of_memory_yet(store: Store):
    clock = Clock()
    deck = Deck(store, clock=clock)
    deck.add("p")
    info = card_info(deck, "p")
    assert info is not None and info.status == "new" and info.answers == []
    assert info.stability is None and info.difficulty is None and info.retrievability is None and info.due is None
    shown = dict(figures(info))
    assert shown["Due"] == "— (a new card)" and shown["Stability"] == "—" and shown["First answered"] == "—"
    assert card_info(deck, "no-such-paper") is None


def test_answers_an_older_paperdeck_or_a_hand_wrote_are_shown_as_far_as_they_go(store: Store):
    clock = Clock()
    deck = Deck(store, clock=clock)
    deck.add("p")
    for entry in (
        # An older paperdeck: no due, no duration, a time with another zone.
        {"rating": 3, "reviewed_at": "2026-03-02T19:00:00+09:00", "state": "new"},
        {"rating": 9, "reviewed_at": "2026-03-02T11:00:00+00:00"},  # no such grade
        {"rating": 3, "reviewed_at": "yesterday"},
        {"reviewed_at": "2026-03-02T12:00:00+00:00"},
        {"rating": 1, "reviewed_at": "2026-03-02T13:00:00+00:00", "duration_ms": "long", "due": "soon"},
    ):
        store.add_review({"paper_id": "p", **entry})
    store.set_tags("p", ["leech"])
    info = card_info(deck, "p")
    assert [(answer.rating, answer.reviewed_at.hour) for answer in info.answers] == [("Good", 10), ("Again", 13)]
    assert [answer.interval for answer in info.answers] == [None, None]
    assert [answer.duration_ms for answer in info.answers] == [None, None]
    assert [answer.state for answer in info.answers] == ["new", None]
    assert info.answers[1].elapsed == timedelta(hours=3)
    assert answer_row(info.answers[1]) == ("2026-03-02 13:00", "Again", "—", "3h", "—", "—")
    assert info.leech and dict(figures(info))["Status"] == "new, tagged leech"


def test_durations_read_as_a_person_says_them():
    assert [format_duration(ms) for ms in (None, 0, 7_500, 12_000, 59_949, 61_000, 3_725_000)] == [
        "—",
        "0s",
        "7.5s",
        "12s",
        "59.9s",
        "1m 01s",
        "1h 02m",
    ]
