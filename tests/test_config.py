"""The config file: found where it should be, checked line by line, its settings the defaults."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import COMMENTARY

from tui import settings
from tui.config import config_path, example, load
from tui.home import Home
from tui.library.files import load_library
from tui.settings import COMMENTARY_LANGUAGE, NEW_PER_DAY, SETTINGS, choose_defaults
from tui.state.store import Store
from tui.ui.app import PaperdeckApp

PAPERDECK = Path(sys.executable).with_name("paperdeck")


@pytest.fixture(autouse=True)
def no_chosen_defaults():
    yield
    choose_defaults({})  # the config is process-wide: no test leaves one behind


def paperdeck(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "PAPERDECK_HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
        **env,
    }
    if "PAPERDECK_CONFIG" not in env:
        environment.pop("PAPERDECK_CONFIG", None)  # the test run's own, if any, is not the test's
    return subprocess.run([PAPERDECK, *args], env=environment, capture_output=True, text=True, timeout=60)


def test_the_file_is_the_options_else_the_environments_else_the_platforms(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("PAPERDECK_CONFIG", raising=False)
    assert config_path() == tmp_path / "xdg" / "paperdeck" / "config.toml"
    monkeypatch.setenv("PAPERDECK_CONFIG", str(tmp_path / "env.toml"))
    assert config_path() == tmp_path / "env.toml"
    assert config_path(tmp_path / "given.toml") == tmp_path / "given.toml"
    assert paperdeck(tmp_path, "config", "--path").stdout == f"{tmp_path / 'xdg' / 'paperdeck' / 'config.toml'}\n"
    given = paperdeck(tmp_path, "--config", str(tmp_path / "mine.toml"), "config", "--path")
    assert given.stdout == f"{tmp_path / 'mine.toml'}\n"


def test_each_problem_names_its_line_and_the_rest_of_the_file_holds(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text(
        "# mine\n"
        "[settings]\n"
        'commentary_language = "en"\n'
        'new_per_day = "lots"\n'
        "hide_seen_before = true\n"
        "colour = 3\n"
        "[keys]\n"
        'star = "x"\n'
    )
    config = load(path)
    assert config.settings == {"commentary_language": "en", "hide_seen_before": True}
    assert (
        config.problems[0]
        == f"{path}:4: new_per_day must be a whole number from 0 to 9999, not 'lots'; the default holds"
    )
    assert config.problems[1].startswith(f"{path}:6: no setting 'colour'; the settings are: desired_retention")
    assert config.problems[2] == f"{path}:7: no section [keys] in a config file (there is [settings])"


@pytest.mark.parametrize(
    ("text", "line"), [("[settings\n", 1), ("[settings]\nnew_per_day = \n", 2), ('a = "x"\na = "y"\n', 2)]
)
def test_a_file_that_is_not_toml_is_one_problem_at_its_line(tmp_path: Path, text: str, line: int):
    path = tmp_path / "config.toml"
    path.write_text(text)
    config = load(path)
    assert config.settings == {} and len(config.problems) == 1
    assert re.match(
        rf"{re.escape(str(path))}:{line}: not TOML \(.+\); paperdeck's defaults are used", config.problems[0]
    )


def test_a_missing_file_is_no_problem_and_a_folder_or_bad_bytes_are_one(tmp_path: Path):
    assert load(tmp_path / "none.toml").problems == []
    assert load(tmp_path).problems == [f"{tmp_path}: not a file; paperdeck's defaults are used"]
    garbled = tmp_path / "garbled.toml"
    garbled.write_bytes(b"\xff\xfe[settings]")
    assert load(garbled).problems[0].startswith(f"{garbled}: cannot be read")


def test_the_files_values_are_defaults_a_value_set_here_wins(tmp_path: Path):
    store = Store.open(tmp_path / "store.json")
    try:
        choose_defaults({"commentary_language": "en", "new_per_day": 25})
        assert COMMENTARY_LANGUAGE.read(store) == "en" and COMMENTARY_LANGUAGE.source(store) == "config file"
        assert settings.ReviewSettings.from_store(store).new_per_day == 25
        NEW_PER_DAY.write(store, 3)
        assert NEW_PER_DAY.read(store) == 3 and NEW_PER_DAY.source(store) == "set"
        assert settings.THEME.source(store) == "default"
    finally:
        store.close()


def test_init_writes_every_setting_commented_and_each_line_uncommented_is_valid(tmp_path: Path):
    first = paperdeck(tmp_path, "config", "--init")
    path = tmp_path / "xdg" / "paperdeck" / "config.toml"
    assert first.returncode == 0 and first.stdout.startswith(f"wrote {path}")
    assert path.read_text() == example()
    assert load(path).settings == {} and load(path).problems == []
    uncommented = tmp_path / "all.toml"
    uncommented.write_text(re.sub(r"^# (\w+ = )", r"\1", example(), flags=re.MULTILINE))
    every = load(uncommented)
    assert every.problems == [] and every.settings == {setting.name: setting.default for setting in SETTINGS}
    again = paperdeck(tmp_path, "config", "--init")
    assert again.returncode == 2 and again.stderr == f"paperdeck: {path} exists; --force replaces it\n"
    assert paperdeck(tmp_path, "config", "--init", "--force").returncode == 0


def test_config_shows_where_each_value_comes_from_and_a_bad_file_costs_one_line_a_problem(tmp_path: Path):
    path = tmp_path / "bad.toml"
    path.write_text('[settings]\ncommentary_language = "en"\nnew_per_day = -1\n')
    shown = paperdeck(tmp_path, "--config", str(path), "config")
    assert shown.returncode == 1
    assert re.search(r"^  commentary_language\s+en\s+config file$", shown.stdout, re.MULTILINE)
    assert re.search(r"^  new_per_day\s+10\s+default$", shown.stdout, re.MULTILINE)
    assert (
        shown.stderr
        == f"paperdeck: {path}:3: new_per_day must be a whole number from 0 to 9999, not -1; the default holds\n"
    )
    listed = paperdeck(tmp_path, "settings", "commentary_language", PAPERDECK_CONFIG=str(path))
    assert listed.returncode == 0 and listed.stdout.startswith("commentary_language  en ")
    assert listed.stderr.count("\n") == 1 and "Traceback" not in listed.stderr


async def test_the_reader_tells_the_config_files_problems(tmp_path: Path):

    home = Home(tmp_path / "home")
    home.root.mkdir()
    store = Store.open(home.store)
    problem = f"{tmp_path / 'config.toml'}:4: no setting 'colour'"
    app = PaperdeckApp(load_library([COMMENTARY]), home=home, store=store, config_problems=[problem])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert [(note.title, note.message) for note in app._notifications if note.title == "Config file"] == [
            ("Config file", problem)
        ]
    store.close()
