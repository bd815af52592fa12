"""Watched items and saved views over the real sample library and a real store; first-seen dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import orjson
import pytest
from conftest import SAMPLES

from tui.groups import Groups, saved_key, view_as_query, watch_key
from tui.library.files import load_library
from tui.model import Paper
from tui.query import QueryError, parse_query
from tui.reading import Reading
from tui.review.deck import Deck
from tui.settings import HIDE_SEEN_BEFORE, ReviewSettings
from tui.state.paper_state import PaperState
from tui.state.store import Store, StoreReadOnly
from tui.state.user_lists import MAX_SAVED_VIEWS, SavedView, WatchItem, saved_views
from tui.views import ALL, DUE, LATER, NEW, STARRED, UNREAD, WATCHED, Group, ViewKey

pytestmark = pytest.mark.usefixtures("utc_zone")  # the deck's review days are UTC days here
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FILES = [
    *sorted(SAMPLES.glob("*.txt")),
    *sorted((FIXTURES / "hf-api").glob("*.json")),
    *sorted((FIXTURES / "vault").glob("*.md")),
]
LIBRARY = load_library(FILES)
MARCH_6, OCTOBER_31 = date(2026, 3, 6), date(2025, 10, 31)
SEEN_AGAIN = [paper.id for paper in LIBRARY if len(paper.digest_dates) > 1]  # Oct 31, then Mar 6


def known_as(title: str) -> str:
    (found,) = [paper.id for paper in LIBRARY if paper.title == title]
    return found


VIT = known_as("Vision Transformers Don't Need Trained Registers")
MAGISTRAL = known_as("Magistral")
RPT = known_as("Reinforcement Pre-Training")  # tagged rl and reasoning


def clock() -> datetime:
    return datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "home" / "store.json"


@pytest.fixture
def store(path: Path):
    opened = Store.open(path)
    yield opened
    opened.close()


def reading_of(store: Store, library=LIBRARY) -> Reading:
    reading = Reading(library, store, Deck(store, ReviewSettings(), clock, enable_fuzzing=False))
    reading.refresh_due()
    return reading


def text_of(paper: Paper) -> str:
    return "\n".join(
        (paper.title, *paper.authors, paper.org or "", paper.abstract, paper.commentary_ko, paper.commentary_en)
    ).casefold()


def holds_word(text: str, needle: str) -> bool:
    folded, at = text.casefold(), text.casefold().find(needle)
    while at >= 0:
        if at == 0 or not (folded[at - 1].isalnum() or folded[at - 1] == "_"):
            return True
        at = folded.find(needle, at + 1)
    return False


def watched_by_hand(item: WatchItem, paper: Paper, state: PaperState) -> bool:
    if item.kind == "word":
        return any(
            holds_word(text, item.value)
            for text in (paper.title, paper.abstract, paper.commentary_ko, paper.commentary_en)
        )
    if item.kind == "author":
        return item.value.casefold() in {" ".join(name.split()).casefold() for name in paper.authors}
    return item.value in paper.tags or item.value in state.tags


WATCH = [WatchItem.made("word", "reasoning"), WatchItem.made("author", "Nick Jiang"), WatchItem.made("tag", "rl")]
# Each saved view's filter, and the same rule written out by hand.
SAVED = {
    "RL to read": ("tag:rl unread", lambda p, s: ("rl" in p.tags or "rl" in s.tags) and not s.read),
    "Starred reasoning": ("reasoning starred", lambda p, s: "reasoning" in text_of(p) and s.starred),
    "June": ("on:2025-06", lambda p, s: any((d.year, d.month) == (2025, 6) for d in p.digest_dates)),
    "Later": ("later", lambda p, s: s.later),
    "Recent LMs": (
        '"language model" after:2025-10-01',
        lambda p, s: "language model" in text_of(p) and any(d >= date(2025, 10, 1) for d in p.digest_dates),
    ),
}


def by_hand(reading: Reading) -> dict[ViewKey, Group]:
    """Every group worked out by a plain scan of the library's papers."""
    papers = LIBRARY.sorted_papers()
    found: dict[ViewKey, set[str]] = {}
    for item in reading.groups.watch:
        found[watch_key(item)] = {p.id for p in papers if watched_by_hand(item, p, reading.state_of(p.id))}
    for view in reading.groups.saved:
        rule = SAVED[view.name][1]
        found[saved_key(view.name)] = {p.id for p in papers if rule(p, reading.state_of(p.id))}
    return {
        key: Group(frozenset(ids), sum(1 for i in ids if not reading.state_of(i).read)) for key, ids in found.items()
    }


