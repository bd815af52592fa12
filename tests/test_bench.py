"""The benchmark command still works: `bench/run.py --quick` measures every figure and writes them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from conftest import REPO

GROUPS = {
    "parse",
    "start",
    "memory",
    "commands",
    "watch",
    "keys",
    "triage",
    "for you",
    "store",
    "review",
    "vault",
    "sync",
}


@pytest.mark.slow
def test_the_quick_benchmark_measures_every_figure_beside_its_floor(tmp_path: Path):
    out = tmp_path / "latest.json"
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    document = orjson.loads(out.read_bytes())
    figures = document["figures"]
    assert {figure["group"] for figure in figures} == GROUPS
    assert document["quick"] is True and document["papers"] == 10_000 and "cores" in document["machine"]
    names = {(figure["group"], figure["name"]) for figure in figures}
    for figure in figures:
        assert figure["runs"] and all(value > 0 for value in figure["runs"]), figure["name"]
        assert figure["min"] <= figure["median"] <= figure["max"]
        if figure["floor"] is not None:
            assert (figure["group"], figure["floor"]) in names, f"{figure['name']}: no floor {figure['floor']!r}"
            assert figure["ratio"] > 0
        if figure["target"]:
            # The verdict follows from the numbers: recomputed here from what the file says.
            checks = []
            if figure["ratio_target"] is not None:
                checks.append(figure["ratio"] <= figure["ratio_target"])
            if figure["absolute_target"] is not None:
                checks.append(figure[figure["target_applies_to"]] <= figure["absolute_target"])
            assert checks, f"{figure['name']}: a target with nothing to check it against"
            assert figure["verdict"] == ("met" if all(checks) else "not met"), figure["name"]
    keys = [figure for figure in figures if figure["group"] == "keys" and figure["floor"]]
    assert {"move (j)", "page (PgDn)", "toggle read (r)", "star (s)", "tree node ([)", "filter typing"} <= {
        figure["name"] for figure in keys
    }
    triage = {figure["name"] for figure in figures if figure["group"] == "triage" and figure["floor"]}
    decisions = {"star (s)", "read (r)", "later (l)", "undo (u)", "next (j)"}
    reader = {"reader: sort (O)", "reader: hide seen before (H)", "reader: later (l)"}
    assert decisions | {"open triage (T)", "leave triage (Esc)"} | reader <= triage
    for_you = {figure["name"] for figure in figures if figure["group"] == "for you" and figure["floor"]}
    assert {
        "similar papers (5) of one paper",
        "rank a 200-paper day for you",
        "train on 5,000 labelled papers",
    } <= for_you
    review = {figure["name"] for figure in figures if figure["group"] == "review" and figure["floor"]}
    assert {"the fit in a child process, as the app runs it", "open the stats after a fit (log read)"} <= review
    assert any(name.startswith("simulate a year at 16 retentions") for name in review)
    sync = {figure["name"] for figure in figures if figure["group"] == "sync" and figure["floor"]}
    assert {"sync at a start, the other machine's states once seen", "a change reaches the folder"} <= sync
    assert any(name.startswith("first merge of another machine's") for name in sync)
    # The printed table is the same figures.
    assert "| keys: move (j) |" in result.stdout and "× floor" in result.stdout
