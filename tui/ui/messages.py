"""Every message that parts of the app send each other, in one place to read the conversation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from tui.review.card_info import CardInfo


class StoreSaid(Message):
    """The store reports on saving: a write failed, or works again."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class CardInfoRead(Message):
    """The card info screen's worker has read the card's answers: `info` (None: the paper has
    no card any more), or what kept it from reading them."""

    def __init__(self, info: CardInfo | None, problem: str | None = None) -> None:
        super().__init__()
        self.info = info
        self.problem = problem
