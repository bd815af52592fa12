"""The parse cache: a warm start gives exactly the library a cold one does, and never a stale one."""

from __future__ import annotations

import os
import shutil
from dataclasses import field, fields, make_dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import get_type_hints

import pytest
from conftest import COMMENTARY, HF_MAR_06, HF_OCT_31

from tui.library import cache
from tui.library.cache import cache_key, load_cached, load_library_cached, record_codec, save
from tui.library.files import load_library
from tui.library.merge import Library, tag_index
from tui.model import PAPER_FIELD_NAMES, Paper


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


def every_field_set(cls: type[Paper]) -> Paper:
    """A paper whose every field holds a value of its own, none of them the default."""
    values = {}
    for number, (name, hint) in enumerate(get_type_hints(cls).items(), start=1):
        day = date(2024, 1, 1) + timedelta(days=number)
        values[name] = {
            str: f"{name} {number}",
            str | None: f"{name} {number}",
            int | None: number,
            tuple[str, ...]: (f"{name} {number}", f"{name} {number + 100}"),
            date | None: day,
            tuple[date, ...]: (day, day + timedelta(days=100)),
        }[hint]
    paper = cls(**values)
    assert all(getattr(paper, f.name) != f.default for f in fields(cls))
    return paper


def library_of(paper: Paper) -> Library:
    library = Library(papers={paper.id: paper}, order=[paper.id])
    library.by_date = {day: [paper.id] for day in paper.digest_dates}
    library.by_tag = tag_index([paper])
    return library


def test_every_field_of_a_paper_survives_the_cache(tmp_path):
    cache_file = tmp_path / "library.marshal"
    paper = every_field_set(Paper)
    key = cache_key([], None)
    save(cache_file, key, library_of(paper))
    warm = load_cached(cache_file, key)
    assert warm is not None
    assert warm.papers[paper.id] == paper
    assert (warm.by_date, warm.by_tag) == (library_of(paper).by_date, library_of(paper).by_tag)


def test_the_cache_saves_papers_fields_by_name_in_their_order():
    assert cache._CODEC.fields == PAPER_FIELD_NAMES == tuple(f.name for f in fields(Paper))


def test_a_field_added_to_paper_is_saved_and_read_back_in_its_place():
    added = [("added", str | None, field(default=None)), ("more_days", tuple[date, ...], field(default=()))]
    wider = make_dataclass("WiderPaper", added, bases=(Paper,), slots=True)
    codec = record_codec(wider)
    assert codec.fields == (*PAPER_FIELD_NAMES, "added", "more_days")
    paper = every_field_set(wider)
    assert codec.paper(cache.marshal.loads(cache.marshal.dumps(codec.record(paper)))) == wider(
        **{f.name: "" if f.name == "abstract" else getattr(paper, f.name) for f in fields(wider)}
    )


def test_a_cache_saved_for_other_fields_is_not_used(digests, tmp_path, monkeypatch):
    cache_file = tmp_path / "library.marshal"
    load_library_cached(digests, cache_file)
    wider = make_dataclass("WiderPaper", [("added", str, field(default=""))], bases=(Paper,), slots=True)
    monkeypatch.setattr(cache, "_CODEC", record_codec(wider))
    assert load_cached(cache_file, cache_key(digests, None)) is None
