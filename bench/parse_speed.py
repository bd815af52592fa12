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


def check_json(folder: Path) -> float:
    paperdeck = Path(sys.executable).with_name("paperdeck")
    start = time.perf_counter()
    subprocess.run([str(paperdeck), "check", "--json", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    folder = corpus(args.papers)
    reads, checks = [], []
    for _ in range(args.runs):
        # Interleaved, so that a burst of load elsewhere hits both alike.
        reads.append(read_floor(folder))
        checks.append(check_json(folder))
    read, check = statistics.median(reads), statistics.median(checks)
    print(f"corpus: {args.papers} papers, {sum(1 for _ in folder.glob('*.txt'))} files, median of {args.runs} runs")
    print(f"read + splitlines (floor)   {read:7.2f} s   (min {min(reads):.2f}, max {max(reads):.2f})")
    print(f"paperdeck check --json      {check:7.2f} s   (min {min(checks):.2f}, max {max(checks):.2f})")
    print(f"ratio                       {check / read:7.1f} x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
