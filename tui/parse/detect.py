"""Telling the digest formats apart: JSON by its first character, text by its first lines."""

from __future__ import annotations

import json

from tui.model import DigestFormat
from tui.parse.commentary import is_author_line, parse_date_line
from tui.parse.hf_api import WHITESPACE
from tui.parse.hf_daily import SEPARATORS, is_header_line, parse_month_day
from tui.parse.text import is_tag_line

# Enough lines to see several papers of either format without reading a big file twice.
_SAMPLE_LINES = 400
# A lead this large is never overturned by real files; stopping there keeps detection cheap.
_DECISIVE_LEAD = 6


def detect_format(lines: list[str]) -> DigestFormat:
    """The format whose marks the file's first non-blank lines carry most of."""
    commentary = hf_daily = 0
    seen = 0
    previous = ""
    for line in lines:
        if not line:
            continue
        seen += 1
        if seen > _SAMPLE_LINES:
            break
        if parse_date_line(line) is not None:
            commentary += 3
        elif is_tag_line(line) or is_author_line(line):
            commentary += 1
        elif is_header_line(line):
            hf_daily += 2
        elif line in SEPARATORS or line.endswith((" authors", " author")):
            hf_daily += 1
        elif previous in SEPARATORS and parse_month_day(line, 0) is not None:
            hf_daily += 1
        previous = line
        if abs(commentary - hf_daily) >= _DECISIVE_LEAD:
            break
    if commentary == hf_daily == 0:
        return DigestFormat.UNKNOWN
    return DigestFormat.COMMENTARY if commentary > hf_daily else DigestFormat.HF_DAILY


def looks_like_api_json(text: str, path: str) -> bool:
    """Whether the text is the API's JSON: named `.json`, or a JSON list of paper items."""
    start = text.lstrip(WHITESPACE + "\ufeff")[:1]
    if start not in ("[", "{"):
        return False
    if path.lower().endswith(".json"):
        return True
    if start != "[":
        return False
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(data, list) and (not data or any(_is_item(item) for item in data[:5]))


def _is_item(item: object) -> bool:
    return isinstance(item, dict) and (isinstance(item.get("paper"), dict) or "title" in item)
