"""`paperdeck stats` (the review calendar, forecast and figures) and `paperdeck settings`."""

from __future__ import annotations

import sys

import orjson

from tui.cli.output import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, err, open_store, out
from tui.home import Home
from tui.state.store import StoreError

# The GitHub calendar's greens, for a terminal whose theme paperdeck cannot know.
HEAT_PALETTE = ["grey30", "#0e4429", "#006d32", "#26a641", "#39d353"]


def stats(home: Home, *, as_json: bool) -> int:
    """Prints the review calendar, the forecast and the numbers, as the stats screen shows them."""
    from rich.console import Console

    from tui.charts import forecast_chart, heatmap, stats_text, weeks_that_fit, workload_chart, workload_text
    from tui.review import workload
    from tui.review.deck import Deck, review_day
    from tui.review.stats import compute_stats
    from tui.settings import ReviewSettings

    store = open_store(home)
    if store is None:
        return EXIT_USAGE
    try:
        deck = Deck(store, ReviewSettings.from_store(store))
        now = deck.clock()
        figures = compute_stats(deck, now)
        plan = workload.plan(deck)
    finally:
        store.close()
    try:
        simulated: workload.Workload | None = workload.simulate(plan)
        failure = ""
    except (ValueError, RuntimeError) as exc:  # what fsrs-rs said, in one line, after the rest
        simulated, failure = None, str(exc) or type(exc).__name__
    if as_json:
        document = {
            "reviews_per_day": {day.isoformat(): count for day, count in sorted(figures.reviews_per_day.items())},
            "forecast": figures.forecast,
            "by_status": figures.by_status,
            "true_retention": figures.true_retention,
            "retention_answers": figures.retention_answers,
            "average_retrievability": figures.average_retrievability,
            "total_reviews": figures.total_reviews,
            "time_spent_ms": figures.time_spent_ms,
            "streak_days": figures.streak_days,
            "leeches": figures.leeches,
            "workload": simulated.to_json() if simulated is not None and simulated.loads else None,
        }
        sys.stdout.buffer.write(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
        return EXIT_OK
    console = Console(highlight=False)
    today = review_day(now, deck.settings.day_start_hour)
    weeks = weeks_that_fit(console.width)
    console.print(f"Reviews in the last year · {figures.total_reviews} in all", style="bold")
    for line in heatmap(figures.reviews_per_day, today, HEAT_PALETTE, weeks=weeks):
        console.print(line, no_wrap=True, crop=True)
    console.print()
    console.print("Cards due in the next 30 days", style="bold")
    for line in forecast_chart(figures.forecast, "cyan", console.width):
        console.print(line, no_wrap=True, crop=True)
    console.print()
    console.print(stats_text(figures), end="")
    console.print()
    console.print("Reviews a day at each desired retention", style="bold")
    if simulated is None:
        console.print(f"The workload could not be simulated: {failure}")
    elif not simulated.loads:
        console.print("No cards to simulate yet: a starred paper becomes a card.")
    else:
        for line in workload_chart(simulated, "blue", "bold yellow", console.width):
            console.print(line, no_wrap=True, crop=True)
        console.print(workload_text(simulated), end="")
    return EXIT_OK


def settings(home: Home, name: str | None, value: str | None) -> int:
    """Prints the settings, or one, or sets one (`paperdeck settings new_per_day 20`)."""
    from tui.settings import SETTINGS, setting_named

    try:
        chosen = [setting_named(name)] if name is not None else list(SETTINGS)
        new_value = chosen[0].parse(value) if value is not None else None
    except ValueError as exc:
        err(f"paperdeck: {exc}")
        return EXIT_USAGE
    store = open_store(home)
    if store is None:
        return EXIT_USAGE
    try:
        if value is not None:
            try:
                chosen[0].write(store, new_value)
            except StoreError as exc:
                err(f"paperdeck: {exc}")
                return EXIT_USAGE
        values = {setting.name: setting.read(store) for setting in chosen}
    finally:
        saved = store.close()
    if not saved:
        err(f"paperdeck: could not save {store.path}: {store.last_error}")
        return EXIT_ERRORS
    for setting in chosen:
        shown = setting.show(values[setting.name])
        out(f"{setting.name:<20} {shown:<15} {setting.help}" if value is None else f"{setting.name} = {shown}")
    return EXIT_OK
