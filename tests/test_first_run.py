"""A new user's first run: the README's run command in a fresh clone, with nothing installed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import REPO, clean_clone
from terminal import Terminal, assert_steps_through_days, wait_for_reader
from test_cli import SAMPLE_DAYS


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="the quick start needs make")
def test_make_run_in_a_fresh_clone_shows_the_sample_digests(tmp_path: Path):
    clone = clean_clone(tmp_path / "paperdeck")
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PAPERDECK_HOME")}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if not p.startswith(str(REPO)))
    # `make run` installs paperdeck into a new virtual environment first: minutes, not seconds.
    with Terminal(["make", "run"], env=env, cwd=clone) as terminal:
        assert wait_for_reader(terminal, timeout=900) == ("All", 176)
        assert terminal.wait_for("Sample digests", timeout=30)
        assert_steps_through_days(terminal, SAMPLE_DAYS)
        terminal.press("q")
        assert terminal.wait() == 0, terminal.text()[-2000:]
    assert (clone / ".venv" / "bin" / "paperdeck").exists()
    assert (clone / ".paperdeck-demo").is_dir()
