"""Watched authors, words and tags: what they match in the real sample papers, and where."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.library.files import load_library
from tui.model import Paper, paper_id
from tui.reading import Reading
from tui.review.deck import Deck
from tui.settings import ReviewSettings
from tui.state.paper_state import PaperState
from tui.state.store import Store
from tui.state.user_lists import WatchItem, save_watch_list, watch_list
from tui.watching import Watcher, word_pattern

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LIBRARY = load_library(
    [
        *sorted(SAMPLES.glob("*.txt")),
        *sorted((FIXTURES / "hf-api").glob("*.json")),
        *sorted((FIXTURES / "vault").glob("*.md")),
    ]
)
BLANK = PaperState()


def known_as(title: str) -> str:
    """The id the library keeps the paper of this title under (its arXiv id's, when it has one)."""
    (found,) = [paper.id for paper in LIBRARY if paper.title == title]
    return found


VIT = known_as("Vision Transformers Don't Need Trained Registers")


def word(value: str) -> WatchItem:
    return WatchItem.made("word", value)


def author(value: str) -> WatchItem:
    return WatchItem.made("author", value)


def tag(value: str) -> WatchItem:
    return WatchItem.made("tag", value)


def titled(title: str, **fields) -> Paper:
    return Paper(id=paper_id(title), title=title, **fields)


# --- the rule, written out another way --------------------------------------------------------


def starts_a_word(folded: str, at: int) -> bool:
    return at == 0 or not (folded[at - 1].isalnum() or folded[at - 1] == "_")


def holds_word(text: str, needle: str) -> bool:
    """Whether `needle` (case-folded) is in `text` where a word starts, the text case-folded."""
    folded = text.casefold()
    at = folded.find(needle)
    while at >= 0:
        if starts_a_word(folded, at):
            return True
        at = folded.find(needle, at + 1)
    return False


def matches_by_hand(item: WatchItem, paper: Paper, state: PaperState) -> bool:
    if item.kind == "word":
        texts = (paper.title, paper.abstract, paper.commentary_ko, paper.commentary_en)
        return any(holds_word(text, item.value) for text in texts)
    if item.kind == "author":
        return any(" ".join(name.split()).casefold() == item.value.casefold() for name in paper.authors)
    return item.value in paper.tags or item.value in state.tags


def scanned(item: WatchItem, states=lambda _paper_id: BLANK) -> list[str]:
    """Every paper of the library, in date order, that the item matches: a plain scan."""
    return [paper.id for paper in LIBRARY.sorted_papers() if matches_by_hand(item, paper, states(paper.id))]


# --- words --------------------------------------------------------------------------------------


def test_a_word_matches_where_a_word_starts_in_any_case():
    watcher = Watcher([word("diffusion")])
    found = {
        "Diffusion Models Beat GANs": True,
        "Latent diffusions for video": True,
        "Text-to-DIFFUSION pipelines": True,  # a hyphen ends a word
        "(diffusion) and others": True,
        "Rediffusion of ideas": False,
        "multi_diffusion": False,  # `_` is part of a word
        "2diffusion": False,
        "Diffusio": False,
    }
    assert {title: bool(watcher.matches(titled(title), BLANK)) for title in found} == found


def test_a_word_is_looked_for_in_title_abstract_and_both_commentaries_only():
    watcher = Watcher([word("sparsity")])
    assert watcher.matches(titled("T", abstract="On sparsity."), BLANK) == [word("sparsity")]
    assert watcher.matches(titled("T", commentary_ko="Sparsity 좋네요"), BLANK) == [word("sparsity")]
    assert watcher.matches(titled("T", commentary_en="sparsity again"), BLANK) == [word("sparsity")]
    assert watcher.matches(titled("T", authors=("Sparsity Lab",), org="sparsity inc"), BLANK) == []


def test_korean_words_match_where_a_word_starts():
    vit = LIBRARY.papers[VIT]
    assert "레지스터를" in vit.commentary_ko and "레지스터 토큰처럼" in vit.commentary_ko
    assert Watcher([word("레지스터")]).matches(vit, BLANK) == [word("레지스터")]
    assert Watcher([word("토큰")]).matches(vit, BLANK) == [word("토큰")]  # 토큰을, 토큰처럼
    assert Watcher([word("지스터")]).matches(vit, BLANK) == []  # only ever inside 레지스터
    assert Watcher([word("아웃라이어 토큰")]).matches(vit, BLANK) == [word("아웃라이어 토큰")]


def test_words_one_inside_another_are_each_found():
    watcher = Watcher([word("diff"), word("diffusion"), word("deep learning"), word("learning")])
    assert watcher.matches(titled("Diffusion as deep learning"), BLANK) == list(watcher.items)
    assert watcher.matches(titled("Differential learning"), BLANK) == [word("diff"), word("learning")]


def test_a_title_whose_case_folding_changes_its_length_is_matched_as_the_search_would():
    # "İ" folds to "i" and a combining dot: the folded title holds no "istanbul", so the search
    # (which looks in the folded texts) would not find the paper either.
    assert Watcher([word("istanbul")]).matches(titled("İstanbul traffic"), BLANK) == []
    assert Watcher([word("i̇stanbul")]).matches(titled("İSTANBUL traffic"), BLANK) == [word("i̇stanbul")]
    assert Watcher([word("strasse")]).matches(titled("Die Straße"), BLANK) == [word("strasse")]


def test_spans_say_where_the_words_are_in_a_title():
    watcher = Watcher([word("diffusion"), word("diff")])
    title = "Diffusion beats diffusions, not rediffusion"
    assert watcher.spans(title) == [(0, 9), (16, 25)]  # the longer word where both start
    assert [title[start:end] for start, end in watcher.spans(title)] == ["Diffusion", "diffusion"]
    vit = LIBRARY.papers[VIT].title
    assert Watcher([word("transformer")]).spans(vit) == [(7, 18)] and vit[7:18] == "Transformer"
    assert Watcher([word("확산"), word("모델")]).spans("확산 모델과 확산모델") == [(0, 2), (3, 5), (7, 9)]
    assert Watcher([author("Nick Jiang"), tag("vit")]).spans(vit) == []
    assert Watcher([]).spans(vit) == [] and word_pattern([]) is None


# --- authors and tags ---------------------------------------------------------------------------


def test_an_author_matches_the_whole_name_case_and_spacing_aside():
    vit = LIBRARY.papers[VIT]
    assert vit.authors[0] == "Nick Jiang"
    assert Watcher([author("  nick   JIANG ")]).matches(vit, BLANK) == [author("nick JIANG")]
    assert Watcher([author("Nick Jian")]).matches(vit, BLANK) == []
    assert Watcher([author("Jiang")]).matches(vit, BLANK) == []
    watcher = Watcher([author("Nick Jiang")])
    assert watcher.is_watched_author("NICK  jiang") and not watcher.is_watched_author("Nick")
    assert Watcher([word("nick")]).matches(vit, BLANK) == []  # a word is not looked for in names


def test_a_tag_matches_the_digests_tags_and_the_users_own():
    vit = LIBRARY.papers[VIT]
    assert vit.tags == ("vit", "transformer")
    assert Watcher([tag("#ViT")]).matches(vit, BLANK) == [tag("vit")]
    assert Watcher([tag("must read")]).matches(vit, BLANK) == []
    assert Watcher([tag("must read")]).matches(vit, PaperState(tags=("must-read",))) == [tag("must-read")]
    assert Watcher([tag("vi")]).matches(vit, BLANK) == []  # tags are whole


def test_matches_come_in_watch_list_order():
    items = [tag("transformer"), word("registers"), author("Yossi Gandelsman"), word("nothing-like-this")]
    watcher = Watcher(items)
    assert watcher.matches(LIBRARY.papers[VIT], BLANK) == items[:3]
    assert bool(watcher) and not Watcher([])


# --- a watched item's papers over the library ---------------------------------------------------

ITEMS = [
    word("reasoning"),
    word("language model"),
    word("llm"),
    word("transformer"),
    word("레지스터"),
    word("토큰"),
    word("rl"),
    author("Nick Jiang"),
    author("mistral.ai"),
    author("MiniCPM Team"),
    tag("rl"),
    tag("reasoning"),
    tag("transformer"),
]


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.key)
def test_papers_of_an_item_are_those_a_plain_scan_finds(item):
    found = Watcher(ITEMS).papers_of(item, LIBRARY, lambda _paper_id: BLANK, {})
    assert found == scanned(item)
    assert found == [p.id for p in LIBRARY.sorted_papers() if item in Watcher([item]).matches(p, BLANK)]


