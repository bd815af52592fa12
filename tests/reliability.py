"""Figures the reliability tests gather, printed at the end of the test run.

A reliability test records what it tried (inputs parsed, processes killed, changes checked)
with `record`; `pytest_terminal_summary` in conftest prints the totals, so a run shows how
hard paperdeck was pushed, not only that nothing failed.
"""

from __future__ import annotations

from collections import Counter

FIGURES: Counter[str] = Counter()


def record(name: str, amount: int = 1) -> None:
    FIGURES[name] += amount


def summary_lines() -> list[str]:
    return [f"{name:<58} {count:>9,}" for name, count in sorted(FIGURES.items())]
