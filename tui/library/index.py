"""The library index: the merged library on disk, in SQLite, shared by the reader and every command.

One file, `cache/index.sqlite3` in the data home. It is derived data: the digests are the
truth, and the index can always be rebuilt from them (a damaged, older or deleted index is,
with a notice). `tui.library.index_sync` keeps it in step with the digest files one file at
a time; this module opens it and reads a `Library` out of it.

    note_links  each vault note's [[wiki links]], by the name of the note they link to (`note_key`),
              matched against `files.note_name`: what relates two papers
    files     every digest file read: its path (as the file system's bytes: a name need not be
              UTF-8), size and modification time when read, its format, content hash (empty
              when it could not be read) and diagnostics (NULL when there were none)
    entries   every entry of every file, as its parser gave it (see `records.ENTRIES`); an
              entry that is its paper's only sighting has no record (the paper is the entry).
              `paper_id` is the paper it is of; an entry with an arXiv id claims its title for
              that paper (`claim`, the title id), and one without is of the paper that claims
              its title (`loose`, its own id), if any does: see `merge.TitleClaims`
    papers    every paper, merged from its entries (see `records.PAPERS`); `number` is also
              its row in `search`
    search    an FTS5 table of each paper's search text, case-folded, under the `trigram`
              tokenizer, so that any substring of three characters or more is found by the index
    terms     an FTS5 table of each paper's features (`features.feature_text`), one token each:
              what the for-you order scores and what finds papers like one (`index_terms`)
    unsearched  papers whose search text and features a big change left for later
              (`index_sync.fill_search`)
    term_counts how many papers have each feature that more than one has, counted from `terms`
              now and then (`index_terms.count_terms`; meta's `counted` is the paper count then)
    days      each digest date's paper ids, in digest order (marshalled): the views by date,
              and read in order, every paper id newest first
    tags      each digest tag's paper count and ids, newest first: a tag's ids are read when
              a view or a filter first asks for them
    meta      the index's format, the parser version and year option it was made with, its
              generation (counted up by every change) and the number of papers

WAL mode: readers never wait for a writer, and a writer's change is one transaction, so a
process killed in the middle of one leaves the index as it was before.
"""

from __future__ import annotations

import marshal
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from itertools import chain
from pathlib import Path

from tui.library.index_reads import IndexedPapers, IndexedTags
from tui.library.merge import Library
from tui.library.records import DAMAGE, ENTRIES, PAPERS, is_damage, tag_of, unmarshal
from tui.model import Diagnostic, DigestFormat, Severity
from tui.parse import PARSER_VERSION, ParseResult

