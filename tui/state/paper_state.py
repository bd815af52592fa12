"""What the user has done with one paper (read, starred, kept for later, tags, note), as the store keeps it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PaperState:
    """What the user has done with one paper."""

    read_at: str | None = None
    starred_at: str | None = None
    tags: tuple[str, ...] = ()
    note: str = ""
    updated_at: str | None = None
    # Kept for later in triage (`l`): the paper waits in the Later view until it is decided.
    later_at: str | None = None

    @property
    def read(self) -> bool:
        return self.read_at is not None

    @property
    def starred(self) -> bool:
        return self.starred_at is not None

    @property
    def later(self) -> bool:
        return self.later_at is not None

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> PaperState:
        tags = document.get("tags") or ()
        return cls(
            read_at=document.get("read_at"),
            starred_at=document.get("starred_at"),
            later_at=document.get("later_at"),
            tags=tuple(str(tag) for tag in tags) if isinstance(tags, list | tuple) else (),
            note=str(document.get("note") or ""),
            updated_at=document.get("updated_at"),
        )

    def to_document(self, paper_id: str) -> dict[str, Any]:
        return {
            "paper_id": paper_id,
            "read_at": self.read_at,
            "starred_at": self.starred_at,
            "later_at": self.later_at,
            "tags": list(self.tags),
            "note": self.note,
            "updated_at": self.updated_at,
        }


# Undo: the states of the papers a change touched, as they were before it (None: untouched).
Snapshot = dict[str, PaperState | None]


def user_tags(states: Mapping[str, PaperState]) -> dict[str, list[str]]:
    """The user's own tags, each with the papers that carry it."""
    tags: dict[str, list[str]] = {}
    for paper_id, state in states.items():
        for tag in state.tags:
            tags.setdefault(tag, []).append(paper_id)
    return tags


class TouchJournal:
    """Which papers were changed, in the order of their last change, in this process: what
    changed since a moment is found without looking at every paper (sync asks at each change)."""

    def __init__(self) -> None:
        self.count = 0  # changes so far; `since` takes one of these
        self._last: dict[str, int] = {}  # paper -> the change that last touched it, oldest first

    def touched(self, paper_ids: Iterable[str]) -> None:
        self.count += 1
        for paper_id in paper_ids:
            self._last.pop(paper_id, None)  # to the end: the dict stays in order of last change
            self._last[paper_id] = self.count

    def since(self, count: int) -> list[str]:
        """The papers changed after the journal's count was `count`."""
        found = []
        for paper_id in reversed(self._last):
            if self._last[paper_id] <= count:
                break
            found.append(paper_id)
        return found
