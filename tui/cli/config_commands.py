"""`paperdeck config`: where the config file is, what each setting is and where it comes from."""

from __future__ import annotations

from tui.cli.output import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, err, open_store, out
from tui.config import Config, example
from tui.home import Home
from tui.safe_text import visible
from tui.settings import SETTINGS
from tui.state.atomic import write_atomically


def config(home: Home, loaded: Config, *, path_only: bool, init: bool, force: bool) -> int:
    """Prints the path (`--path`), writes the commented example (`--init`), or shows every setting."""
    if path_only:
        out(str(loaded.path))
        return EXIT_OK
    if init:
        return _init(loaded, force=force)
    store = open_store(home, quiet=True)
    if store is None:
        return EXIT_USAGE
    try:
        state = "" if loaded.exists else " (none yet: paperdeck config --init writes one)"
        out(f"Config file  {loaded.path}{state}")
        width = max(len(setting.name) for setting in SETTINGS)
        for setting in SETTINGS:
            source = {"set": "set here", "config file": "config file", "default": "default"}[setting.source(store)]
            out(f"  {setting.name:<{width}}  {setting.show(setting.read(store)):<16} {source}")
    finally:
        store.close()
    for problem in loaded.problems:
        err(f"paperdeck: {visible(problem)}")
    return EXIT_ERRORS if loaded.problems else EXIT_OK


def _init(loaded: Config, *, force: bool) -> int:
    path = loaded.path
    if path.exists() and not force:
        err(f"paperdeck: {path} exists; --force replaces it")
        return EXIT_USAGE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, example().encode())
    except OSError as exc:
        err(f"paperdeck: {path}: cannot be written ({exc.strerror or exc})")
        return EXIT_USAGE
    out(f"wrote {path}: every setting, commented out at its default")
    return EXIT_OK
