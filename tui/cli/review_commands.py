"""`paperdeck optimize`: FSRS fitted to the user's own answers, kept only if it predicts them better."""

from __future__ import annotations

import orjson

from tui.cli.output import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, err, open_store, out
from tui.home import Home
from tui.state.store import StoreError


def optimize(home: Home, *, reset: bool, as_json: bool) -> int:
    """Fits the parameters (or, with `reset`, goes back to those before) and says what changed."""
    from tui.review import optimize as fitting
    from tui.review.deck import Deck

    store = open_store(home)
    if store is None:
        return EXIT_USAGE
    try:
        if store.read_only:
            err(f"paperdeck: {store.report.read_only_because}; close it to optimise the review parameters")
            return EXIT_USAGE
        deck = Deck(store)
        try:
            if reset:
                return _reset(fitting.reset(deck), as_json=as_json)
            outcome = fitting.optimise(deck)
        except fitting.FitFailed as exc:
            err(f"paperdeck: {exc}; the parameters in use stay")
            return EXIT_ERRORS
        except StoreError as exc:
            err(f"paperdeck: {exc}")
            return EXIT_USAGE
    finally:
        saved = store.close()
    if not saved:
        err(f"paperdeck: could not save {store.path}: {store.last_error}")
        return EXIT_ERRORS
    if as_json:
        out(orjson.dumps(outcome.to_json(), option=orjson.OPT_INDENT_2).decode())
    else:
        for line in fitting.describe(outcome):
            out(line)
    return EXIT_OK


def _reset(result: tuple[tuple[float, ...], tuple[float, ...], int] | None, *, as_json: bool) -> int:
    from tui.review.parameters import DEFAULT_WEIGHTS

    if result is None:
        message = "The review already uses fsrs's default parameters; there is nothing to go back to."
        if as_json:
            out(orjson.dumps({"reset": False, "parameters": list(DEFAULT_WEIGHTS)}).decode())
        else:
            out(message)
        return EXIT_OK
    _before, after, memory = result
    if as_json:
        out(orjson.dumps({"reset": True, "parameters": list(after), "memory_updated": memory}).decode())
        return EXIT_OK
    which = (
        "fsrs's default parameters" if after == DEFAULT_WEIGHTS else "the parameters used before the last optimisation"
    )
    out(f"Back to {which}; the memory of {memory:,} card(s) was worked out again under them.")
    return EXIT_OK
