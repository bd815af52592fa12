"""Keystroke latency of triage and of the reader's sort, hide-seen and later keys on a large library.

    python bench/triage_keys.py [--papers 100000] [--presses 30]

Measured as reader_keys.py measures the reader's keys, with the same clock and the same
floor (a bare Textual app's key, in the same run): the time from a key press (Pilot) until
the last screen update it caused was written out, in milliseconds.

Triage is opened with T on the All view, whose papers are all unread in the new home, and
goes through them: s stars, r reads, l keeps for later (each deciding the paper shown and
going on to the next), u takes back the last decision and steps back to its paper, j goes
on deciding nothing. Opening triage (T, which gathers the view's unread papers) and leaving
it (Esc, back to the reader, which shows its view again) are timed until the screen they go
to is painted. In the reader, on the All view: O (the next sort: date, upvotes, title,
first-seen; a big view is sorted in a worker thread, and the figure runs until the list
shows the new order), H (papers seen on an earlier day hidden, or shown again) and l (the
paper under the cursor kept for later, or not).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import Figure, table
from reader_keys import (
    KEY_TARGET_SECONDS,
    floor,
    measure_in_this_process,
    measured_in_a_child,
    press_to_paint,
    record_paints,
    settle,
)

from tui.sorting import DATE
from tui.ui.app import PaperdeckApp
from tui.ui.screens.reader import ReaderScreen
from tui.ui.screens.triage import TriageScreen
from tui.views import ALL

FLOOR = "floor: bare app key"
# Each triage key's target: one frame at 60 Hz. Opening and leaving triage and the reader's
# keys have the reader's keystroke target (reader_keys.KEY_TARGET_SECONDS).
TRIAGE_KEY_TARGET_SECONDS = 0.016
TRIAGE_KEYS = {"s": "star (s)", "r": "read (r)", "l": "later (l)", "u": "undo (u)", "j": "next (j)"}
OPEN, LEAVE = "open triage (T)", "leave triage (Esc)"
READER_KEYS = {"O": "reader: sort (O)", "H": "reader: hide seen before (H)", "l": "reader: later (l)"}


async def measure_presses(app: PaperdeckApp, presses: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {FLOOR: await floor(presses)}
    paints = record_paints(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.current_view == ALL

        def idle() -> bool:
            return all(worker.is_finished for worker in app.workers)

        def in_triage() -> bool:
            return isinstance(app.screen, TriageScreen) and app.screen.is_mounted

        def in_reader() -> bool:
            return app.screen is reader and idle()

        async def timed(label: str, key: str, until=None) -> None:
            times.setdefault(label, []).append(await press_to_paint(pilot, paints, key, until=until))

        for _ in range(presses):
            await timed(OPEN, "T", until=in_triage)
            await timed(LEAVE, "escape", until=in_reader)

        await press_to_paint(pilot, paints, "T", until=in_triage)
        triage = app.screen
        assert isinstance(triage, TriageScreen)
        if triage.triage.total <= 3 * presses:
            raise SystemExit(f"{triage.triage.total} unread papers to triage; {3 * presses + 1} needed")
        for key in "srl":  # each decides the paper shown and goes on to the next
            for _ in range(presses):
                await timed(TRIAGE_KEYS[key], key)
        for _ in range(presses):  # takes back the later decisions, stepping back a paper each
            await timed(TRIAGE_KEYS["u"], "u")
        for _ in range(presses):
            await timed(TRIAGE_KEYS["j"], "j")
        assert triage.triage.position == 3 * presses, triage.triage.position
        await press_to_paint(pilot, paints, "escape", until=in_reader)

        for _ in range(presses):  # date → upvotes → title → first-seen → date
            await timed(READER_KEYS["O"], "O", until=idle)
        while reader.reading.sort_of(ALL) != DATE:
            await press_to_paint(pilot, paints, "O", until=idle)
        for _ in range(presses):  # hidden, shown again
            await timed(READER_KEYS["H"], "H", until=idle)
        if reader.reading.hide_seen:
            await press_to_paint(pilot, paints, "H", until=idle)
        for _ in range(presses):
            await timed(READER_KEYS["l"], "l")
    return times


def measure(papers: int, presses: int) -> list[Figure]:
    """Triage's keys, opening and leaving it, and the reader's O, H and l, on a library of `papers`."""
    said = measured_in_a_child(__file__, papers, presses, prefix="paperdeck-triage-")
    times: dict[str, list[float]] = said["times"]
    figures = []
    for label, values in times.items():
        seconds = [value / 1000 for value in values]
        if label == FLOOR:
            figures.append(Figure("triage", label, seconds))
        elif label in TRIAGE_KEYS.values():
            figures.append(Figure("triage", label, seconds, floor=FLOOR, target="< 16 ms p95",
                                  absolute_target=TRIAGE_KEY_TARGET_SECONDS, key="p95"))  # fmt: skip
        else:
            figures.append(Figure("triage", label, seconds, floor=FLOOR, target="p95 < 50 ms",
                                  absolute_target=KEY_TARGET_SECONDS, key="p95"))  # fmt: skip
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--in-this-process", type=Path, metavar="HOME", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.in_this_process:
        print(json.dumps(measure_in_this_process(args.in_this_process, args.presses, measure_presses)))
        return 0
    print(table(measure(args.papers, args.presses)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
