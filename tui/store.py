"""The state store: everything a user does, in one TinyDB file, `store.json` in the data home.

Tables (names fixed, so that a person can read the file):
    papers    one document per paper the user touched: paper_id, read_at, starred_at, tags,
              note, updated_at
    cards     a review card per paper: paper_id, card (the scheduler's card fields, as
              fsrs.Card.to_dict gives them), suspended, buried_until, added_at
    reviews   one document per answer: paper_id, rating (1 Again .. 4 Easy), reviewed_at,
              duration_ms, state (the card's status before the answer: new, learning,
              review or relearning); kept when the card is removed
    settings  key, value
    meta      schema_version

Changes apply in memory at once and reach the disk through `storage.Writer`. Opening never
silently overwrites user data: a damaged file is moved aside, a newer schema is refused.
"""

from __future__ import annotations

import atexit
import gc
import os
import shutil
import signal
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import methodcaller
from pathlib import Path
from typing import Any

import orjson

from tui.storage import MemoryStorage, StateDB, Tables, Writer, write_atomically

SCHEMA_VERSION = 1
TABLES = ("papers", "cards", "reviews", "settings", "meta")
# Each migration turns the tables of version N into those of version N + 1, in place.
MIGRATIONS: dict[int, Callable[[Tables], None]] = {}

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks; one instance assumed
    fcntl = None  # type: ignore[assignment]


class StoreError(Exception):
    """The store cannot be used at all; the message says why and what to do."""


class StoreReadOnly(StoreError):
    """A change was attempted on a store opened read-only (another paperdeck has it)."""


