"""Damaged data homes: paperdeck says what is wrong, in one line, and loses nothing already saved.

Each case runs the real command (or the real app through Pilot) against a real folder.
Permissions are not a way to make a folder unwritable for root, which CI may be, so writes
are refused by injecting the error the operating system would give (EROFS, ENOSPC).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import COMMENTARY, HF_MAR_06
from reliability import record

from tui.home import Home
from tui.library import index_sync
from tui.library.files import digest_files
from tui.library.opening import OpenedLibrary, open_library
from tui.model import paper_id
from tui.state import atomic, writer
from tui.state.store import Store
from tui.ui.app import PaperdeckApp

PAPERDECK = Path(sys.executable).with_name("paperdeck")
MAGISTRAL = paper_id("Magistral")


def run(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PAPERDECK_HOME": str(home)}
    return subprocess.run([str(PAPERDECK), *args], capture_output=True, env=env, timeout=120, text=True)


def assert_one_clear_line(result: subprocess.CompletedProcess, *words: str) -> None:
    assert "Traceback" not in result.stdout + result.stderr
    message = result.stderr.strip().splitlines()
    assert message and all(word in result.stderr for word in words), result.stderr
    record("damaged homes: clear message, no traceback")


def saved_home(tmp_path: Path) -> Path:
    """A data home with a digest in its library and a star, a note and a review on disk."""
    home = tmp_path / "home"
    (home / "library").mkdir(parents=True)
    shutil.copy(COMMENTARY, home / "library" / COMMENTARY.name)
    store = Store.open(home / "store.json")
    store.set_star(MAGISTRAL, True)
    store.set_note(MAGISTRAL, "keep me")
    store.close()
    return home


@pytest.fixture
def opened() -> Iterator[Callable[[Path], OpenedLibrary]]:
    """Opens a home's library from its index, as the app is started; closed after the test."""
    libraries: list[OpenedLibrary] = []

    def open_home(home: Path) -> OpenedLibrary:
        libraries.append(open_library(Home(home)))
        return libraries[-1]

    yield open_home
    for library in libraries:
        library.close()


def still_saved(home: Path) -> None:
    store = Store.open(home / "store.json")
    try:
        state = store.paper(MAGISTRAL)
        assert state.starred and state.note == "keep me"
    finally:
        store.close()


