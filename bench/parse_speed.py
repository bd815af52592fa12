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
import statistics
import subprocess
import sys
import time
from pathlib import Path

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    folder = corpus(args.papers)
    jobs = os.cpu_count() or 1
    times: dict[str, list[float]] = {"read": [], "default": [], "one": []}
    for _ in range(args.runs):
        # Interleaved, so that a burst of load elsewhere hits all alike.
        times["read"].append(read_floor(folder))
        times["default"].append(check_json(folder, jobs))
        times["one"].append(check_json(folder, 1))
    read = statistics.median(times["read"])
    print(f"corpus: {args.papers} papers, {sum(1 for _ in folder.glob('*.txt'))} files, median of {args.runs} runs")
    rows = [
        ("read + splitlines (floor)", "read"),
        (f"check --json ({jobs} processes)", "default"),
        ("check --json --jobs=1", "one"),
    ]
    for label, key in rows:
        runs = times[key]
        median = statistics.median(runs)
        print(f"{label:32} {median:6.2f} s  (min {min(runs):.2f}, max {max(runs):.2f})  {median / read:5.1f}x floor")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
