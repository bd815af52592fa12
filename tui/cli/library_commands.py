"""The commands about the library of digests: `check` (over many processes), `list` and `fetch`."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

import orjson

from tui.cli.output import (
    EXIT_ERRORS,
    EXIT_OK,
    EXIT_USAGE,
    FORMAT_NAMES,
    err,
    open_library_saying,
    open_store,
    out,
    out_json,
    read_library,
)
from tui.home import Home
from tui.library.files import digest_files, read_digest, unreadable
from tui.library.linked import note_files
from tui.library.merge import Library, papers_among
from tui.model import DigestFormat, Paper
from tui.parse import ParseResult
from tui.parse.vault import note_key
from tui.query import Matcher, Query, QueryError, parse_query
from tui.safe_text import one_line, visible
from tui.sorting import DATE, FOR_YOU, SortError, check_sort, sorted_ids
from tui.state.paper_state import PaperState, user_tags
from tui.state.renames import follow_renames
from tui.state.store import Store

# Files handed to a worker process at once: enough to outweigh the cost of the hand-over.
_FILES_PER_TASK = 16


# --- check --------------------------------------------------------------------------------


class FileCheck(NamedTuple):
    """What `check` prints about one file, computed where the file was parsed."""

    report: str  # the describe() line, or why the file could not be read
    diagnostics: list[str]
    json_lines: bytes
    papers: int
    errors: int
    warnings: int
    readable: bool
    # A vault note's name and, per entry, its id and the names its [[links]] link to.
    note: str | None = None
    links: tuple[tuple[str, tuple[str, ...]], ...] = ()


def check_file(path: Path, year: int | None, as_json: bool) -> FileCheck:
    """Parses one file for `check`; runs in a worker process when there are many files."""
    try:
        result = read_digest(path, year=year)
    except OSError as exc:
        return FileCheck(str(unreadable(path, exc).diagnostics[0]), [], b"", 0, 0, 0, False)
    json_lines = b"".join(orjson.dumps(entry) + b"\n" for entry in result.entries) if as_json else b""
    return FileCheck(
        describe(result),
        [visible(str(diagnostic)) for diagnostic in result.diagnostics],
        json_lines,
        len(result.entries),
        len(result.errors),
        len(result.warnings),
        True,
        note_key(str(path)) if result.format is DigestFormat.VAULT else None,
        tuple((entry.id, tuple(sorted({note_key(t) for t in entry.note_links}))) for entry in result.entries),
    )


def with_related(checks: list[FileCheck]) -> list[bytes]:
    """Each file's JSON lines with a `related` key at the end: the ids of the checked papers its
    note links to, then of those whose notes link to it (empty for anything but vault notes)."""
    by_note: dict[str, list[str]] = {}
    for checked in checks:
        if checked.note is not None:
            by_note.setdefault(checked.note, []).extend(paper for paper, _targets in checked.links)
    linked_from: dict[str, list[str]] = {}
    for checked in checks:
        for paper, targets in checked.links:
            for target in targets:
                linked_from.setdefault(target, []).append(paper)
    out_lines = []
    for checked in checks:
        lines = checked.json_lines.splitlines(keepends=True)
        joined = []
        for line, (paper, targets) in zip(lines, checked.links, strict=True):
            found = [other for target in targets for other in by_note.get(target, ())]
            found += linked_from.get(checked.note, []) if checked.note is not None else []
            related = [other for other in dict.fromkeys(found) if other != paper]
            joined.append(line.rstrip(b"\n")[:-1] + b',"related":' + orjson.dumps(related) + b"}\n")
        out_lines.append(b"".join(joined))
    return out_lines


def _check_files(files: list[Path], year: int | None, as_json: bool, jobs: int) -> Iterator[FileCheck]:
    """`check_file` for each file, in order; spread over `jobs` processes when that pays."""
    if jobs <= 1 or len(files) < 2 * _FILES_PER_TASK:
        yield from (check_file(path, year, as_json) for path in files)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(check_file, files, repeat(year), repeat(as_json), chunksize=_FILES_PER_TASK)


def check(paths: list[Path], *, as_json: bool, year: int | None, jobs: int = 1) -> int:
    status = EXIT_OK
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            # A folder's digests, and the notes of a vault in it and its subfolders.
            found = digest_files(path) + [Path(name) for name in note_files(path)]
            if not found:
                err(f"paperdeck: {path}: no digest files (.txt, .json) or notes (.md) in this folder")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            err(f"paperdeck: {path}: no such file or folder")
            status = EXIT_USAGE
    totals = {"papers": 0, "errors": 0, "warnings": 0}
    checks: Iterable[FileCheck] = _check_files(files, year, as_json, jobs)
    if as_json:
        # Every file first: a note's `related` are papers of other files.
        checks = list(checks)
        readable = [at for at, checked in enumerate(checks) if checked.readable]
        for at, lines in zip(readable, with_related([checks[at] for at in readable]), strict=True):
            checks[at] = checks[at]._replace(json_lines=lines)
    for checked in checks:
        if not checked.readable:
            err(checked.report)
            status = EXIT_USAGE
            continue
        totals["papers"] += checked.papers
        totals["errors"] += checked.errors
        totals["warnings"] += checked.warnings
        if as_json:
            out_json(checked.json_lines)
            for line in checked.diagnostics:
                err(line)
        else:
            out(checked.report)
            for line in checked.diagnostics:
                out(f"  {line}")
        if checked.errors and status == EXIT_OK:
            status = EXIT_ERRORS
    summary = (
        f"{len(files)} file(s), {totals['papers']} paper(s), "
        f"{totals['errors']} error(s), {totals['warnings']} warning(s)"
    )
    if as_json:
        sys.stdout.flush()
        err(summary)
    else:
        out(summary)
    return status


def describe(result: ParseResult) -> str:
    """One line about a parsed file: `FILE: Daily Papers page, 2026-03-06, 49 papers`."""
    dates = result.digest_dates
    if not dates:
        when = "no date"
    elif len(dates) == 1:
        when = dates[0].isoformat()
    else:
        when = f"{len(dates)} dates, {dates[0].isoformat()} to {dates[-1].isoformat()}"
    return f"{visible(result.path)}: {FORMAT_NAMES[result.format]}, {when}, {len(result.entries)} paper(s)"


# --- list ---------------------------------------------------------------------------------


def list_papers(
    home: Home,
    *,
    date_filter: str | None,
    tag: str | None,
    as_json: bool,
    starred: bool = False,
    unread: bool = False,
    query_text: str | None = None,
    sort: str = DATE,
) -> int:
    try:
        check_sort(sort)
    except SortError as exc:
        err(f"paperdeck: --sort: {exc}")
        return EXIT_USAGE
    try:
        typed = parse_query(query_text or "")
    except QueryError as exc:
        err(f"paperdeck: --query: {visible(str(exc))}")
        return EXIT_USAGE
    try:
        query = list_query(date_filter=date_filter, tag=tag, starred=starred, unread=unread, typed=typed)
    except ValueError as exc:
        err(f"paperdeck: {exc}")
        return EXIT_USAGE
    store = open_store(home)
    if store is None:
        return EXIT_USAGE
    blank = PaperState()

    def listed(library: Library) -> list[Paper]:
        if query is None:
            return []
        follow_renames(store, library)
        states = store.paper_states()
        due: set[str] = set()
        if "due" in query.flags:
            from tui.review.deck import Deck

            due = set(Deck(store).session_queue())  # with the user's review settings

        def state_of(paper_id: str) -> PaperState:
            return states.get(paper_id, blank)

        ids = Matcher(library, state_of, due.__contains__).filter(library.order, query)
        found = papers_among(library.papers, ids)
        if sort == FOR_YOU:
            ids = _for_you(library, store, ids)
        elif sort != DATE:
            from tui.views import Views

            first_seen = Views(library, state_of, lambda: user_tags(states)).first_seen if sort == "first-seen" else {}
            ids = sorted_ids(ids, sort, library.sort_keys, first_seen)
        return [found[paper_id] for paper_id in ids if paper_id in found]

    try:
        papers = read_library("listing", home, listed)
    finally:
        store.close()
    if as_json:
        out_json(b"".join(orjson.dumps(paper) + b"\n" for paper in papers))
    else:
        for paper in papers:
            day = paper.digest_dates[-1].isoformat() if paper.digest_dates else "-"
            tags = " ".join(f"#{t}" for t in paper.tags)
            out(f"{day}\t{paper.id}\t{one_line(paper.title)}\t{one_line(tags)}")
    return EXIT_OK


def list_query(
    *, date_filter: str | None, tag: str | None, starred: bool, unread: bool, typed: Query | None = None
) -> Query | None:
    """`list`'s options as the reader's filter, joined to the filter `typed` (--query): --date is
    `on:`, --tag is `tag:` (the user's tags count), --starred and --unread the flags of those
    names. None when no paper can match: --date and an `on:` of `typed` name different dates."""
    typed = typed if typed is not None else Query()
    on = typed.on
    if date_filter:
        wanted = _date_prefix(date_filter)
        if on is None or wanted.startswith(on):
            on = wanted  # the narrower of the two
        elif not on.startswith(wanted):
            return None
    options = (tag.lstrip("#").lower(),) if tag else ()
    return replace(
        typed,
        tags=tuple(dict.fromkeys((*typed.tags, *options))),
        flags=typed.flags | {flag for flag, wanted in (("starred", starred), ("unread", unread)) if wanted},
        on=on,
    )


def _date_prefix(text: str) -> str:
    """`2025-06-11`, `2025-06`, `2025` or anything dateutil reads as a day -> an ISO prefix."""
    text = text.strip()
    if len(text) in (4, 7) and text.replace("-", "").isdigit():
        return text
    from dateutil import (
        parser as date_parser,  # only `list --date` needs it; spares start-up
    )

    try:
        return date_parser.parse(text).date().isoformat()
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"--date: cannot read {text!r} as a date") from exc


# --- fetch --------------------------------------------------------------------------------


def fetch(home: Home, *, day_text: str | None, week: str | None, base_url: str | None, timeout: float) -> int:
    """Downloads Daily Papers API lists into the library, a file per day; a day that fails saves nothing."""
    from tui.library import fetch as api
    from tui.state.atomic import write_atomically

    try:
        base = api.base_url(base_url)
        days = api.week_days(week) if week else [_fetch_day(day_text)]
    except ValueError as exc:
        err(f"paperdeck: {exc}")
        return EXIT_USAGE
    days = [day for day in days if day <= date.today()]
    if not days:
        err(f"paperdeck: {'--week ' + week if week else '--date ' + str(day_text)}: that is still to come")
        return EXIT_USAGE
    home.ensure()
    status = EXIT_OK
    saved = 0
    for day in days:
        try:
            fetched = api.fetch_day(base, day, timeout=timeout)
        except api.FetchError as exc:
            err(f"paperdeck: {day.isoformat()}: {visible(str(exc))} Nothing saved.")
            status = EXIT_ERRORS
            if exc.offline:
                break
            continue
        papers = len(fetched.result.entries)
        if not papers:
            out(f"{day.isoformat()}: no papers that day; nothing saved")
            continue
        target = home.library / api.file_name(day)
        if target.exists() and target.read_bytes() == fetched.data:
            out(f"{day.isoformat()}: {papers} paper(s), unchanged since the last fetch")
            continue
        replacing = target.exists()
        write_atomically(target, fetched.data)
        saved += 1
        for diagnostic in fetched.result.diagnostics:
            out(f"  {visible(str(diagnostic))}")
        out(f"{day.isoformat()}: {papers} paper(s) -> {target.name}{' (replaced)' if replacing else ''}")
    if saved:
        open_library_saying(home).close()  # the index takes the new days in now, not at the next start
    return status


def _fetch_day(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"--date: {text!r} is not a date like 2025-06-11") from None


def _for_you(library: Library, store: Store, ids: list[str]) -> list[str]:
    """`ids` best first for the user, as the reader's for-you order has them; in date order,
    saying why on stderr, until there is enough to learn from."""
    from tui import for_you

    taste = for_you.taste_in_store(library, store)
    model = for_you.train(library, taste)
    if not model.ready:
        err(f"paperdeck: {for_you.not_ready_message(model)}")
        return ids
    return for_you.ranked(model, library, ids, taste)
