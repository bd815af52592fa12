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
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from conftest import REPO

from tui.state import atomic
from tui.state.paper_state import PaperState
from tui.state.store import Store, StoreError, StoreReadOnly

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
    store.set_star("a", True)
    store.set_tags("b", ["#RL", "rl", " Scaling-Law "])
    store.set_note("b", "line one\nline two [bold]")
    store.set_setting("commentary_language", "both")
    wait_until_durable(store)
    data = on_disk(path)
    assert sorted(data) == ["cards", "meta", "papers", "renamed", "settings", "views", "watched"]
    assert data["meta"] == {"1": {"schema_version": 2}}
    documents = {doc["paper_id"]: doc for doc in data["papers"].values()}
    assert set(documents["a"]) == {"paper_id", "read_at", "starred_at", "later_at", "tags", "note", "updated_at"}
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
    monkeypatch.setattr(atomic, "write_atomically", lambda *_: (_ for _ in ()).throw(OSError(errno.EROFS, "Read-only")))
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
        worker = subprocess.Popen([sys.executable, str(WORKER), "churn", str(path)], stdout=subprocess.PIPE, text=True)
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


# --- the review log: reviews.jsonl ---------------------------------------------------------


def answer(paper_id: str, state: str = "review", at: str = "2026-03-02T09:00:00+00:00") -> dict:
    return {"paper_id": paper_id, "rating": 3, "reviewed_at": at, "duration_ms": 4000, "state": state}


def log_of(path: Path) -> Path:
    return path.with_name("reviews.jsonl")


def log_lines(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in log_of(path).read_bytes().splitlines()]


def test_answers_are_appended_to_the_review_log_one_line_each_and_survive_reopening(path: Path):
    store = Store.open(path)
    store.set_star("p0", True)
    ids = [store.add_review(answer(f"p{n}")) for n in range(3)]
    assert store.close()
    assert "reviews" not in on_disk(path)
    assert log_of(path).read_bytes().count(b"\n") == 3
    assert log_lines(path) == [{"id": entry_id, **answer(f"p{n}")} for n, entry_id in enumerate(ids)]
    again = Store.open(path)
    assert [review["paper_id"] for review in again.review_documents()] == ["p0", "p1", "p2"]
    assert again.reviews_of("p1") == [{"id": ids[1], **answer("p1")}] and again.review_count == 3
    assert again.add_review(answer("p3")) > max(ids)
    again.close()
    assert [line["paper_id"] for line in log_lines(path)] == ["p0", "p1", "p2", "p3"]


def test_an_answer_appends_to_the_log_and_leaves_store_json_alone(path: Path):
    store = Store.open(path)
    store.set_star("a", True)
    wait_until_durable(store)
    written = path.stat().st_ino  # store.json is only ever replaced whole, as a new file
    store.add_review(answer("a"))
    wait_until_durable(store)
    assert path.stat().st_ino == written
    assert len(log_lines(path)) == 1
    store.close()


def test_an_undone_answer_stays_undone_after_reopening(path: Path):
    store = Store.open(path)
    kept = store.add_review(answer("a"))
    undone = store.add_review(answer("b"))
    wait_until_durable(store)  # on disk before the undo: it takes a tombstone
    store.remove_review(undone)
    quick = store.add_review(answer("c"))
    store.remove_review(quick)  # undone before the writer came by: written, then taken back
    store.close()
    assert log_lines(path)[-3:] == [{"id": quick, **answer("c")}, {"undo": undone}, {"undo": quick}]
    again = Store.open(path)
    assert [review["id"] for review in again.review_documents()] == [kept]
    assert again.reviews_of("b") == [] and again.review_count == 1
    assert again.add_review(answer("d")) > undone  # an id in the file is never given again
    again.close()


def test_undone_answers_are_compacted_away_when_they_pile_up(path: Path, monkeypatch):
    monkeypatch.setattr("tui.state.review_history.COMPACT_AFTER_UNDOS", 3)
    store = Store.open(path)
    kept = store.add_review(answer("kept"))
    assert store.review_count == 1  # the log is in memory, so it can be rewritten from there
    for n in range(4):
        entry_id = store.add_review(answer(f"u{n}"))
        store.flush()
        store.remove_review(entry_id)
        store.flush()
    later = store.add_review(answer("later"))
    store.close()
    assert log_lines(path) == [{"id": kept, **answer("kept")}, {"id": later, **answer("later")}]
    assert [review["id"] for review in Store.open(path, lock=False).review_documents()] == [kept, later]


