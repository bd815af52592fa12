"""What this machine knows of the sync: each field's latest stamp, the answers it has, how far
each file of the folder has been read. One SQLite file in the data home (`sync/replica.sqlite`),
never in the synced folder: it is this machine's alone. Its device id and chosen folder are two
small files beside it (`sync/device`, `sync/folder`), so that a replica made anew keeps them.

SQLite, from the standard library, because a sync touches a handful of rows among hundreds of
thousands and must survive being killed halfway: every sync commits once, or not at all.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from tui.state.atomic import write_atomically
from tui.sync.folder import Mark
from tui.sync.stamp import Stamp

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fields(key TEXT PRIMARY KEY, stamp TEXT NOT NULL, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS seen(paper_id TEXT PRIMARY KEY, updated_at TEXT);
CREATE TABLE IF NOT EXISTS marks(path TEXT PRIMARY KEY, mark BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS answers(
    uid TEXT PRIMARY KEY, local_id INTEGER, retracted INTEGER NOT NULL DEFAULT 0, paper_id TEXT NOT NULL DEFAULT ''
);
"""
_BATCH = 900  # SQLite's limit on parameters in one statement is 999 in older builds
# This machine's id, beside the replica rather than in it: a replica made anew (damaged, deleted)
# keeps the id, so that the answers it sends again are known everywhere as the ones sent before.
DEVICE_FILE = "device"
FOLDER_FILE = "folder"  # the sync folder this machine chose, beside the device id for the same reason


class ReplicaError(Exception):
    """The replica cannot be opened or made (a folder that cannot be written); says which and why."""


