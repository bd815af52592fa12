"""Spaced review on a real store: fsrs scheduling, a simulated month of sessions, the review day, stats."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import fsrs
import pytest

from tui.review.clock import format_interval, next_day_start, review_day
from tui.review.deck import CardView, Deck
from tui.review.stats import Stats, compute_stats
from tui.settings import ReviewSettings
from tui.state.store import Store, StoreReadOnly

Again, Hard, Good, Easy = fsrs.Rating.Again, fsrs.Rating.Hard, fsrs.Rating.Good, fsrs.Rating.Easy
# POSIX zone strings, so the tests need no zoneinfo database.
SEOUL = "KST-9"
NEW_YORK = "EST5EDT,M3.2.0,M11.1.0"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "home" / "store.json"


class Clock:
    """A settable clock for a Deck."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)


# --- scheduling and the store -------------------------------------------------------------------


def test_grades_are_scheduled_by_fsrs_and_survive_reopening_exactly(path: Path, local_zone):
    store = Store.open(path)
    clock = Clock(utc(2026, 3, 2, 9))
    deck = Deck(store, ReviewSettings(), clock, enable_fuzzing=False)
    deck.add("paper-a")
    expected = deck.card("paper-a").card
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    answers = [(Good, {"minutes": 1}), (Good, {"minutes": 10}), (Good, {"days": 3}), (Again, {"minutes": 10})]
    for rating, wait in answers:
        deck.grade("paper-a", rating, duration_ms=5000)
        expected, _ = scheduler.review_card(expected, rating, clock.now, 5000)
        assert deck.card("paper-a").card.to_dict() == expected.to_dict()
        clock.advance(**wait)
    kept = deck.card("paper-a").card.to_dict()
    assert kept["state"] == fsrs.State.Relearning
    store.close()

    again = Store.open(path)
    reopened = Deck(again, clock=clock)
    assert reopened.card("paper-a").card.to_dict() == kept
    assert reopened.card("paper-a").status == "relearning"
    log = again.reviews_of("paper-a")
    assert [(review["rating"], review["state"], review["duration_ms"]) for review in log] == [
        (3, "new", 5000),
        (3, "learning", 5000),
        (3, "review", 5000),
        (1, "review", 5000),
    ]
    assert log[0]["reviewed_at"] == "2026-03-02T09:00:00+00:00"
    again.close()


def test_the_interval_a_grade_button_shows_is_the_one_the_grade_gives(path: Path, local_zone):
    # The default deck fuzzes intervals as Anki does; the fuzz is seeded per card and review.
    store = Store.open(path)
    clock = Clock(utc(2026, 3, 2, 9))
    deck = Deck(store, ReviewSettings(), clock)
    for paper_id in ("paper-a", "paper-b"):
        deck.add(paper_id)
        deck.grade(paper_id, Easy)
    clock.advance(days=40)
    for paper_id in ("paper-a", "paper-b"):
        before = deck.card(paper_id)
        preview = deck.preview(paper_id)
        assert deck.card(paper_id) == before and store.review_count == 2, "a preview changes nothing"
        assert preview[Again] == timedelta(minutes=10)
        assert preview[Hard] < preview[Good] < preview[Easy]
        token = deck.grade(paper_id, Good)
        assert token.after.card.due - clock.now == preview[Good]
        deck.undo(token)
        assert deck.preview(paper_id) == preview
    store.close()


def test_removing_a_card_keeps_its_reviews_and_undo_puts_it_back_exactly(path: Path, local_zone):
    store = Store.open(path)
    clock = Clock(utc(2026, 3, 2, 9))
    deck = Deck(store, clock=clock)
    assert deck.add("paper-a") and not deck.add("paper-a")
    deck.grade("paper-a", Good, duration_ms=1200)
    graded = deck.card("paper-a")
    removed = deck.remove("paper-a")
    assert removed == graded and not deck.has_card("paper-a") and deck.card("paper-a") is None
    assert deck.remove("paper-a") is None
    assert len(store.reviews_of("paper-a")) == 1
    deck.restore_card(removed)
    assert deck.card("paper-a") == graded
    deck.remove("paper-a")
    clock.advance(days=1)
    assert deck.add("paper-a")
    assert deck.card("paper-a").status == "new" and deck.card("paper-a").added_at == clock.now
    assert len(store.reviews_of("paper-a")) == 1
    store.close()
    assert Store.open(path).card_document("paper-a")["card"]["last_review"] is None


