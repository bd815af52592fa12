"""The reader's keys as its help screen lists them."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding, BindingType

# What each key does, in the help screen's words (the Footer has room for one word).
KEY_HELP = {
    "toggle_read": "mark the paper read / unread",
    "toggle_star": "star / unstar the paper (starred papers can become flashcards)",
    "cycle_language": "commentary in Korean ▸ English ▸ both (remembered)",
    "filter": 'filter the view: words  "phrase"  tag:rl  unread  starred  due  after:2025-06-01',
    "undo": "undo the last change: read, star, mark all, tags, note",
    "edit_tags": "edit your own tags for the paper",
    "edit_note": "edit your note on the paper (Ctrl+S saves)",
    "copy": "copy the title, a Markdown link, a citation or the abstract",
    "open_link": "open a link of the paper in the browser",
    "related": "go to a related paper (a vault note's [[links]], both ways)",
    "mark_all_read": "mark every paper in the view read (asks first)",
    "toggle_card": "add the paper to the review deck, take it out (its reviews are kept), or unsuspend it",
    "app.review": "review the flashcards due now (starred papers become flashcards)",
    "app.stats": "review stats: calendar, forecast, retention",
    "help": "this help",
    "app.quit": "quit; everything is already saved",
}
# Keys the list and the tree handle themselves, so no binding of the screen names them.
_WIDGET_KEYS = [
    ("j / k, ↓ / ↑", "move in the list"),
    ("g / G, Home / End", "first / last paper"),
    ("PgUp / PgDn, Space", "page"),
    ("Enter, double click", "open the paper (marks it read)"),
    ("Tab / Shift+Tab", "next / previous pane"),
    ("[ / ]", "older / newer digest date"),
]
_CLOSING_KEYS = [("Esc", "clear the filter, close a dialog"), ("Ctrl+P", "command palette: every action, themes")]


def key_help(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """The help screen's rows: every key the reader offers, with what it does."""
    rows = list(_WIDGET_KEYS)
    for binding in bindings:
        if isinstance(binding, Binding) and (binding.show or binding.action in KEY_HELP):
            what = KEY_HELP.get(binding.action, binding.description)
            rows.append((binding.key_display or _key_name(binding.key), what))
    return rows + _CLOSING_KEYS


def _key_name(key: str) -> str:
    names = {"slash": "/", "question_mark": "?", "escape": "Esc"}
    return ", ".join(names.get(part, part) for part in key.split(","))
