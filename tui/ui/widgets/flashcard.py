"""A paper as a flashcard: the front asks, the back answers; every digest text shown literally."""

from __future__ import annotations

import re

from rich.text import Text

from tui.model import Paper
from tui.safe_text import one_line, visible
from tui.state.paper_state import PaperState
from tui.ui.widgets.detail import LANGUAGE_NAMES

PROMPT = "What was the key idea?"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")


def first_sentences(text: str, count: int = 2, limit: int = 400) -> str:
    """The first `count` sentences of `text`, at most about `limit` characters."""
    sentences = _SENTENCE_END.split(" ".join(text.split()))
    shown = " ".join(sentences[:count])
    if len(shown) > limit:
        shown = shown[:limit].rsplit(" ", 1)[0] + "…"
    return shown


def render_front(paper: Paper, state: PaperState) -> Text:
    """Title, tags and digest date, then the question."""
    text = Text()
    text.append(visible(paper.title), style="bold")
    text.append("\n")
    tags = [f"#{tag}" for tag in paper.tags] + [f"+{tag}" for tag in state.tags]
    facts = []
    if paper.digest_dates:
        facts.append("digest " + paper.digest_dates[-1].isoformat())
    if tags:
        facts.append(" ".join(tags))
    if facts:
        text.append(one_line(" · ".join(facts)), style="dim")
        text.append("\n")
    text.append("\n")
    text.append(PROMPT, style="italic")
    return text


def render_back(paper: Paper, state: PaperState, language: str) -> Text:
    """The commentary in the chosen language (else a machine's summary, else the abstract's
    opening), then the note."""
    text = Text()
    wanted = ("ko", "en") if language == "both" else (language,)
    commentary = [(code, paper.commentary_ko if code == "ko" else paper.commentary_en) for code in wanted]
    commentary = [(code, words) for code, words in commentary if words]
    if commentary:
        for code, words in commentary:
            text.append(f"Commentary ({LANGUAGE_NAMES[code]})\n", style="bold underline")
            text.append(visible(words))
            text.append("\n\n")
    elif paper.has_commentary:
        other = paper.commentary_en or paper.commentary_ko
        text.append("Commentary (the other language; none in the one chosen)\n", style="bold underline")
        text.append(visible(other))
        text.append("\n\n")
    elif paper.commentary_machine:
        text.append("Summary (English, machine-written)\n", style="bold underline")
        text.append(visible(paper.commentary_machine))
        text.append("\n\n")
    elif paper.abstract:
        text.append("From the abstract\n", style="bold underline")
        text.append(visible(first_sentences(paper.abstract)))
        text.append("\n\n")
    else:
        text.append("No commentary and no abstract for this paper.\n\n", style="dim italic")
    if state.note:
        text.append("Your note\n", style="bold underline")
        text.append(visible(state.note))
        text.append("\n")
    text.rstrip()
    return text
