"""Folders linked into the library by reference, such as a notes vault: read where they are, never written to.

The linked folders are this machine's paths (a clone of the vault lives elsewhere on another
machine), kept in the data home's `linked.json` rather than in the store. A linked folder's
notes (`*.md`, in any subfolder) are digests of the library like the files in `library/`: the
index takes in a pulled note one file at a time, and the reader watches the folder.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from tui.home import Home
from tui.state.atomic import write_atomically

LINKED_NAME = "linked.json"
NOTE_SUFFIX = ".md"


@dataclass(frozen=True)
class LinkedFolders:
    """The folders linked into a home's library."""

    home: Home

    @property
    def path(self) -> Path:
        return self.home.root / LINKED_NAME

    def folders(self) -> list[Path]:
        """The linked folders, in the order they were linked; none if the file is missing or
        unreadable (a bad file links nothing rather than stop the library from opening)."""
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        folders = document.get("folders") if isinstance(document, dict) else None
        return [Path(folder) for folder in folders if isinstance(folder, str)] if isinstance(folders, list) else []

    def link(self, folder: Path) -> bool:
        """Links `folder` (made absolute); False if it was linked already."""
        folder = absolute(folder)
        folders = self.folders()
        if folder in folders:
            return False
        self._save([*folders, folder])
        return True

    def unlink(self, folder: Path) -> bool:
        """Unlinks `folder`; False if it was not linked. Nothing in the folder is touched."""
        folder = absolute(folder)
        folders = self.folders()
        if folder not in folders:
            return False
        self._save([linked for linked in folders if linked != folder])
        return True

    def _save(self, folders: list[Path]) -> None:
        self.home.root.mkdir(parents=True, exist_ok=True)
        document = {"folders": [os.fspath(folder) for folder in folders]}
        write_atomically(self.path, (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def absolute(folder: Path) -> Path:
    """The folder as linked: absolute, `~` expanded, without following its symlinks."""
    return Path(os.path.abspath(folder.expanduser()))


def note_files(folder: Path | str) -> list[str]:
    """The notes in `folder` and every folder inside it, in path order.

    Hidden folders (`.git`, `.obsidian`, `.trash`) are the tools' own, not notes; symlinked
    folders are not followed, so a link back up the tree cannot make the walk endless.
    """
    found: list[str] = []
    for root, folders, files in os.walk(folder, followlinks=False):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found += (os.path.join(root, name) for name in files if name.lower().endswith(NOTE_SUFFIX))
    found.sort(key=os.fsencode)
    return found
