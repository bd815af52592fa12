"""What a benchmark measured: named figures with their runs, a floor beside them, and a target.

Every benchmark script returns a list of `Figure`s from its `measure` function; its `main`
prints them with `table`, and `run.py` gathers all of them into one table and one JSON file.
Times are kept in seconds; the table shows them in the unit that reads best.
"""

from __future__ import annotations

import platform
import statistics
from dataclasses import dataclass, field


@dataclass
class Figure:
    """One measured quantity over several runs; `floor` names the figure it is a ratio to."""

    group: str
    name: str
    values: list[float]
    unit: str = "s"  # "s" (shown as s or ms), "MB" or "×" (a ratio)
    floor: str | None = None
    target: str = ""
    ratio_target: float | None = None  # met when median / floor <= this
    absolute_target: float | None = None  # met when the figure's key value <= this (seconds or MB)
    key: str = "median"  # which value the absolute target applies to: "median" or "p95"
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def p95(self) -> float:
        ordered = sorted(self.values)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ratios(figures: list[Figure]) -> dict[str, float]:
    """Each figure's median as a multiple of its floor's median, where it has a floor."""
    by_name = {(f.group, f.name): f for f in figures}
    found = {}
    for figure in figures:
        floor = by_name.get((figure.group, figure.floor)) if figure.floor else None
        if floor is not None and floor.median > 0:
            found[f"{figure.group}: {figure.name}"] = figure.median / floor.median
    return found


def verdict(figure: Figure, ratio: float | None) -> str:
    """ "met", "not met" or "" (no target) for a figure."""
    checks = []
    if figure.ratio_target is not None and ratio is not None:
        checks.append(ratio <= figure.ratio_target)
    if figure.absolute_target is not None:
        checks.append(getattr(figure, figure.key) <= figure.absolute_target)
    if not checks:
        return ""
    return "met" if all(checks) else "not met"


def shown(seconds: float, unit: str) -> str:
    if unit == "×":  # a ratio, such as precision as a multiple of the base rate
        return f"{seconds:.2f}×"
    if unit == "MB":
        return f"{seconds:.0f} MB"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.01:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds * 1000:.2f} ms"


def table(figures: list[Figure]) -> str:
    """The figures as a Markdown table: median, p95, min, max, × floor, target."""
    found = ratios(figures)
    lines = [
        "| figure | median | p95 | min | max | × floor | target |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for figure in figures:
        ratio = found.get(f"{figure.group}: {figure.name}")
        mark = verdict(figure, ratio)
        target = f"{figure.target} ({mark})" if figure.target and mark else figure.target
        p95 = shown(figure.p95, figure.unit) if len(figure.values) >= 5 else ""
        lines.append(
            f"| {figure.group}: {figure.name} | {shown(figure.median, figure.unit)} | {p95} | "
            f"{shown(min(figure.values), figure.unit)} | {shown(max(figure.values), figure.unit)} | "
            f"{f'{ratio:.2f}' if ratio is not None else ''} | {target} |"
        )
    return "\n".join(lines)


def as_json(figures: list[Figure], **about: object) -> dict[str, object]:
    """Every figure with its runs, ratio and verdict, and where they were taken."""
    found = ratios(figures)
    return {
        "machine": machine(),
        **about,
        "figures": [
            {
                "group": f.group,
                "name": f.name,
                "unit": f.unit,
                "median": f.median,
                "p95": f.p95,
                "min": min(f.values),
                "max": max(f.values),
                "runs": f.values,
                "floor": f.floor,
                "ratio": found.get(f"{f.group}: {f.name}"),
                "target": f.target,
                "ratio_target": f.ratio_target,
                "absolute_target": f.absolute_target,
                "target_applies_to": f.key,
                "verdict": verdict(f, found.get(f"{f.group}: {f.name}")),
                **f.extra,
            }
            for f in figures
        ],
    }


def machine() -> str:
    """The processor, core count and Python, as the README states where figures come from."""
    import os

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
