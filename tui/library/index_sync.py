"""Keeping the library index in step with the digest files, one file at a time.

A sync looks at every file's size and modification time, parses only the files that are new
or changed since the index saw them, and then, in one transaction, takes out the entries of
changed and removed files, puts in the new ones, merges again only the papers those entries
belong to, and brings the views (ids by date and by tag) up to date for only the days and
tags they touch. So a new digest costs its own parse and its own papers, whatever the size
of the library.

Files are parsed before the write lock is taken, so a long parse does not hold up another
paperdeck; under the lock the index is looked at again, and what another process did in the
meantime is not done twice.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from pathlib import Path
from typing import NamedTuple

from tui.library.features import feature_text
from tui.library.files import unreadable
from tui.library.index import DAYS, TAG_SIZES, LibraryIndex, SavedViews, saved_diagnostics
from tui.library.merge import lone_entry, merge_entry, paper_from_entry
from tui.library.records import ENTRIES, PAPERS, bindable, tag_key, unmarshal
from tui.model import DigestEntry, DigestFormat, Paper, normalise_title, search_text, title_id
from tui.parse import ParseResult, parse_bytes
from tui.parse.vault import note_key

Stamp = tuple[int, int]  # size, modification time in ns
# (steps done, steps in all): a step is a file parsed or a batch of papers merged.
Progress = Callable[[int, int], None]
# Papers merged per query: SQLite allows 32,766 parameters, and a batch is a progress step.
BATCH = 500
# A change touching up to this many papers puts their search texts and features in the
# full-text tables in the same transaction. A bigger one (a first start, a year of digests at
# once) leaves them to `fill_search`, in transactions of their own, so that the library can be
# shown first: the trigram index and the features cost half a millisecond per paper.
SEARCH_AT_ONCE = 2_500


@dataclass(frozen=True)
class SyncReport:
    """What one sync changed in the index (nothing, when every file was as the index saw it)."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    papers_before: int = 0
    papers_after: int = 0
    views: SavedViews | None = field(default=None, repr=False, compare=False)  # as saved, for `index.library`
    generation: int = field(default=0, repr=False, compare=False)  # the one the change was saved as

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)


class _Parsed(NamedTuple):
    stamp: Stamp
    result: ParseResult
    sha256: str


def stamps(files: Iterable[str | Path]) -> dict[str, Stamp]:
    """Each file's size and modification time, by path; a file that cannot be examined is left out."""
    found: dict[str, Stamp] = {}
    for path in files:
        # os.stat on the path's string: a library is thousands of files, and pathlib's own
        # stat() costs twice as much per file.
        name = os.fspath(path)
        try:
            stat = os.stat(name)
        except OSError:
            continue
        found[name] = (stat.st_size, stat.st_mtime_ns)
    return found


def known_files(db: sqlite3.Connection) -> dict[str, tuple[int, Stamp, str]]:
    """The files the index holds: path -> (file number, stamp when read, content hash)."""
    rows = db.execute(_KNOWN)
    return {os.fsdecode(path): (file_no, (size, mtime), sha) for file_no, path, size, mtime, sha in rows}


_KNOWN = "SELECT file_no, path, size, mtime_ns, sha256 FROM files"


