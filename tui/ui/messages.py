"""Every message that parts of the app send each other, in one place to read the conversation."""

from __future__ import annotations

from textual.message import Message


class StoreSaid(Message):
    """The store reports on saving: a write failed, or works again."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
