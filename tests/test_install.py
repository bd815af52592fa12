"""A wheel built from a clean clone carries the sample digests and themes, and finds them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, clean_clone


@pytest.mark.slow
def test_installed_wheel_finds_bundled_samples_and_themes(tmp_path: Path):
    source = clean_clone(tmp_path / "clone")
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(source),
        ],
        check=True,
    )
    [wheel] = wheels.glob("paperdeck-*.whl")
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)], check=True
    )
    env = {**os.environ, "PYTHONPATH": str(site), "PAPERDECK_HOME": str(tmp_path / "home")}
    probe = (
        "import tui, tui.home as h; "
        "print(tui.__file__); print(h.bundled('sample_data')); print(h.bundled('themes')); "
        "print(sorted(p.name for p in h.bundled('sample_data').iterdir())); "
        "print(sorted(p.name for p in h.bundled('themes').iterdir()))"
    )
    # Run from an empty folder so the checkout cannot be imported by accident.
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    lines = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=workdir, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert lines[0] == str(site / "tui" / "__init__.py")
    assert lines[1] == str(site / "tui" / "_bundled" / "sample_data")
    assert lines[2] == str(site / "tui" / "_bundled" / "themes")
    assert lines[3] == str(sorted(p.name for p in (REPO / "sample_data").iterdir()))
    assert lines[4] == "['paperdeck-dark.toml', 'paperdeck-light.toml']"
    listed = subprocess.run(
        [sys.executable, "-m", "tui", "list"], env=env, cwd=workdir, capture_output=True, text=True, check=True
    )
    assert len(listed.stdout.splitlines()) == 176
    assert "listing the bundled sample digests" in listed.stderr
