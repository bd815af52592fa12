"""What each `paperdeck` command does, apart from parsing its arguments (that is `cli.py`)."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

import orjson

from tui.home import Home
from tui.library.cache import load_library_cached
from tui.library.merge import (
    Library,
    digest_files,
    library_files,
    load_library,
    read_digest,
    unreadable,
)
from tui.model import DigestFormat, Paper
from tui.parse import ParseResult, parse_bytes
from tui.runtime import freeze_heap
from tui.safe_text import one_line, safe_json, visible
from tui.state.paper_state import PaperState
from tui.state.store import Store, StoreError

# Exit status: clean; an error was reported about a digest; usage error or unreadable path.
EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
# Set to make `paperdeck` start headless, paint its first screen and exit (for tests).
ENV_EXIT_AFTER_START = "PAPERDECK_EXIT_AFTER_START"
# Files handed to a worker process at once: enough to outweigh the cost of the hand-over.
_FILES_PER_TASK = 16
FORMAT_NAMES = {
    DigestFormat.COMMENTARY: "commentary digest",
    DigestFormat.HF_DAILY: "Daily Papers page",
    DigestFormat.HF_API: "Daily Papers API response",
    DigestFormat.EXPORT: "paperdeck export",
    DigestFormat.UNKNOWN: "unknown format",
}


def _out(text: str = "") -> None:
    print(text)


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _out_json(data: bytes) -> None:
    """JSON lines, exact; on a terminal, with bidi marks and C1 controls escaped so it cannot act on them.

    Piped to a program, the bytes go as they are: escaping costs a scan of every byte.
    """
    sys.stdout.buffer.write(safe_json(data) if sys.stdout.isatty() else data)


# --- open ---------------------------------------------------------------------------------


def open_reader(home: Home, paths: list[Path], *, year: int | None, start: str = "reader") -> int:
    """Runs the app; `start="review"` goes straight into a review session and leaves after it."""
    missing = [path for path in paths if not path.exists()]
    for path in missing:
        _err(f"paperdeck: {path}: no such file or folder")
    if missing:
        return EXIT_USAGE
    from tui.ui.app import PaperdeckApp

    store = _open_store(home, quiet=True)
    if store is None:
        return EXIT_USAGE
    store.close_on_exit()
    try:
        from tui.library.watch import LibraryWatch

        # Before the library is read: a file that arrives meanwhile is seen at the first poll.
        watch = LibraryWatch(home, paths, year=year)
        files, showing_samples = library_files(home, paths)
        library = load_library_cached(
            files,
            home.cache / "library.marshal",
            year=year,
            abstracts_later=True,
            progress=partial(progress_bar, "Reading the digests"),
        )
        freeze_heap()
        app = PaperdeckApp(library, home=home, store=store, showing_samples=showing_samples, start=start, watch=watch)
        if os.environ.get(ENV_EXIT_AFTER_START):
            # For scripted first-run checks: start without a terminal, paint once, leave.
            app.exit_after_start = True
            app.run(headless=True)
            _out(f"paperdeck started: {len(library)} papers, {len(library.by_date)} digest dates")
        else:
            app.run()
    finally:
        saved = store.close()
    if not saved:
        _err(f"paperdeck: could not save {store.path}: {store.last_error}; your last changes are not on disk")
        return EXIT_ERRORS
    return EXIT_OK


def _open_store(home: Home, *, quiet: bool = False) -> Store | None:
    """The home's store, with what opening it said printed (unless the app will show it)."""
    try:
        home.root.mkdir(parents=True, exist_ok=True)
        store = Store.open(home.store)
    except StoreError as exc:
        _err(f"paperdeck: {exc}")
        return None
    if not quiet:
        for message in store.report.messages:
            _err(f"paperdeck: {visible(message)}")
    return store


# --- review and stats ----------------------------------------------------------------------


def review(home: Home, *, year: int | None) -> int:
    return open_reader(home, [], year=year, start="review")


