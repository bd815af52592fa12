"""The commands that change the user's state from the shell: `mark` (read, unread, star,
unstar) and `watch` (the watch list: add, remove, list)."""

from __future__ import annotations

import sys
from collections.abc import Iterable

import orjson

from tui.cli.output import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, err, open_store, out, out_json, read_library
from tui.groups import Groups
from tui.home import Home
from tui.library.merge import Library, papers_among
from tui.safe_text import one_line, visible
from tui.state.paper_state import PaperState, user_tags
from tui.state.renames import follow_renames
from tui.state.store import Store, StoreReadOnly
from tui.state.user_lists import WatchItem, watch_list

# What each `mark` action sets, and how the summary names it.
MARKS: dict[str, tuple[str, bool, str]] = {
    "read": ("read", True, "read"),
    "unread": ("read", False, "unread"),
    "star": ("starred", True, "starred"),
    "unstar": ("starred", False, "unstarred"),
}
WATCH_ACTIONS = ("add", "remove", "list")


def _writable_store(home: Home) -> Store | None:
    """The home's store for a change, with what opening it said printed; None (after one line
    saying why) when it cannot be changed: another paperdeck holds it."""
    store = open_store(home, quiet=True)
    if store is None:
        return None
    if store.read_only:
        err(f"paperdeck: {visible(store.report.read_only_because or 'the store is in use')}; nothing changed")
        store.close()
        return None
    for message in store.report.messages:
        err(f"paperdeck: {visible(message)}")
    return store


def _closed(store: Store) -> bool:
    """Closes the store; False (after saying so) when the change did not reach the disk."""
    if store.close():
        return True
    err(f"paperdeck: could not save {store.path}: {store.last_error}; nothing changed on disk")
    return False


# --- mark -----------------------------------------------------------------------------------


def read_ids(args: list[str], stdin: Iterable[str]) -> list[str] | None:
    """The paper ids given, each once, in order: the arguments, or with a lone `-` the lines
    of standard input (blank ones left out). None, after a message, for `-` among ids."""
    if "-" in args:
        if len(args) > 1:
            err("paperdeck: '-' reads the ids from standard input, one per line, and goes alone")
            return None
        args = [line.strip() for line in stdin]
    return list(dict.fromkeys(paper_id for paper_id in args if paper_id))


def mark(home: Home, action: str, id_args: list[str]) -> int:
    """Marks papers read or unread, starred or not, in one change; nothing at all when an id
    is not a paper of the library. Starring adds a review card when the review settings say so."""
    field, on, done = MARKS[action]
    ids = read_ids(id_args, sys.stdin)
    if ids is None:
        return EXIT_USAGE
    if not ids:
        out(f"marked 0 paper(s) {done}")
        return EXIT_OK
    store = _writable_store(home)
    if store is None:
        return EXIT_USAGE

    def unknown_in(library: Library) -> list[str]:
        follow_renames(store, library)  # papers the library now knows under other ids
        known = papers_among(library.papers, ids)
        return [paper_id for paper_id in ids if paper_id not in known]

    try:
        unknown = read_library("marking", home, unknown_in)
        if unknown:
            for paper_id in unknown:
                err(f"paperdeck: no paper with id {one_line(paper_id)} in the library")
            return EXIT_USAGE
        already = sum(1 for paper_id in ids if getattr(store.paper(paper_id), field) == on)
        # As the reader's star key: a paper starred now gets a card, unless it has one already.
        newly = [paper_id for paper_id in ids if not store.paper(paper_id).starred] if action == "star" else []
        deck = None
        if newly:
            from tui.review.deck import Deck  # only starring needs the scheduler

            deck = Deck(store)
        added = 0
        try:
            with store.writer.lock:  # one change: the file has the flags and the cards, or neither
                store.set_flags(ids, **{field: on})
                if deck is not None and deck.settings.star_adds_card:
                    added = sum(1 for paper_id in newly if deck.add(paper_id))
        except StoreReadOnly as exc:
            err(f"paperdeck: {visible(str(exc))}; nothing changed")
            return EXIT_USAGE
    finally:
        saved = _closed(store)
    if not saved:
        return EXIT_ERRORS
    summary = f"marked {len(ids)} paper(s) {done}"
    if already:
        summary += f" ({already} already was)"
    if added:
        summary += f"; {added} added to the review deck"
    out(summary)
    return EXIT_OK


# --- watch ----------------------------------------------------------------------------------


def watch(home: Home, action: str, kind: str | None, words: list[str], *, as_json: bool = False) -> int:
    if action == "list":
        return _watch_list(home, as_json=as_json)
    try:
        item = WatchItem.made(kind or "", " ".join(words))
    except ValueError as exc:
        err(f"paperdeck: {exc}")
        return EXIT_USAGE
    store = _writable_store(home)
    if store is None:
        return EXIT_USAGE
    try:
        groups = Groups(store)
        # Names differing in case alone are one author: the watch list matches them so.
        same = next((watched for watched in groups.watch if watched.same_as(item)), None)
        if action == "add" and same is not None:
            out(f"already watching {_shown(same)}")
            return EXIT_OK
        if action == "remove" and same is None:
            err(f"paperdeck: {_shown(item)} is not watched")
            return EXIT_USAGE
        try:
            if action == "add":
                groups.add_watch(item)
            else:
                groups.remove_watch(item)
        except StoreReadOnly as exc:
            err(f"paperdeck: {visible(str(exc))}; nothing changed")
            return EXIT_USAGE
    finally:
        saved = _closed(store)
    if not saved:
        return EXIT_ERRORS
    out(f"watching {_shown(item)}" if action == "add" else f"no longer watching {_shown(same or item)}")
    return EXIT_OK


def _shown(item: WatchItem) -> str:
    return f"{item.kind} {one_line(item.label)}"


def _watch_list(home: Home, *, as_json: bool) -> int:
    """Every watched item with the number of the library's papers it matches."""
    from tui.watching import Watcher

    store = open_store(home)
    if store is None:
        return EXIT_USAGE
    items = watch_list(store)
    blank = PaperState()

    def counted(library: Library) -> list[tuple[WatchItem, int]]:
        follow_renames(store, library)
        states = store.paper_states()
        watcher = Watcher(items)
        tags = user_tags(states)
        state_of = lambda paper_id: states.get(paper_id, blank)  # noqa: E731
        return [(item, len(watcher.papers_of(item, library, state_of, tags))) for item in items]

    try:
        found = read_library("counting in", home, counted) if items else []
    finally:
        store.close()
    if as_json:
        out_json(
            b"".join(
                orjson.dumps({"kind": item.kind, "value": item.value, "papers": papers}) + b"\n"
                for item, papers in found
            )
        )
        return EXIT_OK
    if not found:
        out("nothing is watched; add an author, a word or a tag with 'paperdeck watch add KIND VALUE'")
    for item, papers in found:
        out(f"{papers:>6}  {item.kind:<6}  {one_line(item.label)}")
    return EXIT_OK
