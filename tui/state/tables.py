"""The tables of store.json in memory, behind TinyDB: changes apply in place and are handed to a writer.

TinyDB's own JSONStorage re-reads and re-writes the whole file on every query and change.
Here the documents live in memory; a change marks them dirty and a background writer
(`tui.state.writer`) serialises them with orjson and replaces the file atomically, coalescing
bursts. The UI never waits for the disk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

Tables = dict[str, dict[str, dict[str, Any]]]


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
