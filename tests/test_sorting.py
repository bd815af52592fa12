"""The orders a view can be listed in, on the real sample papers, and the sort each view keeps."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import SAMPLES

from tui.library.files import load_library
from tui.library.merge import Library
from tui.model import Paper, normalise_any_title
from tui.query import Query
from tui.reading import SYNC_FILTER_LIMIT, FilterJob, Reading
from tui.review.deck import Deck
from tui.settings import ReviewSettings
from tui.sorting import CYCLE, DATE, SORTS, SortError, check_sort, next_sort, sorted_ids
from tui.state.store import Store
from tui.views import ALL, LATER, UNREAD, ViewKey

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LIBRARY = load_library(
    [
        *sorted(SAMPLES.glob("*.txt")),
        *sorted((FIXTURES / "hf-api").glob("*.json")),
        *sorted((FIXTURES / "vault").glob("*.md")),
    ]
)
IDS = LIBRARY.order  # date order: newest digest first, each day as its digest lists it
FIRST_SEEN = {paper.id: min(paper.digest_dates) for paper in LIBRARY if paper.digest_dates}


def title(paper_id: str) -> str:
    return LIBRARY.papers[paper_id].title


def test_the_library_has_what_the_sorts_are_tested_on():
    upvotes = [LIBRARY.papers[i].upvotes for i in IDS]
    counted = [count for count in upvotes if count is not None]
    assert len(counted) != len(set(counted)), "no tie of upvotes to keep in date order"
    assert None in upvotes and len(counted) > 20
    assert sum(len(paper.digest_dates) > 1 for paper in LIBRARY) == 2  # seen on two days
    assert len(set(FIRST_SEEN.values())) == 4


# --- each sort ----------------------------------------------------------------------------------


def test_upvotes_most_first_ties_in_date_order_and_no_count_last():
    ordered = sorted_ids(IDS, "upvotes", LIBRARY.sort_keys, FIRST_SEEN)
    upvotes = {i: LIBRARY.papers[i].upvotes for i in IDS}
    # Built another way: each count's papers, highest count first, each group in date order.
    expected = [
        i
        for count in sorted({c for c in upvotes.values() if c is not None}, reverse=True)
        for i in IDS
        if upvotes[i] == count
    ]
    expected += [i for i in IDS if upvotes[i] is None]
    assert ordered == expected
    assert [title(i) for i in ordered[:3]] == [
        "Reinforcement Pre-Training",
        "Confidence Is All You Need: Few-Shot RL Fine-Tuning of Language Models",
        "Multiverse: Your Language Models Secretly Decide How to Parallelize and Merge Generation",
    ]
    assert [upvotes[i] for i in ordered[:3]] == [211, 97, 55]
    assert upvotes[ordered[-1]] is None and sorted(ordered) == sorted(IDS)


def test_upvotes_of_zero_still_come_before_no_count():
    gone_up = Paper(id="zero", title="Zero", upvotes=0)
    counted = {"zero": gone_up, "none": Paper(id="none", title="None"), "one": Paper(id="one", title="One", upvotes=1)}
    assert sorted_ids(["none", "zero", "one"], "upvotes", Library(papers=counted).sort_keys, {}) == [
        "one",
        "zero",
        "none",
    ]


def test_title_a_to_z_case_and_punctuation_aside():
    ordered = sorted_ids(IDS, "title", LIBRARY.sort_keys, FIRST_SEEN)
    assert ordered == sorted(IDS, key=lambda i: normalise_any_title(title(i)))  # the reference rule, stable
    launch = ordered.index(LIBRARY.by_date[date(2025, 6, 12)][2])
    little = ordered.index(LIBRARY.by_date[date(2025, 6, 12)][1])
    assert title(ordered[launch]) == "A launch event" and title(ordered[little]).startswith("A Paper the API")
    assert launch < little  # as written, "A P" sorts before "A l"
    assert title(ordered[0]).startswith("1.4 Million")


def test_title_puts_papers_the_library_no_longer_holds_last():
    ids = [IDS[0], "gone", IDS[1]]
    ordered = sorted_ids(ids, "title", LIBRARY.sort_keys, FIRST_SEEN)
    assert ordered[-1] == "gone" and set(ordered[:2]) == {IDS[0], IDS[1]}
    # A title beyond the first plane of Unicode sorts after any "\uffff" stand-in, not after gone papers.
    far = {"far": Paper(id="far", title="𠀀 a title in CJK extension B")}
    assert sorted_ids(["gone", "far"], "title", Library(papers=far).sort_keys, {}) == ["far", "gone"]


def test_first_seen_newest_first_a_paper_seen_again_by_its_first_day():
    ordered = sorted_ids(IDS, "first-seen", LIBRARY.sort_keys, FIRST_SEEN)
    expected = [i for day in sorted(set(FIRST_SEEN.values()), reverse=True) for i in IDS if FIRST_SEEN[i] == day]
    assert ordered == expected
    seen_again = [paper.id for paper in LIBRARY if len(paper.digest_dates) > 1]
    march = LIBRARY.by_date[date(2026, 3, 6)]
    assert all(i in march for i in seen_again)  # listed under March 6, the newest day
    new_in_march = len(march) - len(seen_again)
    # ... but sorted by October 31, when they were first seen: first of that day, as date order has them.
    assert set(ordered[new_in_march : new_in_march + 2]) == set(seen_again)
    assert [FIRST_SEEN[i] for i in ordered[: new_in_march + 2]] == [date(2026, 3, 6)] * new_in_march + [
        date(2025, 10, 31)
    ] * 2


def test_date_for_you_and_unknown_sorts_keep_the_order_given_without_reading_papers():
    def no_reading(column: str):
        raise AssertionError("the date order needs no paper")

    backwards = IDS[::-1]
    for sort in (DATE, "for-you", "no-such-sort"):
        ordered = sorted_ids(backwards, sort, no_reading, FIRST_SEEN)
        assert ordered == backwards and ordered is not backwards
    assert sorted_ids(IDS, "first-seen", no_reading, FIRST_SEEN)[0] in LIBRARY.by_date[date(2026, 3, 6)]


# --- choosing a sort ----------------------------------------------------------------------------


def test_check_sort_takes_the_sorts_there_are():
    for sort in CYCLE:
        assert check_sort(sort) == sort
    assert set(CYCLE) == set(SORTS)


def test_check_sort_refuses_unknown_names():
    with pytest.raises(SortError) as refused:
        check_sort("popularity")
    assert str(refused.value) == "no sort 'popularity'; the sorts are: date, upvotes, title, first-seen, for-you"
    assert isinstance(refused.value, ValueError)
    with pytest.raises(SortError):
        check_sort("Date")  # names are as written


def test_next_sort_cycles_through_the_sorts_there_are():
    assert [next_sort(sort) for sort in CYCLE] == ["upvotes", "title", "first-seen", "for-you", "date"]
    sort = DATE
    for _ in range(len(CYCLE)):
        sort = next_sort(sort)
    assert sort == DATE
    assert next_sort("nonsense") == DATE


# --- each view's sort, remembered ---------------------------------------------------------------


def clock() -> datetime:
    return datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def reading_of(store: Store) -> Reading:
    return Reading(LIBRARY, store, Deck(store, ReviewSettings(), clock, enable_fuzzing=False))


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "home" / "store.json"


def test_the_sort_cycles_per_view_and_is_remembered_across_reopening(path):
    store = Store.open(path)
    reading = reading_of(store)
    assert reading.sort_of(ALL) == DATE and reading.filter_job().sort == DATE
    assert reading.cycle_sort().message == "Sorted by upvotes: most upvoted first"
    reading.view = ViewKey("day", "2026-03-06")
    reading.cycle_sort()
    assert reading.cycle_sort().message == "Sorted by title: title, A to Z"
    reading.view = LATER
    for _ in range(3):
        reading.cycle_sort()
    assert store.close()

    store = Store.open(path)
    try:
        reading = reading_of(store)
        assert reading.sort_of(ALL) == "upvotes" and reading.sort_of(UNREAD) == DATE
        assert reading.sort_of(LATER) == "first-seen"
        # Every digest date shares one sort; months and years keep theirs apart.
        assert reading.sort_of(ViewKey("day", "2025-10-31")) == "title"
        assert reading.sort_of(ViewKey("month", "2026-03")) == DATE
        assert reading.sort_of(ViewKey("tag", "rl")) == DATE
        assert store.setting("view_sorts") == {"view:all": "upvotes", "day": "title", "view:later": "first-seen"}
        reading.view = ViewKey("day", "2025-06-11")
        job = reading.filter_job()
        assert job.sort == "title" and job.base == LIBRARY.by_date[date(2025, 6, 11)]
        assert reading.in_order(job, list(job.base)) == sorted(job.base, key=lambda i: normalise_any_title(title(i)))
    finally:
        store.close()


def test_a_sort_job_of_the_whole_library_gives_the_sorted_papers(path):
    store = Store.open(path)
    try:
        reading = reading_of(store)
        reading.cycle_sort()
        job = reading.filter_job()
        assert job.sort == "upvotes" and reading.filtered(job, job.base)
        ordered = reading.in_order(job, list(job.base))
        assert ordered == sorted_ids(IDS, "upvotes", LIBRARY.sort_keys, FIRST_SEEN)
        reading.cycle_sort()  # the sort changed: what the upvotes job found is out of date
        assert not reading.filtered(job, ordered)
        reading.cycle_sort()
        job = reading.filter_job()
        assert job.sort == "first-seen" and reading.in_order(job, list(job.base)) == sorted_ids(
            IDS, "first-seen", LIBRARY.sort_keys, reading.views.first_seen
        )
    finally:
        store.close()


def test_only_the_date_order_of_a_big_view_is_quick_enough_to_show_at_once():
    base = [f"p{number}" for number in range(SYNC_FILTER_LIMIT + 1)]
    assert FilterJob(ALL, Query(), base).at_once
    assert not FilterJob(ALL, Query(), base, sort="upvotes").at_once
    assert FilterJob(ALL, Query(), base[:SYNC_FILTER_LIMIT], sort="upvotes").at_once


def test_a_read_only_store_sorts_without_saving_the_sort(path):
    store = Store.open(path)
    second = Store.open(path)
    try:
        assert second.read_only
        reading = reading_of(second)
        assert reading.cycle_sort().message == "Sorted by upvotes: most upvoted first"
        assert reading.sort_of(ALL) == "upvotes"
        assert second.setting("view_sorts") is None and store.setting("view_sorts") is None
    finally:
        second.close()
        store.close()


def test_a_stored_sort_that_is_not_one_reads_as_date(path):
    store = Store.open(path)
    try:
        store.set_setting("view_sorts", {"view:all": "popularity", "view:unread": "title"})
        reading = reading_of(store)
        assert reading.sort_of(ALL) == DATE and reading.sort_of(UNREAD) == "title"
        store.set_setting("view_sorts", ["not", "a", "mapping"])
        assert reading_of(store).sort_of(UNREAD) == DATE
    finally:
        store.close()


def test_a_stored_sort_of_the_wrong_type_reads_as_date(path):
    store = Store.open(path)
    try:
        store.set_setting("view_sorts", {"view:all": ["upvotes"]})
        assert reading_of(store).filter_job().sort == DATE
    finally:
        store.close()


def test_a_for_you_sort_lists_by_date_until_the_taste_can_rank_and_says_why(path):
    store = Store.open(path)
    try:
        store.set_setting("view_sorts", {"view:all": "for-you"})
        reading = reading_of(store)
        assert reading.sort_of(ALL) == "for-you"
        job = reading.filter_job()
        assert reading.in_order(job, list(job.base)) == list(job.base)  # not trained yet
        assert reading.order.for_you_note() == "Learning your taste…; sorted by date meanwhile."
        reading.order.take_taste(reading.taste_job()())  # nothing starred or read yet
        assert reading.in_order(job, list(job.base)) == list(job.base)
        assert reading.order.for_you_note() == (
            "The for-you order learns from your stars: star 5 more papers and read 5 more without"
            " starring them. Sorted by date meanwhile."
        )
        assert reading.why_for_you(LIBRARY.papers[IDS[0]]) is None
    finally:
        store.close()
