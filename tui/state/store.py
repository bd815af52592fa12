"""The state store: everything a user does, in the data home's `store.json` (TinyDB) and `reviews.jsonl`.

Tables of `store.json` (names fixed, so that a person can read the file):
    papers    one document per paper the user touched: paper_id, read_at, starred_at, tags,
              note, updated_at
    cards     a review card per paper: paper_id, card (the scheduler's card fields, as
              fsrs.Card.to_dict gives them), suspended, buried_until, added_at, introduced_at
              (when it was first answered as a new card)
    settings  key, value
    meta      schema_version

The review log, `reviews.jsonl` beside it, holds one line per answer: id, paper_id, rating
(1 Again .. 4 Easy), reviewed_at, duration_ms, state (the card's status before the answer:
new, learning, review or relearning); answers are kept when the card is removed. It is read
when first asked for (the stats), never to open the store or a session.

Changes apply in memory at once and reach the disk through `storage.Writer`. Opening never
silently overwrites user data: a damaged file is moved aside, a newer schema is refused.
"""

from __future__ import annotations

import atexit
import gc
import os
import shutil
import signal
import sys
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import methodcaller
from pathlib import Path
from typing import Any

from tui.state.storage import (
    LogDamaged,
    LogRead,
    MemoryStorage,
    ReviewLog,
    StateDB,
    Tables,
    Writer,
)
from tui.state.store_file import (
    REVIEW_LOG,
    OpenReport,
    StoreError,
    StoreReadOnly,
    aside_name,
    load,
    take_lock,
)

# The review log is compacted (rewritten without them) once this many undone answers pile up.
COMPACT_AFTER_UNDOS = 256


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


# Undo: the states of the papers a change touched, as they were before it (None: untouched).
Snapshot = dict[str, PaperState | None]


