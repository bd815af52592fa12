"""The commands that start the reader app: `open` (the default) and `review`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tui.cli.output import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, err, open_library_saying, open_store
from tui.home import Home
from tui.runtime import freeze_heap


def open_reader(
    home: Home, paths: list[Path], *, year: int | None, start: str = "reader", config_problems: Sequence[str] = ()
) -> int:
    """Runs the app; `start="review"` goes straight into a review session and leaves after it."""
    missing = [path for path in paths if not path.exists()]
    for path in missing:
        err(f"paperdeck: {path}: no such file or folder")
    if missing:
        return EXIT_USAGE
    from tui.ui.app import PaperdeckApp

    store = open_store(home, quiet=True)
    if store is None:
        return EXIT_USAGE
    store.close_on_exit()
    opened = None
    try:
        from tui.library.watch import LibraryWatch

        opened = open_library_saying(home, paths, year=year, for_the_reader=True)
        freeze_heap()
        app = PaperdeckApp(
            opened.library,
            home=home,
            store=store,
            showing_samples=opened.showing_samples,
            start=start,
            watch=LibraryWatch(opened),
            notices=opened.notices,
            config_problems=list(config_problems),
        )
        app.run()
    finally:
        saved = store.close()
        if opened is not None:
            opened.close()
    if not saved:
        err(f"paperdeck: could not save {store.path}: {store.last_error}; your last changes are not on disk")
        return EXIT_ERRORS
    return EXIT_OK


def review(home: Home, *, year: int | None, config_problems: Sequence[str] = ()) -> int:
    return open_reader(home, [], year=year, start="review", config_problems=config_problems)
