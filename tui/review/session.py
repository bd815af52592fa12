"""A review session: the queue of cards, the one being shown, grading, undo and the summary.

Pure: the session screen asks this what to show and tells it what the user pressed. Cards
come from a `Deck`; every grade goes to the store at once, so leaving at any moment keeps
everything graded so far.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fsrs import Rating

from tui.review.deck import CardView, Deck, GradeUndo

# Cards failed or in their learning steps come back in the same session when they fall due
# within this time, as Anki's "learn ahead limit" does: the user should not have to open
# another session in ten minutes for one card.
LEARN_AHEAD = timedelta(minutes=20)
# Time on one card beyond this is not thinking, it is a break (Anki caps at 60 s as well).
MAX_ANSWER_MS = 60_000


@dataclass
class SessionSummary:
    """What a session did, for its end screen."""

    reviewed: int = 0
    again: int = 0
    time_ms: int = 0
    buried: int = 0
    suspended: int = 0
    leeches: int = 0  # cards a lapse made leeches: suspended and tagged leech

    @property
    def again_rate(self) -> float | None:
        return self.again / self.reviewed if self.reviewed else None


@dataclass
class _Step:
    """How to take back one thing the user did in the session."""

    kind: str  # "grade", "bury" or "suspend"
    paper_id: str
    queue: list[str]
    summary: SessionSummary
    grade: GradeUndo | None = None
    card_before: CardView | None = None


@dataclass
class ReviewSession:
    """Due cards first, then new ones up to the daily limit; learning cards come round again."""

    deck: Deck
    clock: Callable[[], datetime] | None = None  # default: the deck's clock
    monotonic: Callable[[], float] = field(default=time.monotonic)

    def __post_init__(self) -> None:
        if self.clock is None:
            self.clock = self.deck.clock
        self.queue: list[str] = self.deck.session_queue(self.clock())
        self.revealed = False
        self.summary = SessionSummary()
        self._history: list[_Step] = []
        self._shown_at = self.monotonic()

    @property
    def current(self) -> str | None:
        """The paper id of the card being shown, or None when the session is over."""
        return self.queue[0] if self.queue else None

    @property
    def finished(self) -> bool:
        return not self.queue

    @property
    def remaining(self) -> int:
        return len(self.queue)

    @property
    def can_undo(self) -> bool:
        return bool(self._history)

    @property
    def last_leech(self) -> str | None:
        """The paper whose card the latest grade made a leech, if it did (an undo takes it back)."""
        step = self._history[-1] if self._history else None
        return step.paper_id if step is not None and step.grade is not None and step.grade.leech else None

    def reveal(self) -> None:
        self.revealed = True

    def intervals(self) -> dict[Rating, timedelta]:
        """The interval each grade would give the current card."""
        if self.current is None:
            return {}
        return self.deck.preview(self.current, self.clock())

    def grade(self, rating: Rating) -> None:
        """Grades the current card, saves it, and moves on."""
        paper_id = self.current
        if paper_id is None:
            return
        now = self.clock()
        spent = min(MAX_ANSWER_MS, max(0, round((self.monotonic() - self._shown_at) * 1000)))
        step = _Step("grade", paper_id, list(self.queue), _copy(self.summary))
        step.grade = self.deck.grade(paper_id, rating, now, duration_ms=spent)
        self._history.append(step)
        self.summary.reviewed += 1
        self.summary.again += rating == Rating.Again
        self.summary.time_ms += spent
        self.summary.leeches += step.grade.leech
        self.queue.pop(0)
        card = self.deck.card(paper_id)
        # A leech is suspended: it does not come round again, however soon it falls due.
        if card is not None and not card.suspended and card.card.due - now <= LEARN_AHEAD:
            self._requeue(paper_id, card.card.due)
        self._next()

    def bury(self) -> None:
        """Hides the current card until tomorrow's day start."""
        self._set_aside("bury", self.deck.bury)

    def suspend(self) -> None:
        """Takes the current card out of every session until it is unsuspended."""
        self._set_aside("suspend", self.deck.suspend)

    def undo(self) -> str | None:
        """Takes back the last grade, bury or suspend exactly; returns which, or None."""
        if not self._history:
            return None
        step = self._history.pop()
        if step.grade is not None:
            self.deck.undo(step.grade)
        elif step.card_before is not None:
            self.deck.restore_card(step.card_before)
        self.queue = step.queue
        self.summary = step.summary
        self._next()
        return step.kind

    def next_due(self) -> datetime | None:
        """When the earliest card outside this session falls due."""
        return self.deck.next_due(self.clock())

    def _set_aside(self, kind: str, action: Callable[[str], object]) -> None:
        paper_id = self.current
        if paper_id is None:
            return
        step = _Step(kind, paper_id, list(self.queue), _copy(self.summary), card_before=self.deck.card(paper_id))
        action(paper_id)
        self._history.append(step)
        if kind == "bury":
            self.summary.buried += 1
        else:
            self.summary.suspended += 1
        self.queue = [other for other in self.queue if other != paper_id]
        self._next()

    def _requeue(self, paper_id: str, due: datetime) -> None:
        """Puts a learning card back after the cards due before it, or last."""
        position = len(self.queue)
        for index, other in enumerate(self.queue):
            card = self.deck.card(other)
            if card is not None and card.card.last_review is not None and card.card.due > due:
                position = index
                break
        self.queue.insert(position, paper_id)

    def _next(self) -> None:
        self.revealed = False
        self._shown_at = self.monotonic()


def _copy(summary: SessionSummary) -> SessionSummary:
    return SessionSummary(**summary.__dict__)
