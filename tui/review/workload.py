"""The workload to expect at each desired retention: fsrs-rs's simulator run on a deck like yours.

Anki's FSRS simulator answers "what would 0.95 cost me?" by simulating a deck through a year
of days: cards introduced at the new-card limit, each review answered at random by the
card's recall probability under the FSRS parameters. paperdeck runs fsrs-rs's simulator (the
FSRS authors' own) the same way, once per desired retention from 0.80 to 0.95 (and the
current setting, wherever it is), on:
- the deck's size (unsuspended cards) and the `new_per_day` setting (0: every card at once);
- the parameters the deck schedules by (fitted to the user, or the defaults);
- how this user grades: the shares of first grades and of Hard/Good/Easy on passed reviews,
  and the seconds each grade takes in each state, from the review log where it holds enough
  answers to say (else fsrs-rs's defaults, from Anki users);
- the `leech_lapses` setting (the simulator suspends leeches too).

fsrs-rs-python 0.9.3's `simulate` starts from an empty deck (it takes no existing cards), so
the figures are a year's average for these cards learned from scratch at this pace: a fair
comparison between retentions, not a forecast of the cards' own due dates (the due forecast
on the stats screen is that).

`plan` reads the deck (pure Python); `simulate` is plain data in and out, so that the app can
run it in a child process: fsrs-rs holds the GIL while it simulates.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import median
from typing import Any

from tui.review.deck import Deck

RETENTIONS = tuple(round(0.80 + step / 100, 2) for step in range(16))  # 0.80, 0.81, ..., 0.95
SIMULATED_DAYS = 365
# Below these counts the user's own shares and timings say less than the defaults do.
MIN_GRADES = 20
MIN_TIMINGS = 10
# With no daily limit cards are simulated independently, so a small deck is simulated as
# copies of itself until this many cards are learned in the year, and the load divided back:
# the same expected load, without the noise that makes 0.88 look cheaper than 0.87.
SIMULATED_CARDS = 5000
# A duration over this is a reader who walked away, not the time an answer takes.
LONGEST_ANSWER_MS = 5 * 60_000
_COST_ROWS = {"new": 0, "learning": 0, "review": 1, "relearning": 2}  # fsrs-rs: learning, review, relearning


@dataclass(frozen=True)
class Plan:
    """What the simulator is run on: plain data, picklable for a child process."""

    weights: tuple[float, ...]
    current: float  # the desired_retention setting
    cards: int  # unsuspended cards in the deck
    new_per_day: int
    leech_lapses: int  # 0: never suspended
    learning_steps: int
    relearning_steps: int
    first_grades: tuple[float, ...] | None  # shares of Again, Hard, Good, Easy as a first answer
    review_grades: tuple[float, ...] | None  # shares of Hard, Good, Easy among passed reviews
    seconds: tuple[tuple[float | None, ...], ...]  # per cost row and grade; None: fsrs-rs's default
    answers: int  # answers in the review log, that the shares and timings come from

    @property
    def retentions(self) -> tuple[float, ...]:
        return tuple(sorted({*RETENTIONS, round(self.current, 2)}))

    @property
    def own_habits(self) -> bool:
        """Whether anything of the user's own grading went into the plan."""
        return self.first_grades is not None or self.review_grades is not None


@dataclass(frozen=True)
class Load:
    """A year's average day at one desired retention."""

    retention: float
    reviews_per_day: float  # answers on cards already learned
    new_per_day: float  # cards introduced
    minutes_per_day: float  # the time all of it takes, by the user's own timings
    remembered: int  # cards recalled at the given retention at the year's end


@dataclass(frozen=True)
class Workload:
    """The simulated load at each retention, and what it was simulated on."""

    plan: Plan
    loads: tuple[Load, ...]

    @property
    def current(self) -> Load:
        """The load at the current desired retention."""
        wanted = round(self.plan.current, 2)
        return min(self.loads, key=lambda load: abs(load.retention - wanted))

    def to_json(self) -> dict[str, Any]:
        return {
            "desired_retention": self.plan.current,
            "cards": self.plan.cards,
            "new_per_day": self.plan.new_per_day,
            "days": SIMULATED_DAYS,
            "own_habits": self.plan.own_habits,
            "loads": [
                {
                    "retention": load.retention,
                    "reviews_per_day": round(load.reviews_per_day, 2),
                    "new_per_day": round(load.new_per_day, 2),
                    "minutes_per_day": round(load.minutes_per_day, 2),
                    "remembered": load.remembered,
                }
                for load in self.loads
            ],
        }


