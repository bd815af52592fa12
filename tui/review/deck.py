"""Spaced review of papers: which cards are due, grading them with FSRS, and the numbers behind it.

The scheduling is the `fsrs` package's (FSRS-6, with its default parameters until
`paperdeck optimize` fits them to the user's answers: `parameters.py`); this module
decides which cards a session shows, in what order, and keeps cards and the review log in the
store. Its idea of time (UTC for fsrs, the user's local review day) is `clock.py`'s.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

import fsrs

from tui.review import parameters
from tui.review.clock import (
    day_start,
    format_interval,
    iso_utc,
    next_day_start,
    normal_stamp,
    parse_time,
    review_day,
    to_utc,
    utc_now,
)
from tui.review.fuzz import seeded_fuzz
from tui.settings import ReviewSettings
from tui.state.paper_state import Snapshot
from tui.state.store import Store

STATUSES = ("new", "learning", "review", "relearning", "suspended")
_STATE_NAMES = {fsrs.State.Learning: "learning", fsrs.State.Review: "review", fsrs.State.Relearning: "relearning"}
# The user tag a leech gets, as Anki tags it: the tag, not the card, says which papers are leeches.
LEECH_TAG = "leech"
_RATINGS = frozenset(int(rating) for rating in fsrs.Rating)


# --- cards ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardView:
    """A paper's review card as the UI sees it: the fsrs card and what the user did to it."""

    paper_id: str
    card: fsrs.Card
    suspended: bool
    buried_until: datetime | None
    added_at: datetime
    introduced_at: datetime | None = None  # its first answer as a new card (the new-card limit counts it)
    lapses: int = 0  # Again answers while in review (a leech has many)
    # False for a card kept before lapses were: the review log holds its earlier ones, and
    # `Deck.grade` counts them there at its next lapse rather than on every grade.
    lapses_counted: bool = True

    @property
    def status(self) -> str:
        """One of new, learning, review, relearning, suspended ("new": never reviewed)."""
        if self.suspended:
            return "suspended"
        if self.card.last_review is None:
            return "new"
        return _STATE_NAMES[self.card.state]

    @property
    def reviewed(self) -> bool:
        return self.card.last_review is not None

    def describe(self, now: datetime) -> str:
        """Where the card stands, in a few words for the detail pane: "card due in 3d"."""
        if self.suspended:
            return "card suspended"
        if self.buried(now):
            return "card buried until tomorrow"
        if not self.reviewed:
            return "new card"
        if self.card.due <= now:
            return "card due now"
        return f"card due in {format_interval(self.card.due - now)}"

    def buried(self, now: datetime) -> bool:
        """True while the card is buried (skipped until a later day start)."""
        return self.buried_until is not None and self.buried_until > now

    @classmethod
    def new(cls, paper_id: str, added_at: datetime) -> CardView:
        """A card never answered, added at `added_at`; its id is that moment, so it is the same on
        every machine the card is synced to (fsrs seeds each card's fuzz with it)."""
        # An explicit card_id: fsrs would otherwise sleep a millisecond per card to make one up.
        card = fsrs.Card(card_id=int(added_at.timestamp() * 1000), due=added_at)
        return cls(paper_id, card, suspended=False, buried_until=None, added_at=added_at)

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> CardView:
        buried = document.get("buried_until")
        introduced = document.get("introduced_at")
        lapses = document.get("lapses")
        return cls(
            paper_id=document["paper_id"],
            card=fsrs.Card.from_dict(document["card"]),
            suspended=bool(document.get("suspended")),
            buried_until=parse_time(buried) if buried else None,
            added_at=parse_time(document["added_at"]),
            introduced_at=parse_time(introduced) if introduced else None,
            lapses=lapses if isinstance(lapses, int) and lapses > 0 else 0,
            lapses_counted="lapses" in document,
        )

    def to_document(self) -> dict[str, Any]:
        counted = {"lapses": self.lapses} if self.lapses_counted else {}
        return {
            "paper_id": self.paper_id,
            "card": self.card.to_dict(),
            "suspended": self.suspended,
            "buried_until": iso_utc(self.buried_until) if self.buried_until else None,
            "added_at": iso_utc(self.added_at),
            "introduced_at": iso_utc(self.introduced_at) if self.introduced_at else None,
            **counted,
        }


@dataclass(frozen=True, eq=False)
class GradeUndo:
    """What `Deck.undo` needs to take a grade back: the card document before it, the log entry,
    and, when the grade made the card a leech, the paper's tags before it."""

    paper_id: str
    rating: fsrs.Rating
    before: Mapping[str, Any]
    review_id: int
    after: CardView
    leech: bool = False  # the grade suspended the card as a leech
    tags_before: Snapshot | None = None  # None: the grade left the tags alone


