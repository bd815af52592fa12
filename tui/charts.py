"""Review charts as Rich Text: a calendar heatmap, a bar chart in block characters, the numbers.

Pure functions of numbers and a palette of styles, so that the stats screen (theme colours)
and `paperdeck stats` (fixed colours) draw the same pictures.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from rich.text import Text

from tui.review.deck import STATUSES
from tui.review.stats import Stats

CELL = "■"
EMPTY_CELL = "·"
_EIGHTHS = " ▁▂▃▄▅▆▇█"
_WEEKDAY_LABELS = ("Mon", "", "Wed", "", "Fri", "", "")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def heat_levels(counts: Mapping[date, int], levels: int = 4) -> dict[date, int]:
    """Each day with reviews mapped to a level 1..levels by the quantiles of the busy days.

    Relative levels, as GitHub and Anki draw them: a user doing 5 reviews a day and one
    doing 500 both see a calendar that shows their own busy and quiet days.
    """
    busy = sorted(count for count in counts.values() if count > 0)
    # A day's level is its rank among the busy days, cut into `levels` equal shares.
    return {day: -(-bisect_right(busy, count) * levels // len(busy)) for day, count in counts.items() if count > 0}


def heatmap(counts: Mapping[date, int], today: date, palette: Sequence[str], *, weeks: int = 53) -> list[Text]:
    """A calendar of `weeks` columns ending with today's week, a row per weekday (Monday first).

    `palette[0]` styles days without reviews, `palette[1:]` the levels from quiet to busy.
    The first line names the months; days after today are left blank.
    """
    levels = heat_levels(counts, len(palette) - 1)
    last_monday = today - timedelta(days=today.weekday())
    first_monday = last_monday - timedelta(weeks=weeks - 1)
    label_width = 4
    months = [" "] * (label_width + weeks)
    previous_month = None
    for week in range(weeks):
        monday = first_monday + timedelta(weeks=week)
        if monday.month != previous_month:
            name = _MONTHS[monday.month - 1]
            column = label_width + week
            # A month label needs room before the next; the first, cut short, is skipped.
            if week + len(name) <= weeks and (week > 0 or monday.day <= 7):
                months[column : column + len(name)] = name
            previous_month = monday.month
    lines = [Text("".join(months).rstrip(), style="dim")]
    for weekday in range(7):
        line = Text(f"{_WEEKDAY_LABELS[weekday]:<{label_width}}", style="dim")
        for week in range(weeks):
            day = first_monday + timedelta(weeks=week, days=weekday)
            if day > today:
                line.append(" ")
            elif day in levels:
                line.append(CELL, style=palette[levels[day]])
            else:
                line.append(EMPTY_CELL, style=palette[0])
        lines.append(line)
    legend = Text(" " * label_width + "less ", style="dim")
    for style in palette:
        legend.append(CELL, style=style)
    legend.append(" more", style="dim")
    lines.append(legend)
    return lines


def weeks_that_fit(width: int) -> int:
    """The weeks of a calendar a pane `width` columns wide shows: a year, or the latest that fit."""
    return max(4, min(53, width - 5)) if width else 53


def forecast_chart(forecast: Sequence[int], style: str, width: int) -> list[Text]:
    """The due forecast as bars two columns wide where `width` allows, labelled by day."""
    days = len(forecast)
    labels = {0: "today", 7: "+7d", 14: "+14d", 21: "+21d", days - 1: f"+{days - 1}d"}
    bar_width = 2 if width >= days * 2 + 6 else 1
    return bar_chart(forecast, style, height=7, bar_width=bar_width, labels=labels)


def bar_chart(
    values: Sequence[int], style: str, *, height: int = 8, bar_width: int = 2, labels: Mapping[int, str] | None = None
) -> list[Text]:
    """Vertical bars, one per value, `height` rows tall in eighth blocks, with a y-axis.

    `labels` puts text under the bar of that index (e.g. {0: "today", 7: "+7d"}).
    """
    top = max(values, default=0)
    axis_width = max(len(str(top)), 1) + 1
    lines: list[Text] = []
    for row in range(height, 0, -1):
        label = str(top) if row == height else ("0" if row == 1 and top == 0 else "")
        line = Text(f"{label:>{axis_width - 1}}▕", style="dim")
        for value in values:
            eighths = 0 if top == 0 else round(value * height * 8 / top)
            filled = min(8, max(0, eighths - (row - 1) * 8))
            if value > 0 and row == 1 and filled == 0:
                filled = 1  # a day with any cards is never drawn as none
            line.append(_EIGHTHS[filled] * bar_width, style=style)
        lines.append(line)
    base = Text(" " * (axis_width - 1) + "▕", style="dim")
    base.append("▔" * (len(values) * bar_width), style="dim")
    lines.append(base)
    if labels:
        under = [" "] * (axis_width + len(values) * bar_width + 8)
        for index, label in sorted(labels.items()):
            start = axis_width + index * bar_width
            if all(cell == " " for cell in under[max(0, start - 1) : start + len(label)]):
                under[start : start + len(label)] = label
        lines.append(Text("".join(under).rstrip(), style="dim"))
    return lines


def stats_text(stats: Stats) -> Text:
    """The numbers under the charts, as plain lines."""
    text = Text()
    counts = " · ".join(f"{stats.by_status.get(status, 0)} {status}" for status in STATUSES)
    text.append("Cards          ", style="bold")
    text.append(f"{counts}\n")
    text.append("Leeches        ", style="bold")
    text.append(f"{stats.leeches} card{'s' if stats.leeches != 1 else ''} tagged leech (failed again and again)\n")
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
    text.append(
        f"{minutes // 60}h {minutes % 60:02d}m · streak {stats.streak_days} day{'s' if stats.streak_days != 1 else ''}\n"
    )
    return text
