"""The app with a watched library and the export command, driven through Pilot.

The library is opened from its index and watched as `paperdeck` does it: real files in the
home's library folder, the real watcher in the app's worker thread.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import COMMENTARY, HF_MAR_06

import tui.library.watch
from tui.home import Home
from tui.library.files import load_library
from tui.library.opening import open_library
from tui.library.watch import LibraryWatch
from tui.model import arxiv_paper_id, paper_id
from tui.state.store import Store
from tui.ui.app import PaperdeckApp

FIXTURES = Path(__file__).parent / "fixtures" / "hf-api"
MULTIVERSE = arxiv_paper_id("2506.09991")  # Multiverse: Your Language Models Secretly Decide How to ...
RPT = arxiv_paper_id("2506.08007")  # Reinforcement Pre-Training
# The same paper while the commentary digest, its only source here, cites no arXiv id for it.
RPT_BY_TITLE = paper_id("Reinforcement Pre-Training")
# Seconds to wait for the app to take in a change; a loaded machine may be slow.
PATIENCE = 15.0


class Watch(LibraryWatch):
    """The real watch; it also says when it first had word from the watcher and when `changes`
    returned, and can hold a word back."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.heard = threading.Event()
        self.ended = threading.Event()
        self.gate = threading.Event()
        self.gate.set()

    def changes(self) -> Iterator[bool]:
        try:
            for notified in super().changes():
                self.heard.set()
                self.gate.wait()
                yield notified
        finally:
            self.ended.set()


@pytest.fixture
def watched_home(home: Home, monkeypatch) -> Home:
    # A quiet while is reported within a tenth of a second (see `ready`).
    monkeypatch.setattr(tui.library.watch, "CHECK_MS", 100)
    home.ensure()
    shutil.copy(COMMENTARY, home.library / COMMENTARY.name)
    shutil.copy(HF_MAR_06, home.library / "2026-03-06.txt")
    return home


@pytest.fixture
def watched_app(watched_home: Home) -> Iterator[Callable[[Home, Store], PaperdeckApp]]:
    """Makes the app as `paperdeck` starts it; afterwards, checks that its watch ended with it."""
    made: list[Watch] = []

    def make(home: Home, store: Store) -> PaperdeckApp:
        opened = open_library(home)
        watch = Watch(opened)
        made.append(watch)
        return PaperdeckApp(
            opened.library,
            home=home,
            store=store,
            showing_samples=opened.showing_samples,
            watch=watch,
            notices=opened.notices,
        )

    yield make
    for watch in made:
        watch.gate.set()
        ended = watch.ended.wait(PATIENCE)
        watch.opened.close()
        assert watch.stop.is_set() and ended, "the library watch went on after the app"


async def until(pilot, condition, *, seconds: float = PATIENCE) -> None:
    """Lets the app run until `condition()` holds (the watcher runs in a worker thread)."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the app never got there")


async def ready(pilot, app: PaperdeckApp) -> None:
    """Waits for the watcher's first word: from then on, a file written into the library is seen."""
    await until(pilot, app.watch.heard.is_set)


def tree_labels(app) -> list[str]:
    labels = []

    def walk(node):
        for child in node.children:
            labels.append(str(child.label))
            walk(child)

    walk(app.screen.query_one("#nav").root)
    return labels


