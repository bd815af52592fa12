"""Small modal dialogs: confirm, one-line prompt, note editor, and a short list of choices.

Every text they show that came from a digest or the user is passed as plain text, never as
markup. Each dialog dismisses with its answer, or None when cancelled with Escape.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from tui.safe_text import one_line, visible

_DIALOG_CSS = """
{name} {{
    align: center middle;
    background: $background 60%;
}}
{name} > Vertical {{
    width: 72;
    max-width: 95%;
    height: auto;
    max-height: 90%;
    padding: 1 2;
    background: $panel;
    border: round $primary;
}}
{name} .dialog-title {{ text-style: bold; margin-bottom: 1; width: 1fr; }}
{name} .dialog-hint {{ color: $text-muted; margin-top: 1; width: 1fr; }}
{name} Horizontal {{ height: auto; align-horizontal: right; margin-top: 1; }}
{name} Button {{ margin-left: 1; }}
"""


def _title(text: str) -> Label:
    return Label(Text(one_line(text)), classes="dialog-title")


def _hint(text: str) -> Label:
    return Label(Text(text), classes="dialog-hint")


class ConfirmDialog(ModalScreen[bool]):
    """Yes or no; Enter or `y` confirms, Escape or `n` declines."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="ConfirmDialog")
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, confirm_label: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical():
            yield _title(self.question)
            with Horizontal():
                yield Button("Cancel", id="no")
                yield Button(self.confirm_label, id="yes", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class PromptDialog(ModalScreen[str | None]):
    """One line of text, e.g. a paper's tags; Enter saves, Escape cancels."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="PromptDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield _title(self.title_text)
            yield Input(value=one_line(self.value), id="answer")
            yield _hint(self.hint or "Enter saves · Esc cancels")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(one_line(event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteDialog(ModalScreen[str | None]):
    """A multi-line note; Ctrl+S saves, Escape cancels."""

    DEFAULT_CSS = (
        _DIALOG_CSS.format(name="NoteDialog")
        + """
    NoteDialog TextArea { height: 12; }
    """
    )
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self.title_text = title
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield _title(self.title_text)
            # A terminal acts on control characters and bidi overrides instead of showing them:
            # the editor gets their visible stand-ins, and so does what it saves.
            yield TextArea(visible(self.note), id="note", soft_wrap=True, show_line_numbers=False)
            yield _hint("Ctrl+S saves · Esc cancels")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(visible(self.query_one(TextArea).text))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceDialog(ModalScreen[str | None]):
    """A few labelled choices; Enter picks, Escape cancels. Dismisses with the choice's key."""

    DEFAULT_CSS = (
        _DIALOG_CSS.format(name="ChoiceDialog")
        + """
    ChoiceDialog OptionList { height: auto; max-height: 16; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        """`choices` are (key, label) pairs; labels are shown as plain text."""
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical():
            yield _title(self.title_text)
            yield OptionList(*(Option(Text(one_line(label)), id=key) for key, label in self.choices))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
