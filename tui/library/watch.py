"""Watching the library folder: which digest files appeared, changed or went, and the library anew.

Polling, not OS notifications: a stat of each file every couple of seconds costs next to
nothing for thousands of files and works the same everywhere. A file counts as new or changed
only once two polls in a row see it the same size and age, so a file still being copied in is
not read half-written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tui.home import Home
from tui.library.cache import cache_key, save
from tui.library.files import library_files, load_library, read_digest, unreadable
from tui.library.merge import Library, extended

Stamp = tuple[int, int]  # size, modification time in ns


@dataclass(frozen=True)
class LibraryChange:
    """What changed in the files the app shows since the last poll that found a change."""

    added: tuple[Path, ...] = ()
    changed: tuple[Path, ...] = ()
    removed: tuple[Path, ...] = ()
    files: tuple[Path, ...] = ()  # every file the library is now made of
    showing_samples: bool = False
    samples_switched: bool = False  # the bundled samples gave way to the user's first digest, or came back

    @property
    def only_added(self) -> bool:
        return not self.changed and not self.removed and not self.samples_switched


@dataclass
class LibraryWatch:
    """Polls the files of a home's library (plus any given on the command line)."""

    home: Home
    paths: Sequence[Path] = ()
    year: int | None = None
    _seen: dict[Path, Stamp] = field(default_factory=dict)
    _showing_samples: bool = False
    _settling: dict[Path, Stamp] = field(default_factory=dict)

    def __post_init__(self) -> None:
        files, self._showing_samples = library_files(self.home, self.paths)
        self._seen = _stamps(files)

    def poll(self) -> LibraryChange | None:
        """The change since the last time one was reported, once it has settled; else None."""
        files, showing_samples = library_files(self.home, self.paths)
        now = _stamps(files)
        settling, self._settling = self._settling, {}
        unsettled = False
        for path, stamp in now.items():
            if self._seen.get(path) != stamp and settling.get(path) != stamp:
                self._settling[path] = stamp
                unsettled = True
        if unsettled:
            return None
        if now == self._seen and showing_samples == self._showing_samples:
            return None
        change = LibraryChange(
            added=tuple(p for p in now if p not in self._seen),
            changed=tuple(p for p in now if p in self._seen and self._seen[p] != now[p]),
            removed=tuple(p for p in self._seen if p not in now),
            files=tuple(now),
            showing_samples=showing_samples,
            samples_switched=showing_samples != self._showing_samples,
        )
        self._seen = now
        self._showing_samples = showing_samples
        return change

    def files_to_read(self, library: Library, change: LibraryChange) -> int:
        """How many digest files `reload` will parse for `change` (for a progress bar)."""
        return len(change.added) if self._only_new(library, change) else len(change.files)

    def reload(self, library: Library, change: LibraryChange, advance: Callable[[], None] | None = None) -> Library:
        """The library after `change`: new files merged into it, or, when files changed or
        went, every file parsed afresh. Saves the parse cache for the next start.

        `advance` is called after each file read (a progress bar's step)."""
        step = advance or (lambda: None)
        if self._only_new(library, change):
            results = []
            for path in change.added:
                results.append(self._read(path))
                step()
            new = extended(library, results)
        else:
            new = load_library(change.files, year=self.year, advance=step)
        key = cache_key(list(change.files), self.year)
        if key is not None:
            save(self.home.cache / "library.marshal", key, new)
        return new

    @staticmethod
    def _only_new(library: Library, change: LibraryChange) -> bool:
        return change.only_added and library.pending_abstracts is None

    def _read(self, path: Path):
        try:
            return read_digest(path, year=self.year)
        except OSError as exc:
            return unreadable(path, exc)


def _stamps(files: Sequence[Path]) -> dict[Path, Stamp]:
    stamps: dict[Path, Stamp] = {}
    for path in files:
        try:
            stat = os.stat(path)
        except OSError:
            continue  # gone between the listing and now: the next poll says so
        stamps[path] = (stat.st_size, stat.st_mtime_ns)
    return stamps
