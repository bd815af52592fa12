"""Card info (`i`): a review card's figures and every answer given on it, as Anki's Card Info."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.review.card_info import ANSWER_COLUMNS, CardInfo, answer_row, card_info, figures
from tui.review.deck import Deck
from tui.safe_text import one_line, visible
from tui.ui.messages import CardInfoRead

NO_CARD = "No review card for this paper: a adds one."
READING = "Reading the card's answers…"


def open_card_info(app: App, deck: Deck, paper_id: str, title: str) -> None:
    """Shows a paper's card info, or says it has no card."""
    if not deck.has_card(paper_id):
        app.notify(NO_CARD)
        return
    app.push_screen(CardInfoScreen(deck, paper_id, title))


class CardInfoScreen(ModalScreen[None]):
    """The card's figures, then its answers oldest first; Esc, q or i closes it."""

    DEFAULT_CSS = """
    CardInfoScreen { align: center middle; background: $background 60%; }
    CardInfoScreen > Vertical {
        width: 84; max-width: 95%; height: auto; max-height: 90%;
        background: $panel; border: round $primary; padding: 0 1;
    }
    CardInfoScreen #card-title { text-style: bold; width: 1fr; margin-bottom: 1; }
    CardInfoScreen #figures { height: auto; }
    CardInfoScreen #answers { height: auto; margin-top: 1; }
    CardInfoScreen .-hidden { display: none; }
    """
    BINDINGS = [Binding("escape,q,i", "dismiss", "Close")]

    def __init__(self, deck: Deck, paper_id: str, title: str) -> None:
        super().__init__()
        self.deck = deck
        self.paper_id = paper_id
        self.title_text = title
        self.info: CardInfo | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(one_line(self.title_text)), id="card-title")
            yield Static(READING, id="figures")
            with VerticalScroll(id="answers", classes="-hidden"):
                yield Static(id="answer-table")

    def on_mount(self) -> None:
        # Now, on the UI thread: the deck's clock is the app's, not the worker's to ask.
        self._read(self.deck.now())

    @work(thread=True, exclusive=True)
    def _read(self, now: datetime) -> None:
        """Reads the card's answers off the UI thread: the first time, the whole review log."""
        try:
            info = card_info(self.deck, self.paper_id, now)
        except Exception as exc:  # a damaged log or a card edited by hand: said, not raised
            self.post_message(CardInfoRead(None, problem=f"Could not read the card's answers: {exc}"))
            return
        self.post_message(CardInfoRead(info))

    @on(CardInfoRead)
    def _show(self, event: CardInfoRead) -> None:
        self.info = event.info
        shown = self.query_one("#figures", Static)
        if event.info is None:
            shown.update(Text(visible(event.problem or NO_CARD)))
            return
        shown.update(_figure_grid(event.info))
        if event.info.answers:
            self.query_one("#answer-table", Static).update(_answer_table(event.info))
            self.query_one("#answers").remove_class("-hidden")


def _figure_grid(info: CardInfo) -> Table:
    """The figures two to a line, each label bold."""
    grid = Table.grid(padding=(0, 2))
    for _ in range(2):
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
    pairs = figures(info)
    for index in range(0, len(pairs), 2):
        grid.add_row(*(cell for pair in pairs[index : index + 2] for cell in pair))
    return grid


def _answer_table(info: CardInfo) -> Table:
    table = Table(box=None, padding=(0, 1), header_style="bold", expand=False)
    for name in ANSWER_COLUMNS:
        table.add_column(name, no_wrap=True, justify="right" if name in ("Elapsed", "Interval", "Time") else "left")
    for answer in info.answers:
        table.add_row(*answer_row(answer))
    return table