class Store:
    """The user's state, keyed by paper id. Open it with `Store.open(path)`."""

    def __init__(
        self,
        path: Path,
        tables: Tables,
        *,
        read_only: bool,
        report: OpenReport,
        reviews: list[dict[str, Any]] | None = None,
    ) -> None:
        self.path = path
        self.read_only = read_only
        self.report = report
        self._lock_handle: Any = None
        self._closed = False
        self.listeners: list[Callable[[str], None]] = []  # told of write failures/recovery
        self._log = ReviewLog(path.with_name(REVIEW_LOG))
        self._writer = Writer(
            path,
            lambda: tables,
            log=self._log,
            on_error=lambda exc: self._tell(self.saving_problem(exc)),
            on_recovered=lambda: self._tell(f"saved {path} again; nothing was lost"),
        )
        self._db = StateDB(tables, self._writer.changed, storage=MemoryStorage)
        self._papers = self._db.table("papers")
        self._settings = self._db.table("settings")
        self.cards = self._db.table("cards")
        self._tables = tables
        self._paper_doc_ids = {doc["paper_id"]: int(doc_id) for doc_id, doc in tables["papers"].items()}
        self._next_paper_doc_id = max(self._paper_doc_ids.values(), default=0) + 1
        self._card_doc_ids = {doc["paper_id"]: int(doc_id) for doc_id, doc in tables["cards"].items()}
        self._next_card_doc_id = max(self._card_doc_ids.values(), default=0) + 1
        # The review log can hold hundreds of thousands of answers: it is read, and indexed,
        # when first asked for, so that opening the store or a session pays nothing for it.
        self._reviews: dict[int, dict[str, Any]] | None = (
            None if reviews is None else {entry["id"]: entry for entry in reviews}
        )
        self._review_ids_by_paper: dict[str, list[int]] | None = None
        self._next_review_id: int | None = None
        self._review_log_max = 0  # the highest id in the log file when it was read
        self._review_log_loading = threading.Lock()
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
            lock_handle, holder = take_lock(path)
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
            tables, moved_reviews = load(path, report, may_repair=not read_only)
            # A read-only store cannot write the log its migration moved out: it keeps it in memory.
            if moved_reviews is not None and path.with_name(REVIEW_LOG).exists():
                moved_reviews = None
            store = cls(path, tables, read_only=read_only, report=report, reviews=moved_reviews)
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

    def saving_problem(self, error: OSError | None = None) -> str | None:
        """What to tell the user about a write that failed (the last one, by default)."""
        error = error if error is not None else self.last_error
        if error is None:
            return None
        return f"cannot save {self.path}: {error.strerror or error}; retrying"

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

    @property
    def review_log_path(self) -> Path:
        return self._log.path

    def _tell(self, message: str) -> None:
        listeners = list(self.listeners)
        for listener in listeners:
            listener(message)
        if not listeners:  # the command line: nobody shows notices, so say it on stderr
            print(f"paperdeck: {message}", file=sys.stderr)

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
            lambda state: (
                state if state.read == read else _replace(state, read_at=stamp if read else None, updated_at=stamp)
            ),
        )

    def set_star(self, paper_id: str, starred: bool) -> Snapshot:
        stamp = now_iso()
        return self._change_many(
            [paper_id],
            lambda state: (
                state
                if state.starred == starred
                else _replace(state, starred_at=stamp if starred else None, updated_at=stamp)
            ),
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
        """Appends one answer to the review log; returns its id (to remove it on undo)."""
        self._check_writable()
        if self._next_review_id is None:
            # Only the end of the file is read: a grade must not load the whole log.
            self._next_review_id = self._log.last_id() + 1 if self._reviews is None else self._review_log_max + 1
        entry_id = self._next_review_id
        self._next_review_id += 1
        entry = {"id": entry_id, **document}
        with self._writer.lock:  # a reader of the whole log sees the answer in one place or the other
            if self._reviews is not None:
                self._reviews[entry_id] = entry
                if self._review_ids_by_paper is not None:
                    self._review_ids_by_paper.setdefault(entry["paper_id"], []).append(entry_id)
            self._writer.log_added(entry)
        return entry_id

    def remove_review(self, entry_id: int) -> None:
        """Takes one answer out of the review log (undo of a grade), for good: it survives reopening."""
        self._check_writable()
        with self._writer.lock:
            if self._reviews is not None:
                entry = self._reviews.pop(entry_id, None)
                if entry is None:
                    return
                if self._review_ids_by_paper is not None:
                    ids = self._review_ids_by_paper.get(entry.get("paper_id"), [])
                    if entry_id in ids:
                        ids.remove(entry_id)
            self._writer.log_undone(entry_id)
        if self._log.tombstones >= COMPACT_AFTER_UNDOS:
            self._writer.compact_log()

    def review_documents(self) -> Iterable[dict[str, Any]]:
        """Every answer in the review log, in the order they were added (do not change them)."""
        return self._review_log().values()

    @property
    def review_count(self) -> int:
        return len(self._review_log())

    def reviews_of(self, paper_id: str) -> list[dict[str, Any]]:
        """The answers given on one paper's cards, oldest first, removed cards' included."""
        reviews = self._review_log()
        if self._review_ids_by_paper is None:
            index: defaultdict[str, list[int]] = defaultdict(list)
            paper_ids = map(methodcaller("get", "paper_id"), reviews.values())
            for key, of_paper in zip(reviews, paper_ids, strict=True):
                index[of_paper].append(key)
            self._review_ids_by_paper = dict(index)
        return [reviews[key] for key in self._review_ids_by_paper.get(paper_id, ())]

    @property
    def review_log_loaded(self) -> bool:
        return self._reviews is not None

    def _review_log(self) -> dict[int, dict[str, Any]]:
        if self._reviews is None:
            # The app may read the log in a worker while the UI thread asks for it too: once.
            with self._review_log_loading:
                if self._reviews is None:
                    collecting = gc.isenabled()
                    gc.disable()  # as in `open`: the answers live as long as the store
                    try:
                        self._read_review_log()
                    finally:
                        if collecting:
                            gc.enable()
        return self._reviews

    def _read_review_log(self) -> dict[int, dict[str, Any]]:
        """The log file with what is not yet written to it; damage reported, set aside, repaired."""
        path = self._log.path
        with self._writer.holding_log() as (unwritten, undone):
            try:
                read = self._log.read()
            except LogDamaged as damage:
                read = LogRead()
                if self.read_only:
                    self._say(f"{path} is damaged ({damage}); close the other paperdeck to repair it")
                else:
                    aside = aside_name(path)
                    os.replace(path, aside)
                    self._log.forget_size()
                    self._say(f"{path} was damaged ({damage}); it is kept as {aside} and the review log starts empty")
            except OSError as exc:
                raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
            if read.torn_line is not None:
                self._say(
                    f"{path}:{read.torn_line}: warning: an answer cut short when paperdeck stopped, "
                    "before it was saved; left out"
                )
                if not self.read_only:
                    self._log.cut_torn_line()
            compact = read.tombstones >= COMPACT_AFTER_UNDOS
            if read.bad_lines:
                lines = ", ".join(map(str, read.bad_lines[:5])) + (", ..." if len(read.bad_lines) > 5 else "")
                where = ""
                if not self.read_only:
                    aside = aside_name(path)
                    shutil.copyfile(path, aside)
                    where = f"; the file as it was is kept as {aside}"
                    compact = True
                self._say(
                    f"{path}: warning: line {lines} {'is' if len(read.bad_lines) == 1 else 'are'} not an answer "
                    f"of the review log; left out{where}"
                )
            reviews = read.entries
            for entry in unwritten:
                reviews[entry["id"]] = entry
            for entry_id in undone:
                reviews.pop(entry_id, None)
            self._review_log_max = read.max_id
            # Still holding the writer: an answer added from now on goes into this dict.
            self._reviews = reviews
        if compact and not self.read_only:
            self._writer.compact_log()
        return reviews

    def _say(self, message: str) -> None:
        self.report.messages.append(message)
        self._tell(message)


def _replace(state: PaperState, **changes: Any) -> PaperState:
    return PaperState(**{**state.__dict__, **changes})
