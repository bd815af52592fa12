"""The views the navigation tree offers, and their counts: pure functions of library and state."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from tui.library.merge import Library
from tui.state.paper_state import PaperState
from tui.state.user_lists import WatchItem

_BLANK = PaperState()


@dataclass(frozen=True)
class ViewKey:
    """One node of the navigation tree: kind is view, year, month, day, tag, watch (a watched
    item's key, or "" for every watched paper) or saved (a saved view's name)."""

    kind: str
    value: str = ""

    @property
    def label(self) -> str:
        if self.kind == "view":
            return VIEW_LABELS[self.value]
        if self.kind == "tag":
            return f"#{self.value}"
        if self.kind == "watch":
            return WatchItem.from_key(self.value).label if self.value else "Watched"
        return self.value


VIEW_LABELS = {
    "all": "All",
    "new": "New",
    "unread": "Unread",
    "starred": "Starred",
    "later": "Later",
    "due": "Due for review",
}
ALL = ViewKey("view", "all")
NEW = ViewKey("view", "new")  # first seen in the newest digest date
UNREAD = ViewKey("view", "unread")
STARRED = ViewKey("view", "starred")
LATER = ViewKey("view", "later")  # kept for later in triage
DUE = ViewKey("view", "due")
VIEWS = (ALL, NEW, UNREAD, STARRED, LATER, DUE)
WATCHED = ViewKey("watch")


@dataclass
class Group:
    """Papers whose unread and total counts the tree shows beside a watched item or saved view."""

    ids: frozenset[str]
    unread: int

    @property
    def ratio(self) -> tuple[int, int]:
        return self.unread, len(self.ids)


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
    new: int = 0  # worked out after the first screen (`Reading.count_new`)
    later: int = 0
    # Watched items and saved views, once worked out (`Views.groups`): empty until then.
    groups: dict[ViewKey, Group] = field(default_factory=dict)

    def apply(self, paper_id: str, digest_dates: Iterable[date], old: PaperState, new: PaperState) -> set[date]:
        """Accounts for one paper going from `old` to `new`; returns the days whose counts changed."""
        changed: set[date] = set()
        if old.read != new.read:
            step = -1 if new.read else 1
            self.unread += step
            for day in digest_dates:
                if day in self.day_unread:
                    self.day_unread[day] += step
                    changed.add(day)
            for group in self.groups.values():
                if paper_id in group.ids:
                    group.unread += step
        if old.starred != new.starred:
            self.starred += 1 if new.starred else -1
        if old.later != new.later:
            self.later += 1 if new.later else -1
        return changed

    def of_view(self, key: ViewKey) -> int:
        return {
            ALL: self.total,
            NEW: self.new,
            UNREAD: self.unread,
            STARRED: self.starred,
            LATER: self.later,
            DUE: self.due,
        }[key]


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
        # Watched items and saved views, once worked out: the same dict as the counts', whose
        # changes keep their unread counts.
        self.groups: dict[ViewKey, Group] = {}

    def ids(self, key: ViewKey) -> list[str]:
        if key == ALL:
            return self.all_ids
        if key == UNREAD:
            return [i for i in self.all_ids if not self.state_of(i).read]
        if key == NEW:
            return self.new_ids
        if key == STARRED:
            return [i for i in self.all_ids if self.state_of(i).starred]
        if key == LATER:
            return [i for i in self.all_ids if self.state_of(i).later]
        if key == DUE:
            return [i for i in self.all_ids if self.is_due(i)]
        if key.kind == "day":
            return list(self.library.by_date.get(date.fromisoformat(key.value), ()))
        if key.kind in ("month", "year"):
            # Once each, though a paper may be in several digests of the period.
            return list(
                dict.fromkeys(
                    paper_id
                    for day, ids in self.library.by_date.items()
                    if day.isoformat().startswith(key.value)
                    for paper_id in ids
                )
            )
        if key.kind == "tag":
            ids = set(self.library.by_tag.get(key.value, ())) | set(self.user_tags().get(key.value, ()))
            position = self._position  # a tag's ids read later may name a paper newer than this library
            return sorted((paper_id for paper_id in ids if paper_id in position), key=position.__getitem__)
        if key.kind in ("watch", "saved"):
            return self.group_ids(key)
        raise ValueError(f"no such view: {key}")

    def group_ids(self, key: ViewKey) -> list[str]:
        """A watched item's or saved view's papers, in date order, as last worked out; every
        watched paper for `WATCHED`."""
        groups = self.groups
        if key == WATCHED:
            watched = set().union(*(group.ids for k, group in groups.items() if k.kind == "watch"))
            return [paper_id for paper_id in self.all_ids if paper_id in watched]
        group = groups.get(key)
        if group is None:
            return []
        position = self._position
        return sorted((i for i in group.ids if i in position), key=position.__getitem__)

    # --- seen before ---------------------------------------------------------------------------

    @cached_property
    def first_seen(self) -> dict[str, date]:
        """The first digest date each paper appeared in; made when first asked for."""
        first: dict[str, date] = {}
        for day, ids in self.library.by_date.items():  # newest first: the oldest is written last
            first.update(dict.fromkeys(ids, day))
        return first

    @cached_property
    def new_ids(self) -> list[str]:
        """The papers first seen in the newest digest date, in the digest's order."""
        if not self.library.by_date:
            return []
        newest, ids = next(iter(self.library.by_date.items()))
        first = self.first_seen
        return [paper_id for paper_id in ids if first.get(paper_id) == newest]

    def unseen(self, key: ViewKey, ids: list[str]) -> list[str]:
        """`ids` without the papers seen on an earlier day: before the day, month or year of a
        date view, and otherwise before the newest digest date each paper is listed under."""
        again = self.seen_again
        if key.kind in ("day", "month", "year"):
            start = date.fromisoformat(
                {"day": key.value, "month": f"{key.value}-01", "year": f"{key.value}-01-01"}[key.kind]
            )
            # A paper of the period first seen before it was seen on two days at least.
            first = self.first_seen
            hidden = {paper_id for paper_id in again if first[paper_id] < start}
        else:
            hidden = again
        return [paper_id for paper_id in ids if paper_id not in hidden] if hidden else list(ids)

    @cached_property
    def seen_again(self) -> frozenset[str]:
        """The papers that appeared on more than one digest date (a few in a thousand, usually)."""
        first, newest = self.first_seen, self.newest_seen
        return frozenset(paper_id for paper_id, day in first.items() if newest[paper_id] != day)

    @cached_property
    def newest_seen(self) -> dict[str, date]:
        """The newest digest date each paper appeared in."""
        newest: dict[str, date] = {}
        for day, ids in reversed(self.library.by_date.items()):
            newest.update(dict.fromkeys(ids, day))
        return newest

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
            groups=self.groups,
            later=sum(1 for paper_id, state in states.items() if state.later and paper_id in listed),
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