def stats(home: Home, *, as_json: bool) -> int:
    """Prints the review calendar, the forecast and the numbers, as the stats screen shows them."""
    from rich.console import Console

    from tui.charts import forecast_chart, heatmap, weeks_that_fit
    from tui.review.deck import Deck, review_day
    from tui.review.stats import compute_stats
    from tui.settings import ReviewSettings
    from tui.ui.screens.stats import stats_text

    store = _open_store(home)
    if store is None:
        return EXIT_USAGE
    try:
        deck = Deck(store, ReviewSettings.from_store(store))
        now = deck.clock()
        figures = compute_stats(deck, now)
    finally:
        store.close()
    if as_json:
        document = {
            "reviews_per_day": {day.isoformat(): count for day, count in sorted(figures.reviews_per_day.items())},
            "forecast": figures.forecast,
            "by_status": figures.by_status,
            "true_retention": figures.true_retention,
            "retention_answers": figures.retention_answers,
            "average_retrievability": figures.average_retrievability,
            "total_reviews": figures.total_reviews,
            "time_spent_ms": figures.time_spent_ms,
            "streak_days": figures.streak_days,
        }
        sys.stdout.buffer.write(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
        return EXIT_OK
    console = Console(highlight=False)
    today = review_day(now, deck.settings.day_start_hour)
    weeks = weeks_that_fit(console.width)
    console.print(f"Reviews in the last year · {figures.total_reviews} in all", style="bold")
    for line in heatmap(figures.reviews_per_day, today, HEAT_PALETTE, weeks=weeks):
        console.print(line, no_wrap=True, crop=True)
    console.print()
    console.print("Cards due in the next 30 days", style="bold")
    for line in forecast_chart(figures.forecast, "cyan", console.width):
        console.print(line, no_wrap=True, crop=True)
    console.print()
    console.print(stats_text(figures), end="")
    return EXIT_OK


def settings(home: Home, name: str | None, value: str | None) -> int:
    """Prints the settings, or one, or sets one (`paperdeck settings new_per_day 20`)."""
    from tui.settings import SETTINGS, setting_named

    try:
        chosen = [setting_named(name)] if name is not None else list(SETTINGS)
        new_value = chosen[0].parse(value) if value is not None else None
    except ValueError as exc:
        _err(f"paperdeck: {exc}")
        return EXIT_USAGE
    store = _open_store(home)
    if store is None:
        return EXIT_USAGE
    try:
        if value is not None:
            try:
                chosen[0].write(store, new_value)
            except StoreError as exc:
                _err(f"paperdeck: {exc}")
                return EXIT_USAGE
        values = {setting.name: setting.read(store) for setting in chosen}
    finally:
        saved = store.close()
    if not saved:
        _err(f"paperdeck: could not save {store.path}: {store.last_error}")
        return EXIT_ERRORS
    for setting in chosen:
        shown = setting.show(values[setting.name])
        _out(f"{setting.name:<20} {shown:<15} {setting.help}" if value is None else f"{setting.name} = {shown}")
    return EXIT_OK


# The GitHub calendar's greens, for a terminal whose theme paperdeck cannot know.
HEAT_PALETTE = ["grey30", "#0e4429", "#006d32", "#26a641", "#39d353"]


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
    )


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
            found = digest_files(path)
            if not found:
                _err(f"paperdeck: {path}: no digest files (.txt, .json) in this folder")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            _err(f"paperdeck: {path}: no such file or folder")
            status = EXIT_USAGE
    totals = {"papers": 0, "errors": 0, "warnings": 0}
    for checked in _check_files(files, year, as_json, jobs):
        if not checked.readable:
            _err(checked.report)
            status = EXIT_USAGE
            continue
        totals["papers"] += checked.papers
        totals["errors"] += checked.errors
        totals["warnings"] += checked.warnings
        if as_json:
            _out_json(checked.json_lines)
            for line in checked.diagnostics:
                _err(line)
        else:
            _out(checked.report)
            for line in checked.diagnostics:
                _out(f"  {line}")
        if checked.errors and status == EXIT_OK:
            status = EXIT_ERRORS
    summary = (
        f"{len(files)} file(s), {totals['papers']} paper(s), "
        f"{totals['errors']} error(s), {totals['warnings']} warning(s)"
    )
    if as_json:
        sys.stdout.flush()
        _err(summary)
    else:
        _out(summary)
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


# --- add ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Incoming:
    """A digest to import: its bytes and the name it arrived under."""

    name: str
    data: bytes
    origin: str  # what the user typed, for messages
    modified: date | None = None