def test_the_items_tested_match_something_and_miss_something():
    counts = {item.key: len(scanned(item)) for item in ITEMS}
    assert all(0 < count < len(LIBRARY) for count in counts.values()), counts
    assert counts["word:reasoning"] > 20 and counts["tag:rl"] == 3 and counts["author:Nick Jiang"] == 1
    # "rl" as a word: RL, RLHF, RL-based, never "world" or "early"
    assert len(scanned(word("rl"))) < sum("rl" in p.title.casefold() + p.abstract.casefold() for p in LIBRARY)


def test_a_watched_tag_finds_the_users_tags_too(tmp_path):
    store = Store.open(tmp_path / "store.json")
    try:
        reading = Reading(LIBRARY, store, Deck(store, ReviewSettings(), lambda: datetime.now(UTC)))
        magistral = known_as("Magistral")
        reading.set_tags(VIT, "rl must-read")
        reading.set_tags(magistral, "must-read")
        watcher = Watcher([tag("must-read"), tag("rl")])
        user_tags = reading.user_tags()
        found = watcher.papers_of(tag("must-read"), LIBRARY, reading.state_of, user_tags)
        assert found == [VIT, magistral] == scanned(tag("must-read"), reading.state_of)
        with_rl = watcher.papers_of(tag("rl"), LIBRARY, reading.state_of, user_tags)
        assert with_rl == scanned(tag("rl"), reading.state_of) and VIT in with_rl and len(with_rl) == 4
    finally:
        store.close()


