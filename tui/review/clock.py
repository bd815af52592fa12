"""Time for the review: UTC instants for fsrs, the user's local review day, stamps as the store keeps them.

fsrs is handed UTC; "today" is the user's local review day, which starts at a configurable hour
(4 am by default, as in Anki), so a review at 2 am counts for the day before.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any


def utc_now() -> datetime:
    """The current time, aware, in UTC: the default clock of a Deck."""
    return datetime.now(UTC)


# --- the review day -----------------------------------------------------------------------------


def review_day(now: datetime, day_start_hour: int) -> date:
    """The local review day `now` belongs to: before `day_start_hour` it is still yesterday."""
    local = _aware(now).astimezone()
    # Wall-clock arithmetic on purpose: 02:00 local with a 4 am start is the day before.
    return (local.replace(tzinfo=None) - timedelta(hours=day_start_hour)).date()


def day_start(day: date, day_start_hour: int) -> datetime:
    """The instant (UTC) the local review day `day` begins."""
    # A naive datetime's astimezone() reads the local zone's rules for that date, DST included.
    return datetime(day.year, day.month, day.day, day_start_hour).astimezone().astimezone(UTC)


def next_day_start(now: datetime, day_start_hour: int) -> datetime:
    """The instant (UTC) the next local review day begins, e.g. when a buried card returns."""
    return day_start(review_day(now, day_start_hour) + timedelta(days=1), day_start_hour)


def _aware(moment: datetime) -> datetime:
    """`moment` with a zone; a naive time is taken as local, as datetime does."""
    return moment if moment.tzinfo is not None else moment.astimezone()


def to_utc(moment: datetime) -> datetime:
    """`moment` in UTC, to the whole second: fsrs wants UTC, and the store keeps seconds."""
    return _aware(moment).astimezone(UTC).replace(microsecond=0)


def iso_utc(moment: datetime) -> str:
    return moment.isoformat()


def parse_time(stamp: str) -> datetime:
    moment = datetime.fromisoformat(stamp)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --- intervals as the grade buttons show them ---------------------------------------------------


def format_interval(delta: timedelta) -> str:
    """An interval as Anki writes it on its buttons: <1m, 10m, 5h, 3d, 2.1mo, 1.3y."""
    seconds = max(0.0, delta.total_seconds())
    if seconds < 60:
        return "<1m"
    # Each unit is used while its rounded count is below the next unit, so 59.7 minutes is 1h.
    if (minutes := round(seconds / 60)) < 60:
        return f"{minutes}m"
    if (hours := round(seconds / 3600)) < 24:
        return f"{hours}h"
    if (days := round(seconds / 86400)) < 30:
        return f"{days}d"
    if days < 365:
        return _one_decimal(seconds / (30 * 86400)) + "mo"
    return _one_decimal(seconds / (365 * 86400)) + "y"


def _one_decimal(amount: float) -> str:
    text = f"{amount:.1f}"
    return text[:-2] if text.endswith(".0") else text


def normal_stamp(stamp: Any) -> str:
    """A review time in the log's own form (UTC, to the second); "" when it is not a time."""
    if isinstance(stamp, str) and len(stamp) == 25 and stamp.endswith("+00:00"):
        return stamp
    try:
        return iso_utc(to_utc(parse_time(stamp)))
    except (TypeError, ValueError):
        return ""
