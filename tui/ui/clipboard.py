"""Copying to the clipboard: pyperclip where the system has a clipboard, else the terminal's."""

from __future__ import annotations

import pyperclip
from textual.app import App


def copy_to_clipboard(app: App, text: str) -> str:
    """Copies `text`; returns how, for the notification (empty for the system clipboard).

    Over SSH or on a headless machine pyperclip has no backend; the terminal can still
    take the text through an OSC 52 escape, which Textual's `copy_to_clipboard` sends.
    """
    try:
        pyperclip.copy(text)
    except pyperclip.PyperclipException:
        app.copy_to_clipboard(text)
        return " through the terminal (OSC 52; your terminal must allow it)"
    return ""
