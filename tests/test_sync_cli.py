"""`paperdeck sync [DIR] [--status] [--json]`, run as a user runs it: real homes, a real shared folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from test_cli import err, out
from test_cli import run as run_paperdeck

WORKER = Path(__file__).parent / "store_worker.py"
NO_FOLDER = "paperdeck: no sync folder yet: `paperdeck sync DIR` chooses one\n"


def run(*args: str | Path, home: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The command in a subprocess; whatever it says, it never shows a traceback."""
    result = run_paperdeck(*args, home=home, cwd=cwd)
    assert b"Traceback" not in result.stdout + result.stderr
    return result


def sync_json(*args: str | Path, home: Path) -> tuple[int, dict]:
    result = run("sync", *args, "--json", home=home)
    lines = result.stdout.splitlines()
    assert len(lines) == 1, out(result)
    return result.returncode, orjson.loads(lines[0])


def starred(home: Path) -> set[str]:
    result = run("list", "--starred", home=home)
    assert result.returncode == 0, err(result)
    return {line.split("\t")[1] for line in out(result).splitlines()}


def devices(folder: Path) -> list[str]:
    return sorted(path.name for path in (folder / "paperdeck").iterdir())


def files_under(*roots: Path) -> dict[Path, bytes]:
    """Every file under the roots, with its bytes (lock files aside: taking a lock is not a change)."""
    return {
        path: path.read_bytes()
        for root in roots
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.suffix != ".lock"
    }


