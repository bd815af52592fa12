"""The parse cache: the merged library saved after a cold start, so a warm start parses nothing.

One file, `cache/library.marshal` in the data home, keyed by every digest file's path, size
and modification time, the parser version and the year option. Any difference and the
library is parsed afresh. It holds derived data only: deleting it, or finding it damaged,
costs one slow start and nothing else.

The file is three parts, each prefixed with its length:
    header     the key, the names of Paper's fields, the paper ids newest first, the date and
               tag indexes, the diagnostics, and where each paper's record starts in the records part
    records    one marshalled list per paper, back to back: its fields' values in the order of
               those names, dates as ordinals, the abstract left empty
    abstracts  in chunks, read after the first screen is painted
A warm start loads the header and maps the records: a paper becomes a `Paper`
object only when something asks for it, so the first screen costs the rows it shows rather
than 100,000 objects.

marshal rather than pickle or JSON: it loads tuples of strings and ints several times faster.
"""

from __future__ import annotations

import dataclasses
import marshal
import mmap
import os
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import BinaryIO, NamedTuple, get_type_hints

from tui.library.files import load_library
from tui.library.merge import Library
from tui.model import Diagnostic, DigestFormat, Paper, Severity
from tui.parse import PARSER_VERSION, ParseResult
from tui.runtime import collector_paused
from tui.state.atomic import write_atomically

CACHE_FORMAT = 5
ABSTRACTS_PER_CHUNK = 5_000
_ordinal = date.fromordinal

Key = tuple[int, int, int | None, tuple[tuple[str, int, int], ...]]


def cache_key(files: list[Path], year: int | None) -> Key | None:
    """What the cache must match; None if a file cannot be examined (then no cache)."""
    try:
        # os.stat on the path's string: a library is thousands of files, and pathlib's own
        # stat() costs twice as much per file.
        names = [os.fspath(path) for path in files]
        stats = tuple((name, (stat := os.stat(name)).st_size, stat.st_mtime_ns) for name in names)
    except OSError:
        return None
    return (CACHE_FORMAT, PARSER_VERSION, year, stats)


class CachedPapers(Mapping[str, Paper]):
    """The papers of a cached library by id; each is made from its saved record when first asked for.

    Iterates in the library's order, newest digest first. Safe to read from worker threads.
    """

    def __init__(self, ids: list[str], records: memoryview, starts: array, by_id: array) -> None:
        self._ids = ids  # the library's order, then undated papers; record i is the paper ids[i]
        self._records = records
        self._starts = starts  # record i is _records[_starts[i] : _starts[i + 1]]
        self._by_id = by_id  # record numbers in the order of their ids, for bisection
        self._made: dict[str, Paper] = {}
        self._abstracts: Sequence[str] | None = None

    def _number(self, paper_id: str) -> int:
        """The record number of a paper, or -1 when the library has no such paper."""
        ids, by_id = self._ids, self._by_id
        at = bisect_left(by_id, paper_id, key=ids.__getitem__)
        return by_id[at] if at < len(by_id) and ids[by_id[at]] == paper_id else -1

    def __getitem__(self, paper_id: str) -> Paper:
        paper = self._made.get(paper_id)
        if paper is not None:
            return paper
        number = self._number(paper_id)
        if number < 0:
            raise KeyError(paper_id)
        record = marshal.loads(self._records[self._starts[number] : self._starts[number + 1]])
        paper = self._made.setdefault(paper_id, _paper(record))  # another thread may have won
        abstracts = self._abstracts
        if abstracts is not None and not paper.abstract:
            # Checked after the paper is in _made: set_abstracts either saw it there or set
            # _abstracts before this line read it.
            paper.abstract = abstracts[number]
        return paper

    def __contains__(self, paper_id: object) -> bool:
        return isinstance(paper_id, str) and (paper_id in self._made or self._number(paper_id) >= 0)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def set_abstracts(self, abstracts: Sequence[str]) -> None:
        """Gives every paper, made already or not, its abstract (record order)."""
        self._abstracts = abstracts
        for paper_id, paper in list(self._made.items()):
            paper.abstract = abstracts[self._number(paper_id)]


