"""When Python's full garbage collections run: while the user is idle, not inside a key press.

After start-up the library is frozen out of the collector (`library.freeze_heap`), but the
screen's caches still make many small objects, and a full collection walking them takes
10-15 ms: enough, landing inside a key press every few presses, to push its latency past the
50 ms a keystroke may take. So full collections are put off (a high last threshold) and run
when no key has been pressed for a few seconds. Young collections run as usual.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

# gc's thresholds: allocations before a young collection; young collections before a middle
# one; middle ones before a full one. The last is high: full collections wait for idleness.
THRESHOLDS = (2_000, 20, 10_000)
IDLE_SECONDS = 3.0


class IdleCollector:
    """Puts off full collections, then runs one once the user has been idle for a while."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, idle_seconds: float = IDLE_SECONDS) -> None:
        self.clock = clock
        self.idle_seconds = idle_seconds
        self.last_activity = clock()
        self.collections = 0
        self._owed = False
        self._thresholds_before: tuple[int, ...] | None = None

    def install(self) -> None:
        self._thresholds_before = gc.get_threshold()
        gc.set_threshold(*THRESHOLDS)

    def uninstall(self) -> None:
        """Puts the thresholds back as they were (the app has ended)."""
        if self._thresholds_before is not None:
            gc.set_threshold(*self._thresholds_before)
            self._thresholds_before = None

    def activity(self) -> None:
        """A key was pressed (or the mouse used): a collection now would be in the way."""
        self.last_activity = self.clock()
        self._owed = True

    def tick(self) -> bool:
        """Called every second or so; collects if the user has been idle since the last activity."""
        if self._owed and self.clock() - self.last_activity >= self.idle_seconds:
            gc.collect()
            self.collections += 1
            self._owed = False
            return True
        return False