def test_a_read_only_store_refuses_every_change_but_still_answers(path: Path, local_zone):
    first = Store.open(path)
    deck = Deck(first, clock=lambda: utc(2026, 3, 2, 9))
    deck.add("paper-a")
    first.flush()
    second = Store.open(path)
    assert second.read_only
    other = Deck(second, clock=lambda: utc(2026, 3, 2, 9))
    assert other.session_queue() == ["paper-a"]
    for change in (
        lambda: other.add("paper-b"),
        lambda: other.grade("paper-a", Good),
        lambda: other.bury("paper-a"),
        lambda: other.suspend("paper-a"),
        lambda: other.remove("paper-a"),
        lambda: ReviewSettings(new_per_day=3).save(second),
    ):
        with pytest.raises(StoreReadOnly):
            change()
    assert other.card("paper-a").status == "new" and second.review_count == 0
    second.close()
    first.close()


def test_settings_round_trip_and_nonsense_falls_back_to_defaults(path: Path):
    store = Store.open(path)
    assert ReviewSettings.from_store(store) == ReviewSettings()
    chosen = ReviewSettings(desired_retention=0.85, new_per_day=0, day_start_hour=0, star_adds_card=False)
    chosen.save(store)
    store.close()
    store = Store.open(path)
    assert ReviewSettings.from_store(store) == chosen
    assert Deck(store).scheduler.desired_retention == 0.85
    for key, value in [
        ("review_desired_retention", 1.5),
        ("review_new_per_day", True),
        ("review_day_start_hour", 24),
        ("review_star_adds_card", "yes"),
    ]:
        store.set_setting(key, value)
    assert ReviewSettings.from_store(store) == ReviewSettings()
    store.close()


# --- a simulated month --------------------------------------------------------------------------


