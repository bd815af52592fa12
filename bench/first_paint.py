"""Start to first paint of the reader on a large library, against a bare Textual app.

    python bench/first_paint.py [--papers 100000] [--runs 5]

Each run is a fresh process (headless), timed from its first line to the first screen the
app paints. The floor is a bare Textual app with a Header and Footer, started the same way
in the same run. "warm" has the parse cache in place; "cold" removes it first.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from figures import Figure, table
from parse_speed import corpus

# Run as `python -c PROBE MODE CORPUS HOME`; prints "first paint SECONDS".
PROBE = r"""
import time, sys
T0 = time.perf_counter()
mode, corpus, home_dir = sys.argv[1:4]
def painted(app):
    import resource
    def report():
        print(f"first paint {time.perf_counter() - T0:.4f}")
        print(f"peak rss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
        app.exit()
    app.call_after_refresh(report)
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
    from tui.ui.app import PaperdeckApp
    from tui.library.cache import load_library_cached
    from tui.home import Home
    from tui.library.files import digest_files
    from tui.runtime import freeze_heap
    from tui.state.store import Store
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


def first_paint(mode: str, folder: Path, home: Path) -> tuple[float, float]:
    """Seconds from start to first paint, and peak RSS in MB by then, of a fresh process."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, mode, str(folder), str(home)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    said = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in result.stdout.splitlines() if " " in line}
    return said["first paint"], said["peak rss"]


def measure(papers: int, runs: int) -> list[Figure]:
    """First paint of a bare app (floor), of paperdeck warm and cold, and their peak memory."""
    folder = corpus(papers)
    home = Path(tempfile.mkdtemp(prefix="paperdeck-paint-"))
    first_paint("warm", folder, home)  # writes the parse cache
    times: dict[str, list[float]] = {"bare": [], "warm": [], "cold": []}
    memory: dict[str, list[float]] = {"bare": [], "warm": []}
    for _ in range(runs):
        for mode in ("bare", "warm"):  # interleaved, so that load elsewhere hits both alike
            seconds, rss = first_paint(mode, folder, home)
            times[mode].append(seconds)
            memory[mode].append(rss)
    for _ in range(max(1, runs // 2)):
        shutil.rmtree(home / "cache", ignore_errors=True)
        times["cold"].append(first_paint("cold", folder, home)[0])
    shutil.rmtree(home, ignore_errors=True)
    floor = "bare Textual app, Header + Footer (floor)"
    memory_floor = "bare Textual app at first paint (floor)"
    return [
        Figure("start", floor, times["bare"]),
        Figure(
            "start", "paperdeck, parse cache warm", times["warm"], floor=floor, target="≤ 2× floor", ratio_target=2.0
        ),
        Figure("start", "paperdeck, cold (parse, then write the cache)", times["cold"], floor=floor),
        Figure("memory", memory_floor, memory["bare"], unit="MB"),
        Figure(
            "memory",
            f"paperdeck at first paint, warm ({papers:,} papers)",
            memory["warm"],
            unit="MB",
            floor=memory_floor,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(table(measure(args.papers, args.runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