def with_groups(reading: Reading) -> Reading:
    for item in WATCH:
        assert reading.groups.add_watch(item)
    for name, (query, _rule) in SAVED.items():
        reading.groups.save_view(name, query)
    return reading


# --- working the groups out -----------------------------------------------------------------------


def test_the_groups_are_those_a_plain_scan_finds(store):
    reading = with_groups(reading_of(store))
    reading.toggle_read(RPT)
    reading.toggle_star(RPT)
    reading.toggle_star(VIT)
    reading.toggle_later(MAGISTRAL)
    reading.set_tags(VIT, "rl")
    groups = reading.work_out_groups()
    assert list(groups) == reading.groups.keys() and len(groups) == len(WATCH) + len(SAVED)
    assert groups == by_hand(reading)
    sizes = {key.value: len(group.ids) for key, group in groups.items()}
    exactly = {"author:Nick Jiang": 1, "tag:rl": 4, "RL to read": 3, "Starred reasoning": 1, "June": 12, "Later": 1}
    assert {name: sizes[name] for name in exactly} == exactly  # tag:rl: three digests' and the user's own on VIT
    assert 20 < sizes["word:reasoning"] < len(LIBRARY) and 0 < sizes["Recent LMs"] < len(LIBRARY)
    assert groups[watch_key(WATCH[2])].ratio == (3, 4)  # RPT is read


def test_a_saved_view_that_cannot_be_read_any_more_has_no_papers(store):
    store.replace_documents(
        "views", [{"name": "Broken", "query": "after:someday"}, {"name": "All rl", "query": "tag:rl"}]
    )
    reading = reading_of(store)
    groups = reading.work_out_groups()
    assert groups[saved_key("Broken")] == Group(frozenset(), 0)
    assert groups[saved_key("All rl")].ratio == (3, 3)


def test_the_groups_follow_each_change(store):
    reading = with_groups(reading_of(store))
    reading.take_groups(reading.work_out_groups())
    groups = reading.views.groups
    assert reading.counts.groups is groups
    rl, rl_to_read, later = watch_key(WATCH[2]), saved_key("RL to read"), saved_key("Later")
    assert RPT in groups[rl].ids and RPT in groups[rl_to_read].ids

    def as_worked_out_again() -> None:
        assert groups == reading.work_out_groups() == by_hand(reading)

    reading.toggle_read(RPT)
    assert groups[rl].ratio == (2, 3)  # the unread count follows; the paper stays watched
    assert RPT not in groups[rl_to_read].ids and groups[rl_to_read].ratio == (2, 2)  # `unread`: it leaves
    as_worked_out_again()
    reading.undo()
    assert groups[rl].ratio == (3, 3) and RPT in groups[rl_to_read].ids and groups[rl_to_read].ratio == (3, 3)
    as_worked_out_again()
    reading.set_tags(VIT, "rl must-read")  # a tag of the user's own: the watched tag and the view gain it
    assert VIT in groups[rl].ids and VIT in groups[rl_to_read].ids and groups[rl].ratio == (4, 4)
    as_worked_out_again()
    reading.toggle_later(MAGISTRAL)
    assert groups[later].ids == {MAGISTRAL}
    reading.toggle_star(VIT)
    assert groups[saved_key("Starred reasoning")].ids == set()  # VIT says nothing of reasoning
    reading.mark_all_read(LIBRARY.by_date[date(2025, 6, 11)])
    assert groups[rl_to_read].ratio == (0, 0) and groups[rl].ratio == (0, 4) and groups[later].ratio == (0, 1)
    as_worked_out_again()
    while reading.undo_stack:
        reading.undo()
    as_worked_out_again()
    assert groups[rl].ratio == (3, 3)