def sync(
    index: LibraryIndex, files: Sequence[str | Path], *, year: int | None = None, progress: Progress | None = None
) -> SyncReport:
    """Brings the index in step with exactly `files` (in any order); returns what it changed.

    An index `prepare` found outdated is made anew here, in the same transaction that fills it.
    Raises IndexChanged when another paperdeck made the index anew meanwhile (prepare again).
    """
    year = index.year if year is None else year
    rebuilding = index.outdated is not None
    wanted = stamps(files)
    known = {} if rebuilding else known_files(index.connection())
    # A file that could not be read (no hash) is tried again: a permission may have changed.
    to_read = [
        path for path, stamp in wanted.items() if path not in known or known[path][1] != stamp or not known[path][2]
    ]
    if not rebuilding and not to_read and known.keys() <= wanted.keys():
        return SyncReport()
    step = progress or (lambda _done, _total: None)
    parsed: dict[str, _Parsed] = {}
    for done, path in enumerate(to_read, 1):
        if (read := _parse_file(Path(path), year)) is not None:
            parsed[path] = read
        step(done, len(to_read) + 1)
    news = any(_is_news(known.get(path), read) for path, read in parsed.items())
    if not rebuilding and not news and known.keys() <= wanted.keys():
        return SyncReport()  # only files still unreadable, as before: nothing to write
    with index.writing() as db:
        if rebuilding:
            index.make_anew(db)
            now: dict[str, tuple[int, Stamp, str]] = {}
        else:
            index.check_unchanged(db)
            now = known_files(db)  # again, under the lock: another paperdeck may have synced meanwhile
        removed = [path for path in now if path not in wanted]
        # A file another paperdeck took in since it was looked at is left to it: what this one
        # parsed may be older than what that one did.
        fresh = {
            path: read
            for path, read in parsed.items()
            if now.get(path) == known.get(path) and _is_news(now.get(path), read)
        }
        if not rebuilding and not removed and not fresh:
            return SyncReport()
        before = _count(db)
        change = _Change(db)
        for path in chain(removed, (path for path in fresh if path in now)):
            change.drop_file(now[path][0])
        for path, read in fresh.items():
            change.add_file(path, read)
        change.join_titles()
        batches = -(-len(change.paper_ids) // BATCH)
        change.search_now = len(change.paper_ids) <= SEARCH_AT_ONCE
        change.merge_again(lambda done: step(len(to_read) + done, len(to_read) + batches))
        views = change.save_views()
        db.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
        generation = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]
        return SyncReport(
            added=tuple(path for path in fresh if path not in now),
            changed=tuple(path for path in fresh if path in now),
            removed=tuple(removed),
            papers_before=before,
            papers_after=views[3],
            views=views,
            generation=generation,
        )


def _is_news(known: tuple[int, Stamp, str] | None, read: _Parsed) -> bool:
    """Whether what was read differs from what the index holds of the file (a file still
    unreadable as before is no news)."""
    if known is None:
        return True
    _file_no, stamp, sha = known
    return stamp != read.stamp or (not sha and bool(read.sha256))


def _count(db: sqlite3.Connection) -> int:
    return db.execute("SELECT count(*) FROM papers").fetchone()[0]


def _parse_file(path: Path, year: int | None) -> _Parsed | None:
    """One file parsed, with the stamp of what was read; None if it went meanwhile."""
    try:
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            data = handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        try:
            stat = os.stat(path)
        except OSError:
            return None
        return _Parsed((stat.st_size, stat.st_mtime_ns), unreadable(path, exc), "")
    modified = date.fromtimestamp(stat.st_mtime)
    result = parse_bytes(data, str(path), year=year, modified=modified)
    return _Parsed((stat.st_size, stat.st_mtime_ns), result, hashlib.sha256(data).hexdigest())


