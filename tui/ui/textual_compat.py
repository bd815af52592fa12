"""The one place where paperdeck leans on Textual's private or undocumented internals.

Each of these saves a layout of the whole screen, or a repaint of most of a widget, on a key
press; Textual's public API offers no quiet way to do the same. Keeping them here, each with
what it depends on, means a Textual upgrade is checked against this module alone, and
tests/test_textual_compat.py fails naming whichever detail changed.
"""

from __future__ import annotations

from typing import TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.geometry import Size
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.widget import Widget
from textual.widgets import Footer, Tree
from textual.widgets._footer import FooterKey
from textual.widgets._header import HeaderTitle
from textual.widgets.tree import TreeNode

__all__ = [
    "HeaderTitle",  # the Header's title line; Textual exports it only from textual.widgets._header
    "QuietFooter",  # the Header's title line; Textual exports it only from textual.widgets._header
    "relabel_node_quietly",
    "set_sub_title_quietly",
    "set_virtual_size_quietly",
    "update_scrollbars",
]

NodeData = TypeVar("NodeData")


def update_scrollbars(widget: Widget) -> None:
    """Fits the widget's scroll bars (and its scroll offset) to its current virtual size.

    What Textual does itself when a widget is resized; paperdeck needs it after changing a
    scroll range without the layout that would otherwise do it. Depends on the private
    `Widget._scroll_update(virtual_size)`.
    """
    widget._scroll_update(widget.virtual_size)


def set_virtual_size_quietly(widget: ScrollView, size: Size) -> None:
    """Sets a scroll view's scroll range without asking the screen for a new layout.

    Assigning `virtual_size` lays out the whole screen (70 ms on a cursor move in the detail
    pane) though only this widget's scroll range changed. Depends on `virtual_size` being a
    `Reactive` declared on Widget (whose `layout=True` is what `set_reactive` skips), and on
    the private `Widget._scroll_update` (see `update_scrollbars`).
    """
    widget.set_reactive(ScrollView.virtual_size, size)
    update_scrollbars(widget)


def relabel_node_quietly(tree: Tree[NodeData], node: TreeNode[NodeData], label: Text) -> None:
    """Gives a tree node a new label and repaints the node's own line, now.

    `TreeNode.set_label` repaints every visible line under the node (a year's is most of the
    tree, about 10 ms a frame), and only on the tree's next turn, a frame after the key press
    that changed the label. Depends on the private `TreeNode._label`, which holds the label
    as `Tree.process_label` made it and is what `TreeNode.label` returns and the tree renders.
    """
    node._label = tree.process_label(label)
    node.refresh()


def set_sub_title_quietly(screen: Screen[object], text: str) -> None:
    """Sets the screen's sub-title without running its watchers.

    Textual's Header watches `Screen.sub_title` and updates its title with a layout of the
    whole screen (30 ms at 120×40 for one changed line); paperdeck's header repaints its own
    line instead. Depends on `Screen.sub_title` being a `Reactive` that `set_reactive`
    accepts, and on `Header.format_title` reading it back.
    """
    screen.set_reactive(Screen.sub_title, text)


class QuietFooter(Footer):
    """Textual's Footer, made without restyling each of its keys twice.

    Each `FooterKey` starts compact (its `compact` reactive defaults to True, which adds the
    `-compact` class when it is mounted) and is then bound to the Footer's own `compact`
    (False): two restyles of every key, each time the Footer is made, which it is whenever a
    screen opens, closes or its keys change (90 restyles, 50 ms, on opening triage). Each key
    here starts as the Footer is (but the palette's, which is not bound). Depends on the
    private `FooterKey`, its `compact` reactive and the `-command-palette` class of the
    palette's key, and on `Footer.compose` yielding the keys.
    """

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            # The palette's key is not bound to the Footer's `compact`: it stays as it starts.
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget
