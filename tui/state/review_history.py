"""The store's answers of the review log: read from reviews.jsonl when first asked for, indexed, changed.

The log can hold hundreds of thousands of answers: it is read, and indexed, when first asked
for, so that opening the store or a session pays nothing for it. Answers added or undone go
to the file through the store's writer.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from operator import methodcaller
from typing import Any

from tui.runtime import collector_paused
from tui.state.review_log import LogDamaged, LogRead, ReviewLog
from tui.state.store_file import StoreError, aside_name
from tui.state.writer import Writer

# The review log is compacted (rewritten without them) once this many undone answers pile up.
COMPACT_AFTER_UNDOS = 256


class ReviewHistory:
    """Every answer given, by id, oldest first; the store's checks for writing come before these calls."""

    def __init__(
        self,
        log: ReviewLog,
        writer: Writer,
        *,
        read_only: bool,
        say: Callable[[str], None],
        reviews: list[dict[str, Any]] | None = None,
        renamed: Mapping[str, str] | None = None,
    ) -> None:
        self.log = log
        # Paper ids that changed (the store's `renamed` table, kept up to date by the store): an
        # answer is read under its paper's id now, whatever id the log line was written with.
        self._renamed = renamed if renamed is not None else {}
        self._writer = writer
        self._read_only = read_only
        self._say = say  # reports damage found in the file to the user
        self._reviews: dict[int, dict[str, Any]] | None = (
            None if reviews is None else {entry["id"]: entry for entry in reviews}
        )
        if self._reviews is not None:
            self._rename(self._reviews.values())
        self._review_ids_by_paper: dict[str, list[int]] | None = None
        self._next_review_id: int | None = None
        self._review_log_max = 0  # the highest id in the log file when it was read
        self._review_log_loading = threading.Lock()
        self.changes = 0  # answers added or taken back in this process (sync asks, without reading the log)
        self.removed: list[int] = []  # the ids of the answers taken back in this process, in order

    @property
    def loaded(self) -> bool:
        return self._reviews is not None

    def add(self, document: Mapping[str, Any]) -> int:
        """Appends one answer to the review log; returns its id (to remove it on undo)."""
        if self._next_review_id is None:
            # Only the end of the file is read: a grade must not load the whole log.
            self._next_review_id = self.log.last_id() + 1 if self._reviews is None else self._review_log_max + 1
        entry_id = self._next_review_id
        self._next_review_id += 1
        self.changes += 1
        entry = {"id": entry_id, **document}
        with self._writer.lock:  # a reader of the whole log sees the answer in one place or the other
            if self._reviews is not None:
                self._reviews[entry_id] = entry
                if self._review_ids_by_paper is not None:
                    self._review_ids_by_paper.setdefault(entry["paper_id"], []).append(entry_id)
            self._writer.log_added(entry)
        return entry_id

    def last_id(self) -> int:
        """The id of the latest answer ever given (undone ones included), without reading the whole log."""
        if self._next_review_id is not None:
            return self._next_review_id - 1
        if self._reviews is not None:
            return max(self._review_log_max, max(self._reviews, default=0))
        return self.log.last_id()

    def remove(self, entry_id: int) -> None:
        """Takes one answer out of the review log (undo of a grade), for good: it survives reopening."""
        self.changes += 1
        self.removed.append(entry_id)
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
        if self.log.tombstones >= COMPACT_AFTER_UNDOS:
            self._writer.compact_log()

    def renamed_again(self) -> None:
        """The store's renames changed: answers already read take their papers' new ids."""
        with self._writer.lock:
            if self._reviews is not None:
                self._rename(self._reviews.values())
                self._review_ids_by_paper = None

    def _rename(self, entries: Iterable[dict[str, Any]]) -> None:
        renamed = self._renamed
        if renamed:
            for entry in entries:
                new = renamed.get(entry.get("paper_id"))
                if new is not None:
                    entry["paper_id"] = new

    def documents(self) -> Iterable[dict[str, Any]]:
        """Every answer in the review log, in the order they were added (do not change them)."""
        return self._review_log().values()

    def count(self) -> int:
        return len(self._review_log())

    def of_paper(self, paper_id: str) -> list[dict[str, Any]]:
        """The answers given on one paper's cards, oldest first, removed cards' included."""
        reviews = self._review_log()
        if self._review_ids_by_paper is None:
            index: defaultdict[str, list[int]] = defaultdict(list)
            paper_ids = map(methodcaller("get", "paper_id"), reviews.values())
            for key, of_paper in zip(reviews, paper_ids, strict=True):
                index[of_paper].append(key)
            self._review_ids_by_paper = dict(index)
        return [reviews[key] for key in self._review_ids_by_paper.get(paper_id, ())]

    def _review_log(self) -> dict[int, dict[str, Any]]:
        if self._reviews is None:
            # The app may read the log in a worker while the UI thread asks for it too: once.
            with self._review_log_loading:
                if self._reviews is None:
                    with collector_paused():  # as in `Store.open`: the answers live as long as the store
                        self._read_review_log()
        return self._reviews

    def _read_review_log(self) -> dict[int, dict[str, Any]]:
        """The log file with what is not yet written to it; damage reported, set aside, repaired."""
        path = self.log.path
        with self._writer.holding_log() as (unwritten, undone):
            try:
                read = self.log.read()
            except LogDamaged as damage:
                read = LogRead()
                if self._read_only:
                    self._say(f"{path} is damaged ({damage}); close the other paperdeck to repair it")
                else:
                    aside = aside_name(path)
                    os.replace(path, aside)
                    self.log.forget_size()
                    self._say(f"{path} was damaged ({damage}); it is kept as {aside} and the review log starts empty")
            except OSError as exc:
                raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
            if read.torn_line is not None:
                self._say(
                    f"{path}:{read.torn_line}: warning: an answer cut short when paperdeck stopped, "
                    "before it was saved; left out"
                )
                if not self._read_only:
                    self.log.cut_torn_line()
            compact = read.tombstones >= COMPACT_AFTER_UNDOS
            if read.bad_lines:
                lines = ", ".join(map(str, read.bad_lines[:5])) + (", ..." if len(read.bad_lines) > 5 else "")
                where = ""
                if not self._read_only:
                    aside = aside_name(path)
                    shutil.copyfile(path, aside)
                    where = f"; the file as it was is kept as {aside}"
                    compact = True
                self._say(
                    f"{path}: warning: line {lines} {'is' if len(read.bad_lines) == 1 else 'are'} not an answer "
                    f"of the review log; left out{where}"
                )
            reviews = read.entries
            self._rename(reviews.values())
            for entry in unwritten:
                reviews[entry["id"]] = entry
            for entry_id in undone:
                reviews.pop(entry_id, None)
            self._review_log_max = read.max_id
            # Still holding the writer: an answer added from now on goes into this dict.
            self._reviews = reviews
        if compact and not self._read_only:
            self._writer.compact_log()
        return reviews
