"""The file under the state store: an in-memory TinyDB storage written atomically by a thread.

TinyDB's own JSONStorage re-reads and re-writes the whole file on every query and change.
Here the documents live in memory; a change marks them dirty and a background writer
serialises them with orjson and replaces the file atomically, coalescing bursts. The UI
never waits for the disk.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator, MutableMapping
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


class Writer:
    """Writes the tables to disk in a background thread, soon after each change.

    Changes are counted; `durable` is the count that is safely on disk. A failed write is
    kept pending and retried, and reported through `on_error` (and `on_recovered`).
    """

    def __init__(
        self,
        path: Path,
        tables: Callable[[], Tables],
        *,
        on_error: Callable[[OSError], None] | None = None,
        on_recovered: Callable[[], None] | None = None,
        on_durable: Callable[[int], None] | None = None,
    ) -> None:
        self.path = path
        self._tables = tables
        self._on_error = on_error
        self._on_recovered = on_recovered
        self._on_durable = on_durable
        self._condition = threading.Condition()
        self._wanted = 0  # changes made
        self._durable = 0  # changes on disk
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
        """Called on the UI thread after each change: cheap, never touches the disk."""
        with self._condition:
            self._wanted += 1
            self._condition.notify()

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
            target = self._wanted
            if target <= self._durable:
                return True
            try:
                data = serialise(self._tables())
                write_atomically(self.path, data)
            except OSError as exc:
                error = exc
                first_failure = self.last_error is None
                self.last_error = exc
                failed = True
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