def load_cached(cache_file: Path, key: Key, *, abstracts_later: bool = False) -> Library | None:
    """The library saved under `key`, or None when there is none, it is stale or damaged.

    With `abstracts_later`, papers come without their abstracts (most of the file's bytes)
    and `library.pending_abstracts` loads them when called, so the first screen can be
    painted sooner.
    """
    # Many objects are made here and all of them live on: collecting in between would only
    # walk them again and again.
    with collector_paused():
        library = _load_cached(cache_file, key)
    if library is not None and not abstracts_later and library.pending_abstracts is not None:
        if not library.pending_abstracts():
            return None
    return library


def _load_cached(cache_file: Path, key: Key) -> Library | None:
    try:
        with open(cache_file, "rb") as handle:
            header = _read_part(handle)
            saved_key, fields, ids, dated, starts, by_id, by_date, by_tag, results = marshal.loads(header)
            # Records saved for other fields would put values in the wrong ones.
            if saved_key != key or fields != _CODEC.fields:
                return None
            records = _map_part(handle)
            abstracts_at = handle.tell()
        papers = CachedPapers(ids, records, _numbers(starts), _numbers(by_id))
        if len(papers._starts) != len(ids) + 1 or len(papers._by_id) != len(ids):
            return None
        order = ids if dated == len(ids) else ids[:dated]
        library = Library(papers=papers, results=[_result(result) for result in results], order=order)
        library.by_date = {_ordinal(day): day_ids for day, day_ids in by_date}
        library.by_tag = dict(by_tag)
    except (OSError, EOFError, ValueError, TypeError, IndexError):
        return None
    library.pending_abstracts = lambda: _load_abstracts(cache_file, abstracts_at, papers)
    return library


def _numbers(data: bytes) -> array:
    numbers = array("I")
    numbers.frombytes(data)
    return numbers


def _load_abstracts(cache_file: Path, offset: int, papers: CachedPapers) -> bool:
    """Fills in the abstracts; False if the file let us down on the way."""
    abstracts: list[str] = []
    try:
        with open(cache_file, "rb") as handle:
            handle.seek(offset)
            while len(abstracts) < len(papers):
                # One chunk at a time: marshal holds the GIL while it loads, so small
                # chunks leave the UI thread room between them.
                chunk = marshal.loads(_read_part(handle))
                if not chunk:
                    raise EOFError("empty chunk")
                abstracts.extend(chunk)
    except (OSError, EOFError, ValueError, TypeError):
        # Damaged after the header: make sure the next start parses afresh.
        try:
            os.unlink(cache_file)
        except OSError:
            pass
        return False
    papers.set_abstracts(abstracts)
    return True


def _read_part(handle: BinaryIO) -> bytes:
    size = int.from_bytes(handle.read(8), "little")
    if size > os.fstat(handle.fileno()).st_size - handle.tell():
        raise EOFError("cache file cut short")
    data = handle.read(size)
    if len(data) != size or size == 0:
        raise EOFError("cache file cut short")
    return data


def _map_part(handle: BinaryIO) -> memoryview:
    """The next part, mapped rather than read: only the pages of papers asked for are touched."""
    size = int.from_bytes(handle.read(8), "little")
    start = handle.tell()
    if size == 0 or size > os.fstat(handle.fileno()).st_size - start:
        raise EOFError("cache file cut short")
    # A file written anew later replaces this one by a rename; the mapping keeps the old one.
    mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    handle.seek(start + size)
    return memoryview(mapped)[start : start + size]


def _part(data: bytes) -> bytes:
    return len(data).to_bytes(8, "little") + data


