"""Fitting FSRS to the user's own answers with fsrs-rs, and keeping the fit only if it predicts better.

The steps, in the order `paperdeck optimize` and the app's palette action take them:
1. `gather`: the review log becomes each card's history: its answers in time order, each with
   the number of local review days since the one before (the `day_start_hour` setting, in the
   local zone, as the deck counts days). A card removed and added again starts a new history at
   its answer as a new card; a history whose first answer is not in the log (a card reviewed
   before its answers were kept) is left out, since FSRS fits the first answer's stability too.
2. `fit` (plain data in, plain data out, so the app can run it in a child process: fsrs-rs
   holds the GIL): every answer on a later day than the card's answer before it becomes an
   fsrs-rs item (the card's answers up to it); fsrs-rs fits the 21 parameters, and evaluates log loss and
   RMSE(bins) of the defaults, of the parameters in use and of the fitted ones on the same items.
3. `conclude`: the fitted parameters, rounded and held inside py-fsrs's bounds, are kept only if
   they predict better than those in use on both measures. Kept or not, the run is remembered,
   so that the app offers another only after 500 more answers.
4. `keep`: the store gets the new parameters (the old ones stay, for `--reset`), the deck
   schedules by them, and each card's memory (stability, difficulty) is computed again from its
   history under them, as Anki does; due dates stay as they are.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from tui.review import parameters
from tui.review.clock import day_start, iso_utc, normal_stamp, review_day
from tui.review.deck import Deck
from tui.review.parameters import DEFAULT_WEIGHTS, DeckParameters, Measure

# fsrs-rs fits nothing on fewer items than this, and only the first four parameters (the
# stability after a first answer of each grade) on fewer than FULL_FIT_ANSWERS.
MIN_ANSWERS = 8
FULL_FIT_ANSWERS = 64

T = TypeVar("T")
# A history as plain data: its paper, the time of its last answer, and (rating, days) pairs.
PlainHistory = tuple[str, str, list[tuple[int, int]]]


class FitFailed(Exception):
    """fsrs-rs could not fit or evaluate these answers; the message says what it said."""


@dataclass(frozen=True)
class Gathered:
    """The review log as card histories, and what was left out of it."""

    histories: list[PlainHistory]
    answers: int  # answers fsrs can learn from: those that follow an answer on an earlier day
    cards_left_out: int  # histories whose first answer is not in the log
    entries_left_out: int  # log lines without a grade or a time


def gather(reviews: Iterable[Mapping[str, Any]], day_start_hour: int) -> Gathered:
    """Each card's history from the review log (in any order), days counted from `day_start_hour`."""
    by_paper: defaultdict[str, list[tuple[str, int, int, str]]] = defaultdict(list)
    bad = 0
    for entry in reviews:
        stamp = normal_stamp(entry.get("reviewed_at"))
        rating = entry.get("rating")
        paper_id = entry.get("paper_id")
        if not stamp or type(rating) is not int or not 1 <= rating <= 4 or not isinstance(paper_id, str):
            bad += 1
            continue
        entry_id = entry.get("id")
        by_paper[paper_id].append((stamp, entry_id if type(entry_id) is int else 0, rating, str(entry.get("state"))))
    if not by_paper:
        return Gathered([], 0, 0, bad)
    day_of = _day_numbers(min(min(answers)[0] for answers in by_paper.values()), day_start_hour)
    histories: list[PlainHistory] = []
    left_out = 0
    for paper_id, answers in by_paper.items():
        answers.sort()
        life: list[tuple[str, int, int, str]] = []
        lives: list[list[tuple[str, int, int, str]]] = []
        for answer in answers:
            if answer[3] == "new" and life:
                lives.append(life)
                life = []
            life.append(answer)
        lives.append(life)
        for life in lives:
            if life[0][3] not in ("new", "None"):  # a log without states: its first answer starts it
                left_out += 1
                continue
            days = [day_of(stamp) for stamp, *_ in life]
            pairs = [(rating, 0 if n == 0 else days[n] - days[n - 1]) for n, (_, _, rating, _) in enumerate(life)]
            histories.append((paper_id, life[-1][0], pairs))
    answers = sum(1 for _, _, pairs in histories for n in range(1, len(pairs)) if _learnable(pairs, n))
    return Gathered(histories, answers, left_out, bad)


