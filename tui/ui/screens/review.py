"""The review session: one card at a time, Space to reveal, 1-4 to grade, a summary at the end."""

from __future__ import annotations

from datetime import datetime

from fsrs import Rating
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Collapsible, Header, Static

from tui.library.merge import Library
from tui.review.clock import format_interval
from tui.review.deck import Deck
from tui.review.session import ReviewSession, SessionSummary
from tui.safe_text import visible
from tui.settings import COMMENTARY_LANGUAGE, LANGUAGE_NAMES, next_language, remember
from tui.state.store import Store, StoreReadOnly
from tui.ui.screens.dialogs import NoteDialog
from tui.ui.screens.help import HelpScreen
from tui.ui.textual_compat import QuietFooter
from tui.ui.widgets.flashcard import render_back, render_front

SESSION_KEYS = [
    ("Space", "show the answer; once shown, grade Good"),
    ("Enter", "once the answer is shown, grade Good"),
    ("1 2 3 4", "grade Again / Hard / Good / Easy (each button shows the interval it gives)"),
    ("u", "undo the last grade exactly, or the last bury or suspend"),
    ("b", "bury the card until tomorrow"),
    ("S", "suspend the card (a in the reader brings it back)"),
    ("n, e", "edit your note on the paper (Ctrl+S saves)"),
    ("f", "unfold or fold the abstract"),
    ("L", "commentary in Korean ▸ English ▸ both (remembered)"),
    ("i", "card info: the card's stability, due date and every answer given on it"),
    ("Esc", "leave the session; everything graded is already saved"),
    ("?", "this help"),
]
GRADES = (
    (Rating.Again, "Again", "error"),
    (Rating.Hard, "Hard", "warning"),
    (Rating.Good, "Good", "success"),
    (Rating.Easy, "Easy", "primary"),
)


class GradeButton(Button, can_focus=False):
    """One of Again/Hard/Good/Easy, labelled with the interval it would give."""


