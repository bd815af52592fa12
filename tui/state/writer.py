"""The writer thread: puts the tables and the review log on disk soon after each change, retrying."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Called through its module, so that a write_atomically replaced there (a disk that fails, in
# the tests) is the one the writer uses.
from tui.state import atomic
from tui.state.review_log import ReviewLog
from tui.state.tables import Tables, serialise

# How long the writer waits for more changes before writing: bursts become one write,
# and every change is still on disk well within a second.
COALESCE_SECONDS = 0.15
RETRY_SECONDS = (0.5, 1.0, 2.0, 5.0)


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
                    atomic.write_atomically(self.path, tables)
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
