"""Shared fixtures: the bundled real digests and a throwaway data home."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.home import Home
from tui.library import read_digest
from tui.parse import ParseResult
from tui.store import Store

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_data"
COMMENTARY = SAMPLES / "2025-06-11.commentary.txt"
HF_MAR_06 = SAMPLES / "hf-daily-papers-mar-06.txt"
HF_OCT_31 = SAMPLES / "hf-daily-papers-oct-31.txt"


@pytest.fixture(scope="session")
def commentary() -> ParseResult:
    return read_digest(COMMENTARY)


@pytest.fixture(scope="session")
def hf_mar_06() -> ParseResult:
    return read_digest(HF_MAR_06)


@pytest.fixture(scope="session")
def hf_oct_31() -> ParseResult:
    return read_digest(HF_OCT_31)


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home")


@pytest.fixture
def store(home: Home) -> Iterator[Store]:
    """The home's state store, open for the test and closed after it."""
    opened = Store.open(home.store)
    yield opened
    opened.close()


def by_title(result: ParseResult, start: str):
    """The one entry whose title starts with `start`."""
    found = [e for e in result.entries if e.title.startswith(start)]
    assert len(found) == 1, f"{len(found)} entries start with {start!r}"
    return found[0]
