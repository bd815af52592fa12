"""Three machines, random changes, and a sync tool that misbehaves: every machine ends alike.

Each seed plays a morning of three machines: stars, reads, tags, notes, cards added, removed and
suspended, answers given and taken back, a setting changed, each made at its own moment of one
shared clock, and synced now and then. Between their folders a sync tool copies files in a
random order, some halfway (torn), some twice, some as conflict copies, some as an older version
brought back, some late. After a full exchange every machine must show the same state, and each
field must hold the value of the last change made to it anywhere: present, or overruled by a later one.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import fsrs
import pytest
from reliability import record
from sync_machines import Machine, SharedClock, exchange_all, machines, own_files

from tui.sync.folder import SUBFOLDER

SEEDS = range(40)
STEPS = 120
PAPERS = [f"{index:016x}" for index in range(6)]
TAGS = ["rl", "agents", "vision", "to-cite"]


class Model:
    """The last change made to each field, anywhere, and every answer given and not taken back."""

    def __init__(self) -> None:
        self.fields: dict[tuple[str, str], tuple[str, Any]] = {}  # (paper, field) -> (when, value)
        self.answers: set[tuple[str, int, str]] = set()
        self.new_per_day: int | None = None
        self.made = 0  # changes made, answers included

    def changed(self, paper: str, name: str, when: str, before: Any, value: Any) -> None:
        """A field set on one machine; setting what it already was there is no change."""
        if value != before:
            self.fields[(paper, name)] = (when, value)
            self.made += 1


class SyncTool:
    """Carries files between the machines' folders, badly; keeps each file's older versions."""

    def __init__(self, rng: random.Random, group: list[Machine]) -> None:
        self.rng = rng
        self.group = group
        self.versions: dict[Path, list[bytes]] = {}
        self.copies = self.torn = self.conflicts = self.stale = 0

    def remember(self) -> None:
        for machine in self.group:
            for path in own_files(machine):
                data = path.read_bytes()
                history = self.versions.setdefault(path, [])
                if not history or history[-1] != data:
                    history.append(data)

    def one_pass(self) -> None:
        self.remember()
        pairs = [(source, target) for source in self.group for target in self.group if source is not target]
        self.rng.shuffle(pairs)
        for source, target in pairs:
            if self.rng.random() < 0.4:
                continue  # late: this pair waits for another pass
            files = own_files(source)
            self.rng.shuffle(files)  # answers may come before the changes they follow
            for path in files:
                self.carry(source, target, path)
        if self.rng.random() < 0.2:
            self.bring_back_own(self.rng.choice(self.group))

    def carry(self, source: Machine, target: Machine, path: Path) -> None:
        destination = target.folder / SUBFOLDER / source.device / path.name
        destination.parent.mkdir(parents=True, exist_ok=True)
        data, roll = path.read_bytes(), self.rng.random()
        self.copies += 1
        if roll < 0.15 and len(data) > 1:
            self.torn += 1
            cut = self.rng.randrange(1, len(data))
            tail = b"\0" * (len(data) - cut) if self.rng.random() < 0.3 else b""  # space kept, not yet filled
            destination.write_bytes(data[:cut] + tail)
        elif roll < 0.25 and path.suffix == ".jsonl":
            self.conflicts += 1
            older = self.rng.choice(self.versions.get(path, [data]))
            style = self.rng.choice(
                [".sync-conflict-20261204-{n}-ABCDEFG", " (Desktop's conflicted copy 2026-12-04 {n})", " {n}"]
            )
            name = f"{path.stem}{style.format(n=self.rng.randrange(10_000))}.jsonl"
            (destination.parent / name).write_bytes(older)
            shutil.copyfile(path, destination)
        elif roll < 0.32 and self.versions.get(path):
            self.stale += 1
            destination.write_bytes(self.rng.choice(self.versions[path]))  # an old version brought back
        else:
            shutil.copyfile(path, destination)

    def bring_back_own(self, machine: Machine) -> None:
        """A sync tool puts an older version of a machine's own file back into its own folder."""
        for path in own_files(machine):
            history = self.versions.get(path)
            if history and path.suffix == ".jsonl":
                self.stale += 1
                path.write_bytes(self.rng.choice(history))


