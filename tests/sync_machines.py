"""Simulated machines for the sync tests: a data home each, a folder each, and a shared clock.

Every machine syncs through a folder of its own; what a sync tool would do between them is the
test's to play (`copy_between`), so that files can arrive torn, twice, late or as conflict copies.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tui.home import Home
from tui.review.deck import Deck
from tui.state import store as store_module
from tui.state.store import Store
from tui.sync import fields
from tui.sync.engine import Incoming, Syncer, SyncReport
from tui.sync.folder import SUBFOLDER

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


class SharedClock:
    """One clock for every machine, moved on by hand: each change happens at its own second."""

    def __init__(self) -> None:
        self.now = START

    def tick(self, seconds: int = 1) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now

    def iso(self) -> str:
        return self.now.isoformat(timespec="seconds")


def shared_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[SharedClock]:
    """The `clock` fixture (in conftest): the stores' idea of now, too, is the shared clock."""
    shared = SharedClock()
    monkeypatch.setattr(store_module, "now_iso", shared.iso)
    monkeypatch.setattr(store_module, "now_changed", shared.iso)
    yield shared


@dataclass
class Machine:
    """One data home with its store, deck and syncer; its sync folder is `folder`."""

    name: str
    home: Home
    folder: Path
    clock: SharedClock
    store: Store = field(init=False)
    deck: Deck = field(init=False)
    syncer: Syncer = field(init=False)

    def __post_init__(self) -> None:
        self.home.root.mkdir(parents=True, exist_ok=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.open()
        self.syncer.choose_folder(self.folder)

    def open(self) -> None:
        self.store = Store.open(self.home.store)
        self.deck = Deck(self.store, clock=lambda: self.clock.now)
        self.syncer = Syncer(self.home, self.store, self.deck, clock=lambda: self.clock.now.timestamp())

    def close(self) -> None:
        self.syncer.close()
        assert self.store.close()

    @property
    def device(self) -> str:
        return self.syncer.device

    def sync(self) -> SyncReport:
        return self.syncer.run()

    def note(self) -> SyncReport:
        """What the app does within a second of a change even when the folder cannot be reached:
        the change becomes a stamped line in the own copy, at the time it was made."""
        return self.syncer.merge(Incoming(self.folder, "not now", [], self.syncer.replica.marks(), []))

    def state(self) -> dict[str, Any]:
        return state_of(self.store, self.deck)


def state_of(store: Store, deck: Deck) -> dict[str, Any]:
    """Everything that must be alike on every machine after a full exchange."""
    papers = {
        paper_id: (state.read_at, state.starred_at, state.later_at, state.tags, state.note)
        for paper_id, state in store.paper_states().items()
        if state.read_at or state.starred_at or state.later_at or state.tags or state.note
    }
    cards = {}
    for paper_id in store.card_documents():
        view = deck.card(paper_id)
        card = view.card
        cards[paper_id] = (
            view.added_at,
            view.suspended,
            card.state,
            card.step,
            card.due,
            card.last_review,
            None if card.stability is None else round(card.stability, 9),
            None if card.difficulty is None else round(card.difficulty, 9),
        )
    answers = sorted(
        (entry["paper_id"], entry["rating"], entry["reviewed_at"], entry.get("duration_ms"))
        for entry in store.review_documents()
    )
    settings = {key: store.setting(key) for key in fields.SYNCED_SETTINGS}
    lists = {table: store.documents(table) for table in fields.LISTS}
    return {"papers": papers, "cards": cards, "answers": answers, "settings": settings, "lists": lists}


async def until(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Waits (letting the app run) until `condition` holds, at most `seconds`; whether it did."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


def machines(tmp_path: Path, clock: SharedClock, count: int) -> list[Machine]:
    return [
        Machine(name, Home(tmp_path / f"home-{name}"), tmp_path / f"folder-{name}", clock)
        for name in "abcdefgh"[:count]
    ]


def own_files(machine: Machine) -> list[Path]:
    """The files a machine wrote into its folder (what a sync tool carries to the others)."""
    own = machine.folder / SUBFOLDER / machine.device
    return sorted(path for path in own.iterdir() if not path.name.startswith(".")) if own.is_dir() else []


def copy_between(source: Machine, target: Machine) -> int:
    """A sync tool's whole pass: the source's own files, as they are now, into the target's folder."""
    copied = 0
    for path in own_files(source):
        destination = target.folder / SUBFOLDER / source.device / path.name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        copied += 1
    return copied


def exchange_all(group: list[Machine]) -> None:
    for source in group:
        for target in group:
            if source is not target:
                copy_between(source, target)
