"""What is synced, field by field: the store's state as keys and values, and a value put back.

Every field that a later change overrules is a key (`p/ID/star`), holding a JSON value:
- `p/ID/read`, `p/ID/star`, `p/ID/later`: when the paper was marked so (None: not);
- `p/ID/tags` (the list), `p/ID/note`;
- `c/ID`: when the card was added to the deck (None: not in the deck); `c/ID/suspended`;
- `s/KEY`: a setting (the review and reader groups, and the fitted FSRS parameters; the theme
  and each view's sort are this machine's);
- `l/watched`, `l/views`: the watch list and the saved views, each whole.
Review answers are not fields: every answer is kept (`tui.sync.answers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from tui.review.deck import CardView
from tui.settings import FSRS_PARAMETERS, SETTINGS
from tui.state.paper_state import PaperState
from tui.state.store import Store
from tui.sync.stamp import Stamp

PAPER_FIELDS = {"read": "read_at", "star": "starred_at", "later": "later_at", "tags": "tags", "note": "note"}
# The theme and each view's last sort are this machine's, like the size of its terminal.
SYNCED_SETTINGS = (*(setting.key for setting in SETTINGS if setting.group in {"review", "reader"}), FSRS_PARAMETERS.key)
LISTS = ("watched", "views")
_EMPTY = PaperState()


def paper_values(paper_id: str, state: PaperState | None) -> dict[str, Any]:
    """The synced fields of one paper's state (a paper never touched: every field empty)."""
    state = state or _EMPTY
    return {
        f"p/{paper_id}/read": state.read_at,
        f"p/{paper_id}/star": state.starred_at,
        f"p/{paper_id}/later": state.later_at,
        f"p/{paper_id}/tags": list(state.tags),
        f"p/{paper_id}/note": state.note,
    }


def card_values(paper_id: str, document: Mapping[str, Any] | None) -> dict[str, Any]:
    """The synced fields of one paper's card: when it was added (None: no card), whether suspended."""
    if document is None:
        return {f"c/{paper_id}": None, f"c/{paper_id}/suspended": False}
    return {f"c/{paper_id}": document.get("added_at"), f"c/{paper_id}/suspended": bool(document.get("suspended"))}


def setting_values(store: Store) -> dict[str, Any]:
    return {f"s/{key}": store.setting(key) for key in SYNCED_SETTINGS}


def list_values(store: Store) -> dict[str, Any]:
    return {f"l/{table}": store.documents(table) for table in LISTS}


def paper_of(key: str) -> str | None:
    """The paper a paper or card key is about."""
    kind, _, rest = key.partition("/")
    return rest.partition("/")[0] if kind in {"p", "c"} else None


def apply(store: Store, changes: Mapping[str, tuple[Stamp, Any]]) -> set[str]:
    """Puts winning values into the store, in one change per kind; returns the papers whose card
    came or went (their schedule is worked out again from the answers)."""
    papers: dict[str, dict[str, Any]] = {}
    cards: dict[str, dict[str, Any]] = {}
    changed_at: dict[str, int] = {}
    for key, (stamp, value) in changes.items():
        kind, _, rest = key.partition("/")
        if kind == "p":
            paper_id, _, field = rest.partition("/")
            if field in PAPER_FIELDS:
                papers.setdefault(paper_id, {})[PAPER_FIELDS[field]] = value
                changed_at[paper_id] = max(changed_at.get(paper_id, 0), stamp.ms)
        elif kind == "c":
            paper_id, _, field = rest.partition("/")
            cards.setdefault(paper_id, {})[field or "added_at"] = value
        elif kind == "s" and rest in SYNCED_SETTINGS:
            if store.setting(rest) != value:
                store.set_setting(rest, value)
        elif kind == "l" and rest in LISTS and isinstance(value, list):
            store.replace_documents(rest, [item for item in value if isinstance(item, dict)])
    if papers:
        store.put_states(
            {
                paper_id: _state_with(store.paper(paper_id), fields, changed_at[paper_id])
                for paper_id, fields in papers.items()
            }
        )
    return _apply_cards(store, cards)


def _state_with(state: PaperState, fields: Mapping[str, Any], changed_ms: int) -> PaperState:
    """The state with the fields that came in; its `updated_at` the later of its own and theirs,
    so that the paper says when it was last changed anywhere (a replica made anew stamps it so)."""
    values = {
        "read_at": state.read_at,
        "starred_at": state.starred_at,
        "later_at": state.later_at,
        "tags": list(state.tags),
        "note": state.note,
    }
    for name, value in fields.items():
        values[name] = value
    tags = values["tags"] if isinstance(values["tags"], list) else []
    return PaperState(
        read_at=_text_or_none(values["read_at"]),
        starred_at=_text_or_none(values["starred_at"]),
        later_at=_text_or_none(values["later_at"]),
        tags=tuple(str(tag) for tag in tags),
        note=str(values["note"] or ""),
        updated_at=max(filter(None, (state.updated_at, _iso(changed_ms))), key=_sort_key),
    )


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms // 1000, UTC).isoformat(timespec="seconds")


def _sort_key(stamp: str) -> float:
    moment = _instant(stamp)
    return moment.timestamp() if moment is not None and moment.tzinfo is not None else 0.0


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _apply_cards(store: Store, cards: Mapping[str, Mapping[str, Any]]) -> set[str]:
    rescheduled: set[str] = set()
    for paper_id, fields in cards.items():
        document = store.card_document(paper_id)
        if "added_at" in fields:
            added = fields["added_at"]
            if added is None:
                if document is not None:
                    store.delete_card(paper_id)
                continue
            if document is None or document.get("added_at") != added:
                moment = _instant(added)
                if moment is None:
                    continue
                document = CardView.new(paper_id, moment).to_document()
                store.put_card(paper_id, document)
                rescheduled.add(paper_id)
        if "suspended" in fields and document is not None and bool(document.get("suspended")) != fields["suspended"]:
            store.put_card(paper_id, {**document, "suspended": bool(fields["suspended"])})
    return rescheduled


def _instant(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def changed_ms(key: str, store: Store, now_ms: int) -> int:
    """When the change to `key` was made: a flag's time when it was set, else the paper's
    `updated_at`; a card's `added_at` when it was added; the time of the sync for what the store
    keeps no time of (never later than that)."""
    kind, _, rest = key.partition("/")
    paper_id, _, field = rest.partition("/")
    stamp: str | None = None
    if kind == "p":
        state = store.paper(paper_id)
        # A flag's own time says when it was set, even when the paper changed again after.
        flag = getattr(state, PAPER_FIELDS[field], None) if field in ("read", "star", "later") else None
        stamp = flag or state.updated_at
    elif kind == "c" and not field:
        stamp = (store.card_document(paper_id) or {}).get("added_at")
    moment = _instant(stamp)
    if moment is None or moment.tzinfo is None:
        return now_ms
    return min(now_ms, int(moment.timestamp() * 1000))
