"""Watching the sync folder, so that what another machine wrote is taken in while the reader is open.

OS notifications through watchfiles, as for the library (`tui.library.watch`): a change is
reported once the folder has been quiet for `QUIET_MS`. Only the other machines' stream files
count: this machine's own folder changes at every sync, and answering those changes with a sync
would never end. Where notifications cannot be had (a network or FUSE folder, no watchfiles),
the folder is looked at every `POLL_SECONDS`; a missed notification costs at most that long.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

from tui.sync.folder import SUBFOLDER, stream_of

QUIET_MS = 300
MOST_MS = 2_000
# Even with notifications, a look this often: a sync tool may write in ways inotify misses.
CHECK_MS = 30_000
POLL_SECONDS = 30.0


class FolderWatch:
    """The other machines' files in one sync folder, watched; `changes` says when to sync."""

    def __init__(self, folder: Path, device: str) -> None:
        self.folder = folder
        self.device = device
        self.stop = threading.Event()
        self.how = "not yet"  # "notifications" or "polling", once `changes` has started

    def changes(self) -> Iterator[bool]:
        """Yields True when another machine's files may have changed, False when a while went by
        without a word; returns once `stop` is set. Blocks: a worker thread's job."""
        try:
            import watchfiles
        except ImportError:
            watchfiles = None
        while watchfiles is not None and not self.stop.is_set() and self.folder.is_dir():
            self.how = "notifications"
            try:
                for batch in watchfiles.watch(
                    self.folder,
                    watch_filter=_OthersFiles(self.folder, self.device),
                    stop_event=self.stop,
                    step=QUIET_MS,
                    debounce=MOST_MS,
                    rust_timeout=CHECK_MS,
                    yield_on_timeout=True,
                    raise_interrupt=False,
                    recursive=True,
                ):
                    yield bool(batch)
                else:
                    return  # stopped
            except (OSError, RuntimeError):
                break  # no notifications here (or the folder went): look now and then instead
        if self.stop.is_set():
            return
        self.how = "polling"
        while not self.stop.wait(POLL_SECONDS):
            yield True


class _OthersFiles:
    """Which changed paths are another machine's stream files: `folder/paperdeck/<device>/<stream>*.jsonl`."""

    def __init__(self, folder: Path, device: str) -> None:
        self.base = os.path.join(os.path.abspath(folder), SUBFOLDER, "")
        self.device = device

    def __call__(self, _change: object, path: str) -> bool:
        if not path.startswith(self.base):
            return False
        parts = path[len(self.base) :].split(os.sep)
        if len(parts) != 2 or parts[0].startswith("."):
            return False
        device, name = parts
        if stream_of(name) is None:
            return False
        # The own exact files change at every sync; a conflict copy in the own folder is news.
        return device != self.device or name not in {"changes.jsonl", "answers.jsonl"}