WORDS = sorted(
    {w for p in LIBRARY for text in (p.title, p.abstract, p.commentary_ko) for w in re.findall(r"\w+", text.casefold())}
)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_papers_of_a_piece_of_a_real_word_are_those_a_plain_scan_finds(data):
    whole = data.draw(st.sampled_from(WORDS))
    start = data.draw(st.integers(0, len(whole) - 1))
    end = data.draw(st.integers(start + 1, len(whole)))
    item = word(whole[start:end])  # a prefix matches; a piece from inside a word may not
    assert Watcher([item]).papers_of(item, LIBRARY, lambda _paper_id: BLANK, {}) == scanned(item)


# Letters whose case folding is odd: ß and ẞ fold to ss, İ to i and a combining dot, ſ to s,
# the Kelvin sign to k, final sigma to σ; 가 has no case, _ is a word's, - is not.
ALPHABET = "aAbBsSkKßẞİıiſKσςΣ가나 _-."


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=3), min_size=1, max_size=4),
    title=st.text(alphabet=ALPHABET, max_size=20),
    abstract=st.text(alphabet=ALPHABET, max_size=20),
)
def test_words_match_as_the_rule_says_whatever_the_letters(values, title, abstract):
    items = list(dict.fromkeys(word(value) for value in values if value.strip()))
    paper = titled(title or "-", abstract=abstract)
    watcher = Watcher(items)
    assert watcher.matches(paper, BLANK) == [item for item in items if matches_by_hand(item, paper, BLANK)]


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.text(alphabet="abAB가나", min_size=1, max_size=3), min_size=1, max_size=4),
    title=st.text(alphabet="abAB가나 _-", max_size=24),
)
def test_spans_cover_every_place_a_word_starts(values, title):
    watcher = Watcher([word(value) for value in values])
    words = {item.value for item in watcher.items}
    spans = watcher.spans(title)
    folded = title.casefold()  # these letters keep their length when folded
    assert spans == sorted(spans) and all(end <= start for (_s, end), (start, _e) in pairwise(spans))
    for start, end in spans:
        assert starts_a_word(folded, start) and folded[start:end] in words
        # the longest word starting there
        assert end - start == max(len(w) for w in words if folded.startswith(w, start))
    starts = {
        at for at in range(len(folded)) if starts_a_word(folded, at) and any(folded.startswith(w, at) for w in words)
    }
    assert all(any(start <= at < end for start, end in spans) for at in starts)
    assert {start for start, _end in spans} <= starts


