"""A process that uses a store the way paperdeck does, for tests that kill or race it.

python tests/store_worker.py churn STORE   change papers forever; print "durable N" lines
python tests/store_worker.py grade STORE   add and grade cards forever, undoing every fifth grade;
                                           print "durable N ID" (graded) and "undone N ID" lines
python tests/store_worker.py hold STORE    open the store, print "ready", wait for stdin to close
python tests/store_worker.py signal STORE  save on SIGTERM/SIGHUP, change one paper, print "changed", wait
"""

from __future__ import annotations

import sys
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui.review.deck import Deck
from tui.settings import ReviewSettings
from tui.state.store import Store


def churn(store: Store) -> None:
    """Marks p0, p1, ... read, one change at a time, and says which changes are on disk."""
    waiting: deque[tuple[int, int]] = deque()  # (paper number, change count after it)
    number = 0
    while True:
        store.mark_read(f"p{number}")
        store.set_note("note", f"after p{number}")
        waiting.append((number, store.writer.changes))
        durable = store.writer.durable
        while waiting and waiting[0][1] <= durable:
            print(f"durable {waiting.popleft()[0]}", flush=True)
        number += 1
        time.sleep(0.0005)


def grade(store: Store) -> None:
    """Adds cards c0, c1, ... (after those already there) and grades each once (Good, duration_ms N), as a session does."""
    moment = datetime(2026, 3, 2, 9, tzinfo=UTC)
    deck = Deck(store, ReviewSettings(new_per_day=10**6), clock=lambda: moment)
    waiting: deque[tuple[int, int, int, bool]] = deque()  # (card number, answer id, change count, undone)
    number = len(store.card_documents())  # after the cards of earlier runs
    while True:
        paper_id = f"c{number}"
        deck.add(paper_id)
        token = deck.grade(paper_id, 3, duration_ms=number)
        undone = number % 5 == 4
        if undone:
            deck.undo(token)
        waiting.append((number, token.review_id, store.writer.changes, undone))
        durable = store.writer.durable
        while waiting and waiting[0][2] <= durable:
            done, review_id, _, was_undone = waiting.popleft()
            print(f"{'undone' if was_undone else 'durable'} {done} {review_id}", flush=True)
        number += 1
        moment += timedelta(seconds=1)
        time.sleep(0.0005)


def main() -> int:
    mode, path = sys.argv[1], Path(sys.argv[2])
    store = Store.open(path)
    if mode == "churn":
        churn(store)
    elif mode == "grade":
        grade(store)
    elif mode == "hold":
        print("read-only" if store.read_only else "ready", flush=True)
        sys.stdin.read()
        store.close()
    elif mode == "signal":
        store.close_on_exit()
        store.set_star("signalled", True)
        print("changed", flush=True)
        time.sleep(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