def test_watched_views_list_the_groups_papers_in_date_order(store):
    reading = with_groups(reading_of(store))
    reading.take_groups(reading.work_out_groups())
    for item in WATCH:
        ids = reading.views.ids(watch_key(item))
        assert ids == [i for i in LIBRARY.order if i in set(ids)] and len(ids) == len(
            reading.views.groups[watch_key(item)].ids
        )
    every = set().union(*(reading.views.groups[watch_key(item)].ids for item in WATCH))
    assert reading.views.ids(WATCHED) == [i for i in LIBRARY.order if i in every]
    assert reading.views.ids(saved_key("June")) == [
        *LIBRARY.by_date[date(2025, 6, 12)],
        *LIBRARY.by_date[date(2025, 6, 11)],
    ]
    assert reading.views.ids(saved_key("Not a view")) == []


def test_a_saved_due_view_keeps_a_due_paper_that_changes(store):
    reading = reading_of(store)
    reading.toggle_card(VIT)
    assert VIT in reading.due
    reading.groups.save_view("Due", "due")
    reading.take_groups(reading.work_out_groups())
    assert reading.views.groups[saved_key("Due")].ids == {VIT}
    reading.toggle_read(VIT)
    assert reading.views.groups[saved_key("Due")].ids == {VIT}


# --- the watch list -----------------------------------------------------------------------------


def test_watching_and_unwatching_is_kept_and_survives_reopening(store, path):
    groups = Groups(store)
    assert groups.watch == [] and not groups.watcher
    for item in WATCH:
        assert groups.add_watch(item)
    assert not groups.add_watch(WatchItem.made("tag", "#RL"))  # watched already
    assert not groups.add_watch(WatchItem.made("author", "nick  JIANG"))  # a name matched whatever its case
    assert groups.watch == WATCH and groups.watcher.matches(LIBRARY.papers[VIT], PaperState()) == [WATCH[1]]
    assert groups.remove_watch(WATCH[0]) and not groups.remove_watch(WATCH[0])
    assert groups.keys() == [watch_key(WATCH[1]), watch_key(WATCH[2])]
    assert groups.keys()[0] == ViewKey("watch", "author:Nick Jiang")
    assert store.close()
    again = Store.open(path)
    try:
        assert Groups(again).watch == WATCH[1:]
    finally:
        again.close()


def test_a_read_only_store_changes_no_list(store, path):
    Groups(store).add_watch(WATCH[0])
    Groups(store).save_view("Mine", "starred")
    assert store.flush()  # on disk, for the second paperdeck to read
    second = Store.open(path)
    try:
        assert second.read_only
        groups = Groups(second)
        with pytest.raises(StoreReadOnly):
            groups.add_watch(WATCH[1])
        with pytest.raises(StoreReadOnly):
            groups.remove_watch(WATCH[0])
        with pytest.raises(StoreReadOnly):
            groups.save_view("Other", "unread")
        with pytest.raises(StoreReadOnly):
            groups.rename_view("Mine", "Yours")
        assert groups.watch == [WATCH[0]] and groups.saved == [SavedView("Mine", "starred")]
        assert groups.watcher.items == (WATCH[0],)
    finally:
        second.close()


# --- saved views --------------------------------------------------------------------------------


def on_disk_views(path: Path) -> list[dict]:
    table = orjson.loads(path.read_bytes())["views"]
    return [table[key] for key in sorted(table, key=int)]


def test_saved_views_are_saved_renamed_and_removed_in_store_json(store, path):
    groups = Groups(store)
    assert groups.save_view("  RL   to read ", " tag:rl unread ") == SavedView("RL to read", "tag:rl unread")
    groups.save_view("Starred", "starred")
    groups.save_view("June", "on:2025-06")
    groups.rename_view("Starred", "Favourites")
    groups.remove_view("June")
    groups.save_view("RL to read", "tag:rl")  # the same name again: the view is replaced where it was
    groups.save_view("Later", "later")
    expected = [SavedView("RL to read", "tag:rl"), SavedView("Favourites", "starred"), SavedView("Later", "later")]
    assert groups.saved == expected
    assert store.close()
    assert on_disk_views(path) == [{"name": view.name, "query": view.query} for view in expected]
    again = Store.open(path)
    try:
        reopened = Groups(again)
        assert reopened.saved == expected and saved_views(again) == expected
        assert reopened.keys() == [saved_key("RL to read"), saved_key("Favourites"), saved_key("Later")]
        assert reopened.saved_view("Favourites") == expected[1] and reopened.saved_view("Starred") is None
    finally:
        again.close()


