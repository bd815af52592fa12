"""store.json on disk: reading, checking, migrating and repairing it, and the lock that makes
one paperdeck its only writer.

Opening never silently overwrites user data: a damaged file is moved aside and the last
clean copy (`store.json.bak`) recovers it, and a file of a newer schema is refused untouched.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from operator import methodcaller
from pathlib import Path
from typing import Any

import orjson

from tui.state.atomic import write_atomically
from tui.state.review_log import ReviewLog
from tui.state.tables import Tables, serialise

SCHEMA_VERSION = 2
REVIEW_LOG = "reviews.jsonl"
TABLES = ("papers", "cards", "settings", "renamed", "watched", "views", "meta")


@dataclass
class Beside:
    """What a migration moved out of store.json into files of its own, to be written before it."""

    reviews: list[dict[str, Any]] | None = None


def _move_reviews_out(tables: Tables, beside: Beside) -> None:
    """Version 2: the review log leaves store.json for reviews.jsonl; cards say when they were introduced."""
    reviews = sorted(tables.pop("reviews", {}).items(), key=lambda item: int(item[0]))
    beside.reviews = [{"id": int(key), **document} for key, document in reviews]
    # The new-card limit counts cards first answered today: each card now keeps that time
    # itself, so that a session need not read the whole log to know it.
    cards = {document["paper_id"]: document for document in tables.get("cards", {}).values()}
    for entry in beside.reviews:
        card = cards.get(entry.get("paper_id"))  # type: ignore[arg-type]
        introduced = entry.get("reviewed_at")
        if card is not None and entry.get("state") == "new" and isinstance(introduced, str):
            if isinstance(card.get("card"), dict) and card["card"].get("last_review"):
                card["introduced_at"] = introduced


# Each migration turns the tables of version N into those of version N + 1, in place.
MIGRATIONS: dict[int, Callable[[Tables, Beside], None]] = {1: _move_reviews_out}

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks; one instance assumed
    fcntl = None  # type: ignore[assignment]


class StoreError(Exception):
    """The store cannot be used at all; the message says why and what to do."""


class StoreReadOnly(StoreError):
    """A change was attempted on a store opened read-only (another paperdeck has it)."""


@dataclass
class OpenReport:
    """What happened while opening the store, for the UI and the CLI to tell the user."""

    messages: list[str] = field(default_factory=list)
    moved_aside: Path | None = None
    recovered_from_backup: bool = False
    read_only_because: str | None = None


def aside_name(path: Path) -> Path:
    return path.with_name(f"{path.name}.corrupt-{datetime.now().strftime('%Y%m%d-%H%M%S')}")


# --- loading, checking and repairing the file -------------------------------------------------


def load(path: Path, report: OpenReport, *, may_repair: bool) -> tuple[Tables, list[dict[str, Any]] | None]:
    """The tables in `path`, migrated to the current schema; a damaged file moved aside.

    Also the review log a migration moved out of the file, when it did.
    """
    backup = path.with_name(path.name + ".bak")
    if not path.exists():
        return fresh_tables(), None
    beside = Beside()
    try:
        tables = _parse(path.read_bytes(), path, beside)
    except _Damaged as damage:
        if not may_repair:
            raise StoreError(f"{path} is damaged ({damage}); close the other paperdeck to repair it") from None
        aside = aside_name(path)
        os.replace(path, aside)
        report.moved_aside = aside
        report.messages.append(f"{path} was damaged ({damage}); it is kept as {aside}")
        beside = Beside()
        try:
            tables = _parse(backup.read_bytes(), backup, beside)
        except (OSError, _Damaged):
            report.messages.append("started a fresh store")
            return fresh_tables(), None
        report.recovered_from_backup = True
        report.messages.append(f"recovered your state from {backup}, the last store that loaded cleanly")
        _write_migrated(path, tables, beside)
        return tables, beside.reviews
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if may_repair:
        if beside.reviews is not None:
            _write_migrated(path, tables, beside)
        # The file loaded cleanly: it becomes the backup a damaged store is recovered from.
        shutil.copyfile(path, backup)
    return tables, beside.reviews


def _write_migrated(path: Path, tables: Tables, beside: Beside) -> None:
    """Writes the files a migration moved data into, then the store: a crash anywhere loses nothing.

    Until store.json is replaced it still holds the old tables, and the migration runs again.
    A review log already there is kept as it is: it was written by that same migration
    interrupted, or the store came back from an older backup while the log went on growing, so
    it holds every answer the old table did and maybe more.
    """
    log = path.with_name(REVIEW_LOG)
    if beside.reviews is not None and not log.exists():
        ReviewLog(log).rewrite(beside.reviews)
    write_atomically(path, serialise(tables))


class _Damaged(Exception):
    """The bytes are not a store this version can use; the message says what is wrong."""


def _parse(data: bytes, path: Path, beside: Beside) -> Tables:
    if not data.strip():
        raise _Damaged("the file is empty")
    try:
        tables = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise _Damaged(f"not valid JSON: {exc}") from None
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise _Damaged("not a paperdeck store: expected tables of documents")
    # The checks map C functions over the documents: the review log alone can hold 200,000.
    for name, table in tables.items():
        if not all(map(str.isdigit, table)) or not set(map(type, table.values())) <= {dict}:
            raise _Damaged(f"table {name!r} holds something that is not a document")
    for name, key in (("papers", "paper_id"), ("cards", "paper_id"), ("settings", "key"), ("renamed", "old")):
        documents = tables.get(name, {}).values()
        if not set(map(type, map(methodcaller("get", key), documents))) <= {str}:
            raise _Damaged(f"a document of table {name!r} has no {key}")
    version = _schema_version(tables)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer paperdeck (schema {version}; this one reads up to "
            f"{SCHEMA_VERSION}). Upgrade paperdeck; the file has not been touched."
        )
    for step in range(version, SCHEMA_VERSION):
        MIGRATIONS[step](tables, beside)
    for name in TABLES:
        tables.setdefault(name, {})
    tables["meta"] = {"1": {"schema_version": SCHEMA_VERSION}}
    return tables


def _schema_version(tables: Tables) -> int:
    versions = [doc.get("schema_version") for doc in tables.get("meta", {}).values()]
    version = versions[0] if versions else 1
    if not isinstance(version, int) or version < 1:
        raise _Damaged(f"meta.schema_version is {version!r}, not a version number")
    return version


def fresh_tables() -> Tables:
    tables: Tables = {name: {} for name in TABLES}
    tables["meta"] = {"1": {"schema_version": SCHEMA_VERSION}}
    return tables


def take_lock(path: Path) -> tuple[Any, str]:
    """An exclusive lock on `store.json.lock`, or (None, who holds it)."""
    if fcntl is None:  # pragma: no cover
        return object(), ""
    lock_path = path.with_name(path.name + ".lock")
    handle = open(lock_path, "a+", encoding="utf-8")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown process"
        handle.close()
        return None, holder
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}")
    handle.flush()
    return handle, ""
