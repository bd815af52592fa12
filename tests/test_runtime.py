"""The process: full collections wait for idleness, the collector is paused and frozen, exits save."""

from __future__ import annotations

import gc
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tui.runtime import THRESHOLDS, IdleCollector, collector_paused, freeze_heap


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_collection_runs_once_after_the_keys_stop_and_not_while_they_come():
    clock = Clock()
    collector = IdleCollector(clock, idle_seconds=3)
    assert not collector.tick()  # nothing happened yet: nothing owed
    for _ in range(10):
        collector.activity()
        clock.now += 1
        assert not collector.tick()
    clock.now += 2.5
    assert collector.tick() and collector.collections == 1
    clock.now += 60
    assert not collector.tick()  # idle on, but nothing new to collect for
    collector.activity()
    clock.now += 3
    assert collector.tick() and collector.collections == 2


def test_install_puts_off_full_collections_until_uninstalled():
    before = gc.get_threshold()
    collector = IdleCollector()
    try:
        collector.install()
        assert gc.get_threshold() == THRESHOLDS and THRESHOLDS[2] > before[2]
    finally:
        collector.uninstall()
    assert gc.get_threshold() == before


def test_collector_paused_puts_the_collector_back_as_it_was_also_when_the_block_fails():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("loading failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled(), "a collector that was off stays off"
    finally:
        gc.enable()


def test_freeze_heap_moves_what_lives_now_out_of_the_collectors_way():
    before = gc.get_freeze_count()
    kept = [[n] for n in range(10_000)]
    try:
        freeze_heap()
        assert gc.get_freeze_count() >= before + len(kept)
    finally:
        gc.unfreeze()


SAVER = """
import os, signal, sys, time
from pathlib import Path
from tui.runtime import save_on_exit
target = Path(sys.argv[1])
save_on_exit(lambda: target.write_text(target.read_text() + "saved\\n") if target.exists() else target.write_text("saved\\n"))
print("ready", flush=True)
if sys.argv[2] == "exit":
    sys.exit(0)
time.sleep(30)
"""


@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP", "exit"])
def test_save_on_exit_saves_once_and_the_process_ends_as_it_was_asked_to(tmp_path: Path, how: str):
    target = tmp_path / "saved.txt"
    process = subprocess.Popen([sys.executable, "-c", SAVER, str(target), how], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "ready\n"
    if how != "exit":
        process.send_signal(getattr(signal, how))
    returncode = process.wait(timeout=30)
    assert returncode == (0 if how == "exit" else -getattr(signal, how)), "dies of the signal, as by default"
    # On a signal the handler saves and the process dies at once: atexit does not save twice.
    assert target.read_text() == "saved\n"
