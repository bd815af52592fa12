"""FSRS fitted to the user's answers: the reference values, day boundaries, a simulated learner, the CLI."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsrs
import fsrs_rs_python as rs
import pytest

from tui.review import optimize, parameters
from tui.review.clock import iso_utc
from tui.review.deck import Deck
from tui.review.optimize import Fit, Gathered, conclude, gather
from tui.review.parameters import DEFAULT_WEIGHTS, DeckParameters, Measure, bounded
from tui.settings import ReviewSettings
from tui.state.store import Store

Again, Good = fsrs.Rating.Again, fsrs.Rating.Good
SEOUL = "KST-9"
NEW_YORK = "EST5EDT,M3.2.0,M11.1.0"
# FSRS's own tests: with the defaults, Again then Good x5 at these intervals (days) end here.
REFERENCE_INTERVALS = (0, 0, 1, 3, 8, 21)
REFERENCE_STABILITY = 53.62691
REFERENCE_DIFFICULTY = 6.3574867


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)


def entry(paper_id: str, rating: int, at: datetime, state: str) -> dict:
    return {"paper_id": paper_id, "rating": rating, "reviewed_at": iso_utc(at), "duration_ms": 4000, "state": state}


# --- the reference values ------------------------------------------------------------------------


def test_the_deck_and_the_fit_reproduce_fsrs_reference_memory(tmp_path: Path, local_zone):
    store = Store.open(tmp_path / "store.json")
    now = [utc(2022, 11, 29, 12, 30)]
    deck = Deck(store, ReviewSettings(), clock=lambda: now[0], enable_fuzzing=False)
    deck.add("ref", now[0])
    for rating, days in zip((Again, Good, Good, Good, Good, Good), REFERENCE_INTERVALS, strict=True):
        now[0] += timedelta(days=days)
        deck.grade("ref", rating)
    card = deck.card("ref").card
    assert card.stability == pytest.approx(REFERENCE_STABILITY, abs=1e-4)
    assert card.difficulty == pytest.approx(REFERENCE_DIFFICULTY, abs=1e-4)

    # The same answers, read back from the log as the optimiser reads them, through fsrs-rs.
    gathered = gather(store.review_documents(), deck.settings.day_start_hour)
    assert [pairs for _, _, pairs in gathered.histories] == [
        list(zip((1, 3, 3, 3, 3, 3), REFERENCE_INTERVALS, strict=True))
    ]
    (_, stability, difficulty) = optimize.memory_of(gathered.histories, DEFAULT_WEIGHTS)["ref"]
    assert stability == pytest.approx(REFERENCE_STABILITY, abs=1e-4)
    assert difficulty == pytest.approx(REFERENCE_DIFFICULTY, abs=1e-4)
    store.close()


# --- the log as histories ------------------------------------------------------------------------


def test_days_between_answers_are_local_review_days(local_zone):
    local_zone(SEOUL)  # UTC+9; the review day starts at 04:00 local (19:00 UTC)
    reviews = [
        entry("a", 3, utc(2026, 3, 10, 18, 0), "new"),  # 03:00 on the 11th in Seoul: the 10th's day
        entry("a", 3, utc(2026, 3, 10, 20, 0), "learning"),  # 05:00 on the 11th: the 11th's day
        entry("a", 3, utc(2026, 3, 11, 18, 30), "review"),  # 03:30 on the 12th: still the 11th's
        entry("a", 3, utc(2026, 3, 13, 19, 0), "review"),  # 04:00 on the 14th: the 14th's
    ]
    gathered = gather(reviews, 4)
    assert gathered.histories[0][2] == [(3, 0), (3, 1), (3, 0), (3, 3)]
    assert gathered.answers == 2  # the two answers on a later day than the one before
    # With the day starting at midnight, the first two answers are on the same day.
    assert gather(reviews, 0).histories[0][2] == [(3, 0), (3, 0), (3, 1), (3, 2)]

    local_zone(NEW_YORK)  # clocks go forward on 8 March 2026: that day starts at 08:00 UTC
    # 04:30 EST on the 7th, then 04:30 EDT on the 8th: one day apart, though 23 hours.
    across = [entry("b", 3, utc(2026, 3, 7, 9, 30), "new"), entry("b", 3, utc(2026, 3, 8, 8, 30), "review")]
    assert gather(across, 4).histories[0][2] == [(3, 0), (3, 1)]
    just_before = [entry("b", 3, utc(2026, 3, 7, 9, 30), "new"), entry("b", 3, utc(2026, 3, 8, 7, 59), "review")]
    assert gather(just_before, 4).histories[0][2] == [(3, 0), (3, 0)]


def test_a_card_added_again_starts_a_new_history_and_one_without_its_start_is_left_out(local_zone):
    reviews = [
        entry("late", 3, utc(2026, 1, 5, 9), "review"),  # its first answers are not in the log
        entry("late", 3, utc(2026, 1, 9, 9), "review"),
        entry("again", 3, utc(2026, 1, 1, 9), "new"),
        entry("again", 1, utc(2026, 1, 3, 9), "review"),
        entry("again", 4, utc(2026, 2, 1, 9), "new"),  # removed, then added once more
        entry("again", 3, utc(2026, 2, 4, 9), "review"),
        {"paper_id": "x", "rating": 9, "reviewed_at": "2026-01-01T00:00:00+00:00"},
        {"paper_id": "x", "rating": 3, "reviewed_at": "yesterday"},
    ]
    gathered = gather(reversed(reviews), 4)  # in any order
    assert sorted((paper, pairs) for paper, _, pairs in gathered.histories) == [
        ("again", [(3, 0), (1, 2)]),
        ("again", [(4, 0), (3, 3)]),
    ]
    assert (gathered.answers, gathered.cards_left_out, gathered.entries_left_out) == (2, 1, 2)
    # Only the life the card is in now gets its memory worked out again.
    memory = optimize.memory_of(gathered.histories, DEFAULT_WEIGHTS)
    assert memory.keys() == {"again"} and memory["again"][0] == iso_utc(utc(2026, 2, 4, 9))


# --- parameters in the store ---------------------------------------------------------------------


def test_fitted_float32_values_are_rounded_into_py_fsrs_bounds():
    raw = [float(value) for value in rs.DEFAULT_PARAMETERS]  # float32 noise: 0.21199999749660492
    assert raw[0] != DEFAULT_WEIGHTS[0] and bounded(raw) == DEFAULT_WEIGHTS
    wild = list(raw)
    wild[0], wild[4], wild[20] = -3.0, 55.0, 0.05
    held = bounded(wild)
    assert (held[0], held[4], held[20]) == (0.001, 10.0, 0.1)
    fsrs.Scheduler(parameters=held)  # py-fsrs takes them
    for bad in ([1.0] * 19, [*raw[:20], float("nan")], [*raw[:20], "1"]):
        with pytest.raises(ValueError):
            bounded(bad)


def test_stored_parameters_that_are_damaged_read_as_the_defaults(tmp_path: Path):
    store = Store.open(tmp_path / "store.json")
    assert parameters.weights_in_use(store) == DEFAULT_WEIGHTS
    for nonsense in ({"weights": [1.0] * 5}, {"weights": [500.0] * 21}, {"weights": "many"}, {"history": 3}):
        store.set_setting("review_fsrs_parameters", nonsense)
        assert parameters.weights_in_use(store) == DEFAULT_WEIGHTS
        assert Deck(store).scheduler.parameters == DEFAULT_WEIGHTS
    store.close()


def test_only_a_fit_better_on_both_measures_is_kept_and_reset_steps_back():
    fitted_weights = bounded([value * 1.1 for value in DEFAULT_WEIGHTS])
    gathered = Gathered([("p", "2026-01-01T00:00:00+00:00", [(3, 0), (3, 2)])], 100, 0, 0)
    now = utc(2026, 6, 1)

    def outcome_of(fitted: Measure, before: DeckParameters | None = None):
        before = before if before is not None else DeckParameters()
        fit = Fit(100, fitted_weights, Measure(0.40, 0.06), None, fitted)
        return conclude(fit, gathered, before, latest_answer_id=700, now=now)

    kept, after = outcome_of(Measure(0.35, 0.05))
    assert kept.kept and after.weights == fitted_weights and after.history == (None,)
    assert after.checked_at_answer == 700 and after.fitted_on == 100
    assert [index for index, _, _ in kept.changed] == [i for i in range(21) if fitted_weights[i] != DEFAULT_WEIGHTS[i]]
    for worse in (Measure(0.41, 0.05), Measure(0.35, 0.07), Measure(0.40, 0.06)):
        outcome, unchanged = outcome_of(worse)
        assert not outcome.kept and unchanged.weights is None and unchanged.checked_at_answer == 700
    # A second fit is measured against the parameters in use, not the defaults.
    second = bounded([value * 1.2 for value in DEFAULT_WEIGHTS])
    fit = Fit(100, second, Measure(0.40, 0.06), Measure(0.30, 0.04), Measure(0.35, 0.05))
    outcome, same = conclude(fit, gathered, after, latest_answer_id=900, now=now)
    assert not outcome.kept and same.weights == fitted_weights
    back = parameters.stepped_back(after)
    assert back is not None and back.weights is None and parameters.stepped_back(back) is None
    assert parameters.answers_since_check(after, 1199) == 499 < parameters.OFFER_AFTER_ANSWERS


# --- a simulated learner -------------------------------------------------------------------------

# A learner whose memory differs from FSRS's defaults: first answers are remembered much longer,
# recall falls off more steeply with time, and lapses cost less.
TRUE_WEIGHTS = bounded([1.2, 3.0, 7.5, 25.0, *DEFAULT_WEIGHTS[4:11], 2.2, *DEFAULT_WEIGHTS[12:20], 0.35])


def simulated_log(cards: int, seed: int) -> list[dict]:
    """Answers of the TRUE_WEIGHTS learner, scheduled as paperdeck would (the defaults, at 0.9)."""
    rng = random.Random(seed)
    truth = rs.FSRS(list(TRUE_WEIGHTS))
    scheduler = rs.FSRS(list(DEFAULT_WEIGHTS))
    log = []
    start = utc(2025, 1, 1, 9)
    for number in range(cards):
        paper_id = f"card{number:04d}"
        at = start + timedelta(days=rng.randrange(60))
        first = rng.choices((1, 2, 3, 4), (0.2, 0.1, 0.55, 0.15))[0]
        reviews = [rs.FSRSReview(first, 0)]
        log.append(entry(paper_id, first, at, "new"))
        if first == 1:  # a failed first answer is learnt again the same day
            at += timedelta(minutes=10)
            reviews.append(rs.FSRSReview(3, 0))
            log.append(entry(paper_id, 3, at, "learning"))
        for _ in range(rng.randrange(3, 9)):
            planned = scheduler.memory_state(rs.FSRSItem(reviews))
            days = max(1, round(scheduler.next_interval(planned.stability, 0.9, 3) * rng.uniform(0.8, 1.3)))
            true_state = truth.memory_state(rs.FSRSItem(reviews))
            decay = -TRUE_WEIGHTS[20]
            factor = 0.9 ** (1 / decay) - 1
            recall = (1 + factor * days / true_state.stability) ** decay
            rating = rng.choices((2, 3, 4), (0.1, 0.8, 0.1))[0] if rng.random() < recall else 1
            at += timedelta(days=days)
            reviews.append(rs.FSRSReview(rating, days))
            log.append(entry(paper_id, rating, at, "review"))
            if rating == 1:
                at += timedelta(minutes=10)
                reviews.append(rs.FSRSReview(3, 0))
                log.append(entry(paper_id, 3, at, "relearning"))
    return log


def store_with(path: Path, log: list[dict]) -> Store:
    store = Store.open(path)
    for answer in log:
        store.add_review(answer)
    return store


def test_a_simulated_learner_is_fitted_closer_to_their_memory_than_the_defaults(tmp_path: Path, local_zone):
    store = store_with(tmp_path / "train" / "store.json", simulated_log(500, seed=1))
    deck = Deck(store)
    outcome = optimize.optimise(deck, now=utc(2026, 1, 1))
    assert outcome.kept and outcome.answers > 1500 and outcome.fitted.better_than(outcome.default)
    assert Deck(store).weights == outcome.weights == parameters.weights_in_use(store)
    store.close()

    # Answers the fit never saw, of the same learner: the fit predicts them better than the defaults.
    held_out = gather(simulated_log(300, seed=2), 4).histories
    fitted = optimize.evaluate(held_out, outcome.weights)
    default = optimize.evaluate(held_out, DEFAULT_WEIGHTS)
    true = optimize.evaluate(held_out, TRUE_WEIGHTS)
    assert true.log_loss < default.log_loss
    assert fitted.log_loss < default.log_loss
    assert fitted.log_loss - true.log_loss < (default.log_loss - true.log_loss) / 2

    # The first answers' stabilities, the best-determined parameters, come out nearer the truth.
    def distance(weights):
        return sum(abs(a - b) for a, b in zip(weights[:4], TRUE_WEIGHTS[:4], strict=True))

    assert distance(outcome.weights) < distance(DEFAULT_WEIGHTS)


def test_after_a_fit_each_card_remembers_as_its_history_says_and_due_dates_stay(tmp_path: Path, local_zone):
    log = simulated_log(60, seed=3)
    store = store_with(tmp_path / "store.json", log)
    deck = Deck(store)
    last = {}
    for answer in log:
        last[answer["paper_id"]] = answer["reviewed_at"]
    for paper_id, stamp in last.items():
        card = fsrs.Card(
            card_id=1,
            state=fsrs.State.Review,
            stability=5.0,
            difficulty=5.0,
            due=utc(2027, 1, 1),
            last_review=datetime.fromisoformat(stamp),
        )
        store.put_card(
            paper_id,
            {"paper_id": paper_id, "card": card.to_dict(), "suspended": False, "buried_until": None, "added_at": stamp},
        )
    # One card was answered after the log was read: its memory is not replaced.
    answered_since = "card0000"
    document = store.card_document(answered_since)
    store.put_card(
        answered_since, {**document, "card": {**document["card"], "last_review": "2027-01-01T00:00:00+00:00"}}
    )
    outcome = optimize.optimise(deck, now=utc(2026, 1, 1))
    assert outcome.kept and outcome.memory_updated == len(last) - 1
    expected = optimize.memory_of(gather(log, 4).histories, outcome.weights)
    for paper_id in last:
        card = store.card_document(paper_id)["card"]
        assert card["due"] == "2027-01-01T00:00:00+00:00"
        if paper_id == answered_since:
            assert card["stability"] == 5.0
        else:
            assert card["stability"] == pytest.approx(expected[paper_id][1])
    # Reset goes back to the defaults and works the memory out again under them.
    before, after, changed = optimize.reset(deck)
    assert before == outcome.weights and after == DEFAULT_WEIGHTS and changed == len(last) - 1
    assert deck.weights == DEFAULT_WEIGHTS and optimize.reset(deck) is None
    store.close()


# --- the command ---------------------------------------------------------------------------------


def paperdeck(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args, "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"TZ": "UTC", "PATH": "/usr/bin:/bin", "HOME": str(home)},
    )


def test_paperdeck_optimize_fits_keeps_reports_and_resets(tmp_path: Path, local_zone):
    home = tmp_path / "home"
    store_with(home / "store.json", simulated_log(120, seed=4)).close()
    result = paperdeck(home, "optimize", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["kept"] is True and report["answers"] > 300
    assert report["fitted"]["log_loss"] < report["default"]["log_loss"]
    assert set(report["default"]) == {"log_loss", "rmse_bins"}
    store = Store.open(home / "store.json")
    assert parameters.weights_in_use(store) == tuple(report["parameters"]) != DEFAULT_WEIGHTS
    store.close()

    again = paperdeck(home, "optimize")
    assert again.returncode == 0 and "already in use: nothing changed" in again.stdout
    assert "defaults" in again.stdout and "in use" in again.stdout

    back = paperdeck(home, "optimize", "--reset")
    assert back.returncode == 0 and "Back to fsrs's default parameters" in back.stdout
    nothing = paperdeck(home, "optimize", "--reset")
    assert "nothing to go back to" in nothing.stdout


def test_paperdeck_optimize_with_too_few_answers_keeps_the_defaults(tmp_path: Path, local_zone):
    home = tmp_path / "home"
    log = [entry(f"p{n}", 3, utc(2026, 1, 1, 9), "new") for n in range(5)]
    log += [entry(f"p{n}", 3, utc(2026, 1, 4, 9), "review") for n in range(5)]
    store_with(home / "store.json", log).close()
    result = paperdeck(home, "optimize")
    assert result.returncode == 0, result.stderr
    assert "5 answers on 5 cards" in result.stdout and "needs at least 8" in result.stdout
    report = json.loads(paperdeck(home, "optimize", "--json").stdout)
    assert report["answers"] == 5 and report["kept"] is False and report["fitted"] is None
    assert tuple(report["parameters"]) == DEFAULT_WEIGHTS


def test_paperdeck_optimize_while_another_paperdeck_holds_the_store_changes_nothing(tmp_path: Path, local_zone):
    home = tmp_path / "home"
    store = store_with(home / "store.json", simulated_log(40, seed=6))  # held open, as a running app holds it
    store.flush()
    result = paperdeck(home, "optimize")
    assert result.returncode == 2
    assert "another paperdeck" in result.stderr and "close it to optimise" in result.stderr
    assert "Traceback" not in result.stderr
    assert parameters.weights_in_use(store) == DEFAULT_WEIGHTS
    store.close()
