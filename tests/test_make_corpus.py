"""The benchmark corpus generator: deterministic, and every file it writes parses cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from tui.library.files import digest_files, load_library

MAKE_CORPUS = REPO / "bench" / "make_corpus.py"


def make_corpus(out: Path, papers: int, seed: int = 0) -> None:
    subprocess.run(
        [sys.executable, str(MAKE_CORPUS), "--papers", str(papers), "--out", str(out), "--seed", str(seed)],
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    make_corpus(out, 2000)
    return out


def test_same_arguments_give_identical_files(corpus: Path, tmp_path: Path):
    make_corpus(tmp_path, 2000)
    assert [p.name for p in digest_files(tmp_path)] == [p.name for p in digest_files(corpus)]
    assert all((tmp_path / p.name).read_bytes() == p.read_bytes() for p in digest_files(corpus))


def test_corpus_parses_without_a_diagnostic_into_both_formats(corpus: Path):
    library = load_library(digest_files(corpus))
    entries = [e for result in library.results for e in result.entries]
    assert len(entries) == 2000
    assert library.diagnostics == []
    formats = [result.format.value for result in library.results for _ in result.entries]
    # About 4 in 5 papers come from Daily Papers pages.
    assert 0.75 < formats.count("hf-daily") / len(entries) < 0.85
    assert formats.count("hf-daily") + formats.count("commentary") == len(entries)
    # A few commentary papers reappear in a later page: one paper each.
    assert len(library) < len(entries)
    assert any(len(p.sources) == 2 and p.commentary_ko and p.upvotes is not None for p in library)


def test_check_gives_the_same_output_in_one_process_or_several(corpus: Path, tmp_path: Path):
    paperdeck = Path(sys.executable).with_name("paperdeck")
    env = {**os.environ, "PAPERDECK_HOME": str(tmp_path)}

    def check(jobs: int) -> subprocess.CompletedProcess:
        command = [str(paperdeck), "check", "--json", f"--jobs={jobs}", str(corpus)]
        return subprocess.run(command, capture_output=True, env=env, check=True)

    one, two = check(1), check(2)
    assert one.stdout == two.stdout
    assert one.stdout.count(b"\n") == 2000
    assert one.stderr == two.stderr