def add(home: Home, raw_paths: list[str], *, year: int | None) -> int:
    status = EXIT_OK
    incoming: list[Incoming] = []
    for raw in raw_paths:
        try:
            incoming.extend(_collect(raw))
        except OSError as exc:
            _err(f"paperdeck: {raw}: cannot read: {exc.strerror or exc}")
            status = EXIT_USAGE
    if not incoming:
        return status or EXIT_USAGE
    home.ensure()
    existing_files = digest_files(home.library)
    known: dict[str, Path] = {}
    library = Library()
    with progress_bar("Reading the library", len(existing_files)) as advance:
        for path in existing_files:
            try:
                data = path.read_bytes()
                modified = date.fromtimestamp(path.stat().st_mtime)
            except OSError as exc:
                library.add_result(unreadable(path, exc))
            else:
                known[hashlib.sha256(data).hexdigest()] = path
                library.add_result(parse_bytes(data, str(path), modified=modified))
            advance()
    totals = {"files": 0, "new": 0, "merged": 0}
    with progress_bar("Importing", len(incoming)) as advance:
        for item in incoming:
            status = max(status, _add_one(home, item, year, known, library, totals))
            advance()
    _out(f"added {totals['files']} file(s): {totals['new']} new paper(s), {totals['merged']} merged")
    return status


def _add_one(
    home: Home, item: Incoming, year: int | None, known: dict[str, Path], library: Library, totals: dict[str, int]
) -> int:
    """Imports one file unless the library has it already; returns the exit status it earns."""
    status = EXIT_OK
    digest = hashlib.sha256(item.data).hexdigest()
    if digest in known:
        _out(f"{visible(item.origin)}: already in the library as {known[digest].name}, skipped")
        return status
    result = parse_bytes(item.data, item.origin, year=year, modified=item.modified)
    for diagnostic in result.diagnostics:
        _out(f"  {visible(str(diagnostic))}")
    if result.errors:
        status = max(status, EXIT_ERRORS)
    if not result.entries:
        _out(f"{visible(item.origin)}: no papers found, not imported")
        return EXIT_ERRORS
    target = _free_name(home.library, _library_name(item, result))
    _write_new(target, item.data)
    known[digest] = target
    new, merged = library.add_result(result)
    totals["files"] += 1
    totals["new"] += new
    totals["merged"] += merged
    _out(
        f"{visible(item.origin)}: {FORMAT_NAMES[result.format]}, {len(result.entries)} paper(s): "
        f"{new} new, {merged} merged with papers already known -> {target.name}"
    )
    return status


# Fewer files than this go by too fast for a progress bar to help.
PROGRESS_MIN_FILES = 10


@contextmanager
def progress_bar(description: str, total: int) -> Iterator[Callable[[], None]]:
    """A rich progress bar on standard error while `total` files are worked through; yields
    the function to call after each. Only on a terminal, and only for enough files."""
    if total < PROGRESS_MIN_FILES or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        # Lines printed meanwhile go above the bar when they share its terminal; into a pipe
        # they go straight on.
        redirect_stdout=sys.stdout.isatty(),
        redirect_stderr=False,
    ) as progress:
        task = progress.add_task(description, total=total)
        yield lambda: progress.advance(task)


def _collect(raw: str) -> list[Incoming]:
    if raw == "-":
        return [Incoming("stdin.txt", sys.stdin.buffer.read(), "<stdin>")]
    path = Path(raw)
    files = digest_files(path) if path.is_dir() else [path]
    return [_incoming_file(file, str(file) if path.is_dir() else raw) for file in files]


def _incoming_file(path: Path, origin: str) -> Incoming:
    return Incoming(path.name, path.read_bytes(), origin, date.fromtimestamp(path.stat().st_mtime))


def _library_name(item: Incoming, result: ParseResult) -> str:
    """The file name in the library: as given, or for stdin one that says what it holds."""
    if item.origin != "<stdin>":
        return item.name
    dates = result.digest_dates
    stem = dates[0].isoformat() if dates else date.today().isoformat()
    suffix = ".json" if result.format in (DigestFormat.HF_API, DigestFormat.EXPORT) else ".txt"
    return f"{stem}.{result.format.value}{suffix}"


