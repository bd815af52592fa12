"""Papers like one: the features they share, found by the index's full-text table of features
and by looking at every paper, on the real sample digests."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import SAMPLES

from tui.library import features as features_module
from tui.library.features import (
    COMMON_AT_LEAST,
    COMMON_SHARE,
    LIKENESS_TERMS,
    features_of,
    inverse_frequency,
    likeness_weights,
    most_alike,
    similar_among,
    title_features,
)
from tui.library.files import load_library
from tui.library.index import LibraryIndex
from tui.library.index_sync import fill_search, sync
from tui.library.index_terms import IndexTerms, count_terms
from tui.model import Paper

FILES = sorted(SAMPLES.glob("*.txt"))
REFERENCE = load_library(FILES)
FEATURES = {paper_id: features_of(paper) for paper_id, paper in REFERENCE.papers.items()}
PAPERS_WITH = Counter(feature for features in FEATURES.values() for feature in features)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory):
    index = LibraryIndex(tmp_path_factory.mktemp("similar") / "index.sqlite3")
    assert index.prepare() is None
    sync(index, FILES)
    assert count_terms(index)
    yield index
    index.close()


def test_the_features_are_counted_as_a_count_over_every_paper_counts_them(index: LibraryIndex):
    terms = IndexTerms(index)
    assert terms.counted_papers() == len(REFERENCE.papers)
    counted = terms.counts(PAPERS_WITH)
    assert counted == {feature: count for feature, count in PAPERS_WITH.items() if count >= 2}
    # Counted again only when the library has changed by more than a twentieth.
    assert not count_terms(index)
    assert count_terms(index, force=True)


def test_the_weights_are_the_rarest_shared_features_the_title_and_tags_counting_more():
    paper = next(p for p in REFERENCE.papers.values() if p.tags and len(FEATURES[p.id]) > 40)
    papers = len(REFERENCE.papers)
    weights = likeness_weights(paper, FEATURES[paper.id], PAPERS_WITH.__getitem__, papers)
    assert 0 < len(weights) <= LIKENESS_TERMS
    titled = title_features(paper)
    assert titled & weights.keys(), "the title or tags say what the paper is about"

    # Checked against every feature it could have chosen: none left out weighs more.
    def weight(feature: str) -> float:
        boost = features_module.TITLE_BOOST if feature in titled else 1.0
        return inverse_frequency(PAPERS_WITH[feature], papers) * boost

    common = max(COMMON_AT_LEAST, int(papers * COMMON_SHARE))
    eligible = [f for f in FEATURES[paper.id] if 2 <= PAPERS_WITH[f] <= common]
    assert weights == pytest.approx({f: weight(f) for f in weights})
    assert min(weights.values()) >= max((weight(f) for f in eligible if f not in weights), default=0)


def test_most_alike_ranks_by_the_weight_shared_and_ties_by_id():
    weights = {"w:a": 3.0, "w:b": 2.0, "w:c": 1.0}
    candidates = {
        "self": frozenset(weights),
        "ab": frozenset({"w:a", "w:b"}),
        "c2": frozenset({"w:c", "w:z"}),
        "c1": frozenset({"w:c"}),
        "none": frozenset({"w:z"}),
        "a": frozenset({"w:a"}),
    }
    assert most_alike(weights, candidates, "self", 10) == ["ab", "a", "c1", "c2"]
    assert most_alike(weights, candidates, "self", 2) == ["ab", "a"]


def test_the_index_finds_the_papers_a_look_at_every_paper_finds(index: LibraryIndex, monkeypatch):
    terms = IndexTerms(index)
    # With every match a candidate, the index ranks exactly as the look at every paper does.
    monkeypatch.setattr("tui.library.index_terms.CANDIDATES", 10_000)
    for paper in list(REFERENCE.papers.values())[::7]:
        expected = similar_among(paper, FEATURES, 5)
        assert terms.similar(paper.id, 5) == expected, paper.title
    monkeypatch.undo()
    # With the index's first candidates only, the best match is still found.
    found = [(terms.similar(p.id, 5)[:1], similar_among(p, FEATURES, 1)) for p in REFERENCE.papers.values()]
    assert sum(a == b for a, b in found) >= 0.9 * len(found)


def test_similar_papers_share_what_the_paper_is_about():
    paper = next(p for p in REFERENCE.papers.values() if p.title.startswith("DeepSeek-Prover-V2"))
    found = [REFERENCE.papers[i].title for i in REFERENCE.similar(paper.id)]
    assert len(found) == 5
    assert any("Prover" in title for title in found), found
    assert sum("Reason" in title or "Math" in title for title in found) >= 3, found


def test_a_paper_unknown_or_like_nothing_has_no_similar_papers(index: LibraryIndex, tmp_path: Path):
    terms = IndexTerms(index)
    assert terms.similar("no such paper", 5) == []
    lonely = Paper(id="lonely", title="Zyxwv")
    assert similar_among(lonely, {**FEATURES, "lonely": features_of(lonely)}, 5) == []
    # Never counted: nothing is rare or common yet, so nothing is found (and nothing fails).
    fresh = LibraryIndex(tmp_path / "index.sqlite3")
    assert fresh.prepare() is None
    sync(fresh, FILES)
    assert IndexTerms(fresh).similar(next(iter(REFERENCE.papers)), 5) == []
    fresh.close()


def test_counting_waits_for_the_rows_a_big_change_left_for_later(tmp_path: Path, monkeypatch):
    from tui.library import index_sync

    monkeypatch.setattr(index_sync, "SEARCH_AT_ONCE", 10)
    index = LibraryIndex(tmp_path / "index.sqlite3")
    assert index.prepare() is None
    sync(index, FILES)
    assert not count_terms(index)  # the features are not all in the table yet
    # Meanwhile the features are read from the papers' records.
    assert IndexTerms(index).features() == FEATURES
    fill_search(index)
    assert count_terms(index)
    assert IndexTerms(index).counted_papers() == len(FEATURES)
    index.close()


def test_a_whole_library_is_scored_from_the_index_as_from_the_papers_themselves(index: LibraryIndex):
    from tui import for_you
    from tui.state.paper_state import PaperState

    indexed = index.library()
    states = {
        i: PaperState(read_at="t", starred_at="t" if n % 4 == 0 else None) for n, i in enumerate(REFERENCE.order[:80])
    }
    model = for_you.train(indexed, for_you.TasteInput(states))
    assert model.ready and model.weights == for_you.train(REFERENCE, for_you.TasteInput(states)).weights
    watched = {"v:word_x": frozenset(REFERENCE.order[100:110])}
    whole = for_you.Scores(model, indexed, watched)
    some = for_you.Scores(model, indexed, watched)
    expected = model.scores(for_you.features_with_watched(REFERENCE, REFERENCE.order, watched))
    assert whole.of(REFERENCE.order) == pytest.approx(expected)  # one scan of every row
    assert some.of(REFERENCE.order[:30]) == pytest.approx({i: expected[i] for i in REFERENCE.order[:30]})
    assert whole.ranked(REFERENCE.order) == sorted(REFERENCE.order, key=lambda i: -expected[i])
