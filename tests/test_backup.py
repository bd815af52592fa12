"""`paperdeck backup` and `paperdeck restore`, run as a user runs them, on real homes."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import SAMPLES
from test_cli import assert_no_traceback, err, out, run

from tui.model import arxiv_paper_id
from tui.review.deck import Deck
from tui.settings import ReviewSettings
from tui.state.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "hf-api"
VIT = arxiv_paper_id("2506.08010")  # Vision Transformers Don't Need Trained Registers


def snapshot(home: Path) -> dict[str, bytes]:
    """Every file of a home that a backup is about, by its path inside the home."""
    names = ["store.json", "reviews.jsonl"]
    files = {name: (home / name).read_bytes() for name in names if (home / name).exists()}
    for folder in ("library", "themes"):
        if (home / folder).is_dir():
            files.update({f"{folder}/{p.name}": p.read_bytes() for p in sorted((home / folder).iterdir())})
    return files


@pytest.fixture
def full_home(tmp_path: Path) -> Path:
    """A home with digests, stars, tags, a note, a card with answers in the review log, a theme."""
    home = tmp_path / "old-machine"
    assert run("add", SAMPLES, FIXTURES, home=home).returncode == 0
    store = Store.open(home / "store.json")
    store.set_star(VIT, True)
    store.set_tags(VIT, ["mine"])
    store.set_note(VIT, "다시 읽기")
    deck = Deck(store, ReviewSettings())
    deck.add(VIT, datetime(2025, 6, 12, 9, tzinfo=UTC))
    deck.grade(VIT, 3, datetime(2025, 6, 12, 9, 1, tzinfo=UTC))
    deck.grade(VIT, 3, datetime(2025, 6, 12, 9, 20, tzinfo=UTC))
    assert store.close()
    (home / "themes").mkdir()
    (home / "themes" / "mine.toml").write_text('name = "mine"\nprimary = "#ff0000"\n')
    (home / "cache").mkdir(exist_ok=True)
    (home / "cache" / "index.sqlite3").write_bytes(b"derived")
    (home / "crash.log").write_text("old trouble\n")
    return home


def test_a_backup_restores_on_another_machine_exactly(full_home, tmp_path):
    archive = tmp_path / "paperdeck.tar.gz"
    result = run("backup", archive, home=full_home)
    assert result.returncode == 0, err(result)
    assert out(result).startswith(f"backed up 8 file(s) (5 digest(s)) to {archive}, ")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert names[0] == "manifest.json"
    assert sorted(names[1:]) == sorted(snapshot(full_home))
    assert "reviews.jsonl" in names and "themes/mine.toml" in names
    assert not any(name.startswith("cache") or name == "crash.log" or name.endswith(".lock") for name in names)

    new_home = tmp_path / "new-machine"
    result = run("restore", archive, home=new_home)
    assert result.returncode == 0, err(result)
    assert out(result) == f"restored 8 file(s) (5 digest(s)) from {archive} into {new_home}\n"
    assert snapshot(new_home) == snapshot(full_home)
    for command in (["list", "--json", "--starred"], ["stats", "--json"], ["settings"]):
        # The same papers, state and figures; the papers' sources name the new home's files.
        restored = out(run(*command, home=new_home)).replace(str(new_home), "HOME")
        assert restored == out(run(*command, home=full_home)).replace(str(full_home), "HOME")
    starred = json.loads(out(run("list", "--json", "--starred", home=new_home)))
    assert starred["id"] == VIT


def test_restore_will_not_replace_a_home_in_use_without_force(full_home, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    run("backup", archive, home=full_home)
    other = tmp_path / "other"
    assert run("add", FIXTURES / "2025-06-12.json", home=other).returncode == 0
    run("settings", "new_per_day", "3", home=other)
    before = snapshot(other)
    result = run("restore", archive, home=other)
    assert result.returncode == 2
    assert err(result) == (
        f"paperdeck: {other} already holds store.json, library/; give --force to replace them "
        "(they are moved aside, not deleted)\n"
    )
    assert snapshot(other) == before

    forced = run("restore", "--force", archive, home=other)
    assert forced.returncode == 0, err(forced)
    assert snapshot(other) == snapshot(full_home)
    aside = next(other.glob("replaced-by-restore-*"))
    assert f"what was there before is in {aside}" in out(forced)
    assert snapshot(aside) == before


def test_restore_refuses_while_paperdeck_uses_the_home(full_home, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    run("backup", archive, home=full_home)
    other = tmp_path / "busy"
    run("add", FIXTURES, home=other)
    holder = Store.open(other / "store.json")  # as a running reader holds it
    try:
        before = snapshot(other)
        result = run("restore", "--force", archive, home=other)
        assert result.returncode == 2
        assert "quit it before restoring; nothing changed" in err(result)
        assert snapshot(other) == before
    finally:
        holder.close()


def test_backup_will_not_overwrite_a_file_without_force(full_home, tmp_path):
    archive = tmp_path / "keep.tar.gz"
    archive.write_bytes(b"something else")
    result = run("backup", archive, home=full_home)
    assert (result.returncode, err(result)) == (2, f"paperdeck: {archive} exists; give --force to replace it\n")
    assert archive.read_bytes() == b"something else"
    assert run("backup", "--force", archive, home=full_home).returncode == 0
    assert tarfile.is_tarfile(archive)


def test_backup_of_an_empty_home_says_there_is_nothing(tmp_path):
    result = run("backup", tmp_path / "b.tar.gz", home=tmp_path / "empty")
    assert result.returncode == 2
    assert "has no store and no library: nothing to back up" in err(result)
    assert not (tmp_path / "b.tar.gz").exists()


def _archive(members: dict[str, bytes], manifest: dict | None = "auto") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        if manifest == "auto":
            manifest = {
                "format": "paperdeck-backup",
                "version": 1,
                "files": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
            }
        if manifest is not None:
            members = {"manifest.json": json.dumps(manifest).encode(), **members}
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


GOOD_STORE = b'{"papers": {}, "meta": {}}'


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not an archive at all", "not a paperdeck backup (not a .tar.gz archive)"),
        (_archive({"store.json": GOOD_STORE})[:60], "not a paperdeck backup ("),
        (_archive({"store.json": GOOD_STORE}, manifest=None), "not a paperdeck backup (no manifest.json)"),
        (_archive({"store.json": GOOD_STORE}, manifest={"format": "zip"}), "manifest.json is not one of paperdeck's"),
        (_archive({"../../evil.txt": b"x"}), "not a paperdeck backup: it holds '../../evil.txt'"),
        (_archive({"library/sub/deep.txt": b"x"}), "not a paperdeck backup: it holds 'library/sub/deep.txt'"),
        (_archive({"store.json": b"[1, 2"}), "damaged backup: store.json is not a paperdeck store"),
        (
            _archive(
                {"store.json": GOOD_STORE},
                manifest={"format": "paperdeck-backup", "version": 1, "files": {"store.json": "0" * 64}},
            ),
            "damaged backup: store.json is not what was backed up",
        ),
        (
            _archive({}, manifest={"format": "paperdeck-backup", "version": 1, "files": {"store.json": "0" * 64}}),
            "damaged backup: missing ['store.json'], unexpected nothing",
        ),
        (_archive({}, manifest={"format": "paperdeck-backup", "version": 9, "files": {}}), "a backup of version 9"),
    ],
)
def test_a_bad_archive_is_refused_before_anything_changes(tmp_path, data, message):
    archive = tmp_path / "bad.tar.gz"
    archive.write_bytes(data)
    home = tmp_path / "home"
    run("add", FIXTURES, home=home)
    before = snapshot(home)
    result = run("restore", "--force", archive, home=home)
    assert result.returncode == 2
    assert err(result).startswith("paperdeck: ") and message in err(result)
    assert err(result).endswith("; nothing changed\n") and err(result).count("\n") == 1
    assert snapshot(home) == before
    assert sorted(p.name for p in home.iterdir()) == ["cache", "library"]  # the library index `add` made
    assert_no_traceback(result)


def test_restore_of_a_missing_file_is_a_usage_error(tmp_path):
    result = run("restore", tmp_path / "nope.tar.gz", home=tmp_path / "home")
    assert result.returncode == 2
    assert err(result) == f"paperdeck: {tmp_path / 'nope.tar.gz'}: No such file or directory\n"
