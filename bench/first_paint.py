"""Start to first paint of the reader on a large library, against a bare Textual app.

    python bench/first_paint.py [--papers 100000] [--runs 5]

Each run is a fresh process (headless), timed from its first line to the first screen the
app paints. The floor is a bare Textual app with a Header and Footer, started the same way
in the same run. The home's library holds the corpus (hard links, so nothing is copied).
"warm" has the library index in step with the files; "one new digest" has one more digest
in the library than the index has seen (a Daily Papers page of 49 papers), "one changed
digest" one digest rewritten since; "cold" has no index at all (the library is read and
indexed; its search texts follow in the background after the first paint).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from figures import Figure, table
from parse_speed import corpus

BENCH = Path(__file__).resolve().parent
NEW_DIGEST = BENCH.parent / "sample_data" / "hf-daily-papers-mar-06.txt"

# Run as `python -c PROBE MODE HOME`; prints "first paint SECONDS" and "peak rss MB".
PROBE = r"""
import time, sys
T0 = time.perf_counter()
mode, home_dir = sys.argv[1:3]
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
    from tui.home import Home
    from tui.library.opening import open_library
    from tui.runtime import freeze_heap
    from tui.state.store import Store
    from tui.ui.app import PaperdeckApp
    home = Home(Path(home_dir))
    opened = open_library(home)
    freeze_heap()
    store = Store.open(home.store)
    class Probe(PaperdeckApp):
        def on_mount(self):
            super().on_mount()
            painted(self)
    Probe(opened.library, home=home, store=store).run(headless=True)
    store.close()
    opened.close()
"""


def first_paint(mode: str, home: Path) -> tuple[float, float]:
    """Seconds from start to first paint, and peak RSS in MB by then, of a fresh process."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, mode, str(home)],
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    said = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in result.stdout.splitlines() if " " in line}
    return said["first paint"], said["peak rss"]


def home_with_corpus(papers: int, prefix: str = "paperdeck-paint-") -> Path:
    """A new data home whose library is the corpus of `papers`, as hard links (copies where links fail)."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    library = home / "library"
    library.mkdir()
    for path in sorted(corpus(papers).iterdir()):
        if path.name.startswith("."):
            continue
        try:
            os.link(path, library / path.name)
        except OSError:
            shutil.copy2(path, library / path.name)
    return home


INDEX_IN_STEP = """
import sys
from pathlib import Path
from tui.home import Home
from tui.library.opening import open_library
opened = open_library(Home(Path(sys.argv[1])))
opened.fill_search()
opened.close()
"""


def index_in_step(home: Path) -> None:
    """Brings the home's index in step with its library, search texts and all: in a process of its
    own, as a peak memory taken later would otherwise count this one's (Linux keeps it over exec)."""
    subprocess.run([sys.executable, "-c", INDEX_IN_STEP, str(home)], check=True, timeout=900)


def changed_digest(home: Path) -> Path:
    """An old digest of the library, to be rewritten: one from the middle of the years."""
    files = sorted((home / "library").glob("*.hf-daily.txt"))
    return files[len(files) // 2]


def rewrite(path: Path, version: int) -> None:
    """Writes `path` anew (a new file, not through a hard link) with one abstract's wording changed."""
    text = path.read_text(encoding="utf-8")
    original = text.replace(" [revised]", "")
    changed = original.replace(" the ", " the [revised] ", 1) if version % 2 else original
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(changed, encoding="utf-8")
    temporary.replace(path)


AFTER = "≤ 1.2× warm"


def measure(papers: int, runs: int) -> list[Figure]:
    """First paint of a bare app (floor), of paperdeck warm, after a new or a changed digest, and cold."""
    home = home_with_corpus(papers)
    index_in_step(home)
    times: dict[str, list[float]] = {"bare": [], "warm": [], "new": [], "changed": [], "cold": []}
    memory: dict[str, list[float]] = {"bare": [], "warm": []}
    new_digest = home / "library" / "2026-11-21.hf-daily.txt"
    old_digest = changed_digest(home)
    for run in range(runs):
        for mode in ("bare", "warm"):  # interleaved, so that load elsewhere hits both alike
            seconds, rss = first_paint(mode, home)
            times[mode].append(seconds)
            memory[mode].append(rss)
        shutil.copyfile(NEW_DIGEST, new_digest)
        times["new"].append(first_paint("warm", home)[0])
        new_digest.unlink()
        index_in_step(home)
        rewrite(old_digest, run + 1)
        times["changed"].append(first_paint("warm", home)[0])
        index_in_step(home)
    for _ in range(max(1, runs // 2)):
        shutil.rmtree(home / "cache", ignore_errors=True)
        times["cold"].append(first_paint("cold", home)[0])
    shutil.rmtree(home, ignore_errors=True)
    floor = "bare Textual app, Header + Footer (floor)"
    warm = "paperdeck, library index warm"
    memory_floor = "bare Textual app at first paint (floor)"
    return [
        Figure("start", floor, times["bare"]),
        Figure("start", warm, times["warm"], floor=floor, target="≤ 2× floor", ratio_target=2.0),
        Figure("start", "paperdeck after one new digest", times["new"], floor=warm, target=AFTER, ratio_target=1.2),
        Figure(
            "start", "paperdeck after one changed digest", times["changed"], floor=warm, target=AFTER, ratio_target=1.2
        ),
        Figure("start", "paperdeck, cold (no index: read and index the digests)", times["cold"], floor=floor),
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
