"""The views the navigation tree offers, and their counts: pure functions of library and state."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from tui.library.merge import Library
from tui.state.paper_state import PaperState

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


@dataclass
class Counts:
    """Unread, starred and per-day counts, kept current by applying each change's delta.

    Recounting 100,000 papers on every keystroke would cost more than the keystroke may.
    """

    total: int
    unread: int
    starred: int
    due: int
    day_unread: dict[date, int]
    day_total: dict[date, int]

    def apply(self, digest_dates: Iterable[date], old: PaperState, new: PaperState) -> set[date]:
        """Accounts for one paper going from `old` to `new`; returns the days whose counts changed."""
        changed: set[date] = set()
        if old.read != new.read:
            step = -1 if new.read else 1
            self.unread += step
            for day in digest_dates:
                if day in self.day_unread:
                    self.day_unread[day] += step
                    changed.add(day)
        if old.starred != new.starred:
            self.starred += 1 if new.starred else -1
        return changed

    def of_view(self, key: ViewKey) -> int:
        return {ALL: self.total, UNREAD: self.unread, STARRED: self.starred, DUE: self.due}[key]


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
        self.all_ids = library.order

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
            position = self._position  # a tag's ids read later may name a paper newer than this library
            return sorted((paper_id for paper_id in ids if paper_id in position), key=position.__getitem__)
        raise ValueError(f"no such view: {key}")

    @cached_property
    def listed(self) -> frozenset[str]:
        """Every paper the views can show (a paper's state may outlive its digests)."""
        return frozenset(self.all_ids)

    @cached_property
    def _position(self) -> dict[str, int]:
        """Where each paper stands in `all_ids`; made when a tag view first needs it."""
        return {paper_id: index for index, paper_id in enumerate(self.all_ids)}

    def counts(self, states: Mapping[str, PaperState]) -> Counts:
        """Every count the tree and header show, from the states of the papers ever touched.

        Untouched papers are unread and unstarred: the counts are the totals less what
        `states` say, the days' counts from the date index. No paper needs to be read.
        """
        listed = self.listed if states else frozenset()
        read = {paper_id for paper_id, state in states.items() if state.read and paper_id in listed}
        day_total = {day: len(ids) for day, ids in self.library.by_date.items()}
        day_unread = dict(day_total)
        if read:
            for day, ids in self.library.by_date.items():
                day_unread[day] -= sum(1 for paper_id in ids if paper_id in read)
        return Counts(
            total=len(self.all_ids),
            unread=len(self.all_ids) - len(read),
            starred=sum(1 for paper_id, state in states.items() if state.starred and paper_id in listed),
            due=sum(map(self.is_due, self.all_ids)),
            day_unread=day_unread,
            day_total=day_total,
        )

    def tag_counts(self) -> list[tuple[str, int]]:
        """Every tag, digest and user tags both, with its paper count, most used first."""
        counts = Counter(self.library.tag_sizes)
        for tag, ids in self.user_tags().items():
            counts[tag] = len(set(ids) | set(self.library.by_tag.get(tag, ())))
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def neighbour_day(self, day: date | None, step: int) -> date | None:
        """The digest date `step` places after (+1, older) or before (-1, newer) `day`."""
        days = list(self.library.by_date)
        if not days:
            return None
        if day is None or day not in self.library.by_date:
            return days[0]
        index = days.index(day) + step
        return days[index] if 0 <= index < len(days) else None
