"""Crash safety end to end: the real app in a pseudo-terminal, killed at random moments.

Each round starts `paperdeck` in a pseudo-terminal, stars and reads papers and grades review
cards with keystrokes, confirms each change from what the screen shows, then kills the app with
SIGKILL, SIGTERM or SIGHUP at a random moment. The store must load after every kill and hold
every change the screen confirmed more than a second before it.

Stars, reads and grades only ever grow here (each round moves on to papers not yet starred), so
a count read back from the store must be at least the count the screen confirmed.
PAPERDECK_SOAK_KILLS sets the number of kills (default 30) for a longer soak.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import SAMPLES
from reliability import record
from terminal import Terminal

from tui.state.store import Store

PAPERDECK = Path(sys.executable).with_name("paperdeck")
KILLS = int(os.environ.get("PAPERDECK_SOAK_KILLS", "30"))
SIGNALS = (signal.SIGKILL, signal.SIGTERM, signal.SIGHUP)
COUNTS = re.compile(rb"(\d+) unread \xc2\xb7 (\d+) starred")
REVIEWED = re.compile(rb"(\d+) reviewed")


class PaperdeckTerminal(Terminal):
    """`paperdeck` on a 120x40 pseudo-terminal, as the kills below need it: its output matched as
    bytes (the last match wins), keys sent, and killed by a signal."""

    def __init__(self, home: Path) -> None:
        super().__init__([PAPERDECK], env={**os.environ, "PAPERDECK_HOME": str(home)})

    def send(self, keys: str) -> None:
        self.press(keys)

    def wait_for(self, pattern: re.Pattern[bytes], since: int, timeout: float = 20) -> re.Match[bytes] | None:
        """The last match of `pattern` in what was printed after offset `since`, once there is one."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            matches = list(pattern.finditer(self.output, since))
            if matches:
                return matches[-1]
            time.sleep(0.02)
        return None

    def kill(self, signum: int) -> None:
        """Sends `signum`; a paperdeck still running 15 s later is killed outright."""
        self.process.send_signal(signum)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        self.close()


@dataclass
class Confirmed:
    """Counts the screen showed, and when."""

    starred: int = 0
    read: int = 0
    reviews: int = 0
    at: float = 0.0


def stored_counts(home: Path) -> tuple[int, int, int]:
    """Starred papers, read papers and review answers in the store on disk."""
    store = Store.open(home / "store.json")
    try:
        states = store.paper_states().values()
        return sum(s.starred for s in states), sum(s.read for s in states), len(list(store.review_documents()))
    finally:
        store.close()


def one_round(home: Path, rng: random.Random, history: list[Confirmed]) -> tuple[int, float]:
    """Starts the app, makes changes until a random moment, kills it; returns signal and kill time."""
    starred, read, reviews = stored_counts(home)
    terminal = PaperdeckTerminal(home)
    try:
        since = terminal.mark()
        first = terminal.wait_for(COUNTS, since, timeout=60)
        assert first is not None, "the reader never painted its counts"
        kill_after = time.monotonic() + rng.uniform(0.5, 2.0)
        # Papers 0..starred-1 (newest first) are starred already: move on to the next one.
        terminal.send("j" * starred)
        while time.monotonic() < kill_after:
            action = rng.random()
            since = terminal.mark()
            if action < 0.6:
                terminal.send("s")
                seen = terminal.wait_for(
                    re.compile(rb"(\d+) unread \xc2\xb7 " + str(starred + 1).encode() + rb" starred"), since, 10
                )
                if seen is None:
                    break
                starred += 1
                since = terminal.mark()
                terminal.send("r")
                unread = int(seen.group(1)) - 1
                if terminal.wait_for(re.compile(str(unread).encode() + rb" unread"), since, 10) is None:
                    break
                read += 1
                history.append(Confirmed(starred, read, reviews, time.monotonic()))
                terminal.send("j")
            else:
                terminal.send("v")
                time.sleep(0.3)
                since = terminal.mark()
                terminal.send(" 3")
                if terminal.wait_for(re.compile(rb"1 reviewed"), since, 5) is not None:
                    reviews += 1
                    history.append(Confirmed(starred, read, reviews, time.monotonic()))
                terminal.send("\x1b")
                time.sleep(0.2)
        signum = rng.choice(SIGNALS)
        killed_at = time.monotonic()
        terminal.kill(signum)
        return signum, killed_at
    except BaseException:
        terminal.kill(signal.SIGKILL)
        raise


@pytest.mark.slow
def test_random_kills_never_lose_a_change_older_than_a_second(tmp_path: Path):
    if not shutil.which("true") or sys.platform == "win32":
        pytest.skip("needs a POSIX pseudo-terminal")
    home = tmp_path / "home"
    (home / "library").mkdir(parents=True)
    for sample in SAMPLES.glob("*.txt"):
        shutil.copy(sample, home / "library" / sample.name)
    rng = random.Random(int(os.environ.get("PAPERDECK_SOAK_SEED", "20261123")))
    history: list[Confirmed] = []
    for _ in range(KILLS):
        round_history: list[Confirmed] = []
        signum, killed_at = one_round(home, rng, round_history)
        history += round_history
        starred, read, reviews = stored_counts(home)  # loads after every kill, or raises
        # A change confirmed less than a second before its own round's kill may be lost.
        settled = [c for c in round_history if c.at < killed_at - 1.0]
        if settled:
            last = settled[-1]
            assert starred >= last.starred and read >= last.read and reviews >= last.reviews, (
                f"after {signal.Signals(signum).name}: store has {starred} starred, {read} read, {reviews} "
                f"reviews; the screen confirmed {last.starred}, {last.read}, {last.reviews}"
            )
        record(f"app kills by {signal.Signals(signum).name}, store checked after each")
    record("changes confirmed on screen before a kill", len(history))
    assert history, "no change was ever confirmed: the test drove nothing"
    assert stored_counts(home)[0] > KILLS // 3


def test_two_apps_on_one_home_the_second_reads_only_and_the_first_loses_nothing(tmp_path: Path):
    home = tmp_path / "home"
    (home / "library").mkdir(parents=True)
    for sample in SAMPLES.glob("*.txt"):
        shutil.copy(sample, home / "library" / sample.name)
    first = PaperdeckTerminal(home)
    second = None
    try:
        assert first.wait_for(COUNTS, 0, timeout=60)
        second = PaperdeckTerminal(home)
        assert second.wait_for(re.compile(rb"read-only"), 0, timeout=60), "the second app did not say it is read-only"
        since = second.mark()
        second.send("s")
        assert second.wait_for(re.compile(rb"read-only"), since, timeout=10), "a refused change says why"
        since = first.mark()
        first.send("s")
        assert first.wait_for(re.compile(rb"1 starred"), since, timeout=10)
        second.kill(signal.SIGTERM)  # closing the read-only one writes nothing
        second = None
        first.send("j")
        since = first.mark()
        first.send("s")
        assert first.wait_for(re.compile(rb"2 starred"), since, timeout=10)
    finally:
        if second is not None:
            second.kill(signal.SIGKILL)
        first.kill(signal.SIGTERM)
    assert stored_counts(home)[0] == 2
    record("two apps on one home: the second read-only, nothing lost")
