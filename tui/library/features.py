"""A paper's features: the words, pairs of words, Korean syllable pairs, tags and authors that
the for-you order learns the user's taste over and that similar papers share.

Each feature is one token of lower-case letters, digits and `_`, after its kind's prefix, so
that the library index keeps them in a full-text table of their own (`terms`, under the
`unicode61` tokenizer with `:` and `_` as token characters) that finds papers by them:

    w:word          a word of the title, abstract or commentary (English, no stop words)
    p:word_word     two words in a row in the title or commentary: "video generation"
    k:한국          two Hangul syllables in a row in the Korean commentary (Korean has no spaces
                    between the parts of a word, and bigrams are the standard stand-in for them)
    t:tag           a tag of the digest's (the user's own tags are not features: tagging a
                    paper already tells the taste model the user cares for it)
    a:ann_lee       an author (the first ten)
    v:kind_value    a watched item the paper matches (added by the ranker, never in the index)
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from itertools import pairwise

from tui.model import Paper

AUTHORS_USED = 10
_WORD = re.compile(r"[a-z][a-z0-9\-]+[a-z0-9]|[a-z]{2}")
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")
# What a token may not hold: the index's tokenizer splits there.
_NOT_TOKEN = re.compile(r"[^\w:]|_")
# Words that say nothing about what a paper is about (and the words every abstract uses).
STOP_WORDS = frozenset(
    """a an and are as at be been but by can do does for from has have how in into is it its of on
    or our over such than that the their them these they this those to via was we were what when
    which while who will with without you your more most also both each other only than then there
    however thus using based show shows shown propose proposed present paper approach method methods
    results new novel work task tasks model models data large language llm llms achieve across
    state art performance existing significantly improve improves improved""".split()
)


def token(text: str) -> str:
    """`text` as the value of one feature: case-folded (as the index's tokenizer folds it, near
    enough: µ and μ are one letter to both), runs of anything else as one `_`."""
    return "_".join(part for part in _NOT_TOKEN.split(text.casefold()) if part)


def features_of(paper: Paper) -> frozenset[str]:
    """The features of a paper (see the module's docstring)."""
    prose = " ".join((paper.title, paper.abstract, paper.commentary_en)).lower()
    found = {f"w:{token(word)}" for word in _WORD.findall(prose) if word not in STOP_WORDS}
    found.update(_pairs(paper.title), _pairs(paper.commentary_en))
    for run in _HANGUL.findall(paper.commentary_ko):
        found.update(f"k:{run[index : index + 2]}" for index in range(len(run) - 1))
    found.update(_tags(paper))
    found.update(f"a:{value}" for name in paper.authors[:AUTHORS_USED] if (value := token(name)))
    return frozenset(found)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _pairs(text: str) -> set[str]:
    """The `p:` features of a text: two words in a row, neither a stop word."""
    return {
        f"p:{token(first)}_{token(second)}"
        for first, second in pairwise(_words(text))
        if first not in STOP_WORDS and second not in STOP_WORDS
    }


def _tags(paper: Paper) -> set[str]:
    return {f"t:{value}" for tag in paper.tags if (value := token(tag))}


def feature_text(paper: Paper) -> str:
    """The paper's own features (not the user's) as the index keeps them: one line of tokens."""
    return " ".join(sorted(features_of(paper)))


def watched_feature(item_key: str) -> str:
    """The feature of the papers that match a watched item (`WatchItem.key`)."""
    return f"v:{token(item_key)}"


# How many of a paper's features a search for papers like it looks for: its most telling that
# another paper shares. More finds a little better and costs in proportion (each is a posting list).
LIKENESS_TERMS = 10
# A feature many papers have says little about likeness, and its posting list is long to read:
# one more common than this share of the library is left out (but never one of fewer than
# `COMMON_AT_LEAST` papers, so that a small library still finds papers by their topics).
COMMON_SHARE = 0.05
COMMON_AT_LEAST = 50
# The title's words and pairs and the tags say what a paper is about more than its abstract does.
TITLE_BOOST = 3.0
# The papers the index's search finds before they are ranked as `most_alike` ranks them.
CANDIDATES = 50


def title_features(paper: Paper) -> set[str]:
    """The features of a paper's title and tags."""
    found = {f"w:{token(word)}" for word in _words(paper.title) if word not in STOP_WORDS}
    return found | _pairs(paper.title) | _tags(paper)


def inverse_frequency(count: int, papers: int) -> float:
    """BM25's idf of a feature in `count` of `papers` papers (never below zero)."""
    return math.log(1 + (papers - count + 0.5) / (count + 0.5))


def likeness_weights(
    paper: Paper, features: Iterable[str], frequency: Callable[[str], int], papers: int
) -> dict[str, float]:
    """The features that say most about what makes `paper` like others, each with its weight:
    its rarest (by inverse document frequency, the title's and tags' counting `TITLE_BOOST`
    times) that at least one other paper has and at most `COMMON_SHARE` of the library
    (or `COMMON_AT_LEAST` papers).
    `frequency` is each feature's paper count."""
    common = max(COMMON_AT_LEAST, int(papers * COMMON_SHARE))
    titled = title_features(paper)
    weighed = [
        (inverse_frequency(count, papers) * (TITLE_BOOST if feature in titled else 1.0), feature)
        for feature in features
        if 2 <= (count := frequency(feature)) <= common
    ]
    return {feature: weight for weight, feature in sorted(weighed, reverse=True)[:LIKENESS_TERMS]}


def most_alike(
    weights: Mapping[str, float], candidates: Mapping[str, frozenset[str]], paper_id: str, limit: int
) -> list[str]:
    """Of `candidates` (id -> features), the `limit` with the most weight of features in common
    with the paper `paper_id` (not itself), most first; ties by id, the same on every machine."""
    wanted = weights.keys()
    scored = [
        # Rounded: the same features summed in another order must tie, and ties go by id.
        (-round(sum(weights[feature] for feature in shared), 9), other)
        for other, features in candidates.items()
        if other != paper_id and (shared := features & wanted)
    ]
    return [other for _score, other in sorted(scored)[:limit]]


def similar_among(paper: Paper, features_by_id: Mapping[str, frozenset[str]], limit: int) -> list[str]:
    """The papers most like `paper`, found by looking at every paper's features (a library
    without an index; the index finds its candidates by its full-text search instead)."""
    own = features_by_id.get(paper.id)
    if not own:
        return []
    counts: Counter[str] = Counter()
    for features in features_by_id.values():
        counts.update(features & own)
    weights = likeness_weights(paper, own, counts.__getitem__, len(features_by_id))
    return most_alike(weights, features_by_id, paper.id, limit)
