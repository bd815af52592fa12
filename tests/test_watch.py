"""Watching the library's files, without a terminal: what `changes` reports and what `refresh` takes in.

`changes` runs on a thread of its own, as the app runs it; the test waits on what it yields.
"""

from __future__ import annotations

import queue
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import COMMENTARY, HF_MAR_06

import tui.library.watch
from tui.home import Home
from tui.library.files import digest_files, load_library
from tui.library.index_sync import SyncReport
from tui.library.opening import OpenedLibrary, open_library
from tui.library.watch import LibraryWatch
from tui.model import arxiv_paper_id, paper_id

FIXTURES = Path(__file__).parent / "fixtures" / "hf-api"
VIT = arxiv_paper_id("2506.08010")  # Vision Transformers Don't Need Trained Registers
RPT = arxiv_paper_id("2506.08007")  # Reinforcement Pre-Training
# The same paper while the text digest, its only source here, cites no arXiv id for it.
RPT_BY_TITLE = paper_id("Reinforcement Pre-Training")
MULTIVERSE = arxiv_paper_id("2506.09991")  # Multiverse: Your Language Models Secretly Decide How to ...
# However loaded the machine, a change is reported well within this.
PATIENCE = 15.0


class Watching:
    """`watch.changes()` on a thread, each value it yields put in a queue (None once it has returned)."""

    def __init__(self, watch: LibraryWatch) -> None:
        self.watch = watch
        self.said: queue.Queue[bool | None] = queue.Queue()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            for notified in self.watch.changes():
                self.said.put(notified)
        finally:
            self.said.put(None)

    def next(self, timeout: float = PATIENCE) -> bool | None:
        return self.said.get(timeout=timeout)

    def ready(self) -> None:
        """Waits for the first word: the watcher is set up, so a change from now on is seen."""
        assert self.next() is not None

    def notified(self) -> None:
        """Waits until a change is reported (a quiet while, reported as False, does not count)."""
        deadline = time.monotonic() + PATIENCE
        while not self.next(max(deadline - time.monotonic(), 0.01)):
            pass

    def refreshed(self) -> SyncReport:
        """Refreshes at each word from `changes` until the library has changed."""
        deadline = time.monotonic() + PATIENCE
        while True:
            assert self.next(max(deadline - time.monotonic(), 0.01)) is not None
            report = self.watch.refresh()
            if report is not None:
                return report

    def stop(self) -> None:
        self.watch.stop.set()
        self.thread.join(PATIENCE)
        assert not self.thread.is_alive()


@pytest.fixture
def opened(home: Home) -> Iterator[OpenedLibrary]:
    """The home's library opened from its index, with two digests in it."""
    home.ensure()
    shutil.copy(COMMENTARY, home.library / "a.txt")
    shutil.copy(HF_MAR_06, home.library / "b.txt")
    library = open_library(home)
    yield library
    library.close()


@pytest.fixture
def quick_word(monkeypatch) -> None:
    """A quiet while is reported after a tenth of a second, so a test knows the watcher is up."""
    monkeypatch.setattr(tui.library.watch, "CHECK_MS", 100)


@pytest.fixture
def no_notifications(monkeypatch) -> None:
    """No watchfiles: `import watchfiles` fails, and the folders are polled quickly."""
    monkeypatch.setitem(sys.modules, "watchfiles", None)
    monkeypatch.setattr(tui.library.watch, "POLL_SECONDS", 0.05)


def same_as_parsed_at_once(opened: OpenedLibrary) -> None:
    whole = load_library(digest_files(opened.home.library))
    library = opened.library
    assert (library.order, library.by_date, library.by_tag) == (whole.order, whole.by_date, whole.by_tag)
    assert dict(library.papers) == whole.papers


def test_a_new_digest_is_notified_and_refresh_shows_it(opened: OpenedLibrary, quick_word):
    watch = LibraryWatch(opened)
    watching = Watching(watch)
    try:
        watching.ready()
        assert watch.how == "notifications"
        assert watch.refresh() is None  # nothing changed yet
        target = opened.home.library / "hf-api-2025-06-11.json"
        target.write_bytes((FIXTURES / "2025-06-11.json").read_bytes())
        watching.notified()
        report = watch.refresh()
        assert report is not None and report.added == (str(target),) and not report.changed and not report.removed
        assert (report.papers_before, report.papers_after) == (57, len(opened.library))
        assert opened.library.papers[VIT].arxiv_id == "2506.08010"
        same_as_parsed_at_once(opened)
        assert watch.refresh() is None  # taken in once
    finally:
        watching.stop()


def test_a_digest_copied_in_under_another_name_is_read_once_it_has_its_own(opened: OpenedLibrary, quick_word):
    watch = LibraryWatch(opened)
    watching = Watching(watch)
    try:
        watching.ready()
        partial = opened.home.library / ".hf-api-2025-06-12.json.partial"
        partial.write_bytes((FIXTURES / "2025-06-12.json").read_bytes())
        assert watch.refresh() is None  # not a digest's name: not part of the library
        partial.rename(opened.home.library / "hf-api-2025-06-12.json")
        watching.notified()
        report = watch.refresh()
        assert report is not None and report.added == (str(opened.home.library / "hf-api-2025-06-12.json"),)
        assert MULTIVERSE in opened.library.papers and len(opened.library) == 59
    finally:
        watching.stop()


