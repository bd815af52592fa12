"""Opening the library: the home's index, brought in step with its files, for the reader and every command.

The home's digests (or the bundled samples while it has none) are indexed in
`cache/index.sqlite3`, which every paperdeck process shares. Files given on the command line
beside them are indexed in a private copy of it, made for the one process and deleted when
it ends, so that the shared index always holds exactly the home's library.

Whatever is wrong with the index (damaged, made by another version, deleted, locked by a
program that is not paperdeck, on a full disk) costs a rebuild from the digests, or a
temporary index, and a one-line notice; never anything of the user's: their state lives in
`store.json`. Only when no index can be made anywhere does opening fail, with
`LibraryUnavailable` and a message that says why.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tui.home import Home
from tui.library.files import library_file_names
from tui.library.index import INDEX_NAME, IndexChanged, LibraryIndex
from tui.library.index_sync import Progress, SyncReport, fill_search, sync
from tui.library.index_terms import count_terms
from tui.library.merge import Library
from tui.library.records import DAMAGE, is_damage

# The marshal file earlier versions kept the parsed library in; the index replaces it.
_OLD_CACHE = "library.marshal"
# A private copy's name: `index-PID-RANDOM.sqlite3`, so that one left by a killed process is known.
_PRIVATE = re.compile(r"index-(\d+)-\w+\.sqlite3(-wal|-shm)?")
_FAILURES = (sqlite3.Error, OSError, IndexChanged)


class LibraryUnavailable(Exception):
    """No library index could be made at all (the message says where and why)."""


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
        if (damage := self.index.damage) is not None:
            self.index.damage = None
            _start_afresh(self.index, damage, self.notices)
        report = _sync(self.index, files, progress, self.notices)
        if damage is not None or report.changed_anything or self.index.generation != self.library.generation:
            self.library = _library_of(self.index, files, report, progress, self.notices)
            if not report.changed_anything:  # another paperdeck took the change in: say which files came and went
                report = SyncReport(
                    added=tuple(sorted(self._files - before)), removed=tuple(sorted(before - self._files))
                )
        return report

    def search_pending(self) -> int:
        """How many papers a big change left out of the search table so far."""
        try:
            return self.index.connection().execute("SELECT count(*) FROM unsearched").fetchone()[0]
        except DAMAGE as exc:
            self.index.note_damage(exc)
            return 0

    def fill_search(self, progress: Progress | None = None) -> int:
        """Puts those papers' search texts and features in (searching finds them meanwhile too,
        more slowly), then counts the features anew if the library has grown enough since the
        last count (`index_terms.count_terms`). A damaged index is noted for `refresh` to
        rebuild; a busy one waits for the next time."""
        try:
            filled = fill_search(self.index, progress)
            count_terms(self.index)
            return filled
        except DAMAGE as exc:
            self.index.note_damage(exc)
            return 0

    def close(self) -> None:
        self.index.close()
        if self.private:
            self.index.remove()


def open_library(
    home: Home, paths: Sequence[Path] = (), *, year: int | None = None, progress: Progress | None = None
) -> OpenedLibrary:
    """The library of `home` (plus `paths`), its index brought in step with the files first.

    Raises LibraryUnavailable when no index can be made, not even a temporary one.
    """
    files, showing_samples = library_file_names(home, paths)
    notices: list[str] = []
    _forget_old_files(home)
    shared = LibraryIndex(home.cache / INDEX_NAME)
    try:
        if paths:
            # Extra files would change the shared index for every other paperdeck: they go into
            # a copy of it, which alone takes this run's --year.
            _note(notices, shared.prepare())
            _sync(shared, library_file_names(home)[0], progress, notices)
            index, private = _private_copy(home, shared, year, notices), True
            shared.close()
        else:
            _note(notices, shared.prepare(year))
            index, private = shared, False
        report = _sync(index, files, progress, notices)
        library = _library_of(index, files, report, progress, notices)
    except _FAILURES as exc:  # locked by another program, a full disk, a home that cannot be written
        shared.close()
        notices.append(f"The library index {shared.path} cannot be used ({_reason(exc)}); a temporary one is made.")
        index, private = _temporary_index(home, year), True
        try:
            report = _sync(index, files, progress, notices)
            library = _library_of(index, files, report, progress, notices)
        except _FAILURES as again:
            index.remove()
            raise LibraryUnavailable(
                f"no library index can be made in {index.path.parent}: {_reason(again)}"
            ) from again
    return OpenedLibrary(library, index, home, tuple(paths), showing_samples, report, notices, private, set(files))


def _sync(index: LibraryIndex, files: list[str], progress: Progress | None, notices: list[str]) -> SyncReport:
    """`sync`, through what can go wrong on the way: a damaged index is made afresh, and one that
    another paperdeck made anew meanwhile is looked at again."""
    for _attempt in range(3):
        try:
            return sync(index, files, progress=progress)
        except IndexChanged:
            _note(notices, index.prepare(index.asked_year))
        except DAMAGE as exc:
            if not is_damage(exc):
                raise
            _start_afresh(index, exc, notices)
    return sync(index, files, progress=progress)


def _library_of(
    index: LibraryIndex, files: list[str], report: SyncReport, progress: Progress | None, notices: list[str]
) -> Library:
    """The library of an index just synced; made afresh if reading it finds it damaged."""
    try:
        return index.library(report.views, report.generation)
    except DAMAGE as exc:
        if not is_damage(exc):
            raise
        _start_afresh(index, exc, notices)
        report = _sync(index, files, progress, notices)
        return index.library(report.views, report.generation)


def _start_afresh(index: LibraryIndex, damage: BaseException, notices: list[str]) -> None:
    """Deletes a damaged index and makes an empty one in its place (the next sync fills it), and says so."""
    notices.append(f"The library index is rebuilt from the digests: it was damaged ({_reason(damage)}).")
    index.remove()
    index.prepare(index.asked_year)


def _note(notices: list[str], notice: str | None) -> None:
    if notice:
        notices.append(notice)


def _private_copy(home: Home, shared: LibraryIndex, year: int | None, notices: list[str]) -> LibraryIndex:
    """A copy of the shared index for this process alone (SQLite's online backup: a consistent copy
    even while another process writes)."""
    copy = _temporary_index(home, None)
    target = copy.connection()
    shared.connection().backup(target)
    target.execute("PRAGMA journal_mode = WAL")
    _note(notices, copy.prepare(year))
    return copy


def _temporary_index(home: Home, year: int | None) -> LibraryIndex:
    """An index for this process alone, in the cache folder if it can be written, else the system's."""
    folder = home.cache if home.cache.is_dir() and os.access(home.cache, os.W_OK) else Path(tempfile.gettempdir())
    try:
        handle, name = tempfile.mkstemp(prefix=f"index-{os.getpid()}-", suffix=".sqlite3", dir=folder)
        os.close(handle)
        index = LibraryIndex(Path(name))
        index.prepare(year)
    except _FAILURES as exc:
        raise LibraryUnavailable(f"no library index can be made in {folder}: {_reason(exc)}") from exc
    return index


def _forget_old_files(home: Home) -> None:
    """Deletes what earlier runs left in the cache: the old parse cache, and private copies of
    the index whose process is gone (killed before it could delete its own)."""
    try:
        names = os.listdir(home.cache)
    except OSError:
        return
    for name in names:
        match = _PRIVATE.fullmatch(name)
        if name == _OLD_CACHE or (match and not _alive(int(match.group(1)))):
            try:
                os.unlink(home.cache / name)
            except OSError:
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


def _reason(exc: BaseException | None) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
