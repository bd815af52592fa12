"""`paperdeck doctor`, in a subprocess: each thing OK or what to do, exit 1 when one is not, and
nothing changed by looking."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from terminal import Terminal

PAPERDECK = Path(sys.executable).with_name("paperdeck")


def doctor(home: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PAPERDECK_HOME": str(home), "XDG_CONFIG_HOME": str(home.parent / "xdg"), **env}
    if "PAPERDECK_CONFIG" not in env:
        environment.pop("PAPERDECK_CONFIG", None)
    return subprocess.run([PAPERDECK, "doctor"], env=environment, capture_output=True, text=True, timeout=60)


def line_of(result: subprocess.CompletedProcess, name: str) -> str:
    (line,) = [line for line in result.stdout.splitlines() if line[5:].startswith(name + " ")]
    return line


def snapshot(home: Path) -> dict[str, bytes]:
    return {str(path): path.read_bytes() for path in sorted(home.rglob("*")) if path.is_file()}


def test_a_new_home_is_well_and_nothing_is_made(tmp_path: Path):
    home = tmp_path / "home"
    result = doctor(home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "All is well."
    assert line_of(result, "data home").startswith("OK   data home")
    assert "not made yet" in line_of(result, "data home")
    assert not home.exists()


def test_a_home_in_use_says_what_it_holds(tmp_path: Path):
    home = tmp_path / "home"
    environment = {**os.environ, "PAPERDECK_HOME": str(home)}
    ids = subprocess.run([PAPERDECK, "list", "--json"], env=environment, capture_output=True, timeout=60).stdout
    first = ids.splitlines()[0].split(b'"id":"')[1].split(b'"')[0].decode()
    subprocess.run([PAPERDECK, "mark", "star", first], env=environment, capture_output=True, timeout=60, check=True)
    result = doctor(home)
    assert result.returncode == 0, result.stdout
    assert "1 paper(s) with a state, 1 review card(s)" in line_of(result, "store")
    assert line_of(result, "library index").endswith(": sound")


def test_each_damage_is_named_with_what_to_do_and_left_as_it_is(tmp_path: Path):
    home = tmp_path / "home"
    (home / "cache").mkdir(parents=True)
    (home / "store.json").write_text('{"papers": {"1": ')
    (home / "reviews.jsonl").write_bytes(b'{"id": 1}\nnot json\n{"id": 2}\n')
    (home / "cache" / "index.sqlite3").write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    gone = tmp_path / "vault-on-a-drive"
    (home / "linked.json").write_text(f'{{"folders": ["{gone}"]}}')
    before = snapshot(home)
    result = doctor(home)
    assert result.returncode == 1
    assert line_of(result, "store").startswith("FIX  store") and "not JSON" in line_of(result, "store")
    assert f"{home / 'reviews.jsonl'}:2: 1 line(s)" in line_of(result, "review log")
    assert "damaged" in line_of(result, "library index") and "delete it" in line_of(result, "library index")
    assert result.stdout.splitlines()[-1].endswith("see the lines marked FIX.")
    assert "Traceback" not in result.stdout + result.stderr
    assert snapshot(home) == before  # it only looks


def test_a_linked_folder_gone_and_a_sync_folder_gone_say_what_to_do(tmp_path: Path):
    home = tmp_path / "home"
    shared, vault = tmp_path / "Sync", tmp_path / "vault"
    for folder in (shared, vault):
        folder.mkdir()
    environment = {**os.environ, "PAPERDECK_HOME": str(home)}
    for args in (["add", "--link", str(vault)], ["sync", str(shared)]):
        subprocess.run([PAPERDECK, *args], env=environment, capture_output=True, timeout=60, check=True)
    vault.rmdir()
    shutil.rmtree(shared)  # the drive it was on, unplugged
    result = doctor(home)
    assert result.returncode == 1
    assert f"paperdeck add --unlink {vault}" in line_of(result, "linked folder")
    assert line_of(result, "sync").startswith("FIX  sync") and "no such folder" in line_of(result, "sync")


def test_a_home_that_is_a_file_is_named(tmp_path: Path):
    home = tmp_path / "home"
    home.write_text("not a folder")
    result = doctor(home)
    assert result.returncode == 1 and "a file, not a folder" in line_of(result, "data home")


def test_a_terminal_too_small_for_the_reader_is_said(tmp_path: Path):
    terminal = Terminal(
        [PAPERDECK, "doctor"], env={**os.environ, "PAPERDECK_HOME": str(tmp_path / "h")}, columns=70, lines=20
    )
    assert terminal.wait() == 1
    assert "70×20" in terminal.text() and "needs 80×24 at least" in terminal.text()
    roomy = Terminal([PAPERDECK, "doctor"], env={**os.environ, "PAPERDECK_HOME": str(tmp_path / "h")})
    assert roomy.wait() == 0
    assert "120×40, 256 colours" in roomy.text()


def test_a_config_file_with_a_problem_is_named_with_its_line(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text("[settings]\nnew_per_day = -1\n")
    result = doctor(tmp_path / "home", PAPERDECK_CONFIG=str(config))
    assert result.returncode == 1
    assert re.match(
        rf"FIX  config file +{re.escape(str(config))}:2: new_per_day must be", line_of(result, "config file")
    )