def test_a_month_of_daily_sessions(path: Path, local_zone):
    local_zone(SEOUL)
    store = Store.open(path)
    # Sessions at 21:00 in Seoul (12:00 UTC): well inside the local day that starts at 4 am.
    clock = Clock(utc(2026, 3, 1, 12))
    deck = Deck(store, ReviewSettings(new_per_day=3), clock)
    papers = [f"paper-{n:02}" for n in range(12)]
    for paper_id in papers:
        deck.add(paper_id)
        clock.advance(seconds=1)
    deck.suspend("paper-11")
    introduced: list[str] = []
    last_interval: dict[str, timedelta] = {}
    lapsed_from: dict[str, float] = {}
    buried = ""
    reviews_before_undo = None
    # How often each rule below was checked: a month of answers must reach every one of them.
    checked = {"good grows": 0, "again shrinks": 0, "relearned": 0}

    for day in range(30):
        clock.now = utc(2026, 3, 1, 12) + timedelta(days=day)
        queue = deck.session_queue()
        due_now = [p for p in papers if deck.card(p).reviewed and deck.card(p).card.due <= clock.now]
        buried_now = [p for p in papers if deck.card(p).buried(clock.now)]
        assert deck.due_count() == len([p for p in due_now if p not in buried_now and p != "paper-11"])
        assert queue[: deck.due_count()] == [p for p in queue if deck.card(p).reviewed]
        new_today = [p for p in queue if not deck.card(p).reviewed]
        expected_new = [p for p in papers[:11] if p not in introduced][:3]
        assert new_today == expected_new, f"day {day}: oldest new cards first, three a day"
        assert "paper-11" not in queue
        assert not set(queue) & set(buried_now)

        if day == 6:
            assert buried in queue, "the buried card is back the next day"
        if day == 5:
            buried = queue[0]
            deck.bury(buried)
            assert buried not in deck.session_queue() and not deck.is_due(buried)
            # Still buried at 03:59 Seoul time the next morning, back at 04:00.
            assert buried not in deck.session_queue(utc(2026, 3, 6, 18, 59))
            assert deck.card(buried).buried_until == utc(2026, 3, 6, 19)
            queue = queue[1:]

        # A session: answer what is due, then come back ten minutes later for the learning steps.
        rounds = 0
        while queue:
            for position, paper_id in enumerate(queue):
                view = deck.card(paper_id)
                rating = Again if (day + position) % 7 == 3 and view.status == "review" else Good
                if view.status == "new":
                    introduced.append(paper_id)
                if day >= 10 and reviews_before_undo is None:
                    reviews_before_undo = store.review_count
                    document = dict(store.card_document(paper_id))
                    token = deck.grade(paper_id, rating, duration_ms=900)
                    assert store.review_count == reviews_before_undo + 1
                    deck.undo(token)
                    assert store.card_document(paper_id) == document
                    assert deck.card(paper_id).card.to_dict() == view.card.to_dict()
                    assert store.review_count == reviews_before_undo
                    assert token.review_id not in {review["id"] for review in store.reviews_of(paper_id)}
                token = deck.grade(paper_id, rating, duration_ms=900)
                interval = token.after.card.due - clock.now
                if view.status == "review" and rating == Good and paper_id in last_interval:
                    assert interval >= last_interval[paper_id], "Good never shortens the interval"
                    assert token.after.card.stability > view.card.stability, "and makes memory stabler"
                    checked["good grows"] += 1
                if view.status == "review" and rating == Again:
                    assert interval < last_interval[paper_id], "Again makes it shrink"
                    lapsed_from[paper_id] = view.card.stability
                    checked["again shrinks"] += 1
                if token.after.status == "review":
                    if view.status == "relearning":
                        assert interval <= last_interval[paper_id], "after a lapse, no longer than before"
                        assert token.after.card.stability < lapsed_from.pop(paper_id)
                        checked["relearned"] += 1
                    last_interval[paper_id] = interval
            clock.advance(minutes=10)
            queue = deck.session_queue()
            rounds += 1
            assert rounds < 5
        assert deck.due_count() == 0

    assert reviews_before_undo is not None
    assert all(checked.values()), f"rules never reached in a month of answers: {checked}"
    assert introduced == papers[:11], "every unsuspended card was introduced, three a day"
    assert deck.card("paper-11").status == "suspended" and not deck.card("paper-11").reviewed
    longest = max(last_interval.values())
    assert longest > timedelta(days=20)
    stats = compute_stats(deck)
    assert stats.total_reviews == store.review_count
    assert sum(stats.reviews_per_day.values()) == store.review_count
    session_days = [day for day, count in stats.reviews_per_day.items() if count]
    assert session_days[0] == date(2026, 3, 1) and stats.reviews_per_day[date(2026, 3, 1)] == 6
    streak = 0
    while stats.reviews_per_day.get(stats.today - timedelta(days=streak + (not stats.reviews_per_day[stats.today]))):
        streak += 1
    assert stats.streak_days == streak
    assert stats.by_status["suspended"] == 1 and stats.by_status["new"] == 0
    assert 0 < stats.true_retention < 1
    store.close()


# --- the review day -----------------------------------------------------------------------------


