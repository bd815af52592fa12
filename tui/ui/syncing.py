"""The app's side of sync: at start, within a second of each change, and when the folder changes.

Reading the folder and writing into it are file work and run on a worker thread; the merge
reads and changes the store, so it runs on the UI thread, where every other change to the store
is made: a star given while a sync runs can never fall between the sync's reading of the field
and its writing. One sync at a time; a change or a notification during one asks for another.
"""

from __future__ import annotations

import sqlite3
import time
from typing import TYPE_CHECKING

from textual import work

from tui.safe_text import visible
from tui.sync.engine import Incoming, Syncer, SyncProblem, SyncReport, chosen_folder
from tui.sync.folder import Mark
from tui.sync.replica import ReplicaError
from tui.sync.watching import FolderWatch
from tui.ui.screens.reader import ReaderScreen

if TYPE_CHECKING:
    from tui.home import Home
    from tui.review.deck import Deck
    from tui.state.store import Store

# How often the store's change count is looked at: a change reaches the folder within a second.
CHANGE_CHECK_SECONDS = 0.5
# After a sync that failed, the next automatic one waits this long (the palette's Sync now does not).
RETRY_SECONDS = 30.0
# From this many lines a merge takes seconds (a first sync with years of answers): told first.
BIG_MERGE_LINES = 20_000


class Syncs:
    """What the app does to keep the other machines in step; mixed into `PaperdeckApp`."""

    # Of the app it is mixed into (with Textual's notify, set_interval and call_from_thread,
    # and the readers' catching up after a change they did not make, `_back_from_review`).
    home: Home
    store: Store
    deck: Deck
    screen_stack: list
    is_running: bool

    syncer: Syncer | None = None
    folder_watch: FolderWatch | None = None
    syncs_done = 0  # for tests and the status: syncs finished since the start
    _syncing = False
    _sync_again = False
    _synced_changes = -1
    _warned: frozenset[str] = frozenset()
    _quiet_until = 0.0  # after a sync that failed: no automatic sync before then

    def start_syncing(self) -> None:
        """Syncs now and from now on, when this home has a sync folder and may write its store."""
        if self.store.read_only or chosen_folder(self.home) is None:
            return  # no sync set up here: nothing is made in the home for it
        try:
            syncer = Syncer(self.home, self.store, self.deck)
        except ReplicaError as exc:
            self.notify(visible(f"Sync is off: {exc}"), title="Sync", severity="warning", markup=False)
            return
        if syncer.folder is None:
            syncer.close()
            return
        self.syncer = syncer
        self.sync_now()
        self.set_interval(CHANGE_CHECK_SECONDS, self._sync_if_changed)
        self.folder_watch = FolderWatch(syncer.folder, syncer.device)
        self._watch_sync_folder()

    def stop_syncing(self) -> None:
        """Sends what changed since the last sync (without reading the folder) and stops. Runs
        even while a sync is under way: that one's merge is dropped, this one sends everything."""
        if self.folder_watch is not None:
            self.folder_watch.stop.set()
        syncer, self.syncer = self.syncer, None
        if syncer is None:
            return
        try:
            report = syncer.merge(Incoming(syncer.folder, None, [], syncer.replica.marks(), []), durable=True)
            syncer.publish(report)
        except (SyncProblem, OSError, sqlite3.Error):
            pass  # what changed is in the store; the next sync sends it
        syncer.close()

    def sync_now(self, *, asked: bool = False) -> None:
        """Syncs in the background (again after this one, if one runs); after a failure, not
        before `RETRY_SECONDS` unless the user `asked` (the palette's Sync now)."""
        if self.syncer is None or (not asked and time.monotonic() < self._quiet_until):
            return
        if self._syncing:
            self._sync_again = True
            return
        self._syncing = True
        # Read here, on the UI thread that merges: the worker never touches the replica.
        self._sync_in_the_background(self.syncer, self.syncer.replica.marks())

    def _sync_if_changed(self) -> None:
        if self.store.writer.changes != self._synced_changes:
            self.sync_now()

    @work(thread=True, group="sync", exit_on_error=False)
    def _sync_in_the_background(self, syncer: Syncer, marks: dict[str, Mark]) -> None:
        report: SyncReport | None = None
        problem = None
        try:
            incoming = syncer.read_folder(marks)
            if len(incoming.lines) >= BIG_MERGE_LINES:
                # The merge holds the UI thread (it owns the store): say so before, not after.
                lines = f"{len(incoming.lines):,} changes and answers"
                self.call_from_thread(
                    self.notify, f"Taking in {lines} from your other machines…", title="Sync", markup=False
                )
                time.sleep(0.2)  # for the notice to be drawn
            report = self.call_from_thread(self._merge, syncer, incoming)
            if report is not None:
                syncer.publish(report)
        except (SyncProblem, OSError, sqlite3.Error) as exc:
            problem = str(exc)
        except RuntimeError as exc:
            if not self.is_running:
                return  # the app is gone: nobody to take the merge, or to tell
            problem = f"sync failed ({exc}); it is tried again in a while"
        except Exception as exc:  # never a sync that stays "running" and so never runs again
            problem = f"sync failed ({type(exc).__name__}: {exc}); it is tried again in a while"
        self.call_from_thread(self._sync_done, syncer, report, problem)

    def _merge(self, syncer: Syncer, incoming: Incoming) -> SyncReport | None:
        if self.syncer is not syncer:
            return None  # the app is closing
        report = syncer.merge(incoming)
        self._synced_changes = self.store.writer.changes
        return report

    def _sync_done(self, syncer: Syncer, report: SyncReport | None, problem: str | None) -> None:
        self._syncing = False
        self.syncs_done += 1
        if self.syncer is not syncer:
            return  # stopped while this sync ran (the last sync was made, the replica closed)
        self._quiet_until = time.monotonic() + RETRY_SECONDS if problem else 0.0
        warnings = [problem] if problem else (report.warnings if report is not None else [])
        for warning in warnings:
            if warning not in self._warned:  # once, not at every change while the folder is away
                self.notify(visible(warning), title="Sync", severity="warning", timeout=10, markup=False)
        self._warned = frozenset(warnings)
        if report is not None and report.came_in:
            for screen in self.screen_stack:
                if isinstance(screen, ReaderScreen):
                    screen.reading.forget_undo_of(report.papers_changed)
            self._back_from_review(None)  # every reader shows what came in
            if report.came_in.get("lists"):
                for screen in self.screen_stack:
                    if isinstance(screen, ReaderScreen):
                        screen.lists_changed()
            message = f"From your other machines: {report.took_in()}"
            self.notify(visible(message), title="Sync", timeout=4, markup=False)
        if self._sync_again:
            self._sync_again = False
            self.sync_now()

    @work(thread=True, group="sync-watch", exit_on_error=False)
    def _watch_sync_folder(self) -> None:
        watch = self.folder_watch
        if watch is None:
            return
        for changed in watch.changes():
            if changed:
                self.call_from_thread(self.sync_now)
