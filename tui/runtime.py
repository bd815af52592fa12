"""The process as a whole: the garbage collector, signals and what happens at exit (one owner).

Everything paperdeck does to process-wide state goes through here, so that it is done in one
way and can be read in one place:
- the collector: `freeze_heap` once a long-lived library is loaded, `collector_paused` while
  many long-lived objects are made, and `IdleCollector`, which puts full collections off
  until the user is idle;
- exit: `save_on_exit` (interpreter exit, SIGTERM, SIGHUP) for whoever holds unsaved state,
  and `exit_on_sigterm` for an asyncio app that should end the orderly way;
- child processes: `run_apart`, for native code that holds the GIL (fsrs-rs's optimiser and
  simulator) while the app must keep answering keys.

Why full collections wait: after start-up the library is frozen out of the collector, but the
screen's caches still make many small objects, and a full collection walking them takes
10-15 ms: enough, landing inside a key press every few presses, to push its latency past the
50 ms a keystroke may take. So full collections are put off (a high last threshold) and run
when no key has been pressed for a few seconds. Young collections run as usual.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

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


def freeze_heap() -> None:
    """Exempts everything allocated so far from the cyclic garbage collector.

    A library of 100,000 papers is millions of objects that live as long as the app; left
    in the collector's oldest generation, each full collection would scan them all and
    freeze the screen for hundreds of milliseconds, every few seconds of use.
    """
    gc.freeze()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No collections while many objects that will all live on are made (a library, a store,
    a review log): collecting in between would only walk them, and the rest of the heap, again
    and again. The collector is put back as it was, also when the block fails."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


# The signals that end a process which can still save: asked to stop, and its terminal gone.
EXIT_SIGNALS = tuple(s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None)


def save_on_exit(save: Callable[[], object]) -> None:
    """Calls `save` when the interpreter exits and on SIGTERM or SIGHUP, then dies of that
    signal as its default action would have (so a parent sees how the process ended)."""
    atexit.register(save)

    def on_signal(signum: int, _frame: object) -> None:
        save()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    for signum in EXIT_SIGNALS:
        signal.signal(signum, on_signal)


def exit_on_sigterm(exit_: Callable[[], object]) -> None:
    """On SIGTERM, calls `exit_` in the running event loop: a full-screen app then ends the
    orderly way and gives the terminal back. SIGHUP (the terminal is gone) stays with
    `save_on_exit`. Without a running loop, or off the main thread, nothing changes."""
    import asyncio  # here: only the app has a loop, and a command need not pay for importing it

    with contextlib.suppress(NotImplementedError, RuntimeError):
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, exit_)


class ChildFailed(Exception):
    """The child process of `run_apart` died or raised; the message says how."""


def run_apart(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` in a fresh child process; its result, or its exception raised here.

    For native code that does not release the GIL: fsrs-rs fits parameters and simulates
    workloads for seconds at a time, and in a thread of the app it would stall every key for
    as long. The child is a new interpreter (`python -m tui.runtime`), not a fork: forking a
    process that runs threads (the app's workers, the store's writer) can copy a lock held by
    one of them, and a new interpreter re-runs nothing of the parent's main module. `function`
    must be importable at module level, and its arguments and result picklable.
    """
    package_root = str(Path(__file__).resolve().parent.parent)
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "PYTHONPATH": package_root + (os.pathsep + path if path else "")}
    completed = subprocess.run(
        [sys.executable, "-m", "tui.runtime"],
        input=pickle.dumps((function, args)),
        capture_output=True,
        env=env,
        check=False,
    )
    try:
        outcome, value = pickle.loads(completed.stdout)
    except Exception:  # whatever a dead child left on its stdout
        last = completed.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise ChildFailed(f"the child process ended with status {completed.returncode}: {last[0]}") from None
    if outcome == "error":
        raise value
    return value


def _serve_one_call() -> None:
    """The child's side of `run_apart`: one pickled call on stdin, its pickled outcome on stdout."""
    function, args = pickle.loads(sys.stdin.buffer.read())
    try:
        outcome = ("ok", function(*args))
    except Exception as exc:  # handed back to the parent, which raises it
        outcome = ("error", exc)
    sys.stdout.buffer.write(pickle.dumps(outcome))


if __name__ == "__main__":
    _serve_one_call()