@pytest.fixture(scope="module")
def paper_ids(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Ids of the bundled sample library's papers, as `paperdeck list --json` gives them."""
    result = run("list", "--json", home=tmp_path_factory.mktemp("ids") / "home")
    assert result.returncode == 0, err(result)
    return [orjson.loads(line)["id"] for line in result.stdout.splitlines()]


@pytest.fixture
def one(tmp_path: Path) -> Path:
    return tmp_path / "one"


@pytest.fixture
def two(tmp_path: Path) -> Path:
    return tmp_path / "two"


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    return tmp_path / "shared"


# --- a first sync, and the folders that cannot be chosen ----------------------------------------


def test_a_new_home_tells_it_has_no_folder_then_makes_and_chooses_one(one: Path, tmp_path: Path):
    status = run("sync", "--status", home=one)
    assert status.returncode == 0, err(status)
    assert out(status).startswith("No sync folder yet: `paperdeck sync DIR` makes DIR")

    unchosen = run("sync", home=one)
    assert (unchosen.returncode, out(unchosen), err(unchosen)) == (2, "", NO_FOLDER)

    # A relative DIR whose parent is there: it is made, and named resolved.
    first = run("sync", "shared", home=one, cwd=tmp_path)
    shared = (tmp_path / "shared").resolve()
    assert (first.returncode, err(first)) == (0, "")
    assert out(first) == f"Synced with {shared}: sent nothing; took in nothing\n"
    [device] = devices(shared)
    assert (shared / "paperdeck" / device / "device.json").is_file()


def test_a_folder_that_cannot_be_one_is_refused_as_a_usage_error(one: Path, tmp_path: Path):
    one.mkdir()
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder\n")
    inside = f"inside the data home {one}; choose a folder of the sync tool's"
    refused = {
        a_file: f"paperdeck: {a_file}: not a folder\n",
        tmp_path / "gone" / "dir": f"paperdeck: {tmp_path / 'gone'}: no such folder\n",
        one: f"paperdeck: {one}: {inside}\n",
        one / "sync-here": f"paperdeck: {one / 'sync-here'}: {inside}\n",
    }
    for folder, message in refused.items():
        result = run("sync", folder, home=one)
        assert (result.returncode, out(result), err(result)) == (2, "", message), folder
    assert not (tmp_path / "gone").exists()
    assert a_file.read_text() == "not a folder\n"
    assert not (one / "sync").exists()  # refused before the sync state was touched


def test_a_folder_refused_inside_the_data_home_is_not_left_made(one: Path):
    one.mkdir()
    result = run("sync", one / "sync-here", home=one)
    assert result.returncode == 2
    assert not (one / "sync-here").exists()


# --- two machines through one folder ------------------------------------------------------------


def test_stars_made_on_one_machine_reach_the_other_and_status_names_both(
    one: Path, two: Path, shared: Path, paper_ids: list[str]
):
    ids = paper_ids[:3]
    marked = run("mark", "star", *ids, home=one)
    assert marked.returncode == 0, err(marked)
    code, sent = sync_json(shared, home=one)
    assert code == 0
    assert sent == {
        "folder": str(shared),
        "went_out": {"stars": 3, "cards": 3},
        "came_in": {},
        "machines": 0,
        "warnings": [],
    }
    [device_one] = devices(shared)

    code, took = sync_json(shared, home=two)
    assert code == 0
    assert list(took) == ["folder", "went_out", "came_in", "machines", "warnings"]
    assert (took["went_out"], took["came_in"]) == ({}, {"stars": 3, "cards": 3})
    assert (took["machines"], took["warnings"]) == (1, [])
    assert starred(two) == set(ids)
    [device_two] = [device for device in devices(shared) if device != device_one]

    status = run("sync", "--status", home=two)
    assert status.returncode == 0, err(status)
    lines = out(status).splitlines()
    assert f"Sync folder    {shared}" in lines and f"This machine   {device_two}" in lines
    assert "Other machines 1" in lines
    assert any(line.startswith(f"  {device_one}  ") for line in lines)
    assert device_two not in "".join(line for line in lines if line.startswith("  "))

    status = run("sync", "--status", "--json", home=two)
    assert status.returncode == 0, err(status)
    document = orjson.loads(status.stdout)
    assert (document["folder"], document["device"], document["waiting_bytes"]) == (str(shared), device_two, 0)
    assert document["last_sync"]
    assert [machine["device"] for machine in document["machines"]] == [device_one]

    again = run("sync", home=two)  # the folder chosen is remembered
    assert (again.returncode, err(again)) == (0, "")
    assert out(again) == f"Synced with {shared}: sent nothing; took in nothing\n"


def test_a_folder_gone_for_a_while_costs_a_warning_and_loses_nothing(
    one: Path, two: Path, shared: Path, tmp_path: Path, paper_ids: list[str]
):
    for home in (one, two):
        assert run("sync", shared, home=home).returncode == 0
    away = shutil.move(shared, tmp_path / "away")
    assert run("mark", "star", paper_ids[3], home=one).returncode == 0

    missing = run("sync", home=one)
    assert missing.returncode == 1
    assert out(missing) == f"Synced with {shared}: kept to send 1 card, 1 star; took in nothing\n"
    [warning] = err(missing).splitlines()
    assert warning.startswith(f"paperdeck: {shared}: no such folder") and "nothing came in" in warning

    shutil.move(away, shared)
    back = run("sync", home=one)
    assert (back.returncode, err(back)) == (0, "")
    code, took = sync_json(home=two)
    assert (code, took["came_in"], took["warnings"]) == (0, {"stars": 1, "cards": 1}, [])
    assert starred(two) == {paper_ids[3]}


def test_a_line_that_cannot_be_read_is_skipped_with_its_place_and_the_rest_arrives(
    one: Path, two: Path, shared: Path, paper_ids: list[str]
):
    ids = paper_ids[4:6]
    assert run("mark", "star", *ids, home=one).returncode == 0
    assert run("sync", shared, home=one).returncode == 0
    [device_one] = devices(shared)
    changes = shared / "paperdeck" / device_one / "changes.jsonl"
    with changes.open("ab") as handle:  # a sync tool's torn copy, say
        handle.write(b"not json\n")
    bad_line = changes.read_bytes().count(b"\n")

    result = run("sync", shared, home=two)
    assert result.returncode == 1
    assert out(result) == (f"Synced with {shared}: sent nothing; took in 2 cards, 2 stars from 1 other machine\n")
    assert err(result) == f"paperdeck: {changes}:{bad_line}: not a line paperdeck can read, skipped\n"
    assert starred(two) == set(ids)

    again = run("sync", home=two)  # read once, told once
    assert (again.returncode, err(again)) == (0, "")


# --- while the reader holds the store -----------------------------------------------------------


def hold(home: Path) -> subprocess.Popen:
    """Another paperdeck with the home's store open, until its standard input closes."""
    holder = subprocess.Popen(
        [sys.executable, str(WORKER), "hold", str(home / "store.json")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline() == "ready\n"
    return holder


def test_sync_while_another_paperdeck_holds_the_store_changes_nothing(
    one: Path, two: Path, shared: Path, paper_ids: list[str]
):
    assert run("sync", shared, home=two).returncode == 0
    assert run("mark", "star", paper_ids[0], home=one).returncode == 0
    assert run("sync", shared, home=one).returncode == 0  # a change waits in the folder for two
    before = files_under(two, shared)
    holder = hold(two)
    try:
        result = run("sync", home=two)
    finally:
        holder.communicate("")
    assert (result.returncode, out(result)) == (2, "")
    assert "the open reader syncs by itself, or close it first" in err(result)
    assert files_under(two, shared) == before


def test_sync_while_another_paperdeck_holds_the_store_says_so_in_one_line(two: Path, shared: Path):
    shared.mkdir()
    two.mkdir()
    holder = hold(two)
    try:
        result = run("sync", shared, home=two)
    finally:
        holder.communicate("")
    assert result.returncode == 2
    [line] = err(result).splitlines()
    assert "the open reader syncs by itself, or close it first" in line
