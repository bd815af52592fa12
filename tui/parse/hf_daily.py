"""Format B: the text of a Hugging Face "Daily Papers" page as a browser copies it.

    new / Get trending papers in your email inbox! / Subscribe / Daily Papers /
    byAK and the research community                      (the page header)
    Mar 6                                                 (the page's date, no year)
    Title
    (blank)
    Abstract, one paragraph
    (blank)
      • 11 authors          or an organisation line: "showlab Show Lab"
    ·
    Dec 19, 2024 2        publication date; the trailing number is the upvote count

Dates of the page's year carry no year, so the year is inferred: the page's year is later
than every explicit year on it, and the smallest such year is (latest explicit year + 1).
A date in the file name or a year the user gives overrides that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from tui.model import DigestEntry, entry_id
from tui.parse.text import Report, collapse_spaces, join_prose, links_with_arxiv

HEADER_LINES = frozenset(
    {
        "new",
        "get trending papers in your email inbox",
        "subscribe",
        "daily papers",
        "byak and the research community",
    }
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# A regex rather than dateutil: the shape is fixed, and this runs once per paper of a big library.
_DATE = re.compile(r"([A-Za-z]{3,9})\.? (\d{1,2})(?:, ?(\d{4}))?(?: (\d{1,7}))?")
_AUTHOR_COUNT = re.compile(r"[•·∙⋅]?\s*(\d+)\s+authors?", re.IGNORECASE)
SEPARATORS = frozenset({"·", "•", "⋅", "∙"})
_DATE_MAX_CHARS = len("September 30, 2024 1234567")
_HEADER_MAX_CHARS = max(map(len, HEADER_LINES))
_TITLE_MAX_CHARS = 300


class MonthDay(NamedTuple):
    """A date as the page shows it: the year may be missing until the page's year is known."""

    month: int
    day: int
    year: int | None
    upvotes: int | None
    line: int

    def resolve(self, page_year: int, report: Report) -> date | None:
        try:
            return date(self.year or page_year, self.month, self.day)
        except ValueError:
            report.warn(self.line, f"no such date: {self.month}/{self.day}/{self.year or page_year}")
            return None


def parse_month_day(line: str, line_number: int) -> MonthDay | None:
    """`Dec 19, 2024 2` -> MonthDay(12, 19, 2024, upvotes=2); None if the line is no date."""
    if len(line) > _DATE_MAX_CHARS or not line[:1].isalpha():
        return None
    match = _DATE.fullmatch(line)
    if match is None:
        return None
    month = _MONTHS.get(match.group(1).lower())
    day = int(match.group(2))
    if month is None or not 1 <= day <= 31:
        return None
    year = int(match.group(3)) if match.group(3) else None
    upvotes = int(match.group(4)) if match.group(4) else None
    return MonthDay(month, day, year, upvotes, line_number)


@dataclass(slots=True)
class _Entry:
    """An entry being read; its dates are resolved once the page's year is known."""

    title: str
    line: int
    abstract_lines: list[str] = field(default_factory=list)
    authors_count: int | None = None
    org: str | None = None
    published: MonthDay | None = None
    has_meta: bool = False


@dataclass(slots=True)
class _Page:
    header_line: int
    date: MonthDay | None = None
    entries: list[_Entry] = field(default_factory=list)


