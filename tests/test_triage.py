"""Triage on a real store and the real sample library: decisions, undo, moving, the summary."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import orjson
import pytest
from conftest import SAMPLES

from tui.library.files import load_library
from tui.reading import NOTHING_TO_UNDO, Outcome, Reading
from tui.review.deck import Deck
from tui.settings import ReviewSettings
from tui.state.paper_state import PaperState
from tui.state.store import Store
from tui.triage import Triage, TriageSummary
from tui.views import LATER, ViewKey

pytestmark = pytest.mark.usefixtures("utc_zone")  # the deck's review days are UTC days here
FIXTURES = Path(__file__).resolve().parent / "fixtures"
LIBRARY = load_library(
    [
        *sorted(SAMPLES.glob("*.txt")),
        *sorted((FIXTURES / "hf-api").glob("*.json")),
        *sorted((FIXTURES / "vault").glob("*.md")),
    ]
)
JUNE_11 = ViewKey("day", "2025-06-11")
DAY = LIBRARY.by_date[date(2025, 6, 11)]  # nine papers, as the digests of that day list them


def clock() -> datetime:
    return datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "home" / "store.json"


@pytest.fixture
def store(path: Path):
    opened = Store.open(path)
    yield opened
    opened.close()


def reading_of(store: Store, *, star_adds_card: bool = True) -> Reading:
    deck = Deck(store, ReviewSettings(star_adds_card=star_adds_card), clock, enable_fuzzing=False)
    reading = Reading(LIBRARY, store, deck)
    reading.refresh_due()
    return reading


def triage_of(reading: Reading, key: ViewKey = JUNE_11) -> Triage:
    reading.view = key
    return Triage(reading, reading.to_triage(reading.views.ids(key)))


def reopened(store: Store) -> Store:
    """The same store read back from disk: what a decision left there is what survives."""
    assert store.close()
    return Store.open(store.path)


def test_the_day_has_the_papers_these_tests_expect():
    assert len(DAY) == 9 and len(set(DAY)) == 9
    assert all(LIBRARY.papers[paper_id].title for paper_id in DAY)


# --- decisions ----------------------------------------------------------------------------------


def test_each_decision_reaches_the_store_and_survives_reopening(store):
    reading = reading_of(store)
    triage = triage_of(reading)
    first, second, third = DAY[:3]
    assert triage.ids == list(DAY) and triage.current == first
    for decision in ("star", "read", "later"):
        outcome = triage.decide(decision)
        assert outcome.error is None and outcome.papers == (triage.ids[triage.position - 1],)
    assert triage.position == 3 and triage.current == DAY[3]
    again = reopened(store)
    try:
        starred, read, later = (again.paper(paper_id) for paper_id in (first, second, third))
        assert starred.starred and starred.read and not starred.later
        assert read.read and not read.starred and not read.later
        assert later.later and not later.read and not later.starred
        assert set(again.paper_states()) == {first, second, third}
        assert again.card_document(first) is not None  # the star's card was saved with it
        assert again.card_document(second) is None and again.card_document(third) is None
    finally:
        again.close()


def test_the_store_keeps_later_at_in_the_documented_table(store, path):
    reading = reading_of(store)
    triage_of(reading).decide("later")
    store.close()
    documents = {doc["paper_id"]: doc for doc in orjson.loads(path.read_bytes())["papers"].values()}
    assert documents[DAY[0]]["later_at"] is not None and documents[DAY[0]]["read_at"] is None


def test_counts_follow_each_decision(store):
    reading = reading_of(store)
    triage = triage_of(reading)
    total = len(LIBRARY)
    assert (reading.counts.unread, reading.counts.starred, reading.counts.later) == (total, 0, 0)
    triage.decide("star")
    assert (reading.counts.unread, reading.counts.starred, reading.counts.later) == (total - 1, 1, 0)
    triage.decide("later")
    assert (reading.counts.unread, reading.counts.starred, reading.counts.later) == (total - 1, 1, 1)
    assert reading.counts.of_view(LATER) == 1 and reading.views.ids(LATER) == [DAY[1]]
    triage.decide("read")
    assert (reading.counts.unread, reading.counts.starred, reading.counts.later) == (total - 2, 1, 1)
    assert reading.counts.day_unread[date(2025, 6, 11)] == 7
    assert reading.counts == reading.views.counts(reading.states)  # the deltas agree with a recount
    while reading.undo_stack:
        triage.undo()
    assert (reading.counts.unread, reading.counts.starred, reading.counts.later) == (total, 0, 0)
    assert reading.counts == reading.views.counts(reading.states)


def test_a_star_adds_a_card_and_its_undo_takes_the_card_out(store):
    reading = reading_of(store)
    triage = triage_of(reading)
    outcome = triage.decide("star")
    assert outcome.cards_changed and reading.deck.has_card(DAY[0]) and DAY[0] in reading.due
    undone = triage.undo()
    assert undone.message == "Undid star." and undone.cards_changed
    assert not reading.deck.has_card(DAY[0]) and DAY[0] not in reading.due and len(reading.deck) == 0
    assert triage.position == 0
    again = reopened(store)
    try:
        assert again.card_documents() == {} and again.paper_states() == {}
    finally:
        again.close()


def test_with_star_adds_card_off_a_star_makes_no_card(store):
    reading = reading_of(store, star_adds_card=False)
    triage = triage_of(reading)
    outcome = triage.decide("star")
    assert store.paper(DAY[0]).starred and not reading.deck.has_card(DAY[0]) and not outcome.cards_changed


def test_starring_a_paper_that_has_a_card_keeps_that_card_on_undo(store):
    reading = reading_of(store)
    reading.toggle_card(DAY[0])
    card = store.card_document(DAY[0])
    triage = triage_of(reading)
    triage.decide("star")
    triage.undo()
    assert store.card_document(DAY[0]) == card and not store.paper(DAY[0]).starred


def test_star_and_read_take_a_paper_out_of_later(store):
    reading = reading_of(store)
    reading.toggle_later(DAY[0])
    reading.toggle_later(DAY[1])
    triage = triage_of(reading, LATER)
    assert triage.ids == [DAY[0], DAY[1]]
    triage.decide("star")
    triage.decide("read")
    assert not store.paper(DAY[0]).later and not store.paper(DAY[1]).later
    assert reading.views.ids(LATER) == [] and reading.counts.later == 0 and triage.done


def test_an_unknown_decision_is_refused_and_changes_nothing(store):
    reading = reading_of(store)
    triage = triage_of(reading)
    with pytest.raises(ValueError, match="no triage decision 'skip'"):
        triage.decide("skip")
    assert triage.position == 0 and reading.undo_stack == [] and store.paper_states() == {}


# --- undo ---------------------------------------------------------------------------------------


def test_undo_steps_back_to_the_undone_paper_and_restores_its_state_exactly(store):
    reading = reading_of(store)
    reading.set_note(DAY[1], "read the appendix")  # a state from before the triage
    triage = triage_of(reading)
    before = {paper_id: store.paper(paper_id) for paper_id in DAY}
    triage.decide("star")
    triage.decide("later")
    after_second = store.paper(DAY[1])
    triage.decide("read")
    assert triage.move(+1) and triage.move(+1)  # two papers looked at, not decided
    assert triage.current == DAY[5]
    outcome = triage.undo()
    assert outcome.message == "Undid read." and outcome.papers == (DAY[2],)
    assert triage.position == 2 and triage.current == DAY[2]
    assert store.paper(DAY[2]) == before[DAY[2]] and DAY[2] not in store.paper_states()
    assert store.paper(DAY[1]) == after_second  # the decision before it stands
    triage.undo()
    assert triage.current == DAY[1] and store.paper(DAY[1]) == before[DAY[1]]
    assert store.paper(DAY[1]).note == "read the appendix"  # put back as it was, not emptied
    triage.undo()
    assert triage.current == DAY[0] and store.paper(DAY[0]) == before[DAY[0]]
    again = reopened(store)
    try:
        assert {paper_id: again.paper(paper_id) for paper_id in DAY} == before
    finally:
        again.close()


def test_undo_after_a_tag_change_takes_back_the_tag_and_stays(store):
    reading = reading_of(store)
    triage = triage_of(reading)
    triage.decide("read")
    shown = triage.current
    assert shown == DAY[1]
    outcome = reading.set_tags(shown, "must-read rl")
    assert outcome.tags_changed and store.paper(shown).tags == ("must-read", "rl")
    undone = triage.undo()
    assert undone.message == "Undid tags." and undone.tags_changed
    assert store.paper(shown).tags == () and triage.position == 1 and triage.current == shown
    assert store.paper(DAY[0]).read  # the decision is still there
    triage.undo()
    assert triage.position == 0 and not store.paper(DAY[0]).read
    assert triage.undo().message == NOTHING_TO_UNDO and triage.position == 0


def test_undo_before_any_decision_leaves_an_earlier_change_and_does_not_move(store):
    reading = reading_of(store)
    reading.toggle_star(DAY[8])  # starred and so left in: not read
    triage = triage_of(reading)
    assert triage.move(+1)
    assert triage.undo().message == NOTHING_TO_UNDO
    assert triage.position == 1 and store.paper(DAY[8]).starred


def test_a_paper_decided_twice_undoes_to_its_first_decision(store):
    reading = reading_of(store)
    triage = triage_of(reading)
    triage.decide("star")
    starred = store.paper(DAY[0])
    assert triage.move(-1) and triage.current == DAY[0]
    triage.decide("read")
    assert triage.current == DAY[1]
    triage.undo()
    assert triage.current == DAY[0] and store.paper(DAY[0]) == starred
    triage.undo()
    assert triage.current == DAY[0] and store.paper(DAY[0]) == PaperState()


def test_a_paper_decided_again_as_later_is_kept_unread(store):
    reading = reading_of(store)
    triage = triage_of(reading)
    triage.decide("star")
    triage.move(-1)
    triage.decide("later")
    state = store.paper(DAY[0])
    assert state.later and not state.read
    assert triage_of(reading, LATER).ids == [DAY[0]]


# --- moving and progress ------------------------------------------------------------------------


def test_moving_stops_at_the_first_paper_and_after_the_last(store):
    reading = reading_of(store)
    triage = triage_of(reading)
    assert triage.total == 9 and triage.progress == "1 / 9"
    assert not triage.move(-1) and triage.position == 0
    for step in range(1, 10):
        assert triage.move(+1) and triage.position == step
    assert triage.done and triage.current is None and triage.progress == "9 / 9"
    assert not triage.move(+1) and triage.position == 9
    assert triage.decide("star") == Outcome() and store.paper_states() == {} and reading.undo_stack == []
    assert triage.move(-1) and triage.current == DAY[8] and triage.progress == "9 / 9"


def test_progress_counts_the_paper_shown(store):
    reading = reading_of(store)
    triage = triage_of(reading)
    shown = []
    while not triage.done:
        shown.append(triage.progress)
        triage.decide("read")
    assert shown == [f"{number} / 9" for number in range(1, 10)]
    assert triage.progress == "9 / 9" and reading.counts.day_unread[date(2025, 6, 11)] == 0


def test_nothing_to_triage_is_done_at_once(store):
    reading = reading_of(store)
    reading.mark_all_read(DAY)
    triage = triage_of(reading)
    assert triage.ids == [] and triage.done and triage.progress == "0 / 0"
    assert triage.decide("read") == Outcome() and not triage.move(+1) and not triage.move(-1)


# --- the summary --------------------------------------------------------------------------------


def test_the_summary_has_each_paper_under_its_last_decision(store):
    reading = reading_of(store)
    triage = triage_of(reading)
    assert triage.summary() == TriageSummary()
    assert triage.summary().describe() == "0 starred, 0 kept for later, 0 read"
    triage.decide("star")
    triage.decide("read")
    triage.decide("later")
    triage.decide("read")
    assert triage.summary() == TriageSummary(starred=[DAY[0]], later=[DAY[2]], read=[DAY[1], DAY[3]])
    for _ in range(4):
        assert triage.move(-1)
    triage.decide("read")  # the starred paper, decided again
    summary = triage.summary()
    assert summary == TriageSummary(starred=[], later=[DAY[2]], read=[DAY[1], DAY[3], DAY[0]])
    assert summary.describe() == "0 starred, 1 kept for later, 3 read"
    triage.undo()  # the second decision taken back: the first one counts again
    assert triage.summary() == TriageSummary(starred=[DAY[0]], later=[DAY[2]], read=[DAY[1], DAY[3]])
    assert triage.summary().describe() == "1 starred, 1 kept for later, 2 read"


# --- what triage goes through -------------------------------------------------------------------


def test_triage_leaves_out_read_papers_and_papers_kept_for_later(store):
    reading = reading_of(store)
    reading.toggle_read(DAY[0])
    reading.toggle_later(DAY[1])
    reading.toggle_later(DAY[2])
    reading.toggle_read(DAY[2])  # kept for later but read since
    reading.view = JUNE_11
    assert reading.to_triage(DAY) == list(DAY[3:])
    reading.view = LATER  # the Later view's triage goes through every paper kept for later, read since or not
    assert reading.to_triage(DAY) == [DAY[1], DAY[2]]
    assert reading.to_triage(reading.views.ids(LATER)) == [DAY[1], DAY[2]]
    assert reading.views.ids(LATER) == [DAY[1], DAY[2]]
    reading.view = ViewKey("view", "all")
    brute = [i for i in LIBRARY.order if not store.paper(i).read and not store.paper(i).later]
    assert reading.to_triage(LIBRARY.order) == brute and len(brute) == len(LIBRARY) - 3


def test_the_later_view_is_triaged_again_and_empties(store):
    reading = reading_of(store)
    triage = triage_of(reading)
    for _ in range(3):
        triage.decide("later")
    again = triage_of(reading, LATER)
    assert again.ids == list(DAY[:3])
    again.decide("later")  # still later: the paper stays, and the triage moves on
    again.decide("read")
    again.decide("star")
    assert again.done and reading.views.ids(LATER) == [DAY[0]] and reading.counts.later == 1


# --- a read-only store --------------------------------------------------------------------------


def test_a_read_only_store_gives_the_error_and_triage_stays(store, path):
    second = Store.open(path)  # the fixture's store holds the lock
    try:
        assert second.read_only
        reading = reading_of(second)
        counts = reading.views.counts(reading.states)
        triage = triage_of(reading)
        for decision in ("star", "read", "later"):
            outcome = triage.decide(decision)
            assert outcome.error is not None and outcome.error.startswith("read-only: another paperdeck")
            assert outcome.papers == () and not outcome.cards_changed
            assert triage.position == 0 and triage.current == DAY[0] and triage.progress == "1 / 9"
        assert triage.taken == [] and triage.summary() == TriageSummary()
        assert reading.states == {} and reading.undo_stack == [] and len(reading.deck) == 0
        assert reading.counts == counts
        assert triage.undo().message == NOTHING_TO_UNDO and triage.position == 0
        assert second.paper_states() == {} and store.paper_states() == {}
    finally:
        second.close()


def test_the_later_views_triage_takes_papers_kept_for_later_even_if_read_since(store):
    reading = reading_of(store)
    first, second = DAY[0], DAY[1]
    reading.toggle_later(first)
    assert store.paper(first).later and not store.paper(first).read  # kept for later is kept unread
    reading.toggle_read(first)  # then read in the reader: still kept for later
    reading.decide(second, "later")
    reading.view = LATER
    assert reading.to_triage(reading.views.ids(LATER)) == [i for i in reading.views.ids(LATER) if i in (first, second)]
    assert set(reading.to_triage(reading.views.ids(LATER))) == {first, second}


def test_undo_in_triage_leaves_the_readers_changes_from_before_it_alone(store):
    reading = reading_of(store)
    reading.toggle_star(DAY[-1])  # in the reader, before triage
    triage = triage_of(reading)
    outcome = triage.undo()
    assert outcome.message == NOTHING_TO_UNDO and store.paper(DAY[-1]).starred
    triage.decide("read")
    triage.undo()
    assert triage.position == 0 and store.paper(DAY[-1]).starred
    assert triage.undo().message == NOTHING_TO_UNDO
