"""Format A: a researcher's daily notes, each paper with Korean and English commentary and tags.

    2025년 6월 11일
    Title
    (Author One, Author (Nick) Two)
    Abstract, one or more lines
    Korean commentary, one or more lines (a line is Korean when it holds Hangul)
    English commentary, usually as many lines as the Korean
    #tag #other-tag                      (may be missing)

A paper starts where a line is followed by an author line in one pair of parentheses; since
commentary can hold such a line too, the commentary's shape (as many English lines as Korean)
and the abstract that follows a real author line decide ambiguous cases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tui.model import DigestEntry, entry_id
from tui.parse.text import (
    Report,
    collapse_spaces,
    is_korean,
    is_tag_line,
    join_prose,
    links_with_arxiv,
    parse_tags,
)

_KOREAN_DATE = re.compile(
    r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일"
    r"(?:\s*\(?\s*[월화수목금토일](?:요일)?\s*\)?)?\.?"
)
_ISO_DATE = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})\.?")
# An abstract is prose: a line this long after an author line confirms a paper starts there.
_ABSTRACT_MIN_CHARS = 80


@dataclass(frozen=True, slots=True)
class DateLine:
    value: date | None  # None when the line has a date's shape but names no real day


def parse_date_line(line: str) -> DateLine | None:
    """`2025년 6월 11일` (or `2025-06-11`) alone on a line, else None."""
    if not line or not line[0].isdigit():
        return None
    match = _KOREAN_DATE.fullmatch(line) or _ISO_DATE.fullmatch(line)
    if match is None:
        return None
    try:
        return DateLine(date(*(int(part) for part in match.groups())))
    except ValueError:
        return DateLine(None)


def is_author_line(line: str) -> bool:
    return len(line) >= 2 and line[0] == "(" and line[-1] == ")"


def split_authors(line: str) -> tuple[tuple[str, ...], bool]:
    """`(Ann Lee, Wei (David) Chen)` -> (('Ann Lee', 'Wei (David) Chen'), balanced?)."""
    inner = line[1:-1]
    if "(" not in inner and ")" not in inner:
        return _clean_names(inner.split(",")), True
    names: list[str] = []
    depth = 0
    start = 0
    balanced = True
    for index, char in enumerate(inner):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                balanced = False
                depth = 0
        elif char == "," and depth == 0:
            names.append(inner[start:index])
            start = index + 1
    names.append(inner[start:])
    return _clean_names(names), balanced and depth == 0


def _clean_names(names: list[str]) -> tuple[str, ...]:
    cleaned = (collapse_spaces(name) for name in names)
    return tuple(name[4:] if name.startswith("and ") else name for name in cleaned if name)


class CommentaryParser:
    """Parses the lines of one Format A file; `parse()` returns its entries."""

    def __init__(self, lines: list[str], report: Report, fallback_date: date) -> None:
        self.lines = lines
        self.report = report
        self.fallback_date = fallback_date
        self.digest_date: date | None = None
        self.entries: list[DigestEntry] = []
        self._warned_undated = False

    def parse(self) -> list[DigestEntry]:
        lines = self.lines
        index = 0
        at_boundary = True  # just after a date line, a tag line or the start of the file
        while index < len(lines):
            line = lines[index]
            if not line:
                index += 1
                continue
            date_line = parse_date_line(line)
            if date_line is not None:
                self._set_date(index, date_line)
                at_boundary = True
                index += 1
            elif self._starts_paper(index):
                index = self._parse_paper(index, has_authors=True)
                at_boundary = True
            elif at_boundary and not is_tag_line(line) and not is_korean(line):
                self.report.warn(index + 1, "no author line in parentheses after this title; read it without")
                index = self._parse_paper(index, has_authors=False)
            else:
                self.report.warn(index + 1, f"text outside any paper, skipped: {_excerpt(line)}")
                index += 1
        return self.entries

    def _set_date(self, index: int, date_line: DateLine) -> None:
        if date_line.value is None:
            self.report.error(index + 1, f"no such date: {self.lines[index]}")
        else:
            self.digest_date = date_line.value

    def _next_nonblank(self, index: int) -> int:
        """Index of the first non-blank line at or after `index` (len(lines) if none)."""
        lines = self.lines
        while index < len(lines) and not lines[index]:
            index += 1
        return index

    def _author_line_after(self, index: int) -> int | None:
        following = self._next_nonblank(index + 1)
        if following < len(self.lines) and is_author_line(self.lines[following]):
            return following
        return None

    def _starts_paper(self, index: int) -> bool:
        # The author-line test rejects nearly every line, so it goes first.
        if self._author_line_after(index) is None:
            return False
        line = self.lines[index]
        return not (is_author_line(line) or is_tag_line(line) or parse_date_line(line) is not None)

    def _starts_paper_for_sure(self, index: int) -> bool:
        """A title, an author line and then a line long enough to be an abstract."""
        author_index = self._author_line_after(index)
        if author_index is None:
            return False
        following = self._next_nonblank(author_index + 1)
        if following >= len(self.lines):
            return True
        line = self.lines[following]
        return len(line) >= _ABSTRACT_MIN_CHARS and not is_korean(line)

    def _parse_paper(self, title_index: int, *, has_authors: bool) -> int:
        """Reads one paper starting at its title line; returns the index after it."""
        lines = self.lines
        title = collapse_spaces(lines[title_index])
        authors: tuple[str, ...] = ()
        index = title_index + 1
        if has_authors:
            author_index = self._author_line_after(title_index)
            assert author_index is not None
            authors, balanced = split_authors(lines[author_index])
            if not balanced:
                self.report.warn(author_index + 1, "unbalanced parentheses in the author list")
            index = author_index + 1

        body: list[str] = []  # the non-blank lines between the author line and the tags
        first_korean = -1  # index into body
        last_korean = -1
        tags: tuple[str, ...] = ()
        while index < len(lines):
            line = lines[index]
            if not line:
                index += 1
                continue
            if is_tag_line(line):
                tags = parse_tags(line)
                index += 1
                break
            if parse_date_line(line) is not None:
                break
            if self._starts_paper(index) and self._may_end_here(body, first_korean, last_korean, index):
                break
            if is_korean(line):
                if first_korean < 0:
                    first_korean = len(body)
                last_korean = len(body)
            body.append(line)
            index += 1

        abstract_lines, korean, english = _split_body(body, first_korean, last_korean)
        if not abstract_lines:
            self.report.warn(title_index + 1, f"no abstract for {_excerpt(title)}")
        if korean and not english:
            self.report.warn(title_index + 1, f"Korean commentary without English for {_excerpt(title)}")
        abstract = join_prose(abstract_lines)
        commentary_ko = "\n".join(korean)
        commentary_en = "\n".join(english)
        arxiv_id, links = links_with_arxiv(abstract, commentary_ko, commentary_en)
        self.entries.append(
            DigestEntry(
                id=entry_id(title, arxiv_id),
                title=title,
                digest_date=self._date_for(title_index),
                source=f"{self.report.path}:{title_index + 1}",
                authors=authors,
                authors_count=len(authors) if authors else None,
                abstract=abstract,
                commentary_ko=commentary_ko,
                commentary_en=commentary_en,
                tags=tags,
                links=links,
                arxiv_id=arxiv_id,
            )
        )
        return index

    def _may_end_here(self, body: list[str], first_korean: int, last_korean: int, index: int) -> bool:
        """Whether a title-and-authors pair at `index` ends the current paper.

        Inside an unfinished commentary (fewer English lines than Korean so far) or an
        abstract, only an unmistakable paper start does: a `(...)` line in commentary
        must not split a paper in two.
        """
        if not body:
            return True
        if first_korean >= 0:
            korean_lines = last_korean - first_korean + 1
            english_lines = len(body) - last_korean - 1
            if english_lines >= korean_lines:
                return True
        return self._starts_paper_for_sure(index)

    def _date_for(self, title_index: int) -> date:
        if self.digest_date is not None:
            return self.digest_date
        if not self._warned_undated:
            self._warned_undated = True
            self.report.warn(
                title_index + 1,
                f"papers before any date line like '2025년 6월 11일'; dated {self.fallback_date.isoformat()}",
            )
        return self.fallback_date


def _split_body(body: list[str], first_korean: int, last_korean: int) -> tuple[list[str], list[str], list[str]]:
    """Splits a paper's body into abstract, Korean commentary and English commentary lines.

    Korean lines may carry lines without Hangul (a URL list); when the commentary has an even
    number of lines and its Korean lines all lie in the first half, it splits in the middle,
    because the English translates the Korean line for line.
    """
    if first_korean < 0:
        return body, [], []
    abstract = body[:first_korean]
    commentary = body[first_korean:]
    split = last_korean - first_korean + 1
    half, odd = divmod(len(commentary), 2)
    if not odd and half > split:
        split = half
    return abstract, commentary[:split], commentary[split:]


def _excerpt(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")
