"""Start to first paint of the reader on a large library, against a bare Textual app.

    python bench/first_paint.py [--papers 100000] [--runs 5]

Each run is a fresh process (headless), timed from its first line to the first screen the
app paints. The floor is a bare Textual app with a Header and Footer, started the same way
in the same run. "warm" has the parse cache in place; "cold" removes it first.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from parse_speed import corpus

# Run as `python -c PROBE MODE CORPUS HOME`; prints "first paint SECONDS".
PROBE = r"""
import time, sys
T0 = time.perf_counter()
mode, corpus, home_dir = sys.argv[1:4]
def painted(app):
    app.call_after_refresh(lambda: (print(f"first paint {time.perf_counter() - T0:.4f}"), app.exit()))
if mode == "bare":
    from textual.app import App
    from textual.widgets import Footer, Header
    class Bare(App):
        def compose(self):
            yield Header()
            yield Footer()
        def on_mount(self):
            painted(self)
    Bare().run(headless=True)
else:
    from pathlib import Path
    from tui.app import PaperdeckApp
    from tui.cache import load_library_cached
    from tui.home import Home
    from tui.library import digest_files, freeze_heap
    from tui.store import Store
    home = Home(Path(home_dir))
    library = load_library_cached(
        digest_files(Path(corpus)), home.cache / "library.marshal", abstracts_later=True
    )
    freeze_heap()
    store = Store.open(home.store)
    class Probe(PaperdeckApp):
        def on_mount(self):
            super().on_mount()
            painted(self)
    Probe(library, home=home, store=store).run(headless=True)
    store.close()
"""


def first_paint(mode: str, folder: Path, home: Path) -> float:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, mode, str(folder), str(home)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("first paint"))
    return float(line.split()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    folder = corpus(args.papers)
    home = Path(tempfile.mkdtemp(prefix="paperdeck-paint-"))
    first_paint("warm", folder, home)  # writes the parse cache
    times: dict[str, list[float]] = {"bare": [], "warm": [], "cold": []}
    for _ in range(args.runs):
        times["bare"].append(first_paint("bare", folder, home))
        times["warm"].append(first_paint("warm", folder, home))
    for _ in range(max(1, args.runs // 2)):
        shutil.rmtree(home / "cache", ignore_errors=True)
        times["cold"].append(first_paint("cold", folder, home))
    floor = statistics.median(times["bare"])
    print(f"start to first paint, {args.papers} papers, median of runs (min, max)")
    labels = {"bare": "bare Textual app (floor)", "warm": "paperdeck, parse cache warm", "cold": "paperdeck, cold"}
    for key, label in labels.items():
        values = times[key]
        median = statistics.median(values)
        print(f"{label:30} {median:6.2f} s  ({min(values):.2f}, {max(values):.2f})  {median / floor:5.1f}x floor")
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
