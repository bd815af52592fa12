"""The review calendar, the due forecast and the workload by retention, drawn in the current theme's colours."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from rich.console import Group
from textual.color import Color
from textual.widget import Widget

from tui.charts import forecast_chart, heatmap, weeks_that_fit, workload_chart
from tui.review.workload import Workload


def theme_heat_palette(variables: Mapping[str, str]) -> list[str]:
    """Five styles from the theme: an empty day, then quiet to busy in its success colour."""
    background = Color.parse(variables.get("surface", variables.get("background", "#1e1e1e")))
    foreground = Color.parse(variables.get("foreground", "#e0e0e0"))
    hot = Color.parse(variables.get("success", "#4ebf71"))
    empty = background.blend(foreground, 0.18)
    return [empty.hex] + [background.blend(hot, share).hex for share in (0.35, 0.55, 0.78, 1.0)]


class ReviewHeatmap(Widget):
    """Reviews per day over the last year, GitHub-style: a column per week, a row per weekday."""

    DEFAULT_CSS = """
    ReviewHeatmap { height: 9; width: 1fr; }
    """

    def __init__(self, reviews_per_day: Mapping[date, int], today: date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.reviews_per_day = reviews_per_day
        self.today = today

    def render(self) -> Group:
        weeks = weeks_that_fit(self.size.width)
        palette = theme_heat_palette(self.app.theme_variables)
        return Group(*heatmap(self.reviews_per_day, self.today, palette, weeks=weeks))


class ForecastChart(Widget):
    """Cards falling due on each of the next 30 days, as bars."""

    DEFAULT_CSS = """
    ForecastChart { height: 9; width: 1fr; }
    """

    def __init__(self, forecast: list[int], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.forecast = forecast

    def render(self) -> Group:
        style = self.app.theme_variables.get("primary", "cyan")
        return Group(*forecast_chart(self.forecast, style, self.size.width or 80))


class WorkloadChart(Widget):
    """Reviews a day at each desired retention from 0.80 to 0.95, the current setting marked."""

    DEFAULT_CSS = """
    WorkloadChart { height: 10; width: 1fr; }
    """

    def __init__(self, workload: Workload, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.workload = workload

    def render(self) -> Group:
        variables = self.app.theme_variables
        # The other retentions in the theme's second colour, the one in use in its first.
        style = variables.get("secondary", "blue")
        marked = f"bold {variables.get('primary', 'yellow')}"
        return Group(*workload_chart(self.workload, style, marked, self.size.width or 80))
