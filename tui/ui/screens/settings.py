"""The review settings dialog: desired retention, new cards a day, day start, star adds a card."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Switch

from tui.settings import REVIEW_HELP, ReviewSettings

_FIELDS = ("desired_retention", "new_per_day", "day_start_hour")


class ReviewSettingsDialog(ModalScreen[ReviewSettings | None]):
    """Edits the review settings; dismissed with the new settings, or None when cancelled."""

    DEFAULT_CSS = """
    ReviewSettingsDialog { align: center middle; background: $background 60%; }
    ReviewSettingsDialog > Vertical {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        padding: 0 1; background: $panel; border: round $primary; overflow-y: auto;
    }
    ReviewSettingsDialog .title { text-style: bold; margin: 1 0; }
    ReviewSettingsDialog .row { height: auto; margin-bottom: 1; }
    ReviewSettingsDialog .row Label { width: 1fr; }
    ReviewSettingsDialog .row Input { width: 10; height: 1; border: none; padding: 0 1; }
    ReviewSettingsDialog .row Switch { height: 1; border: none; padding: 0; }
    ReviewSettingsDialog #problem { color: $error; height: auto; }
    ReviewSettingsDialog #buttons { height: auto; align-horizontal: right; }
    ReviewSettingsDialog Button { margin-left: 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, settings: ReviewSettings) -> None:
        super().__init__()
        self.settings = settings

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Review settings", classes="title")
            for name in _FIELDS:
                with Horizontal(classes="row"):
                    yield Label(Text(_sentence(REVIEW_HELP[name])))
                    yield Input(str(getattr(self.settings, name)), id=name)
            with Horizontal(classes="row"):
                yield Label(Text(_sentence(REVIEW_HELP["star_adds_card"])))
                yield Switch(self.settings.star_adds_card, id="star_adds_card")
            yield Label("", id="problem")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")

    def on_mount(self) -> None:
        self.query_one(f"#{_FIELDS[0]}", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def on_input_submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        settings = self.settings
        try:
            for name in _FIELDS:
                settings = settings.with_text(name, self.query_one(f"#{name}", Input).value)
        except ValueError as exc:
            self.query_one("#problem", Label).update(Text(str(exc)))
            return
        self.dismiss(settings.with_text("star_adds_card", str(self.query_one(Switch).value).lower()))

    def action_cancel(self) -> None:
        self.dismiss(None)


def _sentence(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]
