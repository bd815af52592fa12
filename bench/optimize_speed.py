"""How long fitting FSRS and simulating the workload take on a big log; a session and the stats stay quick.

    python bench/optimize_speed.py [--cards 10000] [--reviews 200000] [--runs 3]

The store is review_speed.py's: each card's share of the log over the last year, scheduled
by fsrs with mostly Good answers. Figures (median of the runs):
- floor: reading reviews.jsonl and orjson-loading it, the answers the fit starts from.
- the log as card histories (`optimize.gather`), on a store whose log is already read.
- the fit itself: fsrs-rs fits the 21 parameters and evaluates three sets on the same answers.
- the fit as the app runs it: in a child process (`run_apart`), the histories pickled over.
- `paperdeck optimize` from the shell, in a subprocess: open, read, fit, keep, save.
- a session and the stats in the app after a fit: each under 300 ms, as without one.
- the workload chart: its inputs read off the log (`workload.plan`), and the year simulated at
  each desired retention in a child process, as the stats screen does after its numbers.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import Figure, table
from review_speed import build_store, timed

from tui.review import optimize, workload
from tui.review.deck import Deck
from tui.review.stats import compute_stats
from tui.runtime import run_apart
from tui.state.store import Store
from tui.state.store_file import REVIEW_LOG

FLOOR = "read + orjson.loads of reviews.jsonl (optimise floor)"


def measure(cards: int, reviews: int, runs: int) -> list[Figure]:
    now = datetime.now(UTC).replace(microsecond=0)
    folder = Path(tempfile.mkdtemp(prefix="paperdeck-optimize-bench-"))
    path = folder / "store.json"
    build_store(path, cards, reviews, now)
    log_path = folder / REVIEW_LOG
    floors = timed(lambda: list(map(orjson.loads, log_path.read_bytes().splitlines())), runs)

    store = Store.open(path, lock=False)
    deck = Deck(store, clock=lambda: now)
    hour = deck.settings.day_start_hour
    gathers = timed(lambda: optimize.gather(store.review_documents(), hour), runs)
    gathered = optimize.gather(store.review_documents(), hour)
    fits = timed(lambda: optimize.fit(gathered.histories, deck.weights), runs)
    apart = timed(lambda: run_apart(optimize.fit, gathered.histories, deck.weights), runs)
    store.close()

    home = folder / "home"

    def command() -> None:
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir()
        for name in ("store.json", REVIEW_LOG):
            shutil.copyfile(folder / name, home / name)
        result = subprocess.run(
            [sys.executable, "-m", "tui", "optimize", "--json", "--home", str(home)], capture_output=True, check=False
        )
        if result.returncode != 0 or not orjson.loads(result.stdout)["kept"]:
            raise SystemExit(f"paperdeck optimize failed: {result.stderr.decode()[-500:]}")

    commands = timed(command, runs)

    fitted = Store.open(home / "store.json", lock=False)  # the home the last command fitted
    fitted.review_count  # noqa: B018 - the app reads the log at start, before the stats ask for it
    sessions = timed(lambda: Deck(fitted, clock=lambda: now).session_queue(), runs)
    stats = timed(lambda: compute_stats(Deck(fitted, clock=lambda: now)), runs)
    fitted_deck = Deck(fitted, clock=lambda: now)
    plans = timed(lambda: workload.plan(fitted_deck), runs)
    plan = workload.plan(fitted_deck)
    simulations = timed(lambda: run_apart(workload.simulate, plan), runs)
    fitted.close()
    shutil.rmtree(folder, ignore_errors=True)
    answers = f"{gathered.answers:,} answers to learn from"
    under = {"target": "< 300 ms", "absolute_target": 0.3}
    return [
        Figure("review", FLOOR, floors),
        Figure("review", f"the log as card histories ({reviews:,} answers)", gathers, floor=FLOOR),
        Figure("review", f"fit FSRS with fsrs-rs ({answers}, 3 sets measured)", fits, floor=FLOOR),
        Figure("review", "the fit in a child process, as the app runs it", apart, floor=FLOOR),
        Figure("review", "paperdeck optimize from the shell (open, fit, keep, save)", commands, floor=FLOOR),
        Figure("review", f"open a session after a fit ({cards:,} cards)", sessions, floor=FLOOR, **under),
        Figure("review", "open the stats after a fit (log read)", stats, floor=FLOOR, **under),
        Figure("review", "the workload's inputs from the log (grades, timings)", plans, floor=FLOOR),
        Figure(
            "review",
            f"simulate a year at {len(plan.retentions)} retentions in a child (fsrs-rs)",
            simulations,
            floor=FLOOR,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--reviews", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    print(table(measure(args.cards, args.reviews, args.runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
