"""The state store: everything a user does, in the data home's `store.json` (TinyDB) and `reviews.jsonl`.

Tables of `store.json` (names fixed, so that a person can read the file):
    papers    one document per paper the user touched: paper_id, read_at, starred_at,
              later_at, tags, note, updated_at
    cards     a review card per paper: paper_id, card (the scheduler's card fields, as
              fsrs.Card.to_dict gives them), suspended, buried_until, added_at, introduced_at
              (when it was first answered as a new card), lapses (Again answers in review;
              cards kept before it was have none, and the log tells theirs)
    settings  key, value
    renamed   old, new: paper ids that changed, and what the state under each went to
              (`tui.state.renames`); the review log's answers are read under the new ids
    watched   kind (author, word or tag), value: the watch list, in the order it was made
    views     name, query: the saved views, in the order the tree lists them
    meta      schema_version

The review log, `reviews.jsonl` beside it, holds one line per answer: id, paper_id, rating
(1 Again .. 4 Easy), reviewed_at, duration_ms, state (the card's status before the answer:
new, learning, review or relearning), due (when the answer scheduled the card; older answers
lack it); answers are kept when the card is removed. It is read
when first asked for (the stats), never to open the store or a session.

Changes apply in memory at once and reach the disk through `tui.state.writer.Writer`. Opening
never silently overwrites user data: a damaged file is moved aside, a newer schema is refused.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.runtime import collector_paused, save_on_exit
from tui.state.paper_state import PaperState, Snapshot, TouchJournal
from tui.state.renames import chained, kept_card, merged_state
from tui.state.review_history import ReviewHistory
from tui.state.review_log import ReviewLog
from tui.state.store_file import (
    REVIEW_LOG,
    OpenReport,
    StoreError,
    StoreReadOnly,
    load,
    take_lock,
)
from tui.state.tables import MemoryStorage, StateDB, Tables
from tui.state.writer import Writer


def now_iso() -> str:
    """The current time as ISO 8601 with a UTC offset, as every timestamp in the store."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def now_changed() -> str:
    """When a paper's state changed, to the microsecond: two changes within one second are two
    `updated_at`s, which is how sync tells, in a later process, that a paper changed again."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


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
        log = ReviewLog(path.with_name(REVIEW_LOG))
        self._writer = Writer(
            path,
            lambda: tables,
            log=log,
            on_error=lambda exc: self._tell(self.saving_problem(exc)),
            on_recovered=lambda: self._tell(f"saved {path} again; nothing was lost"),
        )
        self._db = StateDB(tables, self._writer.changed, storage=MemoryStorage)
        self._papers = self._db.table("papers")
        self._settings = self._db.table("settings")
        self.cards = self._db.table("cards")
        self._tables = tables
        self._paper_doc_ids = {doc["paper_id"]: int(doc_id) for doc_id, doc in tables["papers"].items()}
        self.paper_journal = TouchJournal()  # every change of a paper's state goes through `_apply`
        self.card_journal = TouchJournal()  # and of a card through `put_card` and `delete_card`
        self._next_paper_doc_id = max(self._paper_doc_ids.values(), default=0) + 1
        self._card_doc_ids = {doc["paper_id"]: int(doc_id) for doc_id, doc in tables["cards"].items()}
        self._next_card_doc_id = max(self._card_doc_ids.values(), default=0) + 1
        self._renamed = {doc["old"]: str(doc.get("new")) for doc in tables["renamed"].values()}
        self._history = ReviewHistory(
            log, self._writer, read_only=read_only, say=self._say, reviews=reviews, renamed=self._renamed
        )
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
        with collector_paused():
            tables, moved_reviews = load(path, report, may_repair=not read_only)
            # A read-only store cannot write the log its migration moved out: it keeps it in memory.
            if moved_reviews is not None and path.with_name(REVIEW_LOG).exists():
                moved_reviews = None
            store = cls(path, tables, read_only=read_only, report=report, reviews=moved_reviews)
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
        save_on_exit(self.close)

    @property
    def review_log_path(self) -> Path:
        return self._history.log.path

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

    def paper_document(self, paper_id: str) -> dict[str, Any] | None:
        """One paper's state as stored (do not change it), or None for a paper never touched."""
        doc_id = self._paper_doc_ids.get(paper_id)
        return None if doc_id is None else self._tables["papers"].get(str(doc_id))

    def paper_documents(self) -> dict[str, dict[str, Any]]:
        """Every paper's state as stored, by id (do not change them; a change stores a new one)."""
        papers = self._tables["papers"]
        return {paper_id: papers[str(doc_id)] for paper_id, doc_id in list(self._paper_doc_ids.items())}

    def tagged(self, tag: str) -> set[str]:
        """The papers carrying one of the user's tags (a fraction of a millisecond for 10,000 papers)."""
        papers = list(self._tables["papers"].values())  # a copy: a worker may count while the UI tags
        return {doc["paper_id"] for doc in papers if isinstance(tags := doc.get("tags"), list | tuple) and tag in tags}

    def paper_ids(self) -> list[str]:
        """Every paper id the store holds something under: a state or a review card."""
        return list(dict.fromkeys((*self._paper_doc_ids, *self._card_doc_ids)))

    def mark_read(self, paper_id: str, read: bool = True) -> Snapshot:
        return self.mark_read_many([paper_id], read)

    def mark_read_many(self, paper_ids: Iterable[str], read: bool = True) -> Snapshot:
        """Marks papers read (or unread) in one change and one write; returns what to undo."""
        return self.set_flags(paper_ids, read=read)

    def set_star(self, paper_id: str, starred: bool) -> Snapshot:
        return self.set_flags([paper_id], starred=starred)

    def set_flags(
        self,
        paper_ids: Iterable[str],
        *,
        read: bool | None = None,
        starred: bool | None = None,
        later: bool | None = None,
    ) -> Snapshot:
        """Sets read, starred and kept-for-later (those given) on papers, in one change and one
        write; a flag already so keeps its time. Returns what to undo."""
        stamp, changed = now_iso(), now_changed()
        wanted = {"read_at": read, "starred_at": starred, "later_at": later}

        def change(state: PaperState) -> PaperState:
            changes = {
                name: stamp if on else None
                for name, on in wanted.items()
                if on is not None and (getattr(state, name) is not None) != on
            }
            return _replace(state, **changes, updated_at=changed) if changes else state

        return self._change_many(paper_ids, change)

    def set_tags(self, paper_id: str, tags: Iterable[str]) -> Snapshot:
        cleaned = tuple(dict.fromkeys(tag.strip().lstrip("#").lower() for tag in tags if tag.strip().lstrip("#")))
        changed = now_changed()
        return self._change_many([paper_id], lambda state: _replace(state, tags=cleaned, updated_at=changed))

    def set_note(self, paper_id: str, note: str) -> Snapshot:
        changed = now_changed()
        return self._change_many([paper_id], lambda state: _replace(state, note=note, updated_at=changed))

    def restore(self, snapshot: Snapshot) -> Snapshot:
        """Puts papers back as a snapshot recorded them (undo); returns the redo snapshot."""
        before = {paper_id: self._stored_state(paper_id) for paper_id in snapshot}
        self._apply({paper_id: state for paper_id, state in snapshot.items() if state != before[paper_id]})
        return before

    def put_states(self, states: Mapping[str, PaperState]) -> None:
        """Stores these papers' states exactly as given, in one change (what sync brings in)."""
        self._apply(states)

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
        self.paper_journal.touched(updates)

    def rename_papers(self, renames: Mapping[str, str]) -> int:
        """Moves what the user did under each old paper id to its new one, merged with what is
        there (`tui.state.renames`), as one change; returns how many ids moved. Nothing is lost:
        a read-only store changes nothing and says 0."""
        renames = {old: new for old, new in renames.items() if old != new}
        if not renames or self.read_only:
            return 0
        with self._writer.lock:  # one change: the file has all of it or none
            states: dict[str, PaperState | None] = {}
            for old, new in renames.items():
                moved = states.pop(old, None) or self._stored_state(old)
                if moved is not None:
                    kept = states[new] if new in states else self._stored_state(new)
                    states[new] = merged_state(kept, moved)
                    states[old] = None
            self._apply(states)
            for old, new in renames.items():
                card = self.card_document(old)
                if card is not None:
                    self.put_card(new, kept_card(self.card_document(new), card))
                    self.delete_card(old)
            # In place: the review history reads this same mapping. Replaced whole, not updated:
            # a rename back (a -> b, then b -> a) leaves no a -> b behind.
            combined = chained(self._renamed, renames)
            self._renamed.clear()
            self._renamed.update(combined)

            def updater(table: MutableMapping[int, Any]) -> None:
                table.clear()
                for number, (old, new) in enumerate(sorted(self._renamed.items()), 1):
                    table[number] = {"old": old, "new": new}

            self._db.table("renamed").update_in_place(updater)  # type: ignore[attr-defined]
            self._history.renamed_again()
        return len(renames)

    @property
    def renamed(self) -> Mapping[str, str]:
        """Paper ids that changed: old id -> the id it is now."""
        return self._renamed

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

    # --- small lists kept whole: the watch list, the saved views -----------------------------

    def documents(self, table: str) -> list[dict[str, Any]]:
        """The documents of a small table, in order (copies: change them through `replace_documents`)."""
        raw = self._tables[table]
        return [dict(raw[key]) for key in sorted(raw, key=int)]

    def replace_documents(self, table: str, documents: Iterable[Mapping[str, Any]]) -> None:
        """Replaces a small table's documents with these, in this order, as one change."""
        self._check_writable()
        kept = [dict(document) for document in documents]

        def updater(rows: MutableMapping[int, Any]) -> None:
            rows.clear()
            for number, document in enumerate(kept, 1):
                rows[number] = document

        self._db.table(table).update_in_place(updater)  # type: ignore[attr-defined]

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
        self.card_journal.touched((paper_id,))

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
        self.card_journal.touched((paper_id,))
        return removed

    def add_review(self, document: Mapping[str, Any]) -> int:
        """Appends one answer to the review log; returns its id (to remove it on undo)."""
        self._check_writable()
        return self._history.add(document)

    def remove_review(self, entry_id: int) -> None:
        """Takes one answer out of the review log (undo of a grade), for good: it survives reopening."""
        self._check_writable()
        self._history.remove(entry_id)

    def review_documents(self) -> Iterable[dict[str, Any]]:
        """Every answer in the review log, in the order they were added (do not change them)."""
        return self._history.documents()

    @property
    def review_count(self) -> int:
        return self._history.count()

    @property
    def review_changes(self) -> int:
        """Answers added or taken back since the store was opened."""
        return self._history.changes

    def reviews_removed(self, since: int = 0) -> list[int]:
        """The ids of the answers taken back since the store was opened, from the `since`-th on."""
        return self._history.removed[since:]

    def last_review_id(self) -> int:
        """The id of the latest answer (ids only grow): answers since an earlier id, cheaply."""
        return self._history.last_id()

    def reviews_after(self, entry_id: int) -> list[dict[str, Any]]:
        """The answers added after `entry_id`, oldest first (ids only grow, so from the end)."""
        later = []
        for entry in reversed(self._history.documents()):  # type: ignore[call-overload]
            if entry["id"] <= entry_id:
                break
            later.append(entry)
        return later[::-1]

    def files_signature(self) -> tuple[str, str]:
        """Which versions of the tables' file and the review log are on disk (inode, size, time):
        the same signature later means neither was written in between, by any process."""
        parts = []
        for path in (self.path, self._history.log.path):
            try:
                status = os.stat(path)
            except OSError:
                parts.append("-")
                continue
            parts.append(f"{status.st_ino}:{status.st_size}:{status.st_mtime_ns}")
        return parts[0], parts[1]

    def reviews_of(self, paper_id: str) -> list[dict[str, Any]]:
        """The answers given on one paper's cards, oldest first, removed cards' included."""
        return self._history.of_paper(paper_id)

    @property
    def review_log_loaded(self) -> bool:
        return self._history.loaded

    def _say(self, message: str) -> None:
        self.report.messages.append(message)
        self._tell(message)


def _replace(state: PaperState, **changes: Any) -> PaperState:
    return PaperState(**{**state.__dict__, **changes})
