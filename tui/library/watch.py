"""Watching the library's files, so that a digest that arrives shows up in the open reader.

OS notifications through watchfiles (inotify on Linux, FSEvents on macOS): a change is
reported once its folder has been quiet for `QUIET_MS`, so a file being copied in is read
when the copy is done, well within a second of its last write. Where notifications cannot
be had (no watchfiles, a file system without them, too many watches), the folders are polled.

Either way, each report makes the index look at every file's size and modification time
(`OpenedLibrary.refresh`): whatever changed is parsed, one file at a time, and a change
another paperdeck made to the index meanwhile is picked up as well.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

from tui.library.files import DIGEST_SUFFIXES
from tui.library.index_sync import Progress, SyncReport
from tui.library.opening import OpenedLibrary

# A folder quiet this long after a change is reported; and at most this long after the first.
QUIET_MS = 150
MOST_MS = 800
# With no notification, the index is looked at this often anyway (another process may have
# changed it: `paperdeck add` in another terminal).
CHECK_MS = 5_000
POLL_SECONDS = 2.0


class LibraryWatch:
    """The files of an opened library, watched; `refresh` takes in what changed."""

    def __init__(self, opened: OpenedLibrary) -> None:
        self.opened = opened
        self.stop = threading.Event()
        self.how = "not yet"  # "notifications" or "polling", once `changes` has started

    def folders(self) -> list[Path]:
        """The folders whose files make the library: the home's library folder, and those of
        the files and folders given on the command line."""
        folders = {self.opened.home.library}
        for path in self.opened.paths:
            folders.add(path if path.is_dir() else path.parent)
        return sorted(folder for folder in folders if folder.is_dir())

    def changes(self) -> Iterator[bool]:
        """Yields True when the files may have changed, False when a while went by without a
        word; returns once `stop` is set. Blocks: a worker thread's job."""
        try:
            import watchfiles
        except ImportError:
            watchfiles = None
        folders = self.folders()
        if watchfiles is not None and folders:
            self.how = "notifications"
            try:
                for batch in watchfiles.watch(
                    *folders,
                    watch_filter=_is_digest,
                    stop_event=self.stop,
                    step=QUIET_MS,
                    debounce=MOST_MS,
                    rust_timeout=CHECK_MS,
                    yield_on_timeout=True,
                    raise_interrupt=False,
                    recursive=False,  # a folder's digests are the files directly in it
                ):
                    yield bool(batch)
                return
            except (OSError, RuntimeError):
                pass  # no notifications here (or the folder went): poll instead
        self.how = "polling"
        while not self.stop.wait(POLL_SECONDS):
            yield True

    def refresh(self, progress: Progress | None = None) -> SyncReport | None:
        """What changed, once the index has taken it in; None when the library is as it was."""
        before = self.opened.library
        report = self.opened.refresh(progress)
        return report if self.opened.library is not before else None


def _is_digest(_change: object, path: str) -> bool:
    return os.path.splitext(path)[1].lower() in DIGEST_SUFFIXES
