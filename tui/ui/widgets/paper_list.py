"""The paper list: one row per paper, virtualised so that 100,000 rows cost what the screen shows.

Built on Textual's Line API (a `ScrollView` with `render_line`): only visible rows are
rendered, and rendered rows are cached until their paper's state or the width changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.model import Paper
from tui.safe_text import one_line
from tui.state.paper_state import PaperState
from tui.ui.textual_compat import set_virtual_size_quietly
from tui.watching import Watcher

_DATE_WIDTH = len("2025-06-11")
# What can be done to the paper under the cursor: actions of the reader screen, shown in the
# Footer while the list or the detail has focus (the keys work from every pane).
PAPER_BINDINGS = (
    Binding("r", "screen.toggle_read", "Read"),
    Binding("s", "screen.toggle_star", "Star"),
    Binding("a", "screen.toggle_card", "Card"),
    Binding("t", "screen.edit_tags", "Tags"),
    Binding("n", "screen.edit_note", "Note"),
    Binding("c", "screen.copy", "Copy"),
    Binding("o", "screen.open_link", "Open link"),
)
_TAGS_MAX_WIDTH = 24
# Tags show after the title only when this much of the row is left over.
_TAGS_MIN_WIDTH = 6
_UPVOTES_WIDTH = len("▲ 1234 ")
# The marks before a title: unread dot and space, star, watched, space.
_MARKS_WIDTH = 5


class PaperList(ScrollView, can_focus=True):
    """The papers of the current view, newest first; the cursor row is the paper shown."""

    DEFAULT_CSS = """
    PaperList {
        background: $surface;
        overflow-x: hidden;
        /* Always shown: a scroll bar that comes and goes as views grow and shrink would
           lay the whole screen out again, and change the rows' width. */
        overflow-y: scroll;
    }
    PaperList > .paper-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    PaperList:blur > .paper-list--cursor {
        background: $panel;
        color: $foreground;
    }
    PaperList > .paper-list--unread { text-style: bold; }
    PaperList > .paper-list--read { color: $text-muted; }
    PaperList > .paper-list--star { color: $warning; text-style: not bold; }
    PaperList > .paper-list--tags { color: $secondary; text-style: not bold; }
    PaperList > .paper-list--date { color: $text-muted; text-style: not bold; }
    PaperList > .paper-list--watched { color: $accent; }
    PaperList > .paper-list--match { color: $accent; text-style: underline; }
    """
    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--unread",
        "paper-list--read",
        "paper-list--star",
        "paper-list--tags",
        "paper-list--date",
        "paper-list--watched",
        "paper-list--match",
    }
    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False),
        Binding("k,up", "cursor_up", "Up", show=False),
        Binding("g,home", "first", "First", show=False),
        Binding("G,end", "last", "Last", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("enter", "open", "Open"),
        *PAPER_BINDINGS,
        Binding("A", "screen.mark_all_read", "All read"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Opened(Message):
        """The user opened the paper under the cursor (Enter or double click)."""

        def __init__(self, paper_id: str) -> None:
            super().__init__()
            self.paper_id = paper_id

    def __init__(
        self,
        papers: dict[str, Paper],
        state_of: Callable[[str], PaperState],
        *,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id)
        self._papers = papers
        self._state_of = state_of
        self.paper_ids: list[str] = []
        # A few screens of rows: enough for moving and paging back and forth. Each cached
        # Strip is a score of objects (its own caches, the crops Textual keeps in them) that
        # the garbage collector walks on every full collection in the middle of some key
        # press: a thousand rows made those collections 40 ms, where 160 make them 15 ms.
        self._rows: LRUCache[tuple[str, int, bool, PaperState], Strip] = LRUCache(160)
        self._styles: dict[tuple[bool, bool], tuple[Style, ...]] = {}
        self._watcher = Watcher(())
        self._show_upvotes = False

    def look(self, *, watcher: Watcher | None = None, upvotes: bool | None = None) -> None:
        """What the rows show besides title and date: watched items marked (and their words
        in titles), and an upvotes column (when sorted by upvotes)."""
        if watcher is not None:
            self._watcher = watcher
        if upvotes is not None:
            self._show_upvotes = upvotes
        self._rows.clear()
        self.refresh()

    # --- content ---------------------------------------------------------------------------

    def show(self, paper_ids: list[str], keep: str | None = None) -> None:
        """Shows these papers; the cursor stays on `keep` if it is among them, else goes to the top."""
        self.paper_ids = paper_ids
        self._set_virtual_height(len(paper_ids))
        position = 0
        if keep is not None:
            try:
                position = paper_ids.index(keep)
            except ValueError:
                position = 0
        self.cursor = min(position, max(len(paper_ids) - 1, 0))
        self.refresh()

    def use_papers(self, papers: Mapping[str, Paper]) -> None:
        """Takes the papers of a new library; the next `show` lists from them."""
        self._papers = papers
        self._rows.clear()  # a paper seen again may have new tags

    @property
    def current(self) -> str | None:
        if 0 <= self.cursor < len(self.paper_ids):
            return self.paper_ids[self.cursor]
        return None

    def refresh_paper(self, paper_id: str) -> None:
        """Redraws one paper's row after its state changed."""
        try:
            index = self.paper_ids.index(paper_id) if self.current != paper_id else self.cursor
        except ValueError:
            return
        self.refresh_line(index - self.scroll_offset.y)

    # --- cursor ----------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.paper_ids) - 1)) if self.paper_ids else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old - self.scroll_offset.y)
        self.refresh_line(new - self.scroll_offset.y)
        self._scroll_cursor_into_view()

    def _scroll_cursor_into_view(self) -> None:
        top = self.scroll_offset.y
        height = max(self.scrollable_content_region.height, 1)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.paper_ids) - 1

    def action_page_down(self) -> None:
        self.cursor += max(self.scrollable_content_region.height - 1, 1)

    def action_page_up(self) -> None:
        self.cursor -= max(self.scrollable_content_region.height - 1, 1)

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self.current))

    def on_click(self, event: Click) -> None:
        row = self.scroll_offset.y + event.y
        if 0 <= row < len(self.paper_ids):
            self.cursor = row
            if event.chain >= 2:
                self.action_open()

    # --- rendering -------------------------------------------------------------------------

    def on_resize(self) -> None:
        self._set_virtual_height(len(self.paper_ids))
        self._rows.clear()

    def _set_virtual_height(self, rows: int) -> None:
        region = self.scrollable_content_region
        # At least the list's height: a short view leaves the (always shown) scroll bar an
        # empty track rather than a thumb the height of the list.
        size = Size(region.width, max(rows, region.height))
        if size != self.virtual_size:
            # Assigning virtual_size would ask the whole screen for a new layout, though only
            # this list's scroll range changed.
            set_virtual_size_quietly(self, size)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._rows.clear()
        self._styles.clear()

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if not 0 <= index < len(self.paper_ids):
            return Strip.blank(width, self.rich_style)
        paper_id = self.paper_ids[index]
        is_cursor = index == self.cursor
        state = self._state_of(paper_id)
        key = (paper_id, width, is_cursor, state)
        strip = self._rows.get(key)
        if strip is None:
            paper = self._papers.get(paper_id)
            if paper is None:
                # Gone from the library index since this list was filled (another paperdeck, a
                # digest removed): a blank row until the new library arrives, a moment later.
                return Strip.blank(width, self.rich_style)
            strip = self._render_row(paper, state, width, is_cursor)
            self._rows[key] = strip
        return strip

    def _render_row(self, paper: Paper, state: PaperState, width: int, is_cursor: bool) -> Strip:
        plain, star, tag_style, date_style, watched_style, match_style = self._row_styles(state.read, is_cursor)
        day = paper.digest_dates[-1] if paper.digest_dates else None
        watcher = self._watcher
        watched = bool(watcher) and bool(watcher.matches(paper, state))
        upvotes = f"▲ {paper.upvotes}" if self._show_upvotes and paper.upvotes is not None else ""
        fixed = _MARKS_WIDTH + 1 + _DATE_WIDTH + (_UPVOTES_WIDTH if self._show_upvotes else 0)
        # The title gets the room first, whole if it fits; tags take what is left over (at
        # most a fifth of the row), and the detail shows them all in any case.
        title = one_line(paper.title)
        title_room = max(width - fixed, 8)
        title_width = min(cell_len(title), title_room)
        left_over = title_room - title_width - 1
        tags = ""
        if left_over >= _TAGS_MIN_WIDTH:
            tag_text = one_line(" ".join(f"#{tag}" for tag in (*paper.tags, *state.tags)))
            tags = _fit(tag_text, min(_TAGS_MAX_WIDTH, left_over, max(width // 5, _TAGS_MIN_WIDTH))) if tag_text else ""
        # Segments made directly, every one measured: a page of rows is painted within a key
        # press, and going through rich Text costs three times as much.
        segments = [
            Segment("  " if state.read else "● ", plain),
            Segment("★" if state.starred else " ", star),
            Segment("◆ " if watched else "  ", watched_style),
        ]
        shown_title = _fit(title, title_width)
        spans = watcher.spans(shown_title) if watched else []
        at = 0
        for start, end in spans:
            segments += [Segment(shown_title[at:start], plain), Segment(shown_title[start:end], match_style)]
            at = end
        segments.append(Segment(shown_title[at:], plain))
        used = _MARKS_WIDTH + cell_len(shown_title)
        if tags:
            segments += [Segment(" ", plain), Segment(tags, tag_style)]
            used += 1 + cell_len(tags)
        gap = max(width - used - (fixed - _MARKS_WIDTH), 0)
        segments.append(Segment(" " * gap, plain))
        if self._show_upvotes:
            segments.append(Segment(upvotes.rjust(_UPVOTES_WIDTH - 1) + " ", date_style))
        segments += [Segment(" ", plain), Segment(_date_text(day), date_style)]
        return Strip(segments).crop_extend(0, width, plain)

    def _row_styles(self, read: bool, is_cursor: bool) -> tuple[Style, ...]:
        """Plain, star, tags, date, watched mark and watched words styles of a row, made once per theme."""
        styles = self._styles.get((read, is_cursor))
        if styles is None:
            # Full (not partial) component styles, so that colours with alpha such as
            # $text-muted are blended with the background as the theme intends.
            style = self.get_component_rich_style
            base = style("paper-list--read" if read else "paper-list--unread")
            cursor = style("paper-list--cursor") if is_cursor else Style()
            parts = ("star", "tags", "date", "watched", "match")
            styles = (base + cursor, *(base + style(f"paper-list--{part}") + cursor for part in parts))
            self._styles[(read, is_cursor)] = styles
        return styles


def _fit(text: str, width: int) -> str:
    """`text` cut to `width` terminal cells, with an ellipsis; wide (CJK) characters count twice."""
    if cell_len(text) <= width:
        return text
    out = []
    used = 0
    for char in text:
        char_width = cell_len(char)
        if used + char_width > width - 1:
            break
        out.append(char)
        used += char_width
    return "".join(out) + "…"


def _date_text(day: date | None) -> str:
    return day.isoformat() if day else " " * _DATE_WIDTH
