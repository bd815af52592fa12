"""The state store on a real disk: its API, durability under kills, damaged files, two processes."""

from __future__ import annotations

import errno
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from conftest import REPO

from tui import storage
from tui.store import PaperState, Store, StoreError, StoreReadOnly

WORKER = REPO / "tests" / "store_worker.py"
FIXTURES = REPO / "tests" / "fixtures"
ISO_WITH_OFFSET = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "home" / "store.json"


def on_disk(path: Path) -> dict:
    return orjson.loads(path.read_bytes())


def wait_until_durable(store: Store, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while store.pending and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not store.pending, "the writer did not save in time"


# --- the API ------------------------------------------------------------------------------


def test_changes_reach_the_disk_on_their_own_in_the_documented_tables(path: Path):
    store = Store.open(path)
    store.mark_read("a")
    store.toggle_star("a")
    store.set_tags("b", ["#RL", "rl", " Scaling-Law "])
    store.set_note("b", "line one\nline two [bold]")
    store.set_setting("commentary_language", "both")
    wait_until_durable(store)
    data = on_disk(path)
    assert sorted(data) == ["cards", "meta", "papers", "settings"]
    assert data["meta"] == {"1": {"schema_version": 2}}
    documents = {doc["paper_id"]: doc for doc in data["papers"].values()}
    assert set(documents["a"]) == {"paper_id", "read_at", "starred_at", "tags", "note", "updated_at"}
    assert ISO_WITH_OFFSET.fullmatch(documents["a"]["read_at"])
    assert ISO_WITH_OFFSET.fullmatch(documents["a"]["starred_at"])
    assert documents["b"]["tags"] == ["rl", "scaling-law"]
    assert documents["b"]["note"] == "line one\nline two [bold]"
    assert list(data["settings"].values()) == [{"key": "commentary_language", "value": "both"}]
    store.close()


def test_state_survives_reopening(path: Path):
    store = Store.open(path)
    store.mark_read("a")
    store.set_star("b", True)
    store.set_setting("theme", "paperdeck-light")
    store.close()
    again = Store.open(path)
    assert again.paper("a").read and not again.paper("a").starred
    assert again.paper("b").starred and not again.paper("b").read
    assert again.paper("never-seen") == PaperState()
    assert again.setting("theme") == "paperdeck-light"
    assert again.setting("missing", "default") == "default"
    again.close()


def test_undo_restores_the_exact_prior_state(path: Path):
    store = Store.open(path)
    store.set_tags("a", ["x"])
    before = store.paper("a")
    undo_star = store.set_star("a", True)
    undo_read = store.mark_read_many(["a", "b", "a"])
    assert store.paper("a").read and store.paper("b").read
    store.restore(undo_read)
    assert store.paper("b") == PaperState()
    assert "b" not in store.paper_states()  # a paper undone to untouched leaves no document
    store.restore(undo_star)
    assert store.paper("a") == before
    store.close()
    assert Store.open(path, lock=False).paper("a") == before


def test_unchanged_state_is_not_a_change(path: Path):
    store = Store.open(path)
    store.mark_read("a")
    wait_until_durable(store)
    changes = store.writer.changes
    store.mark_read("a")
    store.set_star("a", False)
    assert store.writer.changes == changes
    store.close()


def test_mark_read_many_over_100000_papers_is_one_change(path: Path):
    store = Store.open(path)
    ids = [f"paper-{n}" for n in range(100_000)]
    snapshot = store.mark_read_many(ids)
    assert store.writer.changes == 1
    assert len(snapshot) == 100_000 and all(state is None for state in snapshot.values())
    # One more change with 100,000 documents present is one more change, saved with the rest.
    store.set_star("paper-5", True)
    assert store.writer.changes == 2
    assert store.close()
    data = on_disk(path)
    assert len(data["papers"]) == 100_000
    again = Store.open(path)
    states = again.paper_states()
    assert len(states) == 100_000 and all(state.read for state in states.values())
    assert again.paper("paper-5").starred
    again.close()


def test_version_1_file_loads(path: Path):
    path.parent.mkdir(parents=True)
    shutil.copyfile(FIXTURES / "store-v1.json", path)
    store = Store.open(path)
    vit = store.paper("0846680f50ad5204")
    assert vit.read and vit.starred and vit.tags == ("registers", "vit")
    assert vit.note.endswith("Compare with DINOv2 registers.")
    assert store.paper("8e0a5702f8d4ea6f").read_at == "2025-06-12T09:00:00+09:00"
    assert store.setting("commentary_language") == "en"
    assert store.review_count == 1
    store.set_star("8e0a5702f8d4ea6f", True)
    store.close()
    assert on_disk(path)["meta"] == {"1": {"schema_version": 2}}
    assert len(on_disk(path)["papers"]) == 2


# --- failing disks ------------------------------------------------------------------------


def test_failed_writes_are_reported_retried_and_lose_nothing(path: Path, full_disk):
    full_disk(2)
    store = Store.open(path)
    heard: list[str] = []
    store.listeners.append(heard.append)
    store.set_star("a", True)
    wait_until_durable(store)
    assert heard == [
        f"cannot save {path}: No space left on device; retrying",
        f"saved {path} again; nothing was lost",
    ]
    assert store.paper("a").starred
    store.close()
    assert Store.open(path, lock=False).paper("a").starred


def test_close_says_when_the_last_changes_could_not_be_saved(path: Path, monkeypatch):
    store = Store.open(path)
    monkeypatch.setattr(storage, "write_atomically", lambda *_: (_ for _ in ()).throw(OSError(errno.EROFS, "Read-only")))
    store.set_star("a", True)
    assert store.close() is False
    assert isinstance(store.last_error, OSError)


# --- crashes and signals ------------------------------------------------------------------


def test_sigkill_at_random_moments_never_loses_a_durable_change(tmp_path: Path):
    rng = random.Random(20261122)
    path = tmp_path / "store.json"
    kills = 0
    checked = 0
    for _ in range(22):
        worker = subprocess.Popen(
            [sys.executable, str(WORKER), "churn", str(path)], stdout=subprocess.PIPE, text=True
        )
        time.sleep(rng.uniform(0.25, 0.9))
        worker.send_signal(signal.SIGKILL)
        output, _ = worker.communicate()
        kills += 1
        durable = [int(line.split()[1]) for line in output.splitlines() if line.startswith("durable ")]
        store = Store.open(path)  # loads every time: never a torn file
        assert store.report.moved_aside is None
        states = store.paper_states()
        for number in durable:
            assert states[f"p{number}"].read, f"p{number} was reported durable but is missing"
        checked += len(durable)
        store.close()
    assert kills >= 20
    assert checked > 20 * 10, f"only {checked} changes were reported durable"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_terminating_signals_save_before_exit(tmp_path: Path, signum: int):
    path = tmp_path / "store.json"
    worker = subprocess.Popen([sys.executable, str(WORKER), "signal", str(path)], stdout=subprocess.PIPE, text=True)
    assert worker.stdout.readline() == "changed\n"
    worker.send_signal(signum)  # at once: well before the writer's own schedule
    assert worker.wait(timeout=10) == -signum
    assert Store.open(path).paper("signalled").starred


# --- damaged files ------------------------------------------------------------------------

DAMAGED = {
    "empty": b"",
    "truncated": b'{"papers": {"1": {"paper_id": "a", "read_at": "2025',
    "not JSON": b"\x89PNG\r\n\x1a\n not json at all",
    "a list": b"[1, 2, 3]",
    "tables of lists": b'{"papers": []}',
    "documents without ids": b'{"papers": {"1": {"read_at": null}}}',
    "bad version": b'{"meta": {"1": {"schema_version": "one"}}}',
}


@pytest.mark.parametrize("damage", DAMAGED.values(), ids=DAMAGED.keys())
def test_damaged_store_is_moved_aside_and_a_fresh_one_started(path: Path, damage: bytes):
    path.parent.mkdir(parents=True)
    path.write_bytes(damage)
    store = Store.open(path)
    aside = store.report.moved_aside
    assert aside is not None and aside.read_bytes() == damage
    assert re.fullmatch(r"store\.json\.corrupt-\d{8}-\d{6}", aside.name)
    assert any(str(aside) in message for message in store.report.messages)
    assert store.paper_states() == {}
    store.set_star("a", True)
    assert store.close()
    assert aside.read_bytes() == damage  # never overwritten


def test_damaged_store_is_recovered_from_the_last_clean_one(path: Path):
    store = Store.open(path)
    store.set_star("kept", True)
    store.close()
    Store.open(path).close()  # a clean load: store.json.bak now holds the star
    path.write_bytes(b'{"papers": {"1": {"paper_id": "kept", "starred_at": "20')
    store = Store.open(path)
    assert store.report.recovered_from_backup
    assert store.paper("kept").starred
    assert any("store.json.bak" in message for message in store.report.messages)
    store.close()


def test_newer_schema_is_refused_and_left_untouched(path: Path):
    path.parent.mkdir(parents=True)
    newer = b'{"meta": {"1": {"schema_version": 99}}, "papers": {}}'
    path.write_bytes(newer)
    with pytest.raises(StoreError, match="newer paperdeck \\(schema 99"):
        Store.open(path)
    assert path.read_bytes() == newer
    assert [p.name for p in path.parent.iterdir() if "corrupt" in p.name] == []


def test_store_that_is_a_folder_is_a_clear_error(path: Path):
    path.mkdir(parents=True)
    with pytest.raises(StoreError, match="is a folder"):
        Store.open(path)


def test_cli_starts_on_a_damaged_store_and_says_where_the_old_one_is(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "store.json").write_bytes(b"{broken")
    env = {**os.environ, "PAPERDECK_HOME": str(home)}
    paperdeck = Path(sys.executable).with_name("paperdeck")
    result = subprocess.run([str(paperdeck), "list"], capture_output=True, text=True, env=env)
    assert result.returncode == 0
    [aside] = home.glob("store.json.corrupt-*")
    assert aside.read_bytes() == b"{broken"
    assert f"it is kept as {aside}" in result.stderr
    assert "Traceback" not in result.stderr


# --- two processes ------------------------------------------------------------------------


def test_second_process_opens_read_only_and_cannot_lose_the_first_ones_changes(path: Path):
    first = Store.open(path)
    first.set_star("mine", True)
    first.flush()
    holder = f"pid {os.getpid()}"
    second = Store.open(path)
    assert second.read_only
    assert second.report.messages == [
        f"read-only: another paperdeck ({holder}) is using {path}; changes here will not be saved"
    ]
    assert second.paper("mine").starred  # it can read
    with pytest.raises(StoreReadOnly):
        second.set_star("theirs", True)
    second.close()
    first.set_note("mine", "still mine")
    assert first.close()
    third = Store.open(path)
    assert not third.read_only and third.paper("mine").note == "still mine"
    third.close()


def test_another_process_holding_the_store_makes_this_one_read_only(path: Path):
    worker = subprocess.Popen(
        [sys.executable, str(WORKER), "hold", str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert worker.stdout.readline() == "ready\n"
    store = Store.open(path)
    assert store.read_only
    assert f"pid {worker.pid}" in store.report.messages[0]
    store.close()
    worker.communicate("")
    assert not Store.open(path).read_only
