"""Paper ids that changed: what the store does with the state kept under an old id.

A paper's id can change when the library learns more about it: a paper known by its title
alone (a commentary digest without a link, a saved page) becomes the arXiv paper of that
title once an entry with its arXiv id is read, and stores made before papers were keyed by
arXiv id hold every paper under its title's id. The library says which id a paper has now
(`Library.renamed`); the store moves what the user did under the old id to the new one,
merging it with what is already there, so that nothing is lost:

- read, starred and kept for later: the earlier time of the two (a paper read under either id is read);
- tags: both lists, the new id's first; notes: both, a blank line between, each once;
- the review card: the one answered last (else the one added first); the other one's answers
  stay in the review log, which reads every old id as its new one (`renamed` table).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from tui.state.paper_state import PaperState

if TYPE_CHECKING:
    from tui.state.store import Store


def merged_state(kept: PaperState | None, moved: PaperState) -> PaperState:
    """What the user did with one paper under two ids, as one state."""
    if kept is None:
        return moved
    return PaperState(
        read_at=_earlier(kept.read_at, moved.read_at),
        starred_at=_earlier(kept.starred_at, moved.starred_at),
        later_at=_earlier(kept.later_at, moved.later_at),
        tags=tuple(dict.fromkeys((*kept.tags, *moved.tags))),
        note=_joined(kept.note, moved.note),
        updated_at=max(filter(None, (kept.updated_at, moved.updated_at)), default=None),
    )


def kept_card(kept: Mapping[str, Any] | None, moved: Mapping[str, Any]) -> Mapping[str, Any]:
    """Of two review cards of one paper, the one to keep: the one answered last, else the older."""
    if kept is None:
        return moved
    kept_answered, moved_answered = _last_review(kept), _last_review(moved)
    if kept_answered != moved_answered:
        return kept if kept_answered > moved_answered else moved
    return moved if str(moved.get("added_at") or "~") < str(kept.get("added_at") or "~") else kept


def chained(renamed: Mapping[str, str], more: Mapping[str, str]) -> dict[str, str]:
    """The renames so far with more of them: an id renamed before and renamed again goes
    straight to its newest id, and no id is renamed to itself."""
    combined = {old: more.get(new, new) for old, new in renamed.items()}
    combined.update(more)
    return {old: new for old, new in combined.items() if old != new}


def _earlier(first: str | None, second: str | None) -> str | None:
    return min(filter(None, (first, second)), default=None)


def _joined(first: str, second: str) -> str:
    if not second or second == first:
        return first
    return f"{first}\n\n{second}" if first else second


def _last_review(card: Mapping[str, Any]) -> str:
    fields = card.get("card")
    last = fields.get("last_review") if isinstance(fields, Mapping) else None
    return str(last) if last else ""


class KnowsRenames(Protocol):
    def renamed(self, paper_ids: Iterable[str]) -> dict[str, str]: ...


def follow_renames(store: Store, library: KnowsRenames) -> int:
    """Moves the state of every paper id of the store that the library knows by another id now
    to that id (`Store.rename_papers`); returns how many moved. Cheap when none has: one lookup
    of the store's ids that the library does not hold under them."""
    return store.rename_papers(library.renamed(store.paper_ids()))