class _Change:
    """One sync's work inside its transaction: which papers and days it touched, and redoing them."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.paper_ids: set[str] = set()
        self.days: set[int] = set()
        self.old_tags: dict[str, tuple[str, ...]] = {}
        self.new_tags: dict[str, tuple[str, ...]] = {}
        self.new_entries: dict[int, DigestEntry] = {}  # entry number -> the entry, of the files added
        self.titles: set[str] = set()  # title ids whose claims or loose entries the change touched
        self.search_now = True  # else the touched papers' full-text rows wait for `fill_search`

    def drop_file(self, file_no: int) -> None:
        rows = self.db.execute("SELECT paper_id, day, claim FROM entries WHERE file_no = ?", (file_no,))
        for paper_id, day, claim in rows:
            self._touch(paper_id, day)
            if claim is not None:
                self.titles.add(claim)
        self.db.execute("DELETE FROM entries WHERE file_no = ?", (file_no,))
        self.db.execute("DELETE FROM note_links WHERE file_no = ?", (file_no,))
        self.db.execute("DELETE FROM files WHERE file_no = ?", (file_no,))

    def add_file(self, path: str, read: _Parsed) -> None:
        result = read.result
        size, mtime = read.stamp
        note_name = bindable(note_key(path)) if result.format is DigestFormat.VAULT else None
        cursor = self.db.execute(
            "INSERT INTO files (path, size, mtime_ns, format, sha256, diagnostics, note_name)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (os.fsencode(path), size, mtime, result.format.value, read.sha256, saved_diagnostics(result), note_name),
        )
        file_no = cursor.lastrowid
        targets = {note_key(target) for entry in result.entries for target in entry.note_links}
        self.db.executemany(
            "INSERT INTO note_links (file_no, target) VALUES (?, ?)", [(file_no, bindable(t)) for t in sorted(targets)]
        )
        for seq, entry in enumerate(result.entries):
            day = entry.digest_date.toordinal() if entry.digest_date else None
            self._touch(entry.id, day)
            claim, loose = (title_id(entry.title), None) if entry.arxiv_id else (None, entry.id)
            self.titles.add(claim or entry.id)
            # Without its record: most papers are seen once, and the paper saved is then the entry.
            entry_no = self.db.execute(
                "INSERT INTO entries (file_no, seq, paper_id, day, claim, loose) VALUES (?, ?, ?, ?, ?, ?)",
                (file_no, seq, entry.id, day, claim, loose),
            ).lastrowid
            self.new_entries[entry_no] = entry

    def join_titles(self) -> None:
        """Puts each entry known by its title alone, of a title the change touched, in the paper
        that claims the title now (see `merge.TitleClaims`), or back in its own."""
        titles = sorted(self.titles)
        for start in range(0, len(titles), BATCH):
            batch = titles[start : start + BATCH]
            marks = ",".join("?" * len(batch))
            owners = dict(self.db.execute(_CLAIMS.format(marks), batch).fetchall())
            moves = [
                (owners.get(loose, loose), entry_no, paper_id, day)
                for entry_no, paper_id, day, loose in self.db.execute(_LOOSE.format(marks), batch).fetchall()
                if owners.get(loose, loose) != paper_id
            ]
            for owner, entry_no, paper_id, day in moves:
                self._touch(paper_id, day)
                self._touch(owner, day)
                self._keep_record(entry_no, paper_id)
            self.db.executemany("UPDATE entries SET paper_id = ? WHERE entry_no = ?", [m[:2] for m in moves])

    def _keep_record(self, entry_no: int, paper_id: str) -> None:
        """Saves the record of an entry that leaves the paper it was the only sighting of (and
        that paper's record was all there was of it)."""
        if entry_no in self.new_entries:
            return
        row = self.db.execute(
            "SELECT p.record FROM entries e JOIN papers p ON p.id = ? WHERE e.entry_no = ? AND e.record IS NULL",
            (paper_id, entry_no),
        ).fetchone()
        if row is not None:
            record = ENTRIES.dumps(lone_entry(PAPERS.loads(row[0])))
            self.db.execute("UPDATE entries SET record = ? WHERE entry_no = ?", (record, entry_no))

    def _touch(self, paper_id: str, day: int | None) -> None:
        self.paper_ids.add(paper_id)
        if day is not None:
            self.days.add(day)

    def merge_again(self, advance: Callable[[int], None]) -> None:
        """Each touched paper merged anew from all its entries, in the order of their files' paths."""
        ids = sorted(self.paper_ids)
        for done, start in enumerate(range(0, len(ids), BATCH), 1):
            self._merge_batch(ids[start : start + BATCH])
            advance(done)

    def _merge_batch(self, ids: list[str]) -> None:
        db, marks = self.db, ",".join("?" * len(ids))
        saved = {paper_id: (number, record) for number, paper_id, record in db.execute(_SAVED.format(marks), ids)}
        sightings: dict[str, list[tuple[int, DigestEntry, bool]]] = {}
        for entry_no, paper_id, record in db.execute(_ENTRIES_OF.format(marks), ids):
            if record is not None:
                entry, kept = ENTRIES.loads(record), True
            elif entry_no in self.new_entries:
                entry, kept = self.new_entries[entry_no], False
            else:
                # Saved without a record: the paper as saved was made from this entry alone.
                entry, kept = lone_entry(PAPERS.loads(saved[paper_id][1])), False
            sightings.setdefault(paper_id, []).append((entry_no, entry, kept))
        for paper_id in ids:
            old = saved.get(paper_id)
            old_paper = PAPERS.loads(old[1]) if old else None
            new = self._merged(paper_id, sightings.get(paper_id, ()))
            self.old_tags[paper_id] = old_paper.tags if old_paper else ()
            self.new_tags[paper_id] = new.tags if new else ()
            if new is None:
                if old is not None:
                    db.execute("DELETE FROM papers WHERE number = ?", (old[0],))
                    db.execute("DELETE FROM search WHERE rowid = ?", (old[0],))
                    db.execute("DELETE FROM terms WHERE rowid = ?", (old[0],))
                    db.execute("DELETE FROM unsearched WHERE number = ?", (old[0],))
                continue
            record = PAPERS.dumps(new)
            keys = (new.upvotes, normalise_title(new.title))
            if old is None:
                number = db.execute(
                    "INSERT INTO papers (id, record, upvotes, title_key) VALUES (?, ?, ?, ?)", (paper_id, record, *keys)
                ).lastrowid
                self._search_anew(number, new, had_text=False)
            elif record != old[1]:
                db.execute(
                    "UPDATE papers SET record = ?, upvotes = ?, title_key = ? WHERE number = ?", (record, *keys, old[0])
                )
                if old_paper is None or _searched(new) != _searched(old_paper):
                    self._search_anew(old[0], new, had_text=True)

    def _merged(self, paper_id: str, sightings: Sequence[tuple[int, DigestEntry, bool]]) -> Paper | None:
        """The paper of its sightings, in order. A paper of one sighting needs no saved entry (it is
        the paper itself, `lone_entry`); one of several needs them all, so each gets its record."""
        if not sightings:
            return None
        paper = paper_from_entry(sightings[0][1])
        paper.id = paper_id  # the first entry's own id may be its title's
        for _entry_no, entry, _kept in sightings[1:]:
            merge_entry(paper, entry)
        if len(sightings) > 1:
            unsaved = [(ENTRIES.dumps(entry), entry_no) for entry_no, entry, kept in sightings if not kept]
            self.db.executemany("UPDATE entries SET record = ? WHERE entry_no = ?", unsaved)
        return paper

    def _search_anew(self, number: int, paper: Paper, *, had_text: bool) -> None:
        """Puts the paper's search text and features in the full-text tables now, or, in a big
        change, marks it to be put there after the change is saved (`fill_search`)."""
        if had_text:
            self.db.execute("DELETE FROM search WHERE rowid = ?", (number,))
            self.db.execute("DELETE FROM terms WHERE rowid = ?", (number,))
        if self.search_now:
            self.db.execute("INSERT INTO search (rowid, text) VALUES (?, ?)", (number, bindable(search_text(paper))))
            self.db.execute("INSERT INTO terms (rowid, text) VALUES (?, ?)", (number, bindable(feature_text(paper))))
            self.db.execute("DELETE FROM unsearched WHERE number = ?", (number,))  # a big change's, still waiting
        else:
            self.db.execute("INSERT OR IGNORE INTO unsearched (number) VALUES (?)", (number,))

    def save_views(self) -> SavedViews:
        """The ids by digest date and by tag, redone for the days and tags touched; returns the views
        as `LibraryIndex.library` reads them."""
        db = self.db
        for day in self.days:
            day_ids = list(dict.fromkeys(paper_id for (paper_id,) in db.execute(_DAY, (day,))))
            if day_ids:
                db.execute("INSERT OR REPLACE INTO days (day, ids) VALUES (?, ?)", (day, marshal.dumps(day_ids)))
            else:
                db.execute("DELETE FROM days WHERE day = ?", (day,))
        by_date = [(day, unmarshal(ids)) for day, ids in db.execute(DAYS)]
        order = list(dict.fromkeys(chain.from_iterable(day_ids for _day, day_ids in by_date)))
        tags = set(chain.from_iterable(self.old_tags.values())) | set(chain.from_iterable(self.new_tags.values()))
        if tags:
            # Untouched papers keep their order among themselves: only the touched ones need placing.
            position = dict(zip(order, range(len(order)), strict=True))
            for tag in tags:
                key = tag_key(tag)
                row = db.execute("SELECT ids FROM tags WHERE tag = ?", (key,)).fetchone()
                members = {
                    paper_id for paper_id in (unmarshal(row[0]) if row else ()) if paper_id not in self.paper_ids
                }
                members.update(
                    paper_id
                    for paper_id in self.paper_ids
                    if tag in self.new_tags.get(paper_id, ()) and paper_id in position
                )
                if members:
                    ids = marshal.dumps(sorted(members, key=position.__getitem__))
                    db.execute(
                        "INSERT OR REPLACE INTO tags (tag, size, ids) VALUES (?, ?, ?)", (key, len(members), ids)
                    )
                else:
                    db.execute("DELETE FROM tags WHERE tag = ?", (key,))
        count = _count(db)
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('papers', ?)", (count,))
        return order, by_date, db.execute(TAG_SIZES).fetchall(), count


_SAVED = "SELECT number, id, record FROM papers WHERE id IN ({})"
_CLAIMS = "SELECT claim, min(paper_id) FROM entries WHERE claim IN ({}) GROUP BY claim"
_LOOSE = "SELECT entry_no, paper_id, day, loose FROM entries WHERE loose IN ({})"
_ENTRIES_OF = (
    "SELECT e.entry_no, e.paper_id, e.record FROM entries e JOIN files f ON f.file_no = e.file_no"
    " WHERE e.paper_id IN ({}) ORDER BY f.path, e.seq"
)
_DAY = "SELECT e.paper_id FROM entries e JOIN files f ON f.file_no = e.file_no WHERE e.day = ? ORDER BY f.path, e.seq"


def _searched(paper: Paper) -> tuple[str, str]:
    """What the paper's rows in the full-text tables hold."""
    return search_text(paper), feature_text(paper)


def fill_search(index: LibraryIndex, progress: Progress | None = None, *, batch: int = 2_000) -> int:
    """Puts the search texts and features a big change left out into the full-text tables, a batch
    per transaction;
    returns how many. Safe to stop at any point (a kill, the app quitting): the rest waits."""
    db = index.connection()
    total = db.execute("SELECT count(*) FROM unsearched").fetchone()[0]
    if not total:
        return 0  # without the write lock: the reader asks after every change
    done = 0
    while True:
        with index.writing() as db:
            numbers = [number for (number,) in db.execute("SELECT number FROM unsearched LIMIT ?", (batch,))]
            if not numbers:
                return done
            marks = ",".join("?" * len(numbers))
            rows = db.execute(f"SELECT number, record FROM papers WHERE number IN ({marks})", numbers).fetchall()
            papers = [(number, PAPERS.loads(record)) for number, record in rows]
            db.executemany(
                "INSERT INTO search (rowid, text) VALUES (?, ?)",
                [(number, bindable(search_text(paper))) for number, paper in papers],
            )
            db.executemany(
                "INSERT INTO terms (rowid, text) VALUES (?, ?)",
                [(number, bindable(feature_text(paper))) for number, paper in papers],
            )
            db.execute(f"DELETE FROM unsearched WHERE number IN ({marks})", numbers)
        done += len(numbers)
        if progress is not None:
            progress(done, max(total, done))