def test_only_the_folders_own_files_are_watched(opened: OpenedLibrary, quick_word):
    """The library is the digests directly in its folder: one in a folder inside it is no change."""
    watch = LibraryWatch(opened)
    watching = Watching(watch)
    try:
        watching.ready()
        inside = opened.home.library / "old" / "2024"
        inside.mkdir(parents=True)
        (inside / "hf-api-2025-06-12.json").write_bytes((FIXTURES / "2025-06-12.json").read_bytes())
        # A change is reported within QUIET_MS of the last write; these quiet whiles are later.
        assert [watching.next() for _ in range(5)] == [False] * 5
        assert watch.refresh() is None
        (opened.home.library / "c.txt").write_text("", encoding="utf-8")
        watching.notified()
        report = watch.refresh()
        assert report is not None and report.added == (str(opened.home.library / "c.txt"),)
    finally:
        watching.stop()


def test_a_new_digest_is_found_by_polling_without_notifications(opened: OpenedLibrary, no_notifications):
    watch = LibraryWatch(opened)
    watching = Watching(watch)
    try:
        assert watching.next() is True and watch.how == "polling"
        target = opened.home.library / "hf-api-2025-06-12.json"
        target.write_bytes((FIXTURES / "2025-06-12.json").read_bytes())
        report = watching.refreshed()
        assert report.added == (str(target),)
        assert MULTIVERSE in opened.library.papers and len(opened.library) == 59
        same_as_parsed_at_once(opened)
    finally:
        watching.stop()


@pytest.mark.parametrize("how", ["notifications", "polling"])
def test_a_changed_digest_and_a_removed_one(opened: OpenedLibrary, how, quick_word, request):
    if how == "polling":
        request.getfixturevalue("no_notifications")
    watch = LibraryWatch(opened)
    watching = Watching(watch)
    try:
        watching.ready()
        assert watch.how == how
        assert opened.library.papers[RPT_BY_TITLE].arxiv_id is None and RPT not in opened.library.papers
        # A text digest rewritten in place (an editor saving it), now citing the paper's arXiv id.
        path = opened.home.library / "a.txt"
        path.write_text(
            path.read_text(encoding="utf-8").replace(
                "verifiable rewards for correctly", "verifiable rewards (arXiv:2506.08007) for correctly"
            ),
            encoding="utf-8",
        )
        report = watching.refreshed()
        assert report.changed == (str(path),) and not report.added and not report.removed
        # Known by its arXiv id now: the paper's id is the arXiv one, and the title's is gone.
        assert opened.library.papers[RPT].arxiv_id == "2506.08007" and len(opened.library) == 57
        assert RPT_BY_TITLE not in opened.library.papers
        (opened.home.library / "b.txt").unlink()
        report = watching.refreshed()
        assert report.removed == (str(opened.home.library / "b.txt"),) and not report.added and not report.changed
        assert (report.papers_before, report.papers_after) == (57, 8) and len(opened.library) == 8
        assert opened.library.papers[RPT].arxiv_id == "2506.08007"
        same_as_parsed_at_once(opened)
    finally:
        watching.stop()


def test_a_change_another_paperdeck_made_to_the_index_is_picked_up(opened: OpenedLibrary, quick_word):
    watch = LibraryWatch(opened)
    watching = Watching(watch)
    try:
        watching.ready()
        assert watching.next() is False  # a quiet while is said too: the app looks at the index then
        # Another process (`paperdeck add` in another terminal) puts a digest in and indexes it.
        target = opened.home.library / "hf-api-2025-06-12.json"
        shutil.copy(FIXTURES / "2025-06-12.json", target)
        other = open_library(opened.home)
        try:
            assert other.report.added == (str(target),)
            assert not other.private and other.index.path == opened.index.path
        finally:
            other.close()
        report = watch.refresh()
        # Nothing left for this one to read: the other did it, and the library is read anew; the
        # report says which file came, as this one's own sync would have.
        assert report is not None and report.added == (str(target),) and not report.changed
        assert MULTIVERSE in opened.library.papers and len(opened.library) == 59
        same_as_parsed_at_once(opened)
        assert watch.refresh() is None
    finally:
        watching.stop()


def test_the_samples_give_way_to_the_first_digest(home: Home, monkeypatch):
    monkeypatch.setattr(tui.library.watch, "POLL_SECONDS", 0.05)  # no library folder to be notified of
    opened = open_library(home)
    try:
        assert opened.showing_samples
        watch = LibraryWatch(opened)
        watching = Watching(watch)
        try:
            watching.ready()
            assert watch.how == "polling"
            home.ensure()
            shutil.copy(FIXTURES / "2025-06-12.json", home.library / "hf-api-2025-06-12.json")
            report = watching.refreshed()
            assert report.added == (str(home.library / "hf-api-2025-06-12.json"),) and report.removed
            assert not opened.showing_samples
            assert len(opened.library) == 2 and list(opened.library.by_date) == [date(2025, 6, 12)]
        finally:
            watching.stop()
    finally:
        opened.close()


@pytest.mark.parametrize("how", ["notifications", "polling"])
def test_stop_ends_changes(opened: OpenedLibrary, how, request, monkeypatch):
    if how == "polling":
        request.getfixturevalue("no_notifications")
        monkeypatch.setattr(tui.library.watch, "POLL_SECONDS", 60.0)
    watch = LibraryWatch(opened)
    watching = Watching(watch)
    deadline = time.monotonic() + PATIENCE
    while watch.how != how and time.monotonic() < deadline:
        time.sleep(0.01)
    assert watch.how == how
    started = time.monotonic()
    watch.stop.set()
    assert watching.next() is None  # changes() has returned...
    assert time.monotonic() - started < 5.0  # ...well before the next look at the index (or poll)
    watching.stop()
    assert list(watch.changes()) == []  # once stopped, a new `changes` ends at once
