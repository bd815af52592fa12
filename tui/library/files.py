"""Which files are digests, and reading them: one file, many into a library, the home's or the samples."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from tui.home import Home, sample_data_dir
from tui.library.linked import LinkedFolders, note_files
from tui.library.merge import Library
from tui.model import Diagnostic, DigestFormat, Severity
from tui.parse import ParseResult, parse_bytes

# What a digest file is called; anything else in a folder is not read.
DIGEST_SUFFIXES = (".txt", ".json")


def digest_files(folder: Path) -> list[Path]:
    """The digest files directly inside `folder`, in name order."""
    return [Path(name) for name in digest_file_names(folder)]


def digest_file_names(folder: Path | str) -> list[str]:
    """`digest_files` as path strings: the library index wants no more, and a library is
    thousands of files (a Path costs several microseconds to make and as many to print)."""
    # scandir knows each entry's type without a stat call.
    with os.scandir(folder) as entries:
        return sorted(
            entry.path
            for entry in entries
            if os.path.splitext(entry.name)[1].lower() in DIGEST_SUFFIXES and entry.is_file()
        )


def read_digest(path: Path, *, year: int | None = None) -> ParseResult:
    """Parses one digest file. Raises OSError when the file cannot be read."""
    data = path.read_bytes()
    modified = date.fromtimestamp(path.stat().st_mtime)
    return parse_bytes(data, str(path), year=year, modified=modified)


def load_library(
    files: Iterable[Path], *, year: int | None = None, advance: Callable[[], None] | None = None
) -> Library:
    """Parses and merges the given digest files; a file that cannot be read becomes an error.

    `advance` is called after each file (a progress bar's step).
    """
    results = []
    for path in files:
        try:
            results.append(read_digest(path, year=year))
        except OSError as exc:
            results.append(unreadable(path, exc))
        if advance is not None:
            advance()
    return Library.from_results(results)


def unreadable(path: Path, exc: OSError) -> ParseResult:
    reason = exc.strerror or str(exc)
    diagnostic = Diagnostic(str(path), 0, Severity.ERROR, f"cannot read: {reason}")
    return ParseResult(str(path), DigestFormat.UNKNOWN, (), (diagnostic,))


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders as the digest files directly inside them."""
    files: list[Path] = []
    for path in paths:
        files.extend(digest_files(path) if path.is_dir() else [path])
    return files


def library_files(home: Home, paths: Iterable[Path] = ()) -> tuple[list[Path], bool]:
    """The files the app shows: the home's library plus `paths`, else the bundled samples.

    The second value says whether the samples stand in for an empty library.
    """
    names, showing_samples = library_file_names(home, paths)
    return [Path(name) for name in names], showing_samples


def library_file_names(home: Home, paths: Iterable[Path] = ()) -> tuple[list[str], bool]:
    """`library_files` as path strings: the library folder's digests, the notes of the linked
    folders, then `paths`."""
    names = digest_file_names(home.library) if home.library.is_dir() else []
    for folder in LinkedFolders(home).folders():
        names += note_files(folder)  # a missing folder (an unmounted disk) has no notes
    names += map(os.fspath, expand_paths(paths))
    if names:
        return names, False
    return digest_file_names(sample_data_dir()), True
