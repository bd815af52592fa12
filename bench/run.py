"""Every speed figure of paperdeck in one run, each beside the floor measured with it.

    python bench/run.py [--papers 100000] [--quick] [--runs N] [--out bench/results/latest.json]

Generates (or reuses) the corpus with make_corpus.py, then measures, in this order: parsing
the whole corpus cold, start to first paint (warm, after a new or changed digest, and cold),
commands that read the library and a new digest reaching the open reader, keystrokes in the
reader, triage's keys and the reader's sort, hide-seen and later keys, the state store, and
review and fitting FSRS (10,000 cards and 200,000 answers; a tenth with --quick), the notes vault, and
two machines syncing those papers and answers through a folder. Prints one Markdown table
and writes the same figures, with every run, to the JSON file.
--quick: 10,000 papers and one run of each, for a check that the benchmark still works.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

import first_paint  # noqa: E402
import for_you_speed  # noqa: E402
import living_library  # noqa: E402
import optimize_speed  # noqa: E402
import parse_speed  # noqa: E402
import reader_keys  # noqa: E402
import review_speed  # noqa: E402
import store_speed  # noqa: E402
import sync_speed  # noqa: E402
import taste_quality  # noqa: E402
import triage_keys  # noqa: E402
import vault_speed  # noqa: E402
from figures import Figure, as_json, machine, table  # noqa: E402


def measure_all(papers: int, runs: int, presses: int, cards: int, answers: int, notes: int = 4_000) -> list[Figure]:
    steps = [
        ("parsing", lambda: parse_speed.measure(papers, runs)),
        ("first paint", lambda: first_paint.measure(papers, runs)),
        ("the library index at work", lambda: living_library.measure(papers, runs)),
        ("keystrokes", lambda: reader_keys.measure(papers, presses)),
        ("triage", lambda: triage_keys.measure(papers, presses)),
        ("for you", lambda: for_you_speed.measure(papers, runs)),
        ("taste quality", lambda: taste_quality.measure(min(papers, taste_quality.CORPUS_PAPERS))),
        ("state store", lambda: store_speed.measure(papers, runs)),
        ("review", lambda: review_speed.measure(cards, answers, runs)),
        ("fitting FSRS", lambda: optimize_speed.measure(cards, answers, max(1, runs // 2))),
        ("notes vault", lambda: vault_speed.measure(notes, runs)),
        ("sync", lambda: sync_speed.measure(papers, cards, answers, runs)),
    ]
    figures: list[Figure] = []
    for name, step in steps:
        start = time.perf_counter()
        print(f"measuring {name}…", file=sys.stderr, flush=True)
        figures += step()
        print(f"  {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10,000 papers, one run of each")
    parser.add_argument("--runs", type=int, help="runs of each figure (default 5; 1 with --quick)")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "latest.json")
    args = parser.parse_args(argv)
    papers = 10_000 if args.quick else args.papers
    runs = args.runs or (1 if args.quick else 5)
    presses = 10 if args.quick else 60
    cards, answers = (1_000, 20_000) if args.quick else (10_000, 200_000)
    started = datetime.now(UTC)
    figures = measure_all(papers, runs, presses, cards, answers, 400 if args.quick else 4_000)
    print(f"{papers:,} papers, median of {runs} run(s); {machine()}\n")
    print(table(figures))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    document = as_json(
        figures, papers=papers, runs=runs, quick=args.quick, started=started.isoformat(timespec="seconds")
    )
    args.out.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))
    print(f"\nwritten to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
