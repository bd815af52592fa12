"""The dialogs of one paper that the reader offers: its tags, its note, what to copy, which link to open,
which related paper to go to.

Each asks, then hands the answer back (tags and note) or acts on it (copy, open); none of
them changes the user's state itself: the reader's rules do that with what they are given.
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable

from textual.app import App

from tui.cite import clipboard_choices, is_web_url, web_links
from tui.model import Paper
from tui.safe_text import visible
from tui.ui.clipboard import copy_to_clipboard
from tui.ui.screens.dialogs import ChoiceDialog, NoteDialog, PromptDialog


def ask_tags(app: App, paper: Paper, current: tuple[str, ...], answered: Callable[[str], object]) -> None:
    """Asks for the user's tags of `paper`; `answered` gets what was typed (not on cancel)."""
    hint = f"Your tags, separated by spaces. The digest's own: {' '.join('#' + t for t in paper.tags) or 'none'}"

    def done(answer: str | None) -> None:
        if answer is not None:
            answered(answer)

    app.push_screen(PromptDialog(f"Tags for {paper.title}", " ".join(current), hint), done)


def ask_note(app: App, paper: Paper, current: str, answered: Callable[[str], object]) -> None:
    """Opens the note editor on `paper`'s note; `answered` gets the note saved (not on cancel)."""

    def done(note: str | None) -> None:
        if note is not None:
            answered(note)

    app.push_screen(NoteDialog(f"Note on {paper.title}", current), done)


def offer_copies(app: App, paper: Paper) -> None:
    """Offers the title, a Markdown link, a citation or the abstract, and copies the one chosen."""
    choices = clipboard_choices(paper)
    texts = {key: text for key, _label, text in choices}
    labels = {key: label for key, label, _text in choices}

    def copy(key: str | None) -> None:
        if key is not None:
            how = copy_to_clipboard(app, texts[key])
            app.notify(f"{labels[key]} copied{how}.", markup=False)

    app.push_screen(ChoiceDialog("Copy", [(key, label) for key, label, _ in choices]), copy)


def open_a_link(app: App, paper: Paper | None) -> None:
    """Opens the paper's web link in the browser, asking which when it has several."""
    links = web_links(paper) if paper else []
    if not links:
        app.notify("This paper has no web link.", severity="warning")
        return

    def open_(url: str | None) -> None:
        if url is not None and is_web_url(url):
            # webbrowser never goes through a shell; is_web_url admits only http(s).
            webbrowser.open(url)
            app.notify(f"Opening {visible(url)}", markup=False)

    if len(links) == 1:
        open_(links[0])
    else:
        app.push_screen(ChoiceDialog("Open which link?", [(url, url) for url in links]), open_)


def choose_related(app: App, related: list[Paper], go: Callable[[str], object]) -> None:
    """Asks which related paper to go to (a vault note's [[links]], both ways); `go` gets its id."""
    if not related:
        app.notify("No related papers: a vault note relates papers by its [[links]].", severity="warning")
        return

    def chosen(paper_id: str | None) -> None:
        if paper_id is not None:
            go(paper_id)

    app.push_screen(ChoiceDialog("Go to a related paper", [(paper.id, paper.title) for paper in related]), chosen)
