"""Sync between machines: fields merge by the later change, answers by union, nothing is lost.

Each test runs real stores in real data homes and real sync folders on disk; what a sync tool
would carry between the folders is copied by the test (`tests/sync_machines.py`).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import timedelta
from itertools import count
from pathlib import Path

import fsrs
import orjson
import pytest
from conftest import COMMENTARY, HF_MAR_06
from sync_machines import Machine, SharedClock, copy_between, exchange_all, machines, own_files

from tui.home import Home
from tui.library.files import load_library
from tui.settings import ReviewSettings
from tui.state import store as store_module
from tui.state.user_lists import WatchItem, save_watch_list, watch_list
from tui.sync import engine
from tui.sync.engine import SyncProblem, sync_home
from tui.sync.folder import SUBFOLDER

PAPER, OTHER = "a" * 16, "b" * 16


def test_a_star_tags_and_a_note_reach_the_other_machine(tmp_path, clock: SharedClock):
    a, b = machines(tmp_path, clock, 2)
    a.store.set_star(PAPER, True)
    a.store.set_tags(PAPER, ["rl", "agents"])
    a.store.set_note(PAPER, "read §3 again")
    report = a.sync()
    assert report.went_out == {"stars": 1, "tag changes": 1, "notes": 1} and not report.warnings
    copy_between(a, b)
    report = b.sync()
    assert report.came_in == {"stars": 1, "tag changes": 1, "notes": 1} and report.machines == 1
    state = b.store.paper(PAPER)
    assert state.starred_at == clock.iso() and state.tags == ("rl", "agents") and state.note == "read §3 again"
    assert b.sync().summary() == "sent nothing; took in nothing"  # merged once, not again


def test_the_later_change_to_a_field_wins_on_both_machines_whichever_syncs_first(tmp_path, clock):
    a, b = machines(tmp_path, clock, 2)
    a.store.set_note(PAPER, "first thought")
    clock.tick(60)
    b.store.set_note(PAPER, "second thought")  # both offline: neither has seen the other
    clock.tick(60)
    b.sync()
    a.sync()
    exchange_all([a, b])
    a.sync()
    b.sync()
    assert a.store.paper(PAPER).note == b.store.paper(PAPER).note == "second thought"


def test_changes_to_different_fields_of_one_paper_both_survive(tmp_path, clock):
    a, b = machines(tmp_path, clock, 2)
    a.store.set_star(PAPER, True)
    clock.tick()
    b.store.set_note(PAPER, "a note from the desktop")
    for machine in (a, b):
        machine.sync()
    exchange_all([a, b])
    for machine in (a, b):
        machine.sync()
        state = machine.store.paper(PAPER)
        assert state.starred and state.note == "a note from the desktop"


def test_a_tie_in_time_is_broken_by_device_alike_on_every_machine(tmp_path, clock):
    a, b = machines(tmp_path, clock, 2)
    a.store.set_tags(PAPER, ["from-a"])
    b.store.set_tags(PAPER, ["from-b"])  # the same second
    for machine in (a, b):
        machine.sync()
    exchange_all([a, b])
    for machine in (a, b):
        machine.sync()
    winner = max((a, b), key=lambda machine: machine.device)
    expected = ("from-a",) if winner is a else ("from-b",)
    assert a.store.paper(PAPER).tags == b.store.paper(PAPER).tags == expected


def test_a_change_made_after_seeing_the_other_machine_wins_even_against_a_clock_ahead(tmp_path, clock):
    a, b = machines(tmp_path, clock, 2)
    clock.tick(3600)  # b's clock is an hour ahead of a's: b changes "later" than a can
    b.store.set_note(PAPER, "from the clock ahead")
    b.sync()
    copy_between(b, a)
    clock.tick(-3600)
    a.sync()
    assert a.store.paper(PAPER).note == "from the clock ahead"
    clock.tick(10)
    a.store.set_note(PAPER, "seen, and changed again")
    a.sync()
    copy_between(a, b)
    b.sync()
    assert b.store.paper(PAPER).note == "seen, and changed again"


def test_answers_from_both_machines_are_kept_and_the_card_is_the_same_on_both(tmp_path, clock):
    a, b = machines(tmp_path, clock, 2)
    a.deck.add(PAPER)
    a.sync()
    copy_between(a, b)
    b.sync()
    clock.tick(86400)
    a.deck.grade(PAPER, fsrs.Rating.Good, duration_ms=4000)
    clock.tick(3 * 86400)
    b.deck.grade(PAPER, fsrs.Rating.Again, duration_ms=9000)  # offline: b never saw a's answer
    clock.tick(60)
    for machine in (a, b, a):
        exchange_all([a, b])
        machine.sync()
    b.sync()
    assert len(a.state()["answers"]) == len(b.state()["answers"]) == 2
    assert a.state() == b.state()
    card = a.deck.card(PAPER).card
    assert card.state == fsrs.State.Learning  # Good then Again, replayed in time order: relearnt from scratch


def test_an_answer_taken_back_after_it_was_sent_is_taken_back_everywhere(tmp_path, clock):
    a, b = machines(tmp_path, clock, 2)
    a.deck.add(PAPER)
    clock.tick()
    token = a.deck.grade(PAPER, fsrs.Rating.Easy)
    a.sync()
    copy_between(a, b)
    b.sync()
    assert len(b.state()["answers"]) == 1
    clock.tick()
    a.deck.undo(token)
    report = a.sync()
    assert report.went_out == {"answers taken back": 1}
    copy_between(a, b)
    b.sync()
    assert b.state()["answers"] == [] and b.deck.card(PAPER).card.last_review is None
    assert a.state() == b.state()


def test_a_card_removed_suspended_and_the_review_settings_travel_but_not_the_theme(tmp_path, clock):
    a, b = machines(tmp_path, clock, 2)
    for paper in (PAPER, OTHER):
        a.deck.add(paper)
    a.sync()
    copy_between(a, b)
    b.sync()
    assert set(b.store.card_documents()) == {PAPER, OTHER}
    clock.tick()
    a.deck.remove(OTHER)
    a.deck.suspend(PAPER)
    a.store.set_setting("review_new_per_day", 3)
    a.store.set_setting("theme", "gruvbox")
    a.sync()
    copy_between(a, b)
    b.sync()
    assert set(b.store.card_documents()) == {PAPER} and b.deck.card(PAPER).suspended
    assert b.store.setting("review_new_per_day") == 3 and b.deck.settings.new_per_day == 3
    assert b.store.setting("theme") != "gruvbox"


def test_a_folder_gone_costs_a_warning_and_what_changed_waits_in_the_home(tmp_path, clock):
    a, b = machines(tmp_path, clock, 2)
    a.folder.rename(tmp_path / "unmounted")
    a.store.set_star(PAPER, True)
    report = a.sync()
    assert report.warnings == [
        f"{a.folder}: no such folder: nothing came in; what changed here waits in {sync_home(a.home)}"
    ]
    assert b"star" in (sync_home(a.home) / "changes.jsonl").read_bytes()
    (tmp_path / "unmounted").rename(a.folder)
    assert a.sync().warnings == []
    copy_between(a, b)
    b.sync()
    assert b.store.paper(PAPER).starred


def test_lines_that_cannot_be_read_are_named_and_the_rest_is_taken(tmp_path, clock):
    a, b = machines(tmp_path, clock, 2)
    a.store.set_note(PAPER, "kept")
    a.sync()
    copy_between(a, b)
    copied = b.folder / SUBFOLDER / a.device / "changes.jsonl"
    good = copied.read_bytes()
    copied.write_bytes(b'{"k": "p/x/nonsense"}\n' + b"[1, 2]\n" + good)
    report = b.sync()
    assert report.warnings == [
        f"{copied}:2: not a line paperdeck can read, skipped",
        f"{copied}:1: not a change paperdeck knows, skipped",
    ]
    assert b.store.paper(PAPER).note == "kept"


def test_a_sync_that_fails_halfway_commits_nothing_and_the_next_one_takes_it_all(tmp_path, clock, monkeypatch):
    a, b = machines(tmp_path, clock, 2)
    a.store.set_star(PAPER, True)
    a.deck.add(PAPER)
    clock.tick()
    a.deck.grade(PAPER, fsrs.Rating.Good)
    a.sync()
    copy_between(a, b)
    monkeypatch.setattr(b.store, "flush", lambda: False)
    with pytest.raises(SyncProblem, match="could not save"):
        b.sync()
    monkeypatch.undo()
    assert b.sync().warnings == []
    b.close()
    b.open()
    assert b.state() == a.state() and len(b.state()["answers"]) == 1  # merged again, but not twice


def test_a_damaged_replica_is_moved_aside_and_its_answers_are_not_sent_twice(tmp_path, clock):
    a, b = machines(tmp_path, clock, 2)
    a.store.set_note(PAPER, "survives")
    a.sync()
    copy_between(a, b)
    b.sync()
    b.deck.add(OTHER)
    clock.tick()
    b.deck.grade(OTHER, fsrs.Rating.Hard)
    b.sync()
    copy_between(b, a)
    a.sync()
    folder, device = b.folder, b.device
    b.close()
    replica = sync_home(b.home) / "replica.sqlite"
    for leftover in replica.parent.glob("replica.sqlite-*"):
        leftover.unlink()
    replica.write_bytes(b"this is not a database" * 100)
    b.open()
    assert b.device == device  # kept beside the replica: the answers sent again are known as sent
    assert b.syncer.folder == folder.resolve()  # and so is the folder chosen
    assert b.sync().warnings == [] and b.store.paper(PAPER).note == "survives"
    exchange_all([a, b])
    a.sync()
    assert a.state() == b.state() and len(a.state()["answers"]) == 1
    assert [path.name.startswith("replica.sqlite.damaged-") for path in replica.parent.iterdir()].count(True) == 1
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(next(replica.parent.glob("replica.sqlite.damaged-*"))).execute("SELECT 1 FROM fields")


def test_each_machine_writes_only_inside_its_own_device_folder(tmp_path, clock):
    a, b = machines(tmp_path, clock, 2)
    a.store.set_star(PAPER, True)
    a.sync()
    copy_between(a, b)
    b.store.set_note(PAPER, "mine")
    before = {path: path.read_bytes() for path in own_files(a)}
    b.sync()
    written = {path.relative_to(b.folder / SUBFOLDER).parts[0] for path in (b.folder / SUBFOLDER).rglob("*.json*")}
    assert written == {a.device, b.device}
    assert {path.read_bytes() for path in (b.folder / SUBFOLDER / a.device).iterdir()} == set(before.values())
    device = orjson.loads((b.folder / SUBFOLDER / b.device / "device.json").read_bytes())
    assert device["name"] == os.uname().nodename
    mtime = (b.folder / SUBFOLDER / b.device / "device.json").stat().st_mtime_ns
    b.sync()  # nothing new: nothing written, so the sync tool has nothing to carry
    assert (b.folder / SUBFOLDER / b.device / "device.json").stat().st_mtime_ns == mtime


def test_a_card_made_again_from_another_machine_keeps_the_suspension_this_machine_knows(tmp_path, clock):
    a, b, c = machines(tmp_path, clock, 3)
    a.deck.add(PAPER)
    a.sync()
    exchange_all([a, b, c])
    b.sync()
    c.sync()
    clock.tick()
    c.deck.suspend(PAPER)
    c.sync()
    copy_between(c, b)
    b.sync()  # b knows of the suspension; a does not
    clock.tick()
    a.deck.remove(PAPER)
    clock.tick()
    a.deck.add(PAPER)  # a card of a's that was never suspended there
    a.sync()
    copy_between(a, b)
    b.sync()
    assert b.deck.card(PAPER).suspended and b.sync().went_out == {}
    for _ in range(2):
        exchange_all([a, b, c])
        for machine in (a, b, c):
            machine.sync()
    assert a.state() == b.state() == c.state() and a.deck.card(PAPER).suspended


def test_a_line_torn_by_a_killed_sync_is_cut_off_before_the_next_lines_are_appended(tmp_path, clock):
    a, b = machines(tmp_path, clock, 2)
    a.store.set_note(PAPER, "first")
    a.sync()
    own_copy = sync_home(a.home) / "changes.jsonl"
    with own_copy.open("ab") as handle:
        handle.write(b'{"k": "p/' + b"c" * 16 + b'/note", "s": "00')  # the kill came mid-line
    clock.tick()
    a.store.set_note(OTHER, "second")
    assert a.sync().warnings == []
    assert own_copy.read_bytes().count(b"\n") == 2 and own_copy.read_bytes().endswith(b"}\n")
    copy_between(a, b)
    assert b.sync().warnings == [] and b.store.paper(OTHER).note == "second"


def test_a_home_copied_to_another_machine_takes_a_device_of_its_own_and_doubles_nothing(tmp_path, clock, monkeypatch):
    (a,) = machines(tmp_path, clock, 1)
    a.deck.add(PAPER)
    clock.tick()
    a.deck.grade(PAPER, fsrs.Rating.Good)
    a.sync()
    a.close()
    shutil.copytree(a.home.root, tmp_path / "home-copy")  # the laptop's home, copied to the desktop
    a.open()
    copy = Machine("copy", Home(tmp_path / "home-copy"), tmp_path / "folder-copy", clock)
    exchange_all([a, copy])
    assert copy.device == a.device
    clock.tick()
    copy.store.set_note(PAPER, "written on the desktop")
    monkeypatch.setattr(engine.socket, "gethostname", lambda: "desktop")
    monkeypatch.setattr(engine, "machine_id", lambda: "another machine id")
    report = copy.sync()
    assert report.warnings == [
        f"this data home was copied from {os.uname().nodename}'s (both were device {a.device}); "
        f"this machine is device {copy.device} from now on"
    ]
    assert copy.device != a.device
    monkeypatch.undo()
    exchange_all([a, copy])
    a.sync()
    assert a.store.paper(PAPER).note == "written on the desktop"
    assert a.state() == copy.state() and len(a.state()["answers"]) == 1
    assert {path.name for path in (a.folder / SUBFOLDER).iterdir()} == {a.device, copy.device}


def test_a_digest_or_a_vault_read_on_two_machines_gives_its_papers_the_same_ids(tmp_path):
    vault = Path(__file__).resolve().parent / "fixtures" / "vault"
    elsewhere = tmp_path / "Dropbox" / "digests"  # the other machine keeps them somewhere else
    shutil.copytree(vault, elsewhere / "vault")
    for digest in (COMMENTARY, HF_MAR_06):
        shutil.copy(digest, elsewhere / digest.name)
    here = load_library([COMMENTARY, HF_MAR_06, *sorted(vault.glob("*.md"))])
    there = load_library(
        [elsewhere / COMMENTARY.name, elsewhere / HF_MAR_06.name, *sorted(elsewhere.glob("vault/*.md"))]
    )
    assert [paper.id for paper in here] == [paper.id for paper in there]
    assert len(here) > 50


def test_a_replica_of_another_schema_is_moved_aside_like_a_damaged_one(tmp_path, clock):
    a, b = machines(tmp_path, clock, 2)
    a.store.set_star(PAPER, True)
    a.sync()
    copy_between(a, b)
    b.close()
    replica = sync_home(b.home) / "replica.sqlite"
    with sqlite3.connect(replica) as connection:
        connection.execute("PRAGMA user_version = 99")
    connection.close()
    b.open()
    assert b.sync().warnings == [] and b.store.paper(PAPER).starred
    assert len(list(replica.parent.glob("replica.sqlite.damaged-*"))) == 1


def test_a_paper_changed_again_within_the_same_second_by_a_later_process_is_sent(tmp_path, clock, monkeypatch):
    ticks = count(1)  # the store's own clock: within one second of the shared one, as a real clock is
    monkeypatch.setattr(
        store_module, "now_changed", lambda: (clock.now + timedelta(microseconds=next(ticks))).isoformat()
    )
    a, b = machines(tmp_path, clock, 2)
    a.store.set_star(PAPER, True)
    a.sync()
    a.close()
    a.open()  # `paperdeck mark unstar` then `paperdeck sync`, in the same second as the star
    a.store.set_star(PAPER, False)
    a.close()
    a.open()
    assert a.sync().went_out == {"stars": 1}
    exchange_all([a, b])
    b.sync()
    assert not b.store.paper(PAPER).starred


def test_a_replica_made_anew_keeps_what_this_machine_cleared(tmp_path, clock):
    a, b = machines(tmp_path, clock, 2)
    b.store.set_star(PAPER, True)
    b.store.set_note(PAPER, "draft")
    b.sync()
    copy_between(b, a)
    a.sync()
    clock.tick()
    a.store.set_star(PAPER, False)
    a.store.set_note(PAPER, "")
    a.sync()
    a.close()
    (sync_home(a.home) / "replica.sqlite").unlink()  # lost, as a replica can be
    a.open()
    assert a.sync().warnings == []
    exchange_all([a, b])
    b.sync()
    for machine in (a, b):
        state = machine.store.paper(PAPER)
        assert (state.starred, state.note) == (False, "")


def test_a_retention_that_arrives_after_the_answers_given_under_it_works_their_cards_out_again(tmp_path, clock):
    a, b = machines(tmp_path, clock, 2)
    a.deck.add(PAPER)
    a.sync()
    copy_between(a, b)
    b.sync()
    clock.tick(60)
    a.store.set_setting("review_desired_retention", 0.8)
    a.deck.apply_settings(ReviewSettings.from_store(a.store))
    for days in (1, 3):
        clock.tick(days * 86_400)
        a.deck.grade(PAPER, fsrs.Rating.Good)
    a.sync()
    answers_only = a.folder / SUBFOLDER / a.device / "answers.jsonl"
    destination = b.folder / SUBFOLDER / a.device
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(answers_only, destination / "answers.jsonl")  # the changes file comes later
    b.sync()
    assert b.deck.settings.desired_retention != 0.8
    copy_between(a, b)
    b.sync()
    assert b.deck.settings.desired_retention == 0.8
    assert a.state()["cards"] == b.state()["cards"]


def test_a_setting_changed_by_a_command_is_stamped_when_the_store_was_written_not_at_the_next_sync(tmp_path, clock):
    a, b = machines(tmp_path, clock, 2)
    for machine in (a, b):  # each has synced once, in a process of its own
        machine.sync()
        machine.close()

    def change_then_close(machine, items):
        machine.open()
        save_watch_list(machine.store, items)
        machine.close()
        written = clock.now.timestamp()
        os.utime(machine.home.store, (written, written))  # `paperdeck watch add` at this moment

    change_then_close(a, [WatchItem.made("word", "diffusion")])  # 09:00 on the laptop
    clock.tick(3600)
    change_then_close(b, [WatchItem.made("word", "agents")])  # 10:00 on the desktop, synced at once
    b.open()
    b.sync()
    clock.tick(3600)
    a.open()
    a.sync()  # the laptop syncs at 11:00: its change is from 09:00, and loses
    exchange_all([a, b])
    b.sync()
    a.sync()
    for machine in (a, b):
        assert [item.value for item in watch_list(machine.store)] == ["agents"]


def test_a_machine_renamed_is_still_the_same_machine(tmp_path, clock, monkeypatch):
    if engine.machine_id() is None:
        pytest.skip("no machine id on this system: machines are told apart by host name")
    (a,) = machines(tmp_path, clock, 1)
    a.store.set_star(PAPER, True)
    a.sync()
    device = a.device
    monkeypatch.setattr(engine.socket, "gethostname", lambda: "renamed-laptop")
    assert a.sync().warnings == [] and a.device == device


def test_a_folder_that_cannot_be_written_costs_a_warning_and_the_lines_go_out_later(tmp_path, clock):
    a, b = machines(tmp_path, clock, 2)
    a.sync()
    own = a.folder / SUBFOLDER / a.device
    shutil.rmtree(own)
    own.write_text("a sync tool put a file where the folder was")  # writing into it fails, even as root
    a.store.set_note(PAPER, "waits")
    report = a.sync()
    assert len(report.warnings) == 1 and report.warnings[0].startswith(f"{own}: cannot be written")
    assert "waits in" in report.warnings[0] and report.summary().startswith("kept to send 1 note")
    own.unlink()
    assert a.sync().warnings == []
    copy_between(a, b)
    b.sync()
    assert b.store.paper(PAPER).note == "waits"


def test_a_machine_back_after_months_loses_where_it_was_overruled_and_keeps_the_rest(tmp_path, clock):
    a, b, old = machines(tmp_path, clock, 3)
    for machine in (a, b, old):
        machine.sync()
    old.store.set_note(PAPER, "written on the old laptop, then it went in a drawer")
    old.store.set_tags(OTHER, ["from-the-drawer"])
    old.note()  # stamped when written, as the reader does; never synced
    clock.tick(200 * 86_400)
    a.store.set_note(PAPER, "written since, on the desktop")
    a.sync()
    exchange_all([a, b])
    b.sync()
    clock.tick(86_400)
    old.sync()  # out of the drawer
    for _ in range(2):
        exchange_all([a, b, old])
        for machine in (a, b, old):
            machine.sync()
    for machine in (a, b, old):
        assert machine.store.paper(PAPER).note == "written since, on the desktop"
        assert machine.store.paper(OTHER).tags == ("from-the-drawer",)
    assert a.state() == b.state() == old.state()
