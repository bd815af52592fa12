"""The library index under what other processes, other versions and the machine do to it:
a rebuild others read through, a rebuild with another --year, a full disk, no folder to write,
odd text, a paper gone while the reader shows it, private copies left behind."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_index import MADE_UP, MAKE_CORPUS, NOTES, assert_same_library, home_with_samples, log_lines

from tui.home import Home
from tui.library.files import digest_files, load_library
from tui.library.index import INDEX_NAME, LibraryIndex, is_damage
from tui.library.merge import Library
from tui.library.opening import open_library
from tui.library.records import RecordDamaged
from tui.model import arxiv_paper_id, paper_id
from tui.parse import PARSER_VERSION
from tui.state.store import Store
from tui.ui.app import PaperdeckApp

# Opens the home argv[1] (with --year argv[2] unless it is "-"), printing each progress step,
# then what opening it said, then "done".
OPEN_CHILD = """
import sys
from pathlib import Path
from tui.home import Home
from tui.library.opening import open_library

year = None if sys.argv[2] == "-" else int(sys.argv[2])
opened = open_library(
    Home(Path(sys.argv[1])), year=year, progress=lambda done, total: print(done, total, flush=True)
)
print("notices", repr(opened.notices), flush=True)
opened.close()
print("done", flush=True)
"""


def run_open_child(home: Home, year: int | None = None) -> list[str]:
    """open_library in another process; returns its notices."""
    child = subprocess.run(
        [sys.executable, "-c", OPEN_CHILD, str(home.root), "-" if year is None else str(year)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 0, child.stderr
    [said] = [line for line in child.stdout.splitlines() if line.startswith("notices ")]
    return eval(said.removeprefix("notices "))


def set_meta(path: Path, key: str, value: object) -> None:
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
    db.close()


def meta(path: Path) -> dict:
    db = sqlite3.connect(path)
    found = dict(db.execute("SELECT key, value FROM meta"))
    db.close()
    return found


def deleted(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def shape(library: Library) -> tuple[int, int, int, int]:
    """Papers, ids in date order, days, and tag memberships: what a partial index would get wrong."""
    return len(library), len(library.order), len(library.by_date), sum(library.tag_sizes.values())


def read_fresh(path: Path) -> tuple[int, int, int, int]:
    index = LibraryIndex(path)
    try:
        return shape(index.library())
    finally:
        index.close()


# --- an outdated index is made anew in one transaction ---------------------------------------------


def test_an_index_of_another_version_is_made_anew_while_others_read_the_old_one(tmp_path: Path):
    corpus = tmp_path / "corpus"
    command = [sys.executable, str(MAKE_CORPUS), "--papers", "6000", "--out", str(corpus), "--seed", "5"]
    subprocess.run(command, check=True, capture_output=True)
    files = digest_files(corpus)
    assert len(files) >= 150
    home = Home(tmp_path / "home").ensure()
    old_files = files[:110]
    for source in old_files:
        shutil.copy2(source, home.library / source.name)
    open_library(home).close()
    path = home.cache / INDEX_NAME
    old = read_fresh(path)
    assert old == shape(load_library(digest_files(home.library)))
    for source in files[110:]:
        shutil.copy2(source, home.library / source.name)
    set_meta(path, "parser", PARSER_VERSION - 1)
    new = shape(load_library(digest_files(home.library)))
    assert old != new and old[0] and new[0]

    parsing = len(files)  # progress steps up to here parse; later ones merge, in the write transaction
    log = tmp_path / "open.log"
    with open(log, "wb") as out, open(log.with_suffix(".err"), "wb") as err:
        child = subprocess.Popen([sys.executable, "-c", OPEN_CHILD, str(home.root), "-"], stdout=out, stderr=err)

    def merging() -> tuple[int, int] | None:
        """The last merge step the child printed, if it is merging and not done."""
        steps = [(int(line[0]), int(line[1])) for line in log_lines(log) if line and line[0].isdigit()]
        last = steps[-1] if steps else None
        if last is None or last[0] <= parsing or any(line[0] == "notices" for line in log_lines(log)):
            return None
        return last

    seen: list[tuple[int, int, int, int]] = []
    inside: list[tuple[int, int, int, int]] = []  # read while the child's transaction was open, for sure
    deadline = time.monotonic() + 30
    while child.poll() is None and time.monotonic() < deadline:
        before = merging()
        now = read_fresh(path)
        after = merging()
        seen.append(now)
        if before is not None and after is not None and after[0] < after[1]:
            inside.append(now)  # the last batch was not even merged when this read ended
    assert child.wait(timeout=30) == 0, log.with_suffix(".err").read_text()
    seen.append(read_fresh(path))
    assert set(seen) <= {old, new}, set(seen) - {old, new}
    assert inside and set(inside) == {old}
    assert seen[-1] == new
    notices = eval(" ".join(next(line for line in log_lines(log) if line[0] == "notices")[1:]))
    assert notices == ["The library index is rebuilt from the digests: the digest parsers changed."]
    again = open_library(home)
    assert again.notices == [] and not again.report.changed_anything
    assert_same_library(again.library, load_library(digest_files(home.library)))
    again.close()


def test_the_generation_only_grows(tmp_path: Path):
    home = home_with_samples(tmp_path)
    path = home.cache / INDEX_NAME
    first = open_library(home)
    generations = [first.index.generation]
    assert first.library.generation == generations[0] > 0
    first.close()

    deleted(path)
    remade = open_library(home)
    assert remade.notices == []
    generations.append(remade.index.generation)
    remade.close()

    set_meta(path, "parser", PARSER_VERSION - 1)
    rebuilt = open_library(home)
    assert rebuilt.notices == ["The library index is rebuilt from the digests: the digest parsers changed."]
    generations.append(rebuilt.index.generation)
    assert rebuilt.library.generation == generations[-1]
    assert_same_library(rebuilt.library, load_library(digest_files(home.library)))
    rebuilt.close()
    assert generations[0] < generations[1] < generations[2], generations


def test_another_paperdeck_remaking_the_index_with_another_year_meanwhile(tmp_path: Path):
    home = home_with_samples(tmp_path)
    path = home.cache / INDEX_NAME
    opened = open_library(home)
    assert_same_library(opened.library, load_library(digest_files(home.library)))
    assert run_open_child(home, year=2024) == [
        "The library index is rebuilt from the digests: the --year option changed."
    ]
    assert meta(path)["year"] == 2024

    (home.library / "made-up-page.txt").write_bytes(MADE_UP[0])  # a Daily Papers page: its dates need a year
    files = digest_files(home.library)
    assert list(load_library(files, year=2024).by_date) != list(load_library(files).by_date)
    opened.refresh()
    assert meta(path)["year"] == 2024
    shared = LibraryIndex(path)
    current = shared.library()
    assert_same_library(current, load_library(files, year=2024))
    assert_same_library(opened.library, current)
    shared.close()
    opened.close()


# --- odd text -------------------------------------------------------------------------------------

# JSON escapes of lone surrogates, as a server's broken emoji can leave them.
API_ITEMS = """[{"paper": {"id": "2506.55555", "title": "Lone \\ud83d Surrogates in Quokka Titles \\udc80",
 "summary": "We study quokkamorphic encoders \\udc80 and their \\ud83d broken escapes.",
 "authors": [{"name": "Ann \\udc80 Lee"}], "publishedAt": "2025-06-11T17:59:23.000Z",
 "ai_summary": "Quokkas \\ud83d again.", "ai_keywords": ["bro\\udc80ken", "\\ud83d emoji", "plain"]},
 "publishedAt": "2025-06-12T02:11:10.000Z"}]"""
EXPORT = """{"format": "paperdeck-export", "version": 1, "papers": [
    {
        "title": "Wombat Tags \\udc80 Everywhere", "abstract": "Wombatish \\ud83d text.",
        "tags": ["wom\\udc80bat", "\\ud83d"], "digest_dates": ["2025-06-12"]
    }
]}"""


def test_text_with_lone_surrogates_is_indexed_searched_and_tagged(tmp_path: Path):
    assert "\ud83d" in json.loads(API_ITEMS)[0]["paper"]["title"]  # the escapes, not the characters
    home = Home(tmp_path / "home").ensure()
    (home.library / "2025-06-12.json").write_text(API_ITEMS, encoding="ascii")
    (home.library / "export.json").write_text(EXPORT, encoding="ascii")
    files = digest_files(home.library)
    reference = load_library(files)
    quokka = arxiv_paper_id("2506.55555")  # keyed by its arXiv id
    wombat = paper_id("Wombat Tags \udc80 Everywhere")
    assert set(reference.papers) == {quokka, wombat}
    assert reference.papers[quokka].title == "Lone \ud83d Surrogates in Quokka Titles \udc80"
    assert reference.papers[quokka].auto_tags == ("bro\udc80ken", "\ud83d-emoji", "plain")
    assert dict(reference.by_tag) == {"\ud83d": [wombat], "wom\udc80bat": [wombat]}

    for round_ in ("made", "read again"):
        opened = open_library(home)
        assert opened.notices == [], round_
        assert opened.report.changed_anything == (round_ == "made")
        library = opened.library
        assert_same_library(library, reference)
        assert library.papers[quokka].abstract == reference.papers[quokka].abstract
        assert library.search.papers_with(("quokkamorphic",)) == {quokka}  # type: ignore[union-attr]
        assert library.search.papers_with(("encoders",)) == {quokka}  # type: ignore[union-attr]
        assert library.search.papers_with(("wombatish",)) == {wombat}  # type: ignore[union-attr]
        assert library.by_tag["wom\udc80bat"] == [wombat] and library.by_tag["\ud83d"] == [wombat]
        assert opened.index.damage is None
        opened.close()


# --- a full disk, and no folder to write in --------------------------------------------------------


class FullDisk:
    """A connection whose first change fails as SQLite fails on a full disk."""

    def __init__(self, db: sqlite3.Connection, failed: list[bool]) -> None:
        self._db = db
        self._failed = failed

    def _check(self, sql: str) -> None:
        if not self._failed and sql.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE", "DROP"):
            self._failed.append(True)
            raise sqlite3.OperationalError("database or disk is full")

    def execute(self, sql: str, *args):
        self._check(sql)
        return self._db.execute(sql, *args)

    def executemany(self, sql: str, *args):
        self._check(sql)
        return self._db.executemany(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self._db, name)


def test_a_full_disk_is_not_damage_the_shared_index_is_left_as_it_was(tmp_path: Path, monkeypatch):
    home = home_with_samples(tmp_path)
    shared = home.cache / INDEX_NAME
    open_library(home).close()
    assert not Path(f"{shared}-wal").exists()
    kept = shared.read_bytes()
    old_files = digest_files(home.library)
    (home.library / "a-notes.txt").write_text(NOTES, encoding="utf-8")
    files = digest_files(home.library)

    failed: list[bool] = []
    real_writing = LibraryIndex.writing

    @contextmanager
    def writing(self):
        with real_writing(self) as db:
            yield FullDisk(db, failed) if self.path == shared else db

    monkeypatch.setattr(LibraryIndex, "writing", writing)
    opened = open_library(home)
    monkeypatch.undo()
    assert failed == [True]
    assert len(opened.notices) == 1
    assert str(shared) in opened.notices[0] and "database or disk is full" in opened.notices[0]
    assert "rebuilt" not in opened.notices[0]
    assert opened.private and opened.index.path != shared
    assert_same_library(opened.library, load_library(files))
    opened.close()
    assert shared.read_bytes() == kept
    assert sorted(p.name for p in home.cache.iterdir()) == [INDEX_NAME]
    untouched = LibraryIndex(shared)
    assert_same_library(untouched.library(), load_library(old_files))
    untouched.close()
    again = open_library(home)
    assert again.notices == [] and again.report.added == (str(home.library / "a-notes.txt"),)
    assert_same_library(again.library, load_library(files))
    again.close()


def real_error(path: Path, query: str) -> sqlite3.DatabaseError:
    db = sqlite3.connect(path)
    try:
        db.execute(query).fetchall()
    except sqlite3.DatabaseError as exc:
        return exc
    finally:
        db.close()
    raise AssertionError(f"{path} read without an error")


def test_what_counts_as_damage(tmp_path: Path):
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"these bytes are no database at all. " * 300)
    not_a_database = real_error(garbage, "SELECT * FROM sqlite_master")
    assert "file is not a database" in str(not_a_database)

    broken = tmp_path / "broken.sqlite3"
    db = sqlite3.connect(broken)
    with db:
        db.execute("CREATE TABLE t (x)")
        db.executemany("INSERT INTO t VALUES (?)", [(b"x" * 500,) for _ in range(1000)])
    db.close()
    data = bytearray(broken.read_bytes())
    data[4096:8192] = bytes(4096)  # the table's root page
    broken.write_bytes(bytes(data))
    malformed = real_error(broken, "SELECT count(*) FROM t")
    assert "database disk image is malformed" in str(malformed)

    assert is_damage(not_a_database) and is_damage(malformed)
    assert is_damage(RecordDamaged("a saved value does not read back"))
    assert not is_damage(sqlite3.OperationalError("database is locked"))
    assert not is_damage(sqlite3.OperationalError("database or disk is full"))
    assert not is_damage(OSError(28, "No space left on device"))


def tree(root: Path) -> dict[str, bytes | None]:
    return {
        str(path.relative_to(root)): None if path.is_dir() else path.read_bytes() for path in sorted(root.rglob("*"))
    }


def test_no_index_anywhere_is_one_line_and_exit_1(tmp_path: Path, monkeypatch, capsys):
    from tui.cli.main import main

    home = home_with_samples(tmp_path)
    assert Store.open(home.store).close()  # a home used before
    home.cache.write_bytes(b"a file where the cache folder should be\n")
    nowhere = tmp_path / "no-such-folder"
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(nowhere))
    before = tree(home.root)
    capsys.readouterr()
    assert main(["--home", str(home.root), "list"]) == 1
    said = capsys.readouterr()
    assert said.out == ""
    lines = said.err.splitlines()
    assert len(lines) == 1, said.err
    assert lines[0].startswith(f"paperdeck: no library index can be made in {nowhere}"), lines
    assert "Traceback" not in said.err
    assert tree(home.root) == before
    assert not nowhere.exists()


# --- a paper gone from the index while the reader shows it -------------------------------------------


async def test_papers_removed_by_another_paperdeck_render_blank_in_the_running_reader(tmp_path: Path):
    home = home_with_samples(tmp_path)
    opened = open_library(home)
    store = Store.open(home.store)
    try:
        app = PaperdeckApp(opened.library, home=home, store=store, showing_samples=opened.showing_samples)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            papers = app.screen.query_one("#papers")
            shown = list(papers.paper_ids)
            assert shown == opened.library.order and len(shown) > 100

            read_before = set(opened.library.papers._made)  # type: ignore[attr-defined]
            other = open_library(home)
            gone_file = home.library / "hf-daily-papers-oct-31.txt"
            gone_file.unlink()
            other.refresh()
            assert_same_library(other.library, load_library(digest_files(home.library)))
            vanished = set(shown) - set(other.library.papers)
            assert len(vanished) > 100
            other.close()

            # A screen of the removed digest's papers, below the first screen of the list.
            first_gone = min(shown.index(paper) for paper in vanished)
            await pilot.press(*"jjjjj")
            papers.cursor = first_gone + 2 * papers.scrollable_content_region.height
            await pilot.pause()
            assert app.is_running
            top = papers.scroll_offset.y
            rows = range(top, min(top + papers.scrollable_content_region.height, len(shown)))
            assert papers.cursor in rows
            texts = {shown[row]: papers.render_line(row - top).text.strip() for row in rows}
            unread_before = [paper for paper in texts if paper in vanished and paper not in read_before]
            assert len(unread_before) > 10
            assert all(texts[paper] == "" for paper in unread_before)
            assert all(texts[paper] for paper in texts if paper not in vanished)
            assert shown[papers.cursor] in vanished
            await pilot.press("j", "pagedown", "G", "k", "g")
            await pilot.pause()
            assert app.is_running and app.screen.query_one("#papers") is papers
    finally:
        store.close()
        opened.close()


# --- private copies left behind ---------------------------------------------------------------------


def test_private_copies_of_killed_processes_are_deleted_and_live_ones_kept(tmp_path: Path):
    home = home_with_samples(tmp_path)
    home.cache.mkdir()
    with pytest.raises(ProcessLookupError):
        os.kill(999999, 0)
    dead = [home.cache / "index-999999-leftover.sqlite3", home.cache / "index-999999-leftover.sqlite3-wal"]
    alive = [
        home.cache / f"index-{os.getpid()}-leftover.sqlite3",
        home.cache / f"index-{os.getpid()}-leftover.sqlite3-wal",
    ]
    for path in dead + alive:
        path.write_bytes(b"a private copy\n")
    opened = open_library(home)
    assert opened.notices == []
    opened.close()
    assert not any(path.exists() for path in dead)
    assert all(path.read_bytes() == b"a private copy\n" for path in alive)
    assert sorted(p.name for p in home.cache.iterdir()) == sorted([INDEX_NAME, *(p.name for p in alive)])
