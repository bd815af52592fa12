"""`paperdeck doctor`: the config file, the data home, the store, the index, the library, the
clipboard, the terminal and sync, each OK or what to do about it. It only looks: nothing is repaired, moved or
locked, so it can be run beside an open reader and on a home something is wrong with.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

import orjson

from tui.cli.output import EXIT_ERRORS, EXIT_OK, out
from tui.config import Config
from tui.home import Home
from tui.safe_text import visible

# Below this the reader's panes cannot all be shown (what `make run` is tried at).
MIN_COLUMNS, MIN_LINES = 80, 24


@dataclass(frozen=True)
class Check:
    """One thing looked at: whether it is as it should be, and what was found or what to do."""

    name: str
    ok: bool
    detail: str


def doctor(home: Home, config: Config) -> int:
    """Prints every check, one line each; exit 1 when one of them is not OK."""
    checks = [
        _config(config),
        _data_home(home),
        _store(home),
        _review_log(home),
        _index(home),
        *_library(home),
        _clipboard(),
        _terminal(),
        _sync(home),
    ]
    width = max(len(check.name) for check in checks)
    for check in checks:
        out(f"{'OK  ' if check.ok else 'FIX '} {check.name:<{width}}  {visible(check.detail)}")
    failed = [check for check in checks if not check.ok]
    out("All is well." if not failed else f"{len(failed)} thing(s) to fix: see the lines marked FIX.")
    return EXIT_ERRORS if failed else EXIT_OK


def _config(config: Config) -> Check:
    if config.problems:
        more = (
            f" (and {len(config.problems) - 1} more: paperdeck config lists them)" if len(config.problems) > 1 else ""
        )
        return Check("config file", False, config.problems[0] + more)
    if not config.exists:
        return Check("config file", True, f"{config.path}: none (paperdeck config --init writes a commented one)")
    return Check("config file", True, f"{config.path}: {len(config.settings)} setting(s) chosen")


def _data_home(home: Home) -> Check:
    root = home.root
    if not root.exists():
        return Check("data home", True, f"{root}: not made yet; paperdeck makes it at the first start")
    if not root.is_dir():
        return Check("data home", False, f"{root}: a file, not a folder; choose another with --home or PAPERDECK_HOME")
    if not os.access(root, os.W_OK | os.X_OK):
        return Check("data home", False, f"{root}: cannot be written; fix its permissions or choose another home")
    return Check("data home", True, str(root))


def _store(home: Home) -> Check:
    path = home.store
    if not path.exists():
        return Check("store", True, f"{path}: none yet (your state starts empty)")
    try:
        document = orjson.loads(_regular_bytes(path))
    except OSError as exc:
        return Check("store", False, f"{path}: cannot be read ({exc.strerror or exc})")
    except orjson.JSONDecodeError as exc:
        return Check(
            "store",
            False,
            f"{path}: not JSON ({exc}); the next start moves it aside and starts afresh, "
            "or put back a backup with paperdeck restore",
        )
    tables = document if isinstance(document, dict) else {}
    papers = len(tables.get("papers", {})) if isinstance(tables.get("papers"), dict) else 0
    cards = len(tables.get("cards", {})) if isinstance(tables.get("cards"), dict) else 0
    return Check("store", True, f"{path}: {papers:,} paper(s) with a state, {cards:,} review card(s)")


def _review_log(home: Home) -> Check:
    path = home.root / "reviews.jsonl"
    if not path.exists():
        return Check("review log", True, f"{path}: none yet")
    try:
        lines = _regular_bytes(path).splitlines()
    except OSError as exc:
        return Check("review log", False, f"{path}: cannot be read ({exc.strerror or exc})")
    bad = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            try:
                if not isinstance(orjson.loads(line), dict):
                    bad.append(number)
            except orjson.JSONDecodeError:
                bad.append(number)
    if bad and bad != [len(lines)]:  # a torn last line is cut off by the next answer
        return Check(
            "review log", False, f"{path}:{bad[0]}: {len(bad)} line(s) paperdeck cannot read; they are skipped"
        )
    return Check("review log", True, f"{path}: {len(lines) - len(bad):,} line(s)")


def _index(home: Home) -> Check:
    path = home.cache / "index.sqlite3"
    if not path.exists():
        return Check("library index", True, f"{path}: not built yet; the first start builds it")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
        try:
            verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as exc:
        verdict = str(exc)
    if verdict != "ok":
        return Check("library index", False, f"{path}: damaged ({verdict}); delete it, the next start builds it anew")
    return Check("library index", True, f"{path}: sound")


def _library(home: Home) -> list[Check]:
    from tui.library.files import digest_files
    from tui.library.linked import LinkedFolders

    folder = home.library
    if folder.is_dir():
        found = [Check("library", True, f"{folder}: {len(digest_files(folder)):,} digest file(s)")]
    elif folder.exists():
        found = [Check("library", False, f"{folder}: not a folder; move it away, paperdeck makes the folder")]
    else:
        found = [Check("library", True, f"{folder}: empty (the bundled samples are shown; paperdeck add PATH)")]
    try:
        linked = LinkedFolders(home).folders()
    except (OSError, ValueError) as exc:
        return [*found, Check("linked folders", False, f"{home.root / 'linked.json'}: cannot be read ({exc})")]
    for path in linked:
        if path.is_dir():
            found.append(Check("linked folder", True, str(path)))
        else:
            found.append(Check("linked folder", False, f"{path}: missing; mount it, or paperdeck add --unlink {path}"))
    return found


def _clipboard() -> Check:
    import pyperclip

    try:
        copy, _paste = pyperclip.determine_clipboard()
    except pyperclip.PyperclipException as exc:
        return Check("clipboard", True, f"no system clipboard ({exc}); copies go through the terminal (OSC 52)")
    name = getattr(copy, "__qualname__", "") or type(copy).__name__
    if "Unavailable" in name or "no_clipboard" in name.lower():
        return Check("clipboard", True, "no system clipboard; copies go through the terminal (OSC 52, if it allows)")
    return Check("clipboard", True, f"system clipboard ({name.split('.')[0].removeprefix('init_')})")


def _terminal() -> Check:
    if not sys.stdout.isatty():
        return Check("terminal", True, "output is not a terminal here (piped); run paperdeck doctor in one to check it")
    size = shutil.get_terminal_size()
    colours = _colours()
    if size.columns < MIN_COLUMNS or size.lines < MIN_LINES:
        return Check(
            "terminal",
            False,
            f"{size.columns}×{size.lines}, {colours}; the reader needs {MIN_COLUMNS}×{MIN_LINES} at least",
        )
    return Check("terminal", True, f"{size.columns}×{size.lines}, {colours}")


def _colours() -> str:
    if os.environ.get("NO_COLOR"):
        return "no colour (NO_COLOR is set)"
    if os.environ.get("COLORTERM", "").lower() in {"truecolor", "24bit"}:
        return "true colour"
    term = os.environ.get("TERM", "")
    if "256" in term:
        return "256 colours"
    if term in {"", "dumb"}:
        return f"TERM={term or 'unset'}: no colour; set TERM to your terminal's (xterm-256color)"
    return f"TERM={term}: 8 or 16 colours"


def _sync(home: Home) -> Check:
    from tui.sync.engine import sync_home, sync_status
    from tui.sync.replica import ReplicaError

    if not (sync_home(home) / "replica.sqlite").exists():
        return Check("sync", True, "not set up (paperdeck sync DIR syncs through a folder a sync tool keeps)")
    try:
        status = sync_status(home)
    except ReplicaError as exc:
        return Check("sync", False, f"{exc}; the next sync makes it anew")
    if status["folder"] is None:
        return Check("sync", True, "not set up (paperdeck sync DIR syncs through a folder a sync tool keeps)")
    if status["problem"]:
        return Check("sync", False, f"{status['problem']}; mount it, or choose another with paperdeck sync DIR")
    machines = len(status["machines"])
    return Check("sync", True, f"{status['folder']}: {machines} other machine(s), last sync {status['last_sync']}")


def _regular_bytes(path: Path) -> bytes:
    """A file's bytes, refusing what is not a plain file (a pipe would hang, a device never end)."""
    if not path.is_file():
        raise OSError(0, "not a regular file", str(path))
    return path.read_bytes()