class Deck:
    """The review deck on top of a store: adding cards, choosing a session, grading, undo."""

    def __init__(
        self,
        store: Store,
        settings: ReviewSettings | None = None,
        clock: Callable[[], datetime] = utc_now,
        *,
        enable_fuzzing: bool = True,
    ) -> None:
        self.store = store
        self.clock = clock
        self._enable_fuzzing = enable_fuzzing
        self.weights = parameters.weights_in_use(store)
        self.apply_settings(settings if settings is not None else ReviewSettings.from_store(store))
        # Views are rebuilt only when the store holds a different document for the paper, so
        # the cache cannot disagree with the store, whoever changed it.
        self._views: dict[str, tuple[Mapping[str, Any], CardView]] = {}

    def apply_settings(self, settings: ReviewSettings) -> None:
        """Uses new settings from now on (saving them is `ReviewSettings.save`)."""
        self.settings = settings
        self._scheduler = fsrs.Scheduler(
            parameters=self.weights, desired_retention=settings.desired_retention, enable_fuzzing=self._enable_fuzzing
        )

    def use_weights(self, weights: tuple[float, ...]) -> None:
        """Schedules by these FSRS parameters from now on (keeping them is `parameters.write`)."""
        self.weights = parameters.bounded(weights)
        self.apply_settings(self.settings)

    @property
    def scheduler(self) -> fsrs.Scheduler:
        return self._scheduler

    def now(self, now: datetime | None = None) -> datetime:
        """`now`, or the deck's clock, in UTC to the second."""
        return to_utc(now if now is not None else self.clock())

    def today(self, now: datetime | None = None) -> date:
        """The local review day of `now` (default: the clock's now)."""
        return review_day(self.now(now), self.settings.day_start_hour)

    # --- cards ----------------------------------------------------------------------------------

    def has_card(self, paper_id: str) -> bool:
        return self.store.card_document(paper_id) is not None

    def card(self, paper_id: str) -> CardView | None:
        document = self.store.card_document(paper_id)
        return None if document is None else self.view_of(paper_id, document)

    def cards(self) -> list[CardView]:
        """Every card in the deck, oldest added first."""
        return [self.view_of(paper_id, document) for paper_id, document in self.store.card_documents().items()]

    def __len__(self) -> int:
        return len(self.store.card_documents())

    def add(self, paper_id: str, now: datetime | None = None) -> bool:
        """Puts a paper in the deck as a new card; False if it already has one."""
        if self.has_card(paper_id):
            return False
        self.restore_card(CardView.new(paper_id, self.now(now)))
        return True

    def remove(self, paper_id: str) -> CardView | None:
        """Takes a paper's card out of the deck (its reviews stay); returns it, for undo."""
        view = self.card(paper_id)
        if view is not None:
            self.store.delete_card(paper_id)
        return view

    def restore_card(self, view: CardView) -> None:
        """Puts a card back exactly as `view` has it (undo of remove, suspend, bury)."""
        self.store.put_card(view.paper_id, view.to_document())

    def bury(self, paper_id: str, now: datetime | None = None) -> CardView:
        """Skips a card until the next day start; returns the card as it was, for undo."""
        moment = self.now(now)
        return self._change(paper_id, buried_until=iso_utc(next_day_start(moment, self.settings.day_start_hour)))

    def suspend(self, paper_id: str) -> CardView:
        """Keeps a card out of every session until unsuspended; returns it as it was, for undo."""
        return self._change(paper_id, suspended=True)

    def unsuspend(self, paper_id: str) -> CardView:
        return self._change(paper_id, suspended=False)

    def _change(self, paper_id: str, **fields: Any) -> CardView:
        document = self._document(paper_id)
        before = self.view_of(paper_id, document)
        if any(document.get(name) != value for name, value in fields.items()):
            self.store.put_card(paper_id, {**document, **fields})
        return before

    def _document(self, paper_id: str) -> Mapping[str, Any]:
        document = self.store.card_document(paper_id)
        if document is None:
            raise KeyError(f"paper {paper_id} has no review card")
        return document

    def view_of(self, paper_id: str, document: Mapping[str, Any]) -> CardView:
        cached = self._views.get(paper_id)
        if cached is not None and cached[0] is document:
            return cached[1]
        view = CardView.from_document(document)
        self._views[paper_id] = (document, view)
        return view

    # --- what is due ----------------------------------------------------------------------------

    def is_due(self, paper_id: str, now: datetime | None = None) -> bool:
        """True for a reviewed card that is due now, neither suspended nor buried."""
        document = self.store.card_document(paper_id)
        return document is not None and _due_now(document, iso_utc(self.now(now)))

    def due_count(self, now: datetime | None = None) -> int:
        """How many reviewed cards are due now (new cards not counted)."""
        stamp = iso_utc(self.now(now))
        return sum(1 for document in self.store.card_documents().values() if _due_now(document, stamp))

    def new_count(self, now: datetime | None = None) -> int:
        """How many never-reviewed cards are waiting (neither suspended nor buried)."""
        stamp = iso_utc(self.now(now))
        return sum(1 for document in self.store.card_documents().values() if _new_now(document, stamp))

    def new_left_today(self, now: datetime | None = None) -> int:
        """How many new cards today's sessions may still introduce."""
        return max(0, self.settings.new_per_day - self.introduced_today(now))

    def introduced_today(self, now: datetime | None = None) -> int:
        """How many papers in the deck had their first review today (the new-card limit counts them)."""
        moment = self.now(now)
        start = iso_utc(day_start(review_day(moment, self.settings.day_start_hour), self.settings.day_start_hour))
        # Each card keeps when it was introduced, so a session never reads the review log.
        return sum(
            1
            for document in self.store.card_documents().values()
            if (introduced := document.get("introduced_at")) and _stamp_at_or_after(introduced, start)
        )

    def session_queue(self, now: datetime | None = None) -> list[str]:
        """Paper ids to review now: due cards, least retrievable first, then today's new cards."""
        moment = self.now(now)
        stamp = iso_utc(moment)
        due: list[tuple[float, str, str]] = []
        new: list[tuple[datetime, str]] = []
        for paper_id, document in self.store.card_documents().items():
            if _due_now(document, stamp):
                view = self.view_of(paper_id, document)
                retrievability = self._scheduler.get_card_retrievability(view.card, moment)
                due.append((retrievability, iso_utc(view.card.due), paper_id))
            elif _new_now(document, stamp):
                new.append((parse_time(document["added_at"]), paper_id))
        due.sort()
        if not new:
            return [paper_id for _, _, paper_id in due]
        # A stable sort on the time added: cards added in the same second keep the store's order.
        new.sort(key=lambda pair: pair[0])
        return [paper_id for _, _, paper_id in due] + [paper_id for _, paper_id in new[: self.new_left_today(moment)]]

    def next_due(self, now: datetime | None = None) -> datetime | None:
        """When the next reviewed card falls due after now (for "next cards due in ..."), or None."""
        stamp = iso_utc(self.now(now))
        upcoming = [
            effective_due(document)
            for document in self.store.card_documents().values()
            if not document.get("suspended") and document["card"].get("last_review")
        ]
        later = [moment for moment in upcoming if iso_utc(moment) > stamp]
        return min(later, default=None)

    # --- grading --------------------------------------------------------------------------------

    def preview(self, paper_id: str, now: datetime | None = None) -> dict[fsrs.Rating, timedelta]:
        """The interval each grade would give the card now, changing nothing."""
        moment = self.now(now)
        view = self.card(paper_id)
        if view is None:
            raise KeyError(f"paper {paper_id} has no review card")
        return {rating: self._schedule(view, rating, moment, 0).due - moment for rating in fsrs.Rating}

    def grade(
        self, paper_id: str, rating: fsrs.Rating | int, now: datetime | None = None, duration_ms: int = 0
    ) -> GradeUndo:
        """Answers a card: fsrs schedules it, the store keeps the card and a log entry.

        A lapse (Again on a card in review) that brings its lapses to the `leech_lapses`
        setting, or half of it again after that, as Anki counts, makes the card a leech: it is
        suspended and its paper tagged leech."""
        rating = fsrs.Rating(rating)
        moment = self.now(now)
        document = self._document(paper_id)
        view = self.view_of(paper_id, document)
        card = self._schedule(view, rating, moment, duration_ms)
        state = _state_name(view.card)
        lapsed = rating == fsrs.Rating.Again and state == "review"
        lapses, counted = view.lapses, view.lapses_counted
        if lapsed:
            # Counted before this answer joins the log; a card from before lapses were kept
            # reads its earlier ones there once, now, so that other grades never read the log.
            lapses = (lapses if counted else lapses_in(self.store.reviews_of(paper_id), view.added_at)) + 1
            counted = True
        leech = lapsed and is_leech(lapses, self.settings.leech_lapses)
        # Answering a buried card (it was shown anyway) ends the bury.
        introduced = moment if not view.reviewed else view.introduced_at
        after = CardView(
            paper_id, card, view.suspended or leech, None, view.added_at, introduced, lapses, lapses_counted=counted
        )
        review_id = self.store.add_review(
            {
                # Known by this on every machine the answer is synced to; random, so that no two
                # answers share one (an undo and a grade again within a second included), and kept
                # in the log, so that a restored or copied home keeps it.
                "uid": secrets.token_hex(8),
                "paper_id": paper_id,
                "rating": int(rating),
                "reviewed_at": iso_utc(moment),
                "duration_ms": max(0, int(duration_ms)),
                "state": state,
                "due": iso_utc(card.due),
            }
        )
        self.restore_card(after)
        tags_before = None
        if leech and LEECH_TAG not in (tags := self.store.paper(paper_id).tags):
            tags_before = self.store.set_tags(paper_id, (*tags, LEECH_TAG))
        return GradeUndo(paper_id, rating, document, review_id, self.card(paper_id) or after, leech, tags_before)

    def replay(self, paper_id: str, answers: Iterable[Mapping[str, Any]]) -> CardView | None:
        """Works a card's schedule out again from its answers since it was added, in the order
        given (time order), as grading them one by one would have: after answers from another
        machine join the log, every machine comes to the same card. Suspension and burial stay as they are."""
        document = self.store.card_document(paper_id)
        if document is None:
            return None
        view = self.view_of(paper_id, document)
        fresh = CardView.new(paper_id, view.added_at)
        card, introduced, lapses = fresh.card, None, 0
        for answer in answers_since(answers, view.added_at):
            rating_number = answer.get("rating")
            if rating_number not in _RATINGS:
                continue  # a line written by hand: not an answer a scheduler can take
            moment = parse_time(answer["reviewed_at"])
            rating = fsrs.Rating(rating_number)
            if rating == fsrs.Rating.Again and card.last_review is not None and card.state == fsrs.State.Review:
                lapses += 1
            introduced = introduced or moment
            card = self._schedule(replace(fresh, card=card), rating, moment, int(answer.get("duration_ms") or 0))
        after = replace(view, card=card, introduced_at=introduced, lapses=lapses, lapses_counted=True)
        self.restore_card(after)
        return after

    def undo(self, token: GradeUndo) -> CardView:
        """Takes back a grade: the card and the paper's tags exactly as they were, its log entry removed."""
        self.store.put_card(token.paper_id, token.before)
        if token.tags_before is not None:
            self.store.restore(token.tags_before)
        self.store.remove_review(token.review_id)
        return self.view_of(token.paper_id, self._document(token.paper_id))

    def _schedule(self, view: CardView, rating: fsrs.Rating, moment: datetime, duration_ms: int) -> fsrs.Card:
        seed = f"{view.paper_id}|{view.card.card_id}|{view.card.last_review}"
        with seeded_fuzz(seed):
            card, _log = self._scheduler.review_card(view.card, rating, moment, duration_ms)
        return card


