"""The library: papers merged across files and formats, date and tag indexes, sample fallback."""

from __future__ import annotations

from dataclasses import astuple, fields, replace
from datetime import date
from pathlib import Path
from typing import get_type_hints

from conftest import COMMENTARY, HF_MAR_06, HF_OCT_31, SAMPLES
from hypothesis import given
from hypothesis import strategies as st

from tui.home import Home
from tui.library.files import library_files, load_library
from tui.library.merge import Library, merge_entry, paper_from_entry
from tui.model import PAPER_FIELDS, DigestEntry, Merge, Paper, paper_id

# The commentary digest writes about a paper that the March 6th page lists too, with the title
# spelled a little differently, and about one the page does not have.
SEEN_TWICE = """\
2026년 3월 7일
FocusUI -- efficient UI grounding via position-preserving visual token selection
(Ann Lee, Bo Li)
A shorter abstract.
UI 그라운딩 논문.
A paper on UI grounding.
#gui #agents
Only In The Notes
(Cy Young)
An abstract.
메모에만 있는 논문.
A paper only in the notes.
#gui
"""


def test_sample_library_counts_and_indexes():
    library = load_library([COMMENTARY, HF_MAR_06, HF_OCT_31])
    # Two papers of the October page are on the March page too.
    assert len(library) == 8 + 49 + 121 - 2
    assert list(library.by_date) == [date(2026, 3, 6), date(2025, 10, 31), date(2025, 6, 11)]
    assert [len(ids) for ids in library.by_date.values()] == [49, 121, 8]
    # Tags sorted by count, then name.
    assert list(library.by_tag)[:2] == ["reasoning", "rl"]
    assert len(library.by_tag["reasoning"]) == 3
    assert library.by_tag["vit"] == [paper_id("Vision Transformers Don't Need Trained Registers")]


def test_paper_on_two_sample_pages_is_merged():
    library = load_library([HF_MAR_06, HF_OCT_31])
    paper = library.papers[paper_id("MiniMax-M1: Scaling Test-Time Compute Efficiently with Lightning Attention")]
    assert paper.digest_dates == (date(2025, 10, 31), date(2026, 3, 6))
    assert list(paper.sources) == [f"{HF_MAR_06}:157", f"{HF_OCT_31}:621"]
    assert paper.id in library.by_date[date(2025, 10, 31)] and paper.id in library.by_date[date(2026, 3, 6)]
    # Listed once, under its newest digest date.
    assert [p.id for p in library.sorted_papers()].count(paper.id) == 1


def test_sorted_papers_newest_digest_first_in_digest_order():
    library = load_library([COMMENTARY, HF_MAR_06])
    papers = library.sorted_papers()
    assert papers[0].title.startswith("TL-Training")
    assert papers[49].title == "Vision Transformers Don't Need Trained Registers"


def test_same_paper_in_both_formats_is_one_paper(tmp_path: Path):
    # Sightings merge in the order of their files' paths, whatever order the files are given in.
    page = tmp_path / "a-page.txt"
    page.write_bytes(HF_MAR_06.read_bytes())
    notes = tmp_path / "b-notes.txt"
    notes.write_text(SEEN_TWICE, encoding="utf-8")
    library = load_library([notes, page])
    assert len(library) == 49 + 1
    paper = library.papers[paper_id("FocusUI: Efficient UI Grounding via Position-Preserving Visual Token Selection")]
    # The fullest of the titles; these two are as full (they differ in case and punctuation
    # only), and on a tie the first sighting's spelling stays.
    assert paper.title == "FocusUI: Efficient UI Grounding via Position-Preserving Visual Token Selection"
    assert paper.digest_dates == (date(2026, 3, 6), date(2026, 3, 7))
    assert [s.rsplit(":", 1)[0] for s in paper.sources] == [str(page), str(notes)]
    assert paper.org == "Show Lab" and paper.authors == ("Ann Lee", "Bo Li")
    assert paper.authors_count == 2
    assert paper.upvotes == 2 and paper.published == date(2026, 1, 7)
    assert paper.abstract.startswith("Vision-Language Models")  # the longer abstract wins
    assert (paper.commentary_ko, paper.commentary_en) == ("UI 그라운딩 논문.", "A paper on UI grounding.")
    assert paper.tags == ("gui", "agents")
    assert library.by_date[date(2026, 3, 7)] == [paper.id, paper_id("Only In The Notes")]
    assert library.by_tag["gui"][0] == paper.id


