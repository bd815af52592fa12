"""The user's taste model on the real sample papers: its features, its labels, what it learns and how it explains."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from conftest import SAMPLES

from tui.library.features import feature_text, features_of, token
from tui.library.files import load_library
from tui.model import Paper
from tui.state.paper_state import PaperState
from tui.taste import (
    CARED_WEIGHT,
    MIN_LIKED,
    MIN_UNLIKED,
    STUDIED_BONUS,
    Labels,
    Reason,
    TasteModel,
    describe_feature,
    labels_of,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LIBRARY = load_library([*sorted(SAMPLES.glob("*.txt")), *sorted((FIXTURES / "hf-api").glob("*.json"))])
VIT = next(paper for paper in LIBRARY if paper.title == "Vision Transformers Don't Need Trained Registers")


def features(ids) -> dict[str, frozenset[str]]:
    return {i: features_of(LIBRARY.papers[i]) for i in ids}


def reasoning_taste(paper: Paper) -> bool:
    """A reader who stars what is about reasoning, whatever the digest calls it."""
    return "reason" in (paper.title + " " + paper.abstract).lower()


def test_a_papers_features_are_its_words_pairs_korean_bigrams_tags_and_authors():
    found = features_of(VIT)
    assert {"w:registers", "w:transformers", "p:vision_transformers", "p:trained_registers"} <= found
    assert {"k:레지", "k:지스", "k:스터", "k:토큰"} <= found  # 레지스터 토큰, from the Korean commentary
    assert {"t:vit", "t:transformer", "a:nick_jiang", "a:yossi_gandelsman"} <= found
    assert not {"w:the", "w:we", "w:and", "w:of"} & found  # stop words say nothing
    # Every feature is one token of the index's full-text table: no spaces, one prefix.
    assert all(" " not in feature and feature.count(":") == 1 for feature in found)
    assert all("_" in feature for feature in found if feature.startswith("p:"))
    assert feature_text(VIT).split() == sorted(features_of(VIT))


def test_a_token_is_lower_case_with_one_underscore_for_each_run_of_anything_else():
    assert token("Ann  Lee") == "ann_lee"
    assert token("Multi-Modal / RL") == "multi_modal_rl"
    assert token("__x__") == "x"
    assert token("Émile Čapek") == "émile_čapek"
    assert token("µP Straße") == token("μp STRASSE") == "μp_strasse"  # folded as the index folds
    assert token("강화 학습") == "강화_학습"


def test_pairs_do_not_run_across_a_stop_word():
    paper = Paper(id="x", title="Generation of Video with Diffusion")
    found = features_of(paper)
    assert "p:generation_video" not in found and "p:generation_of" not in found
    assert {"w:generation", "w:video", "w:diffusion"} <= found


def test_labels_are_stars_what_the_user_cared_about_and_papers_read_without_a_star():
    states = {
        "starred": PaperState(starred_at="t", read_at="t"),
        "starred unread": PaperState(starred_at="t"),
        "studied": PaperState(starred_at="t", read_at="t"),
        "read": PaperState(read_at="t"),
        "later": PaperState(later_at="t"),
        "tagged": PaperState(tags=("x",), read_at="t"),
        "noted": PaperState(note="why this matters"),
        "blank note": PaperState(note="  ", read_at="t"),
    }
    assert labels_of(states, studied=["studied", "read"]) == Labels(
        liked={
            "starred": 1.0,
            "starred unread": 1.0,
            "studied": 1.0 + STUDIED_BONUS,
            "tagged": CARED_WEIGHT,
            "noted": CARED_WEIGHT,
        },
        unliked={"read": 1.0, "blank note": 1.0},
    )


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
    assert [describe_feature(f) for f in ("t:diffusion", "p:video_generation", "a:ann_lee", "k:레지")] == [
        "#diffusion",
        "‘video generation’",
        "ann lee",
        "‘레지’",
    ]
    # The paper the features were found in spells its authors and tags.
    assert describe_feature("a:nick_jiang", VIT) == "Nick Jiang"
    assert describe_feature("t:vit", VIT) == f"#{next(tag for tag in VIT.tags if tag.lower() == 'vit')}"


def test_a_weighted_paper_counts_as_much_as_its_weight():
    liked = {f"heavy{n}": frozenset({"w:alpha"}) for n in range(2)} | {
        f"light{n}": frozenset({"w:beta"}) for n in range(2)
    }
    unliked = {f"other{n}": frozenset({"w:gamma"}) for n in range(2)}
    even = TasteModel.train(liked, unliked)
    assert even.weights["w:alpha"] == even.weights["w:beta"]
    weighted = TasteModel.train(liked, unliked, {"heavy0": 2.0, "heavy1": 2.0, "light0": 0.5, "light1": 0.5})
    assert weighted.weights["w:alpha"] > even.weights["w:alpha"] > weighted.weights["w:beta"]


def test_a_feature_of_a_single_labelled_paper_has_no_weight():
    liked = {f"liked{n}": frozenset({"w:shared", f"w:only{n}"}) for n in range(MIN_LIKED)}
    unliked = {f"unliked{n}": frozenset({"w:other"}) for n in range(MIN_UNLIKED)}
    model = TasteModel.train(liked, unliked)
    assert model.weights.keys() == {"w:shared", "w:other"}
    assert model.weights["w:shared"] > 0 > model.weights["w:other"]
    assert set(model.liked_with) == {"w:shared"}


def test_a_feature_weighs_what_the_stars_say_beyond_what_the_library_says():
    # Five stars and nothing read: each starred paper has a word most papers have and a rare tag.
    liked = {f"liked{n}": frozenset({"w:common", "t:rare"}) for n in range(MIN_LIKED)}
    library = ({"w:common": 900, "t:rare": 10, "w:other": 300}, 1_000)
    assert not TasteModel.train(liked, {}).ready  # nothing to weigh the stars against
    model = TasteModel.train(liked, {}, background=library)
    assert model.ready and model.background_papers == 1_000
    assert model.weights["t:rare"] > 10 * model.weights["w:common"] > 0
    papers = {"usual": frozenset({"w:common", "w:other"}), "rare": frozenset({"t:rare"})}
    assert model.ranked(papers) == ["rare", "usual"]


def test_without_the_librarys_counts_the_labelled_papers_stand_in_for_them():
    october = LIBRARY.by_date[date(2025, 10, 31)]
    liked = features(i for i in october if reasoning_taste(LIBRARY.papers[i]))
    unliked = features(i for i in october if i not in liked)
    counts: dict[str, int] = {}
    for found in [*liked.values(), *unliked.values()]:
        for feature in found:
            counts[feature] = counts.get(feature, 0) + 1
    alone = TasteModel.train(liked, unliked)
    assert alone.weights == TasteModel.train(liked, unliked, background=(counts, len(october))).weights
    assert alone.background_papers == 0
    # An index counted before some of the labelled papers came in is no worse off than none.
    stale = TasteModel.train(liked, unliked, background=({}, 10))
    assert stale.weights == alone.weights