def _free_name(folder: Path, name: str) -> Path:
    """`name` in `folder`, or `stem-2.txt`, `stem-3.txt`... if taken by a different file."""
    target = folder / name
    stem, suffix = target.stem, target.suffix or ".txt"
    counter = 2
    while target.exists():
        target = folder / f"{stem}-{counter}{suffix}"
        counter += 1
    return target


def _write_new(target: Path, data: bytes) -> None:
    """Writes a new library file completely or not at all."""
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    partial.replace(target)


# --- list ---------------------------------------------------------------------------------


def list_papers(
    home: Home,
    *,
    date_filter: str | None,
    tag: str | None,
    as_json: bool,
    starred: bool = False,
    unread: bool = False,
) -> int:
    store = _open_store(home)
    if store is None:
        return EXIT_USAGE
    states = store.paper_states()
    store.close()
    files, showing_samples = library_files(home)
    if showing_samples:
        _err("paperdeck: the library is empty; listing the bundled sample digests (add yours with 'paperdeck add')")
    library = load_library(files)
    try:
        papers = filter_papers(library, date_filter=date_filter, tag=tag, states=states)
    except ValueError as exc:
        _err(f"paperdeck: {exc}")
        return EXIT_USAGE
    blank = PaperState()
    if starred:
        papers = [p for p in papers if states.get(p.id, blank).starred]
    if unread:
        papers = [p for p in papers if not states.get(p.id, blank).read]
    if as_json:
        _out_json(b"".join(orjson.dumps(paper) + b"\n" for paper in papers))
    else:
        for paper in papers:
            day = paper.digest_dates[-1].isoformat() if paper.digest_dates else "-"
            tags = " ".join(f"#{t}" for t in paper.tags)
            _out(f"{day}\t{paper.id}\t{one_line(paper.title)}\t{one_line(tags)}")
    return EXIT_OK


def filter_papers(
    library: Library,
    *,
    date_filter: str | None,
    tag: str | None,
    states: Mapping[str, PaperState] | None = None,
) -> list[Paper]:
    """Papers of a digest date (or month, or year) and with a tag, the user's tags included."""
    papers: Iterable[Paper] = library.sorted_papers()
    if date_filter:
        prefix = _date_prefix(date_filter)
        papers = [p for p in papers if any(d.isoformat().startswith(prefix) for d in p.digest_dates)]
    if tag:
        wanted = tag.lstrip("#").lower()
        states = states or {}
        papers = [p for p in papers if wanted in p.tags or (p.id in states and wanted in states[p.id].tags)]
    return list(papers)


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
        _err(f"paperdeck: {exc}")
        return EXIT_USAGE
    days = [day for day in days if day <= date.today()]
    if not days:
        _err(f"paperdeck: {'--week ' + week if week else '--date ' + str(day_text)}: that is still to come")
        return EXIT_USAGE
    home.ensure()
    status = EXIT_OK
    for day in days:
        try:
            fetched = api.fetch_day(base, day, timeout=timeout)
        except api.FetchError as exc:
            _err(f"paperdeck: {day.isoformat()}: {visible(str(exc))} Nothing saved.")
            status = EXIT_ERRORS
            if exc.offline:
                break
            continue
        papers = len(fetched.result.entries)
        if not papers:
            _out(f"{day.isoformat()}: no papers that day; nothing saved")
            continue
        target = home.library / api.file_name(day)
        if target.exists() and target.read_bytes() == fetched.data:
            _out(f"{day.isoformat()}: {papers} paper(s), unchanged since the last fetch")
            continue
        replacing = target.exists()
        write_atomically(target, fetched.data)
        for diagnostic in fetched.result.diagnostics:
            _out(f"  {visible(str(diagnostic))}")
        _out(f"{day.isoformat()}: {papers} paper(s) -> {target.name}{' (replaced)' if replacing else ''}")
    return status


def _fetch_day(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"--date: {text!r} is not a date like 2025-06-11") from None


# --- export -------------------------------------------------------------------------------


