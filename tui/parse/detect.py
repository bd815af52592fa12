"""Telling the digest formats apart: JSON by its first character, text by its first lines."""

from __future__ import annotations

import json
import re

from tui.model import DigestFormat
from tui.parse.commentary import is_author_line, parse_date_line
from tui.parse.export_json import EXPORT_FORMAT_NAME
from tui.parse.hf_daily import SEPARATORS, is_header_line, parse_month_day
from tui.parse.text import is_tag_line

_LEADING_BLANKS = re.compile("[ \t\r\n\ufeff]*")
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


def json_format(text: str, path: str) -> DigestFormat | None:
    """The JSON format of a file, if it is JSON: a paperdeck export, or (named `.json`, or a
    JSON list of paper items) the daily papers API's list. None for anything else."""
    # The first character that is not blank, without copying a text that is no JSON at all.
    at = _LEADING_BLANKS.match(text).end()
    start = text[at : at + 1]
    if start not in ("[", "{"):
        return None
    named_json = path.lower().endswith(".json")
    if start == "{":
        try:
            data = json.loads(text.lstrip("\ufeff"))
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, dict) and data.get("format") == EXPORT_FORMAT_NAME:
            return DigestFormat.EXPORT
        return DigestFormat.HF_API if named_json else None
    if named_json:
        return DigestFormat.HF_API
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except (ValueError, RecursionError):
        return None
    if isinstance(data, list) and (not data or any(_is_item(item) for item in data[:5])):
        return DigestFormat.HF_API
    return None


def _is_item(item: object) -> bool:
    return isinstance(item, dict) and (isinstance(item.get("paper"), dict) or "title" in item)