def test_names_and_filters_that_cannot_be_saved_are_refused_and_nothing_changes(store):
    groups = Groups(store)
    groups.save_view("Starred", "starred")
    groups.save_view("Later", "later")
    before = store.documents("views")
    with pytest.raises(ValueError, match="needs a name"):
        groups.save_view("   ", "unread")
    with pytest.raises(QueryError, match="after:someday"):
        groups.save_view("Broken", "after:someday")
    with pytest.raises(ValueError, match="there is a saved view called 'Later' already"):
        groups.rename_view("Starred", "  Later ")
    with pytest.raises(ValueError, match="needs a name"):
        groups.rename_view("Starred", " ")
    assert store.documents("views") == before and [view.name for view in groups.saved] == ["Starred", "Later"]
    groups.rename_view("Starred", "Starred")  # to its own name: nothing to refuse
    assert store.documents("views") == before


def test_there_are_at_most_so_many_saved_views(store):
    groups = Groups(store)
    for number in range(MAX_SAVED_VIEWS):
        groups.save_view(f"View {number}", f"on:{2000 + number}")
    with pytest.raises(ValueError, match=f"there are {MAX_SAVED_VIEWS} saved views already"):
        groups.save_view("One more", "unread")
    groups.save_view("View 5", "starred")  # replacing one is still fine
    assert len(groups.saved) == MAX_SAVED_VIEWS and groups.saved[5] == SavedView("View 5", "starred")
    assert len(Groups(store).saved) == MAX_SAVED_VIEWS


def test_a_hand_edited_list_of_views_keeps_what_makes_sense(store):
    store.replace_documents(
        "views",
        [
            {"name": "Good", "query": "unread"},
            {"name": "  ", "query": "unread"},
            {"name": 7, "query": "unread"},
            {"name": "No query"},
            {"name": "Good", "query": "starred"},  # a name taken already
            {"name": "Empty", "query": ""},
        ],
    )
    assert saved_views(store) == [SavedView("Good", "unread"), SavedView("Empty", "")]


def test_the_first_nine_saved_views_are_numbered(store):
    groups = Groups(store)
    groups.save_view("One", "unread")
    groups.save_view("Two", "starred")
    assert groups.numbered(1) == saved_key("One") and groups.numbered(2) == saved_key("Two")
    assert groups.numbered(3) is None and groups.numbered(0) is None
    for number in range(3, 12):
        groups.save_view(f"View {number}", "later")
    assert [groups.numbered(number) for number in range(1, 10)] == [saved_key(view.name) for view in groups.saved[:9]]
    assert groups.numbered(9) == saved_key("View 9") and groups.numbered(10) is None and groups.numbered(-1) is None


# --- a view as filter words ----------------------------------------------------------------------


def test_a_view_as_filter_words():
    assert view_as_query(ViewKey("tag", "rl")) == "tag:rl"
    assert view_as_query(ViewKey("day", "2025-06-11")) == "on:2025-06-11"
    assert view_as_query(ViewKey("month", "2025-10")) == "on:2025-10"
    assert view_as_query(ViewKey("year", "2026")) == "on:2026"
    assert [view_as_query(key) for key in (UNREAD, STARRED, LATER, DUE)] == ["unread", "starred", "later", "due"]
    assert [view_as_query(key) for key in (ALL, NEW, WATCHED, saved_key("Mine"))] == ["", "", "", ""]