class Replica:
    """This machine's sync state; `Replica.open(path)`, then `commit()` once per sync."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection
        self.device: str = _device_of(path.with_name(DEVICE_FILE))
        # Made just now (first sync, or the old one damaged): it knows no stamps yet.
        self.fresh = connection.execute("SELECT count(*) FROM fields").fetchone()[0] == 0 and not self.meta("files")

    @classmethod
    def open(cls, path: Path, *, repair: bool = True) -> Replica:
        """Opens (or creates) the replica; a damaged file is moved aside and a new one started,
        which reads the folder again from the start: nothing in it is lost, only time. Without
        `repair` (a look at the status, maybe by another version) a damaged one is only reported."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                return cls(path, _connect(path))
            except sqlite3.OperationalError:
                raise  # cannot be opened (permissions, a full disk): not damaged, so never moved aside
            except sqlite3.DatabaseError:
                if not repair:
                    raise
                aside = path.with_name(f"{path.name}.damaged-{datetime.now(UTC):%Y%m%dT%H%M%S}")
                with suppress(OSError):
                    path.replace(aside)
                return cls(path, _connect(path))
        except (OSError, sqlite3.Error) as exc:
            raise ReplicaError(f"{path}: cannot be opened ({getattr(exc, 'strerror', None) or exc})") from exc

    def new_device(self) -> str:
        """Takes a new device id (this home was copied from another machine's, id and all)."""
        self.device = secrets.token_hex(8)
        write_atomically(self.path.with_name(DEVICE_FILE), f"{self.device}\n".encode("ascii"))
        return self.device

    def close(self) -> None:
        self._db.close()

    def commit(self) -> None:
        self._db.commit()

    def rollback(self) -> None:
        self._db.rollback()

    # --- meta: device, folder, how far the log was sent ------------------------------------

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else row[0]

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self._db.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    @property
    def folder(self) -> Path | None:
        """The sync folder this machine chose, kept beside the replica (it survives a new one)."""
        return self.folder_of(self.path)

    @staticmethod
    def folder_of(path: Path) -> Path | None:
        """The folder chosen beside the replica at `path`, without opening it."""
        with suppress(OSError, UnicodeDecodeError):
            folder = path.with_name(FOLDER_FILE).read_text(encoding="utf-8").strip()
            return Path(folder) if folder else None
        return None

    def choose_folder(self, folder: Path) -> None:
        write_atomically(self.path.with_name(FOLDER_FILE), f"{folder}\n".encode())

    # --- fields: each key's winning stamp and value ----------------------------------------

    def fields(self, keys: Iterable[str]) -> dict[str, tuple[Stamp, Any]]:
        """The stamp and value of each of `keys` that a change has been seen for."""
        found: dict[str, tuple[Stamp, Any]] = {}
        for batch in _batches(list(keys)):
            marks = ",".join("?" * len(batch))
            for key, stamp, value in self._db.execute(
                f"SELECT key, stamp, value FROM fields WHERE key IN ({marks})", batch
            ):
                found[key] = (Stamp.parse(stamp), orjson.loads(value))
        return found

    def fields_under(self, prefix: str) -> dict[str, tuple[Stamp, Any]]:
        """Every field whose key starts with `prefix` (`c/`: the cards)."""
        rows = self._db.execute(
            "SELECT key, stamp, value FROM fields WHERE key >= ? AND key < ?", (prefix, prefix + "\uffff")
        )
        return {key: (Stamp.parse(stamp), orjson.loads(value)) for key, stamp, value in rows}

    def put_fields(self, rows: Iterable[tuple[str, Stamp, Any]]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO fields(key, stamp, value) VALUES (?, ?, ?)",
            ((key, stamp.text(), orjson.dumps(value)) for key, stamp, value in rows),
        )

    # --- papers as last compared, by their updated_at ---------------------------------------

    def seen(self) -> dict[str, str | None]:
        return dict(self._db.execute("SELECT paper_id, updated_at FROM seen"))

    def put_seen(self, rows: Mapping[str, str | None]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO seen(paper_id, updated_at) VALUES (?, ?)", rows.items())

    def forget_seen(self, paper_ids: Iterable[str]) -> None:
        self._db.executemany("DELETE FROM seen WHERE paper_id = ?", ((paper_id,) for paper_id in paper_ids))

    # --- how far each file of the folder has been read --------------------------------------

    def marks(self) -> dict[str, Mark]:
        found = {}
        for path, mark in self._db.execute("SELECT path, mark FROM marks"):
            with suppress(orjson.JSONDecodeError):
                if (read := Mark.from_json(orjson.loads(mark))) is not None:
                    found[path] = read
        return found

    def put_marks(self, marks: Mapping[str, Mark]) -> None:
        self._db.execute("DELETE FROM marks")
        self._db.executemany(
            "INSERT INTO marks(path, mark) VALUES (?, ?)",
            ((path, orjson.dumps(mark.to_json())) for path, mark in marks.items()),
        )

    # --- answers: every one known, by its id everywhere -------------------------------------

    def answers(self) -> dict[str, tuple[int | None, bool, str]]:
        """uid -> (its id in this machine's review log, or None; whether it was taken back; its paper)."""
        rows = self._db.execute("SELECT uid, local_id, retracted, paper_id FROM answers")
        return {uid: (local, bool(taken), paper) for uid, local, taken, paper in rows}

    def answers_of(self, uids: Iterable[str]) -> dict[str, tuple[int | None, bool, str]]:
        """The rows of `answers` for these uids (those known)."""
        found: dict[str, tuple[int | None, bool, str]] = {}
        for batch in _batches(list(uids)):
            marks = ",".join("?" * len(batch))
            query = f"SELECT uid, local_id, retracted, paper_id FROM answers WHERE uid IN ({marks})"
            for uid, local, taken, paper in self._db.execute(query, batch):
                found[uid] = (local, bool(taken), paper)
        return found

    def answers_given_here(self, local_ids: Iterable[int]) -> dict[str, tuple[int | None, bool, str]]:
        """The rows of answers not taken back whose id in this machine's log is one of `local_ids`."""
        found: dict[str, tuple[int | None, bool, str]] = {}
        for batch in _batches(list(local_ids)):
            marks = ",".join("?" * len(batch))
            query = f"SELECT uid, local_id, paper_id FROM answers WHERE retracted = 0 AND local_id IN ({marks})"
            for uid, local, paper in self._db.execute(query, batch):
                found[uid] = (local, False, paper)
        return found

    def put_answers(self, rows: Iterable[tuple[str, int | None, bool, str]]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO answers(uid, local_id, retracted, paper_id) VALUES (?, ?, ?, ?)",
            ((uid, local, int(taken), paper) for uid, local, taken, paper in rows),
        )

    def counts(self) -> dict[str, int]:
        """How much the replica holds, for `paperdeck sync --status`."""
        return {
            table: self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("fields", "answers", "marks")
        }


def _device_of(path: Path) -> str:
    """The device id kept in `path`, made (16 hex digits) and kept there the first time."""
    with suppress(OSError, UnicodeDecodeError):
        device = path.read_text(encoding="ascii").strip()
        if device and all(character in "0123456789abcdef" for character in device):
            return device
    device = secrets.token_hex(8)
    write_atomically(path, f"{device}\n".encode("ascii"))
    return device


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level="DEFERRED", check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    made = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if made and version != SCHEMA_VERSION:
        connection.close()
        # Another version's replica is treated as a damaged one: moved aside, the folder read anew.
        raise sqlite3.DatabaseError(f"a replica of schema {version}, not {SCHEMA_VERSION}")
    connection.executescript(_SCHEMA)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    connection.execute("SELECT count(*) FROM fields").fetchone()  # a damaged file fails here, not later
    return connection


def _batches(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), _BATCH):
        yield items[start : start + _BATCH]
