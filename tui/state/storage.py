"""The files under the state store: in-memory tables written atomically by a thread, and the review log.

TinyDB's own JSONStorage re-reads and re-writes the whole file on every query and change.
Here the documents live in memory; a change marks them dirty and a background writer
serialises them with orjson and replaces the file atomically, coalescing bursts. The UI
never waits for the disk.

The review log grows by one answer per grade and would soon outweigh everything else, so it
lives in a file of its own, `reviews.jsonl` (see `ReviewLog`), which the same writer appends to.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import methodcaller
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

Tables = dict[str, dict[str, dict[str, Any]]]

# How long the writer waits for more changes before writing: bursts become one write,
# and every change is still on disk well within a second.
COALESCE_SECONDS = 0.15
RETRY_SECONDS = (0.5, 1.0, 2.0, 5.0)


def write_atomically(path: Path, data: bytes) -> None:
    """Replaces `path` with `data` so that a crash at any instant leaves the old or the new file.

    Temporary file in the same folder, flush, fsync, rename over, fsync the folder.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # some platforms cannot open a folder; the rename is still atomic there
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def serialise(tables: Tables) -> bytes:
    # orjson holds the GIL while it runs, so the snapshot is consistent even though the
    # UI thread changes the same dicts between writes.
    return orjson.dumps(tables, option=orjson.OPT_INDENT_2)


class MemoryStorage(Storage):
    """A TinyDB storage that keeps every table in memory and hands writes to a `Writer`."""

    def __init__(self, tables: Tables, on_change: Callable[[], None]) -> None:
        self.tables = tables
        self._on_change = on_change

    def read(self) -> Tables:
        return self.tables

    def write(self, data: Tables) -> None:
        self.tables = data
        self._on_change()

    def close(self) -> None:
        pass


