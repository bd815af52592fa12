"""Shared fixtures: the bundled real digests and a throwaway data home."""

from __future__ import annotations

import errno
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sync_machines import SharedClock, shared_clock

from tui.home import Home
from tui.library.files import read_digest
from tui.parse import ParseResult
from tui.state import atomic, writer
from tui.state.store import Store

# No deadline on generated examples: a shared 2-core machine under load makes a 0.2 ms example
# take half a second now and then, and speed is the benchmarks' business, not the tests'.
settings.register_profile("paperdeck", deadline=None)
settings.load_profile("paperdeck")

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
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[SharedClock]:
    """One clock for the simulated machines of the sync tests, moved on by hand."""
    yield from shared_clock(monkeypatch)


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


@pytest.fixture
def utc_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC for the test, so that what screens say of days does not depend on the machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def local_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Sets the process's local time zone (TZ) for the test; UTC unless a test picks another."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    set_zone("UTC")
    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def full_disk(monkeypatch) -> Callable[[int], None]:
    """Makes the next N store writes fail with ENOSPC, then lets them succeed; retries are quick."""
    real_write = atomic.write_atomically
    failures = {"left": 0}

    def flaky_write(target: Path, data: bytes) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(target, data)

    monkeypatch.setattr(atomic, "write_atomically", flaky_write)
    monkeypatch.setattr(writer, "RETRY_SECONDS", (0.05,))

    def fail_next(count: int) -> None:
        failures["left"] = count

    return fail_next


def clean_clone(target: Path) -> Path:
    """The repository as a fresh clone has it: committed files only (or a copy outside git)."""
    if (REPO / ".git").exists() and shutil.which("git"):
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(target)], check=True)
        # Uncommitted edits and new files are part of what is tested, so lay them over.
        changed = subprocess.run(
            ["git", "-C", str(REPO), "diff", "--name-only", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.split()
        changed += subprocess.run(
            ["git", "-C", str(REPO), "ls-files", "--others", "--exclude-standard"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        for name in changed:
            if (REPO / name).is_file():
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(REPO / name, target / name)
        return target
    ignore = shutil.ignore_patterns(".venv", ".git", "__pycache__", ".pytest_cache", ".hypothesis", "build", "dist")
    shutil.copytree(REPO, target, ignore=ignore)
    return target


def pytest_terminal_summary(terminalreporter) -> None:
    """Prints what the reliability tests tried, when any of them ran."""
    from reliability import summary_lines

    lines = summary_lines()
    if lines:
        terminalreporter.section("reliability figures")
        for line in lines:
            terminalreporter.write_line(line)
