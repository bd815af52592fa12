"""Full garbage collections wait until the user has been idle, and then run once."""

from __future__ import annotations

import gc

from tui.runtime import THRESHOLDS, IdleCollector


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
