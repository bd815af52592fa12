"""The `/` filter on an indexed library: its full-text search keeps exactly the papers, in the same
order, that the in-memory engines keep and that the query language's definition keeps."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import REPO, SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui import query as query_module
from tui.library import index_sync
from tui.library.files import digest_files, load_library
from tui.library.index import INDEX_NAME, LibraryIndex
from tui.library.index_sync import fill_search, sync
from tui.library.merge import Library, TextSearch
from tui.model import search_text
from tui.parse import parse_bytes
from tui.query import Matcher, Query, SearchText, parse_query
from tui.state.paper_state import PaperState

SHARED = REPO.parent / "shared" / "digests"
REAL = [*digest_files(SAMPLES), *digest_files(SHARED)]

QUERIES = [
    # words
    "learning",
    "attention",
    "Attention",
    "ATTENTION",
    "sparse attention",
    "token reasoning model",
    "LLM",
    "μP",
    # one and two characters
    "a",
    "z",
    "rl",
    "RL",
    "of",
    "rl a",
    # Korean: words of two syllables, single syllables, longer words, mixed in with English
    "모델",
    "학습",
    "모델 학습",
    "의",
    "다",
    "를",
    "토",
    "레지스터",
    "아웃라이어",
    "Sparse 모델",
    "흥미",
    "토큰",
    # phrases
    '"next token"',
    '"Next-Token Prediction"',
    '"large language models"',
    '"of the"',
    '"a "',
    '" rl"',
    '"모델이 나왔"',
    '"unfinished phrase',
    # tags, from the digests and the user's own
    "tag:rl",
    "#reasoning",
    "TAG:LLM",
    "tag:mine",
    "#mine tag:rl",
    "tag:nosuchtag",
    # states
    "unread",
    "starred",
    "read",
    "read starred",
    "unread attention",
    "starred tag:mine",
    # dates
    "after:2025-10-31",
    "before:2025-10-31",
    "after:2025-07 before:2026-01",
    "on:2025-06",
    "on:2025-10-31",
    "on:2026",
    "on:2024",
    # combinations
    "tag:rl reasoning after:2025-01",
    'unread "language model" on:2026-03',
    "starred a before:2026",
    "read 모델 tag:mine",
    # nothing matches
    "xyzzyplugh",
    "attention xyzzyplugh",
    "쀍",
    # needles holding a double quote
    'dog"',
    'golden"',
    'g"',
    '"dog"',
    'a"b',
]

# Queries that keep some of the sample papers and leave others out, and queries that keep none.
KEEP_SOME = ("모델", "토큰", "의", "다", "rl", '"next token"', "tag:mine", "starred", "on:2025-06", 'dog"', 'g"')
KEEP_NONE = ("xyzzyplugh", "attention xyzzyplugh", "쀍", "tag:nosuchtag", "on:2024")

# A needle, as `papers_with` takes it (already case-folded), holding quotes, spaces or nothing but them.
NEEDLES = [
    ('"',),
    ('""',),
    ('"dog"',),
    ('"golden" rationale',),
    ("'s",),
    (" ",),
    ("  ",),
    ("   ",),
    ("\n",),
    (".\n",),
    ("the", "of", "a"),
    ("모델", "의"),
    ("attention", "xyzzyplugh"),
    ("a" * 40,),
]


class Recorded:
    """A library's text search, remembering the needles it was asked for."""

    def __init__(self, search: TextSearch) -> None:
        self.search = search
        self.asked: list[tuple[str, ...]] = []

    def papers_with(self, needles: tuple[str, ...]) -> set[str]:
        self.asked.append(needles)
        return self.search.papers_with(needles)


def state_lookup(states: dict[str, PaperState]) -> Callable[[str], PaperState]:
    return lambda paper_id: states.get(paper_id, PaperState())


