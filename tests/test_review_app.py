"""Spaced review in the app, driven through Pilot: the session, the stats screen, and the reader's keys."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from conftest import COMMENTARY, HF_MAR_06
from fsrs import Rating

from tui.library.files import load_library
from tui.model import paper_id
from tui.review.deck import Deck
from tui.state.store import Store
from tui.ui.app import PaperdeckApp
from tui.ui.screens.review import ReviewScreen
from tui.ui.screens.stats import StatsScreen

pytestmark = pytest.mark.usefixtures("utc_zone")  # local days are UTC days here
MAGISTRAL = paper_id("Magistral")
VIT = paper_id("Vision Transformers Don't Need Trained Registers")
TL = paper_id("TL-Training: A Task-Feature-Based Framework for Training Large Language Models in Tool Use")
LIBRARY = load_library([COMMENTARY, HF_MAR_06])


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def make_app(home, store: Store, clock: Clock, start: str = "reader") -> PaperdeckApp:
    return PaperdeckApp(LIBRARY, home=home, store=store, clock=clock, start=start)


def with_cards(store: Store, clock: Clock, *paper_ids: str) -> None:
    deck = Deck(store, clock=clock)
    for pid in paper_ids:
        deck.add(pid)
        clock.now += timedelta(seconds=1)


def screen_text(app) -> str:
    """Every Static and button label of the screen, as the user reads it."""
    parts = []
    for widget in app.screen.query("Static, Button"):
        if widget.display and all(
            ancestor.display for ancestor in widget.ancestors_with_self if hasattr(ancestor, "display")
        ):
            parts.append(str(widget.render()) if not hasattr(widget, "label") else str(widget.label))
    return "\n".join(parts)


async def test_a_session_reveals_grades_undoes_buries_suspends_and_sums_up(home, store):
    clock = Clock()
    with_cards(store, clock, MAGISTRAL, VIT, TL)
    app = make_app(home, store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v")
        assert isinstance(app.screen, ReviewScreen)
        text = screen_text(app)
        assert "Magistral" in text and "What was the key idea?" in text
        assert "Mistral의 추론 모델" not in text  # the back is hidden until Space
        assert "3 to go" in text
        await pilot.press("3")  # grading before the reveal does nothing
        assert store.card_document(MAGISTRAL)["card"]["last_review"] is None
        await pilot.press("space")
        text = screen_text(app)
        assert "Commentary (Korean)\nMistral의 추론 모델." in text
        assert "4 Easy · " in text and "1 Again · " in text
        await pilot.press("4")
        assert store.card_document(MAGISTRAL)["card"]["last_review"] is not None
        assert "Vision Transformers Don't Need Trained Registers" in screen_text(app)
        await pilot.press("u")
        assert store.card_document(MAGISTRAL)["card"]["last_review"] is None
        assert list(store.review_documents()) == []
        assert "Magistral" in screen_text(app)
        await pilot.press("4")  # the undone card comes back revealed: grade it again
        await pilot.press("b")
        assert app.deck.card(VIT).buried(clock.now)
        await pilot.press("S")
        assert app.deck.card(TL).status == "suspended"
        text = screen_text(app)
        assert "Session done" in text and "Cards reviewed   1" in text
        assert "Buried           1 (back tomorrow)" in text and "Suspended        1" in text
        assert "Next card due" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, ReviewScreen)
        assert "0 due" in app.screen.sub_title


async def test_space_and_enter_grade_good_after_the_reveal(home, store):
    clock = Clock()
    with_cards(store, clock, MAGISTRAL, VIT)
    app = make_app(home, store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v", "space", "space")
        await pilot.press("space", "enter")
        ratings = [doc["rating"] for doc in store.review_documents()]
        assert ratings == [int(Rating.Good), int(Rating.Good)]


async def test_e_edits_the_note_of_the_card_and_the_back_shows_it(home, store):
    clock = Clock()
    with_cards(store, clock, MAGISTRAL)
    app = make_app(home, store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v", "space", "e")
        await pilot.press(*"[bold]not markup[/]", "ctrl+s")
        assert store.paper(MAGISTRAL).note == "[bold]not markup[/]"
        assert "Your note\n[bold]not markup[/]" in screen_text(app)


async def test_with_nothing_due_the_session_says_how_to_make_cards(home, store):
    app = make_app(home, store, Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v")
        assert "Nothing to review right now." in screen_text(app)
        assert "No cards are waiting." in screen_text(app)


async def test_starring_makes_a_card_and_undo_takes_it_back(home, store):
    app = make_app(home, store, Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        first = app.screen.query_one("#papers").current
        await pilot.press("s")
        assert app.deck.has_card(first) and "1 due" in app.screen.sub_title
        assert "★ starred · new card" in app.screen.query_one("#detail").text
        await pilot.press("s")  # unstarring keeps the card
        assert app.deck.has_card(first)
        await pilot.press("u", "u")
        assert not app.deck.has_card(first) and not store.paper(first).starred
        assert "0 due" in app.screen.sub_title


async def test_a_adds_and_removes_a_card_keeping_its_reviews(home, store):
    clock = Clock()
    app = make_app(home, store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        first = app.screen.query_one("#papers").current
        await pilot.press("a")
        assert app.deck.has_card(first) and not store.paper(first).starred
        await pilot.press("v", "space", "1", "escape")
        assert len(list(store.review_documents())) == 1
        await pilot.press("a")
        assert not app.deck.has_card(first)
        assert len(list(store.review_documents())) == 1
        await pilot.press("u")
        assert app.deck.card(first).status == "learning"


async def test_paperdeck_review_opens_the_session_and_leaving_it_quits(home, store):
    clock = Clock()
    with_cards(store, clock, MAGISTRAL)
    app = make_app(home, store, clock, start="review")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("space", "3", "escape")
        await pilot.pause()
    assert app.return_code == 0 and len(list(store.review_documents())) == 1


async def test_the_stats_screen_draws_the_calendar_forecast_and_numbers(home, store):
    clock = Clock()
    with_cards(store, clock, MAGISTRAL, VIT)
    deck = Deck(store, clock=clock)
    for pid, rating in ((MAGISTRAL, Rating.Good), (VIT, Rating.Again)):
        deck.grade(pid, rating)
    app = make_app(home, store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("S")
        assert isinstance(app.screen, StatsScreen)
        await app.workers.wait_for_complete()  # the stats are counted off the UI thread
        await pilot.pause()
        assert "Reviews in the last year · 2 in all" in screen_text(app)
        numbers = str(app.screen.query_one("#numbers").render())
        assert "0 new · 2 learning · 0 review · 0 relearning · 0 suspended" in numbers
        calendar = app.screen.query_one("#heatmap").render().renderables
        assert "Mon" in calendar[1].plain and "■" in calendar[2].plain  # 10 March 2026 is a Tuesday
        await pilot.press("escape")
        assert not isinstance(app.screen, StatsScreen)


def year_of_reviews(store: Store, clock: Clock) -> None:
    """Twelve papers reviewed whenever due for most of a year, failing every fifth answer."""
    clock.now = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
    ids = list(LIBRARY.papers)[:12]
    with_cards(store, clock, *ids)
    deck = Deck(store, clock=clock)
    answers = 0
    end = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    while clock.now < end:
        for pid in deck.session_queue():
            answers += 1
            deck.grade(pid, Rating.Again if answers % 5 == 0 else Rating.Good)
        clock.now += timedelta(hours=8)
    clock.now = end


def test_snapshot_of_a_revealed_card(snap_compare, home):
    store = Store.open(home.store)
    clock = Clock()
    with_cards(store, clock, MAGISTRAL, VIT)
    try:
        assert snap_compare(make_app(home, store, clock), terminal_size=(120, 40), press=["v", "space"])
    finally:
        store.close()


async def open_stats(pilot) -> None:
    await pilot.press("S")
    for _worker in ("counting", "simulating"):  # the second starts when the first shows its numbers
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def test_snapshot_of_the_stats_after_a_year(snap_compare, home):
    store = Store.open(home.store)
    clock = Clock()
    year_of_reviews(store, clock)
    try:
        assert snap_compare(make_app(home, store, clock), terminal_size=(120, 40), run_before=open_stats)
    finally:
        store.close()


async def test_the_review_settings_dialog_checks_and_saves(home, store):
    from textual.widgets import Input, Switch

    from tui.settings import ReviewSettings
    from tui.ui.screens.settings import ReviewSettingsDialog

    app = make_app(home, store, Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        app.action_review_settings()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReviewSettingsDialog)
        dialog.query_one("#new_per_day", Input).value = "many"
        await pilot.press("ctrl+s")
        assert app.screen is dialog
        assert "new_per_day must be a whole number from 0 to 9999, not 'many'" in str(
            dialog.query_one("#problem").render()
        )
        dialog.query_one("#new_per_day", Input).value = "3"
        dialog.query_one("#desired_retention", Input).value = "0.95"
        dialog.query_one(Switch).value = False
        await pilot.press("ctrl+s")
        assert app.screen is not dialog
    assert ReviewSettings.from_store(store) == ReviewSettings(
        desired_retention=0.95, new_per_day=3, star_adds_card=False
    )
    assert app.deck.scheduler.desired_retention == 0.95


async def test_with_star_adds_card_off_a_star_makes_no_card(home, store):
    store.set_setting("review_star_adds_card", False)
    app = make_app(home, store, Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        assert store.paper(app.screen.query_one("#papers").current).starred
        assert len(app.deck) == 0


async def test_a_brings_a_suspended_card_back(home, store):
    clock = Clock()
    app = make_app(home, store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        first = app.screen.query_one("#papers").current
        await pilot.press("a", "v", "S", "escape")
        assert app.deck.card(first).status == "suspended" and "0 due" in app.screen.sub_title
        await pilot.press("a")
        assert app.deck.card(first).status == "new" and "1 due" in app.screen.sub_title
        await pilot.press("u")
        assert app.deck.card(first).status == "suspended"


async def test_question_mark_lists_every_session_key(home, store):
    from tui.ui.screens.help import HelpScreen
    from tui.ui.screens.review import SESSION_KEYS

    clock = Clock()
    with_cards(store, clock, MAGISTRAL)
    app = make_app(home, store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        listed = {key for key, _what in SESSION_KEYS}
        words = {word.strip(",") for key in listed for word in key.split()}
        for binding in ReviewScreen.BINDINGS:
            for key in binding.key.split(","):
                name = {"space": "Space", "enter": "Enter", "escape": "Esc", "question_mark": "?"}.get(key, key)
                assert name in listed or name in words, binding.key
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_with_every_card_done_the_session_says_all_caught_up(home, store):
    clock = Clock()
    with_cards(store, clock, MAGISTRAL)
    Deck(store, clock=clock).grade(MAGISTRAL, Rating.Easy)
    app = make_app(home, store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v")
        text = screen_text(app)
        assert "All caught up" in text and "Star papers" not in text
        assert "Next card due" in text


# --- leeches and card info ----------------------------------------------------------------------


def rendered(widget) -> str:
    """What a Static shows, a Rich table included, as plain text."""
    from rich.console import Console

    console = Console(width=100, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def lapsed_seven_times(store: Store, clock: Clock, pid: str) -> None:
    """A card in review, due, that was forgotten seven times: the next Again makes it a leech."""
    deck = Deck(store, clock=clock)
    deck.add(pid)
    deck.grade(pid, Rating.Easy)
    for rating in (Rating.Again, Rating.Good) * 7:
        clock.now = deck.card(pid).card.due + timedelta(minutes=1)
        deck.grade(pid, rating)
    clock.now = deck.card(pid).card.due + timedelta(minutes=1)
    assert deck.card(pid).status == "review" and deck.card(pid).lapses == 7


async def test_the_eighth_lapse_in_a_session_tells_of_the_leech_and_undo_takes_it_back(home, store):
    clock = Clock()
    lapsed_seven_times(store, clock, MAGISTRAL)
    app = make_app(home, store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v", "space", "1")
        [told] = [note.message for note in app._notifications if note.title == "Leech"]
        assert told.startswith("Leech: failed 8 times. Suspended and tagged leech;")
        assert "a in the reader brings the card back" in told
        assert app.deck.card(MAGISTRAL).status == "suspended" and "leech" in store.paper(MAGISTRAL).tags
        text = screen_text(app)
        assert "Session done" in text and "Leeches          1 (suspended and tagged leech)" in text
        await pilot.press("u")
        assert app.deck.card(MAGISTRAL).status == "review" and store.paper(MAGISTRAL).tags == ()
        assert "Leeches" not in screen_text(app)


async def test_i_in_the_reader_shows_the_cards_answers_once_they_are_read(home, store):
    from tui.ui.screens.card_info import CardInfoScreen

    clock = Clock()
    app = make_app(home, store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        first = app.screen.query_one("#papers").current
        app.deck.add(first)
        app.deck.grade(first, Rating.Good, duration_ms=4_000)
        clock.now += timedelta(minutes=15)
        app.deck.grade(first, Rating.Easy, duration_ms=2_500)
        await pilot.press("i")
        assert isinstance(app.screen, CardInfoScreen)
        await app.workers.wait_for_complete()  # the answers are read off the UI thread
        await pilot.pause()
        title = LIBRARY.papers[first].title
        assert str(app.screen.query_one("#card-title").render()) == title
        shown = rendered(app.screen.query_one("#figures"))
        assert "Status" in shown and "review" in shown and "Answers" in shown and "6.5s" in shown
        rows = rendered(app.screen.query_one("#answer-table")).splitlines()
        assert rows[0].split() == ["Date", "Grade", "State", "Elapsed", "Interval", "Time"]
        assert rows[1].split()[2:4] == ["Good", "new"] and rows[1].split()[-1] == "4s"
        assert rows[2].split()[2:5] == ["Easy", "learning", "15m"]
        await pilot.press("i")
        assert not isinstance(app.screen, CardInfoScreen)


async def test_i_on_a_paper_without_a_card_says_how_to_add_one(home, store):
    from tui.ui.screens.card_info import CardInfoScreen

    app = make_app(home, store, Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        assert not isinstance(app.screen, CardInfoScreen)
        assert [note.message for note in app._notifications] == ["No review card for this paper: a adds one."]


async def test_i_in_a_session_shows_the_info_of_the_card_shown(home, store):
    from tui.ui.screens.card_info import CardInfoScreen

    clock = Clock()
    with_cards(store, clock, MAGISTRAL, VIT)
    app = make_app(home, store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v", "space", "3", "i")
        assert isinstance(app.screen, CardInfoScreen) and app.screen.paper_id == VIT
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Vision Transformers" in str(app.screen.query_one("#card-title").render())
        shown = rendered(app.screen.query_one("#figures"))
        assert "new" in shown and "— (a new card)" in shown
        assert app.screen.query_one("#answers").has_class("-hidden")  # no answers yet
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen) and app.screen.session.current == VIT
