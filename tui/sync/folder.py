"""The sync folder on disk: reading what the other machines wrote, and writing this machine's files.

Every machine writes only inside `DIR/paperdeck/<device>/`: two append-only JSON-lines streams
(`changes.jsonl`, `answers.jsonl`) and `device.json`. No file is ever written by two machines, so a
sync tool never has to merge one; what it does instead (copies files halfway, tears them, brings
an older version back, renames a copy to a "conflicted copy") is survived here, without knowing
what the lines mean: the caller merges what is read idempotently, so a line read twice is harmless,
and the one rule kept here is that a line is never lost without a warning.

A file is read from where the last read stopped (a `Mark`), when the bytes before that point are
still the ones read then; otherwise it is read again from its start. Only complete lines count:
a last line without its newline is still on its way and is read the next time.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import orjson

from tui.state.atomic import fsync_folder, write_atomically

SUBFOLDER = "paperdeck"  # DIR/paperdeck/<device>/
STREAMS = ("changes", "answers")  # <stream>.jsonl
DEVICE_FILE = "device.json"

# How many bytes before a mark are fingerprinted, and compared before appending to the folder's copy:
# enough to tell a version of the file from another, little enough to read on every sync.
_FINGERPRINT_BYTES = 64
_COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class Line:
    """One JSON object read from a stream file of the folder."""

    device: str  # the device folder it was read from (its name)
    stream: str  # "changes" or "answers"
    document: dict[str, Any]  # the parsed JSON object
    where: str  # "PATH:LINENO", for messages


@dataclass(frozen=True)
class Mark:
    """How far one file has been read: complete lines up to `offset`, and a fingerprint of the bytes before it."""

    offset: int
    check: str  # hex blake2b of the (up to) 64 bytes just before offset; "" at offset 0
    line: int  # lines read so far (for PATH:LINENO in messages)

    def to_json(self) -> list[Any]:
        return [self.offset, self.check, self.line]

    @classmethod
    def from_json(cls, value: Any) -> Mark | None:
        """The mark `to_json` wrote, or None for anything else (the file is then read from its start)."""
        if not isinstance(value, list | tuple) or len(value) != 3:
            return None
        offset, check, line = value
        # bool is an int to Python, never an offset to anyone
        if not all(isinstance(number, int) and not isinstance(number, bool) for number in (offset, line)):
            return None
        if offset < 0 or line < 0 or not isinstance(check, str):
            return None
        return cls(offset, check, line)


def _fingerprint(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest() if data else ""


def stream_of(name: str) -> str | None:
    """The stream a file of a device folder belongs to, conflict copies included; None for any other file.

    Sync tools name their copies after the original, inside its name: `changes.sync-conflict-….jsonl`
    (Syncthing), `changes (…'s conflicted copy …).jsonl` (Dropbox), `changes (conflicted copy ….jsonl`
    (Nextcloud), `changes 2.jsonl` (iCloud). Hidden files are temporary files, ours or the tool's.
    """
    if name.startswith(".") or not name.endswith(".jsonl"):
        return None
    for stream in STREAMS:
        if name.startswith(stream) and len(name) >= len(stream) + len(".jsonl"):
            return stream
    return None


def _strerror(error: OSError) -> str:
    return error.strerror or str(error)


class SyncFolder:
    """The folder a sync tool keeps, seen from one device: `root/paperdeck/<device>/` is its own."""

    def __init__(self, root: Path, device: str) -> None:
        self.root = root
        self.base = root / SUBFOLDER
        self.own = self.base / device
        self.device = device
        # Messages name files by their absolute path: a relative one means nothing in a log read later.
        self._shown_base = self.base.absolute()

    def problem(self) -> str | None:
        """None when the folder is there to be read; else one line that names it and says what is wrong."""
        try:
            if not self.root.is_dir():
                return f"{self.root}: not a folder" if self.root.exists() else f"{self.root}: no such folder"
            with os.scandir(self.root):
                pass
        except FileNotFoundError:
            return f"{self.root}: no such folder"
        except OSError as exc:
            return f"{self.root}: cannot be read ({_strerror(exc)})"
        return None

    # --- reading ---------------------------------------------------------------------------

    def read_new(self, marks: Mapping[str, Mark]) -> tuple[list[Line], dict[str, Mark], list[str]]:
        """The lines written since `marks`, the marks to give next time, and the warnings to show.

        Marks are keyed by the file's path under `base` ("<device>/<name>"). Files are read in the
        order of those paths; a file that vanished loses its mark, one that cannot be read keeps it.
        """
        lines: list[Line] = []
        new_marks: dict[str, Mark] = {}
        warnings: list[str] = []
        files, unlisted = self._stream_files(warnings)
        # A folder that could not be listed is not a folder emptied: what was read of it stays read.
        for key, mark in marks.items():
            if unlisted is None or key.split("/", 1)[0] in unlisted:
                new_marks[key] = mark
        for key, device, stream in files:
            path = self._shown_base / key
            mark = marks.get(key)
            try:
                read, new_mark, bad = self._read_file(path, device, stream, mark)
            except OSError as exc:
                warnings.append(f"{path}: cannot be read ({_strerror(exc)}), skipped")
                if mark is not None:
                    new_marks[key] = mark
                continue
            lines += read
            new_marks[key] = new_mark
            warnings += bad
        return lines, new_marks, warnings

    def _stream_files(self, warnings: list[str]) -> tuple[list[tuple[str, str, str]], set[str] | None]:
        """(key, device, stream) of every file to read, in key order, and the device folders that
        could not be listed (None: not even `base` could, and every mark is kept)."""
        try:
            devices = self._device_names()
        except FileNotFoundError:
            return [], set()  # nothing synced yet: no machine has written here
        except OSError as exc:
            warnings.append(f"{self._shown_base}: cannot be read ({_strerror(exc)}), skipped")
            return [], None
        files: list[tuple[str, str, str]] = []
        unlisted: set[str] = set()
        for device in devices:
            try:
                with os.scandir(self.base / device) as entries:
                    names = [entry.name for entry in entries]
            except OSError as exc:
                warnings.append(f"{self._shown_base / device}: cannot be read ({_strerror(exc)}), skipped")
                unlisted.add(device)
                continue
            for name in names:
                stream = stream_of(name)
                if stream is None:
                    continue
                if device == self.device and name == f"{stream}.jsonl":
                    continue  # this machine wrote it; its conflict copies are someone else's version of it
                files.append((f"{device}/{name}", device, stream))
        files.sort()
        return files, unlisted

    def _device_names(self) -> list[str]:
        with os.scandir(self.base) as entries:
            return sorted(entry.name for entry in entries if not entry.name.startswith(".") and entry.is_dir())

    def _read_file(self, path: Path, device: str, stream: str, mark: Mark | None) -> tuple[list[Line], Mark, list[str]]:
        """The complete lines after `mark` (or from the start, if the file is no longer what was marked)."""
        # A pipe or a device named like a stream would block the read or never end: only plain files.
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            raise OSError(0, "not a regular file")
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            start, line_number, before = 0, 0, b""
            if mark is not None and 0 < mark.offset <= size:
                window = max(0, mark.offset - _FINGERPRINT_BYTES)
                handle.seek(window)
                before = handle.read(mark.offset - window)
                if _fingerprint(before) == mark.check:
                    start, line_number = mark.offset, mark.line
                else:
                    before = b""  # another version of the file: all of it is new
            handle.seek(start)
            data = handle.read()  # one read from the mark to the end, however long the file
        end = data.rfind(b"\n") + 1  # the unfinished last line, if any, is left for the next read
        lines: list[Line] = []
        warnings: list[str] = []
        if end:
            pieces = data[:end].split(b"\n")
            pieces.pop()  # the empty piece after the last newline
            for raw in pieces:
                line_number += 1
                if not raw.strip():
                    continue
                try:
                    document = orjson.loads(raw)  # also refuses bytes that are not UTF-8
                except orjson.JSONDecodeError:
                    document = None
                if not isinstance(document, dict):
                    warnings.append(f"{path}:{line_number}: not a line paperdeck can read, skipped")
                    continue
                lines.append(Line(device, stream, document, f"{path}:{line_number}"))
        offset = start + end
        tail = data[end - _FINGERPRINT_BYTES : end] if end >= _FINGERPRINT_BYTES else (before + data[:end])
        return lines, Mark(offset, _fingerprint(tail[-_FINGERPRINT_BYTES:]), line_number), warnings

    # --- writing ---------------------------------------------------------------------------

    def publish(self, stream: str, source: Path) -> None:
        """Makes `own/<stream>.jsonl` hold exactly the bytes of `source`, this machine's append-only copy.

        When the folder's file is a beginning of `source` only the missing tail is appended; when a
        sync tool put another version there (older, longer, foreign) it is replaced atomically.
        "A beginning" is judged by its last 64 bytes, not all of them: reading the whole file at
        every sync would cost more than the rare copy torn in its middle, whose bad lines the
        other machines skip with a warning, is worth.
        Raises OSError when the folder cannot be written.
        """
        if stream not in STREAMS:
            raise ValueError(f"{stream!r} is not a stream of the sync folder ({', '.join(STREAMS)})")
        target = self.own / f"{stream}.jsonl"
        with open(source, "rb") as origin:
            size = os.fstat(origin.fileno()).st_size  # copy what is there now, even if it grows meanwhile
            self.own.mkdir(parents=True, exist_ok=True)
            present = _agreeing_length(target, origin)
            if present is not None and present <= size:
                if present == size:
                    return  # already there: no write, so the sync tool has nothing to send
                origin.seek(present)
                with open(target, "ab") as handle:
                    _copy(origin, handle, size - present)
                    handle.flush()
                    os.fsync(handle.fileno())
                return
            temporary = self.own / f".{stream}.jsonl.{os.getpid()}.tmp"
            try:
                with open(temporary, "wb") as handle:
                    origin.seek(0)
                    _copy(origin, handle, size)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, target)
            except BaseException:
                with suppress(OSError):
                    temporary.unlink(missing_ok=True)
                raise
        fsync_folder(self.own)

    def write_device(self, info: Mapping[str, Any]) -> None:
        """Replaces `own/device.json` with `info` atomically; raises OSError when it cannot be written."""
        self.own.mkdir(parents=True, exist_ok=True)
        write_atomically(self.own / DEVICE_FILE, orjson.dumps(dict(info), option=orjson.OPT_INDENT_2) + b"\n")

    def device_info(self) -> dict[str, Any] | None:
        """What `own/device.json` says now; None when it is missing or not a JSON object."""
        try:
            document = orjson.loads(_read_regular(self.own / DEVICE_FILE))
        except (OSError, orjson.JSONDecodeError):
            return None
        return document if isinstance(document, dict) else None

    def devices(self) -> list[dict[str, Any]]:
        """Every device folder, by name: what its device.json says (or its problem), the bytes of
        its streams ("files") and when they last changed ("changed")."""
        try:
            names = self._device_names()
        except OSError:
            return []
        found: list[dict[str, Any]] = []
        for name in names:
            folder = self.base / name
            path = self._shown_base / name / DEVICE_FILE
            try:
                document = orjson.loads(_read_regular(folder / DEVICE_FILE))
            except FileNotFoundError:
                document = f"{path}: no such file"
            except OSError as exc:
                document = f"{path}: cannot be read ({_strerror(exc)})"
            except orjson.JSONDecodeError:
                document = None
            if isinstance(document, dict):
                entry = {**document, "device": name}
            else:
                problem = document if isinstance(document, str) else f"{path}: not a device file paperdeck can read"
                entry = {"device": name, "problem": problem}
            entry["files"], entry["changed"] = _stream_files_size_and_time(folder)
            found.append(entry)
        return found


def _agreeing_length(target: Path, origin: IO[bytes]) -> int | None:
    """The length of `target` when its last bytes are those of `origin` at the same place; None otherwise."""
    try:
        if not stat.S_ISREG(os.stat(target).st_mode):
            return None  # a pipe would block the open below; replacing it makes a file of it
        with open(target, "rb") as handle:
            length = os.fstat(handle.fileno()).st_size
            window = max(0, length - _FINGERPRINT_BYTES)
            handle.seek(window)
            theirs = handle.read(length - window)
    except OSError:
        return None  # missing or unreadable: replacing it says whether it can be written
    origin.seek(window)
    ours = origin.read(length - window)
    return length if theirs == ours and len(theirs) == length - window else None


def _read_regular(path: Path) -> bytes:
    """The bytes of a plain file; OSError for anything else (a pipe would block, a device never end)."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise OSError(0, "not a regular file", str(path))
    return path.read_bytes()


def _copy(origin: IO[bytes], handle: IO[bytes], count: int) -> None:
    while count > 0:
        chunk = origin.read(min(count, _COPY_CHUNK))
        if not chunk:
            break
        handle.write(chunk)
        count -= len(chunk)


def _stream_files_size_and_time(folder: Path) -> tuple[int, str | None]:
    """The bytes of a device folder's stream files, and when the newest was last changed (UTC)."""
    total, newest = 0, 0.0
    with suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if stream_of(entry.name) is not None:
                with suppress(OSError):
                    status = entry.stat()
                    total += status.st_size
                    newest = max(newest, status.st_mtime)
    changed = datetime.fromtimestamp(newest, UTC).isoformat(timespec="seconds") if newest else None
    return total, changed
