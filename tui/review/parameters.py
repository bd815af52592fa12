"""The FSRS parameters a deck is scheduled by: fsrs's defaults, or those fitted to the user's answers.

They are kept in the store's settings (`tui.settings.FSRS_PARAMETERS`) as one document: the
weights in use, the weights used before each optimisation (so `paperdeck optimize --reset`
steps back), and what the last optimisation measured. Weights come from fsrs-rs as float32;
they are rounded and held inside py-fsrs's bounds before a scheduler takes them, and a stored
set that is damaged or out of bounds reads as the defaults, never as an error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from tui.settings import FSRS_PARAMETERS, SettingsTable

DEFAULT_WEIGHTS: tuple[float, ...] = tuple(DEFAULT_PARAMETERS)
# py-fsrs writes its defaults to four decimals; more digits of a float32 are noise.
DECIMALS = 4
# How many earlier sets `--reset` can step back through.
HISTORY_KEPT = 10
# An optimisation is offered again once this many answers have been given since the last one.
OFFER_AFTER_ANSWERS = 500


def bounded(weights: Sequence[float]) -> tuple[float, ...]:
    """`weights` rounded and held inside py-fsrs's bounds; ValueError if they are not 21 numbers."""
    if len(weights) != len(DEFAULT_WEIGHTS):
        raise ValueError(f"FSRS-6 has {len(DEFAULT_WEIGHTS)} parameters, not {len(weights)}")
    result = []
    for value, low, high in zip(weights, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"an FSRS parameter must be a number, not {value!r}")
        result.append(min(high, max(low, round(float(value), DECIMALS))))
    return tuple(result)


def _weights_or_none(value: Any) -> tuple[float, ...] | None:
    if not isinstance(value, list | tuple):
        return None
    try:
        weights = bounded(value)
    except ValueError:
        return None
    return weights if weights == tuple(value) else None  # out of bounds means it was not written by us


@dataclass(frozen=True)
class Measure:
    """How well a set of weights predicts the answers: lower is better for both."""

    log_loss: float
    rmse_bins: float

    def to_document(self) -> dict[str, float]:
        return {"log_loss": self.log_loss, "rmse_bins": self.rmse_bins}

    def better_than(self, other: Measure) -> bool:
        """Better on both measures: a lower log loss, and RMSE(bins) no higher."""
        return self.log_loss < other.log_loss and self.rmse_bins <= other.rmse_bins


@dataclass(frozen=True)
class DeckParameters:
    """What the store holds about the deck's parameters."""

    weights: tuple[float, ...] | None = None  # None: fsrs's defaults
    history: tuple[tuple[float, ...] | None, ...] = ()  # the sets in use before, latest last
    fitted_on: int = 0  # answers the weights in use were fitted on
    fitted_at: str | None = None  # when (ISO, UTC)
    measure: Measure | None = None  # of the weights in use, on the answers they were fitted to
    checked_at_answer: int = 0  # the latest answer's id when an optimisation last ran, kept or not

    @property
    def in_use(self) -> tuple[float, ...]:
        return self.weights if self.weights is not None else DEFAULT_WEIGHTS

    @property
    def fitted(self) -> bool:
        return self.weights is not None

    def to_document(self) -> dict[str, Any]:
        return {
            "weights": list(self.weights) if self.weights is not None else None,
            "history": [list(weights) if weights is not None else None for weights in self.history],
            "fitted_on": self.fitted_on,
            "fitted_at": self.fitted_at,
            "measure": self.measure.to_document() if self.measure is not None else None,
            "checked_at_answer": self.checked_at_answer,
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> DeckParameters:
        """Whatever of it can be read; anything damaged reads as not there."""
        history = document.get("history")
        measure = document.get("measure")
        try:
            kept_measure = Measure(float(measure["log_loss"]), float(measure["rmse_bins"]))
        except (TypeError, KeyError, ValueError):
            kept_measure = None
        return cls(
            weights=_weights_or_none(document.get("weights")),
            history=tuple(_weights_or_none(entry) for entry in history) if isinstance(history, list) else (),
            fitted_on=_count(document.get("fitted_on")),
            fitted_at=document.get("fitted_at") if isinstance(document.get("fitted_at"), str) else None,
            measure=kept_measure,
            checked_at_answer=_count(document.get("checked_at_answer")),
        )


def _count(value: Any) -> int:
    return value if type(value) is int and value >= 0 else 0


def read(store: SettingsTable) -> DeckParameters:
    """The deck's parameters as stored (the defaults when nothing, or nothing readable, is)."""
    return DeckParameters.from_document(FSRS_PARAMETERS.read(store))


def weights_in_use(store: SettingsTable) -> tuple[float, ...]:
    return read(store).in_use


def write(store: SettingsTable, parameters: DeckParameters) -> None:
    """Keeps `parameters` (StoreReadOnly on a read-only store)."""
    FSRS_PARAMETERS.write(store, parameters.to_document())


def with_fitted(
    parameters: DeckParameters, weights: Sequence[float], *, answers: int, at: str, measure: Measure, answer_id: int
) -> DeckParameters:
    """`parameters` after keeping fitted `weights`; the set they replace can be gone back to."""
    history = (*parameters.history, parameters.weights)[-HISTORY_KEPT:]
    return DeckParameters(bounded(weights), history, answers, at, measure, answer_id)


def stepped_back(parameters: DeckParameters) -> DeckParameters | None:
    """`parameters` with the set in use before the last optimisation; None if there is none to go back to."""
    if not parameters.history:
        return None if parameters.weights is None else DeckParameters(checked_at_answer=parameters.checked_at_answer)
    *earlier, previous = parameters.history
    return DeckParameters(previous, tuple(earlier), checked_at_answer=parameters.checked_at_answer)


def answers_since_check(parameters: DeckParameters, latest_answer_id: int) -> int:
    """Answers given since an optimisation last ran (ids only grow, so this reads no log)."""
    return max(0, latest_answer_id - parameters.checked_at_answer)
