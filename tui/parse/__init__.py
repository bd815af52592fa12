"""Digest parsers: pure functions from a file's bytes or text to entries and diagnostics.

`parse_bytes` is the one entry point the rest of paperdeck uses; it never raises on any input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from tui.model import Diagnostic, DigestEntry, DigestFormat, Severity

if TYPE_CHECKING:
    from tui.parse.text import Report

# The parser modules are imported by the functions that parse: a warm start reads the library
# index and parses nothing, and should not pay for importing them.

# Bump when a parser change alters what a file parses to: the library index is then rebuilt.
PARSER_VERSION = 4

__all__ = ["PARSER_VERSION", "ParseResult", "parse_bytes", "parse_text"]


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What one digest file holds: its format, entries and the diagnostics about it."""

    path: str
    format: DigestFormat
    entries: tuple[DigestEntry, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.WARNING)

    @property
    def digest_dates(self) -> tuple[date, ...]:
        return tuple(sorted({e.digest_date for e in self.entries if e.digest_date is not None}))


def parse_bytes(
    data: bytes,
    path: str,
    *,
    year: int | None = None,
    modified: date | None = None,
) -> ParseResult:
    """Parses a digest file's bytes. `path` names it in diagnostics and supplies a file-name date.

    `year` is the user's word on the year of a Daily Papers page; `modified` the file's
    modification date, the last resort for a digest that carries no date at all.
    """
    from tui.parse.text import Report, decode

    report = Report(path)
    text = decode(data, report)
    return _parse(text, report, year=year, modified=modified)


def parse_text(
    text: str,
    path: str = "<text>",
    *,
    year: int | None = None,
    modified: date | None = None,
) -> ParseResult:
    """Parses a digest that is already text (tests, stdin already decoded)."""
    from tui.parse.text import Report

    return _parse(text, Report(path), year=year, modified=modified)


def _parse(text: str, report: Report, *, year: int | None, modified: date | None) -> ParseResult:
    from tui.parse.commentary import CommentaryParser
    from tui.parse.detect import detect_format, json_format
    from tui.parse.hf_daily import HfDailyParser
    from tui.parse.text import date_from_file_name, split_lines

    file_date = date_from_file_name(report.path.replace("\\", "/").rsplit("/", 1)[-1])
    fallback = file_date or modified or date.today()
    entries: list[DigestEntry] = []
    json_kind = json_format(text, report.path)
    if json_kind is DigestFormat.EXPORT:
        import json

        from tui.parse.export_json import parse_export

        entries = parse_export(json.loads(text.lstrip("\ufeff")), text, report)
        return ParseResult(report.path, json_kind, tuple(entries), tuple(report.diagnostics))
    if json_kind is DigestFormat.HF_API:
        from tui.parse.hf_api import HfApiParser

        entries = HfApiParser(text, report, file_date=file_date, fallback_date=fallback).parse()
        if not entries and not any(d.severity is Severity.ERROR for d in report.diagnostics):
            report.warn(1, "no papers found" + ("" if report.diagnostics else " (an empty list: no papers that day)"))
        return ParseResult(report.path, json_kind, tuple(entries), tuple(report.diagnostics))
    lines = split_lines(text)
    from tui.parse.vault import is_note_path, looks_like_note, parse_note

    if is_note_path(report.path) or looks_like_note(lines):
        entries = parse_note(lines, report, modified=modified or date.today())
        return ParseResult(report.path, DigestFormat.VAULT, tuple(entries), tuple(report.diagnostics))
    fmt = detect_format(lines)
    if fmt is DigestFormat.COMMENTARY:
        entries = CommentaryParser(lines, report, fallback).parse()
    elif fmt is DigestFormat.HF_DAILY:
        entries = HfDailyParser(lines, report, year=year, file_date=file_date, fallback_date=fallback).parse()
    elif not report.diagnostics and any(lines):
        report.error(
            1,
            "not a digest paperdeck reads: no date line like '2025년 6월 11일' and no "
            "Hugging Face 'Daily Papers' page text",
        )
    if fmt is not DigestFormat.UNKNOWN and not entries:
        report.warn(1, "no papers found")
    return ParseResult(report.path, fmt, tuple(entries), tuple(report.diagnostics))
