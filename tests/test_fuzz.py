"""The seeded fuzz: what a grade button shows is what the grade gives, and fsrs is left as found."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta

import fsrs
import fsrs.scheduler

from tui.review.fuzz import fuzz_is_seedable, seeded_fuzz


def _interval(seed: str) -> timedelta:
    """The interval fsrs gives a card answered Good a few times, fuzz on, inside `seeded_fuzz`."""
    scheduler = fsrs.Scheduler(enable_fuzzing=True)
    card = fsrs.Card(card_id=1, due=datetime(2026, 3, 1, tzinfo=UTC))
    moment = card.due
    with seeded_fuzz(seed):
        for _ in range(4):
            card, _log = scheduler.review_card(card, fsrs.Rating.Good, moment)
            moment = card.due
    return card.due - card.last_review


def test_this_fsrs_draws_its_fuzz_where_it_is_seeded():
    # If fsrs moves its fuzz elsewhere, intervals are still right but the buttons' promise is not
    # kept: this is the test that says so.
    assert fuzz_is_seedable(), "fsrs.scheduler no longer has the `random` its fuzz is drawn from"


def test_the_same_seed_gives_the_same_interval_and_seeds_spread_them():
    intervals = {seed: _interval(seed) for seed in ("a", "b", "c", "d", "e", "f")}
    assert all(_interval(seed) == interval for seed, interval in intervals.items())
    assert len(set(intervals.values())) > 1, "fuzz on: different cards land on different days"


def test_fsrs_and_pythons_random_are_left_as_found_even_when_the_block_fails():
    before = fsrs.scheduler.random
    state = random.getstate()
    try:
        with seeded_fuzz("x"):
            assert fsrs.scheduler.random is not before
            raise RuntimeError("the review failed")
    except RuntimeError:
        pass
    assert fsrs.scheduler.random is before
    assert random.getstate() == state, "the process's own random sequence is untouched"


def test_threads_grading_at_once_each_get_their_own_seeds_interval():
    expected = {f"card-{n}": _interval(f"card-{n}") for n in range(8)}
    seen: dict[str, list[timedelta]] = {seed: [] for seed in expected}

    def grade(seed: str) -> None:
        for _ in range(20):
            seen[seed].append(_interval(seed))

    threads = [threading.Thread(target=grade, args=(seed,)) for seed in expected]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {seed: [interval] * 20 for seed, interval in expected.items()}