def test_a_view_as_filter_words_picks_the_views_papers_out_of_all(store):
    reading = reading_of(store)
    reading.toggle_read(RPT)
    reading.toggle_read(VIT)
    reading.toggle_star(VIT)
    reading.toggle_later(MAGISTRAL)
    reading.set_tags(MAGISTRAL, "must-read")
    keys = [
        ViewKey("tag", "rl"),
        ViewKey("tag", "reasoning"),
        ViewKey("tag", "must-read"),
        ViewKey("day", "2025-06-11"),
        ViewKey("day", "2025-10-31"),
        ViewKey("month", "2025-06"),
        ViewKey("year", "2026"),
        UNREAD,
        STARRED,
        LATER,
        ALL,
    ]
    for key in keys:
        picked = reading.matcher.filter(LIBRARY.order, parse_query(view_as_query(key)))
        assert sorted(picked) == sorted(reading.views.ids(key)), key
        assert picked, key
    # A filter typed over a tag view is kept with the tag.
    query = parse_query(f"{view_as_query(ViewKey('tag', 'rl'))} unread")
    assert reading.matcher.filter(LIBRARY.order, query) == [
        i for i in reading.views.ids(ViewKey("tag", "rl")) if i != RPT
    ]


# --- first seen, the New and Later views ---------------------------------------------------------


def test_first_seen_and_the_new_view_against_the_papers_digest_dates(store):
    reading = reading_of(store)
    views = reading.views
    assert views.first_seen == {paper.id: min(paper.digest_dates) for paper in LIBRARY}
    assert views.newest_seen == {paper.id: max(paper.digest_dates) for paper in LIBRARY}
    assert len(SEEN_AGAIN) == 2 and all(views.first_seen[i] == OCTOBER_31 for i in SEEN_AGAIN)
    expected_new = [i for i in LIBRARY.by_date[MARCH_6] if min(LIBRARY.papers[i].digest_dates) == MARCH_6]
    assert views.new_ids == expected_new == views.ids(NEW)
    assert len(expected_new) == len(LIBRARY.by_date[MARCH_6]) - 2 == 47
    assert reading.counts.new == 0  # worked out after the first screen
    reading.count_new()
    assert reading.counts.new == reading.counts.of_view(NEW) == 47
    reading.toggle_read(expected_new[0])
    assert reading.counts.new == 47  # a count of papers, read or not


def test_unseen_leaves_out_papers_seen_on_an_earlier_day(store):
    views = reading_of(store).views
    dates = {paper.id: paper.digest_dates for paper in LIBRARY}
    everything = views.ids(ALL)
    assert views.unseen(ALL, everything) == [i for i in everything if min(dates[i]) == max(dates[i])]
    assert len(views.unseen(ALL, everything)) == len(LIBRARY) - 2
    for day in LIBRARY.by_date:
        key = ViewKey("day", day.isoformat())
        ids = views.ids(key)
        assert views.unseen(key, ids) == [i for i in ids if min(dates[i]) >= day], day
    march = views.ids(ViewKey("day", MARCH_6.isoformat()))
    assert set(march) - set(views.unseen(ViewKey("day", MARCH_6.isoformat()), march)) == set(SEEN_AGAIN)
    october = views.ids(ViewKey("day", OCTOBER_31.isoformat()))
    assert views.unseen(ViewKey("day", OCTOBER_31.isoformat()), october) == october  # first seen that day


def test_hiding_papers_seen_before_is_remembered_and_filters_the_view(store, path):
    reading = reading_of(store)
    assert reading.toggle_hide_seen().message == "Papers seen on an earlier day are hidden."
    job = reading.filter_job()
    assert list(job.base) == [i for i in LIBRARY.order if i not in SEEN_AGAIN]
    reading.view = ViewKey("day", OCTOBER_31.isoformat())
    assert set(SEEN_AGAIN) <= set(reading.filter_job().base)
    assert store.close()
    again = Store.open(path)
    try:
        reading = reading_of(again)
        assert reading.hide_seen and HIDE_SEEN_BEFORE.read(again) is True
        assert reading.toggle_hide_seen().message == "Papers seen on an earlier day are shown again."
        assert list(reading.filter_job().base) == LIBRARY.order
    finally:
        again.close()