def change_something(rng: random.Random, machine: Machine, clock: SharedClock, model: Model, undo: dict) -> None:
    paper, store, deck, when = rng.choice(PAPERS), machine.store, machine.deck, clock.iso()
    state = store.paper(paper)
    roll = rng.random()
    if roll < 0.14:
        store.set_star(paper, not state.starred)
        model.changed(paper, "star", when, state.starred_at, store.paper(paper).starred_at)
    elif roll < 0.26:
        store.mark_read(paper, not state.read)
        model.changed(paper, "read", when, state.read_at, store.paper(paper).read_at)
    elif roll < 0.34:
        store.set_flags([paper], later=not state.later)
        model.changed(paper, "later", when, state.later_at, store.paper(paper).later_at)
    elif roll < 0.44:
        store.set_tags(paper, rng.sample(TAGS, rng.randrange(len(TAGS))))
        model.changed(paper, "tags", when, state.tags, store.paper(paper).tags)
    elif roll < 0.52:
        store.set_note(paper, rng.choice(["", "skim", "read §3", "한국어 메모", f"note {rng.randrange(99)}"]))
        model.changed(paper, "note", when, state.note, store.paper(paper).note)
    elif roll < 0.62:
        if not deck.has_card(paper):
            deck.add(paper)
        elif rng.random() < 0.3:
            deck.remove(paper)
    elif roll < 0.67:
        if deck.has_card(paper):
            (deck.unsuspend if deck.card(paper).suspended else deck.suspend)(paper)
    elif roll < 0.92:
        if deck.has_card(paper):
            rating = rng.choice(list(fsrs.Rating))
            token = deck.grade(paper, rating, duration_ms=rng.randrange(1000, 30_000))
            model.answers.add((paper, int(rating), when))
            model.made += 1
            undo[machine.name] = (token, (paper, int(rating), when))
            return
    elif roll < 0.96:
        if machine.name in undo:
            token, answer = undo.pop(machine.name)
            deck.undo(token)
            model.answers.discard(answer)
    else:
        value = rng.choice([5, 10, 20, 30])
        if store.setting("review_new_per_day") != value:  # setting what it already is changes nothing
            store.set_setting("review_new_per_day", value)
            model.new_per_day = value
            model.made += 1
    undo.pop(machine.name, None)  # undo takes back only the last thing done


def play(tmp_path: Path, clock: SharedClock, seed: int) -> tuple[list[Machine], Model, SyncTool]:
    rng = random.Random(seed)
    group = machines(tmp_path, clock, 3)
    model, tool, undo = Model(), SyncTool(rng, group), {}
    for _ in range(STEPS):
        clock.tick(rng.randint(1, 3600))
        machine, roll = rng.choice(group), rng.random()
        if roll < 0.6:
            change_something(rng, machine, clock, model, undo)
            machine.note()  # what the reader does within a second of every change
        elif roll < 0.8:
            machine.sync()
        else:
            tool.one_pass()
    for _ in range(3):  # the sync tool catches up at last, and everyone syncs
        clock.tick()
        for machine in group:
            machine.sync()
        exchange_all(group)
    for machine in group:
        machine.sync()
    return group, model, tool


@pytest.mark.parametrize("seed", SEEDS)
def test_three_machines_end_alike_whatever_the_sync_tool_did(tmp_path: Path, clock: SharedClock, seed: int):
    group, model, tool = play(tmp_path, clock, seed)
    states = [machine.state() for machine in group]
    assert states[0] == states[1] == states[2]
    papers = states[0]["papers"]
    names = {"read": 0, "star": 1, "later": 2, "tags": 3, "note": 4}
    for (paper, name), (_when, value) in model.fields.items():
        shown = papers.get(paper, (None, None, None, (), ""))[names[name]]
        assert shown == value, f"{paper} {name}: the last change made it {value!r}, every machine shows {shown!r}"
    assert {(paper, rating, at) for paper, rating, at, _ms in states[0]["answers"]} == model.answers
    if model.new_per_day is not None:
        assert states[0]["settings"]["review_new_per_day"] == model.new_per_day
    for machine in group:
        assert machine.sync().summary() == "sent nothing; took in nothing"
    record("sync: simulated machines", len(group))
    record("sync: changes made on them", model.made)
    record("sync: files carried between their folders", tool.copies)
    record("sync: torn copies, conflict copies, old versions brought back", tool.torn + tool.conflicts + tool.stale)
