"""The detail pane: everything known about the paper under the cursor, shown literally."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.model import Paper
from tui.safe_text import visible
from tui.settings import LANGUAGE_NAMES
from tui.state.paper_state import PaperState
from tui.ui.textual_compat import set_virtual_size_quietly
from tui.ui.widgets.paper_list import PAPER_BINDINGS

_AUTHORS_SHOWN = 12


class PaperDetail(ScrollView, can_focus=True):
    """Title, authors, dates, tags, commentary, abstract, links and note of one paper.

    A Line API widget: showing another paper re-wraps its text and repaints this pane only,
    where a Static would ask the whole screen for a new layout on every cursor move.
    """

    DEFAULT_CSS = """
    PaperDetail {
        padding: 0 1;
        background: $surface;
        overflow-x: hidden;
        /* Always shown: a scroll bar that comes and goes with the paper's length would lay
           the whole screen out again on the key press that changed papers. */
        overflow-y: scroll;
    }
    """

    BINDINGS = [Binding("l", "screen.cycle_language", "Language"), *PAPER_BINDINGS]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text("No paper in this view.", style="italic")
        self._strips: list[Strip] = []
        self._blank = Strip.blank(0)
        self._wrapped_width = -1

    @property
    def text(self) -> str:
        """The pane's content as plain text."""
        return self._text.plain

    def show(
        self,
        paper: Paper | None,
        state: PaperState,
        language: str,
        *,
        card: str | None = None,
        related: Sequence[str] = (),
    ) -> None:
        """`related` are the titles of the papers related to this one (R goes to one)."""
        if paper is None:
            self._text = Text("No paper in this view.", style="italic")
        else:
            self._text = render_detail(paper, state, language, card=card, related=related)
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


def render_detail(
    paper: Paper, state: PaperState, language: str, *, card: str | None = None, related: Sequence[str] = ()
) -> Text:
    """The detail of a paper as Rich Text built from plain strings: no markup is ever parsed.

    `card` says where the paper stands in the review deck ("card due in 3d"), if it is there.
    """
    text = Text()
    text.append(visible(paper.title), style="bold")
    text.append("\n")
    authors = list(paper.authors)
    if authors:
        shown = ", ".join(authors[:_AUTHORS_SHOWN])
        more = len(authors) - _AUTHORS_SHOWN
        text.append(visible(shown + (f", and {more} more" if more > 0 else "")), style="italic")
        text.append("\n")
    elif paper.org or paper.authors_count:
        parts = [p for p in (paper.org, f"{paper.authors_count} authors" if paper.authors_count else None) if p]
        text.append(visible(" · ".join(parts)), style="italic")
        text.append("\n")
    facts = []
    if paper.digest_dates:
        facts.append("digest " + ", ".join(day.isoformat() for day in paper.digest_dates))
    if paper.published:
        facts.append(f"published {paper.published.isoformat()}")
    if paper.upvotes is not None:
        facts.append(f"▲ {paper.upvotes}")
    facts.append("read" if state.read else "unread")
    if state.starred:
        facts.append("★ starred")
    if card:
        facts.append(card)
    text.append(" · ".join(facts), style="dim")
    text.append("\n")
    if paper.tags or state.tags:
        for tag in paper.tags:
            text.append(visible(f"#{tag}"), style="bold")
            text.append(" ")
        for tag in state.tags:
            text.append(visible(f"+{tag}"), style="italic underline")
            text.append(" ")
        text.append("\n")
    if paper.auto_tags:
        # Keywords a machine chose: told apart from the tags people gave by their look and label.
        text.append("automatic: ", style="dim")
        text.append(visible(" ".join(f"~{tag}" for tag in paper.auto_tags)), style="dim italic")
        text.append("\n")
    text.append("\n")
    _append_commentary(text, paper, language)
    if paper.abstract:
        text.append("Abstract\n", style="bold underline")
        text.append(visible(paper.abstract))
        text.append("\n\n")
    if related:
        text.append("Related", style="bold underline")
        text.append("  R goes to one\n", style="dim")
        for title in related:
            text.append(visible(f"· {title}"))
            text.append("\n")
        text.append("\n")
    if paper.links:
        text.append("Links\n", style="bold underline")
        for link in paper.links:
            text.append(visible(link), style="underline")
            text.append("\n")
        text.append("\n")
    if state.note:
        text.append("Your note\n", style="bold underline")
        text.append(visible(state.note))
        text.append("\n")
    return text


def _append_commentary(text: Text, paper: Paper, language: str) -> None:
    if not paper.has_commentary:
        if paper.commentary_machine:
            _append_machine_summary(text, paper)
        else:
            text.append("No commentary for this paper; here is its abstract.\n\n", style="dim italic")
        return
    wanted = ("ko", "en") if language == "both" else (language,)
    parts = [(code, paper.commentary_ko if code == "ko" else paper.commentary_en) for code in wanted]
    for code, commentary in parts:
        text.append(f"Commentary ({LANGUAGE_NAMES[code]})\n", style="bold underline")
        if commentary:
            text.append(visible(commentary))
        else:
            text.append(f"No {LANGUAGE_NAMES[code]} commentary.", style="dim italic")
        text.append("\n\n")
    if paper.commentary_machine:
        _append_machine_summary(text, paper)


def _append_machine_summary(text: Text, paper: Paper) -> None:
    text.append("Summary (English, machine-written)\n", style="bold underline")
    text.append(visible(paper.commentary_machine), style="italic")
    text.append("\n\n")
