"""A progress bar under the panes while the app reads many new digests, or indexes them for search."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


class ImportProgress(Horizontal):
    """Hidden until `show` has work to show; hides itself when told the work is over (done -1)."""

    DEFAULT_CSS = """
    ImportProgress { height: 1; display: none; padding: 0 1; background: $panel; }
    ImportProgress.-active { display: block; }
    ImportProgress Label { width: auto; margin-right: 2; }
    """

    def compose(self) -> ComposeResult:
        yield Label("Reading new digests")
        yield ProgressBar(show_eta=False)

    def show(self, doing: str, done: int, total: int) -> None:
        if done < 0:
            self.remove_class("-active")
            return
        self.query_one(Label).update(doing)
        self.query_one(ProgressBar).update(total=total, progress=done)
        self.add_class("-active")
