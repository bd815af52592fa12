"""The library index where things go wrong: damaged pages, racing starts, odd file names, unreadable files."""

from __future__ import annotations

import errno
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import COMMENTARY
from test_index import NOTES, SAMPLE_FILES, assert_same_library, assert_searched_as, home_with_samples

from tui.home import Home
from tui.library import index_sync
from tui.library.files import digest_files, load_library
from tui.library.index import INDEX_NAME, LibraryIndex
from tui.library.index_sync import fill_search, sync
from tui.library.opening import open_library
from tui.model import search_text


def test_an_index_damaged_on_any_page_is_rebuilt_not_an_error(tmp_path: Path):
    """Random bytes over one page at a time: opening it never fails; a page found damaged only
    when read (a paper, a tag, the search table) is rebuilt at the next refresh, with a notice."""
    home = home_with_samples(tmp_path)
    open_library(home).close()
    path = home.cache / INDEX_NAME
    clean = path.read_bytes()
    reference = load_library(digest_files(home.library))
    rebuilt_at_open = rebuilt_later = 0
    for page in range(len(clean) // 4096):
        data = bytearray(clean)
        data[page * 4096 : (page + 1) * 4096] = random.Random(page).randbytes(4096)
        path.write_bytes(bytes(data))
        opened = open_library(home)
        library = opened.library
        # Everything a reader or a command may read: each paper, each tag's ids, a search.
        library.papers.get_many(list(library.order))  # type: ignore[attr-defined]
        for tag in library.by_tag:
            library.by_tag[tag]
        library.search.papers_with(("attention",))  # type: ignore[union-attr]
        if opened.notices:
            rebuilt_at_open += 1
        elif opened.index.damage is not None:
            opened.refresh()
            rebuilt_later += 1
        assert_same_library(opened.library, reference)
        assert opened.library.search.papers_with(("attention",)) == {  # type: ignore[union-attr]
            paper.id for paper in reference if "attention" in search_text(paper)
        }
        assert opened.index.damage is None
        assert all("rebuilt" in notice for notice in opened.notices)
        opened.close()
    assert rebuilt_at_open and rebuilt_later  # both ways were taken


OPEN_CHILD = """
import sys
from pathlib import Path
from tui.home import Home
from tui.library.opening import open_library
from tui.model import search_text
opened = open_library(Home(Path(sys.argv[1])))
print(repr(opened.notices))
opened.close()
"""


def test_two_paperdecks_opening_a_new_home_at_once_say_nothing_of_the_index(tmp_path: Path):
    said = []
    for round_ in range(10):
        home = home_with_samples(tmp_path / f"round-{round_}")
        children = [
            subprocess.Popen([sys.executable, "-c", OPEN_CHILD, str(home.root)], stdout=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        said += [child.communicate()[0].strip() for child in children]
    assert said == ["[]"] * 20


def test_a_digest_whose_file_name_is_not_utf8_is_indexed(tmp_path: Path):
    home = Home(tmp_path / "home").ensure()
    (home.library / os.fsdecode(b"caf\xe9-notes.txt")).write_bytes(COMMENTARY.read_bytes())
    opened = open_library(home)
    assert_same_library(opened.library, load_library(digest_files(home.library)))
    opened.close()


def test_a_digest_that_could_not_be_read_is_read_once_it_can_be(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    digest = tmp_path / "2025-06-11.txt"
    digest.write_bytes(COMMENTARY.read_bytes())
    index = LibraryIndex(tmp_path / INDEX_NAME)
    index.prepare()

    def denied(path, *args, **kwargs):  # the file is mode 000 for this user...
        if os.fspath(path) == str(digest):
            raise PermissionError(errno.EACCES, "Permission denied", str(digest))
        return open(path, *args, **kwargs)

    monkeypatch.setattr(index_sync, "open", denied, raising=False)
    sync(index, [digest])
    monkeypatch.undo()  # ...then chmod 644: its size and modification time stay as they were
    sync(index, [digest])
    assert_same_library(index.library(), load_library([digest]))
    index.close()


def test_fill_search_after_a_small_change_to_a_paper_whose_text_is_still_waiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    index = LibraryIndex(tmp_path / INDEX_NAME)
    index.prepare()
    with monkeypatch.context() as patch:
        patch.setattr(index_sync, "SEARCH_AT_ONCE", 10)  # the samples' 176 papers are then a big change
        sync(index, SAMPLE_FILES)
    notes = tmp_path / "a-notes.txt"
    notes.write_text(NOTES, encoding="utf-8")  # a commentary on one of those papers
    sync(index, [*SAMPLE_FILES, notes])  # one paper touched: its new text goes into the search table at once
    fill_search(index)  # sqlite3.IntegrityError: constraint failed (its row is still in `unsearched` too)
    assert_searched_as(index, load_library([*SAMPLE_FILES, notes]))
    index.close()


def test_a_command_that_finds_the_index_damaged_rebuilds_it_and_answers_in_full(tmp_path: Path, capsys):
    """`paperdeck list` over an index damaged on any one page prints the whole library, and says
    so when it had to rebuild the index."""
    from tui.cli.main import main

    home = home_with_samples(tmp_path)
    assert main(["--home", str(home.root), "list"]) == 0
    expected = capsys.readouterr().out
    path = home.cache / INDEX_NAME
    clean = path.read_bytes()
    rebuilt = 0
    for page in range(1, len(clean) // 4096):
        data = bytearray(clean)
        data[page * 4096 : (page + 1) * 4096] = random.Random(page).randbytes(4096)
        path.write_bytes(bytes(data))
        assert main(["--home", str(home.root), "list"]) == 0
        said = capsys.readouterr()
        assert said.out == expected
        rebuilt += "rebuilt" in said.err
        path.write_bytes(clean)
    assert rebuilt