def test_the_review_day_starts_at_the_day_start_hour_in_the_local_zone(local_zone):
    local_zone(SEOUL)
    # 02:00 on 11 March in Seoul is 17:00 UTC on the 10th: still the 10th's review day.
    assert review_day(utc(2026, 3, 10, 17), 4) == date(2026, 3, 10)
    assert review_day(utc(2026, 3, 10, 18, 59, 59), 4) == date(2026, 3, 10)
    assert review_day(utc(2026, 3, 10, 19), 4) == date(2026, 3, 11)
    assert review_day(utc(2026, 3, 10, 17), 0) == date(2026, 3, 11)
    assert next_day_start(utc(2026, 3, 10, 17), 4) == utc(2026, 3, 10, 19)
    assert next_day_start(utc(2026, 3, 10, 19), 4) == utc(2026, 3, 11, 19)
    assert next_day_start(utc(2026, 3, 10, 19), 4).tzinfo == UTC

    local_zone(NEW_YORK)
    # Clocks go forward on 8 March 2026: that review day starts at 04:00 EDT, 08:00 UTC.
    assert next_day_start(utc(2026, 3, 7, 17), 4) == utc(2026, 3, 8, 8)
    assert next_day_start(utc(2026, 3, 6, 17), 4) == utc(2026, 3, 7, 9)
    assert review_day(utc(2026, 3, 8, 7, 59), 4) == date(2026, 3, 7)


def test_new_cards_per_day_follow_the_local_day_start(path: Path, local_zone):
    local_zone(SEOUL)
    store = Store.open(path)
    clock = Clock(utc(2026, 3, 10, 17))  # 02:00 in Seoul: the 10th's review day
    deck = Deck(store, ReviewSettings(new_per_day=2), clock)
    for n in range(6):
        deck.add(f"paper-{n}")
    first = deck.session_queue()
    assert first == ["paper-0", "paper-1"]
    for paper_id in first:
        deck.grade(paper_id, Easy)
    assert deck.introduced_today() == 2
    clock.now = utc(2026, 3, 10, 18, 59)  # 03:59: same review day, no more new cards
    assert deck.session_queue() == []
    clock.now = utc(2026, 3, 10, 19)  # 04:00: a new review day
    assert deck.session_queue() == ["paper-2", "paper-3"]
    token = deck.grade("paper-2", Good)
    assert deck.session_queue() == ["paper-3"]
    deck.undo(token)
    assert deck.session_queue() == ["paper-2", "paper-3"]
    store.close()


def test_buried_and_suspended_cards_stay_out_of_sessions(path: Path, local_zone):
    local_zone(NEW_YORK)
    store = Store.open(path)
    clock = Clock(utc(2026, 3, 7, 17))  # noon in New York, the day before clocks go forward
    deck = Deck(store, clock=clock)
    for paper_id in ("paper-a", "paper-b", "paper-c"):
        deck.add(paper_id)
    before = deck.bury("paper-a")
    assert before.buried_until is None
    assert deck.card("paper-a").buried_until == utc(2026, 3, 8, 8)
    deck.suspend("paper-b")
    assert deck.session_queue() == ["paper-c"]
    assert deck.session_queue(utc(2026, 3, 8, 7, 59)) == ["paper-c"]
    assert deck.session_queue(utc(2026, 3, 8, 8)) == ["paper-a", "paper-c"]
    deck.restore_card(before)
    assert deck.session_queue() == ["paper-a", "paper-c"]
    deck.unsuspend("paper-b")
    assert deck.session_queue() == ["paper-a", "paper-b", "paper-c"]
    store.close()


# --- formatting and stats -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(seconds=0), "<1m"),
        (timedelta(seconds=59), "<1m"),
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=5, seconds=30), "6m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(minutes=59, seconds=40), "1h"),
        (timedelta(hours=5), "5h"),
        (timedelta(days=1), "1d"),
        (timedelta(days=3), "3d"),
        (timedelta(days=21), "21d"),
        (timedelta(days=30), "1mo"),
        (timedelta(days=63), "2.1mo"),
        (timedelta(days=365), "1y"),
        (timedelta(days=475), "1.3y"),
        (timedelta(seconds=-5), "<1m"),
    ],
)
def test_intervals_are_written_as_anki_writes_them(delta: timedelta, shown: str):
    assert format_interval(delta) == shown


def card(state: fsrs.State, due: datetime, last_review: datetime | None, stability: float | None = 5.0) -> dict:
    return fsrs.Card(
        card_id=1,
        state=state,
        step=0 if state != fsrs.State.Review else None,
        stability=stability,
        difficulty=5.0 if stability else None,
        due=due,
        last_review=last_review,
    ).to_dict()


