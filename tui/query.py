"""Filtering the library: the `/` query language and the views the navigation tree offers.

    words             every word must appear in title, authors, abstract or commentary
    "exact phrase"    the phrase must appear as written (case-insensitive)
    tag:rl            the paper carries the tag (digest or user tag)
    unread, read, starred, later, due
    after:2025-06-01  digest date on or after; before:2025-07-01 strictly before
    on:2025-06        a digest date in that year, month or day (on:2025, on:2025-06-11)

Matching is case-insensitive for every script, Korean included. Pure: no Textual, no I/O.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain

from tui.library.merge import Library, TextSearch, papers_among
from tui.model import Paper, search_text
from tui.state.paper_state import PaperState

_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_FLAGS = ("unread", "starred", "later", "due", "read")
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
    # The ISO prefix of a digest date the paper must have: "2025", "2025-06" or "2025-06-11".
    on: str | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases or self.tags or self.flags or self.after or self.before or self.on)

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
            and (wider.on is None or (self.on or "").startswith(wider.on))
            and all(any(text in mine for mine in self.texts) for text in wider.texts)
        )


def parse_query(text: str) -> Query:
    words: list[str] = []
    phrases: list[str] = []
    tags: list[str] = []
    flags: set[str] = set()
    after = before = None
    on = None
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
        elif colon and key == "on" and value:
            on = _parse_period(value, token)
        elif lowered in _FLAGS:
            flags.add(lowered)
        elif lowered.startswith("#") and len(lowered) > 1:
            tags.append(lowered[1:])
        else:
            words.append(lowered)
    return Query(tuple(words), tuple(phrases), tuple(tags), frozenset(flags), after, before, on)


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


def _parse_period(value: str, token: str) -> str:
    """`on:`'s year, month or day, as the ISO prefix its digest dates start with."""
    day = _parse_day(value, token)
    return day.isoformat()[: (4, 7, 10)[value.count("-")]]


haystack = search_text  # the text `/` searches in


# About a millisecond of str.find, and of asking papers one by one: a worker thread lets the
# UI thread have the interpreter between steps this size.
CHUNK_CHARS = 1 << 20
STEP_PAPERS = 2_000
# Search texts made one paper at a time and kept, at most (about 1.3 kB each).
KEPT_TEXTS = 20_000
# From this many papers, the library index's full-text search finds a query's words sooner
# than reading the papers and looking in each.
INDEX_SEARCH_FROM = 2_000


@dataclass(frozen=True)
class _Chunk:
    text: str  # the search texts of some papers, back to back
    starts: array  # where each paper's text starts in `text`, and where the last one ends
    ids: list[str]


