"""The review stats: the year's calendar and the month's forecast first, then the numbers, then
the workload at each desired retention (simulated in a child process: a second or two)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from tui.charts import stats_text, workload_text
from tui.review import workload
from tui.review.deck import Deck
from tui.review.stats import Stats, compute_stats
from tui.runtime import ChildFailed, run_apart
from tui.ui.textual_compat import QuietFooter
from tui.ui.widgets.review_charts import ForecastChart, ReviewHeatmap, WorkloadChart


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
        self.workload: workload.Workload | None = None

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
                Static("Reviews a day at each desired retention", classes="section"),
                Static("Simulating your workload…", id="workload"),
            ]
        )
        self._simulate()

    @work(thread=True, exclusive=True, group="workload")
    def _simulate(self) -> None:
        """Simulates a year at each retention; fsrs-rs holds the GIL, so in a child process."""
        plan = workload.plan(self.deck)
        try:
            simulated = run_apart(workload.simulate, plan)
        except (ChildFailed, OSError, ValueError, RuntimeError) as exc:  # what fsrs-rs or the child said
            self.app.call_from_thread(self._show_workload_failure, str(exc) or type(exc).__name__)
            return
        self.app.call_from_thread(self._show_workload, simulated)

    def _show_workload(self, simulated: workload.Workload) -> None:
        self.workload = simulated
        placeholder = self.query_one("#workload", Static)
        if not simulated.loads:
            placeholder.update("No cards to simulate yet: a starred paper becomes a card.")
            return
        charts = self.query_one("#charts", VerticalScroll)
        charts.mount_all(
            [WorkloadChart(simulated, id="workload-chart"), Static(workload_text(simulated), id="workload-numbers")],
            after=placeholder,
        )
        placeholder.remove()

    def _show_workload_failure(self, message: str) -> None:
        self.query_one("#workload", Static).update(f"The workload could not be simulated: {message}")

    def action_leave(self) -> None:
        self.dismiss(None)