class ReviewScreen(Screen[SessionSummary]):
    """Due cards first, then new ones; dismissed with what the session did."""

    DEFAULT_CSS = """
    ReviewScreen #progress { height: 1; padding: 0 2; color: $text-muted; }
    ReviewScreen #card { height: 1fr; padding: 1 2; background: $surface; }
    ReviewScreen #card > Static { width: 1fr; }
    ReviewScreen #back { margin-top: 1; border-top: hkey $panel-lighten-2; padding-top: 1; }
    ReviewScreen #abstract { margin-top: 1; border-top: none; padding-bottom: 0; background: $surface; }
    ReviewScreen #answer-bar { height: 3; align-horizontal: center; }
    ReviewScreen #answer-bar Button { width: 1fr; max-width: 22; margin: 0 1; }
    ReviewScreen #reveal-hint { width: 1fr; height: 3; content-align: center middle; color: $text-muted; }
    ReviewScreen .-hidden { display: none; }
    ReviewScreen #summary { padding: 1 2; }
    """
    BINDINGS = [
        Binding("space", "space", "Show / Good"),
        Binding("enter", "space", "Show / Good", show=False),
        Binding("1", "grade(1)", "Again", show=False),
        Binding("2", "grade(2)", "Hard", show=False),
        Binding("3", "grade(3)", "Good", show=False),
        Binding("4", "grade(4)", "Easy", show=False),
        Binding("u", "undo", "Undo"),
        Binding("b", "bury", "Bury"),
        Binding("S", "suspend", "Suspend"),
        Binding("n,e", "edit_note", "Note"),
        Binding("f", "fold", "Abstract"),
        Binding("L", "cycle_language", "Language"),
        Binding("i", "card_info", "Card info", show=False),
        Binding("escape", "leave", "Leave"),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(self, library: Library, store: Store, deck: Deck) -> None:
        super().__init__()
        self.library = library
        self.store = store
        self.deck = deck
        self.session = ReviewSession(deck)
        self.language = COMMENTARY_LANGUAGE.read(store)
        self._first_count = self.session.remaining

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="progress")
        with VerticalScroll(id="card"):
            yield Static(id="front")
            yield Static(id="back")
            with Collapsible(title="Abstract (f)", id="abstract", collapsed=True):
                yield Static(id="abstract-text")
            yield Static(id="summary")
        yield Static("Space shows the answer", id="reveal-hint")
        with Horizontal(id="answer-bar"):
            for rating, name, variant in GRADES:
                yield GradeButton(name, id=f"grade-{int(rating)}", variant=variant)
        yield QuietFooter()

    def on_mount(self) -> None:
        self.sub_title = "Review"
        self._show()

    # --- showing ---------------------------------------------------------------------------

    def _show(self) -> None:
        session = self.session
        paper_id = session.current
        paper = self.library.papers.get(paper_id) if paper_id else None
        if paper_id is not None and paper is None:
            # A card whose paper no digest holds any more: nothing to show, so set it aside.
            session.bury()
            self._show()
            return
        finished = paper is None
        for widget_id in ("#front", "#back", "#abstract"):
            self.query_one(widget_id).set_class(finished, "-hidden")
        self.query_one("#summary").set_class(not finished, "-hidden")
        self.query_one("#reveal-hint").set_class(finished or session.revealed, "-hidden")
        self.query_one("#answer-bar").set_class(finished or not session.revealed, "-hidden")
        self._show_progress()
        if paper is None:
            self.query_one("#summary", Static).update(self._summary_text())
            return
        state = self.store.paper(paper.id)
        self.query_one("#front", Static).update(render_front(paper, state))
        back = self.query_one("#back", Static)
        abstract = self.query_one("#abstract", Collapsible)
        back.set_class(not session.revealed, "-hidden")
        abstract.set_class(not session.revealed or not paper.abstract, "-hidden")
        if session.revealed:
            back.update(render_back(paper, state, self.language))
            self.query_one("#abstract-text", Static).update(Text(visible(paper.abstract)))
            for rating, interval in session.intervals().items():
                name = GRADES[int(rating) - 1][1]
                self.query_one(
                    f"#grade-{int(rating)}", Button
                ).label = f"{int(rating)} {name} · {format_interval(interval)}"
        else:
            abstract.collapsed = True
        self.query_one("#card", VerticalScroll).scroll_home(animate=False)

    def _show_progress(self) -> None:
        session = self.session
        summary = session.summary
        if session.finished:
            text = f"Session over · {summary.reviewed} reviewed"
        else:
            text = f"{session.remaining} to go · {summary.reviewed} reviewed"
            if summary.reviewed:
                text += f" · again {summary.again_rate:.0%}"
        self.query_one("#progress", Static).update(text)

    def _summary_text(self) -> Text:
        summary = self.session.summary
        text = Text()
        if summary.reviewed == 0 and not (summary.buried or summary.suspended):
            if len(self.deck):
                text.append("All caught up: nothing to review right now.\n", style="bold")
            else:
                text.append("Nothing to review right now.\n\n", style="bold")
                text.append("Star papers in the reader (s) or add them to the deck (a) to make flashcards.\n")
        else:
            text.append("Session done\n\n", style="bold")
            text.append(f"Cards reviewed   {summary.reviewed}\n")
            if summary.again_rate is not None:
                text.append(f"Again            {summary.again} ({summary.again_rate:.0%})\n")
            text.append(f"Time spent       {_duration(summary.time_ms)}\n")
            if summary.buried:
                text.append(f"Buried           {summary.buried} (back tomorrow)\n")
            if summary.suspended:
                text.append(f"Suspended        {summary.suspended}\n")
            if summary.leeches:
                text.append(f"Leeches          {summary.leeches} (suspended and tagged leech)\n")
        text.append("\n")
        text.append(_next_due_line(self.session.next_due(), self.deck.clock()))
        text.append("\n\nEsc goes back.", style="dim")
        return text

    # --- actions -----------------------------------------------------------------------------

    def _guarded(self, change) -> bool:
        try:
            change()
        except StoreReadOnly as exc:
            self.notify(str(exc), severity="error", markup=False)
            return False
        return True

    def action_space(self) -> None:
        if self.session.finished:
            return
        if not self.session.revealed:
            self.session.reveal()
            self._show()
        else:
            self.action_grade(int(Rating.Good))

    def action_grade(self, rating: int) -> None:
        if self.session.finished:
            return
        if not self.session.revealed:
            self.notify("Space shows the answer first.")
            return
        if self._guarded(lambda: self.session.grade(Rating(rating))):
            self._show()
            if (leech := self.session.last_leech) is not None:
                self._tell_leech(leech)

    def _tell_leech(self, paper_id: str) -> None:
        card = self.deck.card(paper_id)
        lapses = card.lapses if card is not None else self.deck.settings.leech_lapses
        self.notify(
            f"Leech: failed {lapses} times. Suspended and tagged leech; rewrite your note on it "
            "(n in the reader), then a in the reader brings the card back. u undoes it.",
            title="Leech",
            severity="warning",
            timeout=15,
            markup=False,
        )

    @on(Button.Pressed, "GradeButton")
    def _grade_pressed(self, event: Button.Pressed) -> None:
        self.action_grade(int(event.button.id.rsplit("-", 1)[1]))

    def action_undo(self) -> None:
        undone: list[str | None] = []
        if not self._guarded(lambda: undone.append(self.session.undo())):
            return
        if undone[0] is None:
            self.notify("Nothing to undo in this session.")
            return
        self.session.reveal()
        self._show()
        self.notify(f"Undid the {undone[0]}.")

    def action_bury(self) -> None:
        if not self.session.finished and self._guarded(self.session.bury):
            self.notify("Buried until tomorrow. u undoes it.")
            self._show()

    def action_suspend(self) -> None:
        if not self.session.finished and self._guarded(self.session.suspend):
            self.notify("Suspended: it stays out of reviews until you add it again (a). u undoes it.")
            self._show()

    def action_fold(self) -> None:
        abstract = self.query_one("#abstract", Collapsible)
        if self.session.revealed:
            abstract.collapsed = not abstract.collapsed

    def action_cycle_language(self) -> None:
        self.language = next_language(self.language)
        remember(self.store, COMMENTARY_LANGUAGE, self.language)  # read-only: still this session's
        self._show()
        self.notify(f"Commentary: {LANGUAGE_NAMES[self.language]}")

    def action_edit_note(self) -> None:
        paper_id = self.session.current
        paper = self.library.papers.get(paper_id) if paper_id else None
        if paper is None:
            return

        def save(note: str | None) -> None:
            if note is not None and note != self.store.paper(paper.id).note:
                if self._guarded(lambda: self.store.set_note(paper.id, note)):
                    self._show()

        self.app.push_screen(NoteDialog(f"Note on {paper.title}", self.store.paper(paper.id).note), save)

    def action_card_info(self) -> None:
        paper_id = self.session.current
        if paper_id is None:
            self.notify("The session is over: no card to show the info of.")
            return
        from tui.ui.screens.card_info import open_card_info

        paper = self.library.papers.get(paper_id)
        open_card_info(self.app, self.deck, paper_id, paper.title if paper is not None else paper_id)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(SESSION_KEYS, title="Review keys"))

    def action_leave(self) -> None:
        self.dismiss(self.session.summary)


def _duration(ms: int) -> str:
    seconds = round(ms / 1000)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def _next_due_line(due: datetime | None, now: datetime) -> str:
    if due is None:
        return "No cards are waiting."
    local = due.astimezone()
    today = now.astimezone().date()
    days = (local.date() - today).days
    when = {0: "today", 1: "tomorrow"}.get(days, local.strftime("%a %d %b"))
    return f"Next card due {when} at {local:%H:%M}."
