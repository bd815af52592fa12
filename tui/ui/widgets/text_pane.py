"""A pane of wrapped Rich text that scrolls: the detail's and the triage card's body."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.ui.textual_compat import set_virtual_size_quietly


class TextPane(ScrollView, can_focus=True):
    """Rich Text wrapped to the pane's width, repainted line by line.

    A Line API widget: showing another text re-wraps it and repaints this pane only, where
    a Static would ask the whole screen for a new layout on every cursor move.
    """

    DEFAULT_CSS = """
    TextPane {
        padding: 0 1;
        background: $surface;
        overflow-x: hidden;
        /* Always shown: a scroll bar that comes and goes with the text's length would lay
           the whole screen out again on the key press that changed it. */
        overflow-y: scroll;
    }
    """

    def __init__(self, text: Text | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = text if text is not None else Text()
        self._strips: list[Strip] = []
        self._blank = Strip.blank(0)
        self._wrapped_width = -1

    @property
    def text(self) -> str:
        """The pane's content as plain text."""
        return self._text.plain

    def show_text(self, text: Text) -> None:
        """Shows `text` from its top."""
        self._text = text
        self._wrap()
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            self._strips = []
            return
        console = self.app.console
        base = self.rich_style
        # Styled and padded to width once here, by Rich as it wraps, not on every repaint of
        # every line (nor through two more Strips a line: a new paper is wrapped on every
        # cursor move).
        lines = console.render_lines(self._text, console.options.update_width(width), style=base, pad=True)
        self._strips = [Strip(line, width) for line in lines]
        self._blank = Strip.blank(width, base)
        self._wrapped_width = width
        self._set_scroll_range()

    def _set_scroll_range(self) -> None:
        region = self.scrollable_content_region
        # At least the pane's height: a shorter text leaves the (always shown) scroll bar an
        # empty track rather than a thumb the height of the pane.
        size = Size(region.width, max(len(self._strips), region.height))
        if size != self.virtual_size:
            # Assigning virtual_size asks the whole screen for a new layout (70 ms on a
            # cursor move), though only this pane's scroll range changed.
            set_virtual_size_quietly(self, size)

    def on_resize(self) -> None:
        if self.scrollable_content_region.width != self._wrapped_width:
            self._wrap()
        else:
            self._set_scroll_range()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._wrapped_width = -1  # a new theme: style the lines anew

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self._wrapped_width != width:
            self._wrap()
        index = self.scroll_offset.y + y
        if not 0 <= index < len(self._strips):
            return self._blank
        return self._strips[index]
