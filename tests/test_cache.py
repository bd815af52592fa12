"""The parse cache: a warm start gives exactly the library a cold one does, and never a stale one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import COMMENTARY, HF_MAR_06, HF_OCT_31

from tui.library import cache
from tui.library.cache import cache_key, load_cached, load_library_cached
from tui.library.merge import load_library


@pytest.fixture
def digests(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "library"
    folder.mkdir()
    return [Path(shutil.copy2(source, folder / source.name)) for source in (COMMENTARY, HF_MAR_06, HF_OCT_31)]


def snapshot(library):
    return (
        library.papers,
        library.by_date,
        library.by_tag,
        [(r.path, r.format, r.diagnostics) for r in library.results],
    )


def test_warm_start_equals_cold_start(digests, tmp_path):
    cache_file = tmp_path / "cache" / "library.marshal"
    cold = load_library_cached(digests, cache_file)
    assert cache_file.exists()
    warm = load_cached(cache_file, cache_key(digests, None))
    assert warm is not None
    assert snapshot(warm) == snapshot(cold) == snapshot(load_library(digests))


def test_a_warm_library_makes_papers_as_they_are_asked_for(digests, tmp_path):
    cache_file = tmp_path / "library.marshal"
    cold = load_library_cached(digests, cache_file)
    warm = load_cached(cache_file, cache_key(digests, None))
    assert warm is not None and warm.order == cold.order and len(warm.papers) == len(cold.papers)
    some_id = cold.order[17]
    assert some_id in warm.papers and warm.papers[some_id] == cold.papers[some_id]
    assert warm.papers[some_id] is warm.papers[some_id]  # made once, then kept
    assert "0123456789abcdef" not in warm.papers and warm.papers.get("0123456789abcdef") is None
    assert set(warm.papers) == set(cold.papers)


def test_a_changed_file_makes_the_cache_stale(digests, tmp_path):
    cache_file = tmp_path / "library.marshal"
    load_library_cached(digests, cache_file)
    text = digests[0].read_text(encoding="utf-8").replace("Magistral", "Magistral Small")
    digests[0].write_text(text, encoding="utf-8")
    assert load_cached(cache_file, cache_key(digests, None)) is None
    library = load_library_cached(digests, cache_file)
    assert any(p.title == "Magistral Small" for p in library.papers.values())


def test_a_touched_file_added_file_or_other_year_is_a_different_key(digests, tmp_path):
    key = cache_key(digests, None)
    assert cache_key(digests, 2024) != key
    assert cache_key(digests[:2], None) != key
    stat = digests[1].stat()
    os.utime(digests[1], ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert cache_key(digests, None) != key


def test_a_new_parser_version_makes_the_cache_stale(digests, tmp_path, monkeypatch):
    cache_file = tmp_path / "library.marshal"
    load_library_cached(digests, cache_file)
    monkeypatch.setattr(cache, "PARSER_VERSION", cache.PARSER_VERSION + 1)
    assert load_cached(cache_file, cache_key(digests, None)) is None


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", b"\xda\x04\x00\x00"])
def test_a_damaged_cache_is_ignored_and_rewritten(digests, tmp_path, damage):
    cache_file = tmp_path / "library.marshal"
    cache_file.write_bytes(damage)
    library = load_library_cached(digests, cache_file)
    assert len(library) == 176
    assert load_cached(cache_file, cache_key(digests, None)) is not None


def test_a_missing_file_means_no_cache(digests, tmp_path):
    assert cache_key([*digests, tmp_path / "gone.txt"], None) is None


def test_abstracts_can_come_after_the_first_screen(digests, tmp_path):
    cache_file = tmp_path / "library.marshal"
    cold = load_library_cached(digests, cache_file)
    warm = load_cached(cache_file, cache_key(digests, None), abstracts_later=True)
    assert warm is not None and warm.pending_abstracts is not None
    assert all(paper.abstract == "" for paper in warm.papers.values())
    assert warm.pending_abstracts() is True
    assert warm.papers == cold.papers


def test_a_cache_cut_short_in_the_abstracts_is_not_used(digests, tmp_path):
    cache_file = tmp_path / "library.marshal"
    load_library_cached(digests, cache_file)
    whole = cache_file.read_bytes()
    cache_file.write_bytes(whole[:-100])
    assert load_cached(cache_file, cache_key(digests, None)) is None
    assert not cache_file.exists()  # removed, so that the next start parses afresh
    cache_file.write_bytes(whole[:-100])
    later = load_cached(cache_file, cache_key(digests, None), abstracts_later=True)
    assert later is not None and later.pending_abstracts() is False
    assert not cache_file.exists()