def some_states(library: Library) -> dict[str, PaperState]:
    """Read, starred and user-tagged papers, every few papers, overlapping."""
    states = {}
    for at, paper_id in enumerate(library.order):
        read = "2026-01-02T03:04:05+00:00" if at % 3 == 0 else None
        starred = "2026-01-02T03:04:05+00:00" if at % 5 == 0 else None
        tags = ("mine", "rl") if at % 7 == 0 else ("mine",) if at % 4 == 0 else ()
        if read or starred or tags:
            states[paper_id] = PaperState(read_at=read, starred_at=starred, tags=tags)
    return states


def by_definition(library: Library, query: Query, states: Callable[[str], PaperState]) -> list[str]:
    """The papers the query language keeps, as its description states it, in the library's order."""
    kept = []
    for paper_id in library.order:
        paper, state = library.papers[paper_id], states(paper_id)
        days = paper.digest_dates
        if (
            all(needle in search_text(paper) for needle in query.texts)
            and all(tag in paper.tags or tag in state.tags for tag in query.tags)
            and not ("unread" in query.flags and state.read)
            and not ("read" in query.flags and not state.read)
            and not ("starred" in query.flags and not state.starred)
            and (query.after is None or any(day >= query.after for day in days))
            and (query.before is None or any(day < query.before for day in days))
            and (query.on is None or any(day.isoformat().startswith(query.on) for day in days))
        ):
            kept.append(paper_id)
    return kept


def engines(indexed: Library, scratch: Library, states: Callable[[str], PaperState]):
    """Every way paperdeck filters: each a function of a query to the ids kept."""
    through_index = Matcher(indexed, states)
    prepared = Matcher(scratch, states)
    prepared.prepare()
    per_paper = Matcher(scratch, states)

    def index_search(query: Query) -> list[str]:
        # The full-text search, however few the papers (a library this small would read them).
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(query_module, "INDEX_SEARCH_FROM", 0)
            return Matcher(indexed, states).filter(indexed.order, query)

    return {
        "index search": index_search,
        "index, paper by paper": lambda query: through_index.filter(indexed.order, query),
        "search text": lambda query: prepared.filter(scratch.order, query),
        "paper by paper": lambda query: per_paper.filter(scratch.order, query),
        "definition": lambda query: by_definition(scratch, query, states),
    }


# How the search texts got into the index: in the sync's own transaction, not yet (as a big change
# leaves them), or afterwards by `fill_search`.
SEARCH_TABLES = ("at once", "left for later", "filled later")


def indexed_library(folder: Path, files: list[Path], search: str = "at once") -> tuple[LibraryIndex, Library]:
    index = LibraryIndex(folder / INDEX_NAME)
    assert index.prepare() is None
    with pytest.MonkeyPatch.context() as patch:
        if search != "at once":
            patch.setattr(index_sync, "SEARCH_AT_ONCE", 0)
        sync(index, files)
    waiting = index.connection().execute("SELECT count(*) FROM unsearched").fetchone()[0]
    assert waiting == (0 if search == "at once" else len(index.library()))
    if search == "filled later":
        assert fill_search(index) == waiting
    return index, index.library()


def kept_by_each(engines_by_name: dict, query: Query) -> dict[str, list[str]]:
    return {name: engine(query) for name, engine in engines_by_name.items()}


def disagreements(engines_by_name: dict, queries: list[str]) -> dict[str, dict[str, list[str]]]:
    """The queries on which the engines do not all keep the same ids in the same order, with what each kept."""
    found = {}
    for text in queries:
        kept = kept_by_each(engines_by_name, parse_query(text))
        if len({tuple(ids) for ids in kept.values()}) != 1:
            found[text] = kept
    return found


