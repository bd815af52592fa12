"""What changed here since the last sync, as change and answer lines: the first step of a sync.

A sync looks at no more than it must. Nothing changed here when, in the process that synced
last (the app), the store's change count is the one the sync left, or, in a new process, when
the store's files are those the last sync left (`Store.files_signature`): a start with nothing
new reads neither the papers nor the review log. Otherwise papers are compared only where their
`updated_at` moved since the last sync (in the process that synced last, only those the store's
journal says were changed since: an undo that puts an older `updated_at` back is one), cards and
settings by value, and answers
from the last one sent, with a count that shows whether any was taken back; only then is every
answer looked at.
"""

from __future__ import annotations

import os
from typing import Any

import orjson

from tui.state.store import Store
from tui.sync import answers, fields
from tui.sync.answers import AnswerBook
from tui.sync.replica import Replica
from tui.sync.stamp import Stamp, stamp_for

_MISSING = object()


class Outgoing:
    """This machine's side of every sync of one `Syncer`; keeps what it compared in memory."""

    def __init__(self, store: Store, replica: Replica) -> None:
        self.store = store
        self.replica = replica
        self.device = replica.device
        self._seen: dict[str, str | None] | None = None  # paper -> updated_at as last compared
        self._cards: dict[str, tuple[Stamp, Any]] | None = None  # the c/ fields as last synced
        self._journal_at: int | None = None  # the store's paper journal at the last merge, in this process
        self._cards_at = 0  # and its card journal
        self._changes_at_merge: tuple[int, int] | None = None  # the store's counts then, in this process
        self._removed_at: int | None = None  # how many answers the store had taken back then
        self._must_look = False  # after a merge that failed: its changes are in memory, not on disk

    def changed_here(self) -> tuple[bool, bool]:
        """Whether the store's tables, and its review log, may have changed since the last sync."""
        if self._must_look:
            return True, True
        if self._changes_at_merge is not None:
            tables, log = self._changes_at_merge
            return self.store.writer.changes != tables, self.store.review_changes != log
        saved = orjson.loads(self.replica.meta("files") or "null")
        now = self.store.files_signature()
        if not isinstance(saved, list) or len(saved) != 2:
            return True, True
        return saved[0] != now[0], saved[1] != now[1]

    # --- fields -------------------------------------------------------------------------------

    def field_lines(self, now_ms: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Change lines for every synced field whose value differs from the one last synced, and
        the documents compared (an empty one for a paper no longer in the store)."""
        seen = self._seen_papers()
        if self._journal_at is not None:  # this process synced before: only what changed since
            changed = self.store.paper_journal.since(self._journal_at)
            documents = {paper_id: self.store.paper_document(paper_id) for paper_id in changed}
            compared = {paper_id: doc for paper_id, doc in documents.items() if doc is not None}
            forgotten = [paper_id for paper_id, doc in documents.items() if doc is None and paper_id in seen]
        else:
            every = self.store.paper_documents()
            compared = {
                paper_id: document
                for paper_id, document in every.items()
                if seen.get(paper_id, _MISSING) != document.get("updated_at")
            }
            forgotten = [paper_id for paper_id in seen if paper_id not in every]
        values: dict[str, Any] = {}
        for paper_id in compared:
            values |= fields.paper_values(paper_id, self.store.paper(paper_id))
        for paper_id in forgotten:
            values |= fields.paper_values(paper_id, None)
        known_cards = self._known_cards()
        if self._journal_at is not None:
            for paper_id in self.store.card_journal.since(self._cards_at):
                values |= fields.card_values(paper_id, self.store.card_document(paper_id))
        else:
            cards = self.store.card_documents()
            for paper_id in {*cards, *(fields.paper_of(key) for key in known_cards)}:
                if paper_id:
                    values |= fields.card_values(paper_id, cards.get(paper_id))
        values |= fields.setting_values(self.store) | fields.list_values(self.store)
        known = known_cards | self.replica.fields(key for key in values if not key.startswith("c/"))
        lines = []
        # What the store keeps no time of (a setting, a card taken out) changed, in the app, within
        # a second of this sync; in a later process, at the latest when the store was last written.
        latest = now_ms if self._journal_at is not None else min(now_ms, self._written_ms(now_ms))
        for key, value in values.items():
            before = known.get(key)
            if (before is None and _is_empty(value)) or (before is not None and before[1] == value):
                continue  # untouched here, or as last synced
            stamp = stamp_for(fields.changed_ms(key, self.store, latest), before[0] if before else None, self.device)
            lines.append({"k": key, "s": stamp.text(), "v": value})
        compared |= {paper_id: {} for paper_id in forgotten}
        return lines, compared

    def _written_ms(self, now_ms: int) -> int:
        try:
            return os.stat(self.store.path).st_mtime_ns // 1_000_000
        except OSError:
            return now_ms

    def _seen_papers(self) -> dict[str, str | None]:
        if self._seen is None:
            self._seen = self.replica.seen()
        return self._seen

    def _known_cards(self) -> dict[str, tuple[Stamp, Any]]:
        if self._cards is None:
            self._cards = self.replica.fields_under("c/")
        return self._cards

    # --- answers ------------------------------------------------------------------------------

    def answer_lines(self, now_ms: int, book: AnswerBook) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
        """Answer lines for answers given here and not yet sent, retractions for sent ones no
        longer in the log, and the highest local id looked at (one given meanwhile goes next time)."""
        sent_through = int(self.replica.meta("exported_through") or 0)
        latest = self.store.last_review_id()
        out = []
        for entry in self.store.reviews_after(sent_through):
            if answers.is_own(entry):
                out.append(answers.answer_line(entry))
                book.put(answers.uid_of(entry), entry["id"], False, entry.get("paper_id", ""))
        if self._removed_at is not None:  # this process synced before: it knows what was taken back
            gone = self.store.reviews_removed(self._removed_at)
            taken_back = [self._retraction(uid, now_ms, book) for uid in book.load_given_here(gone)]
        else:
            accounted = self.replica.meta("answers_accounted")
            if accounted is not None and self.store.review_count == int(accounted) + len(out):
                taken_back = []  # nothing taken back, nothing here unknown
            else:
                taken_back = self._look_at_every_answer(now_ms, book, out)
        return out, taken_back, max(latest, sent_through)

    def _retraction(self, uid: str, now_ms: int, book: AnswerBook) -> dict[str, Any]:
        _local, _taken, paper_id = book.get(uid) or (None, False, "")
        book.put(uid, None, True, paper_id)
        return {"k": f"a/{uid}", "s": Stamp(now_ms, 0, self.device).text(), "v": answers.RETRACTED}

    def _look_at_every_answer(self, now_ms: int, book: AnswerBook, out: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Every answer in the log against every one known: one of this machine's not yet sent
        (its id reused after a compaction, or the replica made anew) goes out, one that came by a
        sync that could not commit is noted, and one sent and no longer in the log is taken back."""
        book.load_all()
        # An answer older than uids is known by its local id: its paper may have been renamed since.
        by_local = {local: uid for uid, (local, taken, _paper) in book.rows() if local is not None and not taken}
        in_log: set[int] = set()
        for entry in self.store.review_documents():
            local = entry.get("id")
            in_log.add(local)
            uid = entry.get("uid") or by_local.get(local) or answers.uid_of(entry)
            if book.get(uid) is None:
                if answers.is_own(entry):
                    out.append({**answers.answer_line(entry), "uid": uid})
                book.put(uid, local, False, entry.get("paper_id", ""))
        return [
            self._retraction(uid, now_ms, book)
            for uid, (local, taken, _paper) in book.rows()
            if local is not None and not taken and local not in in_log
        ]

    # --- after the merge ----------------------------------------------------------------------

    def settle(self, compared: dict[str, Any], card_fields: dict[str, tuple[Stamp, Any]]) -> None:
        """Into the replica's open transaction: the papers compared, the store's files and answer
        count as the merge leaves them (the store flushed)."""
        self.replica.put_seen({paper_id: doc.get("updated_at") for paper_id, doc in compared.items() if doc})
        self.replica.forget_seen(paper_id for paper_id, doc in compared.items() if not doc)
        # Files still to be written are not the files this sync saw: then the next process looks.
        files = None if self.store.pending else list(self.store.files_signature())
        self.replica.set_meta("files", orjson.dumps(files).decode())
        if self.store.review_log_loaded:
            self.replica.set_meta("answers_accounted", str(self.store.review_count))
        self._pending = (compared, card_fields)

    def committed(self) -> None:
        """The replica committed: what was compared is remembered in memory too."""
        compared, card_fields = self._pending
        if self._seen is not None:
            for paper_id, doc in compared.items():
                if doc:
                    self._seen[paper_id] = doc.get("updated_at")
                else:
                    self._seen.pop(paper_id, None)
        if self._cards is not None:
            self._cards |= card_fields
        self._journal_at = self.store.paper_journal.count
        self._cards_at = self.store.card_journal.count
        self._changes_at_merge = (self.store.writer.changes, self.store.review_changes)
        self._removed_at = len(self.store.reviews_removed())
        self._must_look = False

    def forget(self) -> None:
        """The merge failed and the replica rolled back: read it again next time."""
        self._seen = self._cards = None
        self._journal_at = None
        self._changes_at_merge = None
        self._removed_at = None
        self._must_look = True


def _is_empty(value: Any) -> bool:
    return value is None or value is False or value == "" or value == [] or value == {}