def now_iso() -> str:
    """The current time as ISO 8601 with a UTC offset, as every timestamp in the store."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class PaperState:
    """What the user has done with one paper."""

    read_at: str | None = None
    starred_at: str | None = None
    tags: tuple[str, ...] = ()
    note: str = ""
    updated_at: str | None = None

    @property
    def read(self) -> bool:
        return self.read_at is not None

    @property
    def starred(self) -> bool:
        return self.starred_at is not None

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> PaperState:
        tags = document.get("tags") or ()
        return cls(
            read_at=document.get("read_at"),
            starred_at=document.get("starred_at"),
            tags=tuple(str(tag) for tag in tags) if isinstance(tags, list | tuple) else (),
            note=str(document.get("note") or ""),
            updated_at=document.get("updated_at"),
        )

    def to_document(self, paper_id: str) -> dict[str, Any]:
        return {
            "paper_id": paper_id,
            "read_at": self.read_at,
            "starred_at": self.starred_at,
            "tags": list(self.tags),
            "note": self.note,
            "updated_at": self.updated_at,
        }


@dataclass
class OpenReport:
    """What happened while opening the store, for the UI and the CLI to tell the user."""

    messages: list[str] = field(default_factory=list)
    moved_aside: Path | None = None
    recovered_from_backup: bool = False
    read_only_because: str | None = None


# Undo: the states of the papers a change touched, as they were before it (None: untouched).
Snapshot = dict[str, PaperState | None]


class Store:
    """The user's state, keyed by paper id. Open it with `Store.open(path)`."""

    def __init__(self, path: Path, tables: Tables, *, read_only: bool, report: OpenReport) -> None:
        self.path = path
        self.read_only = read_only
        self.report = report
        self._lock_handle: Any = None
        self._closed = False
        self.listeners: list[Callable[[str], None]] = []  # told of write failures/recovery
        self._writer = Writer(
            path,
            lambda: tables,
            on_error=lambda exc: self._tell(f"cannot save {path}: {exc.strerror or exc}; retrying"),
            on_recovered=lambda: self._tell(f"saved {path} again; nothing was lost"),
        )
        self._db = StateDB(tables, self._writer.changed, storage=MemoryStorage)
        self._papers = self._db.table("papers")
        self._settings = self._db.table("settings")
        self.cards = self._db.table("cards")
        self.reviews = self._db.table("reviews")
        self._tables = tables
        self._paper_doc_ids = {doc["paper_id"]: int(doc_id) for doc_id, doc in tables["papers"].items()}
        self._next_paper_doc_id = max(self._paper_doc_ids.values(), default=0) + 1
        self._card_doc_ids = {doc["paper_id"]: int(doc_id) for doc_id, doc in tables["cards"].items()}
        self._next_card_doc_id = max(self._card_doc_ids.values(), default=0) + 1
        # The review log can hold hundreds of thousands of answers; its indexes are built on
        # first use, so that opening the store for reading pays nothing for them.
        self._review_keys_by_paper: dict[str, list[str]] | None = None
        self._next_review_doc_id: int | None = None
        self._setting_doc_ids = {doc["key"]: int(doc_id) for doc_id, doc in tables["settings"].items()}

    # --- opening and closing ---------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, lock: bool = True) -> Store:
        """Opens (or creates) the store at `path`. Raises StoreError when it cannot be used."""
        report = OpenReport()
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise StoreError(f"{path} is a folder, not a store file; move it away and start again")
        lock_handle = None
        read_only = False
        if lock:
            lock_handle, holder = _take_lock(path)
            if lock_handle is None:
                read_only = True
                report.read_only_because = f"another paperdeck ({holder}) is using {path}"
                report.messages.append(f"read-only: {report.read_only_because}; changes here will not be saved")
        # Every document loaded lives as long as the store: collecting while they are made would
        # only walk them, and the rest of the heap, again and again (a review log of 200,000
        # answers loads twice as fast without it).
        collecting = gc.isenabled()
        gc.disable()
        try:
            tables = _load(path, report, may_repair=not read_only)
            store = cls(path, tables, read_only=read_only, report=report)
        finally:
            if collecting:
                gc.enable()
        store._lock_handle = lock_handle
        return store

    def close(self) -> bool:
        """Writes what is pending and releases the lock; True when everything is on disk."""
        if self._closed:
            return not self._writer.pending
        self._closed = True
        saved = self._writer.close() if not self.read_only else True
        if self._lock_handle is not None:
            self._lock_handle.close()
            self._lock_handle = None
        return saved

    def flush(self) -> bool:
        """Writes what is pending now, on this thread; True when everything is on disk."""
        return True if self.read_only else self._writer.flush()

    @property
    def pending(self) -> bool:
        return self._writer.pending

    @property
    def last_error(self) -> OSError | None:
        return self._writer.last_error

    @property
    def writer(self) -> Writer:
        return self._writer

    def close_on_exit(self) -> None:
        """Saves on interpreter exit and on SIGTERM/SIGHUP (terminal closed), then exits."""
        atexit.register(self.close)
        for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if signum is not None:
                signal.signal(signum, self._exit_on_signal)

    def _exit_on_signal(self, signum: int, _frame: object) -> None:
        self.close()
        # Die of the same signal, as the default action would have, now that all is saved.
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    def _tell(self, message: str) -> None:
        for listener in list(self.listeners):
            listener(message)

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreReadOnly(f"read-only: {self.report.read_only_because}")

    # --- papers ----------------------------------------------------------------------------

    def paper(self, paper_id: str) -> PaperState:
        """The user's state of a paper (an empty state for a paper never touched)."""
        return self._stored_state(paper_id) or PaperState()

    def paper_states(self) -> dict[str, PaperState]:
        """Every paper the user has touched, by id."""
        return {doc["paper_id"]: PaperState.from_document(doc) for doc in self._tables["papers"].values()}

    def mark_read(self, paper_id: str, read: bool = True) -> Snapshot:
        return self.mark_read_many([paper_id], read)

    def mark_read_many(self, paper_ids: Iterable[str], read: bool = True) -> Snapshot:
        """Marks papers read (or unread) in one change and one write; returns what to undo."""
        stamp = now_iso()
        return self._change_many(
            paper_ids,
            lambda state: state
            if state.read == read
            else _replace(state, read_at=stamp if read else None, updated_at=stamp),
        )

    def set_star(self, paper_id: str, starred: bool) -> Snapshot:
        stamp = now_iso()
        return self._change_many(
            [paper_id],
            lambda state: state
            if state.starred == starred
            else _replace(state, starred_at=stamp if starred else None, updated_at=stamp),
        )

    def toggle_star(self, paper_id: str) -> tuple[bool, Snapshot]:
        """Stars or unstars; returns the new starred state and what to undo."""
        starred = not self.paper(paper_id).starred
        return starred, self.set_star(paper_id, starred)

    def set_tags(self, paper_id: str, tags: Iterable[str]) -> Snapshot:
        cleaned = tuple(dict.fromkeys(tag.strip().lstrip("#").lower() for tag in tags if tag.strip().lstrip("#")))
        stamp = now_iso()
        return self._change_many([paper_id], lambda state: _replace(state, tags=cleaned, updated_at=stamp))

    def set_note(self, paper_id: str, note: str) -> Snapshot:
        stamp = now_iso()
        return self._change_many([paper_id], lambda state: _replace(state, note=note, updated_at=stamp))

    def restore(self, snapshot: Snapshot) -> Snapshot:
        """Puts papers back as a snapshot recorded them (undo); returns the redo snapshot."""
        before = {paper_id: self._stored_state(paper_id) for paper_id in snapshot}
        self._apply({paper_id: state for paper_id, state in snapshot.items() if state != before[paper_id]})
        return before

    def _stored_state(self, paper_id: str) -> PaperState | None:
        doc_id = self._paper_doc_ids.get(paper_id)
        if doc_id is None:
            return None
        return PaperState.from_document(self._tables["papers"][str(doc_id)])

    def _change_many(self, paper_ids: Iterable[str], change: Callable[[PaperState], PaperState]) -> Snapshot:
        """Applies `change` to each paper's state in one table update, so one write."""
        before: Snapshot = {}
        updates: dict[str, PaperState | None] = {}
        for paper_id in paper_ids:
            if paper_id in before:
                continue
            old = self._stored_state(paper_id)
            before[paper_id] = old
            new = change(old or PaperState())
            if new != (old or PaperState()):
                updates[paper_id] = new
        self._apply(updates)
        return before

    def _apply(self, updates: Mapping[str, PaperState | None]) -> None:
        """Writes paper states (None: forget the paper) in one table update."""
        self._check_writable()
        if not updates:
            return

        def updater(table: MutableMapping[int, Any]) -> None:
            for paper_id, state in updates.items():
                doc_id = self._paper_doc_ids.get(paper_id)
                if state is None:
                    if doc_id is not None:
                        del table[doc_id]
                        del self._paper_doc_ids[paper_id]
                    continue
                if doc_id is None:
                    doc_id = self._next_paper_doc_id
                    self._next_paper_doc_id += 1
                    self._paper_doc_ids[paper_id] = doc_id
                table[doc_id] = state.to_document(paper_id)

        self._papers.update_in_place(updater)  # type: ignore[attr-defined]

    # --- settings --------------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        doc_id = self._setting_doc_ids.get(key)
        if doc_id is None:
            return default
        return self._tables["settings"][str(doc_id)].get("value", default)

    def set_setting(self, key: str, value: Any) -> None:
        self._check_writable()
        doc_id = self._setting_doc_ids.get(key)
        if doc_id is None:
            self._setting_doc_ids[key] = self._settings.insert({"key": key, "value": value})
        else:
            self._settings.update({"value": value}, doc_ids=[doc_id])

    # --- review cards and the review log (the scheduling itself is review.py's) -------------

    def card_document(self, paper_id: str) -> dict[str, Any] | None:
        """The review card of a paper as stored (do not change it in place), or None."""
        doc_id = self._card_doc_ids.get(paper_id)
        return None if doc_id is None else self._tables["cards"][str(doc_id)]

    def card_documents(self) -> dict[str, dict[str, Any]]:
        """Every review card by paper id, oldest first (do not change them in place)."""
        cards = self._tables["cards"]
        return {paper_id: cards[str(doc_id)] for paper_id, doc_id in self._card_doc_ids.items()}

    def put_card(self, paper_id: str, document: Mapping[str, Any]) -> None:
        """Stores (adds or replaces) the review card of a paper, as one change."""
        self._check_writable()
        stored = {**document, "paper_id": paper_id}
        if isinstance(stored.get("card"), Mapping):
            stored["card"] = dict(stored["card"])

        def updater(table: MutableMapping[int, Any]) -> None:
            doc_id = self._card_doc_ids.get(paper_id)
            if doc_id is None:
                doc_id = self._next_card_doc_id
                self._next_card_doc_id += 1
                self._card_doc_ids[paper_id] = doc_id
            table[doc_id] = stored

        self.cards.update_in_place(updater)  # type: ignore[attr-defined]

    def delete_card(self, paper_id: str) -> dict[str, Any] | None:
        """Removes the review card of a paper (its reviews stay); returns what was removed."""
        self._check_writable()
        doc_id = self._card_doc_ids.get(paper_id)
        if doc_id is None:
            return None
        removed = self._tables["cards"][str(doc_id)]

        def updater(table: MutableMapping[int, Any]) -> None:
            del table[doc_id]
            del self._card_doc_ids[paper_id]

        self.cards.update_in_place(updater)  # type: ignore[attr-defined]
        return removed

    def add_review(self, document: Mapping[str, Any]) -> int:
        """Appends one answer to the review log; returns its document id (to remove it on undo)."""
        self._check_writable()
        paper_id = document["paper_id"]
        if self._next_review_doc_id is None:
            self._next_review_doc_id = max(map(int, self._tables["reviews"]), default=0) + 1
        doc_id = self._next_review_doc_id
        self._next_review_doc_id += 1
        stored = dict(document)

        def updater(table: MutableMapping[int, Any]) -> None:
            table[doc_id] = stored

        self.reviews.update_in_place(updater)  # type: ignore[attr-defined]
        if self._review_keys_by_paper is not None:
            self._review_keys_by_paper.setdefault(paper_id, []).append(str(doc_id))
        return doc_id

    def remove_review(self, doc_id: int) -> None:
        """Takes one answer out of the review log (undo of a grade)."""
        self._check_writable()
        document = self._tables["reviews"].get(str(doc_id))
        if document is None:
            return

        def updater(table: MutableMapping[int, Any]) -> None:
            del table[doc_id]

        self.reviews.update_in_place(updater)  # type: ignore[attr-defined]
        if self._review_keys_by_paper is not None:
            keys = self._review_keys_by_paper.get(document.get("paper_id"), [])
            if str(doc_id) in keys:
                keys.remove(str(doc_id))

    def review_documents(self) -> Iterable[dict[str, Any]]:
        """Every answer in the review log, in the order they were added (do not change them)."""
        return self._tables["reviews"].values()

    @property
    def review_count(self) -> int:
        return len(self._tables["reviews"])

    def reviews_of(self, paper_id: str) -> list[dict[str, Any]]:
        """The answers given on one paper's cards, oldest first, removed cards' included."""
        reviews = self._tables["reviews"]
        if self._review_keys_by_paper is None:
            index: defaultdict[str, list[str]] = defaultdict(list)
            paper_ids = map(methodcaller("get", "paper_id"), reviews.values())
            for key, of_paper in zip(reviews, paper_ids):
                index[of_paper].append(key)
            self._review_keys_by_paper = dict(index)
        return [reviews[key] for key in self._review_keys_by_paper.get(paper_id, ())]