def export_papers(home: Home, *, format_name: str, starred: bool, query_text: str | None, output: Path | None) -> int:
    """Writes the library's papers (all, starred, or those a filter keeps) in an export format."""
    from tui import export
    from tui.query import Matcher, QueryError, parse_query
    from tui.state.atomic import write_atomically

    try:
        query = parse_query(query_text or "")
    except QueryError as exc:
        _err(f"paperdeck: --query: {exc}")
        return EXIT_USAGE
    store = _open_store(home)
    if store is None:
        return EXIT_USAGE
    try:
        states = store.paper_states()
        cards = {paper_id: export.card_summary(doc) for paper_id, doc in store.card_documents().items()}
        from tui.settings import COMMENTARY_LANGUAGE  # the reader's choice, remembered

        language = COMMENTARY_LANGUAGE.read(store)
        due: set[str] = set()
        if "due" in query.flags:
            from tui.review.deck import Deck
            from tui.settings import ReviewSettings

            due = set(Deck(store, ReviewSettings.from_store(store)).session_queue())
    finally:
        store.close()
    files, showing_samples = library_files(home)
    if showing_samples:
        _err("paperdeck: the library is empty; exporting the bundled sample digests (add yours with 'paperdeck add')")
    library = load_library(files)
    blank = PaperState()
    ids = [paper_id for paper_id in library.order if not starred or states.get(paper_id, blank).starred]
    matcher = Matcher(library, lambda paper_id: states.get(paper_id, blank), due.__contains__)
    ids = matcher.filter(ids, query)
    items = [export.Exported(library.papers[i], states.get(i, blank), cards.get(i)) for i in ids]
    data = export.export(format_name, items, language=language)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        _err(f"exported {len(items)} paper(s)")
        return EXIT_OK
    write_atomically(output, data)
    _err(f"exported {len(items)} paper(s) to {visible(str(output))}")
    return EXIT_OK


# --- backup and restore ---------------------------------------------------------------------


def backup(home: Home, target: Path, *, force: bool) -> int:
    """Writes the home's store, review log, library and themes into one archive."""
    from tui.backup import BackupError, write_backup

    if target.exists() and not force:
        _err(f"paperdeck: {target} exists; give --force to replace it")
        return EXIT_USAGE
    store = None
    if home.store.exists():
        # Holding the store's lock keeps another paperdeck from writing while the files are read.
        store = _open_store(home, quiet=True)
        if store is None:
            return EXIT_USAGE
        if store.read_only:
            _err(
                f"paperdeck: {visible(store.report.read_only_because or 'the store is in use')}; "
                "the backup holds what it has saved so far"
            )
    try:
        summary = write_backup(home, target)
    except BackupError as exc:
        _err(f"paperdeck: {visible(str(exc))}")
        return EXIT_USAGE
    finally:
        if store is not None:
            store.close()
    _out(
        f"backed up {summary.files} file(s) ({summary.library_files} digest(s)) to {visible(str(target))}, "
        f"{summary.size:,} bytes"
    )
    return EXIT_OK


def restore(home: Home, source: Path, *, force: bool) -> int:
    """Brings a backup back into the home; replaces an existing store or library only with --force."""
    from tui.backup import BackupError, home_in_use, read_backup
    from tui.backup import restore as put_back

    try:
        files = read_backup(source)
    except BackupError as exc:
        _err(f"paperdeck: {visible(str(exc))}; nothing changed")
        return EXIT_USAGE
    in_use = home_in_use(home)
    if in_use and not force:
        _err(
            f"paperdeck: {visible(str(home.root))} already holds {', '.join(in_use)}; "
            "give --force to replace them (they are moved aside, not deleted)"
        )
        return EXIT_USAGE
    if home.root.is_dir():
        # A running paperdeck holds the store's lock (even before its first save).
        store = _open_store(home, quiet=True)
        if store is None:
            return EXIT_USAGE
        in_other_hands = store.read_only
        store.close()
        if in_other_hands:
            _err(
                f"paperdeck: {visible(store.report.read_only_because or 'the store is in use')}; "
                "quit it before restoring; nothing changed"
            )
            return EXIT_USAGE
    aside = put_back(files, home)
    digests = sum(1 for name in files if name.startswith("library/"))
    _out(
        f"restored {len(files)} file(s) ({digests} digest(s)) from {visible(str(source))} into {visible(str(home.root))}"
    )
    if aside is not None:
        _out(f"what was there before is in {visible(str(aside))}")
    return EXIT_OK
