"""The reader's rules on a real store and the sample library, without a terminal."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from conftest import COMMENTARY, HF_MAR_06
from fsrs import Rating

from tui.library.files import load_library
from tui.model import paper_id
from tui.reading import (
    ALL_READ_ALREADY,
    NOTHING_TO_UNDO,
    REPAINT_WHOLE_LIST,
    SYNC_FILTER_LIMIT,
    Outcome,
    Reading,
)
from tui.review.deck import Deck
from tui.settings import ReviewSettings
from tui.state.store import Store
from tui.views import ALL, DUE, STARRED, UNREAD, ViewKey

pytestmark = pytest.mark.usefixtures("utc_zone")  # local days are UTC days here
LIBRARY = load_library([COMMENTARY, HF_MAR_06])
MAGISTRAL = paper_id("Magistral")
VIT = paper_id("Vision Transformers Don't Need Trained Registers")
JUNE_11, MARCH_6 = date(2025, 6, 11), date(2026, 3, 6)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def reading_of(store: Store, *, star_adds_card: bool = True) -> Reading:
    deck = Deck(store, ReviewSettings(star_adds_card=star_adds_card), Clock(), enable_fuzzing=False)
    reading = Reading(LIBRARY, store, deck)
    reading.refresh_due()
    return reading


def assert_counts_as_recounted(reading: Reading) -> None:
    assert reading.counts == reading.views.counts(reading.states)


# --- stars and cards --------------------------------------------------------------------------


def test_a_star_adds_a_card_and_its_undo_takes_the_card_back(store):
    reading = reading_of(store)
    outcome = reading.toggle_star(MAGISTRAL)
    assert store.paper(MAGISTRAL).starred and reading.deck.has_card(MAGISTRAL)
    assert outcome.papers == (MAGISTRAL,) and outcome.cards_changed and outcome.error is None
    assert MAGISTRAL in reading.due and reading.counts.due == 1 and reading.counts.starred == 1
    undone = reading.undo()
    assert undone.message == "Undid star." and undone.cards_changed
    assert not store.paper(MAGISTRAL).starred and not reading.deck.has_card(MAGISTRAL)
    assert reading.due == set() and reading.counts.due == 0 and reading.counts.starred == 0
    assert MAGISTRAL not in store.paper_states()


def test_with_star_adds_card_off_a_star_makes_no_card(store):
    reading = reading_of(store, star_adds_card=False)
    outcome = reading.toggle_star(MAGISTRAL)
    assert store.paper(MAGISTRAL).starred and not reading.deck.has_card(MAGISTRAL)
    assert not outcome.cards_changed
    reading.undo()
    assert not store.paper(MAGISTRAL).starred


def test_undoing_the_star_of_a_paper_that_had_a_card_keeps_the_card(store):
    reading = reading_of(store)
    reading.toggle_card(MAGISTRAL)
    before = store.card_document(MAGISTRAL)
    reading.toggle_star(MAGISTRAL)
    reading.undo()
    assert not store.paper(MAGISTRAL).starred
    assert store.card_document(MAGISTRAL) == before


def test_unstarring_keeps_the_card(store):
    reading = reading_of(store)
    reading.toggle_star(MAGISTRAL)
    outcome = reading.toggle_star(MAGISTRAL)
    assert not store.paper(MAGISTRAL).starred and reading.deck.has_card(MAGISTRAL)
    assert not outcome.cards_changed
    assert reading.undo().message == "Undid unstar."
    assert store.paper(MAGISTRAL).starred


def test_a_adds_a_card_and_undo_takes_it_out(store):
    reading = reading_of(store)
    outcome = reading.toggle_card(MAGISTRAL)
    assert outcome.message == "Added to the review deck." and outcome.cards_changed
    assert reading.deck.card(MAGISTRAL).status == "new" and not store.paper(MAGISTRAL).starred
    assert reading.counts.due == 1
    assert reading.undo().message == "Undid add to deck."
    assert not reading.deck.has_card(MAGISTRAL) and reading.counts.due == 0


def test_a_on_a_suspended_card_unsuspends_it_and_undo_suspends_it_again(store):
    reading = reading_of(store)
    reading.toggle_card(MAGISTRAL)
    reading.deck.suspend(MAGISTRAL)
    reading.refresh_due()
    assert reading.counts.due == 0
    outcome = reading.toggle_card(MAGISTRAL)
    assert outcome.message == "Unsuspended: the card is back in your reviews."
    assert reading.deck.card(MAGISTRAL).status == "new" and reading.counts.due == 1
    assert reading.undo().message == "Undid unsuspend."
    assert reading.deck.card(MAGISTRAL).status == "suspended" and reading.counts.due == 0


def test_a_takes_a_card_out_keeping_its_reviews_and_undo_restores_it_exactly(store):
    reading = reading_of(store)
    reading.toggle_card(MAGISTRAL)
    reading.deck.grade(MAGISTRAL, Rating.Good, duration_ms=4000)
    card = store.card_document(MAGISTRAL)
    outcome = reading.toggle_card(MAGISTRAL)
    assert outcome.message == "Taken out of the review deck; its review history is kept."
    assert not reading.deck.has_card(MAGISTRAL)
    assert [review["paper_id"] for review in store.review_documents()] == [MAGISTRAL]
    assert reading.undo().message == "Undid take out of deck."
    assert store.card_document(MAGISTRAL) == card
    assert reading.deck.card(MAGISTRAL).status == "learning"
    assert len(list(store.review_documents())) == 1


# --- reading, tags, notes ---------------------------------------------------------------------


def test_toggling_read_tells_the_days_whose_counts_changed(store):
    reading = reading_of(store)
    outcome = reading.toggle_read(VIT)
    assert store.paper(VIT).read and outcome.papers == (VIT,)
    assert outcome.days == {JUNE_11} and not outcome.tags_changed and not outcome.cards_changed
    assert reading.counts.unread == len(LIBRARY) - 1 and reading.counts.day_unread[JUNE_11] == 7
    reading.toggle_read(VIT)
    assert not store.paper(VIT).read and reading.counts.day_unread[JUNE_11] == 8
    assert [step.what for step in reading.undo_stack] == ["read", "unread"]


def test_opening_marks_read_only_with_the_setting_on(store):
    reading = reading_of(store)
    assert reading.open_paper(VIT).papers == (VIT,) and store.paper(VIT).read
    assert reading.open_paper(VIT) == Outcome()  # already read: nothing to do, nothing to undo
    assert len(reading.undo_stack) == 1
    assert reading.toggle_read_on_open().message == "Opening a paper no longer marks it read."
    assert reading.open_paper(MAGISTRAL) == Outcome() and not store.paper(MAGISTRAL).read
    assert reading.toggle_read_on_open().message == "Opening a paper now marks it read."
    reading.open_paper(MAGISTRAL)
    assert store.paper(MAGISTRAL).read


def test_mark_all_read_is_one_undo_step(store):
    reading = reading_of(store)
    day = LIBRARY.by_date[JUNE_11]
    reading.toggle_read(day[0])
    assert reading.unread(day) == list(day[1:])
    outcome = reading.mark_all_read(day)
    assert outcome.message == "Marked 7 papers read. Press u to undo."
    assert set(outcome.papers) == set(day[1:]) and outcome.days == {JUNE_11}
    assert reading.counts.day_unread[JUNE_11] == 0
    assert reading.mark_all_read(day).message == ALL_READ_ALREADY
    assert reading.undo().message == "Undid mark all read."
    assert [paper for paper in day if store.paper(paper).read] == [day[0]]
    assert reading.counts.day_unread[JUNE_11] == 7
    assert_counts_as_recounted(reading)


def test_tags_are_taken_as_typed_and_say_the_tree_must_follow(store):
    reading = reading_of(store)
    outcome = reading.set_tags(MAGISTRAL, "must-read, #RL")
    assert store.paper(MAGISTRAL).tags == ("must-read", "rl") and outcome.tags_changed
    assert reading.user_tags() == {"must-read": [MAGISTRAL], "rl": [MAGISTRAL]}
    assert MAGISTRAL in reading.views.ids(ViewKey("tag", "must-read"))
    reading.undo()
    assert store.paper(MAGISTRAL).tags == () and reading.user_tags() == {}


def test_a_note_unchanged_is_no_change(store):
    reading = reading_of(store)
    assert reading.set_note(MAGISTRAL, "") == Outcome() and reading.undo_stack == []
    outcome = reading.set_note(MAGISTRAL, "first\nsecond")
    assert store.paper(MAGISTRAL).note == "first\nsecond" and outcome.papers == (MAGISTRAL,)
    assert not outcome.tags_changed and not outcome.days
    assert reading.undo().message == "Undid note."
    assert store.paper(MAGISTRAL).note == ""


def test_undo_with_nothing_to_undo_says_so(store):
    reading = reading_of(store)
    assert reading.undo() == Outcome(message=NOTHING_TO_UNDO)
    assert NOTHING_TO_UNDO == "Nothing to undo."


def test_the_language_cycles_and_is_remembered(store):
    reading = reading_of(store)
    assert reading.language == "ko"
    assert reading.cycle_language().message == "Commentary: English"
    assert store.setting("commentary_language") == "en"
    assert reading_of(store).language == "en"


def test_a_read_only_store_gives_the_error_and_changes_nothing(home, store):
    second = Store.open(home.store)  # the fixture's store holds the lock
    assert second.read_only
    reading = reading_of(second)
    day = LIBRARY.by_date[JUNE_11]
    counts = reading.views.counts(reading.states)
    outcomes = [
        reading.toggle_read(MAGISTRAL),
        reading.toggle_star(MAGISTRAL),
        reading.toggle_card(MAGISTRAL),
        reading.mark_all_read(day),
        reading.set_tags(MAGISTRAL, "rl"),
        reading.set_note(MAGISTRAL, "a note"),
        reading.open_paper(MAGISTRAL),
        reading.toggle_read_on_open(),
    ]
    for outcome in outcomes:
        assert outcome.error is not None and outcome.error.startswith("read-only: another paperdeck")
        assert outcome.message is None and not outcome.papers and not outcome.cards_changed
    assert second.paper_states() == {} and store.paper_states() == {}
    assert len(reading.deck) == 0 and reading.states == {} and reading.undo_stack == []
    assert reading.counts == counts
    assert reading.undo().message == NOTHING_TO_UNDO
    assert reading.cycle_language().message == "Commentary: English"  # still this session's
    second.close()


# --- counts, the due set, catching up ----------------------------------------------------------


def test_counts_kept_by_deltas_equal_counts_recounted(store):
    reading = reading_of(store)
    reading.toggle_read(VIT)
    reading.toggle_star(MAGISTRAL)
    reading.toggle_star(VIT)
    reading.mark_all_read(LIBRARY.by_date[MARCH_6])
    reading.set_tags(VIT, "x y")
    reading.toggle_card(LIBRARY.order[3])
    assert_counts_as_recounted(reading)
    reading.undo()
    reading.undo()
    assert_counts_as_recounted(reading)
    reading.open_paper(LIBRARY.order[5])
    reading.toggle_star(MAGISTRAL)
    assert_counts_as_recounted(reading)
    assert reading.counts.of_view(STARRED) == 1 and reading.counts.of_view(UNREAD) == 7
    while reading.undo_stack:
        reading.undo()
    assert_counts_as_recounted(reading)
    assert store.paper_states() == {} and len(reading.deck) == 0


def test_catch_up_takes_in_what_a_review_session_changed(store):
    reading = reading_of(store)
    reading.toggle_card(MAGISTRAL)
    reading.toggle_card(VIT)
    assert reading.due == {MAGISTRAL, VIT}
    # What a session does: grade, note, all straight to the store.
    reading.deck.grade(MAGISTRAL, Rating.Easy)
    store.set_note(VIT, "from the session")
    store.set_star(VIT, True)
    outcome = reading.catch_up()
    assert outcome.papers == (VIT,) and outcome.cards_changed
    assert reading.state_of(VIT).note == "from the session" and reading.counts.starred == 1
    assert reading.due == {VIT} and reading.counts.due == 1
    assert_counts_as_recounted(reading)
    assert reading.catch_up().papers == ()


def test_the_due_view_lists_the_due_set(store):
    reading = reading_of(store)
    reading.toggle_card(VIT)
    reading.toggle_card(MAGISTRAL)
    assert sorted(reading.views.ids(DUE)) == sorted([MAGISTRAL, VIT])


def test_the_whole_list_repaints_from_the_threshold_on():
    few = Outcome(papers=tuple(f"p{i}" for i in range(REPAINT_WHOLE_LIST - 1)))
    many = Outcome(papers=tuple(f"p{i}" for i in range(REPAINT_WHOLE_LIST)))
    assert not few.repaint_whole_list and many.repaint_whole_list


# --- days and the filter -----------------------------------------------------------------------


def test_day_stepping_goes_older_and_newer_and_says_when_there_is_no_more(store):
    reading = reading_of(store)
    newest = ViewKey("day", MARCH_6.isoformat())
    oldest = ViewKey("day", JUNE_11.isoformat())
    assert reading.step_day(ALL, VIT, 1) == oldest  # from a view: the day of the paper under the cursor
    assert reading.step_day(ALL, None, 1) == newest  # no paper: the newest day
    assert reading.step_day(newest, VIT, 1) == oldest
    assert reading.step_day(oldest, VIT, 1) is None
    assert reading.step_day(oldest, VIT, -1) == newest
    assert reading.step_day(newest, VIT, -1) is None


def test_a_longer_filter_starts_from_the_papers_the_shorter_one_kept(store):
    reading = reading_of(store)
    reading.query_text = "tag:rl"
    job = reading.filter_job()
    assert job.base == LIBRARY.order and job.at_once and job.error is None
    ids = reading.matcher.filter(job.base, job.query)
    assert reading.filtered(job, ids)
    reading.query_text = "tag:rl unread"
    narrower = reading.filter_job()
    assert narrower.base == ids
    assert not reading.filtered(job, ids)  # the filter changed since that job started
    reading.toggle_read(ids[0])  # what the shorter filter kept may no longer hold
    assert reading.filter_job().base == LIBRARY.order


def test_an_unreadable_filter_filters_nothing_and_says_why(store):
    reading = reading_of(store)
    reading.query_text = "after:someday"
    job = reading.filter_job()
    assert job.error and job.query.is_empty and job.at_once
    assert reading.filters_every_letter() and len(LIBRARY) <= SYNC_FILTER_LIMIT
    assert not reading.search_worth_preparing


def test_the_due_view_is_filtered_afresh_once_the_cards_change(store):
    reading = reading_of(store)
    reading.toggle_card(VIT)
    reading.toggle_card(MAGISTRAL)
    reading.view = DUE
    job = reading.filter_job()
    assert reading.filtered(job, reading.matcher.filter(job.base, job.query))
    reading.toggle_card(MAGISTRAL)  # taken out: the papers kept before no longer hold
    assert reading.filter_job().base == [VIT]
