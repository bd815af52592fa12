"""Fuzz that a grade button can promise: fsrs's random interval fuzz, drawn from a seeded generator.

Fuzz is on, as in Anki: without it, papers starred on the same day keep coming due on the same
days forever and make lumpy sessions. fsrs draws the fuzz from the `random` function its
scheduler module imported; seeding it per card and per review makes the interval a grade
button shows the one the grade gives. This is the one place that reaches into fsrs for that.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import fsrs.scheduler

# fsrs's scheduler module is shared by every Deck of the process, on any thread.
_FUZZ_LOCK = threading.Lock()


def fuzz_is_seedable() -> bool:
    """Whether this fsrs still draws its fuzz from `fsrs.scheduler.random` (else it is unseeded)."""
    return callable(getattr(fsrs.scheduler, "random", None))


@contextmanager
def seeded_fuzz(seed: str) -> Iterator[None]:
    """Within the block, fsrs's fuzz comes from a generator seeded with `seed`."""
    with _FUZZ_LOCK:
        unseeded = getattr(fsrs.scheduler, "random", None)
        if unseeded is None:  # a future fsrs draws its fuzz elsewhere: still correct, just unseeded
            yield
            return
        fsrs.scheduler.random = random.Random(seed).random  # type: ignore[attr-defined]
        try:
            yield
        finally:
            fsrs.scheduler.random = unseeded  # type: ignore[attr-defined]
