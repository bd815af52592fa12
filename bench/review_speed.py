"""How fast a review session and the stats open on a large deck, against merely loading the store.

    python bench/review_speed.py [--cards 10000] [--reviews 200000] [--runs 5]

The store is built once per run of this script: each card gets its share of the review log
over the last year, scheduled by fsrs at random times with mostly Good answers, and is written
as paperdeck writes it (store.json and reviews.jsonl). Figures (median of the runs):
- floor: reading store.json and reviews.jsonl and orjson-loading them: all the state there is.
- `paperdeck review` from the shell: Store.open + Deck(...) + session_queue(), from nothing
  in memory (the store's own opening includes its backup copy and shape checks).
- a session in the running app: Deck(...) + session_queue() on the store the app holds open.
- the stats, first time: Store.open + Deck(...) + compute_stats(), which reads the review log.
- the stats again: Deck(...) + compute_stats() on the open store, the log already read.
- one grade: the UI thread's cost of Deck.grade, and the time until it is on disk.
Target: each opening under 300 ms.
"""

from __future__ import annotations

import argparse
import gc
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsrs
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import Figure, table

from tui.review.deck import CardView, Deck
from tui.review.stats import compute_stats
from tui.state.atomic import write_atomically
from tui.state.review_log import ReviewLog
from tui.state.store import Store
from tui.state.store_file import REVIEW_LOG, fresh_tables
from tui.state.tables import serialise

RATINGS = (fsrs.Rating.Again, fsrs.Rating.Hard, fsrs.Rating.Good, fsrs.Rating.Easy)
WEIGHTS = (0.12, 0.08, 0.72, 0.08)


def build_store(path: Path, cards: int, reviews: int, now: datetime, seed: int = 7) -> None:
    """A store with `cards` review cards and `reviews` log entries, as paperdeck would write them."""
    rng = random.Random(seed)
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    tables = fresh_tables()
    card_table = tables["cards"]
    log: list[dict] = []
    # One card in twenty is new (starred, never reviewed); the others share the log.
    reviewed = cards - cards // 20
    per_card = [reviews // reviewed + (1 if n < reviews % reviewed else 0) for n in range(reviewed)]
    per_card += [0] * (cards - reviewed)
    for number, count in enumerate(per_card):
        paper_id = f"{rng.getrandbits(64):016x}"
        added = now - timedelta(seconds=rng.randrange(2 * 86400, 365 * 86400))
        card = fsrs.Card(card_id=int(added.timestamp() * 1000), due=added)
        span = (now - added).total_seconds()
        introduced = None
        for moment in sorted(added + timedelta(seconds=rng.randrange(int(span))) for _ in range(count)):
            moment = moment.replace(microsecond=0)
            introduced = introduced or moment
            status = "new" if card.last_review is None else card.state.name.lower()
            rating = rng.choices(RATINGS, WEIGHTS)[0]
            card, _ = scheduler.review_card(card, rating, moment)
            log.append(
                {
                    "paper_id": paper_id,
                    "rating": int(rating),
                    "reviewed_at": moment.isoformat(),
                    "duration_ms": rng.randrange(2000, 40000),
                    "state": status,
                }
            )
        view = CardView(
            paper_id, card, suspended=number % 50 == 0, buried_until=None, added_at=added, introduced_at=introduced
        )
        card_table[str(number + 1)] = view.to_document()
    # paperdeck appends answers as they are given, so the log is in time order.
    log.sort(key=lambda review: review["reviewed_at"])
    ReviewLog(path.with_name(REVIEW_LOG)).rewrite({"id": number, **review} for number, review in enumerate(log, 1))
    write_atomically(path, serialise(tables))


def timed(action: Callable[[], object], runs: int) -> list[float]:
    """Seconds per run; what a run made is freed outside the timing, as a real opening keeps it."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        made = action()
        times.append(time.perf_counter() - start)
        del made
        gc.collect()  # the store holds reference cycles: free it now, not inside the next run
    return times


def time_grades(folder: Path, grades: int, now: datetime) -> tuple[list[float], list[float]]:
    """Grades the due cards of a copy of the store one at a time, as a session does."""
    copy = folder / "grading"
    copy.mkdir()
    for name in ("store.json", REVIEW_LOG):
        shutil.copyfile(folder / name, copy / name)
    store = Store.open(copy / "store.json")
    deck = Deck(store, clock=lambda: now)
    costs, durable = [], []
    for paper_id in deck.session_queue()[:grades]:
        start = time.perf_counter()
        deck.grade(paper_id, fsrs.Rating.Good, duration_ms=5000)
        costs.append(time.perf_counter() - start)
        while store.pending:
            time.sleep(0.001)
        durable.append(time.perf_counter() - start)
    store.close()
    return costs, durable


def measure(cards: int, reviews: int, runs: int) -> list[Figure]:
    """Opening a session and the stats on a big deck, against reading all the state there is."""
    now = datetime.now(UTC).replace(microsecond=0)
    folder = Path(tempfile.mkdtemp(prefix="paperdeck-review-bench-"))
    path = folder / "store.json"
    log_path = folder / REVIEW_LOG
    build_store(path, cards, reviews, now)

    def open_session() -> Store:
        store = Store.open(path)
        Deck(store, clock=lambda: now).session_queue()
        store.close()  # nothing changed: releases the lock, writes nothing
        return store

    def open_stats() -> Store:
        store = Store.open(path)
        compute_stats(Deck(store, clock=lambda: now))
        store.close()
        return store

    def read_everything() -> tuple[object, list[object]]:
        return orjson.loads(path.read_bytes()), list(map(orjson.loads, log_path.read_bytes().splitlines()))

    floors = timed(read_everything, runs)
    shell_sessions = timed(open_session, runs)
    first_stats = timed(open_stats, runs)
    store = Store.open(path)
    app_sessions = timed(lambda: Deck(store, clock=lambda: now).session_queue(), runs)
    stats_times = timed(lambda: compute_stats(Deck(store, clock=lambda: now)), runs)
    store.close()
    grade_costs, grade_durable = time_grades(folder, max(runs, 5) * 4, now)
    floor = "read + orjson.loads of store.json and reviews.jsonl (floor)"
    size = (path.stat().st_size + log_path.stat().st_size) / 1e6
    under = {"target": "< 300 ms", "absolute_target": 0.3}
    return [
        Figure("review", floor, floors, extra={"megabytes": size}),
        Figure("review", f"open a session in the app ({cards:,} cards)", app_sessions, floor=floor, **under),
        Figure(
            "review", f"open the stats in the app ({reviews:,} answers, log read)", stats_times, floor=floor, **under
        ),
        Figure("review", "paperdeck review from the shell (open the store + queue)", shell_sessions, floor=floor),
        Figure("review", "stats from nothing (open the store, read the log, count)", first_stats, floor=floor),
        Figure("review", "one grade: UI-thread cost", grade_costs),
        Figure("review", "one grade: until on disk", grade_durable, target="< 1 s", absolute_target=1.0),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--reviews", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(table(measure(args.cards, args.reviews, args.runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
