"""A new user's first run: the README's run command in a fresh clone, with nothing installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, clean_clone


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="the quick start needs make")
def test_make_run_in_a_fresh_clone_shows_the_sample_digests(tmp_path: Path):
    clone = clean_clone(tmp_path / "paperdeck")
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PAPERDECK_HOME")}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if not p.startswith(str(REPO)))
    env["PAPERDECK_EXIT_AFTER_START"] = "1"
    result = subprocess.run(
        ["make", "run"], cwd=clone, env=env, capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "paperdeck started: 176 papers, 3 digest dates" in result.stdout
    assert (clone / ".venv" / "bin" / "paperdeck").exists()
    assert (clone / ".paperdeck-demo").is_dir()