def test_stats_of_a_known_history(path: Path, local_zone):
    store = Store.open(path)
    added = "2026-01-01T00:00:00+00:00"
    review, learning, relearning = fsrs.State.Review, fsrs.State.Learning, fsrs.State.Relearning
    cards = {
        "p1": card(review, utc(2026, 3, 10, 8), utc(2026, 3, 9, 10)),  # overdue: today
        "p2": card(review, utc(2026, 3, 12, 10), utc(2026, 3, 10, 5), 10.0),  # in two days
        "p3": card(review, utc(2026, 3, 10, 8), utc(2026, 3, 1, 10)),  # suspended
        "p4": card(fsrs.State.Learning, utc(2026, 3, 1), None, None),  # new
        "p5": card(learning, utc(2026, 3, 10, 12, 10), utc(2026, 3, 10, 12), 2.3),  # today
        "p6": card(relearning, utc(2026, 3, 11, 3, 59), utc(2026, 3, 10, 11)),  # today: before 4 am
        "p7": card(review, utc(2026, 3, 11, 4), utc(2026, 3, 1, 10)),  # tomorrow
        "p8": card(review, utc(2026, 3, 9), utc(2026, 3, 1, 10)),  # buried until tomorrow
        "p9": card(review, utc(2026, 5, 1), utc(2026, 3, 1, 10), 80.0),  # beyond the forecast
    }
    for paper_id, fields in cards.items():
        store.put_card(
            paper_id,
            {
                "card": fields,
                "suspended": paper_id == "p3",
                "buried_until": "2026-03-11T04:00:00+00:00" if paper_id == "p8" else None,
                "added_at": added,
            },
        )
    log = [
        ("p1", 3, "2026-03-10T03:00:00+00:00", 1000, "new"),  # before 4 am: the 9th
        ("p1", 1, "2026-03-09T10:00:00+00:00", 2000, "review"),
        ("p2", 3, "2026-03-08T10:00:00+00:00", 3000, "review"),
        ("p2", 4, "2026-03-10T05:00:00+00:00", 4000, "review"),
        ("p3", 1, "2026-02-01T10:00:00+00:00", 5000, "review"),  # older than 30 days
        ("p3", 3, "2025-01-01T10:00:00+00:00", 6000, "review"),  # older than the heatmap
        ("p2", 2, "2026-03-06T10:00:00+00:00", 7000, "relearning"),
    ]
    for paper_id, rating, at, spent, state in log:
        store.add_review(
            {"paper_id": paper_id, "rating": rating, "reviewed_at": at, "duration_ms": spent, "state": state}
        )
    now = utc(2026, 3, 10, 12)
    deck = Deck(store, clock=lambda: now)
    stats = compute_stats(deck)

    assert isinstance(stats, Stats) and stats.today == date(2026, 3, 10)
    assert len(stats.reviews_per_day) == 365
    assert min(stats.reviews_per_day) == date(2025, 3, 11) and max(stats.reviews_per_day) == date(2026, 3, 10)
    assert {day: n for day, n in stats.reviews_per_day.items() if n} == {
        date(2026, 3, 10): 1,
        date(2026, 3, 9): 2,
        date(2026, 3, 8): 1,
        date(2026, 3, 6): 1,
        date(2026, 2, 1): 1,
    }
    assert stats.forecast[:4] == [3, 2, 1, 0] and sum(stats.forecast) == 6 and len(stats.forecast) == 30
    assert stats.by_status == {"new": 1, "learning": 1, "review": 5, "relearning": 1, "suspended": 1}
    assert stats.true_retention == pytest.approx(2 / 3) and stats.retention_answers == 3
    assert stats.total_reviews == 7 and stats.time_spent_ms == 28000
    assert stats.streak_days == 3
    scheduler = fsrs.Scheduler()
    reviewed = [fsrs.Card.from_dict(cards[p]) for p in ("p1", "p2", "p5", "p6", "p7", "p8", "p9")]
    expected = sum(scheduler.get_card_retrievability(c, now) for c in reviewed) / len(reviewed)
    assert stats.average_retrievability == pytest.approx(expected)
    store.close()


