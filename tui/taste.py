"""The user's taste, learned on this machine: which papers they star, from what the papers say.

A naive Bayes model over each paper's features, in the log-count-ratio form of Wang and
Manning's NBSVM baseline ("Baselines and Bigrams", 2012), which holds its own against
linear SVMs on short texts, trains in one pass over the labelled papers (5,000 of them in a
fraction of a second, in plain Python) and says why it ranks a paper where it does: each
feature has one weight, and a paper's score is the sum of its features' weights.

Features of a paper (`features_of`):
    w:word      a word of the title, abstract or commentary (English, lower case, no stop words)
    p:word word two words in a row in the title or commentary: "video generation"
    k:한국      two Hangul syllables in a row in the Korean commentary (Korean has no spaces
                between the parts of a word, and bigrams are the standard stand-in for them)
    t:tag       a tag of the digest's or the user's
    a:name      an author (the first ten)

Labels come from the user's state (`labels_of`): a starred paper is liked; one read without
a star (triage's "read" included) is not. Pure: no Textual, no I/O.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

from tui.model import Paper
from tui.state.paper_state import PaperState

# Enough to learn from: fewer stars than this, and the for-you order says so and sorts by date.
MIN_LIKED = 5
MIN_UNLIKED = 5
# Laplace smoothing of the feature counts.
SMOOTHING = 1.0
AUTHORS_USED = 10
_WORD = re.compile(r"[a-z][a-z0-9\-]+[a-z0-9]|[a-z]{2}")
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")
# Words that say nothing about what a paper is about (and the words every abstract uses).
STOP_WORDS = frozenset(
    """a an and are as at be been but by can do does for from has have how in into is it its of on
    or our over such than that the their them these they this those to via was we were what when
    which while who will with without you your more most also both each other only than then there
    however thus using based show shows shown propose proposed present paper approach method methods
    results new novel work task tasks model models data large language llm llms achieve across
    state art performance existing significantly improve improves improved""".split()
)


def features_of(paper: Paper, user_tags: Iterable[str] = ()) -> frozenset[str]:
    """The features of a paper, as the model knows them (see the module's docstring)."""
    found: set[str] = set()
    prose = " ".join((paper.title, paper.abstract, paper.commentary_en)).lower()
    found.update(f"w:{word}" for word in _WORD.findall(prose) if word not in STOP_WORDS)
    for text in (paper.title, paper.commentary_en):
        found.update(
            f"p:{first} {second}"
            for first, second in pairwise(_WORD.findall(text.lower()))
            if first not in STOP_WORDS and second not in STOP_WORDS
        )
    for run in _HANGUL.findall(paper.commentary_ko):
        found.update(f"k:{run[index : index + 2]}" for index in range(len(run) - 1))
    found.update(f"t:{tag}" for tag in (*paper.tags, *user_tags))
    found.update(f"a:{' '.join(name.split())}" for name in paper.authors[:AUTHORS_USED])
    return frozenset(found)


def labels_of(states: Mapping[str, PaperState]) -> tuple[list[str], list[str]]:
    """The papers the user liked (starred) and those they passed over (read, not starred)."""
    liked = [paper_id for paper_id, state in states.items() if state.starred]
    unliked = [paper_id for paper_id, state in states.items() if state.read and not state.starred]
    return liked, unliked


def describe_feature(feature: str) -> str:
    """How an explanation names a feature: #tag, ‘video generation’, Ann Lee."""
    kind, _, value = feature.partition(":")
    return {"t": f"#{value}", "a": value}.get(kind, f"‘{value}’")


@dataclass(frozen=True)
class Reason:
    """Why a paper ranks where it does: how many liked papers share its strongest features, and those."""

    liked_alike: int
    features: tuple[str, ...]

    def describe(self) -> str:
        """`like 6 papers you starred: #diffusion, ‘video generation’, Ann Lee`."""
        if not self.features:
            return "nothing in it is like the papers you starred"
        names = ", ".join(describe_feature(feature) for feature in self.features)
        paper_word = "paper" if self.liked_alike == 1 else "papers"
        return f"like {self.liked_alike} {paper_word} you starred: {names}"


@dataclass
class TasteModel:
    """Feature weights learned from liked and unliked papers; a paper scores the sum of its own."""

    weights: dict[str, float] = field(default_factory=dict)
    # For each feature, the liked papers that have it (to say how many a paper is like).
    liked_with: dict[str, frozenset[str]] = field(default_factory=dict)
    liked: int = 0
    unliked: int = 0

    @classmethod
    def train(cls, liked: Mapping[str, frozenset[str]], unliked: Mapping[str, frozenset[str]]) -> TasteModel:
        """Learns from the features of liked and unliked papers (by paper id)."""
        positive: Counter[str] = Counter()
        negative: Counter[str] = Counter()
        for features in liked.values():
            positive.update(features)
        for features in unliked.values():
            negative.update(features)
        vocabulary = positive.keys() | negative.keys()
        size = len(vocabulary)
        positive_total = sum(positive.values()) + SMOOTHING * size
        negative_total = sum(negative.values()) + SMOOTHING * size
        weights = {
            feature: math.log((positive[feature] + SMOOTHING) / positive_total)
            - math.log((negative[feature] + SMOOTHING) / negative_total)
            for feature in vocabulary
        }
        liked_with: dict[str, set[str]] = {}
        for paper_id, features in liked.items():
            for feature in features:
                liked_with.setdefault(feature, set()).add(paper_id)
        return cls(
            weights=weights,
            liked_with={feature: frozenset(ids) for feature, ids in liked_with.items()},
            liked=len(liked),
            unliked=len(unliked),
        )

    @property
    def ready(self) -> bool:
        """Whether there was enough to learn from (`MIN_LIKED` stars, `MIN_UNLIKED` passed over)."""
        return self.liked >= MIN_LIKED and self.unliked >= MIN_UNLIKED

    def score(self, features: Iterable[str]) -> float:
        weights = self.weights
        return sum(weights.get(feature, 0.0) for feature in features)

    def ranked(self, features_by_id: Mapping[str, frozenset[str]]) -> list[str]:
        """The papers best first; ties keep the order given (date order)."""
        scores = {paper_id: self.score(features) for paper_id, features in features_by_id.items()}
        return sorted(features_by_id, key=lambda paper_id: -scores[paper_id])

    def reason(self, features: Iterable[str], *, shown: int = 3) -> Reason:
        """The paper's strongest features for the user's taste, and how many liked papers share any."""
        weights = self.weights
        strongest = sorted(
            (feature for feature in features if weights.get(feature, 0.0) > 0 and feature in self.liked_with),
            key=lambda feature: (-weights[feature], feature),
        )[:shown]
        alike: set[str] = set()
        for feature in strongest:
            alike |= self.liked_with[feature]
        return Reason(len(alike), tuple(strongest))
