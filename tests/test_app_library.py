"""The app with a watched library and the export command, driven through Pilot."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import COMMENTARY, HF_MAR_06

import tui.ui.app
from tui.home import Home
from tui.library.files import library_files, load_library
from tui.library.watch import LibraryWatch
from tui.model import paper_id
from tui.state.store import Store
from tui.ui.app import PaperdeckApp

FIXTURES = Path(__file__).parent / "fixtures" / "hf-api"
MULTIVERSE = paper_id("Multiverse: Your Language Models Secretly Decide How to Parallelize and Merge Generation")
RPT = paper_id("Reinforcement Pre-Training")


@pytest.fixture
def watched_home(home: Home, monkeypatch) -> Home:
    home.ensure()
    shutil.copy(COMMENTARY, home.library / COMMENTARY.name)
    shutil.copy(HF_MAR_06, home.library / "2026-03-06.txt")
    monkeypatch.setattr(tui.ui.app, "WATCH_SECONDS", 0.05)
    return home


def watched_app(home: Home, store: Store) -> PaperdeckApp:
    watch = LibraryWatch(home)
    files, _ = library_files(home)
    return PaperdeckApp(load_library(files), home=home, store=store, watch=watch)


async def until(pilot, condition, *, polls: int = 200) -> None:
    """Lets the app run until `condition()` holds (the watcher polls in a worker thread)."""
    for _ in range(polls):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the app never got there")


def tree_labels(app) -> list[str]:
    labels = []

    def walk(node):
        for child in node.children:
            labels.append(str(child.label))
            walk(child)

    walk(app.screen.query_one("#nav").root)
    return labels


async def test_a_file_written_while_the_app_runs_appears_where_the_user_was(watched_home, store):
    app = watched_app(watched_home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        papers = app.screen.query_one("#papers")
        await pilot.press(*["j"] * 45)
        await pilot.pause()
        before_id, before_cursor, before_top = papers.current, papers.cursor, papers.scroll_offset.y
        assert before_top > 0  # scrolled: the cursor is below the first screen
        # A day newer than any in the library: its papers come first in the list.
        (watched_home.library / "hf-api-2026-03-07.json").write_bytes((FIXTURES / "2025-06-12.json").read_bytes())
        await until(pilot, lambda: MULTIVERSE in app.screen.library.papers)
        await pilot.pause()
        assert papers.paper_ids[:2] == [MULTIVERSE, paper_id("A Paper the API Knows Little About")]
        # The cursor stays on its paper, at the same row of the screen.
        assert papers.current == before_id and papers.cursor == before_cursor + 2
        assert papers.cursor - papers.scroll_offset.y == before_cursor - before_top
        assert any(label.startswith("2026-03-07  2/2") for label in tree_labels(app))
        assert "All  59" in tree_labels(app)
        messages = [n.message for n in app._notifications]
        assert "hf-api-2026-03-07.json: 2 new paper(s), 59 in all" in messages


async def test_the_filter_stays_and_takes_in_the_new_papers(watched_home, store):
    app = watched_app(watched_home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"parallel", "enter")
        papers = app.screen.query_one("#papers")
        shown = list(papers.paper_ids)
        (watched_home.library / "hf-api-2025-06-12.json").write_bytes((FIXTURES / "2025-06-12.json").read_bytes())
        await until(pilot, lambda: MULTIVERSE in papers.paper_ids)
        assert app.screen.query_one("#filter").value == "parallel"
        assert sorted(papers.paper_ids) == sorted([*shown, MULTIVERSE])


async def test_a_changed_file_is_read_again_and_merges(watched_home, store):
    app = watched_app(watched_home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.library.papers[RPT].arxiv_id is None
        # A text digest rewritten in place (an editor saving it), now citing the paper's arXiv id.
        path = watched_home.library / COMMENTARY.name
        path.write_text(
            path.read_text(encoding="utf-8").replace(
                "verifiable rewards for correctly", "verifiable rewards (arXiv:2506.08007) for correctly"
            ),
            encoding="utf-8",
        )
        await until(pilot, lambda: app.screen.library.papers[RPT].arxiv_id == "2506.08007")
        assert len(app.screen.library) == 57
        assert "https://arxiv.org/abs/2506.08007" in app.screen.library.papers[RPT].links


async def test_export_this_view_from_the_palette(watched_home, store, tmp_path):
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


async def test_the_detail_tells_automatic_tags_and_a_machine_summary_apart(watched_home, store):
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


async def test_many_new_digests_show_a_progress_bar_while_they_are_read(watched_home, store, monkeypatch):
    from tui.ui.widgets.import_progress import ImportProgress

    seen: list[tuple[str, float | None, float]] = []
    for step in ("start", "advance", "finish"):
        real = getattr(ImportProgress, step)

        def spy(self, *args, _real=real, _step=step):
            _real(self, *args)
            bar = self.query_one("ProgressBar")
            seen.append((_step, bar.total, bar.progress))

        monkeypatch.setattr(ImportProgress, step, spy)
    app = watched_app(watched_home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        text = COMMENTARY.read_text(encoding="utf-8")
        while app._polling:  # a look at the folder under way ends first
            await pilot.pause(0.01)
        app._polling = True  # no look at the folder until all twelve are there: they arrive at once
        for day in range(1, 13):
            dated = text.replace("2025년 6월 11일", f"2024년 1월 {day}일")
            (watched_home.library / f"2024-01-{day:02d}.txt").write_text(dated, encoding="utf-8")
        app._polling = False
        await until(pilot, lambda: any(step == "finish" for step, _total, _done in seen), polls=600)
        await pilot.pause()
        assert seen[0] == ("start", 12, 0)
        assert [done for step, _total, done in seen if step == "advance"] == list(range(1, 13))
        assert not app.screen.query_one(ImportProgress).has_class("-active")
        assert any(label.startswith("2024") for label in tree_labels(app))
