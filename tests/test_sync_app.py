"""The reader syncs by itself: at start, within a second of a change, and when the folder changes."""

from __future__ import annotations

import time
from pathlib import Path

from conftest import COMMENTARY
from sync_machines import until

from tui.home import Home
from tui.library.files import load_library
from tui.review.deck import Deck
from tui.state.store import Store
from tui.state.user_lists import WatchItem, save_watch_list
from tui.sync.engine import Syncer
from tui.sync.folder import SUBFOLDER
from tui.ui.app import PaperdeckApp
from tui.ui.widgets.nav_tree import NavTree
from tui.ui.widgets.paper_list import PaperList

LIBRARY = load_library([COMMENTARY])
FIRST, SECOND, THIRD = (paper.id for paper in list(LIBRARY)[:3])


class Desktop:
    """The other machine: a home of its own on the same folder, changed and synced in the test."""

    def __init__(self, root: Path, folder: Path) -> None:
        self.home = Home(root)
        self.home.root.mkdir(parents=True)
        self.store = Store.open(self.home.store)
        self.syncer = Syncer(self.home, self.store, Deck(self.store))
        self.syncer.choose_folder(folder)

    def close(self) -> None:
        self.syncer.close()
        self.store.close()


def choose_folder(home: Home, folder: Path) -> str:
    home.root.mkdir(parents=True, exist_ok=True)
    store = Store.open(home.store)
    syncer = Syncer(home, store, Deck(store))
    syncer.choose_folder(folder)
    device = syncer.device
    syncer.close()
    store.close()
    return device


def laptop_and_desktop(tmp_path: Path) -> tuple[Desktop, Store, PaperdeckApp]:
    """The desktop (synced by the test) and the laptop's app, not yet running, on one folder."""
    folder = tmp_path / "Sync"
    folder.mkdir()
    desktop = Desktop(tmp_path / "desktop", folder)
    home = Home(tmp_path / "laptop")
    choose_folder(home, folder)
    store = Store.open(home.store)
    return desktop, store, PaperdeckApp(LIBRARY, home=home, store=store)


def tree_labels(tree: NavTree) -> list[str]:
    labels, nodes = [], [tree.root]
    while nodes:
        node = nodes.pop()
        labels.append(str(node.label))
        nodes.extend(node.children)
    return labels


async def test_the_reader_takes_in_at_start_sends_each_change_and_takes_in_what_arrives(tmp_path: Path):
    folder = tmp_path / "Sync"
    folder.mkdir()
    desktop = Desktop(tmp_path / "desktop", folder)
    desktop.store.set_note(FIRST, "from the desktop")
    desktop.store.set_star(FIRST, True)
    desktop.syncer.run()
    home = Home(tmp_path / "laptop")
    device = choose_folder(home, folder)
    store = Store.open(home.store)
    app = PaperdeckApp(LIBRARY, home=home, store=store)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            # At start: what the desktop wrote is in, and shown.
            assert await until(lambda: app.store.paper(FIRST).starred)
            assert app.store.paper(FIRST).note == "from the desktop"
            reader = app.screen
            assert await until(lambda: reader.reading.state_of(FIRST).starred)

            # A change here reaches the folder within a second (and a bit, for a loaded machine).
            papers = reader.query_one(PaperList)
            papers.focus()
            papers.show(list(papers.paper_ids), keep=SECOND)
            await pilot.pause()
            changed = time.monotonic()
            await pilot.press("s")
            own = folder / SUBFOLDER / device / "changes.jsonl"
            assert await until(lambda: own.exists() and f"p/{SECOND}/star".encode() in own.read_bytes())
            took = time.monotonic() - changed
            assert took < 5, f"the star took {took:.1f} s to reach the folder"

            # What the desktop writes while the reader is open comes in by itself.
            desktop.syncer.run()  # takes in the laptop's star
            desktop.store.set_flags([THIRD], later=True)
            desktop.syncer.run()
            assert desktop.store.paper(SECOND).starred
            assert await until(lambda: app.store.paper(THIRD).later)
            assert await until(lambda: reader.reading.state_of(THIRD).later)
    finally:
        desktop.close()
        store.close()