@pytest.mark.parametrize("read_first", [True, False], ids=["log read", "log never read"])
def test_a_torn_last_line_is_left_out_with_a_warning_and_cut_off_on_the_next_write(path: Path, read_first: bool):
    store = Store.open(path)
    store.add_review(answer("a"))
    store.close()
    with open(log_of(path), "ab") as handle:
        handle.write(b'{"id":2,"paper_id":"b","rating":3,"revie')  # killed in the middle of an append
    store = Store.open(path)
    heard: list[str] = []
    store.listeners.append(heard.append)
    if read_first:
        assert [review["paper_id"] for review in store.review_documents()] == ["a"]
        assert len(heard) == 1 and heard[0].startswith(f"{log_of(path)}:2: warning: an answer cut short")
    store.add_review(answer("c"))  # a session's grade appends without reading the log
    store.close()
    assert [line["paper_id"] for line in log_lines(path)] == ["a", "c"]


def test_a_damaged_review_log_is_moved_aside_and_a_fresh_one_started(path: Path):
    damage = b"\x89PNG\r\n\x1a\n not json lines at all\n[1, 2]\n"
    store = Store.open(path)
    store.set_star("a", True)
    store.close()
    log_of(path).write_bytes(damage)
    store = Store.open(path)
    assert store.paper("a").starred and store.report.messages == []  # the log is not read yet
    assert list(store.review_documents()) == []
    [aside] = path.parent.glob("reviews.jsonl.corrupt-*")
    assert re.fullmatch(r"reviews\.jsonl\.corrupt-\d{8}-\d{6}", aside.name)
    assert aside.read_bytes() == damage
    assert store.report.messages == [
        f"{log_of(path)} was damaged (not a review log: no line is an answer); it is kept as {aside} "
        "and the review log starts empty"
    ]
    entry_id = store.add_review(answer("b"))
    store.close()
    assert log_lines(path) == [{"id": entry_id, **answer("b")}]
    assert aside.read_bytes() == damage


def test_lines_of_a_review_log_that_are_not_answers_are_reported_kept_aside_and_left_out(path: Path):
    path.parent.mkdir(parents=True)
    good = [orjson.dumps({"id": n, **answer(f"p{n}")}) for n in (1, 2)]
    damaged = good[0] + b"\n" + b"\x00\x00\x00garbage\n" + good[1] + b"\n"
    log_of(path).write_bytes(damaged)
    store = Store.open(path)
    assert [review["id"] for review in store.review_documents()] == [1, 2]
    [aside] = path.parent.glob("reviews.jsonl.corrupt-*")
    assert aside.read_bytes() == damaged
    assert store.report.messages == [
        f"{log_of(path)}: warning: line 2 is not an answer of the review log; left out; "
        f"the file as it was is kept as {aside}"
    ]
    store.close()
    assert [line["id"] for line in log_lines(path)] == [1, 2]  # rewritten without the bad line


def test_a_read_only_store_reads_both_files_and_writes_neither(path: Path):
    first = Store.open(path)
    first.set_star("a", True)
    first.add_review(answer("a"))
    first.flush()
    with open(log_of(path), "ab") as handle:
        handle.write(b'{"id":9,"paper')  # a torn line the read-only store must leave alone
    files = {p.name: p.read_bytes() for p in path.parent.iterdir()}
    second = Store.open(path)
    assert second.read_only
    assert second.paper("a").starred
    assert [review["paper_id"] for review in second.review_documents()] == ["a"]
    with pytest.raises(StoreReadOnly):
        second.add_review(answer("b"))
    with pytest.raises(StoreReadOnly):
        second.remove_review(1)
    second.close()
    assert {p.name: p.read_bytes() for p in path.parent.iterdir()} == files
    first.close()


