"""The commands that start the reader app: `open` (the default) and `review`."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tui.cli.output import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, err, open_store, progress_bar
from tui.home import Home
from tui.library.cache import load_library_cached
from tui.library.files import library_files
from tui.runtime import freeze_heap


def open_reader(home: Home, paths: list[Path], *, year: int | None, start: str = "reader") -> int:
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
    try:
        from tui.library.watch import LibraryWatch

        # Before the library is read: a file that arrives meanwhile is seen at the first poll.
        watch = LibraryWatch(home, paths, year=year)
        files, showing_samples = library_files(home, paths)
        library = load_library_cached(
            files,
            home.cache / "library.marshal",
            year=year,
            abstracts_later=True,
            progress=partial(progress_bar, "Reading the digests"),
        )
        freeze_heap()
        app = PaperdeckApp(library, home=home, store=store, showing_samples=showing_samples, start=start, watch=watch)
        app.run()
    finally:
        saved = store.close()
    if not saved:
        err(f"paperdeck: could not save {store.path}: {store.last_error}; your last changes are not on disk")
        return EXIT_ERRORS
    return EXIT_OK


def review(home: Home, *, year: int | None) -> int:
    return open_reader(home, [], year=year, start="review")