def test_stats_of_an_empty_deck(path: Path, local_zone):
    store = Store.open(path)
    stats = compute_stats(Deck(store, clock=lambda: utc(2026, 3, 10, 12)))
    assert sum(stats.reviews_per_day.values()) == 0 and stats.forecast == [0] * 30
    assert stats.true_retention is None and stats.average_retrievability is None
    assert stats.streak_days == 0 and stats.total_reviews == 0
    store.close()


def test_a_card_view_round_trips_through_its_document():
    view = CardView(
        "paper-a",
        fsrs.Card(card_id=7, due=utc(2026, 3, 1)),
        suspended=True,
        buried_until=utc(2026, 3, 2, 4),
        added_at=utc(2026, 3, 1),
    )
    assert CardView.from_document(view.to_document()) == view
    assert view.status == "suspended"


def test_stats_read_log_entries_written_by_hand_or_an_older_paperdeck(path: Path, local_zone):
    store = Store.open(path)
    for review in [
        # Seoul time: 04:30 UTC on the 10th, after the day start; no state, no duration.
        {"paper_id": "p1", "rating": 3, "reviewed_at": "2026-03-10T13:30:00+09:00"},
        {
            "paper_id": "p1",
            "rating": 1,
            "reviewed_at": "2026-03-09T10:00:00.250000+00:00",
            "duration_ms": 700,
            "state": "review",
        },
        {"paper_id": "p2", "rating": 3, "reviewed_at": "not a time", "duration_ms": 300},
    ]:
        store.add_review(review)
    stats = compute_stats(Deck(store, clock=lambda: utc(2026, 3, 10, 12)))
    assert {day: n for day, n in stats.reviews_per_day.items() if n} == {date(2026, 3, 10): 1, date(2026, 3, 9): 1}
    assert stats.total_reviews == 3 and stats.time_spent_ms == 1000
    assert stats.true_retention == 0 and stats.retention_answers == 1
    assert stats.streak_days == 2
    store.close()


def test_settings_typed_by_a_user_are_checked(path: Path):
    settings = ReviewSettings()
    assert settings.with_text("new_per_day", " 20 ").new_per_day == 20
    assert settings.with_text("desired_retention", "0.85").desired_retention == 0.85
    assert settings.with_text("day_start_hour", "0").day_start_hour == 0
    assert settings.with_text("star_adds_card", "false").star_adds_card is False
    for name, text in [
        ("new_per_day", "-1"),
        ("new_per_day", "ten"),
        ("desired_retention", "1.5"),
        ("day_start_hour", "24"),
        ("star_adds_card", "maybe"),
        ("colour", "blue"),
    ]:
        with pytest.raises(ValueError, match=name):
            settings.with_text(name, text)
    store = Store.open(path)
    deck = Deck(store)
    deck.apply_settings(settings.with_text("desired_retention", "0.8"))
    assert deck.scheduler.desired_retention == 0.8 and deck.settings.desired_retention == 0.8
    store.close()


def test_a_card_describes_where_it_stands(path: Path, local_zone):
    store = Store.open(path)
    try:
        now = utc(2026, 3, 10, 12)
        deck = Deck(store, clock=lambda: now)
        deck.add("a")
        assert deck.card("a").describe(now) == "new card"
        deck.grade("a", fsrs.Rating.Good, now)
        assert deck.card("a").describe(now) == "card due in 10m"
        assert deck.card("a").describe(now + timedelta(hours=1)) == "card due now"
        deck.bury("a", now)
        assert deck.card("a").describe(now) == "card buried until tomorrow"
        deck.suspend("a")
        assert deck.card("a").describe(now) == "card suspended"
    finally:
        store.close()
