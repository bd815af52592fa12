"""The trends screen, driven through Textual's Pilot: Y in the reader, a line chosen, its view shown."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

from conftest import COMMENTARY, HF_MAR_06
from test_reader import make_app, paper_list, screen_rows

from tui.groups import watch_key
from tui.library.files import load_library
from tui.library.merge import Library
from tui.state.user_lists import WatchItem, save_watch_list
from tui.trends import trends_job
from tui.ui.app import PaperdeckApp
from tui.ui.screens.reader import ReaderScreen
from tui.ui.screens.trends import TrendList, TrendsScreen
from tui.views import ALL, ViewKey

LIBRARY = load_library([COMMENTARY, HF_MAR_06])
WORD = re.compile(r"(?<!\w)reasoning")


def searched_text(paper) -> str:
    return " ".join((paper.title, paper.abstract, paper.commentary_ko, paper.commentary_en)).casefold()


def shown(app) -> str:
    return "\n".join(screen_rows(app))


def rows_of(app) -> list[str]:
    trend_list = app.screen.query_one(TrendList)
    return [trend_list.get_option_at_index(at).prompt.plain for at in range(trend_list.option_count)]


async def test_y_lists_the_tags_of_the_year_and_enter_opens_the_highlighted_one(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.focused is paper_list(app)  # where the reader starts, and Y works from
        await pilot.press("Y")
        assert isinstance(app.screen, TrendsScreen)
        lines = app.screen.trends.lines
        tags = sorted(tag for tag, size in LIBRARY.tag_sizes.items() if size >= 3)
        assert tags and sorted(line.key.value for line in lines) == tags
        rows = rows_of(app)
        assert [row.split()[0] for row in rows] == [line.label for line in lines]
        text = shown(app)
        newest = max(LIBRARY.by_date)
        first = newest - timedelta(days=363)
        assert f"{first.isoformat()} … {newest.isoformat()} (newest digest)" in text and "most rising first" in text
        assert all(line.label in text for line in lines)
        await pilot.press("j", "enter")
        chosen = lines[1].key
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.current_view == chosen == ViewKey("tag", chosen.value)
        assert list(paper_list(app).paper_ids) == LIBRARY.by_tag[chosen.value]
        assert app.screen.query_one("#nav").cursor_node.data == chosen  # the tree follows


async def test_a_watched_word_is_a_line_that_opens_its_watched_view(home, store):
    reasoning = WatchItem.made("word", "reasoning")
    save_watch_list(store, [reasoning])
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("Y")
        lines = app.screen.trends.lines
        (at,) = [at for at, line in enumerate(lines) if line.watched]
        assert rows_of(app)[at].startswith("◆ ‘reasoning’")
        for _ in range(at):
            await pilot.press("down")
        await pilot.press("enter")
        assert app.screen.current_view == watch_key(reasoning)
        by_hand = {paper.id for paper in LIBRARY if WORD.search(searched_text(paper))}
        assert by_hand and set(paper_list(app).paper_ids) == by_hand
        assert lines[at].total == len(by_hand)  # the samples are all of one year


async def test_escape_and_q_go_back_to_the_reader_as_it_was(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j", "j")
        before = paper_list(app).current
        for key in ("escape", "q"):
            await pilot.press("Y")
            assert isinstance(app.screen, TrendsScreen)
            await pilot.press(key)
            assert isinstance(app.screen, ReaderScreen)
            assert app.screen.current_view == ALL and paper_list(app).current == before
        assert app.is_running  # q closed the trends, not the app


async def test_a_big_library_is_worked_out_in_a_worker_meanwhile_saying_so(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        job = trends_job(app.screen.reading)
        release = threading.Event()

        def slow_job():
            release.wait(5)
            return job()

        app.push_screen(TrendsScreen(slow_job))
        await pilot.pause()
        assert "Working out the trends…" in shown(app)
        assert not app.screen.query_one(TrendList).display
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Working out the trends…" not in shown(app)
        assert rows_of(app) and app.screen.query_one(TrendList).display


async def test_at_80_columns_two_weeks_share_a_column_and_every_row_fits(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("Y")
        rows = [row.rstrip() for row in screen_rows(app)]
        assert any("2 weeks a column" in row for row in rows)
        lines = app.screen.trends.lines
        for line in lines:
            (row,) = [row for row in rows if row.strip().startswith(line.label)]
            assert row.endswith(line.change_label) and len(row) <= 80


async def test_a_library_without_dates_says_so_in_one_line(home, store):
    app = PaperdeckApp(Library(), home=home, store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("Y")
        assert isinstance(app.screen, TrendsScreen)
        assert "No digest in the library has a date, so there is no year to show." in shown(app)
        assert not app.screen.query_one(TrendList).display


async def test_the_palette_offers_the_trends(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        [command] = [c for c in app.get_system_commands(app.screen) if c.title == "Trends"]
        assert "(key: Y)" in command.help
        app.call_later(command.callback)  # as the palette runs a command
        await pilot.pause()
        assert isinstance(app.screen, TrendsScreen)