def _learnable(pairs: Sequence[tuple[int, int]], last: int) -> bool:
    """Whether the answer at `last` makes an fsrs-rs item: it came on a later day than the one
    before. Answers within a day are the items' earlier reviews, never what is predicted: fsrs-rs
    evaluates only long-term recall, as the srs-benchmark does."""
    return last > 0 and pairs[last][1] > 0


def _day_numbers(first_stamp: str, day_start_hour: int) -> Callable[[str], int]:
    """A function from a UTC stamp to its local review day's number, by bisecting day starts.

    Day starts are worked out once per day (a local zone's rules, summer time included), and the
    log's stamps, UTC text to the second, compare as text: no stamp is parsed."""
    first = review_day(datetime.fromisoformat(first_stamp), day_start_hour) - timedelta(days=1)
    starts: list[str] = []

    def day_of(stamp: str) -> int:
        while not starts or starts[-1] <= stamp:
            starts.append(iso_utc(day_start(first + timedelta(days=len(starts)), day_start_hour)))
        return bisect_right(starts, stamp)

    return day_of


# --- fitting (fsrs-rs) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """What fsrs-rs made of the answers: plain data, so that it crosses to and from a child process."""

    answers: int
    weights: tuple[float, ...] | None  # fitted, rounded into py-fsrs's bounds; None when too few answers
    default: Measure | None
    in_use: Measure | None  # of the parameters in use, when they are not the defaults
    fitted: Measure | None
    memory: dict[str, tuple[str, float, float]] = field(default_factory=dict)  # paper: (last answer, S, D)


def fit(histories: list[PlainHistory], in_use: tuple[float, ...]) -> Fit:
    """Fits FSRS-6 to the histories and measures defaults, `in_use` and the fit on the same answers."""
    import fsrs_rs_python as rs  # here: only an optimisation pays for loading the native module

    items = [item for _, _, pairs in histories for item in _items(rs, pairs)]
    if not items:
        return Fit(0, None, None, None, None)
    default = _measure(rs, DEFAULT_WEIGHTS, items)
    current = _measure(rs, in_use, items) if in_use != DEFAULT_WEIGHTS else None
    if len(items) < MIN_ANSWERS:
        return Fit(len(items), None, default, current, None)
    raw = _rust(lambda: rs.FSRS(list(DEFAULT_WEIGHTS)).compute_parameters(items, enable_short_term=True))
    weights = parameters.bounded(raw)
    fitted = _measure(rs, weights, items)
    return Fit(len(items), weights, default, current, fitted, memory_of(histories, weights))


def evaluate(histories: list[PlainHistory], weights: Sequence[float]) -> Measure | None:
    """Log loss and RMSE(bins) of `weights` on the answers of these histories (None: no answer to predict)."""
    import fsrs_rs_python as rs

    items = [item for _, _, pairs in histories for item in _items(rs, pairs)]
    return _measure(rs, weights, items) if items else None


def memory_of(histories: list[PlainHistory], weights: Sequence[float]) -> dict[str, tuple[str, float, float]]:
    """Each card's memory after its history under `weights`: paper -> (last answer, stability, difficulty)."""
    import fsrs_rs_python as rs

    chosen = [(paper_id, last, pairs) for paper_id, last, pairs in _latest(histories)]
    if not chosen:
        return {}
    model = rs.FSRS(list(weights))
    states = _rust(
        lambda: model.memory_state_batch([rs.FSRSItem([rs.FSRSReview(r, d) for r, d in p]) for _, _, p in chosen])
    )
    return {
        paper_id: (last, float(state.stability), float(state.difficulty))
        for (paper_id, last, _), state in zip(chosen, states, strict=True)
    }


def _latest(histories: list[PlainHistory]) -> list[PlainHistory]:
    """The latest history of each paper: the life its card is in now."""
    latest: dict[str, PlainHistory] = {}
    for history in histories:
        kept = latest.get(history[0])
        if kept is None or kept[1] < history[1]:
            latest[history[0]] = history
    return list(latest.values())


def _items(rs: Any, pairs: list[tuple[int, int]]) -> list[Any]:
    reviews = [rs.FSRSReview(rating, days) for rating, days in pairs]
    return [rs.FSRSItem(reviews[: last + 1]) for last in range(1, len(pairs)) if _learnable(pairs, last)]


def _measure(rs: Any, weights: Sequence[float], items: list[Any]) -> Measure:
    evaluation = _rust(lambda: rs.FSRS(list(weights)).evaluate(items))
    return Measure(round(float(evaluation.log_loss), 6), round(float(evaluation.rmse_bins), 6))