def test_a_home_that_cannot_be_created_is_one_line(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    for command in ([], ["list"], ["stats"], ["review"], ["settings"]):
        result = run(blocker / "home", *command)
        assert result.returncode == 2
        assert_one_clear_line(result, str(blocker))


def test_a_store_replaced_by_a_folder_is_named_and_left_alone(tmp_path: Path):
    home = saved_home(tmp_path)
    (home / "store.json").rename(home / "store.json.real")
    (home / "store.json").mkdir()
    (home / "store.json" / "something").write_text("x")
    for command in ([], ["list"], ["stats"]):
        result = run(home, *command)
        assert result.returncode == 2
        assert_one_clear_line(result, "store.json", "folder")
    assert (home / "store.json" / "something").read_text() == "x"
    (home / "store.json" / "something").unlink()
    (home / "store.json").rmdir()
    (home / "store.json.real").rename(home / "store.json")
    still_saved(home)


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC, errno.EACCES])
async def test_a_home_that_refuses_writes_keeps_the_state_in_memory_and_says_so(
    tmp_path: Path, monkeypatch, code, opened
):
    home = saved_home(tmp_path)
    refused = {"count": 0}

    def refuse(target: Path, data: bytes) -> None:
        refused["count"] += 1
        raise OSError(code, os.strerror(code), str(target))

    store = Store.open(home / "store.json")
    monkeypatch.setattr(atomic, "write_atomically", refuse)
    monkeypatch.setattr(writer, "RETRY_SECONDS", (0.05,))
    app = PaperdeckApp(opened(home).library, home=Home(home), store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        said: list[str] = []
        for _ in range(200):  # the writer tries within a second; a loaded machine may take longer
            await pilot.pause(0.05)
            said = [str(n.message) for n in app._notifications]
            if any("cannot save" in message for message in said):
                break
        assert any("cannot save" in message and os.strerror(code) in message for message in said), said
        assert store.paper(app.screen.query_one("#papers").current).read  # still in memory
    assert refused["count"] >= 1
    assert not store.close()  # close says the last change could not be written...
    still_saved(home)  # ...and what was saved before is intact
    record("damaged homes: clear message, no traceback")


async def test_library_files_deleted_while_the_app_runs_lose_no_state(tmp_path: Path, opened):
    home = saved_home(tmp_path)
    shutil.copy(HF_MAR_06, home / "library" / HF_MAR_06.name)
    store = Store.open(home / "store.json")
    files = digest_files(home / "library")
    app = PaperdeckApp(opened(home).library, home=Home(home), store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        for path in files:
            path.unlink()
        await pilot.press("j", "s", "r", "G", "enter", "j")
        await pilot.pause()
        starred = [pid for pid, state in store.paper_states().items() if state.starred]
        assert len(starred) == 2
    assert store.close()
    # The next start has no digests: the samples show, and every state is still in the store.
    result = run(home, "list", "--starred")
    assert result.returncode == 0 and "empty" in result.stderr
    reopened = Store.open(home / "store.json")
    try:
        assert {pid for pid, s in reopened.paper_states().items() if s.starred} == set(starred)
        assert reopened.paper(MAGISTRAL).note == "keep me"
    finally:
        reopened.close()
    record("damaged homes: clear message, no traceback")


def test_a_digest_that_changes_while_it_is_read_is_read_again_at_the_next_start(tmp_path: Path, monkeypatch, opened):
    home = saved_home(tmp_path)
    digest = home / "library" / COMMENTARY.name
    whole = digest.read_bytes()
    real_open = open

    class ReadWhileWritten:
        """The digest as the index reads it while a writer is half way through: this read sees
        half a file, and the file then grows to its full new content (with a new modification time)."""

        def __init__(self, handle) -> None:
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *_exc) -> None:
            self.handle.close()

        def fileno(self) -> int:
            return self.handle.fileno()

        def read(self) -> bytes:
            digest.write_bytes(whole.replace(b"Magistral", b"Magistral v2"))
            os.utime(digest, ns=(0, digest.stat().st_mtime_ns + 10**9))
            return whole[: len(whole) // 2]

    def open_while_written(path, *args, **kwargs):
        handle = real_open(path, *args, **kwargs)
        return ReadWhileWritten(handle) if Path(path) == digest else handle

    monkeypatch.setattr(index_sync, "open", open_while_written, raising=False)
    half = opened(home).library
    monkeypatch.undo()
    assert 0 < len(half) < 8 and not any("Magistral" in p.title for p in half.papers.values())
    again = opened(home).library  # the next start: the index does not match the file
    assert any(p.title == "Magistral v2" for p in again.papers.values()) and len(again) == 8
    still_saved(home)
    record("damaged homes: clear message, no traceback")


async def test_a_write_that_failed_before_the_app_was_up_is_still_told(tmp_path: Path, monkeypatch, opened):
    home = saved_home(tmp_path)

    def refuse(target: Path, data: bytes) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(target))

    store = Store.open(home / "store.json")
    monkeypatch.setattr(atomic, "write_atomically", refuse)
    monkeypatch.setattr(writer, "RETRY_SECONDS", (60.0,))  # no retry, and so no new report, in the test
    store.set_setting("theme", "paperdeck-light")
    assert not store.flush() and store.last_error is not None  # failed while nobody listened
    app = PaperdeckApp(opened(home).library, home=Home(home), store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
        assert any("cannot save" in message and os.strerror(errno.EROFS) in message for message in said), said
    monkeypatch.undo()
    assert store.close()  # the disk works again: everything pending is written
    record("damaged homes: clear message, no traceback")
