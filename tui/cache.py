"""The parse cache: the merged library saved after a cold start, so a warm start parses nothing.

The file is a header (everything but the abstracts) and then the abstracts in chunks, each
part prefixed with its length, so that the reader can paint before the abstracts are in.

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
from typing import BinaryIO

from tui.library import Library, load_library
from tui.model import Diagnostic, DigestFormat, Paper, Severity
from tui.parse import PARSER_VERSION, ParseResult
from tui.storage import write_atomically

CACHE_FORMAT = 2
ABSTRACTS_PER_CHUNK = 5_000
_ordinal = date.fromordinal

Key = tuple[int, int, int | None, tuple[tuple[str, int, int], ...]]


def cache_key(files: list[Path], year: int | None) -> Key | None:
    """What the cache must match; None if a file cannot be examined (then no cache)."""
    try:
        stats = tuple((str(path), (stat := path.stat()).st_size, stat.st_mtime_ns) for path in files)
    except OSError:
        return None
    return (CACHE_FORMAT, PARSER_VERSION, year, stats)


def load_cached(cache_file: Path, key: Key, *, abstracts_later: bool = False) -> Library | None:
    """The library saved under `key`, or None when there is none, it is stale or damaged.

    With `abstracts_later`, papers come without their abstracts (most of the file's bytes)
    and `library.pending_abstracts` loads them when called, so the first screen can be
    painted sooner.
    """
    # Millions of objects are made here and all of them live on: collecting in between
    # would only walk them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        library = _load_cached(cache_file, key)
    finally:
        if collecting:
            gc.enable()
    if library is not None and not abstracts_later and library.pending_abstracts is not None:
        if not library.pending_abstracts():
            return None
    return library


def _load_cached(cache_file: Path, key: Key) -> Library | None:
    try:
        with open(cache_file, "rb") as handle:
            header = _read_part(handle)
            abstracts_at = handle.tell()
        saved_key, records, by_date, by_tag, results = marshal.loads(header)
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
    order = [record[0] for record in records]
    library.pending_abstracts = lambda: _load_abstracts(cache_file, abstracts_at, order, papers)
    return library


def _load_abstracts(cache_file: Path, offset: int, order: list[str], papers: dict[str, Paper]) -> bool:
    """Fills in the abstracts, a chunk at a time; False if the file let us down on the way."""
    try:
        with open(cache_file, "rb") as handle:
            handle.seek(offset)
            position = 0
            while position < len(order):
                # One chunk at a time: marshal holds the GIL while it loads, so small
                # chunks leave the UI thread room between them.
                chunk = marshal.loads(_read_part(handle))
                for paper_id, abstract in zip(order[position : position + len(chunk)], chunk, strict=False):
                    papers[paper_id].abstract = abstract
                position += len(chunk)
                if not chunk:
                    return False
    except (OSError, EOFError, ValueError, TypeError):
        # Damaged after the header: make sure the next start parses afresh.
        try:
            os.unlink(cache_file)
        except OSError:
            pass
        return False
    return True


def _read_part(handle: BinaryIO) -> bytes:
    size = int.from_bytes(handle.read(8), "little")
    if size > os.fstat(handle.fileno()).st_size - handle.tell():
        raise EOFError("cache file cut short")
    data = handle.read(size)
    if len(data) != size or size == 0:
        raise EOFError("cache file cut short")
    return data


def _part(data: bytes) -> bytes:
    return len(data).to_bytes(8, "little") + data


def save(cache_file: Path, key: Key, library: Library) -> None:
    """Saves the library under `key`; a cache that cannot be written is simply not there."""
    papers = list(library.papers.values())
    header = marshal.dumps(
        (
            key,
            [_record(paper) for paper in papers],
            [(day.toordinal(), ids) for day, ids in library.by_date.items()],
            list(library.by_tag.items()),
            [
                (r.path, r.format.value, [(d.path, d.line, d.severity.value, d.message) for d in r.diagnostics])
                for r in library.results
            ],
        )
    )
    chunks = [
        _part(marshal.dumps(tuple(paper.abstract for paper in papers[start : start + ABSTRACTS_PER_CHUNK])))
        for start in range(0, len(papers), ABSTRACTS_PER_CHUNK)
    ]
    data = b"".join([_part(header), *chunks])
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
    (id_, title, authors, count, org, ko, en, tags, days, published, upvotes, links, sources) = record
    return Paper(
        id_,
        title,
        authors,
        count,
        org,
        "",  # the abstract: see _load_abstracts
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


def load_library_cached(
    files: list[Path], cache_file: Path, *, year: int | None = None, abstracts_later: bool = False
) -> Library:
    """The library of `files`: from the cache when it matches, else parsed and then cached."""
    key = cache_key(files, year)
    library = load_cached(cache_file, key, abstracts_later=abstracts_later) if key is not None else None
    if library is None:
        library = load_library(files, year=year)
        if key is not None:
            save(cache_file, key, library)
    return library