def save(cache_file: Path, key: Key, library: Library) -> None:
    """Saves the library under `key`; a cache that cannot be written is simply not there."""
    # Newest first, then any paper no digest gave a date (no view lists those).
    ordered = set(library.order)
    papers = library.sorted_papers() + [paper for paper in library.papers.values() if paper.id not in ordered]
    # One string object per id, so that marshal writes each id once and refers back to it.
    ids = {paper.id: paper.id for paper in papers}
    records = [marshal.dumps(_record(paper)) for paper in papers]
    starts = array("I", [0])
    for record in records:
        starts.append(starts[-1] + len(record))
    header = marshal.dumps(
        (
            key,
            _CODEC.fields,
            list(ids),
            len(library.order),
            starts.tobytes(),
            array("I", sorted(range(len(papers)), key=lambda number: papers[number].id)).tobytes(),
            [(day.toordinal(), [ids[i] for i in day_ids]) for day, day_ids in library.by_date.items()],
            [(tag, [ids[i] for i in tag_ids]) for tag, tag_ids in library.by_tag.items()],
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
    data = b"".join([_part(header), _part(b"".join(records) or b"\0"), *chunks])
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(cache_file, data)
    except OSError:
        try:
            os.unlink(cache_file)
        except OSError:
            pass


def _ordinals(days: tuple[date, ...]) -> tuple[int, ...]:
    return tuple(map(date.toordinal, days))


def _days(ordinals: tuple[int, ...]) -> tuple[date, ...]:
    return tuple(map(_ordinal, ordinals))


# The field types marshal cannot save, each with how it is saved and read back. No date's
# ordinal is 0, so a value that is falsy (None, no dates) is saved as it is.
_CONVERTED: dict[object, tuple[Callable, Callable]] = {
    date | None: (date.toordinal, _ordinal),
    tuple[date, ...]: (_ordinals, _days),
}
_MARSHALLED: set[object] = {str, str | None, int, int | None, tuple[str, ...]}
# Saved apart, in chunks read after the first screen is painted; a record leaves it empty.
_APART = "abstract"


class RecordCodec(NamedTuple):
    """How papers are saved as records: lists of their fields' values, in the order of `fields`."""

    fields: tuple[str, ...]
    record: Callable[[Paper], list]
    paper: Callable[[list], Paper]


def record_codec(cls: type[Paper]) -> RecordCodec:
    """The codec that follows the fields of `cls` (Paper, or a dataclass that extends it)."""
    hints = get_type_hints(cls)
    names = tuple(paper_field.name for paper_field in dataclasses.fields(cls))
    encoded, decoded = [], []
    for at, name in enumerate(names):
        if hints[name] in _CONVERTED:
            encode, decode = _CONVERTED[hints[name]]
            encoded.append((at, encode))
            decoded.append((at, decode))
        elif hints[name] not in _MARSHALLED:
            raise TypeError(f"the parse cache cannot save {cls.__name__}.{name}: {hints[name]}")
    apart = names.index(_APART)
    values = attrgetter(*names)

    def record(paper: Paper) -> list:
        saved = list(values(paper))
        saved[apart] = ""
        for at, encode in encoded:
            if saved[at]:
                saved[at] = encode(saved[at])
        return saved

    # Positional, in the order of `names`, which a header's saved names must equal before its
    # records are read: by keyword, making a paper takes two thirds as long again.
    def paper(record: list) -> Paper:
        for at, decode in decoded:
            if record[at]:
                record[at] = decode(record[at])
        return cls(*record)

    return RecordCodec(names, record, paper)


_CODEC = record_codec(Paper)
_record = _CODEC.record
_paper = _CODEC.paper


def _result(saved: tuple) -> ParseResult:
    path, fmt, diagnostics = saved
    return ParseResult(
        path,
        DigestFormat(fmt),
        (),  # the entries live on merged into the papers
        tuple(Diagnostic(p, line, Severity(severity), message) for p, line, severity, message in diagnostics),
    )


def load_library_cached(
    files: list[Path],
    cache_file: Path,
    *,
    year: int | None = None,
    abstracts_later: bool = False,
    progress: Callable[[int], AbstractContextManager[Callable[[], None]]] | None = None,
) -> Library:
    """The library of `files`: from the cache when it matches, else parsed and then cached.

    `progress(total)`, when given, is entered around a parse and yields the function to call
    after each file; a library from the cache needs none.
    """
    key = cache_key(files, year)
    library = load_cached(cache_file, key, abstracts_later=abstracts_later) if key is not None else None
    if library is None:
        with progress(len(files)) if progress is not None else nullcontext(None) as advance:
            library = load_library(files, year=year, advance=advance)
        if key is not None:
            save(cache_file, key, library)
    return library
