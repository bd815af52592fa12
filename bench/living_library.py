"""The library index at work: commands that read the library, and a new digest reaching the open reader.

    python bench/living_library.py [--papers 100000] [--runs 5]

The home's library holds the corpus (hard links), its index in step. Every command is a fresh
process, timed from start to exit, interleaved with the floor: `paperdeck --version`, which
starts Python and paperdeck's command line and reads nothing. The reader is a headless
app with the library watched; a digest is written into the library folder and the time from
the end of that write until the app has the new library is taken (and again for its removal).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from figures import Figure, table
from first_paint import NEW_DIGEST, home_with_corpus, index_in_step

PAPERDECK = Path(sys.executable).with_name("paperdeck")

# Run as `python -c WATCHER HOME`: prints "ready", then "changed TIME" for each library change.
WATCHER = r"""
import sys, time
from pathlib import Path
from tui.home import Home
from tui.library.opening import open_library
from tui.library.watch import LibraryWatch
from tui.state.store import Store
from tui.ui.app import PaperdeckApp
home = Home(Path(sys.argv[1]))
opened = open_library(home)
store = Store.open(home.store)
class Probe(PaperdeckApp):
    def on_mount(self):
        super().on_mount()
        self.call_after_refresh(lambda: print("ready", flush=True))
    def _library_changed(self, library, report):
        super()._library_changed(library, report)
        print(f"changed {time.time():.6f} {len(library)}", flush=True)
Probe(opened.library, home=home, store=store, watch=LibraryWatch(opened)).run(headless=True)
store.close()
opened.close()
"""


def run_command(home: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(PAPERDECK), "--home", str(home), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
        timeout=600,
    )
    return time.perf_counter() - start


def star_some(home: Path, count: int) -> str:
    """Stars `count` papers of the home's library; returns a tag of middling size to list."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tui.home import Home
    from tui.library.opening import open_library
    from tui.state.store import Store

    opened = open_library(Home(home))
    library = opened.library
    store = Store.open(home / "store.json")
    for paper_id in library.order[::997][:count]:
        store.set_star(paper_id, True)
    store.close()
    tags = list(library.by_tag)
    opened.close()
    return tags[min(len(tags) - 1, 20)]


def commands(home: Path, runs: int) -> dict[str, list[float]]:
    tag = star_some(home, 100)
    timed: dict[str, tuple[str, ...]] = {
        "floor": ("--version",),
        "list --starred": ("list", "--starred"),
        f"list --tag {tag}": ("list", "--tag", tag),
        "export --query diffusion": ("export", "--query", "diffusion", "--format", "json"),
    }
    times: dict[str, list[float]] = {name: [] for name in timed}
    for args in timed.values():
        run_command(home, *args)  # once to warm the page cache
    for _ in range(runs):
        for name, args in timed.items():  # interleaved, so that load elsewhere hits each alike
            times[name].append(run_command(home, *args))
    return times


def watch_latency(home: Path, runs: int) -> list[float]:
    """Seconds from a digest's last write into the library until the open reader has it."""
    reader = subprocess.Popen(
        [sys.executable, "-c", WATCHER, str(home)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert reader.stdout is not None
    latencies: list[float] = []
    try:
        if reader.stdout.readline().strip() != "ready":
            raise RuntimeError("the reader did not start")
        time.sleep(1.0)  # the watch starts after the first screen
        target = home / "library" / "2026-11-21.hf-daily.txt"
        data = NEW_DIGEST.read_bytes()
        for _ in range(runs):
            with open(target, "wb") as handle:
                handle.write(data)
            written = time.time()
            latencies.append(_changed_at(reader) - written)
            target.unlink()
            _changed_at(reader)
    finally:
        reader.terminate()
        reader.wait(timeout=30)
    return latencies


def _changed_at(reader: subprocess.Popen) -> float:
    line = reader.stdout.readline().split()  # type: ignore[union-attr]
    if not line or line[0] != "changed":
        raise RuntimeError(f"the reader said {line!r}")
    return float(line[1])


def measure(papers: int, runs: int) -> list[Figure]:
    home = home_with_corpus(papers, prefix="paperdeck-living-")
    index_in_step(home)
    times = commands(home, runs)
    latencies = watch_latency(home, runs)
    shutil.rmtree(home, ignore_errors=True)
    floor = "paperdeck --version (floor)"
    figures = [Figure("commands", floor, times.pop("floor"))]
    for name, values in times.items():
        figures.append(
            Figure(
                "commands", f"{name} ({papers:,} papers)", values, floor=floor, target="≤ 3× floor", ratio_target=3.0
            )
        )
    figures.append(
        Figure(
            "watch",
            "a digest written into the library, to the open reader showing it",
            latencies,
            target="< 1 s",
            absolute_target=1.0,
        )
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(table(measure(args.papers, args.runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
