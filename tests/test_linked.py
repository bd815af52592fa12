"""A folder of notes linked into the library: `add --link`, `--unlink`, `--linked`, and the watched vault."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from test_cli import out, run
from test_watch import Watching

from tui.home import Home
from tui.library.linked import LinkedFolders, note_files
from tui.library.opening import open_library
from tui.library.watch import LibraryWatch
from tui.model import arxiv_paper_id

REGISTERS = """\
https://arxiv.org/abs/2506.01234

*Sparse Registers for Vision Transformers* (Ann Lee, Wei (David) Chen, Bo Li)

> We study why a few tokens in vision transformers carry very large norms.

레지스터 토큰을 학습 없이 추가하는 방법이네요.

<english>
A way to add register tokens without training.
</english>

#vit #semi_supervised_learning
"""
RING = """\
https://arxiv.org/abs/2303.04567

Ring Attention for Very Long Contexts (Cara Diaz, Dev Patel)

긴 컨텍스트를 여러 장치에 나눠 처리하는 방법.

#efficient-attention

# Links

[[250611 Sparse Registers.md]]
"""


# The notes' papers, by the arXiv ids on their first lines.
REGISTERS_ID = arxiv_paper_id("2506.01234")  # Sparse Registers for Vision Transformers
RING_ID = arxiv_paper_id("2303.04567")  # Ring Attention for Very Long Contexts


def make_vault(root: Path) -> Path:
    """A vault as a clone looks: notes in year folders, an editor's hidden folder, a symlink loop."""
    (root / "2025").mkdir(parents=True)
    (root / "2023").mkdir()
    (root / "2025" / "250611 Sparse Registers.md").write_text(REGISTERS, encoding="utf-8")
    (root / "2023" / "230302 RingAttn.md").write_text(RING, encoding="utf-8")
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "workspace.md").write_text("not a note\n", encoding="utf-8")
    (root / "README.txt").write_text("a vault\n", encoding="utf-8")
    os.symlink(root, root / "2025" / "loop")  # a link back up the tree
    return root


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(path): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def test_note_files_are_every_note_in_the_tree_but_hidden_folders_and_symlinked_ones(tmp_path: Path):
    vault = make_vault(tmp_path / "vault")
    assert [Path(name).relative_to(vault).as_posix() for name in note_files(vault)] == [
        "2023/230302 RingAttn.md",
        "2025/250611 Sparse Registers.md",
    ]


def test_a_linked_vault_is_read_where_it_is_and_never_written_to(tmp_path: Path):
    vault = make_vault(tmp_path / "vault")
    home = tmp_path / "home"
    before = snapshot(vault)
    linked = run("add", "--link", vault, home=home)
    assert linked.returncode == 0, linked.stderr
    assert (
        out(linked).splitlines()[-1] == f"linked {vault}: 2 note(s), read where they are; 2 paper(s) in the library now"
    )
    listing = run("list", home=home)
    assert out(listing).splitlines() == [
        f"2025-06-11\t{REGISTERS_ID}\tSparse Registers for Vision Transformers\t#vit #semi_supervised_learning",
        f"2023-03-02\t{RING_ID}\tRing Attention for Very Long Contexts\t#efficient-attention",
    ]
    assert listing.stderr == b""  # the vault is the library: no samples stand in
    assert out(run("add", "--linked", home=home)) == f"{vault}\t2 note(s)\n"
    again = run("add", "--link", vault, home=home)
    assert again.returncode == 0 and out(again).startswith(f"{vault}: linked already\n")
    assert not (home / "library").exists() or not any((home / "library").iterdir())  # nothing copied in
    unlinked = run("add", "--unlink", vault, home=home)
    assert unlinked.returncode == 0 and "no longer in the library (the folder is untouched)" in out(unlinked)
    assert out(run("add", "--linked", home=home)) == "no linked folders (link one with: paperdeck add --link DIR)\n"
    assert snapshot(vault) == before


def test_linking_what_is_not_a_folder_or_unlinking_what_is_not_linked_says_so(tmp_path: Path):
    home = tmp_path / "home"
    missing = run("add", "--link", tmp_path / "nowhere", home=home)
    assert missing.returncode == 2 and missing.stderr.decode().count("\n") == 1
    assert "nowhere: not a folder" in missing.stderr.decode()
    not_linked = run("add", "--unlink", tmp_path, home=home)
    assert not_linked.returncode == 2 and "not a linked folder" in not_linked.stderr.decode()
    both = run("add", "--link", tmp_path, tmp_path / "x.txt", home=home)
    assert both.returncode == 2 and "not both" in both.stderr.decode()


