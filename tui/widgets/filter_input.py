"""The `/` filter field: an Input whose Footer says how to leave it."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class FilterInput(Input):
    """Typing filters the view; Enter keeps the filter and goes back to the list, Esc clears it."""

    BINDINGS = [
        Binding("enter", "submit", "Keep filter"),
        Binding("escape", "screen.clear_filter", "Clear filter"),
    ]
