"""Theme files: the bundled ones load, a user's own joins them, a bad one is reported, not fatal."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import COMMENTARY

from tui.home import Home, bundled
from tui.library.files import load_library
from tui.state.store import Store
from tui.ui.app import PaperdeckApp
from tui.ui.themes import ThemeFileError, load_theme_file, load_themes


def test_bundled_themes_include_a_dark_and_a_light_one():
    loaded = load_themes([bundled("themes")])
    assert loaded.problems == []
    assert {(t.name, t.dark) for t in loaded.themes} == {("paperdeck-dark", True), ("paperdeck-light", False)}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('name = "x"\nprimary = "not-a-colour"\n', "primary = 'not-a-colour' is not a colour"),
        ('primary = "#000000"\n', "needs a name"),
        ('name = "x"\n', "needs a primary colour"),
        ("name = [\n", "not valid TOML"),
        ('name = "x"\nprimary = "#000"\nvariables = 3\n', "[variables] must map names to strings"),
    ],
)
def test_bad_theme_file_names_itself_and_the_problem(tmp_path: Path, content: str, message: str):
    path = tmp_path / "bad.toml"
    path.write_text(content)
    with pytest.raises(ThemeFileError) as caught:
        load_theme_file(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_user_theme_overrides_a_bundled_one_of_the_same_name(tmp_path: Path):
    (tmp_path / "mine.toml").write_text('name = "paperdeck-dark"\nprimary = "#FF0000"\ncolour = "x"\n')
    (tmp_path / "broken.toml").write_text("name = \n")
    loaded = load_themes([bundled("themes"), tmp_path])
    dark = next(t for t in loaded.themes if t.name == "paperdeck-dark")
    assert dark.primary == "#FF0000"
    assert loaded.problems[0].startswith(f"{tmp_path / 'broken.toml'}: not valid TOML")
    assert loaded.problems[1] == f"{tmp_path / 'mine.toml'}: unknown key 'colour' ignored"


async def test_app_starts_in_paperdeck_dark_and_reports_a_bad_user_theme(home: Home, store: Store):
    home.themes.mkdir(parents=True)
    (home.themes / "oops.toml").write_text('name = "[b]oops[/b]"\nprimary = "nope"\n')
    app = PaperdeckApp(load_library([COMMENTARY]), home=home, store=store)
    async with app.run_test() as pilot:
        assert app.theme == "paperdeck-dark"
        assert "paperdeck-light" in app.available_themes
        [notification] = app._notifications
        assert notification.message.startswith(str(home.themes / "oops.toml"))
        await pilot.press("q")
