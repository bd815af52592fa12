"""Opening the library: the home's index, brought in step with its files, for the reader and every command.

The home's digests (or the bundled samples while it has none) are indexed in
`cache/index.sqlite3`, which every paperdeck process shares. Files given on the command line
beside them are indexed in a private copy of it, made for the one process and deleted when
it ends, so that the shared index always holds exactly the home's library.

Whatever is wrong with the index (damaged, made by another version, deleted, locked by a
program that is not paperdeck) costs a rebuild from the digests and a one-line notice, never
an error and never anything of the user's: their state lives in `store.json`.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tui.home import Home
from tui.library.files import library_file_names
from tui.library.index import DAMAGE, INDEX_NAME, LibraryIndex, is_damage
from tui.library.index_sync import Progress, SyncReport, fill_search, sync
from tui.library.merge import Library

# The marshal file earlier versions kept the parsed library in; the index replaces it.
_OLD_CACHE = "library.marshal"


@dataclass
class OpenedLibrary:
    """A library read from its index, and what opening it found."""

    library: Library
    index: LibraryIndex
    home: Home
    paths: tuple[Path, ...] = ()
    showing_samples: bool = False
    report: SyncReport = field(default_factory=SyncReport)
    notices: list[str] = field(default_factory=list)
    private: bool = False  # the index is this process's own copy, deleted by `close`
    _files: set[str] = field(default_factory=set, repr=False)  # the files at the last look

    def files(self) -> tuple[list[str], bool]:
        """The files the library is made of now, and whether they are the bundled samples."""
        return library_file_names(self.home, self.paths)

    def refresh(self, progress: Progress | None = None) -> SyncReport:
        """Brings the index in step with the files again; `library` is read anew if anything changed,
        here or in another process, or if reading the index found it damaged (it is rebuilt)."""
        before = self._files
        files, self.showing_samples = self.files()
        self._files = set(files)
        if self.index.damage is not None:
            return self.rebuild(progress)
        report = _sync_or_rebuild(self.index, files, progress, self.notices)
        if report.changed_anything or self.index.generation != self.library.generation:
            self.library = _read(self.index, files, report, progress, self.notices)
            if not report.changed_anything:  # another paperdeck took the change in: say which files came and went
                report = SyncReport(
                    added=tuple(sorted(self._files - before)), removed=tuple(sorted(before - self._files))
                )
        return report

    def rebuild(self, progress: Progress | None = None) -> SyncReport:
        """Makes the index anew from the digests, as when reading it found it damaged."""
        damage, self.index.damage = self.index.damage, None
        files, self.showing_samples = self.files()
        report = _rebuild(self.index, files, progress, self.notices, damage)
        self.library = self.index.library(report.views)
        return report

    def search_pending(self) -> int:
        """How many papers a big change left out of the search table so far."""
        try:
            return self.index.connection().execute("SELECT count(*) FROM unsearched").fetchone()[0]
        except DAMAGE as exc:
            self.index.note_damage(exc)
            return 0

    def fill_search(self, progress: Progress | None = None) -> int:
        """Puts those papers' search texts in (searching finds them meanwhile too, more slowly).
        A damaged index is noted for `refresh` to rebuild."""
        try:
            return fill_search(self.index, progress)
        except DAMAGE as exc:
            if not is_damage(exc):
                raise
            self.index.note_damage(exc)
            return 0

    def close(self) -> None:
        self.index.close()
        if self.private:
            self.index.remove()


def open_library(
    home: Home, paths: Sequence[Path] = (), *, year: int | None = None, progress: Progress | None = None
) -> OpenedLibrary:
    """The library of `home` (plus `paths`), its index brought in step with the files first."""
    files, showing_samples = library_file_names(home, paths)
    notices: list[str] = []
    shared = LibraryIndex(home.cache / INDEX_NAME)
    index, private = shared, False
    try:
        notice = shared.prepare(year)
        _forget_old_cache(home)
    except (sqlite3.Error, OSError) as exc:
        notice = f"The library index {shared.path} cannot be used ({_reason(exc)}); a temporary one is made."
        index, private = _temporary_index(home), True
        index.prepare(year)
    if notice:
        notices.append(notice)
    if paths and not private:
        # Extra files would change the shared index for every other paperdeck: they go into a copy.
        _sync_or_rebuild(shared, library_file_names(home)[0], progress, notices)
        index, private = _private_copy(home, shared), True
        shared.close()
    try:
        report = _sync_or_rebuild(index, files, progress, notices)
    except sqlite3.OperationalError as exc:  # locked for minutes: not by a paperdeck
        notices.append(f"The library index {index.path} is locked ({_reason(exc)}); a temporary one is made.")
        index.close()
        index, private = _temporary_index(home), True
        index.prepare(year)
        report = _sync_or_rebuild(index, files, progress, notices)
    library = _read(index, files, report, progress, notices)
    return OpenedLibrary(library, index, home, tuple(paths), showing_samples, report, notices, private, set(files))


def _read(
    index: LibraryIndex, files: list[str], report: SyncReport, progress: Progress | None, notices: list[str]
) -> Library:
    """The library of an index just synced; made anew if reading it finds it damaged."""
    try:
        return index.library(report.views)
    except DAMAGE as exc:
        if not is_damage(exc):
            raise
        return index.library(_rebuild(index, files, progress, notices, exc).views)


def _sync_or_rebuild(
    index: LibraryIndex, files: list[str], progress: Progress | None, notices: list[str]
) -> SyncReport:
    try:
        return sync(index, files, year=index.year, progress=progress)
    except DAMAGE as exc:
        if not is_damage(exc):
            raise
        # Damaged on the way (a disk error, a file another program wrote over): start afresh.
        return _rebuild(index, files, progress, notices, exc)


def _rebuild(
    index: LibraryIndex, files: list[str], progress: Progress | None, notices: list[str], damage: BaseException | None
) -> SyncReport:
    """Makes a damaged index anew from the digests, and says so."""
    notices.append(f"The library index is rebuilt from the digests: it was damaged ({_reason(damage)}).")
    year = index.year
    index.remove()
    index.prepare(year)
    return sync(index, files, year=year, progress=progress)


def _private_copy(home: Home, shared: LibraryIndex) -> LibraryIndex:
    """A copy of the shared index for this process alone (SQLite's online backup: a consistent copy
    even while another process writes)."""
    copy = _temporary_index(home)
    target = copy.connection()
    shared.connection().backup(target)
    target.execute("PRAGMA journal_mode = WAL")
    copy.prepare(shared.year)
    return copy


def _temporary_index(home: Home) -> LibraryIndex:
    folder = home.cache if home.cache.is_dir() and os.access(home.cache, os.W_OK) else Path(tempfile.gettempdir())
    handle, name = tempfile.mkstemp(prefix=f"index-{os.getpid()}-", suffix=".sqlite3", dir=folder)
    os.close(handle)
    return LibraryIndex(Path(name))


def _forget_old_cache(home: Home) -> None:
    try:
        os.unlink(home.cache / _OLD_CACHE)
    except OSError:
        pass


def _reason(exc: BaseException | None) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
