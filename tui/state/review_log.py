"""reviews.jsonl, the review log: one answer per line, appended to, read back, compacted.

The review log grows by one answer per grade and would soon outweigh everything else in
store.json, so it lives in a file of its own, which the store's writer appends to.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import methodcaller
from pathlib import Path
from typing import Any

import orjson

# Called through its module, so that a write_atomically replaced there (a disk that fails, in
# the tests) is the one the log's rewrites use.
from tui.state import atomic
from tui.state.atomic import fsync_folder

# How much of the end of the log is read to find the last answer's id without reading it all.
_TAIL_BYTES = 64 * 1024


class LogDamaged(Exception):
    """The review log holds no line this version can read; the message says what is wrong."""


@dataclass
class LogRead:
    """What reading `reviews.jsonl` found."""

    entries: dict[int, dict[str, Any]] = field(default_factory=dict)  # by id, oldest first
    max_id: int = 0  # the highest id in the file, undone answers included
    tombstones: int = 0
    torn_line: int | None = None  # the number of a last line cut short, ignored
    bad_lines: list[int] = field(default_factory=list)  # other lines that are not log lines


class ReviewLog:
    """`reviews.jsonl`: the review log, one compact JSON object per line, only ever appended to.

    An answer is `{"id": 7, "paper_id": ..., "rating": ..., "reviewed_at": ..., ...}`; an undone
    answer is followed by a tombstone `{"undo": 7}`, and both disappear when the file is
    compacted (rewritten atomically). A line counts once its newline is written: a crash
    mid-append leaves at most a torn last line, which is ignored and cut off on the next write.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tombstones = 0  # tombstone lines in the file, as far as this process knows
        # Bytes up to the end of the last complete line; None until the file is looked at.
        self._good_size: int | None = None

    def read(self) -> LogRead:
        """Every answer in the file, undone ones dropped; raises LogDamaged if no line is one."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            self._good_size = 0
            return LogRead()
        end = data.rfind(b"\n") + 1
        self._good_size = end
        body = data[:end]
        read = LogRead()
        if data[end:].strip():
            read.torn_line = body.count(b"\n") + 1
        if body.strip():
            if not self._read_fast(body, read):
                self._read_slowly(body, read)
        return read

    def _read_fast(self, body: bytes, read: LogRead) -> bool:
        """One orjson call over the whole file, for a log of answers only, as paperdeck writes it."""
        try:
            lines = orjson.loads(b"[" + body[:-1].replace(b"\n", b",") + b"]")
        except orjson.JSONDecodeError:
            return False
        # The checks map C functions over the lines: a log can hold hundreds of thousands.
        if not set(map(type, lines)) <= {dict}:
            return False
        ids = list(map(_GET_ID, lines))
        if not set(map(type, ids)) <= {int} or not set(map(type, map(_GET_PAPER, lines))) <= {str}:
            return False
        read.entries = dict(zip(ids, lines, strict=True))
        read.max_id = max(ids, default=0)
        self.tombstones = 0
        return True

    def _read_slowly(self, body: bytes, read: LogRead) -> None:
        """Line by line: tombstones, and lines that are not log lines, which are reported."""
        entries = read.entries
        good = 0
        for number, line in enumerate(body.split(b"\n")[:-1], start=1):
            kind, value = _log_line(line)
            if kind == "entry":
                entries[value["id"]] = value
                read.max_id = max(read.max_id, value["id"])
            elif kind == "undo":
                entries.pop(value, None)
                read.max_id = max(read.max_id, value)
                read.tombstones += 1
            elif line.strip():
                read.bad_lines.append(number)
                continue
            good += 1
        if not good:
            raise LogDamaged("not a review log: no line is an answer")
        self.tombstones = read.tombstones

    def last_id(self) -> int:
        """The highest id in the file, reading only its end when it can."""
        try:
            with open(self.path, "rb") as handle:
                size = handle.seek(0, os.SEEK_END)
                start = max(0, size - _TAIL_BYTES)
                handle.seek(start)
                chunk = handle.read()
        except FileNotFoundError:
            self._good_size = 0
            return 0
        end = chunk.rfind(b"\n") + 1
        if start == 0 or end:
            self._good_size = start + end
        lines = chunk[:end].split(b"\n")[:-1]
        if start > 0:
            lines = lines[1:]  # the first line in the chunk may be cut at its start
        highest = 0
        for line in lines:
            kind, value = _log_line(line)
            if kind == "entry":
                highest = max(highest, value["id"])
            elif kind == "undo":
                highest = max(highest, value)
        if highest or start == 0:
            return highest
        return self.read().max_id  # a tail of nothing but damage: read the whole file

    def append(self, documents: Iterable[dict[str, Any]]) -> None:
        """Adds lines and fsyncs them; a torn tail left by a crash or a failed write is cut off first."""
        data = b"".join(orjson.dumps(document) + b"\n" for document in documents)
        if not data:
            return
        if self._good_size is None:
            self.last_id()
        created = not self.path.exists()
        with open(self.path, "ab") as handle:
            if os.fstat(handle.fileno()).st_size != self._good_size:
                handle.truncate(self._good_size)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if created:
            fsync_folder(self.path.parent)
        self._good_size = (self._good_size or 0) + len(data)
        self.tombstones += data.count(b'{"undo":')

    def compact(self) -> None:
        """Rewrites the file without undone answers, their tombstones, or lines that are not answers.

        From the file itself, so that what it means cannot change: the writer does this after
        its appends, whatever the store holds in memory by then.
        """
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        lines = data[: data.rfind(b"\n") + 1].split(b"\n")[:-1]
        undone = {value for kind, value in map(_log_line, filter(_TOMBSTONE, lines)) if kind == "undo"}
        kept = []
        for line in lines:
            if line.startswith(b'{"id":'):  # as paperdeck writes them: the id first, no spaces
                head = line[6 : line.find(b",")]
                if head.isdigit() and int(head) not in undone:
                    kept.append(line)
                    continue
            kind, value = _log_line(line)
            if kind == "entry" and value["id"] not in undone:
                kept.append(line)
        data = b"".join(line + b"\n" for line in kept)
        atomic.write_atomically(self.path, data)
        self._good_size = len(data)
        self.tombstones = 0

    def rewrite(self, entries: Iterable[dict[str, Any]]) -> None:
        """Replaces the file atomically with these answers alone: no tombstones, no torn line."""
        data = b"".join(orjson.dumps(entry) + b"\n" for entry in entries)
        atomic.write_atomically(self.path, data)
        self._good_size = len(data)
        self.tombstones = 0

    def cut_torn_line(self) -> None:
        """Cuts off a torn last line now (the file was read; the store holds the lock)."""
        if self._good_size is not None and self.path.exists() and self.path.stat().st_size > self._good_size:
            os.truncate(self.path, self._good_size)

    def forget_size(self) -> None:
        """The file was moved away or replaced from outside: look at it again before appending."""
        self._good_size = None
        self.tombstones = 0


_TOMBSTONE = methodcaller("startswith", b'{"undo":')
_GET_ID = methodcaller("get", "id")
_GET_PAPER = methodcaller("get", "paper_id")


def _log_line(line: bytes) -> tuple[str, Any]:
    """("entry", document), ("undo", id), or ("bad", None) for one line of the log."""
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        return "bad", None
    if isinstance(value, dict):
        if type(value.get("id")) is int and isinstance(value.get("paper_id"), str):
            return "entry", value
        if type(value.get("undo")) is int and len(value) == 1:
            return "undo", value["undo"]
    return "bad", None
