"""The tree's groups: the watch list's items and the saved views, their papers and counts.

Each is a `Group` of the views (`tui.views`): its papers and how many are unread, kept
current by each change's delta. Working them out reads the library's search once per item:
a worker's job for a big library. A saved view whose filter asks about the user's state
(unread, starred, a tag) is checked again for the papers a change touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from tui.library.merge import Library, papers_among
from tui.query import Matcher, Query, QueryError, parse_query
from tui.state.paper_state import PaperState
from tui.state.store import Store
from tui.state.user_lists import (
    MAX_SAVED_VIEWS,
    SavedView,
    WatchItem,
    save_saved_views,
    save_watch_list,
    saved_views,
    watch_list,
)
from tui.views import Group, ViewKey
from tui.watching import Watcher

# Saved views `1`-`9` jump to.
NUMBERED_VIEWS = 9


def saved_key(name: str) -> ViewKey:
    return ViewKey("saved", name)


def watch_key(item: WatchItem) -> ViewKey:
    return ViewKey("watch", item.key)


def view_as_query(key: ViewKey) -> str:
    """The filter words that pick a view's papers out of All: what saving a view keeps with
    the filter typed over it (a tag view saved with `diffusion` is `tag:rl diffusion`)."""
    if key.kind == "tag":
        return f"tag:{key.value}"
    if key.kind in ("day", "month", "year"):
        return f"on:{key.value}"
    if key.kind == "view" and key.value in ("unread", "starred", "later", "due"):
        return key.value
    return ""


def _uses_state(query: Query) -> bool:
    return bool(query.flags or query.tags)


class Groups:
    """The user's watch list and saved views, as the reader shows and changes them."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.reload()

    def reload(self) -> None:
        """Reads the watch list and the saved views again (another machine's came in by sync)."""
        self.watch: list[WatchItem] = watch_list(self.store)
        self.saved: list[SavedView] = saved_views(self.store)
        self.watcher = Watcher(self.watch)

    def keys(self) -> list[ViewKey]:
        return [watch_key(item) for item in self.watch] + [saved_key(view.name) for view in self.saved]

    def saved_view(self, name: str) -> SavedView | None:
        return next((view for view in self.saved if view.name == name), None)

    def draft(self, view: ViewKey, typed: str) -> tuple[str, str]:
        """The name and filter offered for saving `view` with `typed` in its filter field: the
        view's own rule and the words typed. A watched tag is `tag:` it, a watched word or
        author its phrase; ValueError for the views no filter can say (New, every watched paper)."""
        typed = typed.strip()
        if view.kind == "saved":
            saved = self.saved_view(view.value)
            base, name = (saved.query if saved else ""), view.value
        elif view.kind == "watch" and view.value:
            item = WatchItem.from_key(view.value)
            base = f"tag:{item.value}" if item.kind == "tag" else f'"{item.value}"'
            name = item.label
        elif view.kind == "watch" or view == ViewKey("view", "new"):
            raise ValueError(f"The {view.label} view cannot be saved as a filter; save a filter over All instead.")
        else:
            base, name = view_as_query(view), view.label if view != ViewKey("view", "all") else ""
        query = " ".join(part for part in (base, typed) if part)
        return (f"{name} {typed}".strip() if typed else name), query

    def numbered(self, number: int) -> ViewKey | None:
        """The saved view key `number` (1-9) jumps to, if there are that many."""
        if 1 <= number <= min(NUMBERED_VIEWS, len(self.saved)):
            return saved_key(self.saved[number - 1].name)
        return None

    # --- their papers --------------------------------------------------------------------------

    def work_out(
        self,
        library: Library,
        states: Callable[[str], PaperState],
        user_tags: Mapping[str, Sequence[str]],
        due: Callable[[str], bool] = lambda _paper_id: False,
    ) -> dict[ViewKey, Group]:
        """Every group's papers and unread count (reads the library's search: slow on a big one)."""
        groups: dict[ViewKey, Group] = {}
        for item in self.watch:
            ids = self.watcher.papers_of(item, library, states, user_tags)
            groups[watch_key(item)] = _group(ids, states)
        matcher = Matcher(library, states, due)
        for view in self.saved:
            try:
                ids = matcher.filter(library.order, parse_query(view.query))
            except QueryError:
                ids = []
            groups[saved_key(view.name)] = _group(ids, states)
        return groups

    def recheck(
        self,
        groups: dict[ViewKey, Group],
        paper_ids: Iterable[str],
        library: Library,
        matcher: Matcher,
        states: Callable[[str], PaperState],
    ) -> None:
        """Puts the changed papers in or out of the groups whose rule asks about the user's
        state (saved filters with flags or tags, watched tags): the unread counts follow."""
        paper_ids = list(paper_ids)
        rules: dict[ViewKey, Callable[[str], bool]] = {}
        known = papers_among(library.papers, paper_ids)
        for item in self.watch:
            if item.kind == "tag":
                rules[watch_key(item)] = lambda i, tag=item.value: (
                    i in known and (tag in known[i].tags or tag in states(i).tags)
                )
        for view in self.saved:
            try:
                query = parse_query(view.query)
            except QueryError:
                continue
            if _uses_state(query):
                rules[saved_key(view.name)] = lambda i, query=query: i in known and matcher.keeps(known[i], query)
        for key, belongs in rules.items():
            group = groups.get(key)
            if group is None:
                continue
            ids = set(group.ids)
            for paper_id in paper_ids:
                if belongs(paper_id):
                    ids.add(paper_id)
                else:
                    ids.discard(paper_id)
            if ids != group.ids:
                groups[key] = _group(ids, states)

    # --- changing them -------------------------------------------------------------------------

    def add_watch(self, item: WatchItem) -> bool:
        """Watches `item`; False if it is watched already (StoreReadOnly on a read-only store)."""
        # An author's name is matched whatever its case: "nick jiang" is watched once "Nick Jiang" is.
        if any(item.same_as(watched) for watched in self.watch):
            return False
        self._keep_watch([*self.watch, item])
        return True

    def remove_watch(self, item: WatchItem) -> bool:
        if not any(item.same_as(watched) for watched in self.watch):
            return False
        self._keep_watch([watched for watched in self.watch if not item.same_as(watched)])
        return True

    def _keep_watch(self, items: list[WatchItem]) -> None:
        save_watch_list(self.store, items)
        self.watch = items
        self.watcher = Watcher(items)

    def save_view(self, name: str, query: str) -> SavedView:
        """Saves a filter under `name`, replacing a view of that name; ValueError if it cannot be."""
        name = " ".join(name.split())
        if not name:
            raise ValueError("a saved view needs a name")
        parse_query(query)  # QueryError (a ValueError) says what cannot be read
        view = SavedView(name, query.strip())
        views = [view if old.name == name else old for old in self.saved]
        if view not in views:
            if len(views) >= MAX_SAVED_VIEWS:
                raise ValueError(f"there are {MAX_SAVED_VIEWS} saved views already; remove one first")
            views.append(view)
        self._keep_views(views)
        return view

    def rename_view(self, old: str, new: str) -> None:
        new = " ".join(new.split())
        if not new:
            raise ValueError("a saved view needs a name")
        if new != old and self.saved_view(new) is not None:
            raise ValueError(f"there is a saved view called {new!r} already")
        self._keep_views([SavedView(new, view.query) if view.name == old else view for view in self.saved])

    def remove_view(self, name: str) -> None:
        self._keep_views([view for view in self.saved if view.name != name])

    def _keep_views(self, views: list[SavedView]) -> None:
        save_saved_views(self.store, views)
        self.saved = views


def _group(ids: Iterable[str], states: Callable[[str], PaperState]) -> Group:
    kept = frozenset(ids)
    return Group(kept, sum(1 for paper_id in kept if not states(paper_id).read))