def test_a_linked_folder_that_went_missing_is_listed_as_missing_and_reads_no_notes(tmp_path: Path):
    vault = make_vault(tmp_path / "vault")
    home = Home(tmp_path / "home")
    assert LinkedFolders(home).link(vault)
    (vault / "2025" / "loop").unlink()
    for path in sorted(vault.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    vault.rmdir()
    assert out(run("add", "--linked", home=home.root)) == f"{vault}\tmissing: its notes are not read\n"
    opened = open_library(home)
    assert opened.showing_samples  # nothing left of the user's: the samples stand in
    opened.close()


def test_a_note_pulled_into_a_linked_vault_is_notified_and_taken_in(tmp_path: Path, monkeypatch):
    import tui.library.watch

    monkeypatch.setattr(tui.library.watch, "CHECK_MS", 100)
    vault = make_vault(tmp_path / "vault")
    home = Home(tmp_path / "home")
    LinkedFolders(home).link(vault)
    opened = open_library(home)
    watch = LibraryWatch(opened)
    watching = Watching(watch)
    try:
        watching.ready()
        assert watch.how == "notifications"
        note = vault / "2025" / "251230 New One.md"
        note.write_text("https://arxiv.org/abs/2512.00001\n\n새 논문이네요.\n\n#new\n", encoding="utf-8")
        watching.notified()
        report = watch.refresh()
        assert report is not None and report.added == (str(note),)
        paper = opened.library.papers[arxiv_paper_id("2512.00001")]
        assert paper.title == "New One"  # no title line: the file name's title
        assert paper.digest_dates == (date(2025, 12, 30),) and paper.arxiv_id == "2512.00001"
        assert paper.tags == ("new",) and paper.commentary_ko == "새 논문이네요."
        # A note in a new year's folder: a file made at once in a folder just made may come before
        # the folder is watched, and the look the reader takes at every word (a quiet while
        # included) takes it in all the same.
        (vault / "2026").mkdir()
        newer = vault / "2026" / "260105 Newer.md"
        newer.write_text("https://arxiv.org/abs/2601.00002\n\n#new\n", encoding="utf-8")
        assert watching.next() is not None
        report = watch.refresh()
        assert report is not None and report.added == (str(newer),)
        # A change inside the editor's hidden folder is no change of the library.
        (vault / ".obsidian" / "workspace.md").write_text("moved a pane\n", encoding="utf-8")
        assert watch.refresh() is None
    finally:
        watching.stop()


BLOCKWISE = """\
https://arxiv.org/abs/2301.00001

Blockwise Attention (Ed Wu)

블록 단위 어텐션. [[2025/250611 sparse registers|the registers note]] 도 보세요.

#efficient-attention
"""
BLOCKWISE_ID = arxiv_paper_id("2301.00001")


def vault_with_links(tmp_path: Path) -> Path:
    vault = make_vault(tmp_path / "vault")
    (vault / "2023" / "230115 Blockwise Attention.md").write_text(BLOCKWISE, encoding="utf-8")
    return vault


def test_wiki_links_relate_papers_both_ways_in_the_index_as_from_scratch(tmp_path: Path):
    from tui.library.files import load_library

    vault = vault_with_links(tmp_path)
    home = Home(tmp_path / "home")
    LinkedFolders(home).link(vault)
    opened = open_library(home)
    library = opened.library
    scratch = load_library([Path(name) for name in note_files(vault)])
    ring, blockwise, registers = RING_ID, BLOCKWISE_ID, REGISTERS_ID
    # RingAttn links to Sparse Registers and to a note that is not there (kept as text, relates
    # nothing); Blockwise links to Sparse Registers in another case, folder and with an alias.
    assert library.related(ring) == [registers]
    assert library.related(blockwise) == [registers]
    assert library.related(registers) == [blockwise, ring]  # linked to from both, in path order
    for paper in (ring, blockwise, registers):
        assert library.related(paper) == scratch.related(paper)
    assert library.papers[ring].note_links == ("250611 Sparse Registers",)
    opened.close()


async def test_the_detail_shows_linked_papers_first_each_a_key_away_and_r_offers_more(tmp_path: Path):
    from tui.state.store import Store
    from tui.ui.app import PaperdeckApp

    vault = vault_with_links(tmp_path)
    home = Home(tmp_path / "home")
    LinkedFolders(home).link(vault)
    opened = open_library(home)
    store = Store.open(home.store)
    app = PaperdeckApp(opened.library, home=home, store=store)
    registers = REGISTERS_ID
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        papers = app.screen.query_one("#papers")
        assert papers.current == registers  # the newest note
        await app.workers.wait_for_complete()
        await pilot.pause()
        detail = app.screen.query_one("#detail").text
        linked = "  linked in your notes\n"
        assert f"! Blockwise Attention{linked}@ Ring Attention for Very Long Contexts{linked}" in detail
        await pilot.press("R")
        await pilot.pause()
        await pilot.press("down", "enter")  # the second: Ring Attention
        await pilot.pause()
        assert papers.current == RING_ID
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert f"! Sparse Registers for Vision Transformers{linked}" in app.screen.query_one("#detail").text
        await pilot.press("exclamation_mark")  # one key back to it
        await pilot.pause()
        assert papers.current == registers
    store.close()
    opened.close()


def test_check_json_of_a_vault_gives_each_paper_its_related_ones_last(tmp_path: Path):
    import orjson

    vault = vault_with_links(tmp_path)
    result = run("check", "--json", vault, home=tmp_path / "home")
    # The vault's README.txt is a .txt of the folder, so a digest to check: it is not one.
    assert result.returncode == 1 and b"README.txt:1: error: not a digest" in result.stderr
    papers = {paper["title"]: paper for paper in map(orjson.loads, result.stdout.splitlines())}
    assert list(papers["Blockwise Attention"])[-2:] == ["note_links", "related"]
    registers = REGISTERS_ID
    assert papers["Ring Attention for Very Long Contexts"]["related"] == [registers]
    assert papers["Blockwise Attention"]["related"] == [registers]
    assert papers["Sparse Registers for Vision Transformers"]["related"] == [
        BLOCKWISE_ID,
        RING_ID,
    ]
    assert result.stderr.decode().endswith("4 file(s), 3 paper(s), 1 error(s), 0 warning(s)\n")
