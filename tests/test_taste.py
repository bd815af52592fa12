"""The user's taste model on the real sample papers: its features, its labels, what it learns and how it explains."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from conftest import SAMPLES

from tui.library.files import load_library
from tui.model import Paper
from tui.state.paper_state import PaperState
from tui.taste import MIN_LIKED, Reason, TasteModel, describe_feature, features_of, labels_of

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LIBRARY = load_library([*sorted(SAMPLES.glob("*.txt")), *sorted((FIXTURES / "hf-api").glob("*.json"))])
VIT = next(paper for paper in LIBRARY if paper.title == "Vision Transformers Don't Need Trained Registers")


def features(ids) -> dict[str, frozenset[str]]:
    return {i: features_of(LIBRARY.papers[i]) for i in ids}


def reasoning_taste(paper: Paper) -> bool:
    """A reader who stars what is about reasoning, whatever the digest calls it."""
    return "reason" in (paper.title + " " + paper.abstract).lower()


def test_a_papers_features_are_its_words_pairs_korean_bigrams_tags_and_authors():
    found = features_of(VIT, user_tags=("mine",))
    assert {"w:registers", "w:transformers", "p:vision transformers", "p:trained registers"} <= found
    assert {"k:레지", "k:지스", "k:스터", "k:토큰"} <= found  # 레지스터 토큰, from the Korean commentary
    assert {"t:vit", "t:transformer", "t:mine", "a:Nick Jiang", "a:Yossi Gandelsman"} <= found
    assert not {"w:the", "w:we", "w:and", "w:of"} & found  # stop words say nothing
    assert all(not feature.startswith("p:") or " " in feature for feature in found)


def test_pairs_do_not_run_across_a_stop_word():
    paper = Paper(id="x", title="Generation of Video with Diffusion")
    found = features_of(paper)
    assert "p:generation video" not in found and "p:generation of" not in found
    assert {"w:generation", "w:video", "w:diffusion"} <= found


def test_labels_are_stars_and_papers_read_without_one():
    states = {
        "starred": PaperState(starred_at="t", read_at="t"),
        "starred unread": PaperState(starred_at="t"),
        "read": PaperState(read_at="t"),
        "later": PaperState(later_at="t"),
        "tagged": PaperState(tags=("x",)),
    }
    assert labels_of(states) == (["starred", "starred unread"], ["read"])


def test_a_reader_of_reasoning_papers_is_learned_from_one_day_and_ranks_the_next():
    october, march = LIBRARY.by_date[date(2025, 10, 31)], LIBRARY.by_date[date(2026, 3, 6)]
    liked = [i for i in october if reasoning_taste(LIBRARY.papers[i])]
    unliked = [i for i in october if i not in liked]
    assert len(liked) >= 20 and len(unliked) >= 20
    model = TasteModel.train(features(liked), features(unliked))
    assert model.ready and (model.liked, model.unliked) == (len(liked), len(unliked))
    # March 6's papers the reader has not seen (two were in October's digest too).
    test = [i for i in march if i not in october]
    wanted = {i for i in test if reasoning_taste(LIBRARY.papers[i])}
    ranked = model.ranked(features(test))
    assert sorted(ranked) == sorted(test)
    top = ranked[:10]
    base_rate = len(wanted) / len(test)
    precision = len(wanted & set(top)) / len(top)
    assert 0 < base_rate < 0.5
    assert precision >= 2 * base_rate, (precision, base_rate)
    # And better than the order the digest came in.
    assert precision > len(wanted & set(test[:10])) / 10


def test_the_reason_names_the_strongest_features_and_counts_the_liked_papers_sharing_them():
    october = LIBRARY.by_date[date(2025, 10, 31)]
    liked = [i for i in october if reasoning_taste(LIBRARY.papers[i])]
    unliked = [i for i in october if i not in liked]
    liked_features, unliked_features = features(liked), features(unliked)
    model = TasteModel.train(liked_features, unliked_features)
    paper = next(i for i in LIBRARY.by_date[date(2026, 3, 6)] if reasoning_taste(LIBRARY.papers[i]))
    reason = model.reason(features_of(LIBRARY.papers[paper]))
    assert 1 <= len(reason.features) <= 3
    weights = [model.weights[feature] for feature in reason.features]
    assert weights == sorted(weights, reverse=True) and all(weight > 0 for weight in weights)
    # Counted by brute force: the liked papers that have any of those features.
    alike = {i for i in liked if liked_features[i] & set(reason.features)}
    assert reason.liked_alike == len(alike) > 0
    assert reason.describe().startswith(f"like {len(alike)} paper")
    assert Reason(0, ()).describe() == "nothing in it is like the papers you starred"


def test_a_model_of_too_few_stars_is_not_ready_and_ties_keep_their_order():
    few = {f"liked{n}": frozenset({"w:alpha"}) for n in range(MIN_LIKED - 1)}
    many = {f"unliked{n}": frozenset({"w:beta"}) for n in range(10)}
    model = TasteModel.train(few, many)
    assert not model.ready
    assert model.weights["w:alpha"] > 0 > model.weights["w:beta"]
    same = {"first": frozenset({"w:gamma"}), "second": frozenset({"w:gamma"}), "third": frozenset({"w:alpha"})}
    assert model.ranked(same) == ["third", "first", "second"]


def test_features_are_named_as_a_reader_would_say_them():
    assert [describe_feature(f) for f in ("t:diffusion", "p:video generation", "a:Ann Lee", "k:레지")] == [
        "#diffusion",
        "‘video generation’",
        "Ann Lee",
        "‘레지’",
    ]