def _rust(call: Callable[[], T]) -> T:
    """Calls into fsrs-rs; a Rust panic (a BaseException from pyo3) becomes FitFailed."""
    try:
        return call()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # pyo3's PanicException derives from BaseException
        raise FitFailed(
            f"fsrs-rs could not fit these answers: {str(exc).splitlines()[0] if str(exc) else exc!r}"
        ) from None


# --- deciding and keeping -------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What an optimisation did, for `paperdeck optimize` and the app's notice."""

    answers: int
    cards: int
    cards_left_out: int
    default: Measure | None
    in_use: Measure | None
    fitted: Measure | None
    kept: bool
    weights_before: tuple[float, ...]
    weights: tuple[float, ...]  # in use after it
    memory_updated: int = 0  # cards whose stability and difficulty were computed again
    already_in_use: bool = False  # the fit came out as the parameters in use

    @property
    def too_few(self) -> bool:
        return self.answers < MIN_ANSWERS

    @property
    def changed(self) -> list[tuple[int, float, float]]:
        """(index, before, after) of each parameter that changed."""
        return [
            (index, before, after)
            for index, (before, after) in enumerate(zip(self.weights_before, self.weights, strict=True))
            if before != after
        ]

    def to_json(self) -> dict[str, Any]:
        """The `--json` document: answers, the measures of the defaults and the fit, whether it was kept."""
        document: dict[str, Any] = {
            "answers": self.answers,
            "cards": self.cards,
            "default": self.default.to_document() if self.default else None,
            "fitted": self.fitted.to_document() if self.fitted else None,
            "kept": self.kept,
        }
        if self.in_use is not None:
            document["in_use"] = self.in_use.to_document()
        document["parameters"] = list(self.weights)
        return document


def conclude(
    fitted: Fit, gathered: Gathered, before: DeckParameters, *, latest_answer_id: int, now: datetime
) -> tuple[Outcome, DeckParameters]:
    """Whether to keep the fit, and the deck's parameters after this run."""
    baseline = fitted.in_use if fitted.in_use is not None else fitted.default
    kept = (
        fitted.weights is not None
        and fitted.fitted is not None
        and baseline is not None
        and fitted.weights != before.in_use
        and fitted.fitted.better_than(baseline)
    )
    if kept:
        after = parameters.with_fitted(
            before,
            fitted.weights,
            answers=fitted.answers,
            at=iso_utc(now),
            measure=fitted.fitted,
            answer_id=latest_answer_id,
        )
    else:
        after = replace(before, checked_at_answer=latest_answer_id)
    outcome = Outcome(
        answers=fitted.answers,
        cards=len(gathered.histories),
        cards_left_out=gathered.cards_left_out,
        default=fitted.default,
        in_use=fitted.in_use,
        fitted=fitted.fitted,
        kept=kept,
        weights_before=before.in_use,
        weights=after.in_use,
        already_in_use=fitted.weights == before.in_use,
    )
    return outcome, after


def keep(deck: Deck, after: DeckParameters, memory: Mapping[str, tuple[str, float, float]]) -> int:
    """Saves the parameters, schedules by them, and sets each card's memory computed under them.

    A card's memory is replaced only when its last answer is the history's last, so a card
    answered since the log was gathered keeps what that answer gave it. Returns how many changed.
    """
    parameters.write(deck.store, after)
    deck.use_weights(after.in_use)
    changed = 0
    for paper_id, (last, stability, difficulty) in memory.items():
        document = deck.store.card_document(paper_id)
        if document is None:
            continue
        card = document["card"]
        if not card.get("last_review") or normal_stamp(card["last_review"]) != last:
            continue
        if card.get("stability") == stability and card.get("difficulty") == difficulty:
            continue
        deck.store.put_card(paper_id, {**document, "card": {**card, "stability": stability, "difficulty": difficulty}})
        changed += 1
    return changed


