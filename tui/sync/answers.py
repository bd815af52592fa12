"""Review answers across machines: a union, every answer from every machine kept.

An answer is known everywhere by its uid, which `Deck.grade` gives it (random) and the log keeps:
a home restored from a backup, copied to a new machine or whose replica was lost sends its
answers again under the same uids, and they are known as the ones already in. An answer given
before uids were (none in its log line) is known by its paper, instant and grade. An answer that
came from another machine is marked `via` in this machine's log, so that it is never sent back as
this machine's own. A grade taken back (undo) after it was sent becomes a retraction, a field
`a/UID` that the union respects. Each card touched is then scheduled again from all its answers
in time order (`Deck.replay`), ties in time broken by uid, so every machine comes to the same due date.
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
VIA = "via"  # in a log entry: it came from another machine


def uid_of(entry: Mapping[str, Any]) -> str:
    """The uid of a review log entry: its own, or (an answer older than uids) its paper, instant and grade."""
    uid = entry.get("uid")
    if isinstance(uid, str) and uid:
        return uid
    return f"{entry.get('paper_id')}@{normal_stamp(entry.get('reviewed_at'))}#{entry.get('rating')}"


def is_own(entry: Mapping[str, Any]) -> bool:
    """Whether a log entry is an answer given on this machine (not one that came by sync)."""
    return VIA not in entry


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
    entry[VIA] = "sync"
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

    def load_given_here(self, local_ids: list[int]) -> list[str]:
        """Reads the rows of these local answers (not taken back); returns their uids."""
        rows = self._replica.answers_given_here(local_ids) if local_ids else {}
        for uid, row in rows.items():
            self._rows.setdefault(uid, row)
        wanted = set(local_ids)
        return [uid for uid, (local, taken, _paper) in self._rows.items() if local in wanted and not taken]

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
