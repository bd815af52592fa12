"""The app's side of fitting FSRS to the user: the palette's optimise and reset, and the offer after 500 answers.

fsrs-rs holds the GIL while it fits, so the fit runs in a child process (`run_apart`) from a
thread worker; reading the log is the worker's, and keeping the result (the store, the deck,
every card's memory) is done back on the UI thread, which owns the store's changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from tui.review import optimize, parameters
from tui.runtime import ChildFailed, run_apart
from tui.state.store import StoreError

if TYPE_CHECKING:
    from tui.review.deck import Deck
    from tui.state.store import Store


class TunesReview:
    """What the app does to fit the review to its user; mixed into `PaperdeckApp`."""

    # Of the app it is mixed into (with Textual's notify and call_from_thread, and the
    # reader's catching up after a change to the review, `_back_from_review`).
    deck: Deck
    store: Store

    _optimising = False
    _offered_optimise = False

    def action_optimize_review(self) -> None:
        """Fits FSRS to the answers given so far, in the background, and says what came of it."""
        if self._optimising:
            self.notify("The review parameters are being fitted already.", markup=False)
            return
        if self.store.read_only:
            self.notify("This store is read-only here: the parameters could not be kept.", severity="warning")
            return
        self._optimising = True
        self.notify("Fitting FSRS to your answers…", title="Review", markup=False)
        self._fit_in_the_background()

    @work(thread=True, exclusive=True, group="optimise", exit_on_error=False)
    def _fit_in_the_background(self) -> None:
        try:
            fitted = optimize.fit_deck(self.deck, run=run_apart)
        except (optimize.FitFailed, ChildFailed, OSError, StoreError) as exc:
            self.call_from_thread(self._fit_failed, str(exc))
            return
        self.call_from_thread(self._keep_fit, *fitted)

    def _fit_failed(self, problem: str) -> None:
        self._optimising = False
        self.notify(f"Could not fit the review parameters: {problem}", title="Review", severity="error", markup=False)

    def _keep_fit(
        self, fitted: optimize.Fit, gathered: optimize.Gathered, before: parameters.DeckParameters, latest: int
    ) -> None:
        self._optimising = False
        outcome, after = optimize.conclude(fitted, gathered, before, latest_answer_id=latest, now=self.deck.now())
        try:
            outcome = optimize.settle(self.deck, outcome, after, fitted.memory if outcome.kept else {})
        except StoreError as exc:
            self._fit_failed(str(exc))
            return
        self._back_from_review(None)  # retrievability and the grades' intervals follow the new memory
        self.notify(optimize.summary(outcome), title="Review parameters", timeout=20, markup=False)

    def action_reset_review_parameters(self) -> None:
        """Goes back to the parameters in use before the last optimisation."""
        if self.store.read_only:
            self.notify("This store is read-only here: nothing can be changed.", severity="warning")
            return
        self._reset_in_the_background()

    @work(thread=True, exclusive=True, group="optimise", exit_on_error=False)
    def _reset_in_the_background(self) -> None:
        before = parameters.read(self.store)
        after = parameters.stepped_back(before)
        if after is None:
            self.call_from_thread(self.notify, "The review already uses fsrs's default parameters.", markup=False)
            return
        gathered = optimize.gather(self.store.review_documents(), self.deck.settings.day_start_hour)
        try:
            memory = run_apart(optimize.memory_of, gathered.histories, after.in_use)
        except (optimize.FitFailed, ChildFailed, OSError) as exc:
            self.call_from_thread(self._fit_failed, str(exc))
            return
        self.call_from_thread(self._keep_reset, after, memory)

    def _keep_reset(self, after: parameters.DeckParameters, memory: dict) -> None:
        try:
            changed = optimize.keep(self.deck, after, memory)
        except StoreError as exc:
            self._fit_failed(str(exc))
            return
        self._back_from_review(None)
        which = "fsrs's defaults" if not after.fitted else "the parameters used before the last optimisation"
        self.notify(f"Back to {which}; the memory of {changed:,} card(s) was worked out again.", markup=False)

    def offer_optimise(self) -> None:
        """Once a run of the app, after 500 answers since the last fit: say that a fit may help."""
        if self._offered_optimise or self._optimising or self.store.read_only:
            return
        since = parameters.answers_since_check(parameters.read(self.store), self.store.last_review_id())
        if since >= parameters.OFFER_AFTER_ANSWERS:
            self._offered_optimise = True
            self.notify(
                f"{since:,} answers since FSRS was last fitted to yours. Ctrl+P › Optimise review parameters "
                "fits it now (or `paperdeck optimize`); the fit is kept only if it predicts you better.",
                title="Review",
                timeout=15,
                markup=False,
            )
