"""The Hugging Face daily papers API: the JSON list `GET /api/daily_papers?date=...` returns.

Each item is one paper submitted to Daily Papers:

    {"paper": {"id": "2506.08009", "title": ..., "summary": ..., "authors": [{"name": ...}],
               "publishedAt": "2025-06-09T17:59:58.000Z", "upvotes": 12,
               "ai_summary": ..., "ai_keywords": [...], "githubRepo": ..., "projectPage": ...},
     "publishedAt": ..., "title": ..., "summary": ..., "numComments": 3, ...}

The API adds fields as it pleases and leaves out what a paper lacks, so every field is
optional here but the title, and anything unexpected is skipped with a diagnostic naming the
item. `ai_keywords` become automatic tags and `ai_summary` a machine-written English
commentary, both kept apart from what people wrote.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from typing import Any

from tui.model import DigestEntry, arxiv_abs_url, entry_id
from tui.parse.text import (
    Report,
    collapse_spaces,
    date_of_match,
    find_arxiv_ids,
    find_urls,
    join_prose,
)

_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}")
_VERSION = re.compile(r"v\d+$")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_WHITESPACE = " \t\n\r"
_KEYWORD_JUNK = re.compile(r"[\s_]+")
_EXCERPT = 40


class HfApiParser:
    """Parses one API response into digest entries; never raises."""

    def __init__(self, text: str, report: Report, *, file_date: date | None, fallback_date: date) -> None:
        self.text = text
        self.report = report
        self.file_date = file_date
        self.fallback_date = fallback_date

    def parse(self) -> list[DigestEntry]:
        items = self._items()
        if items is None:
            return []
        digest_date = self.file_date or self._date_of_items(items) or self.fallback_date
        entries = []
        for number, (line, item) in enumerate(items, start=1):
            entry = self._entry(number, line, item, digest_date)
            if entry is not None:
                entries.append(entry)
        return entries

    def _items(self) -> list[tuple[int, Any]] | None:
        """The list's items with the line each starts on; None (and an error) if it is no list."""
        text = self.text.lstrip("\ufeff")
        try:
            return _list_items(text)
        except json.JSONDecodeError as exc:
            self.report.error(exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno}); nothing read")
        except _NotAList as exc:
            self.report.error(1, f"{exc}; nothing read")
        except RecursionError:
            self.report.error(1, "not valid JSON: nested too deeply; nothing read")
        return None

    def _date_of_items(self, items: list[tuple[int, Any]]) -> date | None:
        """The day most items were put on Daily Papers: the day the response was asked for."""
        days = Counter(
            day
            for _line, item in items
            if isinstance(item, dict)
            and (day := _day(item.get("publishedAt")) or _day(_field(item, "submittedOnDailyAt")))
        )
        return days.most_common(1)[0][0] if days else None

    def _entry(self, number: int, line: int, item: Any, digest_date: date) -> DigestEntry | None:
        if not isinstance(item, dict):
            self.report.warn(line, f"item {number}: not a paper but {_kind(item)}; skipped")
            return None
        paper = item.get("paper")
        if paper is None:
            paper = {}
        elif not isinstance(paper, dict):
            self.report.warn(line, f"item {number}: 'paper' is {_kind(paper)}, not an object; read the rest")
            paper = {}
        title = collapse_spaces(self._text(number, line, paper, item, "title"))
        if not title:
            self.report.warn(line, f"item {number}: no title; skipped")
            return None
        name = f"item {number} ({_excerpt(title)})"
        abstract = join_prose(self._text(number, line, paper, item, "summary").splitlines())
        if not abstract:
            self.report.warn(line, f"{name}: no summary")
        arxiv_id = self._arxiv_id(name, line, paper.get("id"))
        links = [arxiv_abs_url(arxiv_id), f"https://huggingface.co/papers/{arxiv_id}"] if arxiv_id else []
        for key in ("githubRepo", "projectPage"):
            url = paper.get(key, item.get(key))
            if isinstance(url, str) and url.strip():
                links.append(url.strip())
        links.extend(arxiv_abs_url(other) for other in find_arxiv_ids(abstract))
        links.extend(find_urls(abstract))
        published_at = paper.get("publishedAt")
        published = _day(published_at)
        if published_at is not None and published is None:
            self.report.warn(line, f"{name}: cannot read the date {_excerpt(str(published_at))!r}; left out")
        return DigestEntry(
            id=entry_id(title, arxiv_id),
            title=title,
            authors=self._authors(name, line, paper.get("authors")),
            org=self._org(paper.get("organization", item.get("organization"))),
            abstract=abstract,
            digest_date=digest_date,
            published=published,
            upvotes=self._upvotes(name, line, paper.get("upvotes", item.get("upvotes"))),
            links=tuple(dict.fromkeys(links)),
            source=f"{self.report.path}:{line}",
            arxiv_id=arxiv_id,
            auto_tags=self._keywords(name, line, paper.get("ai_keywords")),
            commentary_machine=self._optional_text(name, line, paper, "ai_summary"),
        )

    def _text(self, number: int, line: int, paper: dict, item: dict, key: str) -> str:
        """A text field of the paper, or of the item when the paper lacks it."""
        for holder in (paper, item):
            value = holder.get(key)
            if isinstance(value, str) and value.strip():
                return value
            if value is not None and not isinstance(value, str):
                self.report.warn(line, f"item {number}: '{key}' is {_kind(value)}, not text; ignored")
        return ""

    def _optional_text(self, name: str, line: int, paper: dict, key: str) -> str:
        value = paper.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.report.warn(line, f"{name}: '{key}' is {_kind(value)}, not text; ignored")
            return ""
        return join_prose(value.splitlines())

    def _arxiv_id(self, name: str, line: int, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            bare = _VERSION.sub("", value.strip())
            if _ARXIV_ID.fullmatch(bare):
                return bare
        self.report.warn(line, f"{name}: the id {_excerpt(str(value))!r} is not an arXiv id; no arXiv link")
        return None

    def _authors(self, name: str, line: int, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.report.warn(line, f"{name}: 'authors' is {_kind(value)}, not a list; ignored")
            return ()
        authors: list[str] = []
        for author in value:
            # Each author is an object with a name; a plain string is taken as the name.
            author_name = author.get("name") if isinstance(author, dict) else author
            if isinstance(author_name, str) and author_name.strip():
                authors.append(collapse_spaces(author_name))
            else:
                self.report.warn(line, f"{name}: an author without a name; left out")
        return tuple(authors)

    @staticmethod
    def _org(value: Any) -> str | None:
        if isinstance(value, dict):
            value = value.get("fullname") or value.get("name")
        if not isinstance(value, str):
            return None
        return collapse_spaces(value) or None

    def _upvotes(self, name: str, line: int, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        self.report.warn(line, f"{name}: 'upvotes' is {_excerpt(repr(value))}, not a count; ignored")
        return None

    def _keywords(self, name: str, line: int, value: Any) -> tuple[str, ...]:
        """`ai_keywords` as tags: lowercase, words joined by hyphens, as digest tags are written."""
        if value is None:
            return ()
        if not isinstance(value, list):
            self.report.warn(line, f"{name}: 'ai_keywords' is {_kind(value)}, not a list; ignored")
            return ()
        tags: dict[str, None] = {}
        for keyword in value:
            if isinstance(keyword, str):
                tag = _KEYWORD_JUNK.sub("-", keyword.strip().lstrip("#").lower()).strip("-")
                if tag:
                    tags.setdefault(tag, None)
        return tuple(tags)


class _NotAList(ValueError):
    pass


def _list_items(text: str) -> list[tuple[int, Any]]:
    """The items of a JSON list with the line each starts on (responses are often one line,
    but a saved, indented file has an item per block)."""
    decoder = json.JSONDecoder()
    at = _skip_space(text, 0)
    if text[at : at + 1] != "[":
        data = json.loads(text)  # raises on anything that is not JSON at all
        if isinstance(data, dict) and "error" in data:
            raise _NotAList(f"an error from the server, not papers: {_excerpt(str(data['error']))!r}")
        raise _NotAList(f"expected a JSON list of daily papers, found {_kind(data)}")
    items: list[tuple[int, Any]] = []
    line, counted = 1, 0
    at = _skip_space(text, at + 1)
    if text[at : at + 1] == "]":
        at += 1
    else:
        while True:
            line += text.count("\n", counted, at)
            counted = at
            item, at = decoder.raw_decode(text, at)
            items.append((line, item))
            at = _skip_space(text, at)
            mark = text[at : at + 1]
            if mark == ",":
                at = _skip_space(text, at + 1)
            elif mark == "]":
                at += 1
                break
            else:
                raise json.JSONDecodeError("Expecting ',' delimiter", text, at)
    at = _skip_space(text, at)
    if at != len(text):
        raise json.JSONDecodeError("Extra data", text, at)
    return items


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in _WHITESPACE:
        at += 1
    return at


def _day(value: Any) -> date | None:
    """The day of an ISO 8601 timestamp as the API writes them (`2025-06-09T17:59:58.000Z`)."""
    if not isinstance(value, str):
        return None
    return date_of_match(_ISO_DAY.match(value.strip()))


def _field(item: dict, key: str) -> Any:
    paper = item.get("paper")
    return paper.get(key) if isinstance(paper, dict) else None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "true or false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _excerpt(text: str) -> str:
    text = collapse_spaces(text)
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"