def test_two_commentaries_on_one_paper_are_both_kept(tmp_path: Path):
    first = tmp_path / "a.txt"
    second = tmp_path / "b.txt"
    first.write_text(SEEN_TWICE, encoding="utf-8")
    second.write_text(
        SEEN_TWICE.replace("2026년 3월 7일", "2026년 3월 9일").replace("A paper on UI", "Again UI"), encoding="utf-8"
    )
    library = load_library([first, second])
    paper = library.papers[paper_id("FocusUI efficient UI grounding via position preserving visual token selection")]
    assert paper.commentary_en == "A paper on UI grounding.\n\nAgain UI grounding."
    assert paper.commentary_ko == "UI 그라운딩 논문."  # identical text is not repeated
    assert len(paper.sources) == 2


def test_unreadable_file_becomes_an_error_not_an_exception(tmp_path: Path):
    library = load_library([tmp_path / "missing.txt", COMMENTARY])
    assert len(library) == 8
    [error] = library.diagnostics
    assert str(error) == f"{tmp_path / 'missing.txt'}: error: cannot read: No such file or directory"


def test_empty_home_shows_the_bundled_samples(home: Home):
    files, showing_samples = library_files(home)
    assert showing_samples
    assert sorted(f.name for f in files) == sorted(p.name for p in SAMPLES.iterdir())


def test_home_library_and_extra_paths_replace_the_samples(home: Home, tmp_path: Path):
    home.ensure()
    mine = home.library / "2025-06-11.txt"
    mine.write_bytes(COMMENTARY.read_bytes())
    (home.library / "readme.md").write_text("not a digest")
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "page.txt").write_bytes(HF_MAR_06.read_bytes())
    files, showing_samples = library_files(home, [extra])
    assert not showing_samples
    assert files == [mine, extra / "page.txt"]


def test_library_from_no_results_is_empty():
    library = Library.from_results([])
    assert (len(library), library.by_date, library.by_tag) == (0, {}, {})


# Each rule as `Merge` states it, applied to the value kept so far and the next sighting's.
RULES = {
    Merge.KEEP: lambda kept, new: kept,
    Merge.FIRST: lambda kept, new: kept or new,
    Merge.LONGEST: lambda kept, new: new if len(new) > len(kept) else kept,
    Merge.MOST: lambda kept, new: max((n for n in (kept, new) if n is not None), default=None),
    Merge.JOINED: lambda kept, new: kept if not new or new == kept else (f"{kept}\n\n{new}" if kept else new),
    Merge.UNION: lambda kept, new: tuple(dict.fromkeys((*kept, *new))),
    Merge.DATES: lambda kept, new: tuple(sorted({*kept, new})) if new else kept,
    Merge.SIGHTINGS: lambda kept, new: (*kept, new),
}
FIRST_SIGHTING = {Merge.DATES: lambda day: (day,) if day else (), Merge.SIGHTINGS: lambda value: (value,)}

# Few distinct values, so that sightings often agree, overlap or tie.
WORDS = st.sampled_from(["", "a", "b", "ab"])
VALUES = {
    str: WORDS,
    str | None: st.none() | WORDS,
    int | None: st.none() | st.integers(0, 3),
    tuple[str, ...]: st.lists(WORDS, max_size=3).map(tuple),
    date | None: st.none() | st.dates(date(2025, 1, 1), date(2025, 1, 4)),
}
ENTRIES = st.builds(DigestEntry, **{name: VALUES[hint] for name, hint in get_type_hints(DigestEntry).items()})


def by_the_rules(entries: list[DigestEntry]) -> Paper:
    first, *later = entries
    values = {
        f.name: FIRST_SIGHTING.get(f.merge, lambda value: value)(getattr(first, f.entry_field)) for f in PAPER_FIELDS
    }
    for entry in later:
        for f in PAPER_FIELDS:
            values[f.name] = RULES[f.merge](values[f.name], getattr(entry, f.entry_field))
    return Paper(**values)


def test_every_merge_rule_is_stated():
    assert set(RULES) == set(Merge)


@given(st.lists(ENTRIES, min_size=1, max_size=4))
def test_entries_merge_by_each_fields_rule(entries):
    entries = [replace(entry, id=entries[0].id) for entry in entries]
    paper = paper_from_entry(entries[0])
    for entry in entries[1:]:
        merge_entry(paper, entry)
    assert astuple(paper) == astuple(by_the_rules(entries))


def test_a_paper_from_one_entry_has_every_value_of_it():
    unlike_a_default = {
        str: lambda name: name,
        str | None: lambda name: name,
        int | None: len,
        tuple[str, ...]: lambda name: (name, name.upper()),
        date | None: lambda name: date(2025, 1, len(name)),
    }
    entry = DigestEntry(**{name: unlike_a_default[hint](name) for name, hint in get_type_hints(DigestEntry).items()})
    paper = paper_from_entry(entry)
    assert paper == by_the_rules([entry])
    assert all(getattr(paper, f.name) != f.default for f in fields(Paper))
