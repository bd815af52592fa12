"""Triage and the reader's new keys, driven through Textual's Pilot: keys in, screen and store out."""

from __future__ import annotations

import pytest
from conftest import COMMENTARY, HF_MAR_06
from test_reader import detail_text, make_app, paper_list, screen_rows, tree_labels

from tui.state.store import Store
from tui.state.user_lists import SavedView, WatchItem, save_saved_views, save_watch_list
from tui.ui.screens.triage import TriageScreen
from tui.views import LATER, NEW, STARRED, UNREAD


def card_text(app) -> str:
    return app.screen.query_one("#card").text


def sub_title(app) -> str:
    return app.screen.sub_title


async def test_triage_goes_through_the_unread_papers_one_key_each(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        listed = list(paper_list(app).paper_ids)
        library = app.screen.library
        await pilot.press("T")
        assert isinstance(app.screen, TriageScreen)
        assert f"1 / {len(listed)}" in sub_title(app)
        assert card_text(app).startswith(library.papers[listed[0]].title)
        await pilot.press("s")  # star: starred, read, and on to the next
        assert store.paper(listed[0]).starred and store.paper(listed[0]).read
        assert store.card_document(listed[0]) is not None  # stars make cards by default
        assert f"2 / {len(listed)}" in sub_title(app) and card_text(app).startswith(library.papers[listed[1]].title)
        await pilot.press("r")
        assert store.paper(listed[1]).read and not store.paper(listed[1]).starred
        await pilot.press("space")
        assert store.paper(listed[2]).read
        await pilot.press("l")  # kept for later: unread, in the Later view
        assert store.paper(listed[3]).later and not store.paper(listed[3]).read
        assert f"5 / {len(listed)}" in sub_title(app)
        assert "1 starred, 1 kept for later, 2 read" in sub_title(app)


async def test_each_undo_takes_back_one_step_and_steps_back_to_its_paper(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        listed = list(paper_list(app).paper_ids)
        library = app.screen.library
        await pilot.press("T", "s", "r", "l")
        await pilot.press("u")
        assert not store.paper(listed[2]).later
        assert card_text(app).startswith(library.papers[listed[2]].title) and "3 / " in sub_title(app)
        await pilot.press("u")
        assert not store.paper(listed[1]).read and card_text(app).startswith(library.papers[listed[1]].title)
        await pilot.press("u")
        assert not store.paper(listed[0]).starred and not store.paper(listed[0]).read
        assert store.card_document(listed[0]) is None  # the card the star made goes with it
        assert "1 / " in sub_title(app)
        await pilot.press("u")
        assert any("Nothing to undo" in n.message for n in app._notifications)
        assert "1 / " in sub_title(app)


async def test_tags_and_a_note_in_triage_stay_on_the_paper_and_undo_in_place(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        first = paper_list(app).paper_ids[0]
        await pilot.press("T", "t", *"mine", "enter")
        assert store.paper(first).tags == ("mine",) and "1 / " in sub_title(app)
        assert "+mine" in card_text(app)
        await pilot.press("n", *"worth a look", "ctrl+s")
        assert store.paper(first).note == "worth a look" and "Your note" in card_text(app)
        await pilot.press("r", "u")  # takes back the read, back on the paper
        assert "1 / " in sub_title(app) and not store.paper(first).read
        await pilot.press("u")  # then the note, staying put
        assert store.paper(first).note == "" and "1 / " in sub_title(app)


async def test_moving_without_deciding_and_the_summary_at_the_end(home, store):
    app = make_app(home, store, [COMMENTARY])
    async with app.run_test(size=(120, 40)) as pilot:
        listed = list(paper_list(app).paper_ids)
        await pilot.press("T", "j", "k", "k")  # k at the first paper stays there
        assert "1 / " in sub_title(app)
        await pilot.press("s")
        for _ in listed[1:]:
            await pilot.press("r")
        assert "done" in sub_title(app)
        assert "Triage done" in card_text(app) and f"1 starred, 0 kept for later, {len(listed) - 1} read" in card_text(
            app
        )
        await pilot.press("enter")  # into the starred ones
        assert app.screen.current_view == STARRED
        assert paper_list(app).current == listed[0]
        assert paper_list(app).paper_ids == [listed[0]]
        assert "0 unread · 1 starred" in sub_title(app)


async def test_leaving_triage_shows_the_reader_up_to_date(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        listed = list(paper_list(app).paper_ids)
        await pilot.press("T", "r", "r", "l", "escape")
        assert not isinstance(app.screen, TriageScreen)
        assert f"{len(listed) - 2} unread" in sub_title(app)
        assert any(label.startswith("Later  1") for label in tree_labels(app))
        rows = screen_rows(app)
        marks = [row for row in rows if app.screen.library.papers[listed[0]].title[:30] in row]
        assert marks and "●" not in marks[0]  # read rows lose their unread dot
        app.screen.show_view(LATER)
        await pilot.pause()
        assert paper_list(app).paper_ids == [listed[2]]
        await pilot.press("T")  # the Later view's triage goes through the papers kept for later
        assert "1 / 1" in sub_title(app)
        await pilot.press("r")
        assert not store.paper(listed[2]).later and store.paper(listed[2]).read


async def test_triage_leaves_out_read_papers_and_says_when_there_is_nothing(home, store):
    app = make_app(home, store, [COMMENTARY])
    async with app.run_test(size=(120, 40)) as pilot:
        listed = list(paper_list(app).paper_ids)
        store.mark_read_many(listed[1:])
        app.screen.catch_up()
        await pilot.press("T")
        assert "1 / 1" in sub_title(app)
        await pilot.press("r", "escape", "T")
        assert not isinstance(app.screen, TriageScreen)
        assert any("Nothing to triage here" in n.message for n in app._notifications)


async def test_a_read_only_store_stops_triage_on_the_paper_with_a_message(home, store):
    second = Store.open(home.store)
    app = make_app(home, second)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("T", "s")
        assert "1 / " in sub_title(app)
        assert any(n.message.startswith("read-only") for n in app._notifications)
    second.close()


async def test_later_and_language_keys_in_the_reader(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        current = paper_list(app).current
        await pilot.press("l")
        assert store.paper(current).later and not store.paper(current).read
        await pilot.press("l")
        assert not store.paper(current).later
        await pilot.press("G", "L")
        assert "Commentary (English)" in detail_text(app)


async def test_sort_key_orders_the_view_and_remembers_it_per_view(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        papers = app.screen.library.papers
        await pilot.press("O")  # upvotes
        ids = list(paper_list(app).paper_ids)
        votes = [papers[i].upvotes if papers[i].upvotes is not None else -1 for i in ids]
        assert votes == sorted(votes, reverse=True) and "by upvotes" in sub_title(app)
        assert any("▲" in row for row in screen_rows(app))
        await pilot.press("O")  # title
        titles = [papers[i].title.casefold() for i in paper_list(app).paper_ids]
        assert titles[0] <= titles[-1] and "by title" in sub_title(app)
        app.screen.show_view(UNREAD)
        await pilot.pause()
        assert "by" not in sub_title(app).split("·")[1]  # another view keeps its own (date) order
    second = make_app(home, store)
    async with second.run_test(size=(120, 40)):
        assert "by title" in sub_title(second)


async def test_watching_an_author_marks_their_papers_in_the_list_and_the_tree(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        papers, listed = app.screen.library.papers, paper_list(app).paper_ids
        paper_list(app).cursor = next(n for n, i in enumerate(listed) if papers[i].authors)
        author = papers[paper_list(app).current].authors[0]
        await pilot.press("w", "enter")  # the first choice: its first author
        groups = app.screen.reading.groups
        assert groups.watch == [WatchItem.made("author", author)]
        await pilot.pause()
        assert any(label.startswith(f"{author}  ") for label in tree_labels(app))
        assert "◆ watched: " + author in detail_text(app)
        assert any("◆" in row for row in screen_rows(app))
    store.close()
    reopened = Store.open(home.store)
    assert [d["value"] for d in reopened.documents("watched")] == [author]
    reopened.close()


async def test_saved_views_land_in_the_tree_and_number_keys_jump_to_them(home, store):
    save_watch_list(store, [])
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"tag:rl", "enter", "B")
        await pilot.press("end", "ctrl+u", *"RL papers", "enter")
        assert [view.name for view in app.screen.reading.groups.saved] == ["RL papers"]
        await pilot.pause()
        assert any(label.startswith("1 RL papers  ") for label in tree_labels(app))
        rl = list(paper_list(app).paper_ids)
        app.screen.show_view(UNREAD)
        await pilot.press("1")
        assert app.screen.current_view.kind == "saved" and paper_list(app).paper_ids == rl
        await pilot.press("2")
        assert any("No saved view 2" in n.message for n in app._notifications)


async def test_a_saved_views_unread_count_follows_each_change(home, store):
    save_saved_views(store, [SavedView("RL", "tag:rl")])
    app = make_app(home, store, [COMMENTARY])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        [label] = [label for label in tree_labels(app) if label.startswith("1 RL")]
        unread, total = (int(n) for n in label.split()[-1].split("/"))
        assert unread == total > 0
        await pilot.press("1", "r")
        assert any(label == f"1 RL  {unread - 1}/{total}" for label in tree_labels(app))


async def test_hiding_papers_seen_before_and_the_new_view(home, store):
    app = make_app(home, store, [COMMENTARY, HF_MAR_06])
    async with app.run_test(size=(120, 40)) as pilot:
        views = app.screen.views
        everything = len(paper_list(app).paper_ids)
        await pilot.press("H")
        shown = list(paper_list(app).paper_ids)
        seen = views.first_seen
        assert all(seen[i] == max(app.screen.library.papers[i].digest_dates) for i in shown)
        assert "seen before hidden" in sub_title(app) and len(shown) <= everything
        await pilot.press("H")
        assert len(paper_list(app).paper_ids) == everything
        assert any(label.startswith(f"New  {len(views.new_ids)}") for label in tree_labels(app))


async def test_backslash_hides_the_tree_and_widens_the_list(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        width = paper_list(app).size.width
        await pilot.press("backslash")
        assert app.screen.has_class("-no-tree") and not app.screen.query_one("#nav").display
        await pilot.pause()
        assert paper_list(app).size.width > width + 20
        await pilot.press("backslash")
        await pilot.pause()
        assert paper_list(app).size.width == width


@pytest.mark.parametrize("size", [(120, 40), (160, 40)])
async def test_a_sixty_character_title_shows_whole_in_its_row(home, store, size):
    app = make_app(home, store)
    async with app.run_test(size=size) as pilot:
        papers, listed = app.screen.library.papers, paper_list(app).paper_ids
        paper_list(app).cursor = next(n for n, i in enumerate(listed) if 58 <= len(papers[i].title) <= 60)
        await pilot.pause()
        paper = papers[paper_list(app).current]
        # In its row, whole and then the date (the screenshot's text runs its spaces together).
        assert any(f"{paper.title}{paper.digest_dates[-1]}" in row for row in screen_rows(app))


async def test_o_in_triage_opens_the_papers_link(home, store, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("T", "o")  # the newest paper of the HF page has one web link: no question
        assert opened == ["https://github.com/Junjie-Ye/TL-Training"]
        assert isinstance(app.screen, TriageScreen) and "1 / " in sub_title(app)
        await pilot.press("r", "o")  # the next one has none: said, and nothing opened
        assert any("no web link" in n.message for n in app._notifications) and len(opened) == 1


async def test_saved_views_are_renamed_and_removed_from_the_palette(home, store):
    save_saved_views(store, [SavedView("RL", "tag:rl"), SavedView("Unread", "unread")])
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        commands = {c.title: c.callback for c in app.get_system_commands(app.screen)}
        app.call_later(commands["Rename a saved view…"])
        await pilot.pause()
        await pilot.press("enter", "end", "ctrl+u", *"Reinforcement", "enter")  # the first view
        await pilot.pause()
        assert [v.name for v in app.screen.reading.groups.saved] == ["Reinforcement", "Unread"]
        assert any(label.startswith("1 Reinforcement  ") for label in tree_labels(app))
        assert app.screen.current_view.value == "Reinforcement"
        app.call_later(commands["Remove a saved view…"])
        await pilot.pause()
        await pilot.press("enter", "y")
        await pilot.pause()
        assert [v.name for v in app.screen.reading.groups.saved] == ["Unread"]
        assert app.screen.current_view.kind == "view"  # the view shown was the one removed
        assert any(label.startswith("1 Unread  ") for label in tree_labels(app))
    assert [d["name"] for d in store.documents("views")] == ["Unread"]


async def test_the_watch_list_stops_watching_an_item(home, store):
    save_watch_list(store, [WatchItem.made("word", "reasoning"), WatchItem.made("tag", "rl")])
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert any(label.startswith("‘reasoning’  ") for label in tree_labels(app))
        await pilot.press("W", "enter")  # the first choice: stop watching ‘reasoning’
        await pilot.pause()
        assert app.screen.reading.groups.watch == [WatchItem.made("tag", "rl")]
        assert not any(label.startswith("‘reasoning’") for label in tree_labels(app))
        assert any(label.startswith("#rl  ") and "/" in label for label in tree_labels(app))  # unread/total


async def test_backslash_on_a_narrow_screen_shows_the_tree_in_place_of_the_list(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(80, 24)) as pilot:
        nav = app.screen.query_one("#nav")
        assert not nav.display and paper_list(app).has_focus
        await pilot.press("backslash")
        assert nav.display and nav.has_focus and not app.screen.query_one("#reading").display
        await pilot.press("backslash")
        assert not nav.display and paper_list(app).has_focus


async def test_stopping_watching_the_item_shown_goes_back_to_all(home, store):
    save_watch_list(store, [WatchItem.made("tag", "rl")])
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        key = app.screen.reading.groups.keys()[0]
        app.screen.go_to_view(key)
        await pilot.pause()
        assert app.screen.current_view == key and paper_list(app).paper_ids
        await pilot.press("W", "enter")  # stop watching #rl
        await pilot.pause()
        assert app.screen.reading.groups.watch == []
        assert app.screen.current_view.label == "All" and paper_list(app).paper_ids
        app.screen.go_to_view(NEW)  # the New view has no filter that says it
        await pilot.press("B")
        assert any("cannot be saved as a filter" in n.message for n in app._notifications)