class SearchText:
    """The search texts of many papers, joined a chunk of papers at a time.

    One str.find scans a chunk (about a million characters) in a millisecond, where asking
    each paper's text in turn costs a round of the interpreter per paper: filtering the whole
    library for a word goes from a third of a second to a tenth. A match counts only within
    one paper's text, so the papers found are exactly those whose own text holds the needle.
    ASCII texts and the others go to separate chunks: one Korean letter would make CPython
    store a whole chunk of English two bytes a character.
    """

    def __init__(self, texts: Iterable[tuple[str, str]]) -> None:
        """`texts` are (paper id, search text) pairs."""
        self.chunks: list[_Chunk] = []
        self._where: dict[str, tuple[_Chunk, int]] = {}
        pending: dict[bool, tuple[list[str], list[str], int]] = {}
        for paper_id, text in texts:
            narrow = text.isascii()
            ids, parts, size = pending.get(narrow) or ([], [], 0)
            ids.append(paper_id)
            parts.append(text)
            size += len(text) + 1
            if size >= CHUNK_CHARS:
                self._add_chunk(ids, parts)
                pending.pop(narrow, None)
            else:
                pending[narrow] = (ids, parts, size)
        for ids, parts, _size in pending.values():
            self._add_chunk(ids, parts)

    def _add_chunk(self, ids: list[str], parts: list[str]) -> None:
        starts = array("q", [0])
        for part in parts:
            starts.append(starts[-1] + len(part) + 1)  # and a newline between papers
        chunk = _Chunk("\n".join(parts), starts, ids)
        self.chunks.append(chunk)
        for index, paper_id in enumerate(ids):
            self._where[paper_id] = (chunk, index)

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._where

    def __len__(self) -> int:
        return len(self._where)

    def holds(self, paper_id: str, needle: str) -> bool:
        """Whether the paper's text holds `needle` (the paper must be in here)."""
        chunk, index = self._where[paper_id]
        return chunk.text.find(needle, chunk.starts[index], chunk.starts[index + 1] - 1) >= 0

    def prepare(self) -> None:
        """Nothing to make: the texts were joined when this was made."""

    def papers_with(self, needles: tuple[str, ...]) -> set[str]:
        """The papers whose text holds every needle (the `TextSearch` of an unindexed library)."""
        return {paper_id for chunk in self.chunks for paper_id in self.papers_with_in(chunk, needles)}

    def papers_with_in(self, chunk: _Chunk, needles: tuple[str, ...]) -> list[str]:
        """The papers of `chunk` whose text holds every needle."""
        first, rest = needles[0], needles[1:]
        size = len(first)
        starts, ids, find = chunk.starts, chunk.ids, chunk.text.find
        found: list[str] = []
        at = find(first)
        while at >= 0:
            index = bisect_right(starts, at) - 1
            start, after = starts[index], starts[index + 1]
            if at + size < after and (not rest or all(find(needle, start, after - 1) >= 0 for needle in rest)):
                found.append(ids[index])
            # On to the next paper, whether or not this one matched: a match starting later
            # in this paper's text cannot end within it if this one did not.
            at = find(first, after)
        return found


