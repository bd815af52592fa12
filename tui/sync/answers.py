"""Review answers across machines: a union, every answer from every machine kept.

An answer is known everywhere by its uid: its paper and the instant it was given, to the
microsecond (`2401.12345@2026-12-04T08:00:01.123456+00:00`). An id made of what the answer is,
not of where it was given, stays the same whatever happens to a machine's sync state: a home
restored from a backup, copied to a new machine or whose replica was lost sends its answers
again under the same uids, and they are known as the ones already in. A grade taken back (undo)
after it was sent becomes a retraction, a field `a/UID` that the union respects. Each card touched
is then scheduled again from all its answers in time order (`Deck.replay`), ties in time broken
by uid, so every machine comes to the same due date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from tui.review.clock import normal_stamp

if TYPE_CHECKING:
    from tui.sync.replica import Replica

# What an answer line carries; the rest of a log entry (its local id) is this machine's.
ANSWER_FIELDS = ("paper_id", "rating", "reviewed_at", "duration_ms", "state", "due")
RETRACTED = "retracted"


def uid_of(entry: Mapping[str, Any]) -> str:
    """The uid of a review log entry: the one it came with from elsewhere, or its paper and instant."""
    uid = entry.get("uid")
    return uid if isinstance(uid, str) and uid else f"{entry.get('paper_id')}@{normal_stamp(entry.get('reviewed_at'))}"


def answer_line(entry: Mapping[str, Any]) -> dict[str, Any]:
    line = {name: entry[name] for name in ANSWER_FIELDS if name in entry}
    line["uid"] = uid_of(entry)
    return line


def is_answer(document: Mapping[str, Any]) -> bool:
    """Whether an answers line from the folder holds an answer this machine can keep."""
    return (
        isinstance(document.get("uid"), str)
        and isinstance(document.get("paper_id"), str)
        and document.get("rating") in (1, 2, 3, 4)
        and normal_stamp(document.get("reviewed_at")) != ""
    )


def log_entry(document: Mapping[str, Any]) -> dict[str, Any]:
    """The review log entry for an answer that came from another machine."""
    entry = {name: document[name] for name in ANSWER_FIELDS if name in document}
    entry["reviewed_at"] = normal_stamp(document["reviewed_at"])
    entry["uid"] = document["uid"]
    return entry


def in_time_order(answers: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """A card's answers in the order every machine replays them: by time, then by uid."""
    return sorted(answers, key=lambda entry: (normal_stamp(entry.get("reviewed_at")) or "", uid_of(entry)))


class AnswerBook:
    """The answers this machine knows, by uid: (id in the local log or None, taken back, paper).

    Read from the replica as they are asked about (`load`), or all at once when the whole log must
    be looked at (`load_all`); only the rows changed are written back (`changed_rows`), so a sync
    of one answer costs one row, not one per answer ever given."""

    def __init__(self, replica: Replica) -> None:
        self._replica = replica
        self._rows: dict[str, tuple[int | None, bool, str]] = {}
        self._changed: set[str] = set()
        self.complete = False

    def load(self, uids: Iterable[str]) -> None:
        if not self.complete:
            wanted = [uid for uid in uids if uid not in self._rows]
            self._rows |= self._replica.answers_of(wanted) if wanted else {}

    def load_all(self) -> None:
        if not self.complete:
            self._rows = self._replica.answers() | self._rows  # what this sync changed stays
            self.complete = True

    def get(self, uid: str) -> tuple[int | None, bool, str] | None:
        return self._rows.get(uid)

    def put(self, uid: str, local: int | None, taken: bool, paper_id: str) -> None:
        self._rows[uid] = (local, taken, paper_id)
        self._changed.add(uid)

    def rows(self) -> Iterable[tuple[str, tuple[int | None, bool, str]]]:
        """Every row (after `load_all`)."""
        return list(self._rows.items())

    def changed_rows(self) -> list[tuple[str, int | None, bool, str]]:
        return [(uid, *self._rows[uid]) for uid in sorted(self._changed)]
