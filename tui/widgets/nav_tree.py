"""The navigation tree: views, digest dates (year ▸ month ▸ day) and tags, each with counts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.safe_text import one_line
from tui.views import VIEWS, Counts, ViewKey, Views

_MONTHS = "January February March April May June July August September October November December".split()


class NavTree(Tree[ViewKey]):
    """Selecting a node asks for its view with `NavTree.ViewChosen`."""

    DEFAULT_CSS = """
    NavTree {
        background: $panel;
        padding: 0 1;
    }
    """

    class ViewChosen(Message):
        def __init__(self, key: ViewKey) -> None:
            super().__init__()
            self.key = key

    def __init__(self, views: Views, counts: Counts, *, id: str | None = None) -> None:
        super().__init__("paperdeck", id=id)
        self.views = views
        self.counts = counts
        self.show_root = False
        self.guide_depth = 2
        self._node_by_key: dict[ViewKey, TreeNode[ViewKey]] = {}

    def on_mount(self) -> None:
        self.rebuild()

    def rebuild(self) -> None:
        """Builds every node anew with fresh counts, keeping the cursor on the same view."""
        current = self.cursor_node.data if self.cursor_node else None
        self.clear()
        self._node_by_key.clear()
        views = self.root.add("Views", expand=True, allow_expand=True)
        for key in VIEWS:
            self._node_by_key[key] = views.add_leaf(_label(key.label, str(self.counts.of_view(key))), data=key)
        dates = self.root.add("Dates", expand=True)
        self._add_dates(dates)
        self._tags = self.root.add("Tags", expand=True)
        self._add_tags()
        if current is not None:
            self.select_key(current, announce=False)

    def _add_tags(self) -> None:
        for tag, count in self.views.tag_counts():
            key = ViewKey("tag", tag)
            self._node_by_key[key] = self._tags.add_leaf(_label(one_line(key.label), str(count)), data=key)

    def rebuild_tags(self) -> None:
        """New tag counts after the user's tags changed; the rest of the tree stays."""
        for key in [key for key in self._node_by_key if key.kind == "tag"]:
            del self._node_by_key[key]
        self._tags.remove_children()
        self._add_tags()

    def refresh_counts(self, days: Iterable[date]) -> None:
        """New labels for the views and for the given days, their months and years."""
        for key in VIEWS:
            self._node_by_key[key].set_label(_label(key.label, str(self.counts.of_view(key))))
        prefixes: set[str] = set()
        for day in days:
            node = self._node_by_key.get(ViewKey("day", day.isoformat()))
            if node is not None:
                node.set_label(_label(day.isoformat(), _ratio((self.counts.day_unread[day], self.counts.day_total[day]))))
            prefixes.update((f"{day.year:04d}", f"{day.year:04d}-{day.month:02d}"))
        for prefix in prefixes:
            kind = "year" if len(prefix) == 4 else "month"
            node = self._node_by_key.get(ViewKey(kind, prefix))
            if node is not None:
                name = prefix if kind == "year" else _MONTHS[int(prefix[5:]) - 1]
                node.set_label(_label(name, _ratio(self.counts.of_days(prefix))))

    def _add_dates(self, parent: TreeNode[ViewKey]) -> None:
        by_month: dict[str, dict[str, list[tuple[date, tuple[int, int]]]]] = defaultdict(lambda: defaultdict(list))
        for day, total in self.counts.day_total.items():
            counts = (self.counts.day_unread[day], total)
            by_month[f"{day.year:04d}"][f"{day.year:04d}-{day.month:02d}"].append((day, counts))
        first_year = True
        for year, months in by_month.items():
            year_counts = _sum(c for days in months.values() for _, c in days)
            year_node = parent.add(_label(year, _ratio(year_counts)), data=ViewKey("year", year), expand=first_year)
            self._node_by_key[ViewKey("year", year)] = year_node
            for index, (month, days) in enumerate(months.items()):
                name = _MONTHS[int(month[5:]) - 1]
                month_node = year_node.add(
                    _label(name, _ratio(_sum(c for _, c in days))),
                    data=ViewKey("month", month),
                    expand=first_year and index == 0,
                )
                self._node_by_key[ViewKey("month", month)] = month_node
                for day, counts in days:
                    key = ViewKey("day", day.isoformat())
                    self._node_by_key[key] = month_node.add_leaf(_label(day.isoformat(), _ratio(counts)), data=key)
            first_year = False

    def select_key(self, key: ViewKey, *, announce: bool = True) -> None:
        node = self._node_by_key.get(key)
        if node is None:
            return
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        self.move_cursor(node)
        if announce:
            self.post_message(self.ViewChosen(key))

    def on_tree_node_selected(self, event: Tree.NodeSelected[ViewKey]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.ViewChosen(event.node.data))


def _label(name: str, count: str) -> Text:
    label = Text(name)
    label.append(f"  {count}", style="dim")
    return label


def _sum(pairs) -> tuple[int, int]:
    unread = total = 0
    for u, t in pairs:
        unread += u
        total += t
    return unread, total


def _ratio(counts: tuple[int, int]) -> str:
    return f"{counts[0]}/{counts[1]}"