class _IntKeys(MutableMapping[int, Any]):
    """A table's raw `{"1": doc}` dict seen with the int document ids TinyDB's updaters use."""

    __slots__ = ("raw",)

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def __getitem__(self, key: int) -> Any:
        return self.raw[str(key)]

    def __setitem__(self, key: int, value: Any) -> None:
        self.raw[str(key)] = value

    def __delitem__(self, key: int) -> None:
        del self.raw[str(key)]

    def __contains__(self, key: object) -> bool:
        return str(key) in self.raw

    def __iter__(self) -> Iterator[int]:
        return (int(key) for key in self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def clear(self) -> None:
        self.raw.clear()


class MemoryTable(Table):
    """A TinyDB table whose updates change the stored dict in place.

    TinyDB's `_update_table` converts every document id of the table, twice, on every
    change: 30 ms per change at 100,000 documents. Here a change costs what it changes.
    """

    def update_in_place(self, updater: Callable[[MutableMapping[int, Any]], None]) -> None:
        """Runs `updater` on the table's documents by id, as one change (so one write)."""
        self._update_table(updater)

    def _update_table(self, updater: Callable[[Any], None]) -> None:
        tables = self._storage.read()
        raw = tables.setdefault(self.name, {})
        updater(_IntKeys(raw))
        self._storage.write(tables)
        self.clear_cache()


class StateDB(TinyDB):
    """TinyDB over a `MemoryStorage`, with tables that update in place."""

    table_class = MemoryTable


# --- the review log: reviews.jsonl ---------------------------------------------------------------

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
            _fsync_folder(self.path.parent)
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
        write_atomically(self.path, data)
        self._good_size = len(data)
        self.tombstones = 0

    def rewrite(self, entries: Iterable[dict[str, Any]]) -> None:
        """Replaces the file atomically with these answers alone: no tombstones, no torn line."""
        data = b"".join(orjson.dumps(entry) + b"\n" for entry in entries)
        write_atomically(self.path, data)
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


class Writer:
    """Writes the tables and the review log to disk in a background thread, soon after each change.

    Changes are counted; `durable` is the count that is safely on disk. A failed write is
    kept pending and retried, and reported through `on_error` (and `on_recovered`).
    A change to the tables rewrites `store.json`; an answer added or undone is one line
    appended to the review log, which never makes `store.json` be written again.
    """

    def __init__(
        self,
        path: Path,
        tables: Callable[[], Tables],
        *,
        log: ReviewLog | None = None,
        on_error: Callable[[OSError], None] | None = None,
        on_recovered: Callable[[], None] | None = None,
        on_durable: Callable[[int], None] | None = None,
    ) -> None:
        self.path = path
        self._tables = tables
        self.log = log
        self._on_error = on_error
        self._on_recovered = on_recovered
        self._on_durable = on_durable
        # Reentrant: the store changes its memory and tells the writer under this one lock.
        self.lock = threading.RLock()
        self._condition = threading.Condition(self.lock)
        self._wanted = 0  # changes made
        self._durable = 0  # changes on disk
        self._tables_changed = 0  # the last change that touched the tables
        self._tables_durable = 0
        self._log_entries: dict[int, dict[str, Any]] = {}  # answers not yet appended, by id
        self._log_undos: list[int] = []  # ids of answers undone, not yet appended as tombstones
        self._log_compact = False
        self._write_lock = threading.Lock()  # one write at a time: the thread or a flush
        self._closed = False
        self.last_error: OSError | None = None
        self._thread = threading.Thread(target=self._run, name="paperdeck-store-writer", daemon=True)
        self._thread.start()

    @property
    def pending(self) -> bool:
        return self._durable < self._wanted

    @property
    def changes(self) -> int:
        return self._wanted

    @property
    def durable(self) -> int:
        return self._durable

    def changed(self) -> None:
        """Called on the UI thread after each change to the tables: cheap, never touches the disk."""
        with self._condition:
            self._wanted += 1
            self._tables_changed = self._wanted
            self._condition.notify()

    def log_added(self, entry: dict[str, Any]) -> None:
        """An answer to append to the review log (its "id" set); cheap, never touches the disk."""
        with self._condition:
            self._log_entries[entry["id"]] = entry
            self._wanted += 1
            self._condition.notify()

    def log_undone(self, entry_id: int) -> None:
        """An answer taken back: a tombstone to append (even if the answer is not written yet)."""
        with self._condition:
            self._log_undos.append(entry_id)
            self._wanted += 1
            self._condition.notify()

    def compact_log(self) -> None:
        """Rewrites the review log without undone answers, with the next write."""
        with self._condition:
            self._log_compact = True
            self._wanted += 1
            self._condition.notify()

    @contextmanager
    def holding_log(self) -> Iterator[tuple[list[dict[str, Any]], list[int]]]:
        """While no write runs: the answers and undos not yet in the log file, to read it whole."""
        with self._write_lock, self._condition:
            yield list(self._log_entries.values()), list(self._log_undos)

    def flush(self) -> bool:
        """Writes now, on the calling thread, if anything is pending; True when all is on disk."""
        if not self.pending:
            return True
        return self._write_once()

    def close(self) -> bool:
        """Stops the thread after a last write; True when every change reached the disk."""
        with self._condition:
            self._closed = True
            self._condition.notify()
        self._thread.join(timeout=10)
        return self.flush()

    def _run(self) -> None:
        failures = 0
        while True:
            with self._condition:
                while not self.pending and not self._closed:
                    self._condition.wait()
                if self._closed:
                    return
            # Let a burst of changes finish, so that it costs one write.
            time.sleep(COALESCE_SECONDS)
            if self._write_once():
                failures = 0
            else:
                delay = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                failures += 1
                with self._condition:
                    self._condition.wait(timeout=delay)

    def _write_once(self) -> bool:
        with self._write_lock:
            # What is taken when matters. A grade adds its answer before it changes the card,
            # and an undo puts the card back before it adds the tombstone; so tombstones taken
            # before the tables are serialised have their cards back in that copy, and answers
            # taken after it include every answer the copy shows. Both count from `target`.
            with self._condition:
                target = self._wanted
                if target <= self._durable:
                    return True
                tables_target = self._tables_changed
                undos = self._log_undos
                self._log_undos = []
                compact = self._log_compact
                self._log_compact = False
            tables = serialise(self._tables()) if tables_target > self._tables_durable else None
            with self._condition:
                entries = list(self._log_entries.values())
                self._log_entries = {}
            try:
                # The log is written before store.json and its tombstones after, so a crash
                # between the files can only leave the log holding an answer the card does
                # not show (the card comes due again; the extra answer counts in the stats),
                # never a card moved by an answer the log has lost, or an undone answer gone
                # from the log while the card still shows it.
                if entries:
                    assert self.log is not None
                    self.log.append(entries)
                    entries = []
                if tables is not None:
                    write_atomically(self.path, tables)
                    self._tables_durable = tables_target
                if undos:
                    assert self.log is not None
                    self.log.append({"undo": entry_id} for entry_id in undos)
                    undos = []
                if compact:
                    assert self.log is not None
                    self.log.compact()
                    compact = False
            except OSError as exc:
                error = exc
                first_failure = self.last_error is None
                self.last_error = exc
                failed = True
                with self._condition:  # what was not written goes back, ahead of newer changes
                    self._log_entries = {**{entry["id"]: entry for entry in entries}, **self._log_entries}
                    self._log_undos = undos + self._log_undos
                    self._log_compact = self._log_compact or compact
            else:
                self._durable = max(self._durable, target)
                recovered = self.last_error is not None
                self.last_error = None
                failed = False
        # Callbacks run outside the lock: a listener may take its time or flush itself.
        if failed:
            if first_failure and self._on_error:
                self._on_error(error)
            return False
        if recovered and self._on_recovered:
            self._on_recovered()
        if self._on_durable:
            self._on_durable(target)
        return True
