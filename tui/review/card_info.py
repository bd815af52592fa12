"""A card's figures and every answer of its current life, as Anki's Card Info shows them.

Pure: computed from a `Deck` and its store's review log, for the card info screen; the lines
it is shown in are here too, so that the command line can print the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import fsrs

from tui.review.clock import format_interval, normal_stamp, parse_time
from tui.review.deck import LEECH_TAG, Deck, answers_since, lapses_in

RATING_NAMES = {int(rating): rating.name for rating in fsrs.Rating}  # 1 Again .. 4 Easy
ANSWER_COLUMNS = ("Date", "Grade", "State", "Elapsed", "Interval", "Time")
UNKNOWN = "—"


@dataclass(frozen=True)
class Answer:
    """One answer given on the card, as the review log keeps it."""

    reviewed_at: datetime
    rating: str  # Again, Hard, Good or Easy
    state: str | None  # the card's status before the answer (None: the log does not say)
    elapsed: timedelta | None  # since the answer before it; None for the first
    interval: timedelta | None  # until the due time the answer gave; None when the log does not say
    duration_ms: int | None  # time spent on the card; None when the log does not say


@dataclass(frozen=True)
class CardInfo:
    """Where a card stands and how it got there."""

    paper_id: str
    status: str  # new, learning, review, relearning or suspended
    added_at: datetime
    introduced_at: datetime | None
    lapses: int
    stability: float | None  # days until recall falls to 90%; None for a new card
    difficulty: float | None  # 1 (easy) to 10 (hard); None for a new card
    retrievability: float | None  # the chance of recalling it now; None for a new card
    due: datetime | None  # None for a new card
    answers: list[Answer]  # oldest first
    leech: bool  # its paper carries the user tag leech
    now: datetime  # the moment retrievability is of

    @property
    def time_spent_ms(self) -> int:
        return sum(answer.duration_ms or 0 for answer in self.answers)


def card_info(deck: Deck, paper_id: str, now: datetime | None = None) -> CardInfo | None:
    """The card info of a paper (None when it has no card); reads the whole review log the first time."""
    view = deck.card(paper_id)
    if view is None:
        return None
    moment = deck.now(now)
    entries = answers_since(deck.store.reviews_of(paper_id), view.added_at)
    reviewed = view.reviewed
    return CardInfo(
        paper_id=paper_id,
        status=view.status,
        added_at=view.added_at,
        introduced_at=view.introduced_at,
        lapses=view.lapses if view.lapses_counted else lapses_in(entries, view.added_at),
        stability=view.card.stability if reviewed else None,
        difficulty=view.card.difficulty if reviewed else None,
        retrievability=deck.scheduler.get_card_retrievability(view.card, moment) if reviewed else None,
        due=view.card.due if reviewed else None,
        answers=answers_of(entries),
        leech=LEECH_TAG in deck.store.paper(paper_id).tags,
        now=moment,
    )


def answers_of(entries: Iterable[Mapping[str, Any]]) -> list[Answer]:
    """The log entries as answers in time order; an entry without a time or a grade (edited by
    hand) is left out, and a field an older paperdeck did not write is unknown."""
    timed: list[tuple[str, Mapping[str, Any]]] = []
    for entry in entries:
        stamp = normal_stamp(entry.get("reviewed_at"))
        rating = entry.get("rating")
        if stamp and type(rating) is int and rating in RATING_NAMES:
            timed.append((stamp, entry))
    timed.sort(key=lambda pair: pair[0])  # stable: answers of one second keep the log's order
    answers: list[Answer] = []
    previous: datetime | None = None
    for stamp, entry in timed:
        moment = parse_time(stamp)
        due = normal_stamp(entry.get("due")) if "due" in entry else ""
        state, duration = entry.get("state"), entry.get("duration_ms")
        answers.append(
            Answer(
                reviewed_at=moment,
                rating=RATING_NAMES[entry["rating"]],
                state=state if isinstance(state, str) and state else None,
                elapsed=moment - previous if previous is not None else None,
                interval=parse_time(due) - moment if due else None,
                duration_ms=duration if type(duration) is int and duration >= 0 else None,
            )
        )
        previous = moment
    return answers


# --- as the screen shows it ---------------------------------------------------------------------


def local_time(moment: datetime | None) -> str:
    """A moment in the user's local zone, to the minute: 2026-03-10 21:00."""
    return UNKNOWN if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M")


def format_duration(ms: int | None) -> str:
    """Time spent: 7.5s, 3m 05s, 1h 02m."""
    if ms is None:
        return UNKNOWN
    if ms < 60_000:
        text = f"{ms / 1000:.1f}"
        return (text[:-2] if text.endswith(".0") else text) + "s"
    minutes, seconds = divmod(round(ms / 1000), 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def _when_due(info: CardInfo) -> str:
    if info.due is None:
        return f"{UNKNOWN} (a new card)"
    if info.due <= info.now:
        return f"{local_time(info.due)} (due now)"
    return f"{local_time(info.due)} (in {format_interval(info.due - info.now)})"


def figures(info: CardInfo) -> list[tuple[str, str]]:
    """The card's figures as (label, value) lines."""
    status = info.status + (", tagged leech" if info.leech else "")
    return [
        ("Status", status),
        ("Added", local_time(info.added_at)),
        ("First answered", local_time(info.introduced_at)),
        ("Due", _when_due(info)),
        ("Stability", UNKNOWN if info.stability is None else f"{info.stability:.1f} days"),
        ("Difficulty", UNKNOWN if info.difficulty is None else f"{info.difficulty:.1f} / 10"),
        ("Retrievability", UNKNOWN if info.retrievability is None else f"{info.retrievability:.1%} now"),
        ("Lapses", str(info.lapses)),
        ("Answers", str(len(info.answers))),
        ("Time spent", format_duration(info.time_spent_ms)),
    ]


def answer_row(answer: Answer) -> tuple[str, str, str, str, str, str]:
    """One answer as the table's columns (ANSWER_COLUMNS)."""
    return (
        local_time(answer.reviewed_at),
        answer.rating,
        answer.state or UNKNOWN,
        UNKNOWN if answer.elapsed is None else format_interval(answer.elapsed),
        UNKNOWN if answer.interval is None else format_interval(answer.interval),
        format_duration(answer.duration_ms),
    )
