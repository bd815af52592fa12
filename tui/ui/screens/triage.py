"""Triage: the view's unread papers one at a time, full width, each decided with one key.

The rules are `tui.triage`'s; this screen shows the paper it points at and what it said.
Dismissed with a `TriageDone`: what changed, for the reader to show, and the starred papers
when the user asked to see them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen

from tui.reading import Outcome
from tui.safe_text import visible
from tui.triage import Triage
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.paper_dialogs import ask_note, ask_tags, open_a_link
from tui.ui.screens.reader_help import binding_help
from tui.ui.textual_compat import QuietFooter
from tui.ui.widgets.detail import render_detail
from tui.ui.widgets.header import CountsHeader
from tui.ui.widgets.text_pane import TextPane
from tui.watching import Watcher

TRIAGE_KEY_HELP = {
    "decide('star')": "star the paper (a flashcard, if stars make cards), mark it read, go on",
    "decide('read')": "mark the paper read and go on",
    "decide('later')": "keep it for later (the Later view) and go on",
    "edit_tags": "edit your own tags for the paper",
    "edit_note": "edit your note on the paper (Ctrl+S saves)",
    "undo": "undo the last step, and step back to its paper",
    "open_link": "open a link of the paper in the browser",
    "move(1)": "next paper, deciding nothing",
    "move(-1)": "previous paper",
    "cycle_language": "commentary in Korean ▸ English ▸ both (remembered)",
    "show_starred": "at the end: leave, showing the papers starred",
    "leave": "leave triage; every step is already saved",
    "help": "this help",
}


@dataclass
class TriageDone:
    """What a triage changed, for the reader to bring its panes up to date with."""

    papers: set[str] = field(default_factory=set)
    days: set[date] = field(default_factory=set)
    tags_changed: bool = False
    cards_changed: bool = False
    show_starred: list[str] | None = None  # the starred papers, when the user asked to see them

    def add(self, outcome: Outcome) -> None:
        self.papers.update(outcome.papers)
        self.days.update(outcome.days)
        self.tags_changed = self.tags_changed or outcome.tags_changed
        self.cards_changed = self.cards_changed or outcome.cards_changed

    def as_outcome(self) -> Outcome:
        return Outcome(
            papers=tuple(self.papers),
            days=frozenset(self.days),
            tags_changed=self.tags_changed,
            cards_changed=self.cards_changed,
        )


class TriageScreen(Screen[TriageDone]):
    """One paper at a time: s star, r or Space read, l later, u undo, Esc leave."""

    # Focused from the start: focusing it after the first layout makes the Footer anew.
    AUTO_FOCUS = "#card"
    DEFAULT_CSS = """
    TriageScreen #card { height: 1fr; padding: 1 2; }
    """
    BINDINGS = [
        Binding("s", "decide('star')", "Star"),
        Binding("r,space", "decide('read')", "Read", key_display="r/Space"),
        Binding("l", "decide('later')", "Later"),
        Binding("t", "edit_tags", "Tags"),
        Binding("n", "edit_note", "Note"),
        Binding("u", "undo", "Undo"),
        Binding("o", "open_link", "Open link", show=False),
        Binding("j,right", "move(1)", "Next", show=False, key_display="j/→"),
        Binding("k,left", "move(-1)", "Previous", show=False, key_display="k/←"),
        Binding("L", "cycle_language", "Language", show=False),
        Binding("enter", "show_starred", "Show starred"),
        Binding("escape", "leave", "Leave"),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(self, triage: Triage, view_label: str, watcher: Watcher, *, on_language: Callable[[], None]) -> None:
        super().__init__()
        self.triage = triage
        self.reading = triage.reading
        self.view_label = view_label
        self.watcher = watcher
        self.done = TriageDone()
        self._on_language = on_language
        self._footer_done = False

    def compose(self) -> ComposeResult:
        yield CountsHeader()
        yield TextPane(id="card")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.title = "Triage"
        self._show()

    # --- showing -----------------------------------------------------------------------------

    def _show(self) -> None:
        triage = self.triage
        if triage.done != self._footer_done:
            # Some keys work only before the end, one only at it: the Footer follows (only
            # then: laying the Footer out again on every key would slow each step).
            self._footer_done = triage.done
            self.refresh_bindings()
        card = self.query_one("#card", TextPane)
        summary = triage.summary()
        self.query_one(CountsHeader).show_sub_title(
            f"{self.view_label} · {'done' if triage.done else triage.progress} · {summary.describe()}"
        )
        if triage.done:
            card.show_text(self._summary_text())
            return
        paper_id = triage.current
        paper = self.reading.library.papers.get(paper_id) if paper_id else None
        if paper is None:  # gone from the library since triage began: nothing to decide on
            card.show_text(Text("This paper is no longer in the library; j goes on.", style="italic"))
            return
        card.show_text(
            render_detail(
                paper, self.reading.state_of(paper.id), self.reading.language, watcher=self.watcher, brief=True
            )
        )

    def _summary_text(self) -> Text:
        summary = self.triage.summary()
        text = Text()
        text.append("Triage done\n\n", style="bold")
        text.append(f"{summary.describe()}, of {self.triage.total} papers.\n\n")
        papers = self.reading.library.papers
        if summary.starred:
            text.append("Starred\n", style="bold underline")
            for paper_id in summary.starred:
                paper = papers.get(paper_id)
                text.append(visible(f"★ {paper.title if paper else paper_id}\n"))
            text.append("\nEnter shows them in the reader; ", style="dim")
        else:
            text.append("Nothing starred. ", style="dim")
        text.append("u takes back the last step; Esc goes back to the reader.", style="dim")
        return text

    def _take(self, outcome: Outcome) -> None:
        if outcome.error is not None:
            self.notify(outcome.error, severity="error", markup=False)
            return
        self.done.add(outcome)
        if outcome.message is not None:
            self.notify(outcome.message, markup=False)
        self._show()

    # --- the keys ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # At the end there is nothing left to decide on; before it, no summary to go into.
        if action in ("decide", "edit_tags", "edit_note", "open_link"):
            return not self.triage.done
        if action == "show_starred":
            return self.triage.done
        return True

    def action_decide(self, decision: str) -> None:
        if not self.triage.done:
            self._take(self.triage.decide(decision))

    def action_move(self, step: int) -> None:
        if self.triage.move(step):
            self._show()

    def action_undo(self) -> None:
        self._take(self.triage.undo())

    def action_edit_tags(self) -> None:
        paper = self._paper()
        if paper is not None:
            current = self.reading.state_of(paper.id).tags
            ask_tags(self.app, paper, current, lambda typed: self._take(self.reading.set_tags(paper.id, typed)))

    def action_edit_note(self) -> None:
        paper = self._paper()
        if paper is not None:
            current = self.reading.state_of(paper.id).note
            ask_note(self.app, paper, current, lambda note: self._take(self.reading.set_note(paper.id, note)))

    def action_open_link(self) -> None:
        open_a_link(self.app, self._paper())

    def action_cycle_language(self) -> None:
        outcome = self.reading.cycle_language()
        self._on_language()
        self._take(outcome)

    def action_show_starred(self) -> None:
        if self.triage.done:
            self.done.show_starred = self.triage.summary().starred
            self.dismiss(self.done)

    def action_leave(self) -> None:
        self.dismiss(self.done)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(binding_help(self.BINDINGS, TRIAGE_KEY_HELP), title="Triage keys"))

    def _paper(self):
        paper_id = self.triage.current
        return self.reading.library.papers.get(paper_id) if paper_id else None