async def test_a_change_made_just_before_quitting_goes_out_as_the_reader_closes(tmp_path: Path):
    folder = tmp_path / "Sync"
    folder.mkdir()
    home = Home(tmp_path / "laptop")
    device = choose_folder(home, folder)
    store = Store.open(home.store)
    app = PaperdeckApp(LIBRARY, home=home, store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        assert await until(lambda: app.syncs_done >= 1)
        app.store.set_note(FIRST, "the last thing done")
        await pilot.press("q")
    store.close()
    own = folder / SUBFOLDER / device / "changes.jsonl"
    assert "the last thing done" in own.read_text(encoding="utf-8")


async def test_a_folder_that_went_away_is_said_once_not_at_every_change(tmp_path: Path):
    folder = tmp_path / "Sync"
    folder.mkdir()
    home = Home(tmp_path / "laptop")
    choose_folder(home, folder)
    folder.rmdir()
    store = Store.open(home.store)
    app = PaperdeckApp(LIBRARY, home=home, store=store)
    async with app.run_test(size=(120, 40)):
        assert await until(lambda: app.syncs_done >= 1)
        for paper in (FIRST, SECOND):
            app.store.set_star(paper, True)
            done = app.syncs_done
            assert await until(lambda done=done: app.syncs_done > done)
        warnings = [note.message for note in app._notifications if note.title == "Sync"]
        assert len(warnings) == 1 and "no such folder" in warnings[0], warnings
    store.close()
    assert b"star" in (home.root / "sync" / "changes.jsonl").read_bytes()  # waits in the home, kept


async def test_a_word_watched_on_the_other_machine_appears_in_the_open_readers_tree(tmp_path: Path):
    desktop, store, app = laptop_and_desktop(tmp_path)
    try:
        async with app.run_test(size=(120, 40)):
            assert await until(lambda: app.syncs_done >= 1)
            reader = app.screen
            assert reader.reading.groups.watch == []
            save_watch_list(desktop.store, [WatchItem.made("word", "transformer")])
            desktop.syncer.run()
            assert await until(lambda: [item.value for item in reader.reading.groups.watch] == ["transformer"])
            assert await until(lambda: any("transformer" in label for label in tree_labels(reader.query_one(NavTree))))
    finally:
        desktop.close()
        store.close()


async def test_undo_after_another_machine_changed_the_paper_leaves_that_change_alone(tmp_path: Path):
    desktop, store, app = laptop_and_desktop(tmp_path)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            assert await until(lambda: app.syncs_done >= 1)
            reader = app.screen
            papers = reader.query_one(PaperList)
            papers.focus()
            papers.show(list(papers.paper_ids), keep=FIRST)
            await pilot.pause()
            await pilot.press("s")  # starred here
            assert await until(lambda: app.store.paper(FIRST).starred)
            done = app.syncs_done
            assert await until(lambda: app.syncs_done > done and not app._syncing)
            desktop.syncer.run()
            desktop.store.set_note(FIRST, "the desktop's note")
            desktop.syncer.run()
            assert await until(lambda: app.store.paper(FIRST).note == "the desktop's note")
            await pilot.press("u")  # the star's undo would put the paper back whole, note and all
            await pilot.pause()
            assert app.store.paper(FIRST).note == "the desktop's note"
            done = app.syncs_done
            await until(lambda: app.syncs_done > done and not app._syncing, 3)
        desktop.syncer.run()
        assert desktop.store.paper(FIRST).note == "the desktop's note"
    finally:
        desktop.close()
        store.close()


async def test_a_home_without_sync_gets_nothing_made_for_it(tmp_path: Path):
    home = Home(tmp_path / "laptop")
    home.root.mkdir()
    store = Store.open(home.store)
    app = PaperdeckApp(LIBRARY, home=home, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert app.syncer is None
    store.close()
    assert not (home.root / "sync").exists()
