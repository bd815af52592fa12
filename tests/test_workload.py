"""The workload by desired retention: the simulator's inputs read off a real log, fsrs-rs's simulator
itself, the chart, the stats screen through Pilot and `paperdeck stats` in a subprocess."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import orjson
import pytest
from fsrs import Rating
from test_cli import err, run
from test_review_app import Clock, make_app, screen_text, with_cards

from tui.charts import workload_chart, workload_text
from tui.review import workload
from tui.review.deck import Deck
from tui.runtime import ChildFailed
from tui.settings import ReviewSettings
from tui.state.store import Store
from tui.ui.screens.stats import StatsScreen
from tui.ui.widgets.review_charts import WorkloadChart

pytestmark = pytest.mark.usefixtures("utc_zone")


def cards(deck: Deck, count: int) -> list[str]:
    ids = [f"{n:016x}" for n in range(count)]
    for paper_id in ids:
        deck.add(paper_id)
    return ids


def first_answers(deck: Deck, ids: list[str], grades: list[Rating], seconds: float) -> None:
    for paper_id, grade in zip(ids, grades, strict=True):
        deck.grade(paper_id, grade, duration_ms=int(seconds * 1000))


def test_the_plan_takes_the_users_own_grades_and_timings_from_the_log(store: Store):
    clock = Clock()
    deck = Deck(store, ReviewSettings(new_per_day=15, leech_lapses=6), clock, enable_fuzzing=False)
    ids = cards(deck, 40)
    # First answers: 10 Again, 10 Hard, 20 Easy, each taking 7 s (Easy graduates at once).
    first_answers(deck, ids, [Rating.Again] * 10 + [Rating.Hard] * 10 + [Rating.Easy] * 20, 7.0)
    plan = workload.plan(deck)
    assert plan.first_grades == (0.25, 0.25, 0.0, 0.5)
    assert plan.review_grades is None  # no answers in review yet: fsrs-rs's shares
    assert plan.seconds[0] == (7.0, 7.0, None, 7.0)  # learning row: Good never given
    assert plan.cards == 40 and plan.new_per_day == 15 and plan.leech_lapses == 6
    assert plan.learning_steps == 2 and plan.relearning_steps == 1
    assert plan.answers == 40 and plan.own_habits

    # Answers on the Easy cards once they are due: Good on 15, Easy on 5, 3 s each.
    clock.now += timedelta(days=60)
    first_answers(deck, ids[20:], [Rating.Good] * 15 + [Rating.Easy] * 5, 3.0)
    plan = workload.plan(deck)
    assert plan.review_grades == (0.0, 0.75, 0.25)
    assert plan.seconds[1] == (None, None, 3.0, None)  # Easy in review: only 5 timings, too few


def test_a_log_too_short_to_say_leaves_fsrs_rs_defaults(store: Store):
    deck = Deck(store, clock=Clock(), enable_fuzzing=False)
    ids = cards(deck, workload.MIN_GRADES - 1)
    first_answers(deck, ids, [Rating.Good] * len(ids), 4.0)
    store.add_review({"paper_id": "x", "rating": "Good", "state": "new"})  # written by hand: skipped
    plan = workload.plan(deck)
    assert plan.first_grades is None and plan.review_grades is None and not plan.own_habits
    assert plan.seconds[0][2] == 4.0  # timings need fewer answers than shares do


def default_plan(store: Store, count: int = 60, **settings) -> workload.Plan:
    deck = Deck(store, ReviewSettings(**settings), Clock(), enable_fuzzing=False)
    cards(deck, count)
    return workload.plan(deck)


def test_the_workload_grows_with_the_desired_retention(store: Store):
    simulated = workload.simulate(default_plan(store))
    retentions = [load.retention for load in simulated.loads]
    assert retentions == [round(0.80 + n / 100, 2) for n in range(16)]
    reviews = [load.reviews_per_day for load in simulated.loads]
    assert reviews[-1] > 1.5 * reviews[0] > 0
    assert all(later >= 0.97 * earlier for earlier, later in pairwise(reviews))
    assert simulated.loads[-1].remembered >= simulated.loads[0].remembered
    # 60 cards at 10 a day are all introduced within the year: 60 / 365 a day.
    assert simulated.current.retention == 0.90
    assert simulated.current.new_per_day == pytest.approx(60 / 365, rel=0.01)
    assert simulated.current.minutes_per_day > 0


def test_a_user_who_grades_easy_has_less_to_review(store: Store):
    plan = default_plan(store)
    easy = replace(plan, first_grades=(0.0, 0.0, 0.0, 1.0), review_grades=(0.0, 0.0, 1.0))
    hard = replace(plan, first_grades=(0.0, 1.0, 0.0, 0.0), review_grades=(1.0, 0.0, 0.0))
    assert workload.simulate(easy).current.reviews_per_day < workload.simulate(hard).current.reviews_per_day


def test_a_setting_outside_the_range_is_simulated_and_marked(store: Store):
    simulated = workload.simulate(default_plan(store, desired_retention=0.97))
    assert [load.retention for load in simulated.loads][-2:] == [0.95, 0.97]
    assert simulated.current is simulated.loads[-1]
    lines = workload_chart(simulated, "blue", "bold yellow", 80)
    top, marker = lines[0], lines[-1]
    bar_width = 2
    axis = len(top.plain) - len(simulated.loads) * bar_width
    assert marker.plain.index("▲") == axis + 16 * bar_width  # under the seventeenth bar
    marked = [span for span in top.spans if span.style == "bold yellow"]
    assert [(span.start, span.end) for span in marked] == [(axis + 32, axis + 34)]
    assert lines[-2].plain.split() == ["80%", "85%", "90%", "95%"]
    words = workload_text(simulated).plain
    assert "At 97% (yours)" in words and "At 80%" in words and "At 95%" not in words


def test_an_empty_deck_has_nothing_to_simulate(store: Store):
    simulated = workload.simulate(default_plan(store, count=0))
    assert simulated.loads == ()


async def test_the_stats_screen_simulates_the_workload_after_its_numbers(home, store):
    clock = Clock()
    with_cards(store, clock, *[f"{n:016x}" for n in range(30)])
    app = make_app(home, store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("S")
        assert isinstance(app.screen, StatsScreen)
        for _worker in ("counting", "simulating"):
            await app.workers.wait_for_complete()
            await pilot.pause()
        chart = app.screen.query_one("#workload-chart", WorkloadChart)
        assert chart.workload.current.retention == 0.90 and chart.workload.plan.cards == 30
        drawn = [line.plain for line in chart.render().renderables]
        assert drawn[-2].split() == ["80%", "85%", "90%", "95%"] and drawn[-1].strip() == "▲ yours"
        text = screen_text(app)
        assert "Reviews a day at each desired retention" in text
        assert "At 90% (yours)" in text and "Simulating" not in text


async def test_a_simulation_that_fails_says_so_in_one_line(home, store, monkeypatch):
    def killed(*_args):
        raise ChildFailed("the child process ended with status -9: no output")

    monkeypatch.setattr("tui.ui.screens.stats.run_apart", killed)
    clock = Clock()
    with_cards(store, clock, "a" * 16)
    app = make_app(home, store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("S")
        for _worker in ("counting", "simulating"):
            await app.workers.wait_for_complete()
            await pilot.pause()
        line = str(app.screen.query_one("#workload").render())
        assert line == "The workload could not be simulated: the child process ended with status -9: no output"
        assert not app.screen.query(WorkloadChart)
        assert "0 new" not in line and app.screen.query_one("#numbers")  # the rest of the stats stand


def test_paperdeck_stats_prints_the_workload_and_its_json(tmp_path: Path):
    home = tmp_path / "home"
    store = Store.open(home / "store.json")
    deck = Deck(store, clock=lambda: datetime(2026, 3, 2, 9, tzinfo=UTC), enable_fuzzing=False)
    cards(deck, 25)
    store.close()
    result = run("stats", "--json", home=home)
    assert result.returncode == 0, err(result)
    document = orjson.loads(result.stdout)["workload"]
    assert document["desired_retention"] == 0.9 and document["cards"] == 25 and document["days"] == 365
    assert [load["retention"] for load in document["loads"]][::5] == [0.8, 0.85, 0.9, 0.95]
    assert document["loads"][-1]["reviews_per_day"] > document["loads"][0]["reviews_per_day"]

    assert run("settings", "desired_retention", "0.97", home=home).returncode == 0
    text = run("stats", home=home).stdout.decode()
    assert "Reviews a day at each desired retention" in text and "▲ yours" in text
    assert "At 97% (yours)" in text and "a year of your 25 cards from scratch, 10 new a day" in text


def test_paperdeck_stats_on_an_empty_deck_says_there_is_nothing_to_simulate(tmp_path: Path):
    home = tmp_path / "home"
    Store.open(home / "store.json").close()
    assert orjson.loads(run("stats", "--json", home=home).stdout)["workload"] is None
    assert "No cards to simulate yet" in run("stats", home=home).stdout.decode()
