"""The `/` filter field: an Input whose Footer says how to leave it."""

from __future__ import annotations

from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class FilterInput(Input):
    """Typing filters the view; Enter keeps the filter and goes back to the list, Esc clears it."""

    BINDINGS = [
        Binding("enter", "submit", "Keep filter"),
        Binding("escape", "screen.clear_filter", "Clear filter"),
    ]

    # Input sets its virtual size to its text's width on every letter, and a widget's
    # virtual size asks for a new layout of the whole screen, then a second frame for the
    # scroll bars it touched. This field has a fixed size and no scroll bars: a repaint is
    # all a letter needs (the text still scrolls sideways, which reads the virtual size).
    virtual_size: Reactive[Size] = Reactive(Size(0, 0))