@pytest.mark.parametrize("search", SEARCH_TABLES)
@pytest.mark.parametrize("files", [REAL[:3], REAL], ids=["samples", "samples and shared"])
def test_every_engine_keeps_the_same_papers_for_every_kind_of_query(tmp_path: Path, files: list[Path], search: str):
    index, indexed = indexed_library(tmp_path, files, search)
    assert indexed.search is not None
    indexed.search = recorded = Recorded(indexed.search)
    scratch = load_library(files)
    each = engines(indexed, scratch, state_lookup(some_states(scratch)))
    assert disagreements(each, QUERIES) == {}
    # The index's engine found the words through its full-text search.
    assert recorded.asked == [parse_query(text).texts for text in QUERIES if parse_query(text).texts]
    # The queries are not vacuous: most keep some papers and leave others out.
    kept = {text: each["index search"](parse_query(text)) for text in QUERIES}
    some = [text for text in QUERIES if 0 < len(kept[text]) < len(scratch)]
    assert len(some) >= len(QUERIES) * 3 // 4
    for text in KEEP_SOME:
        assert 0 < len(kept[text]) < len(scratch), text
    for text in KEEP_NONE:
        assert kept[text] == [], text
    assert kept["attention"] == kept["Attention"] == kept["ATTENTION"]
    assert kept["rl"] == kept["RL"]
    assert kept["a"] == scratch.order  # every abstract holds an "a"
    index.close()


@pytest.mark.parametrize("search", SEARCH_TABLES)
@pytest.mark.parametrize("needles", NEEDLES, ids=[repr(needles) for needles in NEEDLES])
def test_the_index_finds_needles_of_quotes_spaces_and_line_breaks_as_the_search_text_does(
    tmp_path: Path, needles: tuple[str, ...], search: str
):
    index, indexed = indexed_library(tmp_path, REAL[:3], search)
    scratch = load_library(REAL[:3])
    in_memory = SearchText((paper.id, search_text(paper)) for paper in scratch)
    expected = {paper.id for paper in scratch if all(needle in search_text(paper) for needle in needles)}
    assert indexed.search is not None
    assert indexed.search.papers_with(needles) == in_memory.papers_with(needles) == expected
    index.close()


def test_search_follows_the_index_through_changes(tmp_path: Path):
    folder = tmp_path / "library"
    folder.mkdir()
    index = LibraryIndex(tmp_path / INDEX_NAME)
    assert index.prepare() is None
    commentary, march, october = REAL[:3]
    for step, files in enumerate([[commentary, march], [march], [march, october], [october], REAL, [commentary]]):
        # Each set of files laid out in the folder anew, under the same names.
        for path in folder.iterdir():
            path.unlink()
        for source in files:
            copy = folder / f"{source.parent.name}-{source.name}"
            copy.write_bytes(source.read_bytes())
            stamp = (1_767_225_600 + step) * 10**9
            os.utime(copy, ns=(stamp, stamp))
        sync(index, digest_files(folder))
        indexed = index.library()
        scratch = load_library(digest_files(folder))
        each = engines(indexed, scratch, state_lookup(some_states(scratch)))
        assert disagreements(each, QUERIES) == {}, step
    index.close()


# --- made-up papers --------------------------------------------------------------------------------

KOREAN = "가나다라마모델학습의는을를이에서레지스터"
ACCENTED = "éèêüñöçåøÅÉ"
# Letters whose case folding changes their length or meets another letter's: ß -> ss, İ -> i̇,
# ς and Σ -> σ, ﬁ -> fi, K (the Kelvin sign) -> k.
FOLDING = "ßİıΣσςﬁK"
PUNCTUATION = "\"'.,!?:;-"
ENGLISH_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" + ACCENTED + FOLDING
ALL_LETTERS = ENGLISH_LETTERS + KOREAN


def line_of(first: str, rest: str, max_words: int = 6, punctuation: str = PUNCTUATION) -> st.SearchStrategy[str]:
    """A line as a digest writes it: a letter from `first`, then words over `rest`, one space apart."""
    word = st.text(rest + punctuation, min_size=1, max_size=7)
    return st.tuples(st.sampled_from(first), st.text(rest, max_size=5), st.lists(word, max_size=max_words)).map(
        lambda parts: " ".join([parts[0] + parts[1], *parts[2]])
    )


