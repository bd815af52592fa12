"""The app opens on a library: through Textual's Pilot, as a terminal would run it."""

from __future__ import annotations

from conftest import COMMENTARY

from tui.home import Home
from tui.library.files import library_files, load_library
from tui.state.store import Store
from tui.ui.app import PaperdeckApp


async def test_empty_home_opens_on_the_samples_and_says_how_to_add_digests(home: Home, store: Store):
    files, showing_samples = library_files(home)
    app = PaperdeckApp(load_library(files), home=home, store=store, showing_samples=showing_samples)
    async with app.run_test(size=(120, 40)) as pilot:
        papers = app.screen.query_one("#papers")
        assert len(papers.paper_ids) == 176
        [note] = [n.message for n in app._notifications]
        assert "paperdeck add PATH" in note and str(home.library) in note
        await pilot.press("q")
    assert app.return_code == 0


async def test_own_library_has_no_sample_note(home: Home, store: Store):
    app = PaperdeckApp(load_library([COMMENTARY]), home=home, store=store)
    async with app.run_test() as pilot:
        assert len(app.screen.query_one("#papers").paper_ids) == 8
        assert not app._notifications
        await pilot.press("q")


async def test_app_tells_where_a_damaged_store_was_moved(home: Home):
    home.root.mkdir(parents=True)
    home.store.write_bytes(b"not json")
    store = Store.open(home.store)
    app = PaperdeckApp(load_library([COMMENTARY]), home=home, store=store)
    async with app.run_test() as pilot:
        messages = [n.message for n in app._notifications]
        assert any(f"it is kept as {store.report.moved_aside}" in m for m in messages)
        await pilot.press("q")
    store.close()


async def test_app_reports_a_failed_save_and_its_recovery(home: Home, full_disk):
    full_disk(1)
    store = Store.open(home.store)
    app = PaperdeckApp(load_library([COMMENTARY]), home=home, store=store)
    async with app.run_test() as pilot:
        store.set_star("a", True)
        for _ in range(100):
            await pilot.pause(0.05)
            if len(app._notifications) == 2:
                break
        messages = [n.message for n in app._notifications]
        assert messages == [
            f"cannot save {home.store}: No space left on device; retrying",
            f"saved {home.store} again; nothing was lost",
        ]
        await pilot.press("q")
    assert store.close()