# --- watched items as kept ----------------------------------------------------------------------


def test_items_are_kept_tidied():
    assert tag(" #Scaling   Law ") == WatchItem("tag", "scaling-law")
    assert tag("# rl") == WatchItem("tag", "rl") and tag("##RL") == WatchItem("tag", "rl")
    assert word("  Diffusion \n Models ") == WatchItem("word", "diffusion models")
    assert word("Straße") == WatchItem("word", "strasse")
    assert author("  Ann   Lee ") == WatchItem("author", "Ann Lee")  # a name keeps its case


def test_items_that_cannot_be_refused():
    with pytest.raises(ValueError, match="an author, a word or a tag, not 'venue'"):
        WatchItem.made("venue", "NeurIPS")
    for kind, value in (("word", "   "), ("author", ""), ("tag", "#"), ("tag", " # ")):
        with pytest.raises(ValueError, match=f"an empty {kind} cannot be watched"):
            WatchItem.made(kind, value)
    with pytest.raises(ValueError):
        WatchItem.from_key("nonsense")
    with pytest.raises(ValueError):
        WatchItem.from_key("word:")


def test_labels_and_keys():
    assert [item.label for item in (author("Ann Lee"), word("Diffusion"), tag("RL"))] == [
        "Ann Lee",
        "‘diffusion’",
        "#rl",
    ]
    assert [item.key for item in (author("Ann Lee"), word("Diffusion"), tag("RL"))] == [
        "author:Ann Lee",
        "word:diffusion",
        "tag:rl",
    ]
    assert WatchItem.from_key("author:Ann: The Sequel") == WatchItem("author", "Ann: The Sequel")


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(["author", "word", "tag"]), value=st.text(max_size=12))
def test_an_item_made_again_from_itself_or_its_key_is_itself(kind, value):
    try:
        item = WatchItem.made(kind, value)
    except ValueError:
        assert not " ".join(value.split()).lstrip("#").strip(), "refused a value that is not empty"
        return
    assert item.value and item.value == " ".join(item.value.split())
    assert WatchItem.made(kind, item.value) == item
    assert WatchItem.from_key(item.key) == item


def test_the_watch_list_survives_reopening_the_store(tmp_path):
    path = tmp_path / "home" / "store.json"
    store = Store.open(path)
    items = [author("Ann Lee"), word("레지스터"), tag("rl"), word("diffusion")]
    save_watch_list(store, items)
    assert store.close()
    store = Store.open(path)
    try:
        assert watch_list(store) == items
        assert store.documents("watched") == [{"kind": item.kind, "value": item.value} for item in items]
    finally:
        store.close()


def test_a_hand_edited_watch_list_keeps_what_makes_sense(tmp_path):
    store = Store.open(tmp_path / "store.json")
    try:
        store.replace_documents(
            "watched",
            [
                {"kind": "word", "value": "  Diffusion "},
                {"kind": "venue", "value": "NeurIPS"},  # a kind this paperdeck does not know
                {"kind": "tag", "value": ""},
                {"value": "no kind"},
                {"kind": "author"},
                {"kind": "word", "value": "diffusion"},  # the same word again
                {"kind": "tag", "value": "#RL"},
            ],
        )
        assert watch_list(store) == [word("diffusion"), tag("rl")]
        assert len(store.documents("watched")) == 7  # read around, not rewritten
    finally:
        store.close()