def plan(deck: Deck, reviews: Iterable[Mapping[str, Any]] | None = None) -> Plan:
    """The simulator's inputs for this deck; `reviews` is its review log if already read."""
    log = list(deck.store.review_documents() if reviews is None else reviews)
    first: Counter[int] = Counter()
    passed: Counter[int] = Counter()
    timings: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
    for review in log:
        rating, state, duration = review.get("rating"), review.get("state"), review.get("duration_ms")
        if not isinstance(rating, int) or not 1 <= rating <= 4 or state not in _COST_ROWS:
            continue
        if state == "new":
            first[rating] += 1
        elif state == "review" and rating > 1:
            passed[rating] += 1
        if isinstance(duration, int) and 0 < duration <= LONGEST_ANSWER_MS:
            timings[_COST_ROWS[state], rating].append(duration)
    cards = sum(1 for view in deck.cards() if not view.suspended)
    scheduler = deck.scheduler
    return Plan(
        weights=tuple(deck.weights),
        current=deck.settings.desired_retention,
        cards=cards,
        new_per_day=deck.settings.new_per_day,
        leech_lapses=deck.settings.leech_lapses,
        learning_steps=len(scheduler.learning_steps),
        relearning_steps=len(scheduler.relearning_steps),
        first_grades=_shares(first, (1, 2, 3, 4)),
        review_grades=_shares(passed, (2, 3, 4)),
        seconds=tuple(
            tuple(
                median(timings[row, rating]) / 1000 if len(timings[row, rating]) >= MIN_TIMINGS else None
                for rating in (1, 2, 3, 4)
            )
            for row in range(3)
        ),
        answers=len(log),
    )


def _shares(counts: Counter[int], ratings: Sequence[int]) -> tuple[float, ...] | None:
    total = sum(counts[rating] for rating in ratings)
    if total < MIN_GRADES:
        return None
    return tuple(counts[rating] / total for rating in ratings)


def simulate(plan: Plan, seed: int = 42) -> Workload:
    """The load at each of the plan's retentions (an empty deck: no loads)."""
    import fsrs_rs_python as rs  # here: a native library that only the simulation needs

    if plan.cards == 0:
        return Workload(plan, ())
    learned_per_day = plan.new_per_day or plan.cards
    copies = -(-SIMULATED_CARDS // min(plan.cards, learned_per_day * SIMULATED_DAYS))
    config = rs.default_simulator_config()
    config.deck_size = plan.cards * copies
    config.learn_span = SIMULATED_DAYS
    config.learn_limit = learned_per_day * copies
    config.max_cost_perday = 1e12  # no daily time limit: the load is what the chart is for
    config.max_ivl = 36500.0
    config.learning_step_count = plan.learning_steps
    config.relearning_step_count = plan.relearning_steps
    config.suspend_after_lapses = plan.leech_lapses or None
    if plan.first_grades is not None:
        config.first_rating_prob = list(plan.first_grades)
    if plan.review_grades is not None:
        config.review_rating_prob = list(plan.review_grades)
    config.state_rating_costs = [
        [own if own is not None else default for own, default in zip(row, defaults, strict=True)]
        for row, defaults in zip(plan.seconds, config.state_rating_costs, strict=True)
    ]
    loads = []
    for retention in plan.retentions:
        result = rs.simulate(list(plan.weights), retention, config, seed)
        days = (len(result.review_cnt_per_day) or 1) * copies
        loads.append(
            Load(
                retention=retention,
                reviews_per_day=sum(result.review_cnt_per_day) / days,
                new_per_day=sum(result.learn_cnt_per_day) / days,
                minutes_per_day=sum(result.cost_per_day) / days / 60,
                remembered=round(result.memorized_cnt_per_day[-1] / copies) if result.memorized_cnt_per_day else 0,
            )
        )
    return Workload(plan, tuple(loads))