def version_1_store(path: Path) -> dict:
    """The v1 fixture with a card and a review log of four answers, as paperdeck 1 wrote it."""
    tables = orjson.loads((FIXTURES / "store-v1.json").read_bytes())
    card = {
        "card_id": 1,
        "state": 2,
        "step": None,
        "stability": 3.1,
        "difficulty": 5.3,
        "due": "2025-06-20T07:00:00+00:00",
        "last_review": "2025-06-14T07:00:00+00:00",
    }
    tables["cards"] = {
        "1": {
            "paper_id": "0846680f50ad5204",
            "card": card,
            "suspended": False,
            "buried_until": None,
            "added_at": "2025-06-12T08:31:10+00:00",
        }
    }
    tables["reviews"].update(
        {
            "2": answer("0846680f50ad5204", "new", "2025-06-13T08:00:00+00:00"),
            "3": answer("0846680f50ad5204", "learning", "2025-06-14T07:00:00+00:00"),
            "5": answer("8e0a5702f8d4ea6f", "new", "2025-06-14T08:00:00+00:00"),  # its card was removed
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(tables))
    return tables


def test_a_version_1_store_moves_its_review_log_into_reviews_jsonl(path: Path):
    tables = version_1_store(path)
    expected = [{"id": int(key), **review} for key, review in tables["reviews"].items()]
    store = Store.open(path)
    assert on_disk(path)["meta"] == {"1": {"schema_version": 2}} and "reviews" not in on_disk(path)
    assert log_lines(path) == expected  # moved at once, not at the next change
    assert on_disk(path.with_name("store.json.bak")) == on_disk(path)
    assert list(store.review_documents()) == expected
    # The card knows when it was introduced, from its log: the new-card limit needs no log.
    assert store.card_document("0846680f50ad5204")["introduced_at"] == "2025-06-13T08:00:00+00:00"
    assert store.add_review(answer("new")) == 6
    store.close()
    assert [review["id"] for review in Store.open(path, lock=False).review_documents()] == [1, 2, 3, 5, 6]


def test_a_version_1_migration_cut_short_after_writing_the_log_loses_nothing(path: Path):
    tables = version_1_store(path)
    # Killed after reviews.jsonl was written and before store.json was: the next start migrates again.
    log_of(path).write_bytes(
        b"".join(orjson.dumps({"id": int(key), **review}) + b"\n" for key, review in tables["reviews"].items())
    )
    store = Store.open(path)
    assert [review["id"] for review in store.review_documents()] == [1, 2, 3, 5]
    store.close()
    assert [line["id"] for line in log_lines(path)] == [1, 2, 3, 5]
    assert on_disk(path)["meta"] == {"1": {"schema_version": 2}}


def test_a_read_only_store_migrates_version_1_in_memory_and_writes_nothing(path: Path):
    version_1_store(path)
    original = path.read_bytes()
    worker = subprocess.Popen(
        [sys.executable, str(WORKER), "hold", str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        # The holder migrated the file on opening; put version 1 back under it to see a reader's view.
        assert worker.stdout.readline() == "ready\n"
        path.write_bytes(original)
        log_of(path).unlink()
        store = Store.open(path)
        assert store.read_only and store.review_count == 4
        assert path.read_bytes() == original and not log_of(path).exists()
        store.close()
    finally:
        worker.communicate("")


def test_opening_the_store_and_a_session_and_grading_never_read_the_review_log(path: Path, monkeypatch):
    from tui.review.deck import Deck
    from tui.state.review_log import ReviewLog

    clock = [datetime(2026, 3, 2, 9, tzinfo=UTC)]
    store = Store.open(path)
    deck = Deck(store, clock=lambda: clock[0])
    for paper_id in ("a", "b", "c"):
        deck.add(paper_id)
    deck.grade("a", 3)
    store.close()
    reads: list[Path] = []
    real_read = ReviewLog.read
    monkeypatch.setattr(ReviewLog, "read", lambda self: reads.append(self.path) or real_read(self))

    store = Store.open(path)
    deck = Deck(store, clock=lambda: clock[0])
    queue = deck.session_queue()
    assert queue == ["b", "c"] and deck.introduced_today() == 1
    token = deck.grade("b", 3)
    deck.undo(token)
    deck.grade("b", 4)
    assert deck.introduced_today() == 2
    store.close()
    assert reads == [] and not store.review_log_loaded
    again = Store.open(path)
    assert [review["paper_id"] for review in again.review_documents()] == ["a", "b"]
    assert reads == [log_of(path)]
    again.close()


def test_sigkill_while_grading_never_loses_an_answer_reported_durable(tmp_path: Path):
    rng = random.Random(20260302)
    path = tmp_path / "store.json"
    checked = undone = 0
    for _ in range(20):
        worker = subprocess.Popen([sys.executable, str(WORKER), "grade", str(path)], stdout=subprocess.PIPE, text=True)
        first = worker.stdout.readline()  # the worker is up and grading
        time.sleep(rng.uniform(0.0, 0.5))
        worker.send_signal(signal.SIGKILL)
        output, _ = worker.communicate()
        said = [line.split() for line in [first, *output.splitlines()]]
        durable = {int(answer_id): f"c{number}" for word, number, answer_id in said if word == "durable"}
        taken_back = {int(answer_id): f"c{number}" for word, number, answer_id in said if word == "undone"}
        store = Store.open(path)
        assert store.report.moved_aside is None
        log = {review["id"]: review for review in store.review_documents()}
        for answer_id, paper_id in durable.items():
            assert log.get(answer_id, {}).get("paper_id") == paper_id, f"answer {answer_id} reported durable is missing"
            assert store.card_document(paper_id)["card"]["last_review"] is not None
        for answer_id, paper_id in taken_back.items():
            assert answer_id not in log, f"answer {answer_id} on {paper_id} was undone but came back"
            assert store.card_document(paper_id)["card"]["last_review"] is None
        # The log is written first: a card that shows an answer always has it in the log. (The
        # other way round may happen: an answer written just before a kill, its card not yet.)
        answered = {review["paper_id"] for review in log.values()}
        for paper_id, document in store.card_documents().items():
            if document["card"]["last_review"] is not None:
                assert paper_id in answered, f"{paper_id} was graded but its answer is not in the log"
        assert len(log) == len(set(map(orjson.dumps, log.values()))), "an answer was written twice"
        checked += len(durable)
        undone += len(taken_back)
        store.close()
    assert checked > 20 * 10 and undone > 20, f"only {checked} answers and {undone} undos were reported durable"
