"""Three machines changed by three kinds of hands: the command line, the real app, and the API
the others are built on, syncing through one folder as a sync tool would keep it. After the
last syncs every machine holds the same stars, marks, tags, notes, cards, answers and lists."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
from pathlib import Path

import fsrs
from conftest import COMMENTARY
from reliability import record
from sync_machines import state_of, until

from tui.home import Home
from tui.library.files import load_library
from tui.review.deck import Deck
from tui.state.store import Store
from tui.sync.engine import Syncer
from tui.ui.app import PaperdeckApp
from tui.ui.widgets.paper_list import PaperList

PAPERDECK = Path(sys.executable).with_name("paperdeck")
LIBRARY = load_library([COMMENTARY])
IDS = [paper.id for paper in list(LIBRARY)[:8]]
ROUNDS = 10


def cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PAPERDECK_HOME": str(home)}
    return subprocess.run([PAPERDECK, *args], env=env, capture_output=True, timeout=60)


async def test_the_command_line_the_app_and_the_api_end_alike(tmp_path: Path):
    rng = random.Random(2026)
    folder = tmp_path / "Sync"
    folder.mkdir()
    shell_home = tmp_path / "shell"
    assert cli(shell_home, "sync", str(folder)).returncode == 0
    api_home = Home(tmp_path / "api")
    api_home.root.mkdir()
    api_store = Store.open(api_home.store)
    api_deck = Deck(api_store)
    api = Syncer(api_home, api_store, api_deck)
    api.choose_folder(folder)
    app_home = Home(tmp_path / "app")
    app_home.root.mkdir()
    chooser = Store.open(app_home.store)
    Syncer(app_home, chooser, Deck(chooser)).choose_folder(folder)
    chooser.close()
    app_store = Store.open(app_home.store)
    app = PaperdeckApp(LIBRARY, home=app_home, store=app_store)
    changes = 0
    async with app.run_test(size=(120, 40)) as pilot:
        reader = app.screen
        papers = reader.query_one(PaperList)
        papers.focus()
        for _ in range(ROUNDS):
            action = rng.choice(["star", "unstar", "read", "unread"])
            result = await asyncio.to_thread(cli, shell_home, "mark", action, *rng.sample(IDS, 2))
            assert result.returncode == 0, result.stderr.decode()
            if rng.random() < 0.5:
                assert (await asyncio.to_thread(cli, shell_home, "sync")).returncode == 0
            papers.show(list(papers.paper_ids), keep=rng.choice(IDS))
            await pilot.pause()
            await pilot.press(rng.choice("srl"))
            paper = rng.choice(IDS)
            api_store.set_tags(paper, rng.sample(["rl", "agents", "vision"], rng.randrange(3)))
            api_store.set_note(rng.choice(IDS), f"note {rng.randrange(100)}")
            if not api_deck.has_card(paper):
                api_deck.add(paper)
            api_deck.grade(paper, rng.choice(list(fsrs.Rating)), duration_ms=2000)
            if rng.random() < 0.5:
                api.run()
            changes += 5
            await asyncio.sleep(rng.uniform(0, 0.6))
        assert await until(lambda: not app._syncing and app.store.writer.changes == app._synced_changes)
        await pilot.press("q")
    app_store.close()
    for _ in range(2):  # each takes in what the others wrote last
        assert (await asyncio.to_thread(cli, shell_home, "sync")).returncode == 0
        api.run()
        opened = Store.open(app_home.store)
        syncer = Syncer(app_home, opened, Deck(opened))
        syncer.run()
        syncer.close()
        opened.close()
    states = [state_of(api_store, api_deck)]
    for home in (shell_home, app_home.root):
        store = Store.open(Home(home).store)
        states.append(state_of(store, Deck(store)))
        store.close()
    api.close()
    api_store.close()
    assert states[0] == states[1] == states[2]
    assert states[0]["answers"] and states[0]["papers"]
    record("sync: machines changed by command line, app and API", 3)
    record("sync: changes made through those hands", changes)
