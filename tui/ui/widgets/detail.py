"""The detail pane: everything known about the paper under the cursor, shown literally."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.style import Style
from rich.text import Text
from textual.binding import Binding

from tui.cite import is_web_url, web_links
from tui.model import Paper
from tui.safe_text import visible
from tui.settings import LANGUAGE_NAMES
from tui.state.paper_state import PaperState
from tui.ui.widgets.paper_list import PAPER_BINDINGS
from tui.ui.widgets.text_pane import TextPane
from tui.watching import Watcher

_AUTHORS_SHOWN = 12
# The keys that go to the similar papers (`reader_taste.SIMILAR_KEYS`), as the detail names them.
SIMILAR_KEY_LABELS = "!@#$%"


class PaperDetail(TextPane):
    """Title, authors, dates, tags, commentary, abstract, links and note of one paper."""

    BINDINGS = [Binding("L", "screen.cycle_language", "Language"), *PAPER_BINDINGS]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("No paper in this view.", style="italic"), id=id)

    def show(
        self,
        paper: Paper | None,
        state: PaperState,
        language: str,
        *,
        card: str | None = None,
        similar: Sequence[tuple[str, bool]] = (),
        for_you: str | None = None,
        watcher: Watcher | None = None,
    ) -> None:
        """See `render_detail`."""
        if paper is None:
            self.show_text(Text("No paper in this view.", style="italic"))
        else:
            detail = render_detail(paper, state, language, card=card, similar=similar, for_you=for_you, watcher=watcher)
            self.show_text(detail)


def render_detail(
    paper: Paper,
    state: PaperState,
    language: str,
    *,
    card: str | None = None,
    similar: Sequence[tuple[str, bool]] = (),
    for_you: str | None = None,
    watcher: Watcher | None = None,
    brief: bool = False,
) -> Text:
    """The detail of a paper as Rich Text built from plain strings: no markup is ever parsed.

    `brief` (triage's card) leaves out links and related papers, and the abstract when there
    is commentary.

    `card` says where the paper stands in the review deck ("card due in 3d"), if it is there;
    the watched items it matches are named, and their words and names underlined. `for_you`
    says why the for-you order puts it where it does. `similar` are the titles of the papers
    like it, each with whether the vault's notes link the two; the keys `!@#$%` go to them.
    """
    text = Text()
    links = web_links(paper)
    # The title and each web link are OSC 8 hyperlinks (a click opens them, in a terminal that
    # knows them); only http(s), as `o` allows: a javascript: or file: link stays plain text.
    text.append(visible(paper.title), style=Style(bold=True, link=links[0]) if links else "bold")
    text.append("\n")
    authors = list(paper.authors)
    if authors:
        shown = ", ".join(authors[:_AUTHORS_SHOWN])
        more = len(authors) - _AUTHORS_SHOWN
        text.append(visible(shown + (f", and {more} more" if more > 0 else "")), style="italic")
        text.append("\n")
    elif paper.org or paper.authors_count:
        parts = [p for p in (paper.org, _authors(paper.authors_count) if paper.authors_count else None) if p]
        text.append(visible(" · ".join(parts)), style="italic")
        text.append("\n")
    facts = []
    if paper.digest_dates:
        facts.append(seen_in(paper.digest_dates))
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
    watched = watcher.matches(paper, state) if watcher else []
    if watched:
        text.append("◆ watched: ", style="bold")
        text.append(visible(" · ".join(item.label for item in watched)))
        text.append("\n")
    if paper.tags or state.tags:
        for tag in paper.tags:
            text.append(visible(f"#{tag}"), style="bold")
            text.append(" ")
        for tag in state.tags:
            text.append(visible(f"+{tag}"), style="italic underline")
            text.append(" ")
        text.append("\n")
    if for_you:
        text.append("For you: ", style="bold")
        text.append(visible(for_you))
        text.append("\n")
    if paper.auto_tags:
        # Keywords a machine chose: told apart from the tags people gave by their look and label.
        text.append("automatic: ", style="dim")
        text.append(visible(" ".join(f"~{tag}" for tag in paper.auto_tags)), style="dim italic")
        text.append("\n")
    text.append("\n")
    _append_commentary(text, paper, language)
    if paper.abstract and not (brief and (paper.has_commentary or paper.commentary_machine)):
        text.append("Abstract\n", style="bold underline")
        text.append(visible(paper.abstract))
        text.append("\n\n")
    if similar and not brief:
        text.append("Similar papers", style="bold underline")
        text.append(f"  {SIMILAR_KEY_LABELS[: len(similar)]} go to one · R for more\n", style="dim")
        for label, (title, linked) in zip(SIMILAR_KEY_LABELS, similar, strict=False):
            text.append(f"{label} ", style="bold")
            text.append(visible(title))
            if linked:
                text.append("  linked in your notes", style="dim italic")
            text.append("\n")
        text.append("\n")
    if paper.links and not brief:
        text.append("Links\n", style="bold underline")
        for link in paper.links:
            text.append(visible(link), style=Style(underline=True, link=link) if is_web_url(link) else "underline")
            text.append("\n")
        text.append("\n")
    if state.note:
        text.append("Your note\n", style="bold underline")
        text.append(visible(state.note))
        text.append("\n")
    if watched and watcher is not None:
        _underline_watched(text, paper, watcher)
    return text


def _authors(count: int) -> str:
    return "1 author" if count == 1 else f"{count} authors"


def seen_in(days: Sequence[date]) -> str:
    """When a paper appeared: `digest 2025-06-11`, or `first seen 2025-06-02, also in 3 digests`."""
    first = min(days)
    if len(days) == 1:
        return f"digest {first.isoformat()}"
    others = len(days) - 1
    return f"first seen {first.isoformat()}, also in {others} digest{'s' if others > 1 else ''}"


def _underline_watched(text: Text, paper: Paper, watcher: Watcher) -> None:
    plain = text.plain
    for start, end in watcher.spans(plain):
        text.stylize("bold underline", start, end)
    for name in paper.authors:
        if watcher.is_watched_author(name):
            at = plain.find(visible(name))
            if at >= 0:
                text.stylize("bold underline", at, at + len(visible(name)))


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