def _state_name(card: fsrs.Card) -> str:
    return "new" if card.last_review is None else _STATE_NAMES[card.state]


def is_leech(lapses: int, leech_lapses: int) -> bool:
    """Whether a card that just lapsed for the `lapses`th time becomes a leech: at the
    threshold, then every half threshold after it, as Anki flags again (0: never)."""
    if leech_lapses <= 0 or lapses < leech_lapses:
        return False
    return (lapses - leech_lapses) % max(1, leech_lapses // 2) == 0


def answers_since(reviews: Iterable[Mapping[str, Any]], added_at: datetime) -> list[Mapping[str, Any]]:
    """The log entries of a card's current life: those given since it was (last) added to the deck."""
    start = iso_utc(to_utc(added_at))
    return [review for review in reviews if (stamp := normal_stamp(review.get("reviewed_at"))) and stamp >= start]


def lapses_in(reviews: Iterable[Mapping[str, Any]], added_at: datetime) -> int:
    """The lapses (Again on a card in review) among a paper's log entries since its card was added."""
    return sum(
        1
        for review in answers_since(reviews, added_at)
        if review.get("state") == "review" and review.get("rating") == 1
    )


def _stamp_at_or_after(stamp: str, start: str) -> bool:
    """`stamp` >= `start` for ISO times; UTC to the second compares as text, fast ("" is never)."""
    if len(stamp) == len(start) == 25 and stamp.endswith("+00:00") and start.endswith("+00:00"):
        return stamp >= start
    return normal_stamp(stamp) >= normal_stamp(start)


def effective_due(document: Mapping[str, Any]) -> datetime:
    """When a card can next be shown: its due time, or the end of its bury if later."""
    due = parse_time(document["card"]["due"])
    buried = document.get("buried_until")
    return max(due, parse_time(buried)) if buried else due


def _due_now(document: Mapping[str, Any], now: str) -> bool:
    """A reviewed, unsuspended, unburied card whose due time has come."""
    card = document["card"]
    if document.get("suspended") or not card.get("last_review"):
        return False
    buried = document.get("buried_until")
    if buried and not _stamp_at_or_after(now, buried):
        return False
    return _stamp_at_or_after(now, card["due"])


def _new_now(document: Mapping[str, Any], now: str) -> bool:
    if document.get("suspended") or document["card"].get("last_review"):
        return False
    buried = document.get("buried_until")
    return not buried or _stamp_at_or_after(now, buried)