INDEX_FORMAT = 8
INDEX_NAME = "index.sqlite3"
# The columns of `papers` the reader sorts by, as `Library.sort_keys` names them.
SORT_COLUMNS = ("upvotes", "title_key")
# How long a command waits for another paperdeck that is writing the index.
BUSY_SECONDS = 60.0
_FULL_TEXT = ("search", "terms")
# Saved with the index: records saved for other fields would put values in the wrong ones.
_FIELDS = (PAPERS.fields, ENTRIES.fields)

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value);
CREATE TABLE files (
    file_no INTEGER PRIMARY KEY,
    path BLOB NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    format TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    diagnostics BLOB,
    note_name TEXT
);
CREATE INDEX files_by_note ON files (note_name);
CREATE TABLE note_links (file_no INTEGER NOT NULL, target TEXT NOT NULL);
CREATE INDEX note_links_by_file ON note_links (file_no);
CREATE INDEX note_links_by_target ON note_links (target);
CREATE TABLE entries (
    entry_no INTEGER PRIMARY KEY,
    file_no INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    paper_id TEXT NOT NULL,
    day INTEGER,
    record BLOB,
    claim TEXT,
    loose TEXT
);
CREATE INDEX entries_by_file ON entries (file_no, seq);
CREATE INDEX entries_by_paper ON entries (paper_id);
CREATE INDEX entries_by_day ON entries (day);
CREATE INDEX entries_by_claim ON entries (claim) WHERE claim IS NOT NULL;
CREATE INDEX entries_by_loose ON entries (loose) WHERE loose IS NOT NULL;
CREATE TABLE papers (
    number INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, record BLOB NOT NULL,
    upvotes INTEGER, title_key TEXT  -- what the reader sorts by, without unpacking each record
);
CREATE VIRTUAL TABLE search USING fts5 (text, tokenize = 'trigram case_sensitive 1');
CREATE VIRTUAL TABLE terms USING fts5 (text, tokenize = "unicode61 remove_diacritics 0 tokenchars ':_'");
CREATE TABLE unsearched (number INTEGER PRIMARY KEY);
CREATE TABLE term_counts (term TEXT PRIMARY KEY, papers INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE days (day INTEGER PRIMARY KEY, ids BLOB NOT NULL);
CREATE TABLE tags (tag BLOB PRIMARY KEY, size INTEGER NOT NULL, ids BLOB NOT NULL);
"""


# The ids newest first; (day ordinal, ids) newest first; (tag, paper count) most used first;
# papers in all.
SavedViews = tuple[list[str], list[tuple[int, list[str]]], list[tuple[str, int]], int]


class IndexChanged(Exception):
    """Another paperdeck made the index anew meanwhile: open it again and sync again."""


def _tables(db: sqlite3.Connection) -> set[str]:
    return {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _first_generation() -> int:
    # Microseconds of the clock, not 0: an index deleted and made anew must not count from
    # where a paperdeck that read the old one has seen it.
    return time.time_ns() // 1000


def _use_wal(db: sqlite3.Connection) -> None:
    """Puts the file in WAL mode (the file keeps it). Another paperdeck making the file at the
    same moment makes SQLite refuse at once rather than wait, so this waits itself."""
    deadline = time.monotonic() + BUSY_SECONDS
    while time.monotonic() < deadline:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if is_damage(exc):
                raise
        time.sleep(0.05)
    raise sqlite3.OperationalError("database is locked: its journal mode cannot be set")


def _outdated(meta: dict[str, object], year: int | None) -> str | None:
    """Why an index with this meta must be made anew, or None if it is usable."""
    if meta.get("format") != INDEX_FORMAT or meta.get("fields") != marshal.dumps(_FIELDS):
        return "it was made by another version of paperdeck"
    if meta.get("parser") != PARSER_VERSION:
        return "the digest parsers changed"
    if year is not None and meta.get("year") != year:
        return "the --year option changed"
    return None


class LibraryIndex:
    """One index file, with a connection per thread (SQLite connections are not shared)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self.year: int | None = None  # the --year option its digests were parsed with
        self.asked_year: int | None = None  # the --year option asked for, if any
        self.damage: Exception | None = None  # what reading it ran into, once it did
        self.outdated: str | None = None  # why the next sync makes it anew, if it must

    # --- connections ---------------------------------------------------------------------------

    def connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
        return db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA synchronous = NORMAL")  # with WAL: atomic and consistent, fsync at checkpoints
        with self._lock:
            self._connections.append(db)
        return db

    def close(self) -> None:
        """Closes every thread's connection (each thread opens a new one if it asks again)."""
        with self._lock:
            connections, self._connections = self._connections, []
        for db in connections:
            try:
                db.close()
            except sqlite3.Error:
                pass
        self._local = threading.local()

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is saved, or none of it (an error, a kill)."""
        db = self.connection()
        db.execute("BEGIN IMMEDIATE")  # takes the write lock now: reads in it are what we change
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLite rolls some failures back itself
                db.execute("ROLLBACK")
            raise

    # --- opening -------------------------------------------------------------------------------

    def prepare(self, year: int | None = None) -> str | None:
        """Makes the index ready to use; returns a one-line notice when it is to be made anew (it
        was damaged, or made by another version: then the next `sync` makes it anew, in one
        transaction, so that other paperdecks see the old library until the new one is whole).

        `year` is the --year option the digests are parsed with; None keeps the one the index
        was made with. Raises sqlite3.OperationalError when another program holds the index
        locked, and sqlite3.Error or OSError when no index can be made at all.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.asked_year = year
        try:
            return self._prepare(year)
        except DAMAGE as exc:
            if not is_damage(exc):
                raise
            self.remove()
            self._prepare(year)
            return f"The library index is rebuilt from the digests: it was damaged ({exc})."

    def _prepare(self, year: int | None) -> str | None:
        _use_wal(self.connection())
        # Under the write lock: a paperdeck making the index at this moment has finished first.
        with self.writing() as db:
            tables = _tables(db)
            if "meta" not in tables:
                self.year, self.outdated = year, None
                self._make(db, tables, _first_generation())
                return "The library index is rebuilt from the digests: it was left unfinished." if tables else None
            meta = dict(db.execute("SELECT key, value FROM meta"))
        self.year = year if year is not None else meta.get("year")  # type: ignore[assignment]
        self.outdated = _outdated(meta, year)
        return None if self.outdated is None else f"The library index is rebuilt from the digests: {self.outdated}."

    def make_anew(self, db: sqlite3.Connection) -> None:
        """Empties the index and makes its tables for this version, inside the caller's write
        transaction (which then fills it). The generation goes on counting up from the old one."""
        row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        self._make(db, _tables(db), (row[0] if row else _first_generation()) + 1)
        self.outdated = None

    def _make(self, db: sqlite3.Connection, tables: set[str], generation: int) -> None:
        # A full-text table takes its own tables (search_data, terms_idx, ...) with it.
        for name in (*_FULL_TEXT, *(name for name in tables if not name.startswith(_FULL_TEXT))):
            if name in tables:
                db.execute(f'DROP TABLE "{name}"')
        for statement in filter(str.strip, _SCHEMA.split(";")):
            db.execute(statement)
        db.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [*self._expected(), ("generation", generation), ("papers", 0)],
        )

    def _expected(self) -> list[tuple[str, object]]:
        return [
            ("format", INDEX_FORMAT),
            ("fields", marshal.dumps(_FIELDS)),
            ("parser", PARSER_VERSION),
            ("year", self.year),
        ]

    def check_unchanged(self, db: sqlite3.Connection) -> None:
        """Raises IndexChanged if another paperdeck made the index anew (another version or
        --year) since this one looked: what this one parsed does not belong in it."""
        meta = dict(db.execute("SELECT key, value FROM meta"))
        if any(meta.get(key) != value for key, value in self._expected()):
            raise IndexChanged(str(self.path))

    def note_damage(self, exc: Exception) -> None:
        """Remembers that reading the index failed (a damaged page): `OpenedLibrary.refresh`
        rebuilds it, and meanwhile what could not be read is not there."""
        if self.damage is None and is_damage(exc):
            self.damage = exc

    def remove(self) -> None:
        """Deletes the index file (and its WAL), as when it is past use or was a private copy."""
        self.close()
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(f"{self.path}{suffix}")
            except FileNotFoundError:
                pass

    # --- reading -------------------------------------------------------------------------------

    def related(self, paper_id: str) -> list[str]:
        """The ids of the papers its vault notes link to, then of those whose notes link to it."""
        try:
            return [other for (other,) in self.connection().execute(_RELATED, (paper_id, paper_id))]
        except DAMAGE as exc:
            self.note_damage(exc)
            return []

    def title_owners(self, paper_ids: list[str]) -> dict[str, str]:
        """Of these ids, the titles' ids that an arXiv paper has claimed (`merge.TitleClaims`):
        title id -> that paper's id."""
        owners: dict[str, str] = {}
        try:
            db = self.connection()
            for start in range(0, len(paper_ids), 500):
                batch = paper_ids[start : start + 500]
                owners.update(db.execute(_TITLE_OWNERS.format(",".join("?" * len(batch))), batch).fetchall())
        except DAMAGE as exc:
            self.note_damage(exc)
        return owners

    def sort_keys(self, column: str) -> dict[str, object]:
        """Every paper's upvotes or title key (`SORT_COLUMNS`), read from their own columns."""
        if column not in SORT_COLUMNS:
            raise ValueError(f"no sort column {column!r}")
        try:
            return dict(self.connection().execute(f"SELECT id, {column} FROM papers"))
        except DAMAGE as exc:
            self.note_damage(exc)
            return {}

    def file_hashes(self) -> dict[str, Path]:
        """The SHA-256 of each digest file's content as last read, with its path."""
        rows = self.connection().execute("SELECT path, sha256 FROM files")
        return {sha: Path(os.fsdecode(path)) for path, sha in rows if sha}

    @property
    def generation(self) -> int:
        """Counts up with every change saved: a reader whose library is older reads it again."""
        try:
            row = self.connection().execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        except DAMAGE as exc:
            self.note_damage(exc)
            return -1
        return row[0] if row else -1

    def library(self, views: SavedViews | None = None, generation: int = 0) -> Library:
        """The library as the index holds it now: papers are read from it as they are asked for.

        `views` are the ones a sync of this process has just saved as `generation` (then they are
        not read again, and the library is of that generation, whatever came since).
        `results` are those of the files with diagnostics (the others have nothing to say).
        """
        db = self.connection()
        db.execute("BEGIN")  # the views and the files as of one moment
        try:
            meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('generation', 'papers')"))
            results = [_result(*row) for row in db.execute(_SAID)]
            if views is None:
                by_date = [(day, unmarshal(ids)) for day, ids in db.execute(DAYS)]
                order = list(dict.fromkeys(chain.from_iterable(ids for _day, ids in by_date)))
                views = (order, by_date, db.execute(TAG_SIZES).fetchall(), meta.get("papers", 0))  # type: ignore[assignment]
        finally:
            db.execute("COMMIT")
        order, by_date, tag_sizes, count = views  # type: ignore[misc]
        from tui.library.index_search import IndexSearch
        from tui.library.index_terms import IndexTerms

        library = Library(papers=IndexedPapers(self, count), results=results, order=order)
        library.by_date = {date.fromordinal(day): ids for day, ids in by_date}
        library.by_tag = IndexedTags(
            self, {tag_of(key) if isinstance(key, bytes) else key: size for key, size in tag_sizes}
        )
        library.search = IndexSearch(self)
        library.terms = IndexTerms(self)
        library.related_finder = self.related
        library.sort_key_finder = self.sort_keys
        library.title_owners = self.title_owners
        library.generation = generation if views is not None and generation else meta.get("generation", 0)  # type: ignore[assignment]
        return library


