"""Telling the digest formats apart from the first lines of a file."""

from __future__ import annotations

from tui.model import DigestFormat
from tui.parse.commentary import is_author_line, parse_date_line
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
