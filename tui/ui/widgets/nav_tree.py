"""The navigation tree: views, watched items, saved views, digest dates (year ▸ month ▸ day)
and tags, each with counts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Self

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.safe_text import one_line
from tui.ui.textual_compat import relabel_node_quietly, update_scrollbars
from tui.views import VIEWS, WATCHED, Counts, ViewKey, Views

_MONTHS = "January February March April May June July August September October November December".split()


class NavTree(Tree[ViewKey]):
    """Selecting a node asks for its view with `NavTree.ViewChosen`."""

    DEFAULT_CSS = """
    NavTree {
        background: $panel;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("enter", "select_cursor", "Show"),
        Binding("left_square_bracket", "screen.step_day(1)", "Older day"),
        Binding("right_square_bracket", "screen.step_day(-1)", "Newer day"),
    ]

    _keeping_size = False  # see _keeping_size_on_screen; read by refresh during __init__

    class ViewChosen(Message):
        def __init__(self, key: ViewKey) -> None:
            super().__init__()
            self.key = key

    def __init__(
        self, views: Views, counts: Counts, groups: Callable[[], list[ViewKey]], *, id: str | None = None
    ) -> None:
        """`groups` says which watched items and saved views there are, in tree order."""
        super().__init__("paperdeck", id=id)
        self.views = views
        self.counts = counts
        self.groups = groups
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
        self._watched = self.root.add(_label("Watched", ""), data=WATCHED, expand=True)
        self._saved = self.root.add("Saved views", expand=True)
        self._add_groups()
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

    def _add_groups(self) -> None:
        self._node_by_key[WATCHED] = self._watched
        self._group_names: dict[ViewKey, str] = {}
        keys = self.groups()
        saved_number = 0
        for key in keys:
            if key.kind == "watch":
                parent, name = self._watched, key.label
            else:
                saved_number += 1
                parent, name = self._saved, (f"{saved_number} " if saved_number <= 9 else "  ") + key.value
            self._group_names[key] = one_line(name)
            self._node_by_key[key] = parent.add_leaf(_label(one_line(name), self._group_count(key)), data=key)
        if not any(key.kind == "watch" for key in keys):
            self._watched.add_leaf(Text("w on a paper to watch", style="dim italic"))
        if not any(key.kind == "saved" for key in keys):
            self._saved.add_leaf(Text("B saves a view", style="dim italic"))
        self._relabel(self._watched, self._watched_label())

    def _group_count(self, key: ViewKey) -> str:
        group = self.counts.groups.get(key)
        return _ratio(group.ratio) if group is not None else "…"

    def _watched_label(self) -> Text:
        groups = [group for key, group in self.counts.groups.items() if key.kind == "watch"]
        if not groups:
            return _label("Watched", "")
        return _label("Watched", str(len(frozenset().union(*(group.ids for group in groups)))))

    def rebuild_groups(self) -> None:
        """The watched items and saved views anew, after the user changed them or their papers
        were worked out."""
        for key in [key for key in self._node_by_key if key.kind in ("watch", "saved")]:
            del self._node_by_key[key]
        self._watched.remove_children()
        self._saved.remove_children()
        self._add_groups()

    def rebuild_tags(self) -> None:
        """New tag counts after the user's tags changed; the rest of the tree stays."""
        for key in [key for key in self._node_by_key if key.kind == "tag"]:
            del self._node_by_key[key]
        self._tags.remove_children()
        self._add_tags()

    def refresh_counts(self, days: Iterable[date]) -> None:
        """New labels for the views and for the given days, their months and years."""
        for key in VIEWS:
            self._relabel(self._node_by_key[key], _label(key.label, str(self.counts.of_view(key))))
        for key, name in self._group_names.items():
            self._relabel(self._node_by_key[key], _label(name, self._group_count(key)))
        prefixes: set[str] = set()
        for day in days:
            node = self._node_by_key.get(ViewKey("day", day.isoformat()))
            if node is not None:
                self._relabel(
                    node, _label(day.isoformat(), _ratio((self.counts.day_unread[day], self.counts.day_total[day])))
                )
            prefixes.update((f"{day.year:04d}", f"{day.year:04d}-{day.month:02d}"))
        for prefix in prefixes:
            kind = "year" if len(prefix) == 4 else "month"
            node = self._node_by_key.get(ViewKey(kind, prefix))
            if node is not None:
                name = prefix if kind == "year" else _MONTHS[int(prefix[5:]) - 1]
                self._relabel(node, _label(name, _ratio(self._counts_of(prefix))))

    def _relabel(self, node: TreeNode[ViewKey], label: Text) -> None:
        """A new label for the node, repainted in the frame of the key that changed it."""
        if node.label == label:
            return
        # Not TreeNode.set_label: that repaints every visible line under the node, a frame
        # late. The label shows on the node's own line alone.
        relabel_node_quietly(self, node, label)

    def _add_dates(self, parent: TreeNode[ViewKey]) -> None:
        """Years and months now; a month's days when it is first opened (years of digests are
        thousands of days, and building them all would slow the start)."""
        self._days_by_month: dict[str, list[date]] = defaultdict(list)
        for day in self.counts.day_total:
            self._days_by_month[f"{day.year:04d}-{day.month:02d}"].append(day)
        first_year = True
        for year in dict.fromkeys(month[:4] for month in self._days_by_month):
            key = ViewKey("year", year)
            year_node = parent.add(_label(year, _ratio(self._counts_of(year))), data=key, expand=first_year)
            self._node_by_key[key] = year_node
            months = [month for month in self._days_by_month if month.startswith(year)]
            for index, month in enumerate(months):
                key = ViewKey("month", month)
                name = _MONTHS[int(month[5:]) - 1]
                month_node = year_node.add(_label(name, _ratio(self._counts_of(month))), data=key)
                self._node_by_key[key] = month_node
                if first_year and index == 0:
                    self._add_days(month)
                    month_node.expand()
            first_year = False

    def _counts_of(self, prefix: str) -> tuple[int, int]:
        """(unread, total) of a year ("2025") or a month ("2025-06") of digest dates."""
        months = [prefix] if len(prefix) == 7 else [month for month in self._days_by_month if month.startswith(prefix)]
        days = [day for month in months for day in self._days_by_month.get(month, ())]
        return sum(map(self.counts.day_unread.__getitem__, days)), sum(map(self.counts.day_total.__getitem__, days))

    def _add_days(self, month: str) -> None:
        month_node = self._node_by_key[ViewKey("month", month)]
        if month_node.children:
            return
        with self._keeping_size_on_screen():
            for day in self._days_by_month.get(month, ()):
                key = ViewKey("day", day.isoformat())
                counts = (self.counts.day_unread[day], self.counts.day_total[day])
                self._node_by_key[key] = month_node.add_leaf(_label(day.isoformat(), _ratio(counts)), data=key)

    @contextmanager
    def _keeping_size_on_screen(self) -> Iterator[None]:
        """Adds or opens nodes without laying the screen out again.

        Tree asks for a layout of the whole screen on every node added or opened, and again
        when its lines are counted: 20-30 ms and a second frame for the first day of a month
        shown with `[`. Only the tree's scroll range changes (its place on screen is set by
        the screen's CSS), so the lines are counted here, at once, and the scroll range set
        quietly, as the paper list and the detail do. A scroll bar that appears or goes
        still lays the screen out, through Textual's own reactive.
        """
        self._keeping_size = True
        try:
            yield
            self.last_line  # noqa: B018  (counts the lines now, which sets the virtual size)
        finally:
            self._keeping_size = False
        update_scrollbars(self)

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        return super().refresh(*regions, repaint=repaint, layout=layout and not self._keeping_size, recompose=recompose)

    def get_label_width(self, node: TreeNode[ViewKey]) -> int:
        # What Tree.render_label would measure, without rendering the label: Tree measures
        # every line of the tree each time a node is added or opened.
        icon = (self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE) if node.allow_expand else ""
        return cell_len(icon) + node.label.cell_len

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[ViewKey]) -> None:
        key = event.node.data
        if key is not None and key.kind == "month":
            self._add_days(key.value)

    def select_key(self, key: ViewKey, *, announce: bool = True) -> None:
        if key.kind == "day":
            self._add_days(key.value[:7])
        node = self._node_by_key.get(key)
        if node is None:
            return
        closed = []
        parent = node.parent
        while parent is not None:
            if not parent.is_expanded:
                closed.append(parent)
            parent = parent.parent
        if closed:
            with self._keeping_size_on_screen():
                for parent in closed:
                    parent.expand()
        self.move_cursor(node)  # after the lines are counted: a new node has no line before
        if announce:
            self._announce(key)

    def on_tree_node_selected(self, event: Tree.NodeSelected[ViewKey]) -> None:
        event.stop()
        if event.node.data is not None:
            self._announce(event.node.data)

    def _announce(self, key: ViewKey) -> None:
        # Straight to the screen rather than bubbling up through the panes, a turn each: the
        # view follows sooner, often in the frame that paints the tree's cursor.
        self.screen.post_message(self.ViewChosen(key))


def _label(name: str, count: str) -> Text:
    label = Text(name)
    label.append(f"  {count}", style="dim")
    return label


def _ratio(counts: tuple[int, int]) -> str:
    return f"{counts[0]}/{counts[1]}"
