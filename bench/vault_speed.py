"""Reading a notes vault: parsing a 4,000-note vault, linking it, and a warm start with it linked.

    python bench/vault_speed.py [--notes 4000] [--runs 5]

The vault is generated with make_corpus.py's writer (the same made-up papers and Korean and
English commentary), one note per paper in year folders, in the newest shape of FORMATS.md,
with [[links]] between some. The floor is reading the same notes with
`open().read().splitlines()`, in the same run.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from figures import Figure, table
from first_paint import first_paint
from make_corpus import Writer

PAPERDECK = Path(sys.executable).with_name("paperdeck")


def write_vault(notes: int, out: Path, seed: int = 7) -> list[Path]:
    """A vault of `notes` notes, a note a paper, a few a day going back from 2025-12-31."""
    rng = random.Random(seed)
    writer = Writer(rng)
    written: list[Path] = []
    day = date(2025, 12, 31)
    for number in range(notes):
        if number % 3 == 0:
            day -= timedelta(days=1)
        paper = writer.paper(with_names=True)
        korean, english = writer.commentary()
        name = f"{day:%y%m%d} {paper.title[:40].strip()}"
        folder = out / str(day.year)
        folder.mkdir(parents=True, exist_ok=True)
        lines = [
            f"https://arxiv.org/abs/{day:%y%m}.{number:05d}",
            "",
            f"*{paper.title}* ({paper.authors})",
            "",
            *(f"> {line}" for line in writer.abstract_lines(paper.abstract)),
            "",
            *korean,
            "",
            "<english>",
            *english,
            "</english>",
            "",
            writer.tag_line(),
        ]
        if written and rng.random() < 0.3:
            lines += ["", "# Links", "", f"[[{written[rng.randrange(len(written))].stem}]]"]
        path = folder / f"{name}.md"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        written.append(path)
    return written


def read_floor(files: list[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        with open(path, encoding="utf-8") as handle:
            handle.read().splitlines()
    return time.perf_counter() - start


def parse_vault(files: list[Path]) -> float:
    """Reading and parsing every note, as the library index does (in this process: the start of
    a Python process would be most of a `paperdeck check` of only 4,000 notes)."""
    from tui.library.files import read_digest

    start = time.perf_counter()
    for path in files:
        read_digest(path)
    return time.perf_counter() - start


def link(home: Path, vault: Path) -> float:
    """`paperdeck add --link`: the vault read and indexed from nothing, in a process of its own."""
    shutil.rmtree(home / "cache", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(
        [str(PAPERDECK), "--home", str(home), "add", "--link", str(vault)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - start


def measure(notes: int, runs: int) -> list[Figure]:
    root = Path(tempfile.mkdtemp(prefix="paperdeck-vault-"))
    vault, home = root / "vault", root / "home"
    files = write_vault(notes, vault)
    times: dict[str, list[float]] = {"floor": [], "check": [], "link": [], "bare": [], "warm": []}
    for _ in range(runs):
        times["floor"].append(read_floor(files))
        times["check"].append(parse_vault(files))
    for _ in range(max(1, runs // 2)):
        times["link"].append(link(home, vault))
    for _ in range(runs):
        for mode in ("bare", "warm"):
            times[mode].append(first_paint(mode, home)[0])
    shutil.rmtree(root, ignore_errors=True)
    floor = f"read {notes:,} notes + splitlines (floor)"
    start_floor = "bare Textual app, Header + Footer (floor)"
    return [
        Figure("vault", floor, times["floor"]),
        Figure(
            "vault",
            f"read + parse every note ({notes:,} notes)",
            times["check"],
            floor=floor,
            target="≤ 5× floor",
            ratio_target=5.0,
        ),
        Figure("vault", "add --link: read and index the vault from nothing", times["link"], floor=floor),
        Figure("vault", start_floor, times["bare"]),
        Figure(
            "vault",
            "paperdeck with the vault linked, index warm",
            times["warm"],
            floor=start_floor,
            target="≤ 2× floor",
            ratio_target=2.0,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=4_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(table(measure(args.notes, args.runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