def test_a_month_view_keeps_the_papers_first_seen_in_it(store):
    views = reading_of(store).views
    october = ViewKey("month", "2025-10")
    ids = views.ids(october)
    assert set(SEEN_AGAIN) <= set(ids)
    assert set(SEEN_AGAIN) <= set(views.unseen(october, ids))


def test_the_later_view_and_its_count(store):
    reading = reading_of(store)
    for paper_id in (VIT, MAGISTRAL, RPT):
        reading.toggle_later(paper_id)
    reading.toggle_later(MAGISTRAL)  # and back
    assert reading.views.ids(LATER) == [i for i in LIBRARY.order if i in {VIT, RPT}]
    assert reading.counts.later == reading.counts.of_view(LATER) == 2
    assert reading.counts == reading.views.counts(reading.states)


def test_a_month_view_lists_each_paper_once(tmp_path, store):
    # The next day's digest, repeating the papers of June 11: the same file, dated June 12.
    text = (SAMPLES / "2025-06-11.commentary.txt").read_text(encoding="utf-8")
    assert text.startswith("2025년 6월 11일\n")
    again = tmp_path / "2025-06-12.commentary.txt"
    again.write_text(text.replace("2025년 6월 11일", "2025년 6월 12일", 1), encoding="utf-8")
    library = load_library([*FILES, again])
    assert sum(len(paper.digest_dates) > 1 for paper in library) == 2 + 8
    ids = reading_of(store, library).views.ids(ViewKey("month", "2025-06"))
    assert len(ids) == len(set(ids))


# --- changes made while the groups are worked out, and what the due set moves -----------------


def test_changes_made_while_the_groups_are_worked_out_are_in_the_counts_taken_in(store):
    groups = Groups(store)
    groups.add_watch(WatchItem.made("tag", "rl"))
    groups.save_view("Unread RL", "tag:rl unread")
    reading = reading_of(store)
    job = reading.groups_job()  # as the worker starts: the states as they are now
    tagged = reading.views.ids(ViewKey("tag", "rl"))
    reading.toggle_read(tagged[0])  # meanwhile, on the UI thread
    reading.take_groups(job())
    fresh = reading.groups.work_out(reading.library, reading.state_of, reading.user_tags(), reading.due.__contains__)
    assert reading.views.groups == fresh
    assert reading.views.groups[saved_key("Unread RL")].ids == frozenset(tagged[1:])
    reading.undo()
    assert reading.views.groups[watch_key(WatchItem.made("tag", "rl"))].ratio == (len(tagged), len(tagged))


def test_a_saved_view_of_due_papers_follows_a_card_taken_out(store):
    groups = Groups(store)
    groups.save_view("Due", "due")
    reading = reading_of(store)
    paper = LIBRARY.order[0]
    reading.toggle_card(paper)  # a new card: due at once
    reading.take_groups(reading.work_out_groups())
    assert paper in reading.views.groups[saved_key("Due")].ids
    reading.toggle_card(paper)  # taken out of the deck: no longer due
    assert paper not in reading.due
    assert paper not in reading.views.groups[saved_key("Due")].ids


def test_a_filter_job_from_before_hiding_seen_papers_is_not_taken(store):
    reading = reading_of(store)
    reading.view = ViewKey("month", "2026-03")
    job = reading.filter_job()
    reading.toggle_hide_seen()
    assert not reading.filtered(job, list(job.base))
    assert reading.filtered(reading.filter_job(), [])


def test_saving_a_watched_items_view_keeps_its_rule(store):
    groups = Groups(store)
    assert groups.draft(watch_key(WatchItem.made("tag", "rl")), "") == ("#rl", "tag:rl")
    assert groups.draft(watch_key(WatchItem.made("author", "Ann Lee")), "agents") == (
        "Ann Lee agents",
        '"Ann Lee" agents',
    )
    assert groups.draft(watch_key(WatchItem.made("word", "diffusion")), "") == ("‘diffusion’", '"diffusion"')
    for unsayable in (NEW, WATCHED):
        with pytest.raises(ValueError, match="cannot be saved as a filter"):
            groups.draft(unsayable, "")
    assert groups.draft(ALL, "diffusion") == ("diffusion", "diffusion")
