"""Watched authors, words and tags: which papers each one matches, and where in a title.

A word matches where a word starts (`diffusion` finds "Diffusion" and "diffusions", not
"rediffusion"), in title, abstract and commentary, in any script and case; an author matches
a name in the paper's authors exactly (case and spacing aside); a tag matches the digest's
tags and the user's own. Pure: the reader and the command line ask it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from tui.library.merge import Library, papers_among
from tui.model import Paper
from tui.query import Matcher, Query
from tui.state.paper_state import PaperState
from tui.state.user_lists import WatchItem


def _name(text: str) -> str:
    return " ".join(text.split()).casefold()


def word_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern finding any of the words where a word starts, longest first; None for none."""
    words = sorted({word for word in words if word}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + ")", re.IGNORECASE)


class Watcher:
    """A watch list, ready to match papers."""

    def __init__(self, items: Sequence[WatchItem]) -> None:
        self.items = tuple(items)
        self._words = {item.value: item for item in self.items if item.kind == "word"}
        self._authors = {item.value.casefold(): item for item in self.items if item.kind == "author"}
        self._tags = {item.value: item for item in self.items if item.kind == "tag"}
        self._pattern = word_pattern(self._words)
        # Matching looks in the case-folded texts, as the search does, for every position where
        # some word starts (a zero-width look-ahead, so that "diff" is found inside a match of
        # "diffusion", and "learning" inside one of "deep learning"); each match is then one of
        # the words exactly. Matching case-insensitively in the texts as written would find
        # "İstanbul" for "istanbul", whose case-folded form is neither that word nor held by
        # the search text the library's search looks in.
        words = sorted(self._words, key=len, reverse=True)
        self._starts = re.compile(r"(?<!\w)(?=" + "|".join(map(re.escape, words)) + ")") if words else None

    def __bool__(self) -> bool:
        return bool(self.items)

    def matches(self, paper: Paper, state: PaperState) -> list[WatchItem]:
        """The items the paper matches, in watch-list order."""
        found: set[WatchItem] = set()
        if self._authors:
            found.update(item for name in paper.authors if (item := self._authors.get(_name(name))))
        if self._tags:
            found.update(item for tag in (*paper.tags, *state.tags) if (item := self._tags.get(tag)))
        if self._starts is not None:
            for text in (paper.title, paper.abstract, paper.commentary_ko, paper.commentary_en):
                folded = text.casefold()
                for match in self._starts.finditer(folded):
                    at = match.start()
                    found.update(item for word, item in self._words.items() if folded.startswith(word, at))
        return [item for item in self.items if item in found]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the watched words are in `text` (a title): (start, end) pairs, in order."""
        if self._pattern is None:
            return []
        return [match.span() for match in self._pattern.finditer(text)]

    def is_watched_author(self, name: str) -> bool:
        return _name(name) in self._authors

    def papers_of(
        self,
        item: WatchItem,
        library: Library,
        states: Callable[[str], PaperState],
        user_tags: Mapping[str, Sequence[str]],
    ) -> list[str]:
        """The library's papers `item` matches, in date order. Words and names are looked up
        in the library's search first, so only the papers holding them are read."""
        order = library.order
        if item.kind == "tag":
            tagged = set(library.by_tag.get(item.value, ())) | set(user_tags.get(item.value, ()))
            return [paper_id for paper_id in order if paper_id in tagged]
        needle = item.value.casefold() if item.kind == "word" else _name(item.value)
        candidates = Matcher(library, states).filter(order, Query(phrases=(needle,)))
        one = Watcher([item])
        known = papers_among(library.papers, candidates)
        blank = PaperState()
        return [i for i in candidates if i in known and one.matches(known[i], blank)]
