"""The reader, driven through Textual's Pilot as a user drives it: keys in, screen and store out."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from conftest import COMMENTARY, HF_MAR_06

from tui.home import Home
from tui.library.files import load_library
from tui.model import paper_id
from tui.review.deck import Deck
from tui.state.store import Store
from tui.ui.app import PaperdeckApp
from tui.views import ViewKey

MAGISTRAL = paper_id("Magistral")
VIT = paper_id("Vision Transformers Don't Need Trained Registers")


def make_app(home: Home, store: Store, files: list[Path] | None = None) -> PaperdeckApp:
    return PaperdeckApp(load_library(files or [COMMENTARY, HF_MAR_06]), home=home, store=store)


def paper_list(app):
    return app.screen.query_one("#papers")


def detail_text(app) -> str:
    return app.screen.query_one("#detail").text


def tree_labels(app) -> list[str]:
    tree = app.screen.query_one("#nav")
    labels = []

    def walk(node):
        for child in node.children:
            labels.append(str(child.label))
            walk(child)

    walk(tree.root)
    return labels


def screen_rows(app) -> list[str]:
    """The screen as the terminal shows it, one string per row, from a screenshot."""
    svg = app.export_screenshot()
    rows: dict[str, list[str]] = {}
    for y, content in re.findall(r'<text[^>]*\by="([\d.]+)"[^>]*>(.*?)</text>', svg, re.S):
        rows.setdefault(y, []).append(html.unescape(content).replace("\xa0", " "))
    return ["".join(parts) for _y, parts in sorted(rows.items(), key=lambda item: float(item[0]))]


async def test_moving_the_cursor_shows_each_paper_in_the_detail(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        papers = paper_list(app)
        assert papers.paper_ids[0] == paper_id(
            "TL-Training: A Task-Feature-Based Framework for Training Large Language Models in Tool Use"
        )
        await pilot.press("j", "j")
        assert papers.cursor == 2
        assert detail_text(app).startswith(app.library.papers[papers.current].title)
        await pilot.press("G")
        assert papers.cursor == len(papers.paper_ids) - 1 and papers.current == MAGISTRAL
        assert "Commentary (Korean)\nMistral의 추론 모델." in detail_text(app)
        await pilot.press("g")
        assert papers.cursor == 0
        await pilot.press("pagedown")
        assert papers.cursor > 10


async def test_r_toggles_read_and_every_count_follows(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        first = paper_list(app).current
        await pilot.press("r")
        assert store.paper(first).read
        assert "56 unread" in app.screen.sub_title
        assert "Unread  56" in tree_labels(app)
        assert "2026-03-06  48/49" in tree_labels(app)
        await pilot.press("r")
        assert not store.paper(first).read
        assert "Unread  57" in tree_labels(app)


async def test_the_tree_repaints_the_counts_of_a_day_its_month_and_year_after_r(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "2026-03-06  49/49" in "\n".join(screen_rows(app))  # the tree painted before the key
        await pilot.press("r")
        shown = "\n".join(screen_rows(app))
        for label in ("Unread  56", "2026  48/49", "March  48/49", "2026-03-06  48/49"):
            assert label in shown, f"the tree shows an old count where {label!r} belongs:\n{shown}"


async def test_s_stars_and_u_undoes_the_last_change(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        first = paper_list(app).current
        await pilot.press("s")
        assert store.paper(first).starred
        assert "★ starred" in detail_text(app)
        assert "Starred  1" in tree_labels(app)
        await pilot.press("u")
        assert not store.paper(first).starred
        assert "Starred  0" in tree_labels(app)
        assert first not in store.paper_states()


async def test_enter_opens_a_paper_and_marks_it_read_unless_turned_off(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        first = paper_list(app).current
        await pilot.press("enter")
        assert store.paper(first).read
        assert app.focused is app.screen.query_one("#detail")
    store.set_setting("mark_read_on_open", False)
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j", "enter")
        assert not store.paper(paper_list(app).current).read


async def test_l_cycles_the_commentary_language_and_remembers_it(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("G")
        assert "Commentary (Korean)" in detail_text(app) and "Commentary (English)" not in detail_text(app)
        await pilot.press("L")
        assert "Commentary (English)\nMistral's reasoning model." in detail_text(app)
        assert "Commentary (Korean)" not in detail_text(app)
        assert store.setting("commentary_language") == "en"
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("G")
        assert "Commentary (English)" in detail_text(app)
        await pilot.press("L")
        assert "Commentary (Korean)" in detail_text(app) and "Commentary (English)" in detail_text(app)


async def test_paper_without_commentary_shows_its_abstract_with_a_quiet_note(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)):
        text = detail_text(app)
        assert "No commentary for this paper; here is its abstract." in text
        assert "Abstract\nLarge language models (LLMs) achieve remarkable advancements" in text


async def test_slash_filters_as_you_type_and_escape_clears(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash")
        await pilot.press(*"magis")
        assert paper_list(app).paper_ids == [MAGISTRAL]
        await pilot.press("escape")
        assert len(paper_list(app).paper_ids) == 57
        await pilot.press("slash", *"tag:rl unread")
        assert len(paper_list(app).paper_ids) == 3


async def test_a_filter_longer_than_its_field_scrolls_to_keep_the_cursor_in_view(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *("magistral " * 12))
        field = app.screen.query_one("#filter")
        assert field.virtual_size.width > field.scrollable_content_region.width
        assert field.scroll_offset.x > 0
        assert "magistral" in field.render_line(0).text
        await pilot.press("home")
        assert field.scroll_offset.x == 0


async def test_cards_due_show_in_the_header_and_the_tree_once_the_reader_is_up(home, store):
    deck = Deck(store)
    for paper in (MAGISTRAL, VIT):
        deck.add(paper)
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "2 due" in app.screen.sub_title
        assert "Due for review  2" in tree_labels(app)
        app.screen.query_one("#nav").select_key(ViewKey("view", "due"))
        await pilot.pause()
        assert sorted(paper_list(app).paper_ids) == sorted([MAGISTRAL, VIT])


async def test_choosing_tree_nodes_filters_the_list(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.screen.query_one("#nav")
        tree.select_key(ViewKey("tag", "rl"))
        await pilot.pause()
        assert len(paper_list(app).paper_ids) == 3
        tree.select_key(ViewKey("day", "2025-06-11"))
        await pilot.pause()
        assert paper_list(app).paper_ids[0] == VIT and len(paper_list(app).paper_ids) == 8
        await pilot.press("left_square_bracket")
        assert app.screen.current_view == ViewKey("day", "2025-06-11")  # no older day
        await pilot.press("right_square_bracket")
        assert app.screen.current_view == ViewKey("day", "2026-03-06")


async def test_brackets_open_a_month_not_opened_before_with_the_cursor_on_its_day(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.screen.query_one("#nav")
        await pilot.press("left_square_bracket")  # the day of the paper under the cursor
        assert tree.cursor_node.data == ViewKey("day", "2026-03-06")
        await pilot.press("left_square_bracket")  # June 2025: its year and month were closed
        assert app.screen.current_view == ViewKey("day", "2025-06-11")
        assert tree.cursor_node.data == ViewKey("day", "2025-06-11")
        shown = "\n".join(screen_rows(app))
        assert "June  8/8" in shown and "2025-06-11  8/8" in shown
        assert len(paper_list(app).paper_ids) == 8


async def test_the_tree_measures_each_line_as_wide_as_textual_renders_it(home, store):
    from textual.widgets import Tree

    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.screen.query_one("#nav")
        tree.select_key(ViewKey("day", "2025-06-11"))
        await pilot.pause()
        nodes = [tree.get_node_at_line(line) for line in range(tree.last_line + 1)]
        assert len(nodes) > 20
        assert [tree.get_label_width(node) for node in nodes] == [Tree.get_label_width(tree, node) for node in nodes]


async def test_markup_and_escapes_in_a_title_render_literally(home, store, tmp_path):
    digest = tmp_path / "2025-06-11.txt"
    title = "[bold red]Not red[/] \x1b[2J [CLS] \u202eevil"
    digest.write_text(
        f"2025년 6월 11일\n{title}\n([b]Ann[/b])\nAbstract with [link=x]markup[/link].\n한국어.\nEnglish.\n#tag\n",
        encoding="utf-8",
    )
    app = make_app(home, store, [digest])
    async with app.run_test(size=(200, 40)):
        row = paper_list(app).render_line(0).text
        assert "[bold red]Not red[/] ␛[2J [CLS] <U+202E>evil" in row
        text = detail_text(app)
        assert text.startswith("[bold red]Not red[/] ␛[2J [CLS] <U+202E>evil")
        assert "[b]Ann[/b]" in text and "Abstract with [link=x]markup[/link]." in text


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_layout_adapts_below_100_columns(home, store, size):
    app = make_app(home, store)
    async with app.run_test(size=size):
        narrow = size[0] < 100
        assert app.screen.has_class("-narrow") is narrow
        assert app.screen.query_one("#nav").display is not narrow
        assert paper_list(app).size.height > 0 and app.screen.query_one("#detail").size.height > 0


async def test_t_edits_the_users_tags_which_join_the_tree(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        first = paper_list(app).current
        await pilot.press("t")
        await pilot.press(*"must-read  #RL", "enter")
        assert store.paper(first).tags == ("must-read", "rl")
        assert "+must-read" in detail_text(app)
        assert "#must-read  1" in tree_labels(app) and "#rl  4" in tree_labels(app)
        await pilot.press("t", "escape")  # cancelled: nothing changes
        assert store.paper(first).tags == ("must-read", "rl")
        await pilot.press("u")
        assert store.paper(first).tags == ()


async def test_n_edits_a_multi_line_note(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        first = paper_list(app).current
        await pilot.press("n", *"first line", "enter", *"[b]second[/b]", "ctrl+s")
        assert store.paper(first).note == "first line\n[b]second[/b]"
        assert "Your note\nfirst line\n[b]second[/b]" in detail_text(app)


async def test_c_copies_through_the_terminal_when_there_is_no_system_clipboard(home, store, monkeypatch):
    import pyperclip

    def no_backend(_text):
        raise pyperclip.PyperclipException("no clipboard")

    monkeypatch.setattr(pyperclip, "copy", no_backend)
    app = make_app(home, store)
    copied = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("G", "c", "down", "enter")  # the second choice: Markdown link
        assert copied == ["Magistral"]  # the sample gives Magistral no link: its title alone
        assert "through the terminal (OSC 52" in list(app._notifications)[-1].message
        await pilot.press("g", "c", "down", "enter")
        assert copied[-1] == (
            "[TL-Training: A Task-Feature-Based Framework for Training Large Language Models in Tool Use]"
            "(https://github.com/Junjie-Ye/TL-Training)"
        )


async def test_c_uses_the_system_clipboard_when_there_is_one(home, store, monkeypatch):
    import pyperclip

    copied = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c", "enter")
        assert copied == [app.library.papers[paper_list(app).current].title]
        assert list(app._notifications)[-1].message == "Title copied."


async def test_o_opens_only_http_links_and_never_a_shell(home, store, monkeypatch, tmp_path):
    opened = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    digest = tmp_path / "2025-06-11.txt"
    digest.write_text(
        "2025년 6월 11일\nLinks\n(A B)\nSee file:///etc/passwd and javascript:alert(1) and https://arxiv.org/abs/2506.01234 "
        "and https://github.com/a/b.\n한국어.\nEnglish.\n#x\n",
        encoding="utf-8",
    )
    app = make_app(home, store, [digest])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await pilot.press("enter")
        assert opened == ["https://arxiv.org/abs/2506.01234"]
        await pilot.press("o", "down", "enter")
        assert opened[-1] == "https://github.com/a/b"


async def test_shift_a_marks_the_whole_view_read_after_confirming_and_u_undoes(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.query_one("#nav").select_key(ViewKey("day", "2025-06-11"))
        await pilot.pause()
        await pilot.press("A", "escape")
        assert not any(s.read for s in store.paper_states().values())
        await pilot.press("A", "enter")
        assert sum(s.read for s in store.paper_states().values()) == 8
        assert "2025-06-11  0/8" in tree_labels(app)
        await pilot.press("u")
        assert store.paper_states() == {}


async def test_question_mark_lists_every_key(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        table = app.screen.keys
        described = " ".join(what for _key, what in table)
        for what in ("read / unread", "star / unstar", "Korean ▸ English ▸ both", "filter the view", "undo",
                     "your own tags", "your note", "copy the title", "open a link", "every paper in the view"):  # fmt: skip
            assert what in described
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "ReaderScreen"


async def test_palette_offers_the_reader_actions_and_the_theme_is_remembered(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Star", "Filter", "Copy", "Help"} <= set(titles)
        app.theme = "paperdeck-light"
        await pilot.pause()
    assert store.setting("theme") == "paperdeck-light"
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)):
        assert app.theme == "paperdeck-light"


async def test_long_detail_scrolls_and_resets_for_the_next_paper(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(80, 24)) as pilot:
        detail = app.screen.query_one("#detail")
        assert detail.virtual_size.height > detail.scrollable_content_region.height
        await pilot.press("tab")  # the tree is folded away at 80 columns: the list, then the detail
        assert app.focused is detail
        await pilot.press("pagedown")
        assert detail.scroll_offset.y > 0
        await pilot.press("shift+tab", "j")
        assert detail.scroll_offset.y == 0


async def test_a_read_only_store_says_so_and_changes_nothing(home, store):
    second = Store.open(home.store)  # the fixture's store holds the lock
    assert second.read_only
    app = make_app(home, second)
    async with app.run_test(size=(120, 40)) as pilot:
        first = paper_list(app).current
        await pilot.press("s", "r", "l")
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("read-only: another paperdeck") for m in messages)
        assert not second.paper(first).starred and not store.paper(first).starred
        assert "Abstract" in detail_text(app)  # reading still works
    second.close()


async def test_the_palette_turns_mark_read_on_open_off(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        [command] = [c for c in app.get_system_commands(app.screen) if c.title.startswith("Mark read on open")]
        app.call_later(command.callback)  # as the palette runs a command
        await pilot.pause()
        assert store.setting("mark_read_on_open") is False
        await pilot.press("enter")
        assert not store.paper(paper_list(app).current).read


async def test_click_picks_a_paper_and_double_click_opens_it(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        papers = paper_list(app)
        await pilot.click("#papers", offset=(10, 3))
        assert papers.cursor == 3
        assert not store.paper(papers.current).read
        await pilot.click("#papers", offset=(10, 3), times=2)
        assert store.paper(papers.current).read


async def test_abstracts_from_the_index_are_there_at_the_first_screen(home, store):
    from tui.library.opening import open_library

    home.ensure()
    shutil.copy(COMMENTARY, home.library / COMMENTARY.name)
    shutil.copy(HF_MAR_06, home.library / HF_MAR_06.name)
    open_library(home).close()  # a cold start writes the index
    opened = open_library(home)  # the next start reads the library from it
    try:
        assert not opened.report.changed_anything
        app = PaperdeckApp(opened.library, home=home, store=store)
        async with app.run_test(size=(120, 40)) as pilot:
            assert "Abstract\nLarge language models (LLMs) achieve remarkable advancements" in detail_text(app)
            await pilot.press("slash", *"leveraging tools")  # a word only the abstract holds
            assert paper_list(app).paper_ids == [paper_list(app).current] and len(paper_list(app).paper_ids) == 1
    finally:
        opened.close()


async def test_the_footer_shows_the_keys_of_the_focused_pane(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:

        def shown() -> set[str]:
            return {active.binding.key for active in app.screen.active_bindings.values() if active.binding.show}

        assert {"enter", "r", "s", "t", "A", "slash", "question_mark", "q"} <= shown() and "L" not in shown()
        await pilot.press("tab")  # the detail
        assert {"L", "r", "s", "t", "slash"} <= shown() and "A" not in shown()
        await pilot.press("tab")  # the tree
        assert {"enter", "left_square_bracket", "slash"} <= shown() and "r" not in shown()
        await pilot.press("r")  # paper keys still work from the tree
        assert store.paper(paper_list(app).current).read
        await pilot.press("slash")
        assert shown() == {"enter", "escape"}  # letters are text in the filter
        await pilot.press("escape", "question_mark")
        keys = [key for key, _what in app.screen.keys]
        assert {"r", "s", "l", "L", "T", "O", "t", "n", "c", "o", "A", "/", "?", "q"} <= set(keys)