def _replace(state: PaperState, **changes: Any) -> PaperState:
    return PaperState(**{**state.__dict__, **changes})


# --- loading, checking and repairing the file -------------------------------------------------


def _load(path: Path, report: OpenReport, *, may_repair: bool) -> Tables:
    """The tables in `path`, migrated to the current schema; a damaged file moved aside."""
    backup = path.with_name(path.name + ".bak")
    if not path.exists():
        return _fresh_tables()
    try:
        tables = _parse(path.read_bytes(), path)
    except _Damaged as damage:
        if not may_repair:
            raise StoreError(f"{path} is damaged ({damage}); close the other paperdeck to repair it") from None
        aside = path.with_name(f"{path.name}.corrupt-{datetime.now().strftime('%Y%m%d-%H%M%S')}")
        os.replace(path, aside)
        report.moved_aside = aside
        report.messages.append(f"{path} was damaged ({damage}); it is kept as {aside}")
        try:
            tables = _parse(backup.read_bytes(), backup)
        except (OSError, _Damaged):
            report.messages.append("started a fresh store")
            return _fresh_tables()
        report.recovered_from_backup = True
        report.messages.append(f"recovered your state from {backup}, the last store that loaded cleanly")
        write_atomically(path, orjson.dumps(tables, option=orjson.OPT_INDENT_2))
        return tables
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if may_repair:
        # The file loaded cleanly: it becomes the backup a damaged store is recovered from.
        shutil.copyfile(path, backup)
    return tables


class _Damaged(Exception):
    """The bytes are not a store this version can use; the message says what is wrong."""


def _parse(data: bytes, path: Path) -> Tables:
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
    for name, key in (("papers", "paper_id"), ("cards", "paper_id"), ("settings", "key")):
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
        MIGRATIONS[step](tables)
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


def _fresh_tables() -> Tables:
    tables: Tables = {name: {} for name in TABLES}
    tables["meta"] = {"1": {"schema_version": SCHEMA_VERSION}}
    return tables


def _take_lock(path: Path) -> tuple[Any, str]:
    """An exclusive lock on `store.json.lock`, or (None, who holds it)."""
    if fcntl is None:  # pragma: no cover
        return object(), ""
    lock_path = path.with_name(path.name + ".lock")
    handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held open while the store is
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
