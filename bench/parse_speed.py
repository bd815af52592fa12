"""How long `paperdeck check --json` takes on a large corpus, against merely reading the files.

    python bench/parse_speed.py [--papers 100000] [--runs 3]

Both are measured in the same run, so the ratio holds on a shared, noisy machine where the
absolute times do not. The corpus is generated once by make_corpus.py and cached in
bench/corpus/N/. The floor reads every file the way any program must
(`open().read().splitlines()`); the figure runs the real command in a subprocess, interpreter
start-up and JSON output included, with stdout sent to /dev/null.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import Figure, table

BENCH = Path(__file__).resolve().parent


def corpus(papers: int) -> Path:
    """The cached corpus of `papers` papers, generated on first use."""
    folder = BENCH / "corpus" / str(papers)
    done = folder / ".complete"
    if not done.exists():
        subprocess.run(
            [sys.executable, str(BENCH / "make_corpus.py"), "--papers", str(papers), "--out", str(folder)],
            check=True,
        )
        done.touch()
    return folder


def read_floor(folder: Path) -> float:
    start = time.perf_counter()
    for path in sorted(folder.glob("*.txt")):
        with open(path, encoding="utf-8") as handle:
            handle.read().splitlines()
    return time.perf_counter() - start


def check_json(folder: Path, jobs: int) -> float:
    paperdeck = Path(sys.executable).with_name("paperdeck")
    command = [str(paperdeck), "check", "--json", f"--jobs={jobs}", str(folder)]
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def measure(papers: int, runs: int) -> list[Figure]:
    """The read floor and `check --json` with one process per CPU and with one, interleaved."""
    folder = corpus(papers)
    jobs = os.cpu_count() or 1
    times: dict[str, list[float]] = {"read": [], "default": [], "one": []}
    for _ in range(runs):
        # Interleaved, so that a burst of load elsewhere hits all alike.
        times["read"].append(read_floor(folder))
        times["default"].append(check_json(folder, jobs))
        times["one"].append(check_json(folder, 1))
    floor = "read + splitlines (floor)"
    return [
        Figure("parse", floor, times["read"]),
        Figure(
            "parse",
            f"check --json, cold ({jobs} processes)",
            times["default"],
            floor=floor,
            target="≤ 5× floor",
            ratio_target=5.0,
        ),
        Figure("parse", "check --json --jobs=1", times["one"], floor=floor),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    figures = measure(args.papers, args.runs)
    files = sum(1 for _ in corpus(args.papers).glob("*.txt"))
    print(f"corpus: {args.papers} papers, {files} files, median of {args.runs} runs\n")
    print(table(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