class HfDailyParser:
    """Parses the lines of one saved Daily Papers file (one or more pages)."""

    def __init__(
        self,
        lines: list[str],
        report: Report,
        *,
        year: int | None,
        file_date: date | None,
        fallback_date: date,
    ) -> None:
        self.lines = lines
        self.report = report
        self.year = year
        self.file_date = file_date
        self.fallback_date = fallback_date
        self.pages: list[_Page] = []

    def parse(self) -> list[DigestEntry]:
        paragraphs = _paragraphs(self.lines)
        page: _Page | None = None
        entry: _Entry | None = None
        for position, (start, block) in enumerate(paragraphs):
            if is_header_line(block[0]):
                page = self._read_header(page, start, block)
                entry = None
                continue
            if page is None:
                # No header: the file starts right at the page date or the first paper.
                page = _Page(header_line=start + 1)
                self.pages.append(page)
            if _is_meta(block):
                if entry is None or entry.has_meta:
                    self.report.warn(start + 1, "author/date block without a paper above it, skipped")
                else:
                    self._read_meta(entry, start, block)
            elif (
                len(block) == 1 and len(block[0]) <= _DATE_MAX_CHARS and (found := parse_month_day(block[0], start + 1))
            ):
                self._read_lone_date(page, entry, found)
            else:
                entry = self._read_text(page, entry, start, block, paragraphs, position)
        return self._resolve()

    def _read_header(self, page: _Page | None, start: int, block: list[str]) -> _Page:
        """A header paragraph; consecutive ones (blank-separated on real pages) are one header."""
        if page is None or page.entries or page.date is not None:
            page = _Page(header_line=start + 1)
            self.pages.append(page)
        for offset, line in enumerate(block):
            if is_header_line(line):
                continue
            found = parse_month_day(line, start + offset + 1)
            if found is not None and page.date is None:
                page.date = found
            else:
                self.report.warn(start + offset + 1, f"unexpected text in the page header, skipped: {line[:60]!r}")
        return page

    def _read_lone_date(self, page: _Page, entry: _Entry | None, found: MonthDay) -> None:
        """A date alone: the page's date before any paper, else a paper's publication date."""
        if page.date is None and not page.entries:
            page.date = found
        elif entry is not None and not entry.has_meta:
            entry.published, entry.has_meta = found, True
        else:
            self.report.warn(found.line, "a date that belongs to no paper, skipped")

    def _read_meta(self, entry: _Entry, start: int, block: list[str]) -> None:
        entry.has_meta = True
        for offset, line in enumerate(block):
            number = start + offset + 1
            if line in SEPARATORS:
                continue
            if match := _AUTHOR_COUNT.fullmatch(line):
                entry.authors_count = int(match.group(1))
            elif (found := parse_month_day(line, number)) is not None:
                entry.published = found
            elif offset + 1 < len(block) and block[offset + 1] in SEPARATORS:
                entry.org = _organisation(line)
            else:
                # The abstract's last line, glued to the metadata without a blank line.
                entry.abstract_lines.append(line)

    def _read_text(
        self,
        page: _Page,
        entry: _Entry | None,
        start: int,
        block: list[str],
        paragraphs: list[tuple[int, list[str]]],
        position: int,
    ) -> _Entry:
        """A paragraph of prose: the abstract the current paper awaits, or the next title."""
        if entry is not None and not entry.has_meta:
            if not entry.abstract_lines and not self._is_next_title(block, paragraphs, position):
                entry.abstract_lines.extend(block)
                return entry
            if entry.abstract_lines and not _looks_like_title(block):
                # A blank line inside the abstract: prose, not the next paper's title.
                entry.abstract_lines.extend(block)
                return entry
            if not entry.abstract_lines:
                self.report.warn(entry.line, f"no abstract for {entry.title[:60]!r}")
        if page.date is None and not page.entries:
            self.report.warn(start + 1, "no page date (like 'Mar 6') before the first paper")
        new = _Entry(title=collapse_spaces(block[0]), line=start + 1)
        new.abstract_lines.extend(block[1:])
        if len(new.title) > _TITLE_MAX_CHARS:
            self.report.warn(start + 1, f"a {len(new.title)}-character title; is an abstract missing its title?")
        page.entries.append(new)
        return new

    def _is_next_title(self, block: list[str], paragraphs: list[tuple[int, list[str]]], position: int) -> bool:
        """Whether `block`, where an abstract is due, is instead the title of the next paper.

        True when it is one short line and the paragraph after it is prose, not metadata.
        """
        if not _looks_like_title(block) or block[0].endswith("."):
            return False
        if position + 1 >= len(paragraphs):
            return False
        following = paragraphs[position + 1][1]
        return not _is_meta(following) and len(following[0]) > 2 * len(block[0]) and len(following[0]) > 150

    def _resolve(self) -> list[DigestEntry]:
        """Entries with their years filled in, page by page."""
        explicit_years = [
            entry.published.year
            for page in self.pages
            for entry in page.entries
            if entry.published is not None and entry.published.year is not None
        ]
        file_year = max(explicit_years) + 1 if explicit_years else None
        out: list[DigestEntry] = []
        for page in self.pages:
            if not page.entries:
                continue
            page_year = self._page_year(page, file_year)
            digest_date = self._page_date(page, page_year)
            for entry in page.entries:
                published = entry.published.resolve(page_year, self.report) if entry.published else None
                abstract = join_prose(entry.abstract_lines)
                arxiv_id, links = links_with_arxiv(abstract)
                out.append(
                    DigestEntry(
                        id=entry_id(entry.title, arxiv_id),
                        title=entry.title,
                        digest_date=digest_date,
                        source=f"{self.report.path}:{entry.line}",
                        authors_count=entry.authors_count,
                        org=entry.org,
                        abstract=abstract,
                        published=published,
                        upvotes=entry.published.upvotes if entry.published else None,
                        links=links,
                        arxiv_id=arxiv_id,
                    )
                )
        return out

    def _page_year(self, page: _Page, file_year: int | None) -> int:
        if self.year is not None:
            return self.year
        if page.date is not None and page.date.year is not None:
            return page.date.year
        if self.file_date is not None:
            return self.file_date.year
        page_years = [e.published.year for e in page.entries if e.published and e.published.year]
        if page_years:
            return max(page_years) + 1
        if file_year is not None:
            return file_year
        self.report.warn(
            page.header_line,
            f"no year anywhere on the page; assumed {self.fallback_date.year} from the file's "
            "date (name the file like 2026-03-06.txt or pass --year to say otherwise)",
        )
        return self.fallback_date.year

    def _page_date(self, page: _Page, page_year: int) -> date:
        if page.date is not None:
            resolved = page.date.resolve(page_year, self.report)
            if resolved is not None:
                return resolved
        if self.file_date is not None:
            return self.file_date
        return self.fallback_date


def _paragraphs(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines, each with the index of its first line."""
    out: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for index, line in enumerate(lines):
        if line:
            if not current:
                start = index
            current.append(line)
        elif current:
            out.append((start, current))
            current = []
    if current:
        out.append((start, current))
    return out


def is_header_line(line: str) -> bool:
    """One of the fixed lines at the top of a Daily Papers page, however a browser copied it."""
    if len(line) > _HEADER_MAX_CHARS + 2:
        return False
    key = line.lower().rstrip("!.:").replace("by ak ", "byak ")
    return key in HEADER_LINES


def _looks_like_title(block: list[str]) -> bool:
    """One line, not too long, and not several sentences of prose."""
    if len(block) != 1 or len(block[0]) > _TITLE_MAX_CHARS:
        return False
    line = block[0]
    return not (line.endswith(".") and ". " in line)


def _is_meta(block: list[str]) -> bool:
    """A paragraph of author count or organisation, separator and publication date."""
    if not SEPARATORS.isdisjoint(block):
        return True
    first = block[0]
    return len(first) < 24 and _AUTHOR_COUNT.fullmatch(first) is not None


def _organisation(line: str) -> str:
    """`deepseek-ai DeepSeek` -> 'DeepSeek': the page shows the handle, then the display name."""
    handle, _, name = line.partition(" ")
    return name.strip() or handle
