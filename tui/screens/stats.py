"""The review stats: the year's calendar and the month's forecast first, then the numbers."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tui.review import Deck, review_day
from tui.review_stats import Stats, compute_stats
from tui.widgets.review_charts import ForecastChart, ReviewHeatmap

STATUS_ORDER = ("new", "learning", "review", "relearning", "suspended")


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
        now = deck.clock()
        self.stats = compute_stats(deck, now)
        self.today = review_day(now, deck.settings.day_start_hour)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(f"Reviews in the last year · {self.stats.total_reviews} in all", classes="section")
            yield ReviewHeatmap(self.stats.reviews_per_day, self.today, id="heatmap")
            yield Static("Cards due in the next 30 days", classes="section")
            yield ForecastChart(self.stats.forecast, id="forecast")
            yield Static(stats_text(self.stats), id="numbers")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Review stats"

    def action_leave(self) -> None:
        self.dismiss(None)


def stats_text(stats: Stats) -> Text:
    """The numbers under the charts, as plain lines."""
    text = Text()
    counts = " · ".join(f"{stats.by_status.get(status, 0)} {status}" for status in STATUS_ORDER)
    text.append("Cards          ", style="bold")
    text.append(f"{counts}\n")
    text.append("True retention ", style="bold")
    if stats.true_retention is None:
        text.append("no review answers in the last 30 days\n")
    else:
        text.append(f"{stats.true_retention:.1%} of {stats.retention_answers} review answers in the last 30 days\n")
    text.append("Retrievability ", style="bold")
    if stats.average_retrievability is None:
        text.append("no reviewed cards yet\n")
    else:
        text.append(f"{stats.average_retrievability:.1%} on average, now\n")
    text.append("Time reviewing ", style="bold")
    minutes = round(stats.time_spent_ms / 60_000)
    text.append(f"{minutes // 60}h {minutes % 60:02d}m · streak {stats.streak_days} day{'s' if stats.streak_days != 1 else ''}\n")
    return text