@dataclass
class Matcher:
    """Decides which papers a query keeps, with what it needs from the library and the store."""

    library: Library
    states: Callable[[str], PaperState]
    due: Callable[[str], bool] = lambda _paper_id: False
    _haystacks: dict[str, str] = field(default_factory=dict)
    _search: SearchText | None = None

    def text_of(self, paper: Paper) -> str:
        texts = self._haystacks
        text = texts.get(paper.id)
        if text is None:
            if len(texts) >= KEPT_TEXTS:
                texts.clear()  # views looked through one after another: keep the latest only
            text = texts[paper.id] = haystack(paper)
        return text

    def prepare(self) -> None:
        """Readies the library's search before the first filter (a worker's job): the index's
        map of paper numbers, or else the search text of every paper, joined for fast scans."""
        if self.library.search is not None:
            self.library.search.prepare()
            return
        search = SearchText((paper.id, haystack(paper)) for paper in self.library.papers.values())
        self._search = search
        self._haystacks = {}  # the joined texts hold them all

    def keeps(self, paper: Paper, query: Query) -> bool:
        return self._keeps_besides_texts(paper, query) and self._holds_texts(paper, query.texts)

    def _keeps_besides_texts(self, paper: Paper, query: Query) -> bool:
        for test_day in self._day_tests(query):
            if not any(map(test_day, paper.digest_dates)):
                return False
        state = self.states(paper.id) if (query.flags or query.tags) else _BLANK_STATE
        if "unread" in query.flags and state.read:
            return False
        if "read" in query.flags and not state.read:
            return False
        if "starred" in query.flags and not state.starred:
            return False
        if "later" in query.flags and not state.later:
            return False
        if "due" in query.flags and not self.due(paper.id):
            return False
        for tag in query.tags:
            if tag not in paper.tags and tag not in state.tags:
                return False
        return True

    def _holds_texts(self, paper: Paper, texts: tuple[str, ...]) -> bool:
        if not texts:
            return True
        search = self._search
        if search is not None and paper.id in search:
            return all(search.holds(paper.id, needle) for needle in texts)
        text = self.text_of(paper)
        return all(needle in text for needle in texts)

    def filter(self, paper_ids: Sequence[str], query: Query) -> list[str]:
        """The ids, in their order, of the papers the query keeps."""
        *_, kept = self.filter_in_steps(paper_ids, query)
        return kept  # type: ignore[return-value]

    def filter_in_steps(self, paper_ids: Sequence[str], query: Query) -> Iterator[list[str] | None]:
        """`filter` in steps of a few milliseconds: None after each step, then the ids kept.

        A worker thread gives the UI thread the interpreter between steps, and stops early
        when the query is already out of date.
        """
        if query.is_empty:
            yield list(paper_ids)
            return
        search = self.library.search or self._search
        if search is not None and query.texts and self._worth_searching_all(search, len(paper_ids)):
            found: set[str] = set()
            if isinstance(search, SearchText):
                for chunk in search.chunks:
                    found.update(search.papers_with_in(chunk, query.texts))
                    yield None
            else:
                found = search.papers_with(query.texts)  # SQLite lets other threads run meanwhile
                yield None
            keeps = self._keeps_besides_texts_by_id(query)
            kept: list[str] = []
            for start in range(0, len(paper_ids), STEP_PAPERS * 10):
                step = paper_ids[start : start + STEP_PAPERS * 10]
                kept += [i for i in step if i in found and keeps(i)]
                yield None
            yield kept
            return
        if not query.texts and len(paper_ids) > STEP_PAPERS:
            # No text to look at: dates and tags come from the library's indexes, states from
            # the store, and no paper needs to be read at all.
            keeps = self._keeps_besides_texts_by_id(query)
            kept = []
            for start in range(0, len(paper_ids), STEP_PAPERS * 10):
                kept += [i for i in paper_ids[start : start + STEP_PAPERS * 10] if keeps(i)]
                yield None
            yield kept
            return
        papers = self.library.papers
        kept = []
        for start in range(0, len(paper_ids), STEP_PAPERS):
            step = paper_ids[start : start + STEP_PAPERS]
            known = papers_among(papers, list(step))
            kept += [i for i in step if i in known and self.keeps(known[i], query)]
            yield None
        yield kept

    def _worth_searching_all(self, search: TextSearch, base: int) -> bool:
        """Whether finding the needles in every paper costs less than looking at the base's papers."""
        if isinstance(search, SearchText):
            # A word in a third of the library or more: scanning every chunk costs less than
            # asking those papers one by one.
            return base * 3 >= len(search)
        return base > INDEX_SEARCH_FROM

    def _keeps_besides_texts_by_id(self, query: Query) -> Callable[[str], bool]:
        """`_keeps_besides_texts` by paper id, from the library's date and tag indexes: no paper is read."""
        tests: list[Callable[[str], bool]] = []
        by_date = self.library.by_date
        for test_day in self._day_tests(query):
            tests.append(set(chain.from_iterable(ids for day, ids in by_date.items() if test_day(day))).__contains__)
        for tag in query.tags:
            digest_tagged = set(self.library.by_tag.get(tag, ()))
            tests.append(lambda i, tag=tag, tagged=digest_tagged: i in tagged or tag in self.states(i).tags)
        flags, states, due = query.flags, self.states, self.due
        if "unread" in flags:
            tests.append(lambda i: not states(i).read)
        if "read" in flags:
            tests.append(lambda i: states(i).read)
        if "starred" in flags:
            tests.append(lambda i: states(i).starred)
        if "later" in flags:
            tests.append(lambda i: states(i).later)
        if "due" in flags:
            tests.append(due)
        return lambda paper_id: all(test(paper_id) for test in tests)

    @staticmethod
    def _day_tests(query: Query) -> list[Callable[[date], bool]]:
        """One test per date condition; a paper passes one if any of its digest dates does."""
        tests: list[Callable[[date], bool]] = []
        if (after := query.after) is not None:
            tests.append(lambda day: day >= after)
        if (before := query.before) is not None:
            tests.append(lambda day: day < before)
        if (on := query.on) is not None:
            tests.append(lambda day: day.isoformat().startswith(on))
        return tests
