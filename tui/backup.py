"""Backing a data home up into one archive, and restoring it on another machine.

The archive is a gzipped tar of the files that are the user's: `store.json`, `reviews.jsonl`,
`library/` and `themes/`, with a `manifest.json` that names each file and its SHA-256. The
library index, the crash log and the lock are left out: they belong to one machine.

A restore checks the whole archive before it changes anything, unpacks it beside the home,
and then swaps it in; what it replaces is moved into a folder of its own, never deleted.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from tui import __version__
from tui.home import Home
from tui.state.atomic import write_atomically
from tui.state.store_file import REVIEW_LOG

MANIFEST = "manifest.json"
FORMAT_NAME = "paperdeck-backup"
FORMAT_VERSION = 1
_FOLDERS = ("library", "themes")
_FILES = ("store.json", REVIEW_LOG)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and nothing was changed."""


@dataclass(frozen=True)
class Summary:
    files: int
    library_files: int
    size: int  # bytes of the archive, or of the files restored


def home_files(home: Home) -> Iterator[tuple[str, Path]]:
    """The files a backup holds, as (name in the archive, path), in a stable order."""
    for name in _FILES:
        path = home.root / name
        if path.is_file():
            yield name, path
    for folder in _FOLDERS:
        root = home.root / folder
        if root.is_dir():
            for path in sorted(root.iterdir()):
                # Only the folder's own files: hidden ones are half-written imports and the like.
                if path.is_file() and not path.name.startswith("."):
                    yield f"{folder}/{path.name}", path


def write_backup(home: Home, target: Path) -> Summary:
    """Writes the archive to `target` in one piece (atomically). Raises OSError, BackupError."""
    members = list(home_files(home))
    if not any(name == "store.json" or name.startswith("library/") for name, _ in members):
        raise BackupError(f"{home.root} has no store and no library: nothing to back up")
    contents = {name: path.read_bytes() for name, path in members}
    manifest = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "paperdeck": __version__,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in contents.items()},
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        _add(archive, MANIFEST, json.dumps(manifest, indent=2).encode("utf-8"))
        for name, data in contents.items():
            _add(archive, name, data)
    data = buffer.getvalue()
    write_atomically(target, data)
    return Summary(len(contents), sum(1 for name in contents if name.startswith("library/")), len(data))


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(data))


def read_backup(source: Path) -> dict[str, bytes]:
    """Every file of a backup by name, each checked against the manifest. Raises BackupError."""
    try:
        with tarfile.open(source, mode="r:*") as archive:
            files: dict[str, bytes] = {}
            for member in archive:
                name = _checked_name(member)
                handle = archive.extractfile(member)
                if handle is None:
                    raise BackupError(f"{source}: {name!r} cannot be read from the archive")
                files[name] = handle.read()
    except FileNotFoundError:
        raise
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        why = "not a .tar.gz archive" if isinstance(exc, tarfile.ReadError) else str(exc).splitlines()[0]
        raise BackupError(f"{source}: not a paperdeck backup ({why})") from None
    manifest = _manifest(source, files.pop(MANIFEST, None))
    listed = manifest["files"]
    if set(listed) != set(files):
        missing = sorted(set(listed) - set(files))
        extra = sorted(set(files) - set(listed))
        raise BackupError(f"{source}: damaged backup: missing {missing or 'nothing'}, unexpected {extra or 'nothing'}")
    for name, data in files.items():
        if hashlib.sha256(data).hexdigest() != listed[name]:
            raise BackupError(f"{source}: damaged backup: {name} is not what was backed up")
    if "store.json" in files:
        try:
            store = json.loads(files["store.json"])
        except ValueError:
            store = None
        if not isinstance(store, dict):
            raise BackupError(f"{source}: damaged backup: store.json is not a paperdeck store")
    return files


def _checked_name(member: tarfile.TarInfo) -> str:
    """The member's name if it is one a backup may hold: a plain file, where a backup puts one."""
    path = PurePosixPath(member.name)
    ok = member.isfile() and not path.is_absolute() and ".." not in path.parts
    if ok and len(path.parts) == 1:
        ok = path.name in (MANIFEST, *_FILES)
    elif ok:
        ok = len(path.parts) == 2 and path.parts[0] in _FOLDERS and not path.name.startswith(".")
    if not ok:
        raise BackupError(f"not a paperdeck backup: it holds {member.name!r}")
    return member.name


def _manifest(source: Path, data: bytes | None) -> dict:
    if data is None:
        raise BackupError(f"{source}: not a paperdeck backup (no {MANIFEST})")
    try:
        manifest = json.loads(data)
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise BackupError(f"{source}: not a paperdeck backup ({MANIFEST} is not one of paperdeck's)")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{source}: a backup of version {manifest.get('version')!r}; this paperdeck reads version {FORMAT_VERSION}"
        )
    if not isinstance(manifest.get("files"), dict):
        raise BackupError(f"{source}: damaged backup: {MANIFEST} lists no files")
    return manifest


def home_in_use(home: Home) -> list[str]:
    """What a restore would replace: the names of the home's store, review log and non-empty folders."""
    found = [name for name in (*_FILES, "store.json.bak") if (home.root / name).exists()]
    found += [
        f"{folder}/" for folder in _FOLDERS if (home.root / folder).is_dir() and any((home.root / folder).iterdir())
    ]
    return found


def restore(files: dict[str, bytes], home: Home) -> Path | None:
    """Puts the backup's files in place of the home's; returns where the replaced ones went (if any).

    The files are first written into a folder beside the home's own, then each part is
    swapped in by a rename, so no part is ever half-written.
    """
    root = home.root
    root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    staging = root / f".restore-{stamp}-{os.getpid()}"
    aside = root / f"replaced-by-restore-{stamp}"
    try:
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        parts = [name for name in (*_FILES, *_FOLDERS) if (staging / name).exists()]
        # Everything a restore replaces, and the store's own fallback copy, which would
        # otherwise bring the old state back if the restored store were ever damaged.
        replaced = [name for name in (*_FILES, *_FOLDERS, "store.json.bak") if (root / name).exists()]
        if replaced:
            aside.mkdir()
        moved: list[str] = []
        placed: list[str] = []
        try:
            for name in replaced:
                os.replace(root / name, aside / name)
                moved.append(name)
            for name in parts:
                os.replace(staging / name, root / name)
                placed.append(name)
        except OSError:
            # Put the home back as it was before saying why the restore failed.
            for name in placed:
                os.replace(root / name, staging / name)
            for name in moved:
                os.replace(aside / name, root / name)
            if replaced:
                aside.rmdir()
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    # The library index sees the restored digests as changed files at the next start.
    return aside if aside.exists() else None
