"""Filtering the library: the `/` query language and the views the navigation tree offers.

    words             every word must appear in title, authors, abstract or commentary
    "exact phrase"    the phrase must appear as written (case-insensitive)
    tag:rl            the paper carries the tag (digest or user tag)
    unread, starred, due
    after:2025-06-01  digest date on or after; before:2025-07-01 strictly before

Matching is case-insensitive for every script, Korean included. Pure: no Textual, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from tui.library import Library
from tui.model import Paper
from tui.store import PaperState

_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_FLAGS = ("unread", "starred", "due", "read")
_BLANK_STATE = PaperState()


class QueryError(ValueError):
    """A query that cannot be understood; the message says which part."""


@dataclass(frozen=True)
class Query:
    """A parsed `/` filter."""

    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    flags: frozenset[str] = field(default_factory=frozenset)
    after: date | None = None
    before: date | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases or self.tags or self.flags or self.after or self.before)

    @property
    def texts(self) -> tuple[str, ...]:
        """Everything that must appear in a paper's text."""
        return self.words + self.phrases

    def narrows(self, wider: Query) -> bool:
        """Whether every paper this query keeps is also kept by `wider`.

        So when typing adds letters or conditions, filtering can start from the papers the
        previous query kept instead of the whole view.
        """
        return (
            set(wider.tags) <= set(self.tags)
            and wider.flags <= self.flags
            and wider.after in (None, self.after)
            and wider.before in (None, self.before)
            and all(any(text in mine for mine in self.texts) for text in wider.texts)
        )


def parse_query(text: str) -> Query:
    words: list[str] = []
    phrases: list[str] = []
    tags: list[str] = []
    flags: set[str] = set()
    after = before = None
    for match in _TOKEN.finditer(text):
        phrase, token = match.groups()
        if phrase is not None:
            if phrase.strip():
                phrases.append(phrase.casefold())
            continue
        lowered = token.casefold()
        key, colon, value = lowered.partition(":")
        if colon and key == "tag" and value:
            tags.append(value.lstrip("#"))
        elif colon and key in ("after", "before") and value:
            day = _parse_day(value, token)
            after, before = (day, before) if key == "after" else (after, day)
        elif lowered in _FLAGS:
            flags.add(lowered)
        elif lowered.startswith("#") and len(lowered) > 1:
            tags.append(lowered[1:])
        else:
            words.append(lowered)
    return Query(tuple(words), tuple(phrases), tuple(tags), frozenset(flags), after, before)


def _parse_day(value: str, token: str) -> date:
    try:
        parts = [int(part) for part in value.split("-")]
        if len(parts) == 1:
            return date(parts[0], 1, 1)
        if len(parts) == 2:
            return date(parts[0], parts[1], 1)
        return date(*parts)
    except (ValueError, TypeError):
        raise QueryError(f"{token}: dates are written 2025-06-01 (or 2025-06, 2025)") from None


def haystack(paper: Paper) -> str:
    """The text `/` searches in, case-folded once."""
    parts = (paper.title, " ".join(paper.authors), paper.org or "", paper.abstract, paper.commentary_ko, paper.commentary_en)
    return "\n".join(parts).casefold()


@dataclass
class Matcher:
    """Decides which papers a query keeps, with what it needs from the library and the store."""

    library: Library
    states: Callable[[str], PaperState]
    due: Callable[[str], bool] = lambda _paper_id: False
    _haystacks: dict[str, str] = field(default_factory=dict)

    def text_of(self, paper: Paper) -> str:
        text = self._haystacks.get(paper.id)
        if text is None:
            text = self._haystacks[paper.id] = haystack(paper)
        return text

    def forget_texts(self) -> None:
        """Drops the prepared search texts (the papers' text changed)."""
        self._haystacks = {}

    def keeps(self, paper: Paper, query: Query) -> bool:
        if query.after and not any(day >= query.after for day in paper.digest_dates):
            return False
        if query.before and not any(day < query.before for day in paper.digest_dates):
            return False
        state = self.states(paper.id) if (query.flags or query.tags) else _BLANK_STATE
        if "unread" in query.flags and state.read:
            return False
        if "read" in query.flags and not state.read:
            return False
        if "starred" in query.flags and not state.starred:
            return False
        if "due" in query.flags and not self.due(paper.id):
            return False
        for tag in query.tags:
            if tag not in paper.tags and tag not in state.tags:
                return False
        if query.texts:
            text = self.text_of(paper)
            return all(needle in text for needle in query.texts)
        return True

    def filter(self, paper_ids: Iterable[str], query: Query) -> list[str]:
        """The ids, in their order, of the papers the query keeps."""
        if query.is_empty:
            return list(paper_ids)
        papers = self.library.papers
        return [paper_id for paper_id in paper_ids if self.keeps(papers[paper_id], query)]
