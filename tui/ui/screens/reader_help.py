"""The reader's keys as its help screen lists them."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding, BindingType

# What each key does, in the help screen's words (the Footer has room for one word).
KEY_HELP = {
    "toggle_read": "mark the paper read / unread",
    "toggle_star": "star / unstar the paper (starred papers can become flashcards)",
    "toggle_later": "keep the paper for later (the Later view), or take it out",
    "cycle_language": "commentary in Korean ▸ English ▸ both (remembered)",
    "triage": "triage: the view's unread papers one at a time (s star, r read, l later, u undo)",
    "cycle_sort": "sort the view: date ▸ upvotes ▸ title ▸ first seen ▸ for you (remembered per view)",
    "toggle_hide_seen": "hide or show papers that appeared in a digest on an earlier day",
    "watch": "watch one of the paper's authors or tags, or a word: marked ◆ in the list",
    "watch_list": "the watch list: watch an author, a word or a tag, or stop watching one",
    "save_view": "save the view and its filter under a name (1-9 jump to the first nine)",
    "toggle_tree": "hide or show the tree (on a narrow screen: the tree in place of the list)",
    "filter": 'filter the view: words  "phrase"  tag:rl  unread  starred  later  due  after:2025-06-01',
    "undo": "undo the last change: read, star, later, mark all, tags, note",
    "edit_tags": "edit your own tags for the paper",
    "edit_note": "edit your note on the paper (Ctrl+S saves)",
    "copy": "copy the title, a Markdown link, a citation or the abstract",
    "open_link": "open a link of the paper in the browser",
    "more_like_this": "more like this: the vault note's [[links]], then up to 20 papers like it",
    "similar(0)": "go to the detail's first similar paper (@ # $ % the others)",
    "mark_all_read": "mark every paper in the view read (asks first)",
    "toggle_card": "add the paper to the review deck, take it out (its reviews are kept), or unsuspend it",
    "app.card_info": "card info: the paper's review card, its stability and due date, and every answer given",
    "app.review": "review the flashcards due now (starred papers become flashcards)",
    "app.stats": "review stats: calendar, forecast, retention",
    "app.trends": "trends: tags and watched items over the last year, most rising first",
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
    ("1 … 9", "the first nine saved views"),
]
_CLOSING_KEYS = [("Esc", "clear the filter, close a dialog"), ("Ctrl+P", "command palette: every action, themes")]


def key_help(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """The help screen's rows: every key the reader offers, with what it does."""
    rows = list(_WIDGET_KEYS)
    for binding in bindings:
        if isinstance(binding, Binding) and (binding.show or binding.action in KEY_HELP):
            what = KEY_HELP.get(binding.action, binding.description)
            rows.append((binding.key_display or key_name(binding.key), what))
    return rows + _CLOSING_KEYS


def key_name(key: str) -> str:
    names = {
        "slash": "/",
        "question_mark": "?",
        "escape": "Esc",
        "backslash": "\\",
        "space": "Space",
        "enter": "Enter",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
    }
    return ", ".join(names.get(part, part) for part in key.split(","))


def binding_help(bindings: Iterable[BindingType], descriptions: dict[str, str]) -> list[tuple[str, str]]:
    """A screen's keys for its help: each binding's key, with what `descriptions` says its
    action does (else its Footer word)."""
    rows = []
    for binding in bindings:
        if isinstance(binding, Binding):
            rows.append(
                (binding.key_display or key_name(binding.key), descriptions.get(binding.action, binding.description))
            )
    return rows
