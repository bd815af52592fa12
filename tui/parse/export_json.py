"""paperdeck's own JSON export, read back as a digest: `paperdeck add reading-list.json`.

The document is `{"format": "paperdeck-export", "version": 1, "papers": [...]}`, each paper
with the fields `paperdeck list --json` prints (and the user's state, which a digest does not
carry and is not read here). A paper seen on several digest dates becomes one entry per date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tui.model import DigestEntry, entry_id
from tui.parse.text import Report, collapse_spaces

# The name export.py writes into the document; the two must agree.
EXPORT_FORMAT_NAME = "paperdeck-export"
_TEXTS = ("abstract", "commentary_ko", "commentary_en", "commentary_machine")
_LISTS = ("authors", "tags", "links", "auto_tags")


def parse_export(document: dict[str, Any], text: str, report: Report) -> list[DigestEntry]:
    papers = document.get("papers")
    if not isinstance(papers, list):
        report.error(1, "a paperdeck export without a list of papers; nothing read")
        return []
    # The export writes each paper as an object opening on a line of its own.
    starts = [number for number, line in enumerate(text.splitlines(), start=1) if line == "    {"]
    entries: list[DigestEntry] = []
    for index, paper in enumerate(papers):
        line = starts[index] if len(starts) == len(papers) else 1
        entries += _entries(index + 1, line, paper, report)
    return entries


def _entries(number: int, line: int, paper: Any, report: Report) -> list[DigestEntry]:
    if not isinstance(paper, dict):
        report.warn(line, f"paper {number}: not an object; skipped")
        return []
    title = paper.get("title")
    if not isinstance(title, str) or not collapse_spaces(title):
        report.warn(line, f"paper {number}: no title; skipped")
        return []
    title = collapse_spaces(title)
    fields: dict[str, Any] = {}
    for key in _TEXTS:
        value = paper.get(key)
        if isinstance(value, str):
            fields[key] = value
        elif value is not None:
            report.warn(line, f"paper {number}: '{key}' is not text; ignored")
    for key in _LISTS:
        value = paper.get(key)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            fields[key] = tuple(value)
        elif value is not None:
            report.warn(line, f"paper {number}: '{key}' is not a list of texts; ignored")
    for key in ("authors_count", "upvotes"):
        value = paper.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            fields[key] = value
    for key in ("org", "arxiv_id"):
        value = paper.get(key)
        if isinstance(value, str) and value:
            fields[key] = value
    fields["published"] = _day(paper.get("published"))
    days = [d for d in map(_day, paper.get("digest_dates") or []) if d is not None] or [None]
    source = f"{report.path}:{line}"
    return [
        DigestEntry(id=entry_id(title, fields.get("arxiv_id")), title=title, digest_date=day, source=source, **fields)
        for day in days
    ]


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
