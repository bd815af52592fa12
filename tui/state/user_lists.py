"""The user's small lists, kept whole in store.json: the watch list and the saved views.

    watched   {"kind": "author" | "word" | "tag", "value": ...}, in the order they were added
    views     {"name": ..., "query": the filter as typed}, in tree order

A document that does not make sense (a hand-edited file, a newer version's kind) is left
out when read, and kept out of nothing else: the lists are rewritten only when the user
changes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.state.store import Store

WATCH_KINDS = ("author", "word", "tag")
MAX_SAVED_VIEWS = 99


@dataclass(frozen=True)
class WatchItem:
    """One thing the user watches for: an author's name, a word, or a tag."""

    kind: str
    value: str

    @classmethod
    def made(cls, kind: str, value: str) -> WatchItem:
        """The item as kept: spaces tidied, tags and words lower case; ValueError if it cannot be one."""
        value = " ".join(value.split())
        if kind not in WATCH_KINDS:
            raise ValueError(f"a watched item is an author, a word or a tag, not {kind!r}")
        if kind == "tag":
            # Stripped again after the `#`: "# rl" is the tag rl, as the store's tags take it, not "-rl".
            value = value.lstrip("#").strip().lower().replace(" ", "-")
        elif kind == "word":
            value = value.casefold()
        if not value:
            raise ValueError(f"an empty {kind} cannot be watched")
        return cls(kind, value)

    def same_as(self, other: WatchItem) -> bool:
        """Whether two items watch for the same thing: an author's name in any case is one author
        (words and tags are kept in one case already)."""
        return self.kind == other.kind and self.value.casefold() == other.value.casefold()

    @property
    def label(self) -> str:
        """How the tree and the detail name it: Ann Lee, ‘diffusion’, #rl."""
        return {"author": self.value, "word": f"‘{self.value}’", "tag": f"#{self.value}"}[self.kind]

    @property
    def key(self) -> str:
        """The item as one string (`author:Ann Lee`), as views and the command line name it."""
        return f"{self.kind}:{self.value}"

    @classmethod
    def from_key(cls, key: str) -> WatchItem:
        kind, _, value = key.partition(":")
        return cls.made(kind, value)


@dataclass(frozen=True)
class SavedView:
    """A filter the user named: it shows in the tree and `1`-`9` jump to the first nine."""

    name: str
    query: str


def watch_list(store: Store) -> list[WatchItem]:
    items: list[WatchItem] = []
    for document in store.documents("watched"):
        try:
            item = WatchItem.made(str(document.get("kind")), str(document.get("value") or ""))
        except ValueError:
            continue
        if item not in items:
            items.append(item)
    return items


def save_watch_list(store: Store, items: list[WatchItem]) -> None:
    """Keeps the watch list (StoreReadOnly on a read-only store)."""
    store.replace_documents("watched", [{"kind": item.kind, "value": item.value} for item in items])


def saved_views(store: Store) -> list[SavedView]:
    views: list[SavedView] = []
    for document in store.documents("views"):
        name, query = document.get("name"), document.get("query")
        if isinstance(name, str) and name.strip() and isinstance(query, str):
            if all(view.name != name for view in views):
                views.append(SavedView(name, query))
    return views[:MAX_SAVED_VIEWS]


def save_saved_views(store: Store, views: list[SavedView]) -> None:
    store.replace_documents("views", [{"name": v.name, "query": v.query} for v in views])
