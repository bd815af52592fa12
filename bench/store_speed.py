"""How fast the state store is with 100,000 paper documents, against writing the same data raw.

    python bench/store_speed.py [--papers 100000] [--runs 5]

Figures:
- UI-thread cost of one change (star a paper): what a keystroke pays; the disk is not touched.
- change to durable: from the change until the background writer has it on disk.
- one full write of the store, against its floor measured in the same run: orjson dump of
  the same tables plus write and fsync of a file in the same folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import Figure, table

from tui.state.atomic import write_atomically
from tui.state.store import Store
from tui.state.tables import serialise


def raw_write(path: Path, tables: dict) -> float:
    start = time.perf_counter()
    data = orjson.dumps(tables)
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return time.perf_counter() - start


def store_write(path: Path, tables: dict) -> float:
    start = time.perf_counter()
    write_atomically(path, serialise(tables))
    return time.perf_counter() - start


def measure(papers: int, runs: int) -> list[Figure]:
    """One change's UI-thread cost and time to disk, and a full write against an orjson dump."""
    folder = Path(tempfile.mkdtemp(prefix="paperdeck-store-bench-"))
    store = Store.open(folder / "store.json")
    store.mark_read_many(f"paper-{n}" for n in range(papers))
    store.flush()
    tables = store._tables

    change_costs = []
    to_durable = []
    for run in range(max(runs, 5) * 20):
        start = time.perf_counter()
        paper_id = f"paper-{run}"
        store.set_star(paper_id, not store.paper(paper_id).starred)
        change_costs.append(time.perf_counter() - start)
        if run % 20 == 0:
            while store.pending:
                time.sleep(0.001)
            to_durable.append(time.perf_counter() - start)
    store.flush()

    floors, writes = [], []
    for _ in range(runs):
        floors.append(raw_write(folder / "raw.json", tables))
        writes.append(store_write(folder / "store.json", tables))
    store.close()
    size = (folder / "store.json").stat().st_size / 1e6
    floor = "orjson dump + write + fsync (floor)"
    return [
        Figure("store", "UI-thread cost of one change", change_costs, target="< 2 ms", absolute_target=0.002),
        Figure("store", "change to durable", to_durable, target="< 1 s", absolute_target=1.0),
        Figure("store", floor, floors),
        Figure(
            "store",
            f"one full write ({papers:,} papers, {size:.0f} MB)",
            writes,
            floor=floor,
            target="≤ 2× floor",
            ratio_target=2.0,
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
