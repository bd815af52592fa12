"""A progress bar under the panes while the app reads many new digests of the watched library."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


class ImportProgress(Horizontal):
    """Hidden until `start`; `advance` per digest read; hides itself at `finish`."""

    DEFAULT_CSS = """
    ImportProgress { height: 1; display: none; padding: 0 1; background: $panel; }
    ImportProgress.-active { display: block; }
    ImportProgress Label { width: auto; margin-right: 2; }
    """

    def compose(self) -> ComposeResult:
        yield Label("Reading new digests")
        yield ProgressBar(show_eta=False)

    def start(self, total: int) -> None:
        self.query_one(ProgressBar).update(total=total, progress=0)
        self.add_class("-active")

    def advance(self) -> None:
        self.query_one(ProgressBar).advance(1)

    def finish(self) -> None:
        self.remove_class("-active")
