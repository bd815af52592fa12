"""A sync killed by SIGKILL at any moment loses nothing: the next one finishes the work.

One machine's thousands of stars, tags, notes, cards and answers wait in the folder; the other
machine's `paperdeck sync` is killed again and again at random moments of its run, then left
to finish. Its store and replica must open cleanly after every kill, and in the end it must
hold exactly what the first machine holds.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import fsrs
from reliability import record
from sync_machines import Machine, SharedClock

from tui.home import Home
from tui.state.paper_state import PaperState
from tui.state.store import Store

PAPERDECK = Path(sys.executable).with_name("paperdeck")
PAPERS, CARDS, ANSWERS_EACH = 20_000, 400, 5
KILLS = 10


def sync_process(home: Path) -> subprocess.Popen:
    env = {**os.environ, "PAPERDECK_HOME": str(home)}
    return subprocess.Popen([PAPERDECK, "sync"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def first_machine(tmp_path: Path, clock: SharedClock, folder: Path) -> Machine:
    a = Machine("a", Home(tmp_path / "home-a"), folder, clock)
    ids = [f"{index:016x}" for index in range(PAPERS)]
    when = clock.iso()
    a.store.put_states(
        {
            paper: PaperState(
                read_at=when, starred_at=when if index % 3 == 0 else None, tags=("rl",) if index % 5 == 0 else ()
            )
            for index, paper in enumerate(ids)
        }
    )
    for paper in ids[:CARDS]:
        a.deck.add(paper)
    for _ in range(ANSWERS_EACH):
        clock.tick(86_400)
        for paper in ids[:CARDS]:
            a.deck.grade(paper, fsrs.Rating.Good, duration_ms=3000)
    a.sync()
    return a


def test_a_sync_killed_at_random_moments_then_left_to_finish_holds_everything(tmp_path: Path, clock: SharedClock):
    folder = tmp_path / "shared"
    a = first_machine(tmp_path, clock, folder)
    b_home = Home(tmp_path / "home-b")
    b = Machine("b", b_home, folder, clock)  # chooses the folder, and leaves the store to the command
    b.close()
    probe = tmp_path / "probe"
    shutil.copytree(b_home.root, probe)
    started = time.monotonic()
    assert sync_process(probe).wait(timeout=120) == 0
    whole = time.monotonic() - started
    rng = random.Random(18)
    killed = 0
    for _ in range(KILLS):
        process = sync_process(b_home.root)
        time.sleep(rng.uniform(0.1, 0.9) * whole)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        process.wait(timeout=60)
        store = Store.open(b_home.store)  # opens whole after every kill: no damage, no message
        assert store.report.messages == [], store.report.messages
        store.close()
    final = sync_process(b_home.root)
    stdout, stderr = final.communicate(timeout=120)
    assert final.returncode == 0, stderr.decode()
    assert b"Traceback" not in stdout + stderr
    b.open()
    assert b.state() == a.state()
    assert len(b.state()["answers"]) == CARDS * ANSWERS_EACH
    assert b.sync().summary() == "sent nothing; took in nothing"
    assert killed >= KILLS // 2, f"only {killed} of {KILLS} syncs were still running when killed"
    record("sync: syncs killed by SIGKILL, the next one finishing", killed)
