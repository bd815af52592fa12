"""Bringing digests into the library: `add` (files copied into it) and linked folders (read where they are)."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tui.cli.output import (
    EXIT_ERRORS,
    EXIT_OK,
    EXIT_USAGE,
    FORMAT_NAMES,
    err,
    open_library_saying,
    out,
    progress_bar,
)
from tui.home import Home
from tui.library.files import digest_files
from tui.library.linked import LinkedFolders, absolute, note_files
from tui.library.merge import Library
from tui.model import DigestEntry, DigestFormat, Severity, title_id
from tui.parse import ParseResult, parse_bytes
from tui.safe_text import visible

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
            err(f"paperdeck: {raw}: cannot read: {exc.strerror or exc}")
            status = EXIT_USAGE
    if not incoming:
        return status or EXIT_USAGE
    home.ensure()
    opened = open_library_saying(home)
    # The bundled samples stand in for an empty library: nothing of theirs is "already there".
    known: dict[str, Path] = {} if opened.showing_samples else opened.index.file_hashes()
    papers = _KnownPapers(None if opened.showing_samples else opened.library)
    totals = {"files": 0, "new": 0, "merged": 0}
    with progress_bar("Importing", len(incoming)) as advance:
        for item in incoming:
            status = max(status, _add_one(home, item, year, known, papers, totals))
            advance()
    if totals["files"]:
        opened.refresh()  # the index takes in the new files now, not at the next start
    opened.close()
    out(f"added {totals['files']} file(s): {totals['new']} new paper(s), {totals['merged']} merged")
    return status


class _KnownPapers:
    """The papers of the library and of the files imported so far, to tell a new paper from
    another sighting of one known, by arXiv id or by title (as `merge.TitleClaims` does)."""

    def __init__(self, library: Library | None) -> None:
        self.library = library
        self.ids: set[str] = set(library.papers) if library is not None else set()
        self.claims: dict[str, str] = {}  # title id -> arXiv paper id, of the files imported

    def take(self, entries: Sequence[DigestEntry]) -> tuple[int, int]:
        """Counts the entries as (new, merged) and remembers them."""
        loose = [entry.id for entry in entries if not entry.arxiv_id]
        owners = self.library.renamed(loose) if self.library is not None and loose else {}
        new = merged = 0
        for entry in entries:
            if entry.arxiv_id:
                title = title_id(entry.title)
                known = entry.id in self.ids or title in self.ids
                self.claims.setdefault(title, entry.id)
                key = entry.id
            else:
                key = self.claims.get(entry.id) or owners.get(entry.id) or entry.id
                known = key in self.ids
            merged += known
            new += not known
            self.ids.add(key)
        return new, merged


def _add_one(
    home: Home, item: Incoming, year: int | None, known: dict[str, Path], papers: _KnownPapers, totals: dict[str, int]
) -> int:
    """Imports one file unless the library has it already; returns the exit status it earns."""
    status = EXIT_OK
    digest = hashlib.sha256(item.data).hexdigest()
    if digest in known:
        out(f"{visible(item.origin)}: already in the library as {known[digest].name}, skipped")
        return status
    result = parse_bytes(item.data, item.origin, year=year, modified=item.modified)
    for diagnostic in result.diagnostics:
        out(f"  {visible(str(diagnostic))}")
    if result.errors:
        status = max(status, EXIT_ERRORS)
    if not result.entries:
        out(f"{visible(item.origin)}: no papers found, not imported")
        return EXIT_ERRORS
    target = _free_name(home.library, _library_name(item, result))
    _write_new(target, item.data)
    known[digest] = target
    new, merged = papers.take(result.entries)
    totals["files"] += 1
    totals["new"] += new
    totals["merged"] += merged
    out(
        f"{visible(item.origin)}: {FORMAT_NAMES[result.format]}, {len(result.entries)} paper(s): "
        f"{new} new, {merged} merged with papers already known -> {target.name}"
    )
    return status


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


# --- linked folders -----------------------------------------------------------------------


def add_or_link(
    home: Home, raw_paths: list[str], *, year: int | None, link: str | None, unlink: str | None, linked: bool
) -> int:
    """`add`: copies digests in, or with --link / --unlink / --linked, keeps folders by reference."""
    if (link or unlink or linked) and raw_paths:
        err("paperdeck: add: give digest files to copy, or --link/--unlink/--linked, not both")
        return EXIT_USAGE
    if link:
        return link_folder(home, Path(link))
    if unlink:
        return unlink_folder(home, Path(unlink))
    if linked:
        return list_linked(home)
    if not raw_paths:
        err("paperdeck: add: give a digest file or folder to copy in (or --link DIR for a folder of notes)")
        return EXIT_USAGE
    return add(home, raw_paths, year=year)


def link_folder(home: Home, folder: Path) -> int:
    """Links a folder of notes into the library and reads it (where it is) into the index."""
    if not folder.is_dir():
        err(f"paperdeck: {visible(str(folder))}: not a folder (--link takes a folder of .md notes)")
        return EXIT_USAGE
    links = LinkedFolders(home)
    if not links.link(folder):
        out(f"{visible(str(absolute(folder)))}: linked already")
    notes = note_files(absolute(folder))
    opened = open_library_saying(home)
    try:
        root = os.path.join(os.fspath(absolute(folder)), "")
        said = [d for result in opened.library.results if result.path.startswith(root) for d in result.diagnostics]
        for diagnostic in said:
            out(f"  {visible(str(diagnostic))}")
        out(
            f"linked {visible(str(absolute(folder)))}: {len(notes)} note(s), read where they are; "
            f"{len(opened.library)} paper(s) in the library now"
        )
    finally:
        opened.close()
    return EXIT_ERRORS if any(d.severity is Severity.ERROR for d in said) else EXIT_OK


def unlink_folder(home: Home, folder: Path) -> int:
    if not LinkedFolders(home).unlink(folder):
        err(f"paperdeck: {visible(str(absolute(folder)))}: not a linked folder (see: paperdeck add --linked)")
        return EXIT_USAGE
    opened = open_library_saying(home)
    opened.close()
    out(f"unlinked {visible(str(absolute(folder)))}: its notes are no longer in the library (the folder is untouched)")
    return EXIT_OK


def list_linked(home: Home) -> int:
    folders = LinkedFolders(home).folders()
    if not folders:
        out("no linked folders (link one with: paperdeck add --link DIR)")
    for folder in folders:
        state = f"{len(note_files(folder))} note(s)" if folder.is_dir() else "missing: its notes are not read"
        out(f"{visible(str(folder))}\t{state}")
    return EXIT_OK
