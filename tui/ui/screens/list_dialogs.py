"""The dialogs of the watch list and the saved views: what to watch on a paper, the watch
list, saving, renaming and removing a view, and where the reader goes after each.

Each asks, then hands the answer on (`changed` is called after a change was kept); the
lists themselves are `tui.groups.Groups`', and the reader is seen as a `ShowsViews`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol

from textual.app import App

from tui.groups import Groups, saved_key
from tui.model import Paper
from tui.reading import Reading
from tui.state.store_file import StoreReadOnly
from tui.state.user_lists import WATCH_KINDS, WatchItem
from tui.ui.screens.dialogs import ChoiceDialog, ConfirmDialog, PromptDialog
from tui.views import ALL, ViewKey

_STOP = "stop:"


class ShowsViews(Protocol):
    """What these need of the reader: its rules, the view shown, and going to another."""

    @property
    def app(self) -> App: ...

    @property
    def reading(self) -> Reading: ...

    @property
    def current_view(self) -> ViewKey: ...

    def go_to_view(self, key: ViewKey, *, forget_filter: bool = False) -> None: ...

    def work_out_groups(self) -> None: ...

    def notify(self, message: str, *, severity: str = ..., markup: bool = ...) -> None: ...


_TYPE = "type:"


def _kept(app: App, change: Callable[[], object], changed: Callable[[], object], said: str) -> None:
    """Runs a change of the lists, and says what it did or why it could not."""
    try:
        change()
    except StoreReadOnly as exc:
        app.notify(str(exc), severity="error", markup=False)
        return
    except ValueError as exc:
        app.notify(str(exc), severity="warning", markup=False)
        return
    changed()
    if said:
        app.notify(said, markup=False)


def choose_watch(app: App, paper: Paper, groups: Groups, changed: Callable[[], object]) -> None:
    """What to watch of a paper: one of its authors or tags, or a word typed (or stop
    watching one it matches)."""
    choices: list[tuple[str, str]] = []
    offered = [WatchItem("author", name) for name in paper.authors[:12]]
    offered += [WatchItem("tag", tag) for tag in paper.tags]
    for item in offered:
        made = WatchItem.made(item.kind, item.value)
        if any(made.same_as(watched) for watched in groups.watch):
            choices.append((_STOP + made.key, f"Stop watching {made.label}"))
        else:
            choices.append((made.key, f"Watch {made.kind} {made.label}"))
    choices.append((_TYPE + "word", "Watch a word…"))
    _ask_item(app, f"Watch… ({paper.title})", choices, groups, changed)


def manage_watch_list(app: App, groups: Groups, changed: Callable[[], object]) -> None:
    """The watch list: stop watching an item, or watch a word, an author or a tag typed."""
    choices = [(_STOP + item.key, f"Stop watching {item.kind} {item.label}") for item in groups.watch]
    choices += [(_TYPE + kind, f"Watch a{'n' if kind == 'author' else ''} {kind}…") for kind in WATCH_KINDS]
    _ask_item(app, "Watch list", choices, groups, changed)


def _ask_item(
    app: App, title: str, choices: list[tuple[str, str]], groups: Groups, changed: Callable[[], object]
) -> None:
    def chosen(key: str | None) -> None:
        if key is None:
            return
        if key.startswith(_TYPE):
            kind = key.removeprefix(_TYPE)
            app.push_screen(PromptDialog(f"Watch a{'n' if kind == 'author' else ''} {kind}", ""), typed(kind))
        elif key.startswith(_STOP):
            item = WatchItem.from_key(key.removeprefix(_STOP))
            _kept(app, lambda: groups.remove_watch(item), changed, f"No longer watching {item.label}.")
        else:
            item = WatchItem.from_key(key)
            _kept(app, lambda: _added(groups, item), changed, f"Watching {item.label}.")

    def typed(kind: str) -> Callable[[str | None], None]:
        def watch(value: str | None) -> None:
            if not value:
                return
            try:
                item = WatchItem.made(kind, value)
            except ValueError as exc:
                app.notify(str(exc), severity="warning", markup=False)
                return
            _kept(app, lambda: _added(groups, item), changed, f"Watching {item.label}.")

        return watch

    app.push_screen(ChoiceDialog(title, choices), chosen)


def _added(groups: Groups, item: WatchItem) -> None:
    if not groups.add_watch(item):
        raise ValueError(f"{item.label} is watched already")


def ask_save_view(app: App, groups: Groups, name: str, query: str, changed: Callable[[str], object]) -> None:
    """Asks a name to save `query` under (a name in use replaces that view)."""

    def save(answer: str | None) -> None:
        if answer:
            _kept(app, lambda: groups.save_view(answer, query), lambda: changed(" ".join(answer.split())), "")

    hint = f"Filter: {query or '(everything)'} · Enter saves · a name in use is replaced"
    app.push_screen(PromptDialog("Save this view as", name, hint), save)


def ask_rename_view(app: App, groups: Groups, name: str, changed: Callable[[str], object]) -> None:
    def rename(answer: str | None) -> None:
        if answer and answer != name:
            _kept(app, lambda: groups.rename_view(name, answer), lambda: changed(" ".join(answer.split())), "")

    app.push_screen(PromptDialog(f"Rename the saved view {name!r} to", name), rename)


def ask_remove_view(app: App, groups: Groups, name: str, changed: Callable[[], object]) -> None:
    def remove(confirmed: bool | None) -> None:
        if confirmed:
            _kept(app, lambda: groups.remove_view(name), changed, f"Removed the saved view {name!r}.")

    app.push_screen(ConfirmDialog(f"Remove the saved view {name!r}? Its papers stay.", "Remove"), remove)


def choose_saved_view(app: App, groups: Groups, title: str, chosen: Callable[[str], object]) -> None:
    """Asks which saved view (for renaming or removing); `chosen` gets its name."""
    if not groups.saved:
        app.notify("No saved views yet: B saves the view and its filter.", severity="warning")
        return

    def picked(name: str | None) -> None:
        if name is not None:
            chosen(name)

    app.push_screen(ChoiceDialog(title, [(view.name, f"{view.name}  ({view.query})") for view in groups.saved]), picked)


# --- the reader's side of them --------------------------------------------------------------


def after_watch_change(reader: ShowsViews) -> None:
    """The watch list changed: its counts anew, and All if the item shown is watched no more."""
    view = reader.current_view
    if view.kind == "watch" and view.value and view not in reader.reading.groups.keys():
        reader.go_to_view(ALL)
    reader.work_out_groups()


def save_this_view(reader: ShowsViews) -> None:
    """Saves the view shown and the filter typed over it, then shows the saved view."""
    groups = reader.reading.groups
    try:
        name, query = groups.draft(reader.current_view, reader.reading.query_text)
    except ValueError as exc:
        reader.notify(str(exc), severity="warning", markup=False)
        return
    ask_save_view(reader.app, groups, name, query, partial(_show_saved, reader))


def rename_a_saved_view(reader: ShowsViews) -> None:
    groups = reader.reading.groups

    def renamed(old: str, new: str) -> None:
        reader.reading.rename_sort(saved_key(old), saved_key(new))
        _show_saved(reader, new)

    choose_saved_view(
        reader.app,
        groups,
        "Rename which saved view?",
        lambda name: ask_rename_view(reader.app, groups, name, partial(renamed, name)),
    )


def remove_a_saved_view(reader: ShowsViews) -> None:
    groups = reader.reading.groups

    def removed() -> None:
        if reader.current_view.kind == "saved" and groups.saved_view(reader.current_view.value) is None:
            reader.go_to_view(ALL)
        reader.work_out_groups()

    choose_saved_view(
        reader.app, groups, "Remove which saved view?", lambda name: ask_remove_view(reader.app, groups, name, removed)
    )


def _show_saved(reader: ShowsViews, name: str) -> None:
    reader.work_out_groups()
    reader.go_to_view(saved_key(name), forget_filter=True)
