"""Watching the library folder, without a terminal: changes found once settled, the library anew."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

from conftest import COMMENTARY, HF_MAR_06

from tui.home import Home
from tui.library.cache import cache_key, load_cached
from tui.library.files import load_library, read_digest
from tui.library.merge import extended
from tui.library.watch import LibraryWatch
from tui.model import paper_id

FIXTURES = Path(__file__).parent / "fixtures" / "hf-api"
VIT = paper_id("Vision Transformers Don't Need Trained Registers")


def settled(watch: LibraryWatch):
    """Polls as the app does until a change has settled (two polls that agree)."""
    first = watch.poll()
    return first if first is not None else watch.poll()


def test_a_new_file_is_reported_once_it_has_settled(home: Home):
    home.ensure()
    shutil.copy(COMMENTARY, home.library / "a.txt")
    watch = LibraryWatch(home)
    assert watch.poll() is None
    target = home.library / "hf-api-2025-06-11.json"
    target.write_bytes((FIXTURES / "2025-06-11.json").read_bytes()[:100])
    assert watch.poll() is None  # seen once: it may still be being written
    target.write_bytes((FIXTURES / "2025-06-11.json").read_bytes())
    os.utime(target, ns=(1, 1_000_000_000))
    assert watch.poll() is None  # it changed again since
    change = watch.poll()
    assert change is not None and change.only_added
    assert change.added == (target,)
    assert watch.poll() is None  # reported once


def test_changed_removed_and_hidden_files(home: Home):
    home.ensure()
    shutil.copy(COMMENTARY, home.library / "a.txt")
    shutil.copy(HF_MAR_06, home.library / "b.txt")
    watch = LibraryWatch(home)
    (home.library / "b.txt").unlink()
    (home.library / ".c.txt.partial").write_text("half")
    change = settled(watch)
    assert change is not None and change.removed == (home.library / "b.txt",) and not change.only_added
    with open(home.library / "a.txt", "a", encoding="utf-8") as handle:
        handle.write("\n")
    change = settled(watch)
    assert change is not None and change.changed == (home.library / "a.txt",)


def test_the_samples_give_way_to_the_first_digest(home: Home):
    watch = LibraryWatch(home)
    assert watch.poll() is None
    home.ensure()
    shutil.copy(FIXTURES / "2025-06-12.json", home.library / "hf-api-2025-06-12.json")
    change = settled(watch)
    assert change is not None and change.samples_switched and not change.only_added
    library = watch.reload(load_library([COMMENTARY]), change)
    assert len(library) == 2 and list(library.by_date) == [date(2025, 6, 12)]


def test_reload_merges_new_files_into_a_copy_and_saves_the_cache(home: Home):
    home.ensure()
    shutil.copy(COMMENTARY, home.library / COMMENTARY.name)
    watch = LibraryWatch(home)
    before = load_library([home.library / COMMENTARY.name])
    vit_before = before.papers[VIT]
    shutil.copy(FIXTURES / "2025-06-11.json", home.library / "hf-api-2025-06-11.json")
    shutil.copy(FIXTURES / "2025-06-12.json", home.library / "hf-api-2025-06-12.json")
    change = settled(watch)
    after = watch.reload(before, change)
    # The same as parsing everything at once...
    whole = load_library(list(change.files))
    assert after.order == whole.order and after.by_date == whole.by_date and after.by_tag == whole.by_tag
    assert after.papers == whole.papers
    # ...while the library on screen is left as it was.
    assert before.papers[VIT] is vit_before and vit_before.arxiv_id is None and len(before) == 8
    assert after.papers[VIT].arxiv_id == "2506.08010"
    cached = load_cached(home.cache / "library.marshal", cache_key(list(change.files), None))
    assert cached is not None and cached.order == whole.order


def test_extended_matches_a_fresh_parse_for_any_split():
    files = [COMMENTARY, HF_MAR_06, FIXTURES / "2025-06-11.json", FIXTURES / "2025-06-12.json"]
    whole = load_library(files)
    for split in range(len(files)):
        grown = extended(load_library(files[:split]), [read_digest(path) for path in files[split:]])
        assert grown.papers == whole.papers
        assert (grown.order, grown.by_date, grown.by_tag) == (whole.order, whole.by_date, whole.by_tag)
