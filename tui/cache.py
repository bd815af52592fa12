"""The parse cache: the merged library saved after a cold start, so a warm start parses nothing.

One file, `cache/library.marshal` in the data home, keyed by every digest file's path, size
and modification time, the parser version and the year option. Any difference and the
library is parsed afresh. It holds derived data only: deleting it, or finding it damaged,
costs one slow start and nothing else.

marshal rather than pickle or JSON: it loads tuples of strings and ints several times faster,
and a warm start at 100,000 papers is mostly this load.
"""

from __future__ import annotations

import gc
import marshal
import os
from datetime import date
from pathlib import Path

from tui.library import Library, load_library
from tui.model import Diagnostic, DigestFormat, Paper, Severity
from tui.parse import PARSER_VERSION, ParseResult
from tui.storage import write_atomically

CACHE_FORMAT = 1
_ordinal = date.fromordinal

Key = tuple[int, int, int | None, tuple[tuple[str, int, int], ...]]


def cache_key(files: list[Path], year: int | None) -> Key | None:
    """What the cache must match; None if a file cannot be examined (then no cache)."""
    try:
        stats = tuple((str(path), (stat := path.stat()).st_size, stat.st_mtime_ns) for path in files)
    except OSError:
        return None
    return (CACHE_FORMAT, PARSER_VERSION, year, stats)


def load_cached(cache_file: Path, key: Key) -> Library | None:
    """The library saved under `key`, or None when there is none, it is stale or damaged."""
    # Millions of objects are made here and all of them live on: collecting in between
    # would only walk them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_cached(cache_file, key)
    finally:
        if collecting:
            gc.enable()


def _load_cached(cache_file: Path, key: Key) -> Library | None:
    try:
        data = cache_file.read_bytes()
        saved_key, records, by_date, by_tag, results = marshal.loads(data)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if saved_key != key:
        return None
    try:
        papers = {record[0]: _paper(record) for record in records}
        library = Library(papers=papers, results=[_result(result) for result in results])
        library.by_date = {_ordinal(day): list(ids) for day, ids in by_date}
        library.by_tag = {tag: list(ids) for tag, ids in by_tag}
    except (TypeError, ValueError, IndexError):
        return None
    return library


def save(cache_file: Path, key: Key, library: Library) -> None:
    """Saves the library under `key`; a cache that cannot be written is simply not there."""
    data = marshal.dumps(
        (
            key,
            [_record(paper) for paper in library.papers.values()],
            [(day.toordinal(), ids) for day, ids in library.by_date.items()],
            list(library.by_tag.items()),
            [
                (r.path, r.format.value, [(d.path, d.line, d.severity.value, d.message) for d in r.diagnostics])
                for r in library.results
            ],
        )
    )
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(cache_file, data)
    except OSError:
        try:
            os.unlink(cache_file)
        except OSError:
            pass


def _record(paper: Paper) -> tuple:
    return (
        paper.id,
        paper.title,
        paper.authors,
        paper.authors_count,
        paper.org,
        paper.abstract,
        paper.commentary_ko,
        paper.commentary_en,
        paper.tags,
        tuple(day.toordinal() for day in paper.digest_dates),
        paper.published.toordinal() if paper.published else None,
        paper.upvotes,
        paper.links,
        paper.sources,
    )


def _paper(record: tuple) -> Paper:
    (id_, title, authors, count, org, abstract, ko, en, tags, days, published, upvotes, links, sources) = record
    return Paper(
        id_,
        title,
        authors,
        count,
        org,
        abstract,
        ko,
        en,
        tags,
        tuple(map(_ordinal, days)),
        _ordinal(published) if published else None,
        upvotes,
        links,
        sources,
    )


def _result(saved: tuple) -> ParseResult:
    path, fmt, diagnostics = saved
    return ParseResult(
        path,
        DigestFormat(fmt),
        (),  # the entries live on merged into the papers
        tuple(Diagnostic(p, line, Severity(severity), message) for p, line, severity, message in diagnostics),
    )


def load_library_cached(files: list[Path], cache_file: Path, *, year: int | None = None) -> Library:
    """The library of `files`: from the cache when it matches, else parsed and then cached."""
    key = cache_key(files, year)
    library = load_cached(cache_file, key) if key is not None else None
    if library is None:
        library = load_library(files, year=year)
        if key is not None:
            save(cache_file, key, library)
    return library
