"""Textual's private details that tui/ui/textual_compat.py relies on, checked against the installed Textual.

For each function there: a check that the private thing still exists with the shape the
function expects (each failing with a message naming what changed), and the function run on
a real widget in a small app, asserting what it is for. Last, a walk over paperdeck's source
that keeps every such use inside textual_compat.py.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Header, Static, Tree
from textual.widgets.tree import TreeNode

PACKAGE = Path(__file__).resolve().parent.parent / "tui"
COMPAT = PACKAGE / "ui" / "textual_compat.py"

# --- the private details, as they are ---------------------------------------------------------


def test_virtual_size_is_a_reactive_that_set_reactive_accepts():
    descriptor = ScrollView.virtual_size
    assert isinstance(descriptor, Reactive), (
        f"ScrollView.virtual_size is now {type(descriptor).__name__}, not a Reactive: "
        "set_virtual_size_quietly can no longer set it with set_reactive"
    )
    assert descriptor.name == "virtual_size", f"ScrollView.virtual_size is now the reactive {descriptor.name!r}"


def test_scroll_update_takes_a_virtual_size():
    for cls in (ScrollView, Tree):
        method = getattr(cls, "_scroll_update", None)
        assert callable(method), f"{cls.__name__}._scroll_update is gone: update_scrollbars has nothing to call"
        parameters = list(inspect.signature(method).parameters)
        assert parameters == ["self", "virtual_size"], (
            f"{cls.__name__}._scroll_update now takes {parameters}, not (self, virtual_size), as "
            "update_scrollbars calls it with the widget's virtual size"
        )


def test_a_tree_node_keeps_its_label_in_label_attribute():
    tree: Tree[None] = Tree("root")
    node = tree.root.add("before")
    assert hasattr(node, "_label"), "TreeNode no longer has _label: relabel_node_quietly cannot set it"
    assert node.label is node._label, "TreeNode.label no longer returns TreeNode._label"
    assert isinstance(node._label, Text), f"TreeNode._label is now a {type(node._label).__name__}, not a rich Text"
    node._label = tree.process_label("after")
    assert str(node.label) == "after", "setting TreeNode._label no longer changes TreeNode.label"


def test_screen_sub_title_is_a_reactive():
    descriptor = Screen.sub_title
    assert isinstance(descriptor, Reactive), (
        f"Screen.sub_title is now {type(descriptor).__name__}, not a Reactive: "
        "set_sub_title_quietly can no longer set it with set_reactive"
    )


def test_header_title_is_in_textual_widgets_header():
    try:
        module = importlib.import_module("textual.widgets._header")
    except ImportError as error:
        raise AssertionError(
            f"textual.widgets._header is gone ({error}): HeaderTitle must come from elsewhere"
        ) from error
    header_title = getattr(module, "HeaderTitle", None)
    assert header_title is not None, "textual.widgets._header no longer defines HeaderTitle"
    assert issubclass(header_title, Static), "HeaderTitle is no longer a Static"
    assert "layout" in inspect.signature(header_title.update).parameters, (
        "HeaderTitle.update no longer takes layout=: CountsHeader cannot update it without a layout"
    )


# --- the functions, on real widgets --------------------------------------------------------------


class Lines(ScrollView):
    """A scroll view of blank lines that counts the layouts asked of it."""

    DEFAULT_CSS = "Lines { overflow-y: scroll; }"

    def __init__(self) -> None:
        super().__init__()
        self.layouts = 0

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False):
        self.layouts += layout
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def render_line(self, y: int) -> Strip:
        return Strip.blank(self.size.width)


class LinesApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Lines()


async def test_set_virtual_size_quietly_sets_the_scroll_range_without_a_layout():
    from tui.ui.textual_compat import set_virtual_size_quietly

    app = LinesApp()
    async with app.run_test(size=(40, 10)) as pilot:
        lines = app.query_one(Lines)
        await pilot.pause()
        lines.layouts = 0
        set_virtual_size_quietly(lines, Size(38, 500))
        assert lines.virtual_size == Size(38, 500)
        assert lines.layouts == 0, "set_virtual_size_quietly asked for a layout"
        assert lines.vertical_scrollbar.window_virtual_size == 500, "the scroll bar was not fitted to the new range"
        assert lines.max_scroll_y == 500 - lines.scrollable_content_region.height
        await pilot.pause()
        assert lines.layouts == 0, "set_virtual_size_quietly asked for a layout a turn later"
        # What it saves: the plain assignment asks for one (and shows the count is seen).
        lines.virtual_size = Size(38, 600)
        assert lines.layouts == 1, (
            "assigning ScrollView.virtual_size no longer asks for a layout: set_virtual_size_quietly may no "
            "longer be needed, or this test no longer sees layouts"
        )


async def test_update_scrollbars_fits_the_scroll_bar_and_offset_to_the_virtual_size():
    from tui.ui.textual_compat import set_virtual_size_quietly, update_scrollbars

    app = LinesApp()
    async with app.run_test(size=(40, 10)) as pilot:
        lines = app.query_one(Lines)
        set_virtual_size_quietly(lines, Size(38, 500))
        lines.scroll_to(y=490, animate=False, immediate=True)
        await pilot.pause()
        lines.set_reactive(ScrollView.virtual_size, Size(38, 20))
        lines.layouts = 0
        update_scrollbars(lines)
        assert lines.vertical_scrollbar.window_virtual_size == 20, "the scroll bar still shows the old range"
        assert lines.scroll_offset.y == 20 - lines.scrollable_content_region.height, (
            "the scroll offset was not brought back within the shorter range"
        )
        assert lines.layouts == 0, "update_scrollbars asked for a layout"


class PaintedTree(Tree[str]):
    """A tree that notes every repaint asked of it: a region, or None for all of it."""

    def __init__(self) -> None:
        self.repaints: list[Region | None] = []  # before Tree's __init__, which refreshes
        self.layouts = 0
        super().__init__("root")
        self.show_root = False

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False):
        self.repaints += regions or [None]
        self.layouts += layout
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


class TreeApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PaintedTree()

    def on_mount(self) -> None:
        year = self.query_one(PaintedTree).root.add("2025  0/9", expand=True)
        for month in range(1, 10):
            year.add_leaf(f"month {month}")


def _line_text(tree: Tree[str], node: TreeNode[str]) -> str:
    return tree.render_line(node.line - tree.scroll_offset.y).text


async def test_relabel_node_quietly_repaints_the_node_line_alone_and_at_once():
    from tui.ui.textual_compat import relabel_node_quietly

    app = TreeApp()
    async with app.run_test(size=(40, 20)) as pilot:
        tree = app.query_one(PaintedTree)
        await pilot.pause()
        year = tree.root.children[0]
        assert "0/9" in _line_text(tree, year)
        tree.repaints.clear()
        relabel_node_quietly(tree, year, Text("2025  3/9"))
        assert str(year.label) == "2025  3/9"
        own_line = Region(0, year.line - tree.scroll_offset.y, tree.size.width, 1)
        assert tree.repaints == [own_line], f"expected a repaint of the node's line alone, got {tree.repaints}"
        assert "3/9" in _line_text(tree, year), "the tree still draws the old label"
        await pilot.pause()
        assert tree.repaints == [own_line], f"more repaints followed a turn later: {tree.repaints[1:]}"


async def test_a_tree_asks_for_its_layouts_through_refresh():
    # NavTree keeps the screen from being laid out while it adds nodes by overriding refresh.
    app = TreeApp()
    async with app.run_test(size=(40, 20)) as pilot:
        tree = app.query_one(PaintedTree)
        await pilot.pause()
        tree.layouts = 0
        tree.root.children[0].add_leaf("month 10")
        tree.last_line  # noqa: B018  (counts the lines, which sets the virtual size)
        assert tree.layouts >= 1, (
            "Tree no longer asks for a layout through refresh(layout=True) when a node is added: "
            "NavTree's refresh override may no longer keep the screen from being laid out"
        )


class HeaderApp(App[None]):
    TITLE = "paperdeck"

    def compose(self) -> ComposeResult:
        yield Header()

    def on_mount(self) -> None:
        self.screen.sub_title = "before"


async def test_set_sub_title_quietly_sets_the_sub_title_and_runs_no_watcher():
    from tui.ui.textual_compat import HeaderTitle, set_sub_title_quietly

    app = HeaderApp()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        header = app.query_one(Header)
        title = header.query_one(HeaderTitle)  # the very class Header composes
        shown = str(title.visual)
        assert "before" in shown
        set_sub_title_quietly(app.screen, "after")
        assert app.screen.sub_title == "after"
        assert "after" in str(header.format_title()), "Header.format_title does not read the new sub-title"
        await pilot.pause()
        assert str(title.visual) == shown, "the Header's watcher of Screen.sub_title ran and updated its title"


def test_footer_keys_start_compact_and_are_bound_to_the_footers_compact():
    from textual.widgets._footer import FooterKey

    descriptor = FooterKey.__dict__.get("compact")
    assert isinstance(descriptor, Reactive) and descriptor._default is True, (
        "FooterKey.compact is no longer a Reactive that starts True: QuietFooter's head start is moot"
    )
    source = inspect.getsource(Footer.compose)
    assert "data_bind(compact=Footer.compact)" in source, "Footer.compose no longer binds its keys' compact"


class FooterApp(App[None]):
    BINDINGS = [("a", "bell", "Ring"), ("b", "quit", "Quit")]

    def __init__(self, footer: type[Footer]) -> None:
        super().__init__()
        self.footer = footer

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield self.footer()


def counting_flips(watch, flips: list[bool]):
    """The watcher of FooterKey.compact, also counting the times it changes the class (a restyle)."""

    def counting(self, compact: bool) -> None:  # two parameters: Textual passes the new value only
        if self.has_class("-compact") != compact:
            flips.append(compact)
        watch(self, compact)

    return counting


async def test_quiet_footer_shows_what_footer_shows_without_restyling_its_keys():
    from textual.widgets._footer import FooterKey

    from tui.ui.textual_compat import QuietFooter

    screens = []
    original = FooterKey._watch_compact
    for footer in (Footer, QuietFooter):
        flips: list[bool] = []
        FooterKey._watch_compact = counting_flips(original, flips)
        try:
            app = FooterApp(footer)
            async with app.run_test(size=(60, 4)) as pilot:
                await pilot.pause()
                keys = [key for key in app.query(FooterKey) if not key.has_class("-command-palette")]
                assert [key.compact for key in keys] == [False, False]
                assert not any(key.has_class("-compact") for key in keys)
                screens.append((app.export_screenshot(), len(flips)))
        finally:
            FooterKey._watch_compact = original
    (plain, plain_restyles), (quiet, quiet_restyles) = screens
    assert quiet == plain  # the same Footer on screen
    assert plain_restyles >= 2 and quiet_restyles < plain_restyles  # Footer's keys flip twice; these do not


# --- only textual_compat.py reaches into Textual -------------------------------------------------

# Private names of Textual's trees, nodes and widgets that paperdeck has needed or been tempted by,
# and the setter that skips a reactive's watchers and refreshes.
PRIVATE_NAMES = frozenset(
    {"_label", "_line", "_updates", "_scroll_update", "_refresh_line", "_refresh_node", "_tree_lines", "_invalidate"}
)
QUIET_SETTERS = frozenset({"set_reactive"})


def _is_private_textual_module(dotted: str) -> bool:
    parts = dotted.split(".")
    return parts[0] == "textual" and any(part.startswith("_") for part in parts[1:])


def private_uses(source: str, filename: str = "<source>") -> list[str]:
    """Where the source imports a private Textual module or uses a private name listed above."""
    found = []
    for node in ast.walk(ast.parse(source)):
        where = f"{filename}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [f"{where} imports {alias.name}" for alias in node.names if _is_private_textual_module(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            named = [f"{node.module}.{alias.name}" for alias in node.names]
            if _is_private_textual_module(node.module) or any(map(_is_private_textual_module, named)):
                found.append(f"{where} imports from {node.module}")
        elif isinstance(node, ast.Attribute) and node.attr in PRIVATE_NAMES | QUIET_SETTERS:
            found.append(f"{where} uses .{node.attr}")
    return sorted(found)


def test_private_uses_are_found_and_public_ones_are_not():
    private = """
