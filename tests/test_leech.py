"""Leeches, as Anki has them: a card forgotten again and again is suspended and its paper tagged leech."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from fsrs import Rating
from test_cli import err, run

from tui.review.deck import Deck, GradeUndo, is_leech
from tui.review.session import ReviewSession
from tui.review.stats import compute_stats
from tui.settings import ReviewSettings
from tui.state.store import Store

pytestmark = pytest.mark.usefixtures("utc_zone")


class Clock:
    """A settable clock for a Deck."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def deck_of(store: Store, clock: Clock, leech_lapses: int = 8) -> Deck:
    return Deck(store, ReviewSettings(leech_lapses=leech_lapses), clock, enable_fuzzing=False)


def in_review(deck: Deck, clock: Clock, paper_id: str) -> None:
    """Adds a card and answers it Easy: it graduates to review at once."""
    deck.add(paper_id)
    deck.grade(paper_id, Rating.Easy)
    wait_until_due(deck, clock, paper_id)


def wait_until_due(deck: Deck, clock: Clock, paper_id: str) -> None:
    clock.now = max(clock.now, deck.card(paper_id).card.due) + timedelta(minutes=1)


def relearn(deck: Deck, clock: Clock, paper_id: str) -> None:
    """Brings a card back from relearning into review, due."""
    wait_until_due(deck, clock, paper_id)
    deck.grade(paper_id, Rating.Good)
    wait_until_due(deck, clock, paper_id)
    assert deck.card(paper_id).status == "review"


def lapse(deck: Deck, clock: Clock, paper_id: str) -> GradeUndo:
    """Forgets a card in review (a lapse), then relearns it, unless it became a leech (suspended)."""
    assert deck.card(paper_id).status == "review"
    token = deck.grade(paper_id, Rating.Again)
    if not token.leech:
        relearn(deck, clock, paper_id)
    return token


def test_the_eighth_lapse_suspends_the_card_and_tags_it_leech_and_undo_takes_both_back(store: Store):
    clock = Clock()
    deck = deck_of(store, clock)
    deck.add("p")
    # Again on a new card, or on one learning or relearning, is no lapse.
    deck.grade("p", Rating.Again)
    wait_until_due(deck, clock, "p")
    deck.grade("p", Rating.Again)
    assert deck.card("p").status == "learning" and deck.card("p").lapses == 0
    wait_until_due(deck, clock, "p")
    deck.grade("p", Rating.Easy)
    wait_until_due(deck, clock, "p")
    store.set_tags("p", ["rl"])
    deck.grade("p", Rating.Again)  # the first lapse
    wait_until_due(deck, clock, "p")
    deck.grade("p", Rating.Again)
    assert deck.card("p").status == "relearning" and deck.card("p").lapses == 1
    relearn(deck, clock, "p")
    for count in range(2, 8):
        token = lapse(deck, clock, "p")
        assert not token.leech and token.tags_before is None
        assert deck.card("p").lapses == count and deck.card("p").status == "review"
        assert store.paper("p").tags == ("rl",)

    card_before, paper_before = store.card_document("p"), store.paper("p")
    token = lapse(deck, clock, "p")
    assert token.leech and deck.card("p").lapses == 8
    assert deck.card("p").status == "suspended" and store.card_document("p")["lapses"] == 8
    assert store.paper("p").tags == ("rl", "leech")
    assert "p" not in deck.session_queue()

    deck.undo(token)
    assert store.card_document("p") == card_before and deck.card("p").status == "review"
    assert store.paper("p") == paper_before  # the tags and their time, exactly
    assert [entry["rating"] for entry in store.reviews_of("p")][-1] == int(Rating.Good)


def test_a_threshold_of_zero_never_makes_a_leech(store: Store):
    clock = Clock()
    deck = deck_of(store, clock, leech_lapses=0)
    in_review(deck, clock, "p")
    for _ in range(12):
        assert not lapse(deck, clock, "p").leech
    assert deck.card("p").lapses == 12 and deck.card("p").status == "review"
    assert store.paper("p").tags == ()


def test_a_leech_brought_back_is_flagged_again_every_half_threshold(store: Store):
    clock = Clock()
    deck = deck_of(store, clock)
    in_review(deck, clock, "p")
    flagged = []
    for count in range(1, 17):
        if lapse(deck, clock, "p").leech:
            flagged.append(count)
            deck.unsuspend("p")  # `a` in the reader
            relearn(deck, clock, "p")
    assert flagged == [8, 12, 16]
    assert store.paper("p").tags == ("leech",)  # tagged once
    assert [n for n in range(1, 30) if is_leech(n, 8)] == [8, 12, 16, 20, 24, 28]
    assert [n for n in range(1, 6) if is_leech(n, 1)] == [1, 2, 3, 4, 5]  # half of 1 is taken as 1
    assert not any(is_leech(n, 0) for n in range(1, 30))


