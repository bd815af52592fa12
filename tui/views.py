"""The views the navigation tree offers, and their counts: pure functions of library and state."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from tui.library import Library
from tui.store import PaperState

_BLANK = PaperState()


@dataclass(frozen=True)
class ViewKey:
    """One node of the navigation tree: kind is view, year, month, day or tag."""

    kind: str
    value: str = ""

    @property
    def label(self) -> str:
        if self.kind == "view":
            return {"all": "All", "unread": "Unread", "starred": "Starred", "due": "Due for review"}[self.value]
        if self.kind == "tag":
            return f"#{self.value}"
        return self.value


ALL = ViewKey("view", "all")
UNREAD = ViewKey("view", "unread")
STARRED = ViewKey("view", "starred")
DUE = ViewKey("view", "due")
VIEWS = (ALL, UNREAD, STARRED, DUE)


class Views:
    """Paper ids per view, newest digest first, over a library and the user's state."""

    def __init__(
        self,
        library: Library,
        state_of: Callable[[str], PaperState],
        user_tags: Callable[[], dict[str, list[str]]],
        is_due: Callable[[str], bool] = lambda _paper_id: False,
    ) -> None:
        self.library = library
        self.state_of = state_of
        self.user_tags = user_tags
        self.is_due = is_due
        self.all_ids = [paper.id for paper in library.sorted_papers()]
        self._position = {paper_id: index for index, paper_id in enumerate(self.all_ids)}

    def ids(self, key: ViewKey) -> list[str]:
        if key == ALL:
            return self.all_ids
        if key == UNREAD:
            return [i for i in self.all_ids if not self.state_of(i).read]
        if key == STARRED:
            return [i for i in self.all_ids if self.state_of(i).starred]
        if key == DUE:
            return [i for i in self.all_ids if self.is_due(i)]
        if key.kind == "day":
            return list(self.library.by_date.get(date.fromisoformat(key.value), ()))
        if key.kind in ("month", "year"):
            return [
                paper_id
                for day, ids in self.library.by_date.items()
                if day.isoformat().startswith(key.value)
                for paper_id in ids
            ]
        if key.kind == "tag":
            ids = set(self.library.by_tag.get(key.value, ())) | set(self.user_tags().get(key.value, ()))
            return sorted(ids, key=self._position.__getitem__)
        raise ValueError(f"no such view: {key}")

    def day_counts(self) -> dict[date, tuple[int, int]]:
        """(unread, total) of every digest date."""
        out = {}
        for day, ids in self.library.by_date.items():
            out[day] = (sum(1 for i in ids if not self.state_of(i).read), len(ids))
        return out

    def tag_counts(self) -> list[tuple[str, int]]:
        """Every tag, digest and user tags both, with its paper count, most used first."""
        counts = Counter({tag: len(ids) for tag, ids in self.library.by_tag.items()})
        for tag, ids in self.user_tags().items():
            counts[tag] = len(set(ids) | set(self.library.by_tag.get(tag, ())))
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def view_counts(self) -> dict[ViewKey, int]:
        states = [self.state_of(i) for i in self.all_ids]
        return {
            ALL: len(self.all_ids),
            UNREAD: sum(1 for s in states if not s.read),
            STARRED: sum(1 for s in states if s.starred),
            DUE: sum(1 for i in self.all_ids if self.is_due(i)),
        }

    def neighbour_day(self, day: date | None, step: int) -> date | None:
        """The digest date `step` places after (+1, older) or before (-1, newer) `day`."""
        days = list(self.library.by_date)
        if not days:
            return None
        if day is None or day not in self.library.by_date:
            return days[0]
        index = days.index(day) + step
        return days[index] if 0 <= index < len(days) else None
