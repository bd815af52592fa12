"""What every command shares: exit statuses, printing, the progress bar, and opening the store."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from tui.home import Home
from tui.library.index_sync import Progress
from tui.library.merge import Library
from tui.library.opening import OpenedLibrary, open_library
from tui.model import DigestFormat
from tui.safe_text import safe_json, visible
from tui.state.store import Store, StoreError

T = TypeVar("T")
# Exit status: clean; an error was reported about a digest; usage error or unreadable path.
EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
FORMAT_NAMES = {
    DigestFormat.COMMENTARY: "commentary digest",
    DigestFormat.HF_DAILY: "Daily Papers page",
    DigestFormat.HF_API: "Daily Papers API response",
    DigestFormat.EXPORT: "paperdeck export",
    DigestFormat.VAULT: "vault note",
    DigestFormat.UNKNOWN: "unknown format",
}
# Fewer files than this go by too fast for a progress bar to help.
PROGRESS_MIN_FILES = 10


def out(text: str = "") -> None:
    print(text)


def err(text: str) -> None:
    print(text, file=sys.stderr)


def out_json(data: bytes) -> None:
    """JSON lines, exact; on a terminal, with bidi marks and C1 controls escaped so it cannot act on them.

    Piped to a program, the bytes go as they are: escaping costs a scan of every byte.
    """
    sys.stdout.buffer.write(safe_json(data) if sys.stdout.isatty() else data)


def open_store(home: Home, *, quiet: bool = False) -> Store | None:
    """The home's store, with what opening it said printed (unless the app will show it)."""
    try:
        home.root.mkdir(parents=True, exist_ok=True)
        store = Store.open(home.store)
    except StoreError as exc:
        err(f"paperdeck: {exc}")
        return None
    if not quiet:
        for message in store.report.messages:
            err(f"paperdeck: {visible(message)}")
    return store


def read_library(doing: str, home: Home, read: Callable[[Library], T]) -> T:
    """What `read` makes of the home's library, for a command (`doing` the samples, when it is
    empty). If the index turns out damaged on the way, it is rebuilt and `read` runs again."""
    opened = open_library_saying(home)
    try:
        if opened.showing_samples:
            err(f"paperdeck: the library is empty; {doing} the bundled sample digests (add yours with 'paperdeck add')")
        found = read(opened.library)
        if opened.index.damage is not None:
            told = len(opened.notices)
            with sync_progress("Reading the digests") as progress:
                opened.refresh(progress)  # makes the damaged index afresh
            with sync_progress("Indexing them for search") as progress:
                opened.fill_search(progress)
            for notice in opened.notices[told:]:
                err(f"paperdeck: {visible(notice)}")
            found = read(opened.library)
    finally:
        opened.close()
    return found


def open_library_saying(
    home: Home, paths: list | tuple = (), *, year: int | None = None, for_the_reader: bool = False
) -> OpenedLibrary:
    """The home's library from its index, with a progress bar while digests are read and the
    index's notices (rebuilt, damaged) printed, the search table complete. For the reader, the
    notices are left to the app to show, and the search texts to fill in after its first screen."""
    with sync_progress("Reading the digests") as progress:
        opened = open_library(home, paths, year=year, progress=progress)
    if for_the_reader:
        return opened
    if opened.search_pending():
        with sync_progress("Indexing them for search") as progress:
            opened.fill_search(progress)
    for notice in opened.notices:
        err(f"paperdeck: {visible(notice)}")
    return opened


@contextmanager
def sync_progress(description: str, *, counted: bool = False) -> Iterator[Progress]:
    """A `Progress` (steps done, in all) drawn as a rich progress bar on standard error once the
    work is big enough to show, and only on a terminal. `counted` shows "12/57" rather than a
    percentage (for steps a person counts: files)."""
    if not sys.stderr.isatty():
        yield lambda _done, _total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    bar = Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn() if counted else TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        # Lines printed meanwhile go above the bar when they share its terminal; into a pipe
        # they go straight on.
        redirect_stdout=sys.stdout.isatty(),
        redirect_stderr=False,
    )
    task = None

    def advance(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            if total < PROGRESS_MIN_FILES:
                return
            bar.start()
            task = bar.add_task(description, total=total)
        bar.update(task, completed=done, total=total)

    try:
        yield advance
    finally:
        if task is not None:
            bar.stop()


@contextmanager
def progress_bar(description: str, total: int) -> Iterator[Callable[[], None]]:
    """`sync_progress` for `total` files worked through one by one; yields the function to call
    after each."""
    with sync_progress(description, counted=True) as progress:
        done = 0

        def advance() -> None:
            nonlocal done
            done += 1
            progress(done, total)

        yield advance
