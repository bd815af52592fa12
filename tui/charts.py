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
from tui.review.workload import Workload

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
    values: Sequence[float],
    style: str,
    *,
    height: int = 8,
    bar_width: int = 2,
    labels: Mapping[int, str] | None = None,
    marked: int | None = None,
    marked_style: str = "",
) -> list[Text]:
    """Vertical bars, one per value, `height` rows tall in eighth blocks, with a y-axis.

    `labels` puts text under the bar of that index (e.g. {0: "today", 7: "+7d"}); the bar at
    index `marked` is drawn in `marked_style`.
    """
    top = max(values, default=0)
    top_label = str(round(top)) if float(top).is_integer() or top >= 10 else f"{top:.2g}"
    axis_width = max(len(top_label), 1) + 1
    lines: list[Text] = []
    for row in range(height, 0, -1):
        label = top_label if row == height else ("0" if row == 1 and top == 0 else "")
        line = Text(f"{label:>{axis_width - 1}}▕", style="dim")
        for index, value in enumerate(values):
            eighths = 0 if top == 0 else round(value * height * 8 / top)
            filled = min(8, max(0, eighths - (row - 1) * 8))
            if value > 0 and row == 1 and filled == 0:
                filled = 1  # a day with any cards is never drawn as none
            line.append(_EIGHTHS[filled] * bar_width, style=marked_style if index == marked else style)
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


def workload_chart(workload: Workload, style: str, marked_style: str, width: int) -> list[Text]:
    """Reviews a day at each simulated retention as bars, the current setting's marked and named."""
    loads = workload.loads
    current = loads.index(workload.current)
    bar_width = 2 if width >= len(loads) * 2 + 8 else 1
    labels = {
        index: f"{load.retention:.0%}" for index, load in enumerate(loads) if round(load.retention * 100) % 5 == 0
    }
    values = [load.reviews_per_day for load in loads]
    lines = bar_chart(
        values, style, height=7, bar_width=bar_width, labels=labels, marked=current, marked_style=marked_style
    )
    axis_width = len(lines[0].plain) - len(loads) * bar_width  # the top row: axis, then the bars
    marker = Text(" " * (axis_width + current * bar_width))
    marker.append("▲ yours", style=marked_style)
    lines.append(marker)
    return lines


def workload_text(workload: Workload) -> Text:
    """What the chart says in words: the load at the current setting and at both ends, the basis."""
    plan, current = workload.plan, workload.current
    text = Text()
    for load in dict.fromkeys((current, workload.loads[0], workload.loads[-1])):
        name = f"At {load.retention:.0%}" + (" (yours)" if load is current else "")
        text.append(f"{name:<16}", style="bold")
        if load is current:
            text.append(f"{_count(load.reviews_per_day, 'review')} + {_count(load.new_per_day, 'new')} a day")
        else:
            change = load.reviews_per_day / current.reviews_per_day - 1 if current.reviews_per_day else 0.0
            text.append(f"{_count(load.reviews_per_day, 'review')} a day ({change:+.0%})")
        text.append(f", {_minutes(load.minutes_per_day)} · {load.remembered}/{plan.cards} remembered\n")
    pace = f"{plan.new_per_day} new a day" if plan.new_per_day else "all at once"
    habits = f"graded as you grade ({plan.answers} answers)" if plan.own_habits else "graded as most FSRS users grade"
    text.append(
        f"Simulated by fsrs-rs: a year of your {plan.cards} cards from scratch, {pace},\n{habits}\n", style="dim"
    )
    return text


def _count(value: float, noun: str) -> str:
    shown = f"{value:.0f}" if value >= 10 else f"{value:.1f}".removesuffix(".0") if value >= 1 else f"{value:.2g}"
    return f"{shown} {noun}{'' if shown == '1' or noun == 'new' else 's'}"


def _minutes(value: float) -> str:
    return f"{value:.0f} min" if value >= 1 else "<1 min"