NAME = line_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ", ALL_LETTERS, max_words=1, punctuation="")
NAMES = st.lists(NAME, min_size=1, max_size=3)
MADE_UP_PAPER = st.fixed_dictionaries(
    {
        "title": line_of(ALL_LETTERS, ALL_LETTERS),
        "authors": NAMES.map(tuple),
        "abstract": line_of(ENGLISH_LETTERS, ENGLISH_LETTERS, max_words=12),
        "commentary": st.none() | st.tuples(line_of(KOREAN, ALL_LETTERS), line_of(ENGLISH_LETTERS, ENGLISH_LETTERS)),
        "tags": st.lists(st.sampled_from(["rl", "llm", "vit", "korean-nlp"]), min_size=1, max_size=2, unique=True),
    }
)


def format_a(papers: list[dict]) -> bytes:
    """A commentary digest (Format A) of the papers, as FORMATS.md describes it."""
    lines = ["2025년 6월 11일"]
    for paper in papers:
        lines += [paper["title"], "(" + ", ".join(paper["authors"]) + ")", paper["abstract"]]
        lines += list(paper["commentary"] or ())
        lines.append(" ".join("#" + tag for tag in paper["tags"]))
    return "\n".join(lines).encode()


def meant(paper: dict) -> tuple:
    korean, english = paper["commentary"] or ("", "")
    return paper["title"], paper["authors"], paper["abstract"], korean, english, tuple(paper["tags"])


def needles_from(texts: list[str]) -> st.SearchStrategy[str]:
    """A piece of 1-5 characters of one of the texts, or of none, case-folded as the query folds it."""
    piece = st.sampled_from(texts).flatmap(
        lambda text: st.integers(0, max(len(text) - 1, 0)).flatmap(
            lambda start: st.integers(1, 5).map(lambda size: text[start : start + size])
        )
    )
    made_up = st.text(ALL_LETTERS + PUNCTUATION + " \n", min_size=1, max_size=5)
    return (piece | made_up).filter(bool).map(str.casefold)


examples = itertools.count()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(papers=st.lists(MADE_UP_PAPER, min_size=1, max_size=6), search=st.sampled_from(SEARCH_TABLES), data=st.data())
def test_the_index_keeps_exactly_the_papers_whose_text_holds_every_needle(tmp_path: Path, papers, search, data):
    folder = tmp_path / f"example-{next(examples)}"
    folder.mkdir()
    digest = folder / "2025-06-11.txt"
    digest.write_bytes(format_a(papers))
    parsed = parse_bytes(digest.read_bytes(), str(digest))
    assert [(e.title, e.authors, e.abstract, e.commentary_ko, e.commentary_en, e.tags) for e in parsed.entries] == [
        meant(paper) for paper in papers
    ]
    assert parsed.errors == () and {e.digest_date for e in parsed.entries} == {date(2025, 6, 11)}

    texts = [text for paper in papers for text in meant(paper)[:5] if isinstance(text, str) and text]
    texts += [name for paper in papers for name in paper["authors"]]
    texts += [search_text(paper) for paper in load_library([digest]).papers.values()]  # pieces across fields
    needles = tuple(data.draw(st.lists(needles_from(texts), min_size=1, max_size=3), label="needles"))
    index, indexed = indexed_library(folder, [digest], search)
    scratch = load_library([digest])
    expected = [i for i in scratch.order if all(needle in search_text(scratch.papers[i]) for needle in needles)]
    query = Query(words=needles)
    each = engines(indexed, scratch, lambda _paper_id: PaperState())
    assert indexed.search is not None
    assert indexed.search.papers_with(needles) == set(expected)
    assert kept_by_each(each, query) == dict.fromkeys(each, expected)
    index.close()
