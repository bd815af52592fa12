"""The `/` filter: parsing the query language and matching papers, Korean included."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import COMMENTARY, HF_MAR_06, HF_OCT_31
from hypothesis import given
from hypothesis import strategies as st

from tui.library.files import load_library
from tui.query import Matcher, Query, QueryError, SearchText, parse_query
from tui.state.paper_state import PaperState


def test_parse_every_kind_of_term():
    query = parse_query('Sparse  "Next Token" tag:RL #llm unread STARRED due after:2025-06 before:2026-01-02 μP')
    assert query.words == ("sparse", "μp")
    assert query.phrases == ("next token",)
    assert query.tags == ("rl", "llm")
    assert query.flags == frozenset({"unread", "starred", "due"})
    assert (query.after, query.before) == (date(2025, 6, 1), date(2026, 1, 2))


def test_bad_date_names_the_term():
    with pytest.raises(QueryError, match="after:June"):
        parse_query("after:June")


def test_on_names_a_year_a_month_or_a_day():
    assert parse_query("on:2025").on == "2025"
    assert parse_query("on:2025-6").on == "2025-06"
    assert parse_query("ON:2025-06-01").on == "2025-06-01"
    assert parse_query("on:").on is None and parse_query("on:").words == ("on:",)
    for bad in ("on:2025-13", "on:june", "on:2025-06-01-02"):
        with pytest.raises(QueryError, match=bad):
            parse_query(bad)


def test_unfinished_phrase_while_typing_is_a_phrase():
    assert parse_query('"next tok').phrases == ("next tok",)


def test_typing_on_narrows_the_previous_query():
    assert parse_query("spars").narrows(parse_query("spar"))
    assert parse_query("on:2025-06-11").narrows(parse_query("on:2025-06"))
    assert not parse_query("on:2025-06").narrows(parse_query("on:2025-06-11"))
    assert not parse_query("on:2026").narrows(parse_query("on:2025"))
    assert parse_query("sparse tag:rl").narrows(parse_query("sparse"))
    assert not parse_query("spar").narrows(parse_query("sparse"))
    assert not parse_query("sparse").narrows(parse_query("sparse unread"))


@pytest.fixture(scope="module")
def library():
    return load_library([COMMENTARY, HF_MAR_06])


def titles(library, ids):
    return [library.papers[i].title for i in ids]


def test_words_match_title_authors_abstract_and_commentary_in_any_case(library):
    matcher = Matcher(library, states=lambda _id: PaperState())
    everything = [p.id for p in library.sorted_papers()]
    assert titles(library, matcher.filter(everything, parse_query("MAGISTRAL"))) == ["Magistral"]
    assert titles(library, matcher.filter(everything, parse_query("gandelsman"))) == [
        "Vision Transformers Don't Need Trained Registers"
    ]
    # Korean commentary: 귀엽네요 ("cute") appears in one paper's note.
    assert titles(library, matcher.filter(everything, parse_query("귀엽네요"))) == ["Reinforcement Pre-Training"]
    assert titles(library, matcher.filter(everything, parse_query('"register tokens" vit'))) == [
        "Vision Transformers Don't Need Trained Registers"
    ]


def test_state_tags_and_dates_combine(library):
    starred = {
        "8e0a5702f8d4ea6f": PaperState(starred_at="x", tags=("mine",)),
        "0846680f50ad5204": PaperState(read_at="x"),
    }
    matcher = Matcher(library, states=lambda paper_id: starred.get(paper_id, PaperState()))
    everything = [p.id for p in library.sorted_papers()]
    assert titles(library, matcher.filter(everything, parse_query("starred"))) == ["Magistral"]
    assert titles(library, matcher.filter(everything, parse_query("tag:mine"))) == ["Magistral"]
    assert len(matcher.filter(everything, parse_query("tag:rl"))) == 3
    assert len(matcher.filter(everything, parse_query("unread"))) == len(everything) - 1
    assert titles(library, matcher.filter(everything, parse_query("read"))) == [
        "Vision Transformers Don't Need Trained Registers"
    ]
    assert len(matcher.filter(everything, parse_query("before:2025-07-01"))) == 8
    assert len(matcher.filter(everything, parse_query("after:2026-03-06"))) == 49
    assert matcher.filter(everything, Query()) == everything


def test_on_keeps_papers_with_a_digest_date_in_that_period(library):
    matcher = Matcher(library, states=lambda _id: PaperState())
    everything = [p.id for p in library.sorted_papers()]
    assert len(matcher.filter(everything, parse_query("on:2025-06-11"))) == 8
    assert len(matcher.filter(everything, parse_query("on:2025-06"))) == 8
    assert len(matcher.filter(everything, parse_query("on:2026"))) == 49
    assert matcher.filter(everything, parse_query("on:2025-07")) == []
    assert not Query(on="2025").is_empty


def test_on_wants_one_date_in_the_period_where_after_and_before_may_be_met_by_two():
    library = load_library([COMMENTARY, HF_MAR_06, HF_OCT_31])
    matcher = Matcher(library, states=lambda _id: PaperState())
    everything = [p.id for p in library.sorted_papers()]
    # MiniMax-M1 was in the digests of 2025-10-31 and 2026-03-06, none of December 2025.
    spanning = titles(library, matcher.filter(everything, parse_query("after:2025-12 before:2026-01")))
    assert any(title.startswith("MiniMax-M1") for title in spanning)
    assert matcher.filter(everything, parse_query("on:2025-12")) == []
    assert any(
        title.startswith("MiniMax-M1")
        for title in titles(library, matcher.filter(everything, parse_query("on:2025-10")))
    )


QUERIES = ["magistral", "MAGISTRAL", "귀엽네요", '"register tokens" vit', "the", "e", "rl tag:rl", "model unread",
           "reasoning after:2026-03-06", "tok before:2025-07-01", "zebra", "don't registers", '"pre-training"']  # fmt: skip


@pytest.mark.parametrize("chunk_chars", [1, 5_000, 1 << 20])
def test_prepared_search_keeps_exactly_the_same_papers(library, monkeypatch, chunk_chars):
    monkeypatch.setattr("tui.query.CHUNK_CHARS", chunk_chars)
    states = {"0846680f50ad5204": PaperState(read_at="x")}
    plain = Matcher(library, states=lambda paper_id: states.get(paper_id, PaperState()))
    prepared = Matcher(library, states=plain.states)
    prepared.prepare()
    everything = [p.id for p in library.sorted_papers()]
    # The whole library is scanned chunk by chunk; a few papers are asked one by one.
    for base in (everything, everything[::-1], everything[:7]):
        for text in QUERIES:
            query = parse_query(text)
            assert prepared.filter(base, query) == plain.filter(base, query), (text, len(base))


@given(
    texts=st.lists(st.text(alphabet="ab 가é\n", max_size=12), min_size=1, max_size=30),
    needle=st.text(alphabet="ab 가é\n", min_size=1, max_size=4),
    chunk_chars=st.sampled_from([1, 7, 40, 1 << 20]),
)
def test_a_needle_matches_within_one_papers_text_only(texts, needle, chunk_chars):
    ids = [f"p{number}" for number in range(len(texts))]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("tui.query.CHUNK_CHARS", chunk_chars)
        search = SearchText(zip(ids, texts, strict=True))
    found = sorted(paper_id for chunk in search.chunks for paper_id in search.papers_with_in(chunk, (needle,)))
    assert found == sorted(paper_id for paper_id, text in zip(ids, texts, strict=True) if needle in text)
    assert [search.holds(paper_id, needle) for paper_id in ids] == [needle in text for text in texts]
