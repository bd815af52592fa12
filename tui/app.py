"""The paperdeck Textual app: screens, bindings and wiring over a loaded library."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Header, Static

from tui.home import Home, bundled
from tui.library import Library
from tui.messages import StoreSaid
from tui.safe_text import visible
from tui.store import Store
from tui.themes import load_themes

DEFAULT_THEME = "paperdeck-dark"


class PaperdeckApp(App[None]):
    """A terminal reader for daily paper digests."""

    TITLE = "paperdeck"
    CSS = """
    #summary { padding: 1 2; }
    #samples-note { padding: 0 2; color: $text-muted; }
    """
    BINDINGS = [Binding("q", "quit", "Quit")]

    def __init__(self, library: Library, *, home: Home, store: Store, showing_samples: bool = False) -> None:
        super().__init__()
        self.library = library
        self.home = home
        self.store = store
        self.showing_samples = showing_samples
        loaded = load_themes([bundled("themes"), home.themes])
        for theme in loaded.themes:
            self.register_theme(theme)
        self._theme_problems = loaded.problems
        if DEFAULT_THEME in self.available_themes:
            self.theme = DEFAULT_THEME

    def on_mount(self) -> None:
        for problem in self._theme_problems:
            self.notify(visible(problem), title="Theme skipped", severity="warning", markup=False)
        for message in self.store.report.messages:
            self.notify(visible(message), title="Your state", severity="warning", timeout=30, markup=False)
        self.store.listeners.append(self._store_said)

    def on_unmount(self) -> None:
        self.store.listeners.remove(self._store_said)

    def _store_said(self, message: str) -> None:
        # Called on the store's writer thread; post_message is the thread-safe way in.
        self.post_message(StoreSaid(message))

    def on_store_said(self, event: StoreSaid) -> None:
        self.notify(visible(event.text), title="Saving", severity="warning", markup=False)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static(self._summary(), id="summary", markup=False)
            if self.showing_samples:
                yield Static(
                    "Your library is empty, so these are the bundled sample digests.\n"
                    f"Add your own with:  paperdeck add PATH   (they go to {visible(str(self.home.library))})",
                    id="samples-note",
                    markup=False,
                )
        yield Footer()

    def _summary(self) -> str:
        library = self.library
        days = len(library.by_date)
        lines = [f"{len(library)} papers from {len(library.results)} digest files, {days} digest dates"]
        for day, ids in list(library.by_date.items())[:10]:
            lines.append(f"  {day.isoformat()}  {len(ids)} papers")
        return "\n".join(lines)
