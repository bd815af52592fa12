"""The trends: each tag and watched item as its papers a week over the library's last year,
most rising first; Enter opens a line's view in the reader."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from tui.trends import EARLIER_WEEKS, LEAST_PAPERS, RECENT_WEEKS, RowLayout, Trends, TrendStyles, trend_row
from tui.ui.textual_compat import QuietFooter
from tui.views import ViewKey

# The list's padding and the room its scroll bar may take, beside the rows themselves.
_LIST_CHROME = 4


def theme_trend_styles(variables: Mapping[str, str]) -> TrendStyles:
    """The sparklines in the theme's primary colour, their recent weeks in its accent, weeks
    without papers faint, and the change in its success and error colours."""
    background = Color.parse(variables.get("surface", variables.get("background", "#1e1e1e")))
    foreground = Color.parse(variables.get("foreground", "#e0e0e0"))
    accent = variables.get("accent", "magenta")
    return TrendStyles(
        weeks=variables.get("primary", "cyan"),
        recent=accent,
        empty=background.blend(foreground, 0.3).hex,
        watched=accent,
        rising=variables.get("success", "green"),
        falling=variables.get("error", "red"),
    )


class TrendList(OptionList):
    """The lines, one row each; j/k or the arrows move, Enter opens the line's view."""

    DEFAULT_CSS = """
    TrendList { height: 1fr; border: none; padding: 0 1; }
    TrendList:focus { border: none; }
    """
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("enter", "select", "Open"),
    ]


class TrendsScreen(Screen[ViewKey | None]):
    """Which tags and watched items are rising; dismissed with the view to open, or None."""

    DEFAULT_CSS = """
    TrendsScreen #period { padding: 0 2; margin-top: 1; }
    TrendsScreen #columns { padding: 0 2; margin-top: 1; }
    TrendsScreen #message { padding: 1 2; }
    TrendsScreen.-working #columns, TrendsScreen.-working TrendList { display: none; }
    TrendsScreen.-empty #columns, TrendsScreen.-empty TrendList { display: none; }
    """
    BINDINGS = [Binding("escape,q", "leave", "Back")]

    def __init__(self, job: Callable[[], Trends], *, at_once: bool = False) -> None:
        """`job` works the trends out (see `tui.trends.trends_job`); `at_once` runs it here
        rather than in a worker thread, for a library small enough not to keep the screen waiting."""
        super().__init__()
        self.job = job
        self.at_once = at_once
        self.trends: Trends | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="period")
        yield Static("", id="columns")
        yield TrendList(id="lines")
        yield Static("Working out the trends…", id="message")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.sub_title = "Trends"
        # Theme colours are read when the rows are made: a new theme makes them again.
        self.watch(self.app, "theme", self._fill, init=False)
        if self.at_once:
            self._show(self.job())
        else:
            self.add_class("-working")
            self._work_out()

    @work(thread=True, exclusive=True)
    def _work_out(self) -> None:
        """Reads every tag's papers and looks the watched words up, off the UI thread."""
        trends = self.job()
        self.app.call_from_thread(self._show, trends)

    def _show(self, trends: Trends) -> None:
        self.trends = trends
        self.remove_class("-working")
        message = self.query_one("#message", Static)
        if trends.first_day is None or trends.last_day is None:
            self.add_class("-empty")
            message.update("No digest in the library has a date, so there is no year to show.")
            return
        first, last = trends.first_day.isoformat(), trends.last_day.isoformat()
        weeks = f"Papers a week, {first} … {last} (newest digest)"
        how = f"most rising first: last {RECENT_WEEKS} weeks against the {EARLIER_WEEKS} before"
        self.query_one("#period", Static).update(Text(f"{weeks} · {how}"))
        if not trends.lines:
            self.add_class("-empty")
            message.update(f"No tag has {LEAST_PAPERS} papers in that year, and nothing is watched (w watches a word).")
            return
        message.display = False
        self._fill()
        self.query_one(TrendList).focus()

    def _fill(self, _theme: object = None) -> None:
        """Makes the rows for the screen's width and the theme's colours, the highlight kept."""
        if self.trends is None or not self.trends.lines:
            return
        lines = self.trends.lines
        layout = RowLayout.fitting(self.app.size.width - _LIST_CHROME, lines)
        styles = theme_trend_styles(self.app.theme_variables)
        self.query_one("#columns", Static).update(layout.header())
        trend_list = self.query_one(TrendList)
        highlighted = trend_list.highlighted
        trend_list.clear_options()
        trend_list.add_options(Option(trend_row(line, layout, styles)) for line in lines)
        trend_list.highlighted = highlighted if highlighted is not None else 0

    def on_resize(self) -> None:
        self._fill()

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        if self.trends is not None:
            self.dismiss(self.trends.lines[event.option_index].key)

    def action_leave(self) -> None:
        self.dismiss(None)
