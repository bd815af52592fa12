"""`paperdeck sync [DIR]`: choose the folder a sync tool keeps, sync now, or say how it stands."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson

from tui.cli.output import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, err, open_store, out
from tui.home import Home
from tui.safe_text import visible


def sync(home: Home, folder: Path | None, *, status: bool, as_json: bool) -> int:
    """Syncs with the chosen folder (choosing `folder` first, when given); `status` only tells."""
    from tui.sync.engine import Syncer, SyncProblem, sync_home
    from tui.sync.replica import ReplicaError

    if status:
        return _status(home, as_json=as_json)
    chosen = None
    if folder is not None:
        chosen, problem = _usable(folder, home)
        if chosen is None:
            err(f"paperdeck: {problem}")
            return EXIT_USAGE
    store = open_store(home, quiet=True)  # read-only is said below, once, as what it means here
    if store is None:
        return EXIT_USAGE
    try:
        if store.read_only:
            err(f"paperdeck: {store.report.read_only_because}; the open reader syncs by itself, or close it first")
            return EXIT_USAGE
        for message in store.report.messages:
            err(f"paperdeck: {visible(message)}")
        if chosen is not None and not chosen.exists():
            try:
                chosen.mkdir()
            except OSError as exc:
                err(f"paperdeck: {chosen}: cannot be made ({exc.strerror or exc})")
                return EXIT_USAGE
        from tui.review.deck import Deck

        try:
            syncer = Syncer(home, store, Deck(store))
        except ReplicaError as exc:
            err(f"paperdeck: {exc}")
            return EXIT_USAGE
        try:
            if chosen is not None:
                syncer.choose_folder(chosen)
            report = syncer.run()
        except SyncProblem as exc:
            err(f"paperdeck: {exc}")
            return EXIT_USAGE
        finally:
            syncer.close()
    finally:
        saved = store.close()
    if not saved:
        err(f"paperdeck: {store.saving_problem()}; what came in is kept in {sync_home(home)} for the next sync")
        return EXIT_ERRORS
    if as_json:
        sys.stdout.buffer.write(orjson.dumps(report.to_json()) + b"\n")
    else:
        out(f"Synced with {report.folder}: {report.summary()}")
    for warning in report.warnings:
        err(f"paperdeck: {visible(warning)}")
    return EXIT_ERRORS if report.warnings else EXIT_OK


def _usable(folder: Path, home: Home) -> tuple[Path | None, str]:
    """The folder to sync through (it may not exist yet if its parent does); else why not.
    Nothing is made here: a folder is made only once the sync can run."""
    folder = folder.expanduser()
    if folder.exists() and not folder.is_dir():
        return None, f"{folder}: not a folder"
    if not folder.exists() and not folder.parent.is_dir():
        return None, f"{folder.parent}: no such folder"
    resolved = folder.resolve()
    if resolved == home.root.resolve() or home.root.resolve() in resolved.parents:
        # Each machine's own home would then travel whole, store and lock file included.
        return None, f"{folder}: inside the data home {home.root}; choose a folder of the sync tool's"
    return resolved, ""


def _status(home: Home, *, as_json: bool) -> int:
    """How sync stands; reads the replica only, so it works while the reader is open."""
    from tui.sync.engine import sync_home, sync_status
    from tui.sync.replica import ReplicaError

    if not (sync_home(home) / "replica.sqlite").exists():
        document = {"folder": None, "device": None, "last_sync": None, "machines": [], "problem": None}
    else:
        try:
            document = sync_status(home)
        except ReplicaError as exc:
            err(f"paperdeck: {exc}")
            return EXIT_USAGE
    if as_json:
        sys.stdout.buffer.write(orjson.dumps(document) + b"\n")
        return EXIT_OK
    if document["folder"] is None:
        out("No sync folder yet: `paperdeck sync DIR` makes DIR, a folder your sync tool keeps, this machine's.")
        return EXIT_OK
    out(f"Sync folder    {document['folder']}")
    out(f"This machine   {document['device']}")
    out(f"Last sync      {document['last_sync'] or 'never'}")
    waiting = document["waiting_bytes"]
    out(
        f"Waiting here   {f'{waiting:,} bytes not yet in the folder' if waiting else 'nothing: all of it is in the folder'}"
    )
    if document["problem"]:
        out(f"Problem        {visible(document['problem'])}")
    machines = document["machines"]
    out(f"Other machines {len(machines) or 'none yet'}")
    for machine in machines:
        name = machine.get("name") or "?"
        told = machine.get("problem") or f"{machine['files']:,} bytes, last change {machine.get('changed') or 'never'}"
        out(f"  {machine['device']}  {visible(str(name))}  {visible(str(told))}")
    return EXIT_OK