def _result(path_bytes: bytes, fmt: str, diagnostics: bytes) -> ParseResult:
    path = os.fsdecode(path_bytes)
    said = tuple(
        Diagnostic(path, line, Severity(severity), message) for line, severity, message in unmarshal(diagnostics)
    )
    return ParseResult(path, DigestFormat(fmt), (), said)


def saved_diagnostics(result: ParseResult) -> bytes | None:
    if not result.diagnostics:
        return None
    return marshal.dumps([(d.line, d.severity.value, d.message) for d in result.diagnostics])


_SAID = "SELECT path, format, diagnostics FROM files WHERE diagnostics IS NOT NULL ORDER BY path"
# Outgoing links first (by the name linked to), then incoming (by the linking note's path);
# the same order as `merge.related_in`.
_TITLE_OWNERS = "SELECT claim, min(paper_id) FROM entries WHERE claim IN ({}) GROUP BY claim"
_RELATED = """
SELECT paper_id FROM (
    SELECT e.paper_id, 0 AS part, l.target AS name, f.path AS path, e.seq AS seq FROM note_links l
        JOIN files f ON f.note_name = l.target JOIN entries e ON e.file_no = f.file_no
        WHERE l.file_no IN (SELECT file_no FROM entries WHERE paper_id = ?)
    UNION ALL
    SELECT e.paper_id, 1, '', f.path, e.seq FROM note_links l
        JOIN files f ON f.file_no = l.file_no JOIN entries e ON e.file_no = l.file_no
        WHERE l.target IN (
            SELECT n.note_name FROM entries m JOIN files n ON n.file_no = m.file_no
            WHERE m.paper_id = ? AND n.note_name IS NOT NULL
        )
) ORDER BY part, name, path, seq
"""
DAYS = "SELECT day, ids FROM days ORDER BY day DESC"
TAG_SIZES = "SELECT tag, size FROM tags ORDER BY size DESC, tag"
