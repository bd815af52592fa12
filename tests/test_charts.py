"""The review charts: which cell of the calendar is which day, and how tall each bar is."""

from __future__ import annotations

from datetime import date, timedelta

from tui.charts import CELL, EMPTY_CELL, bar_chart, heat_levels, heatmap

PALETTE = ["grey30", "green1", "green2", "green3", "green4"]
TODAY = date(2026, 11, 25)  # a Wednesday


def cell(lines, today: date, day: date, weeks: int) -> tuple[str, str | None]:
    """The character and style the calendar draws for `day`."""
    row = lines[1 + day.weekday()]
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    column = 4 + (day - first_monday).days // 7
    spans = [span for span in row.spans if span.start <= column < span.end]
    return row.plain[column], (str(spans[-1].style) if spans else None)


def test_levels_are_relative_to_the_users_own_busy_days():
    counts = {TODAY - timedelta(days=i): n for i, n in enumerate([1, 2, 3, 4, 5, 6, 7, 8, 0])}
    levels = heat_levels(counts)
    assert TODAY - timedelta(days=8) not in levels  # no reviews: no level
    assert levels[TODAY] == 1 and levels[TODAY - timedelta(days=7)] == 4
    assert sorted(levels.values()) == [1, 1, 2, 2, 3, 3, 4, 4]
    # Ten times the reviews, the same picture.
    assert heat_levels({day: n * 10 for day, n in counts.items()}) == levels


def test_calendar_puts_each_day_under_its_week_and_weekday():
    busy = TODAY - timedelta(days=40)
    lines = heatmap({busy: 12, TODAY: 3}, TODAY, PALETTE, weeks=53)
    assert len(lines) == 1 + 7 + 1  # months, weekdays, legend
    assert cell(lines, TODAY, busy, 53) == (CELL, "green4")
    assert cell(lines, TODAY, TODAY, 53) == (CELL, "green2")  # the quieter half of two busy days
    assert cell(lines, TODAY, TODAY - timedelta(days=1), 53) == (EMPTY_CELL, "grey30")
    # Days after today in this week are blank, not "no reviews".
    assert cell(lines, TODAY, TODAY + timedelta(days=1), 53)[0] == " "
    assert lines[1].plain.startswith("Mon ") and lines[5].plain.startswith("Fri ")
    assert all(len(line.plain.rstrip()) <= 4 + 53 for line in lines[1:8])


def test_calendar_names_the_months_above_their_first_week():
    lines = heatmap({}, TODAY, PALETTE, weeks=53)
    months = lines[0].plain
    assert "Nov" in months and "Jun" in months
    # The week of Monday 2 November 2026 is the fourth column from the right.
    assert months.index("Nov", 10) == 4 + 53 - 4


def test_a_narrow_calendar_shows_the_latest_weeks():
    lines = heatmap({TODAY: 1}, TODAY, PALETTE, weeks=10)
    assert cell(lines, TODAY, TODAY, 10) == (CELL, "green4")
    assert len(lines[1].plain) == 4 + 10


def test_bars_are_as_tall_as_their_share_of_the_highest():
    lines = bar_chart([8, 4, 0, 1], "cyan", height=2, bar_width=1, labels={0: "today"})
    assert [line.plain for line in lines] == [
        "8▕█   ",
        " ▕██ ▂",
        " ▕▔▔▔▔",
        "  today",
    ]


def test_a_chart_of_nothing_draws_an_empty_axis():
    lines = bar_chart([0, 0, 0], "cyan", height=3, bar_width=2)
    assert lines[0].plain.startswith("0▕") and set(lines[1].plain[2:]) == {" "}
