"""Fitting FSRS from the app: the palette's optimise and reset, run in a child process, and the offer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import COMMENTARY
from test_optimize import simulated_log

from tui.library.files import load_library
from tui.review import parameters
from tui.review.deck import Deck
from tui.review.parameters import DEFAULT_WEIGHTS
from tui.ui.app import PaperdeckApp
from tui.ui.screens.reader import ReaderScreen

pytestmark = pytest.mark.usefixtures("utc_zone")
LIBRARY = load_library([COMMENTARY])
NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


def answered_store(store, cards: int) -> None:
    """A review log of a simulated learner, and a card for each of its papers."""
    log = simulated_log(cards, seed=5)
    deck = Deck(store, clock=lambda: NOW)
    for answer in log:
        store.add_review(answer)
        if not deck.has_card(answer["paper_id"]):
            deck.add(answer["paper_id"])


def messages(app) -> list[str]:
    return [notice.message for notice in app._notifications]


async def run_palette(pilot, words: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.press(*words)
    await pilot.pause(0.3)
    await pilot.press("enter")


async def test_the_palette_fits_in_the_background_keeps_a_better_fit_and_resets(home, store):
    answered_store(store, 120)
    app = PaperdeckApp(LIBRARY, home=home, store=store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, ReaderScreen)
        await run_palette(pilot, "Optimise review")
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = messages(app)
        assert "Fitting FSRS to your answers…" in said
        [done] = [message for message in said if message.startswith("Fitted to")]
        assert "and kept: log loss" in done
        assert app.deck.weights != DEFAULT_WEIGHTS
        assert parameters.weights_in_use(store) == app.deck.weights
        assert app.deck.scheduler.parameters == app.deck.weights

        await run_palette(pilot, "Reset review param")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any(message.startswith("Back to fsrs's defaults") for message in messages(app))
        assert app.deck.weights == DEFAULT_WEIGHTS == parameters.weights_in_use(store)


async def test_after_500_answers_the_end_of_a_session_offers_a_fit_once(home, store):
    answered_store(store, 120)  # about 900 answers, never fitted
    assert store.last_review_id() >= parameters.OFFER_AFTER_ANSWERS
    app = PaperdeckApp(LIBRARY, home=home, store=store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v")
        await pilot.press("escape")
        await pilot.pause()
        offers = [message for message in messages(app) if "answers since FSRS was last fitted" in message]
        assert len(offers) == 1 and "Optimise review parameters" in offers[0]
        await pilot.press("v")
        await pilot.press("escape")
        await pilot.pause()
        assert len([m for m in messages(app) if "answers since FSRS was last fitted" in m]) == 1


async def test_no_offer_before_500_answers_since_the_last_fit(home, store):
    answered_store(store, 120)
    fitted = parameters.read(store)
    parameters.write(store, parameters.DeckParameters(checked_at_answer=store.last_review_id() - 10))
    assert not fitted.fitted
    app = PaperdeckApp(LIBRARY, home=home, store=store, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v")
        await pilot.press("escape")
        await pilot.pause()
        assert not [m for m in messages(app) if "answers since FSRS was last fitted" in m]
