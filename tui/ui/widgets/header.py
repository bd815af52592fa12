"""The reader's header: Textual's Header, with a sub-title that changes without a new layout."""

from __future__ import annotations

from textual.widgets import Header

from tui.ui.textual_compat import HeaderTitle, set_sub_title_quietly


class CountsHeader(Header):
    """Shows the screen's title and a sub-title (the view and the counts) that changes often.

    Setting `Screen.sub_title` repaints the whole screen, and the Header then lays the screen
    out again for its title: 30 ms at 120×40 for a change of one line. `show_sub_title`
    changes the one line.
    """

    def show_sub_title(self, text: str) -> None:
        screen = self.screen
        if screen.sub_title == text:
            return
        set_sub_title_quietly(screen, text)  # read back by format_title below
        if self.is_mounted:
            # The title is one line the width of the header whatever it says: no layout.
            self.query_one(HeaderTitle).update(self.format_title(), layout=False)
