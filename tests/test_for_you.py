"""The for-you order on the real sample digests: trained on the user's state, ranking views,
explained in the detail, from the reader (Pilot) and from the command line (a subprocess)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from conftest import SAMPLES
from test_cli import err, run
from test_reader import detail_text, make_app, paper_list

from tui import for_you
from tui.for_you import TasteInput, watched_papers
from tui.library.features import watched_feature
from tui.library.files import load_library
from tui.model import Paper
from tui.reading import Reading
from tui.review.deck import Deck
from tui.settings import ReviewSettings
from tui.sorting import FOR_YOU
from tui.state.paper_state import PaperState
from tui.state.store import Store
from tui.taste import MIN_LIKED, WATCHED_PRIOR, TasteModel
from tui.views import ALL

LIBRARY = load_library(sorted(SAMPLES.glob("*.txt")))
# The user has been through the older digests; the newest one is new to them.
NEWEST = max(LIBRARY.by_date)
SEEN = [i for i in LIBRARY.order if i not in LIBRARY.by_date[NEWEST]]
UNSEEN = [i for i in LIBRARY.order if i not in SEEN]


def about_reasoning(paper: Paper) -> bool:
    return "reason" in (paper.title + " " + paper.abstract).lower()


def reader_of_reasoning(ids: list[str]) -> dict[str, PaperState]:
    """A reader who starred the reasoning papers among `ids` and read the rest."""
    return {i: PaperState(read_at="t", starred_at="t" if about_reasoning(LIBRARY.papers[i]) else None) for i in ids}


def precision_at(ranked: list[str], wanted: set[str], top: int = 10) -> float:
    return len(wanted & set(ranked[:top])) / top


def test_a_trained_taste_ranks_the_papers_not_yet_read_by_what_was_starred():
    seen, unseen = SEEN, UNSEEN
    taste = TasteInput(reader_of_reasoning(seen))
    model = for_you.train(LIBRARY, taste)
    assert model.ready and model.liked == sum(about_reasoning(LIBRARY.papers[i]) for i in seen)
    ranked = for_you.ranked(model, LIBRARY, unseen, taste)
    assert sorted(ranked) == sorted(unseen)
    wanted = {i for i in unseen if about_reasoning(LIBRARY.papers[i])}
    base_rate = len(wanted) / len(unseen)
    assert precision_at(ranked, wanted) >= 2 * base_rate > 0
    assert precision_at(ranked, wanted) > precision_at(unseen, wanted)  # better than date order
    # Each paper's place is explained by what it shares with the starred ones.
    first = LIBRARY.papers[ranked[0]]
    said = for_you.reason(model, LIBRARY, first, taste).describe()
    assert said.startswith("like ") and "you starred: " in said


def test_a_watched_item_lifts_its_papers_even_before_the_stars_say_so():
    seen, rest = LIBRARY.order[:40], LIBRARY.order[40:]
    taste = TasteInput(reader_of_reasoning(seen))
    model = for_you.train(LIBRARY, taste)
    before = for_you.ranked(model, LIBRARY, rest, taste)
    last = before[-1]  # ranked last without the watch
    feature = watched_feature("word:nothing-else")
    watched = TasteInput(taste.states, watched=watched_papers({"word:nothing-else": frozenset({last})}))
    watching = for_you.train(LIBRARY, watched)
    assert watching.weights == {**model.weights, feature: WATCHED_PRIOR}  # a feature no star has taught
    features = for_you.features_with_watched(LIBRARY, [last], watched.watched)[last]
    assert feature in features
    assert watching.score(features) == pytest.approx(model.score(features - {feature}) + WATCHED_PRIOR)
    assert for_you.ranked(watching, LIBRARY, rest, watched).index(last) < before.index(last)


def test_too_few_stars_or_nothing_passed_over_is_not_ready_and_says_what_is_missing():
    few = {i: PaperState(starred_at="t") for i in LIBRARY.order[: MIN_LIKED - 2]}
    model = for_you.train(LIBRARY, TasteInput(few))
    assert not model.ready
    # The library's own rates stand in for papers passed over: only stars are missing.
    assert for_you.not_ready_message(model) == (
        "The for-you order learns from your stars: star 2 more papers. Sorted by date meanwhile."
    )
    assert for_you.not_ready_message(TasteModel(liked=1)) == (
        "The for-you order learns from your stars: star 4 more papers and read 5 more without starring"
        " them. Sorted by date meanwhile."
    )


def test_the_reading_model_trains_in_a_job_ranks_a_for_you_view_and_explains(tmp_path: Path):
    store = Store.open(tmp_path / "store.json")
    try:
        clock = lambda: datetime(2026, 3, 10, tzinfo=UTC)  # noqa: E731
        reading = Reading(LIBRARY, store, Deck(store, ReviewSettings(), clock, enable_fuzzing=False))
        for paper_id, state in reader_of_reasoning(SEEN).items():
            reading.toggle_read(paper_id)
            if state.starred:
                reading.toggle_star(paper_id)
        assert reading.order.taste_stale
        for _ in range(4):
            reading.cycle_sort()
        assert reading.sort_of(ALL) == FOR_YOU
        job = reading.filter_job()
        assert reading.in_order(job, list(job.base)) == list(job.base)  # by date until trained
        reading.order.take_taste(reading.taste_job()())
        assert not reading.order.taste_stale and reading.order.for_you_note() is None
        ordered = reading.in_order(job, list(job.base))
        unseen = [i for i in ordered if i in UNSEEN]
        wanted = {i for i in unseen if about_reasoning(LIBRARY.papers[i])}
        assert precision_at(unseen, wanted) > precision_at([i for i in job.base if i in unseen], wanted)
        assert reading.why_for_you(LIBRARY.papers[unseen[0]]).startswith("like ")
        reading.toggle_star(unseen[0])
        assert reading.order.taste_stale  # a star: trained again in the background
    finally:
        store.close()


async def test_the_reader_learns_in_the_background_and_the_detail_says_why(home, store):
    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        reader = app.screen
        ids = list(paper_list(app).paper_ids)
        papers = reader.library.papers
        assert "For you:" not in detail_text(app)
        starred = [i for i in ids if about_reasoning(papers[i])][:8]
        passed = [i for i in ids if not about_reasoning(papers[i])][:20]
        for paper_id in passed:
            reader._show_outcome(reader.reading.toggle_read(paper_id))
        for paper_id in starred:
            reader._show_outcome(reader.reading.toggle_star(paper_id))
        reader._train_if_stale()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert reader.reading.order.taste is not None and reader.reading.order.taste.ready
        for _ in range(4):
            await pilot.press("O")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert reader.reading.sort_of(ALL) == FOR_YOU
        shown = list(paper_list(app).paper_ids)
        assert sorted(shown) == sorted(ids) and shown != ids
        paper_list(app).cursor = 0
        await pilot.pause()
        assert "For you: like " in detail_text(app)


def test_list_sort_for_you_ranks_by_the_stars_and_waits_for_enough_of_them(tmp_path: Path):
    home = tmp_path / "home"
    result = run("list", "--sort", "for-you", home=home)
    assert result.returncode == 0
    assert "learns from your stars: star 5 more papers" in err(result)
    by_date = run("list", "--json", home=home).stdout.splitlines()
    assert result.stdout.splitlines() and len(result.stdout.splitlines()) == len(by_date)
    papers = [orjson.loads(line) for line in by_date]
    seen = [p for p in papers if p["id"] in SEEN]
    liked = [p["id"] for p in seen if about_reasoning(LIBRARY.papers[p["id"]])]
    passed = [p["id"] for p in seen if p["id"] not in liked]
    assert run("mark", "star", *liked, home=home).returncode == 0
    assert run("mark", "read", *passed, *liked, home=home).returncode == 0
    ranked = run("list", "--sort", "for-you", "--query", "unread", "--json", home=home)
    assert ranked.returncode == 0 and "for-you" not in err(ranked)
    ids = [orjson.loads(line)["id"] for line in ranked.stdout.splitlines()]
    in_date_order = [p["id"] for p in papers if p["id"] in set(ids)]
    assert sorted(ids) == sorted(in_date_order) and set(ids).isdisjoint(SEEN)
    wanted = {i for i in ids if about_reasoning(LIBRARY.papers[i])}
    assert precision_at(ids, wanted) >= 2 * len(wanted) / len(ids)
    assert precision_at(ids, wanted) > precision_at(in_date_order, wanted)


async def test_a_view_sorted_for_you_says_it_lists_by_date_until_there_is_enough_to_learn(home, store):
    from test_triage_app import sub_title

    app = make_app(home, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        ids = list(paper_list(app).paper_ids)
        for _ in range(4):
            await pilot.press("O")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "by date until for-you has learned" in sub_title(app)
        assert list(paper_list(app).paper_ids) == ids


def test_training_learns_from_the_most_recently_passed_over_papers_only(monkeypatch):
    monkeypatch.setattr(for_you, "MAX_PASSED_OVER", 7)
    states = reader_of_reasoning(SEEN)
    passed = [i for i, state in states.items() if not state.starred]
    stamped = {i: PaperState(read_at=f"2026-01-{n % 28 + 1:02d}T{n:04d}") for n, i in enumerate(passed)}
    model = for_you.train(LIBRARY, TasteInput({**states, **stamped}))
    newest = sorted(passed, key=lambda i: stamped[i].read_at, reverse=True)[:7]
    assert model.unliked == 7
    # Only the newest seven taught the model what is passed over: a feature of theirs alone is there.
    learned_from = set().union(*(LIBRARY.features(newest).values()))
    assert set(model.weights) <= learned_from | set().union(
        *LIBRARY.features([i for i, s in states.items() if s.starred]).values()
    )