def test_an_undone_reflag_leaves_the_tag_it_found(store: Store):
    clock = Clock()
    deck = deck_of(store, clock, leech_lapses=2)
    in_review(deck, clock, "p")
    lapse(deck, clock, "p")
    assert lapse(deck, clock, "p").leech
    deck.unsuspend("p")
    relearn(deck, clock, "p")
    token = deck.grade("p", Rating.Again)
    assert token.leech and token.tags_before is None  # tagged already: nothing to put back
    deck.undo(token)
    assert store.paper("p").tags == ("leech",) and deck.card("p").status == "review"


def test_a_card_kept_before_lapses_were_counts_them_from_the_log_at_its_next_lapse(home):
    clock = Clock()
    store = Store.open(home.store)
    # An answer of an earlier life of the card (taken out of the deck since) does not count.
    store.add_review(
        {"paper_id": "p", "rating": 1, "reviewed_at": "2026-03-01T09:00:00+00:00", "duration_ms": 0, "state": "review"}
    )
    deck = deck_of(store, clock)
    in_review(deck, clock, "p")
    for _ in range(6):
        lapse(deck, clock, "p")
    old = {key: value for key, value in store.card_document("p").items() if key != "lapses"}
    store.put_card("p", old)
    store.close()

    store = Store.open(home.store)
    try:
        deck = deck_of(store, clock)
        assert deck.card("p").lapses == 0 and not deck.card("p").lapses_counted
        deck.grade("p", Rating.Good)
        assert not store.review_log_loaded  # a grade that is no lapse does not read the log
        assert "lapses" not in store.card_document("p")
        wait_until_due(deck, clock, "p")
        assert not lapse(deck, clock, "p").leech
        assert store.review_log_loaded and store.card_document("p")["lapses"] == 7
        assert lapse(deck, clock, "p").leech and store.paper("p").tags == ("leech",)
    finally:
        store.close()


def test_each_answer_in_the_log_says_when_it_made_the_card_due(store: Store):
    clock = Clock()
    deck = deck_of(store, clock)
    deck.add("p")
    deck.grade("p", Rating.Good)
    [entry] = store.reviews_of("p")
    assert entry["due"] == deck.card("p").card.due.isoformat() and entry["state"] == "new"


def test_a_session_drops_a_leech_from_its_queue_counts_it_and_undo_brings_it_back(store: Store):
    clock = Clock()
    deck = deck_of(store, clock, leech_lapses=2)
    in_review(deck, clock, "p")
    lapse(deck, clock, "p")
    deck.add("q")
    session = ReviewSession(deck, clock=clock, monotonic=lambda: 0.0)
    assert session.queue == ["p", "q"]
    session.reveal()
    session.grade(Rating.Again)
    assert session.last_leech == "p" and session.queue == ["q"]
    assert session.summary.leeches == 1 and session.summary.again == 1
    assert deck.card("p").status == "suspended"
    assert session.undo() == "grade"
    assert session.last_leech is None and session.summary.leeches == 0
    assert session.queue == ["p", "q"] and deck.card("p").status == "review"
    session.reveal()
    session.grade(Rating.Good)
    assert session.last_leech is None and session.queue == ["q"]


def test_the_stats_count_the_cards_whose_paper_is_tagged_leech(store: Store):
    clock = Clock()
    deck = deck_of(store, clock, leech_lapses=1)
    in_review(deck, clock, "p")
    assert lapse(deck, clock, "p").leech
    deck.add("q")
    store.set_tags("q", ["leech", "rl"])  # tagged by hand: a leech too
    deck.add("r")
    store.set_tags("s", ["leech"])  # no card: not counted
    stats = compute_stats(deck)
    assert stats.leeches == 2 and stats.by_status["suspended"] == 1
    store.set_tags("p", [])  # the user took the tag off
    assert compute_stats(deck).leeches == 1


def test_paperdeck_stats_json_tells_the_leeches(tmp_path: Path):
    home = tmp_path / "home"
    store = Store.open(home / "store.json")
    clock = Clock()
    deck = deck_of(store, clock, leech_lapses=1)
    in_review(deck, clock, "a" * 16)
    assert lapse(deck, clock, "a" * 16).leech
    store.close()
    result = run("stats", "--json", home=home)
    assert result.returncode == 0, err(result)
    assert orjson.loads(result.stdout)["leeches"] == 1
    text = run("stats", home=home)
    assert "Leeches        1 card tagged leech" in text.stdout.decode()
