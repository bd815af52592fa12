"""Triage: a view's unread papers one at a time, each decided with one key.

Plain Python, as the review session is: the triage screen asks this what a key does. Each
decision is the reader's (`Reading.decide`): it reaches the store at once and is one step
of the reader's undo, so `u` here takes back the last decision and steps back to its paper
(or, after a tag or note change, takes that back and stays).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.reading import DECISIONS, NOTHING_TO_UNDO, Outcome, Reading


@dataclass(frozen=True)
class Decided:
    """One decision taken: which paper, what, and how deep the reader's undo stack was after it."""

    paper_id: str
    decision: str
    depth: int


@dataclass(frozen=True)
class TriageSummary:
    """What a triage decided, each paper under its last decision, in the order they came."""

    starred: list[str] = field(default_factory=list)
    later: list[str] = field(default_factory=list)
    read: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = [(len(self.starred), "starred"), (len(self.later), "kept for later"), (len(self.read), "read")]
        return ", ".join(f"{count} {what}" for count, what in parts)


class Triage:
    """Goes through `paper_ids` (a view's, as the list showed them) from the first."""

    def __init__(self, reading: Reading, paper_ids: list[str]) -> None:
        self.reading = reading
        self.ids = list(paper_ids)
        self.position = 0
        self.taken: list[Decided] = []
        # The reader's undo steps from before triage began are the reader's, not triage's.
        self._start_depth = len(reading.undo_stack)

    @property
    def total(self) -> int:
        return len(self.ids)

    @property
    def done(self) -> bool:
        return self.position >= len(self.ids)

    @property
    def current(self) -> str | None:
        return None if self.done else self.ids[self.position]

    @property
    def progress(self) -> str:
        """`12 / 57`: the paper shown and how many there are."""
        return f"{min(self.position + 1, self.total)} / {self.total}"

    def decide(self, decision: str) -> Outcome:
        """Decides the paper shown (star, read or later) and moves on to the next."""
        if decision not in DECISIONS:
            raise ValueError(f"no triage decision {decision!r}")
        paper_id = self.current
        if paper_id is None:
            return Outcome()
        outcome = self.reading.decide(paper_id, decision)
        if outcome.error is None:
            self.taken.append(Decided(paper_id, decision, len(self.reading.undo_stack)))
            self.position += 1
        return outcome

    def move(self, step: int) -> bool:
        """Goes to the next (+1) or previous (-1) paper without deciding (past the last one is
        the end); False when there is none that way."""
        position = self.position + step
        if not 0 <= position <= len(self.ids):
            return False
        self.position = position
        return True

    def undo(self) -> Outcome:
        """Takes back the last change: a decision steps back to its paper."""
        if len(self.reading.undo_stack) <= self._start_depth:
            return Outcome(message=NOTHING_TO_UNDO)
        last = self.taken[-1] if self.taken else None
        stepping_back = last is not None and last.depth == len(self.reading.undo_stack)
        outcome = self.reading.undo()
        if stepping_back and outcome.error is None and last is not None:
            self.taken.pop()
            self.position = self.ids.index(last.paper_id)
        return outcome

    def summary(self) -> TriageSummary:
        last: dict[str, str] = {}
        for step in self.taken:
            last.pop(step.paper_id, None)  # a paper decided again sits where it was decided last
            last[step.paper_id] = step.decision
        summary = TriageSummary()
        for paper_id, decision in last.items():
            {"star": summary.starred, "later": summary.later, "read": summary.read}[decision].append(paper_id)
        return summary
