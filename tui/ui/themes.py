"""Theme files: TOML files that map onto `textual.theme.Theme`, bundled and the user's own.

A bad file is reported and skipped; it never stops paperdeck from starting.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme

_COLOUR_FIELDS = (
    "primary", "secondary", "warning", "error", "success", "accent",
    "foreground", "background", "surface", "panel", "boost",
)  # fmt: skip
_OTHER_FIELDS = ("name", "dark", "luminosity_spread", "text_alpha", "variables")


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message names the file."""


@dataclass(frozen=True)
class LoadedThemes:
    themes: list[Theme]
    problems: list[str]  # one line per file that was skipped or partly ignored


def load_theme_file(path: Path) -> tuple[Theme, list[str]]:
    """The theme a file describes, and notes on keys it ignored. Raises ThemeFileError."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeFileError(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError(f"{path}: not valid TOML: {exc}") from exc
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ThemeFileError(f'{path}: needs a name, e.g. name = "my-theme"')
    if not isinstance(data.get("primary"), str):
        raise ThemeFileError(f'{path}: needs a primary colour, e.g. primary = "#E0A458"')
    for key in _COLOUR_FIELDS:
        if key in data:
            _check_colour(path, key, data[key])
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise ThemeFileError(f"{path}: [variables] must map names to strings")
    notes = [f"{path}: unknown key {key!r} ignored" for key in data if key not in (*_COLOUR_FIELDS, *_OTHER_FIELDS)]
    fields = {key: data[key] for key in (*_COLOUR_FIELDS, *_OTHER_FIELDS) if key in data}
    try:
        return Theme(**fields), notes
    except (TypeError, ValueError) as exc:
        raise ThemeFileError(f"{path}: {exc}") from exc


def _check_colour(path: Path, key: str, value: object) -> None:
    if not isinstance(value, str):
        raise ThemeFileError(f'{path}: {key} must be a colour string like "#1B1F24"')
    try:
        Color.parse(value)
    except ColorParseError as exc:
        raise ThemeFileError(f"{path}: {key} = {value!r} is not a colour") from exc


def load_themes(folders: Iterable[Path]) -> LoadedThemes:
    """Every `*.toml` theme in the folders, in order; a later file of the same name wins."""
    by_name: dict[str, Theme] = {}
    problems: list[str] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                theme, notes = load_theme_file(path)
            except ThemeFileError as exc:
                problems.append(str(exc))
                continue
            problems.extend(notes)
            by_name[theme.name] = theme
    return LoadedThemes(list(by_name.values()), problems)
