"""Papers and data out of paperdeck and back: `export`, `backup` and `restore`."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from tui.cli.output import EXIT_OK, EXIT_USAGE, err, open_store, out, read_library
from tui.home import Home
from tui.library.merge import Library
from tui.safe_text import visible
from tui.state.paper_state import PaperState
from tui.state.renames import follow_renames


def export_papers(home: Home, *, format_name: str, starred: bool, query_text: str | None, output: Path | None) -> int:
    """Writes the library's papers (all, starred, or those a filter keeps) in an export format."""
    from tui import export
    from tui.query import Matcher, QueryError, parse_query
    from tui.state.atomic import write_atomically

    try:
        query = parse_query(query_text or "")
    except QueryError as exc:
        err(f"paperdeck: --query: {exc}")
        return EXIT_USAGE
    store = open_store(home)
    if store is None:
        return EXIT_USAGE
    if starred:
        query = replace(query, flags=query.flags | {"starred"})
    blank = PaperState()
    from tui.settings import COMMENTARY_LANGUAGE  # the reader's choice, remembered

    language = COMMENTARY_LANGUAGE.read(store)

    def exported(library: Library) -> list[export.Exported]:
        follow_renames(store, library)  # papers the library now knows under other ids
        states, cards = store.paper_states(), store.card_documents()
        due: set[str] = set()
        if "due" in query.flags:
            from tui.review.deck import Deck

            due = set(Deck(store).session_queue())  # with the user's review settings
        matcher = Matcher(library, lambda paper_id: states.get(paper_id, blank), due.__contains__)
        return export.exported_items(library.papers, matcher.filter(library.order, query), states, cards)

    try:
        items = read_library("exporting", home, exported)
    finally:
        store.close()
    data = export.export(format_name, items, language=language)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        err(f"exported {len(items)} paper(s)")
        return EXIT_OK
    write_atomically(output, data)
    err(f"exported {len(items)} paper(s) to {visible(str(output))}")
    return EXIT_OK


# --- backup and restore ---------------------------------------------------------------------


def backup(home: Home, target: Path, *, force: bool) -> int:
    """Writes the home's store, review log, library and themes into one archive."""
    from tui.backup import BackupError, write_backup

    if target.exists() and not force:
        err(f"paperdeck: {target} exists; give --force to replace it")
        return EXIT_USAGE
    store = None
    if home.store.exists():
        # Holding the store's lock keeps another paperdeck from writing while the files are read.
        store = open_store(home, quiet=True)
        if store is None:
            return EXIT_USAGE
        if store.read_only:
            err(
                f"paperdeck: {visible(store.report.read_only_because or 'the store is in use')}; "
                "the backup holds what it has saved so far"
            )
    try:
        summary = write_backup(home, target)
    except BackupError as exc:
        err(f"paperdeck: {visible(str(exc))}")
        return EXIT_USAGE
    finally:
        if store is not None:
            store.close()
    out(
        f"backed up {summary.files} file(s) ({summary.library_files} digest(s)) to {visible(str(target))}, "
        f"{summary.size:,} bytes"
    )
    return EXIT_OK


def restore(home: Home, source: Path, *, force: bool) -> int:
    """Brings a backup back into the home; replaces an existing store or library only with --force."""
    from tui.backup import BackupError, home_in_use, read_backup
    from tui.backup import restore as put_back

    try:
        files = read_backup(source)
    except BackupError as exc:
        err(f"paperdeck: {visible(str(exc))}; nothing changed")
        return EXIT_USAGE
    in_use = home_in_use(home)
    if in_use and not force:
        err(
            f"paperdeck: {visible(str(home.root))} already holds {', '.join(in_use)}; "
            "give --force to replace them (they are moved aside, not deleted)"
        )
        return EXIT_USAGE
    if home.root.is_dir():
        # A running paperdeck holds the store's lock (even before its first save).
        store = open_store(home, quiet=True)
        if store is None:
            return EXIT_USAGE
        in_other_hands = store.read_only
        store.close()
        if in_other_hands:
            err(
                f"paperdeck: {visible(store.report.read_only_because or 'the store is in use')}; "
                "quit it before restoring; nothing changed"
            )
            return EXIT_USAGE
    aside = put_back(files, home)
    digests = sum(1 for name in files if name.startswith("library/"))
    out(
        f"restored {len(files)} file(s) ({digests} digest(s)) from {visible(str(source))} into {visible(str(home.root))}"
    )
    if aside is not None:
        out(f"what was there before is in {visible(str(aside))}")
    return EXIT_OK