async def test_a_file_written_while_the_app_runs_appears_where_the_user_was(watched_home, store, watched_app):
    app = watched_app(watched_home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        papers = app.screen.query_one("#papers")
        await pilot.press(*["j"] * 45)
        await pilot.pause()
        before_id, before_cursor, before_top = papers.current, papers.cursor, papers.scroll_offset.y
        assert before_top > 0  # scrolled: the cursor is below the first screen
        await ready(pilot, app)
        # A day newer than any in the library: its papers come first in the list.
        (watched_home.library / "hf-api-2026-03-07.json").write_bytes((FIXTURES / "2025-06-12.json").read_bytes())
        await until(pilot, lambda: MULTIVERSE in app.screen.library.papers)
        await pilot.pause()
        assert papers.paper_ids[:2] == [MULTIVERSE, arxiv_paper_id("2506.10000")]  # A Paper the API Knows Little About
        # The cursor stays on its paper, at the same row of the screen.
        assert papers.current == before_id and papers.cursor == before_cursor + 2
        assert papers.cursor - papers.scroll_offset.y == before_cursor - before_top
        assert any(label.startswith("2026-03-07  2/2") for label in tree_labels(app))
        assert "All  59" in tree_labels(app)
        said = [(n.title, n.message) for n in app._notifications]
        assert ("Library updated", "hf-api-2026-03-07.json: 2 new paper(s), 59 in all") in said
        assert app.library is app.screen.library and len(app.library) == 59


async def test_the_filter_stays_and_takes_in_the_new_papers(watched_home, store, watched_app):
    app = watched_app(watched_home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"parallel", "enter")
        papers = app.screen.query_one("#papers")
        shown = list(papers.paper_ids)
        await ready(pilot, app)
        (watched_home.library / "hf-api-2025-06-12.json").write_bytes((FIXTURES / "2025-06-12.json").read_bytes())
        await until(pilot, lambda: MULTIVERSE in papers.paper_ids)
        assert app.screen.query_one("#filter").value == "parallel"
        assert sorted(papers.paper_ids) == sorted([*shown, MULTIVERSE])


async def test_a_watched_word_counts_the_papers_of_a_digest_that_arrives(watched_home, store, watched_app):
    from tui.state.user_lists import WatchItem, save_watch_list

    save_watch_list(store, [WatchItem.made("word", "parallelize")])
    app = watched_app(watched_home, store)
    async with app.run_test(size=(120, 40)) as pilot:

        def counted() -> list[str]:  # the item's label once its papers are worked out: `unread/total`
            return [label for label in tree_labels(app) if label.startswith("‘parallelize’  ") and "/" in label]

        await until(pilot, counted)
        [before] = counted()
        await ready(pilot, app)
        # Multiverse: "... Secretly Decide How to Parallelize and Merge Generation".
        (watched_home.library / "hf-api-2025-06-12.json").write_bytes((FIXTURES / "2025-06-12.json").read_bytes())
        await until(pilot, lambda: MULTIVERSE in app.screen.library.papers)
        await until(pilot, lambda: counted() and before not in tree_labels(app))
        [after] = counted()
        unread, total = (int(n) for n in before.split()[-1].split("/"))
        assert after == f"‘parallelize’  {unread + 1}/{total + 1}"


async def test_a_changed_file_is_read_again_and_merges(watched_home, store, watched_app):
    app = watched_app(watched_home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.library.papers[RPT_BY_TITLE].arxiv_id is None and RPT not in app.library.papers
        await ready(pilot, app)
        # A text digest rewritten in place (an editor saving it), now citing the paper's arXiv id.
        path = watched_home.library / COMMENTARY.name
        path.write_text(
            path.read_text(encoding="utf-8").replace(
                "verifiable rewards for correctly", "verifiable rewards (arXiv:2506.08007) for correctly"
            ),
            encoding="utf-8",
        )
        await until(pilot, lambda: RPT in app.screen.library.papers)
        assert app.screen.library.papers[RPT].arxiv_id == "2506.08007"
        # Known by its arXiv id now: the paper's id is the arXiv one, and the title's is gone.
        assert len(app.screen.library) == 57 and RPT_BY_TITLE not in app.screen.library.papers
        assert "https://arxiv.org/abs/2506.08007" in app.screen.library.papers[RPT].links
        updates = [n.message for n in app._notifications if n.title == "Library updated"]
        # Written in place, the file may be seen half-written first (a loaded machine): then one
        # notice says fewer papers and the next says them back. The last notice tells the end.
        assert updates[-1].startswith(f"{COMMENTARY.name}: ") and updates[-1].endswith(", 57 in all")


async def test_export_this_view_from_the_palette(watched_home, store, tmp_path, watched_app):
    app = watched_app(watched_home, store)
    target = tmp_path / "view.bib"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"tag:rl", "enter")
        app.action_export_view()
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")  # Markdown, JSON, CSV, BibTeX
        await pilot.pause()
        field = app.screen.query_one("Input")
        field.value = str(target)
        await pilot.press("enter")
        await until(pilot, target.exists)
        await until(pilot, lambda: any("Exported" in n.message for n in app._notifications))
    text = target.read_text(encoding="utf-8")
    assert text.count("@misc{") == 3
    assert "dong2025reinforcement" in text
    assert f"Exported 3 paper(s) to {target}" in [n.message for n in app._notifications]


async def test_the_detail_tells_automatic_tags_and_a_machine_summary_apart(watched_home, store, watched_app):
    shutil.copy(FIXTURES / "2025-06-11.json", watched_home.library / "hf-api-2025-06-11.json")
    app = watched_app(watched_home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"test-time registers", "enter")
        text = app.screen.query_one("#detail").text
        assert (
            "#vit #transformer \nautomatic: ~vision-transformers ~high-norm-tokens ~register-neurons ~test-time-registers\n"
            in text
        )
        assert "Commentary (Korean)\nViT의 아웃라이어" in text
        assert "Summary (English, machine-written)\nShifting high-norm activations" in text
        assert "https://arxiv.org/abs/2506.08010" in text


def test_a_card_of_a_paper_only_the_api_knows_shows_the_machine_summary_on_its_back():
    from tui.state.paper_state import PaperState
    from tui.ui.widgets.flashcard import render_back

    library = load_library([FIXTURES / "2025-06-12.json"])
    back = render_back(library.papers[MULTIVERSE], PaperState(), "ko").plain
    assert back == "Summary (English, machine-written)\nMultiverse lets a language model generate in parallel natively."


async def test_many_new_digests_show_a_progress_bar_while_they_are_read(watched_home, store, watched_app, monkeypatch):
    from tui.ui.widgets.import_progress import ImportProgress

    seen: list[tuple[int, int, str, float | None, float, bool]] = []
    real = ImportProgress.show

    def spy(self, doing: str, done: int, total: int) -> None:
        real(self, doing, done, total)
        bar = self.query_one("ProgressBar")
        label = str(self.query_one("Label").render())
        seen.append((done, total, label, bar.total, bar.progress, self.has_class("-active")))

    monkeypatch.setattr(ImportProgress, "show", spy)
    app = watched_app(watched_home, store)
    app.watch.gate.clear()  # no change is taken in until all twelve are there: they arrive at once
    async with app.run_test(size=(120, 40)) as pilot:
        text = COMMENTARY.read_text(encoding="utf-8")
        for day in range(1, 13):
            dated = text.replace("2025년 6월 11일", f"2024년 1월 {day}일")
            (watched_home.library / f"2024-01-{day:02d}.txt").write_text(dated, encoding="utf-8")
        app.watch.gate.set()
        await until(pilot, lambda: bool(seen) and seen[-1][0] == -1)
        await pilot.pause()
        # A step per digest read and one for merging their papers, then the bar goes.
        assert [done for done, *_ in seen] == [*range(1, 14), -1]
        assert all(total == 13 for done, total, *_ in seen if done >= 0)
        assert seen[0] == (1, 13, "Reading new digests", 13, 1, True)
        assert seen[-2] == (13, 13, "Reading new digests", 13, 13, True)
        assert not seen[-1][-1] and not app.screen.query_one(ImportProgress).has_class("-active")
        assert any(label.startswith("2024") for label in tree_labels(app))


async def test_a_few_new_digests_show_no_progress_bar(watched_home, store, watched_app, monkeypatch):
    from tui.ui.widgets.import_progress import ImportProgress

    seen: list[int] = []
    monkeypatch.setattr(ImportProgress, "show", lambda self, doing, done, total: seen.append(done))
    app = watched_app(watched_home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        shutil.copy(FIXTURES / "2025-06-11.json", watched_home.library / "hf-api-2025-06-11.json")
        await until(pilot, lambda: any(n.title == "Library updated" for n in app._notifications))
        assert seen == []


async def test_a_refresh_that_fails_is_told_and_the_watch_goes_on(watched_home, store, watched_app):
    app = watched_app(watched_home, store)
    opened = app.watch.opened
    real_refresh = opened.refresh
    failures = []

    def refresh_failing_once(progress=None):
        if not failures:
            failures.append(True)
            raise OSError(5, "Input/output error")
        return real_refresh(progress)

    opened.refresh = refresh_failing_once
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        (watched_home.library / "hf-api-2025-06-12.json").write_bytes((FIXTURES / "2025-06-12.json").read_bytes())
        await until(pilot, lambda: MULTIVERSE in app.screen.query_one("#papers").paper_ids)
        said = [n.message for n in app._notifications]
        assert "Could not read the library's changes: [Errno 5] Input/output error" in said
        assert "hf-api-2025-06-12.json: 2 new paper(s), 59 in all" in said


async def test_a_folder_of_notes_linked_from_the_palette_joins_the_library(watched_home, store, watched_app, tmp_path):
    from test_linked import REGISTERS_ID, make_vault

    vault = make_vault(tmp_path / "vault")
    app = watched_app(watched_home, store)
    registers = REGISTERS_ID
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        app.action_link_folder()
        await pilot.pause()
        for char in str(vault):
            await pilot.press(char)
        await pilot.press("enter")
        await until(pilot, lambda: registers in app.screen.query_one("#papers").paper_ids)
        said = [n.message for n in app._notifications]
        assert f"{vault}: its notes are read in a moment. Nothing in it is written to." in said
        assert "230302 RingAttn.md, 250611 Sparse Registers.md: 2 new paper(s), 59 in all" in said
        assert app.watch.linked() == [vault]
