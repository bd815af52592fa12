"""The review stats: the year's calendar and the month's forecast first, then the numbers."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from tui.charts import stats_text
from tui.review.deck import Deck
from tui.review.stats import Stats, compute_stats
from tui.ui.textual_compat import QuietFooter
from tui.ui.widgets.review_charts import ForecastChart, ReviewHeatmap


class StatsScreen(Screen[None]):
    """How reviewing has gone, and what is coming."""

    DEFAULT_CSS = """
    StatsScreen VerticalScroll { padding: 1 2; }
    StatsScreen .section { text-style: bold; margin-top: 1; }
    StatsScreen #numbers { margin-top: 1; }
    """
    BINDINGS = [Binding("escape,q", "leave", "Back")]

    def __init__(self, deck: Deck) -> None:
        super().__init__()
        self.deck = deck
        self.stats: Stats | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="charts"):
            yield Static("Counting your reviews…", id="counting")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.sub_title = "Review stats"
        self._count()

    @work(thread=True, exclusive=True)
    def _count(self) -> None:
        """Reads the review log (the first time, hundreds of thousands of answers) off the UI thread."""
        now = self.deck.now()
        stats = compute_stats(self.deck, now)
        self.app.call_from_thread(self._show, stats)

    def _show(self, stats: Stats) -> None:
        self.stats = stats
        charts = self.query_one("#charts", VerticalScroll)
        charts.remove_children()
        charts.mount_all(
            [
                Static(f"Reviews in the last year · {stats.total_reviews} in all", classes="section"),
                ReviewHeatmap(stats.reviews_per_day, stats.today, id="heatmap"),
                Static("Cards due in the next 30 days", classes="section"),
                ForecastChart(stats.forecast, id="forecast"),
                Static(stats_text(stats), id="numbers"),
            ]
        )

    def action_leave(self) -> None:
        self.dismiss(None)