from textual.widgets._header import HeaderTitle
from textual.widgets import _header
import textual._compositor
node._label = tree.process_label(label)
self.set_reactive(ScrollView.virtual_size, size)
self._scroll_update(size)
"""
    assert private_uses(private) == [
        "<source>:2 imports from textual.widgets._header",
        "<source>:3 imports from textual.widgets",
        "<source>:4 imports textual._compositor",
        "<source>:5 uses ._label",
        "<source>:6 uses .set_reactive",
        "<source>:7 uses ._scroll_update",
    ]
    public = """
from textual.widgets import Header, Tree
from textual.widgets.tree import TreeNode
from tui.ui.textual_compat import relabel_node_quietly
node.set_label(_label("x", "1"))
self._node_by_key[key] = node
texts = {key: text for key, _label, text in choices}
"""
    assert private_uses(public) == []


def test_only_textual_compat_uses_textual_private_api():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert COMPAT in modules, f"{COMPAT} is missing"
    assert private_uses(COMPAT.read_text(encoding="utf-8")), "textual_compat.py uses none of the names looked for"
    elsewhere = [
        use
        for path in modules
        if path != COMPAT
        for use in private_uses(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE.parent)))
    ]
    assert elsewhere == [], "Textual's private API used outside tui/ui/textual_compat.py:\n" + "\n".join(elsewhere)
