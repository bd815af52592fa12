"""The numbers behind the review stats: reviews per day, the due forecast, states, retention, leeches.

Pure: computed from a `Deck` and its store at a given moment, for the stats screen and
`paperdeck stats` alike.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from operator import itemgetter, methodcaller
from typing import Any

import fsrs

from tui.review.clock import day_start, iso_utc, normal_stamp, review_day
from tui.review.deck import LEECH_TAG, STATUSES, Deck, effective_due

HEATMAP_DAYS = 365
FORECAST_DAYS = 30
RETENTION_DAYS = 30


@dataclass(frozen=True)
class Stats:
    """The numbers behind the stats screen and `paperdeck stats`."""

    reviews_per_day: dict[date, int]  # each of the last 365 local review days, oldest first
    forecast: list[int]  # reviewed cards due on each of the next 30 days; [0] is today, overdue included
    by_status: dict[str, int]  # new, learning, review, relearning, suspended
    true_retention: float | None  # share of answers on Review-state cards not Again, last 30 days
    retention_answers: int  # how many answers true_retention is over
    average_retrievability: float | None  # over reviewed, unsuspended cards, now
    total_reviews: int
    time_spent_ms: int  # over the whole review log
    streak_days: int  # review days in a row up to today (or yesterday, while today has none yet)
    today: date  # the local review day the stats were computed on
    leeches: int = 0  # cards whose paper carries the user tag leech (suspended unless brought back)


def compute_stats(deck: Deck, now: datetime | None = None) -> Stats:
    """Stats of the deck and its review log at `now` (default: the deck's clock)."""
    moment = deck.now(now)
    hour = deck.settings.day_start_hour
    today = review_day(moment, hour)
    first_day = today - timedelta(days=HEATMAP_DAYS - 1)
    # Day starts as UTC text: the review log's times (UTC, to the second) sort as text, so one
    # sort and a bisect per day count them, without parsing two hundred thousand timestamps.
    starts = [iso_utc(day_start(first_day + timedelta(days=n), hour)) for n in range(HEATMAP_DAYS + 1)]
    log = list(deck.store.review_documents())
    stamps, spent = _log_stamps_and_time(log)
    ordered = sorted(stamps)  # the log is nearly in time order already, so this is quick
    edges = [bisect_left(ordered, start) for start in starts]
    per_day = [later - earlier for earlier, later in pairwise(edges)]
    retention_from = starts[HEATMAP_DAYS - RETENTION_DAYS]
    recent = [review for review, stamp in zip(log, stamps, strict=True) if retention_from <= stamp < starts[-1]]
    answers = [review.get("rating") for review in recent if review.get("state") == "review"]
    passed = sum(1 for rating in answers if rating != fsrs.Rating.Again)

    forecast = [0] * FORECAST_DAYS
    forecast_starts = [day_start(today + timedelta(days=n), hour) for n in range(1, FORECAST_DAYS + 1)]
    by_status = dict.fromkeys(STATUSES, 0)
    retrievabilities: list[float] = []
    cards = deck.store.card_documents()
    leeches = sum(1 for paper_id in deck.store.tagged(LEECH_TAG) if paper_id in cards)
    for paper_id, document in cards.items():
        view = deck.view_of(paper_id, document)
        by_status[view.status] += 1
        if view.suspended or not view.reviewed:
            continue
        retrievabilities.append(deck.scheduler.get_card_retrievability(view.card, moment))
        index = bisect_right(forecast_starts, effective_due(document))
        if index < FORECAST_DAYS:
            forecast[index] += 1

    streak = 0
    days = per_day if per_day[-1] else per_day[:-1]
    for count in reversed(days):
        if not count:
            break
        streak += 1
    return Stats(
        reviews_per_day={first_day + timedelta(days=n): count for n, count in enumerate(per_day)},
        forecast=forecast,
        by_status=by_status,
        true_retention=passed / len(answers) if answers else None,
        retention_answers=len(answers),
        average_retrievability=sum(retrievabilities) / len(retrievabilities) if retrievabilities else None,
        total_reviews=len(log),
        time_spent_ms=spent,
        streak_days=streak,
        today=today,
        leeches=leeches,
    )


def _log_stamps_and_time(log: list[dict[str, Any]]) -> tuple[list[str], int]:
    """The review times as UTC text to the second, and the total time spent, over the whole log."""
    try:
        # map and itemgetter run in C: a tenth of the cost of a loop over the log.
        stamps = list(map(_REVIEWED_AT, log))
        spent = sum(map(_DURATION, log))
        if set(map(len, stamps)) <= {25} and all(map(_IN_UTC, stamps)):
            return stamps, spent
    except (KeyError, TypeError):  # an entry written by hand or an older paperdeck
        pass
    stamps = [normal_stamp(review.get("reviewed_at")) for review in log]
    spent = sum(duration for review in log if isinstance(duration := review.get("duration_ms"), int))
    return stamps, spent


_REVIEWED_AT = itemgetter("reviewed_at")
_DURATION = itemgetter("duration_ms")
_IN_UTC = methodcaller("endswith", "+00:00")