def describe(outcome: Outcome) -> list[str]:
    """What an optimisation did, in lines for `paperdeck optimize` and the app's notice."""
    lines = []
    cards = f"{outcome.cards:,} card{'s' if outcome.cards != 1 else ''}"
    answers = f"{outcome.answers:,} answer{'s' if outcome.answers != 1 else ''}"
    lines.append(f"{answers} on {cards} to learn from (answers on a later day than the card's one before).")
    if outcome.cards_left_out:
        lines.append(f"Left out {outcome.cards_left_out:,} card(s) whose first answer is not in the review log.")
    if outcome.too_few:
        lines.append(f"FSRS needs at least {MIN_ANSWERS} of them to fit anything: the parameters in use stay.")
        return lines
    if outcome.answers < FULL_FIT_ANSWERS:
        lines.append(
            f"Below {FULL_FIT_ANSWERS}, only the first four parameters (the stability after a first answer) are fitted."
        )
    lines.append("")
    lines.append(f"{'':12} {'log loss':>9} {'RMSE(bins)':>11}")
    for name, measure in (("defaults", outcome.default), ("in use", outcome.in_use), ("fitted", outcome.fitted)):
        if measure is not None:
            lines.append(f"{name:12} {measure.log_loss:9.4f} {measure.rmse_bins:11.2%}")
    lines.append("")
    if outcome.kept:
        changed = outcome.changed
        lines.append(f"Kept the fitted parameters: they predict your answers better. {len(changed)} of 21 changed:")
        lines.extend(f"  w{index:<2} {before:8.4f} → {after:8.4f}" for index, before, after in changed)
        lines.append(
            f"The memory of {outcome.memory_updated:,} card(s) was worked out again under them; due dates stay."
        )
        lines.append("`paperdeck optimize --reset` goes back to the parameters used before.")
    elif outcome.already_in_use:
        lines.append("The fit is the parameters already in use: nothing changed.")
    else:
        lines.append("The fitted parameters predict your answers no better: the parameters in use stay.")
    return lines


def summary(outcome: Outcome) -> str:
    """What an optimisation did, in two or three sentences for the app's notice."""
    answers = f"{outcome.answers:,} answer{'s' if outcome.answers != 1 else ''}"
    if outcome.too_few:
        return f"{answers} to learn from; FSRS needs at least {MIN_ANSWERS}: the parameters in use stay."
    before = outcome.in_use or outcome.default
    after = outcome.fitted
    assert before is not None and after is not None  # measured whenever there were enough answers
    measures = f"log loss {before.log_loss:.3f} → {after.log_loss:.3f}, RMSE(bins) {before.rmse_bins:.1%} → {after.rmse_bins:.1%}"
    if outcome.kept:
        return (
            f"Fitted to {answers} on {outcome.cards:,} cards and kept: {measures}. The memory of "
            f"{outcome.memory_updated:,} card(s) was worked out again; “Reset review parameters” goes back."
        )
    if outcome.already_in_use:
        return f"Fitted to {answers}: the fit is the parameters already in use."
    return f"Fitted to {answers}, but no better ({measures}): the parameters in use stay."


Runner = Callable[..., Any]


def _direct(function: Callable[..., T], *args: Any) -> T:
    return function(*args)


def optimise(deck: Deck, *, run: Runner = _direct, now: datetime | None = None) -> Outcome:
    """The whole run on the deck's store: gather, fit (through `run`), conclude, keep if better."""
    fitted, gathered, before, latest = fit_deck(deck, run=run)
    outcome, after = conclude(fitted, gathered, before, latest_answer_id=latest, now=deck.now(now))
    return settle(deck, outcome, after, fitted.memory if outcome.kept else {})


def fit_deck(deck: Deck, *, run: Runner = _direct) -> tuple[Fit, Gathered, DeckParameters, int]:
    """The reading half of `optimise`, which a worker thread may do: nothing is written."""
    latest = deck.store.last_review_id()
    gathered = gather(deck.store.review_documents(), deck.settings.day_start_hour)
    before = parameters.read(deck.store)
    return run(fit, gathered.histories, before.in_use), gathered, before, latest


def settle(deck: Deck, outcome: Outcome, after: DeckParameters, memory: Mapping[str, Any]) -> Outcome:
    """The writing half of `optimise` (on the thread that owns the store)."""
    updated = keep(deck, after, memory) if outcome.kept else 0
    if not outcome.kept:
        parameters.write(deck.store, after)  # the run is remembered, for the next offer
    return replace(outcome, memory_updated=updated)


def reset(deck: Deck, *, run: Runner = _direct) -> tuple[tuple[float, ...], tuple[float, ...], int] | None:
    """Goes back to the parameters in use before the last optimisation: (before, after, cards
    whose memory changed), or None when the deck already has fsrs's defaults and nothing before."""
    before = parameters.read(deck.store)
    after = parameters.stepped_back(before)
    if after is None:
        return None
    gathered = gather(deck.store.review_documents(), deck.settings.day_start_hour)
    memory = run(memory_of, gathered.histories, after.in_use)
    return before.in_use, after.in_use, keep(deck, after, memory)
