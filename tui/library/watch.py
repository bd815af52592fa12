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
from tui.library.linked import NOTE_SUFFIX, LinkedFolders
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
        """The folders whose own files make the library: the home's library folder, and those of
        the files and folders given on the command line."""
        folders = {self.opened.home.library}
        for path in self.opened.paths:
            folders.add(path if path.is_dir() else path.parent)
        return sorted(folder for folder in folders if folder.is_dir())

    def linked(self) -> list[Path]:
        """The linked folders (a vault), whose notes in every subfolder are the library's too."""
        return [folder for folder in LinkedFolders(self.opened.home).folders() if folder.is_dir()]

    def changes(self) -> Iterator[bool]:
        """Yields True when the files may have changed, False when a while went by without a
        word; returns once `stop` is set. Blocks: a worker thread's job."""
        try:
            import watchfiles
        except ImportError:
            watchfiles = None
        while watchfiles is not None and not self.stop.is_set():
            linked = self.linked()
            # Watching a folder's subfolders is what a vault needs and what a folder of the command
            # line must not get (its parent may be the user's whole home): with linked folders,
            # those are left to the look every CHECK_MS that the index takes anyway.
            folders = [self.opened.home.library, *linked] if linked else self.folders()
            folders = [folder for folder in folders if folder.is_dir()]
            if not folders:
                break
            self.how = "notifications"
            try:
                for batch in watchfiles.watch(
                    *folders,
                    watch_filter=_LibraryFilter(self.folders(), linked),
                    stop_event=self.stop,
                    step=QUIET_MS,
                    debounce=MOST_MS,
                    rust_timeout=CHECK_MS,
                    yield_on_timeout=True,
                    raise_interrupt=False,
                    recursive=bool(linked),
                ):
                    yield bool(batch)
                    if self.linked() != linked:
                        break  # a folder was linked or unlinked: watch the new set
                else:
                    return  # stopped
            except (OSError, RuntimeError):
                break  # no notifications here (or the folder went): poll instead
        if self.stop.is_set():
            return
        self.how = "polling"
        while not self.stop.wait(POLL_SECONDS):
            yield True

    def refresh(self, progress: Progress | None = None) -> SyncReport | None:
        """What changed, once the index has taken it in; None when the library is as it was."""
        before = self.opened.library
        report = self.opened.refresh(progress)
        return report if self.opened.library is not before else None


class _LibraryFilter:
    """Which changed paths are the library's: a digest directly in one of `flat`, a note anywhere
    in one of `linked` (but not in their hidden folders)."""

    def __init__(self, flat: list[Path], linked: list[Path]) -> None:
        # Absolute, as the notifications name their paths (a --home may be given relative).
        self.flat = {os.path.abspath(folder) for folder in flat}
        self.linked = [os.path.join(os.path.abspath(folder), "") for folder in linked]

    def __call__(self, _change: object, path: str) -> bool:
        suffix = os.path.splitext(path)[1].lower()
        if suffix in DIGEST_SUFFIXES and os.path.dirname(os.path.abspath(path)) in self.flat:
            return True
        if suffix == NOTE_SUFFIX:
            for root in self.linked:
                if path.startswith(root):
                    return not any(part.startswith(".") for part in path[len(root) :].split(os.sep)[:-1])
        return False
