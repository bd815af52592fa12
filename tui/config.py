"""The config file, `config.toml`: the defaults this machine's user chose, in their own file.

Where it is: `--config FILE`, else `$PAPERDECK_CONFIG`, else `config.toml` in the platform's user
config folder (`~/.config/paperdeck/` on Linux, as platformdirs says). It is this machine's and
is never synced. Its `[settings]` table holds any setting by the name `paperdeck settings`
lists; a value set in the app or with `paperdeck settings` wins over the file's, which wins
over paperdeck's own default. A file that cannot be read, a value of the wrong kind, a name
paperdeck does not know: each is one problem naming FILE:LINE, and the rest of the file holds.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.settings import BY_NAME, SETTINGS

CONFIG_ENV = "PAPERDECK_CONFIG"
FILE_NAME = "config.toml"
SECTIONS = ("settings",)
_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")


@dataclass
class Config:
    """What the file says, checked: the settings' values by name, and the problems found."""

    path: Path
    exists: bool = False
    settings: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def config_path(option: str | os.PathLike[str] | None = None) -> Path:
    """The config file to read: the option's, the environment's, or the platform's."""
    if option:
        return Path(option).expanduser()
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]).expanduser()
    from platformdirs import user_config_path

    return user_config_path("paperdeck", appauthor=False) / FILE_NAME


def load(path: Path) -> Config:
    """The config at `path`; a missing file is an empty config, not a problem."""
    config = Config(path)
    try:
        if path.exists() and not path.is_file():
            config.problems.append(f"{path}: not a file; paperdeck's defaults are used")
            return config
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return config
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        config.problems.append(f"{path}: cannot be read ({reason}); paperdeck's defaults are used")
        return config
    config.exists = True
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POSITION.search(str(exc))
        line = found.group(1) if found else "1"
        reason = _TOML_POSITION.sub("", str(exc)).strip()
        config.problems.append(f"{path}:{line}: not TOML ({reason}); paperdeck's defaults are used")
        return config
    lines = text.splitlines()
    for section, value in document.items():
        if section not in SECTIONS:
            where = _line_of(lines, None, section)
            config.problems.append(f"{path}:{where}: no section [{section}] in a config file (there is [settings])")
            continue
        if not isinstance(value, dict):
            config.problems.append(f"{path}:{_line_of(lines, None, section)}: {section} must be a table, [{section}]")
            continue
        _read_settings(config, value, lines)
    return config


def _read_settings(config: Config, table: Mapping[str, Any], lines: list[str]) -> None:
    for name, value in table.items():
        where = f"{config.path}:{_line_of(lines, 'settings', name)}"
        setting = BY_NAME.get(name)
        if setting is None:
            config.problems.append(f"{where}: no setting {name!r}; the settings are: {', '.join(BY_NAME)}")
        elif not setting.admits(value):
            shown = str(value).lower() if isinstance(value, bool) else repr(value)
            config.problems.append(f"{where}: {name} must be {setting.expects()}, not {shown}; the default holds")
        else:
            config.settings[name] = value


def _line_of(lines: list[str], section: str | None, key: str) -> int:
    """The line where `key` is set in `[section]` (or where the table `[key]` starts); 1 if not found."""
    current = None
    header = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
    assignment = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(lines, 1):
        if found := header.match(line):
            current = found.group(1).strip("\"'")
            if section is None and current == key:
                return number
            continue
        if current == section and assignment.match(line):
            return number
        if section is None and current is None and assignment.match(line):
            return number
    return 1


def example() -> str:
    """The commented config file `paperdeck config --init` writes: every setting, at its default."""
    lines = [
        "# paperdeck's config file: the defaults you choose for this machine (it is never synced).",
        "# A value set in the app or with `paperdeck settings NAME VALUE` wins over the one here.",
        "# Remove the # before a line to use it. `paperdeck config` shows what holds, and from where.",
        "",
        "[settings]",
    ]
    for setting in SETTINGS:
        value = setting.default
        if isinstance(value, bool):
            shown = str(value).lower()
        elif isinstance(value, str):
            shown = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        else:
            shown = str(value)
        lines.append(f"# {setting.help}")
        lines.append(f"# {setting.name} = {shown}")
    return "\n".join(lines) + "\n"
