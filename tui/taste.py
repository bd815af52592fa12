"""The user's taste, learned on this machine: which papers they star, from what the papers say.

A naive Bayes model over each paper's features, as log ratios of how often a feature is in a
liked paper and in a passed-over one (the log-count ratios of Wang and Manning's NBSVM
baseline, "Baselines and Bigrams", 2012). It trains in one pass over the labelled papers
(5,000 of them in a fraction of a second, in plain Python) and says why it ranks a paper where
it does: each feature has one weight, and a paper's score is the sum of its features' weights.

Each rate starts from the feature's rate in the whole library, as if `PRIOR_PAPERS` papers
like the library's were in each class (Dirichlet prior smoothing, as Zhai and Lafferty smooth
language models for retrieval, 2001). So a feature weighs what the user's papers say *beyond*
what is usual: a word every abstract has weighs little, a handful of stars that agree on a
rare tag weighs a lot, and a user who has starred papers and read nothing else is ranked
against the library itself (`train`'s `background`: every feature's paper count, which the
library's index keeps). A feature of a single labelled paper has no weight at all.

The features of a paper (`tui.library.features`: words, pairs of words, Korean syllable
pairs, tags, authors, watched items) are what the model weighs.

Labels come from the user's state (`labels_of`): a starred paper is liked, more so when its
card is being reviewed; one the user tagged or wrote a note on, a little; one read without a
star (triage's "read" included) is not liked. Pure: no Textual, no I/O.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import repeat

from tui.library.features import token
from tui.model import Paper
from tui.state.paper_state import PaperState

# Enough to learn from: fewer than this, and the for-you order says so and sorts by date.
MIN_LIKED = 5
MIN_UNLIKED = 5
# How many papers' worth of the library's own rates each class starts from: with a few stars a
# feature weighs little until several of them agree; with hundreds, the stars speak for
# themselves. Chosen with bench/taste_quality.py: on its generated corpus 50 to 500 do about as
# well and 2 or 10 worse; on the real digests 10 to 200 are alike.
PRIOR_PAPERS = 50.0
# A feature of fewer labelled papers than this has no weight: one paper's quirk is no taste.
MIN_SUPPORT = 2
# How much each kind of evidence counts, against a star's 1.
STUDIED_BONUS = 0.5  # a starred paper whose card is being reviewed
CARED_WEIGHT = 0.5  # not starred, but tagged or given a note
# A watched item is the user saying what they want: its feature weighs at least this much,
# whatever the stars have taught the model about it so far.
WATCHED_PRIOR = 1.0
_ZEROS = repeat(0.0)
# A reason names only features that more than one liked paper has: one paper's quirk is no taste.
REASON_SUPPORT = 2


@dataclass(frozen=True)
class Labels:
    """What the user's state says about their taste: liked and passed-over papers, each weighted."""

    liked: dict[str, float]
    unliked: dict[str, float]


def labels_of(states: Mapping[str, PaperState], studied: Iterable[str] = ()) -> Labels:
    """The papers the user liked and those they passed over, from their state.

    `studied` are the papers whose cards have been answered and are not suspended: a star the
    user keeps reviewing says more than a star alone."""
    studying = set(studied)
    liked: dict[str, float] = {}
    unliked: dict[str, float] = {}
    for paper_id, state in states.items():
        if state.starred:
            liked[paper_id] = 1.0 + (STUDIED_BONUS if paper_id in studying else 0.0)
        elif state.tags or state.note.strip():
            liked[paper_id] = CARED_WEIGHT
        elif state.read:
            unliked[paper_id] = 1.0
    return Labels(liked, unliked)


def describe_feature(feature: str, paper: Paper | None = None) -> str:
    """How an explanation names a feature: #diffusion, ‘video generation’, Ann Lee.

    Tokens are lower case and joined by `_`; the paper the feature was found in gives back
    a tag's or an author's own spelling."""
    kind, _, value = feature.partition(":")
    if paper is not None and kind in "tua":
        spelled = paper.authors if kind == "a" else paper.tags
        value = next((name for name in spelled if token(name) == value), value)
    spaced = value.replace("_", " ")
    if kind in ("t", "u"):
        return f"#{value}"
    if kind == "a":
        return spaced if paper is None else value
    if kind == "v":
        return f"◆ {spaced.partition(' ')[2] or spaced}"
    return f"‘{spaced}’"


@dataclass(frozen=True)
class Reason:
    """Why a paper ranks where it does: how many liked papers share its strongest features, and those."""

    liked_alike: int
    features: tuple[str, ...]
    # The features as the explanation names them (`describe_feature`, spelled as in the paper).
    names: tuple[str, ...] = ()

    def describe(self) -> str:
        """`like 6 papers you starred: #diffusion, ‘video generation’, Ann Lee`."""
        if not self.features:
            return "nothing in it is like the papers you starred"
        names = ", ".join(self.names or map(describe_feature, self.features))
        paper_word = "paper" if self.liked_alike == 1 else "papers"
        return f"like {self.liked_alike} {paper_word} you starred: {names}"


def _add_to_each(totals: dict[str, float], features: Iterable[str], amount: float) -> None:
    for feature in features:
        totals[feature] = totals.get(feature, 0.0) + amount


@dataclass
class TasteModel:
    """Feature weights learned from liked and unliked papers; a paper scores the sum of its own."""

    weights: dict[str, float] = field(default_factory=dict)
    # For each feature that speaks for the taste (one a reason may name), the liked papers that
    # have it: to say how many a paper is like.
    liked_with: dict[str, frozenset[str]] = field(default_factory=dict)
    liked: int = 0
    unliked: int = 0
    # The papers of the library the rates started from (0: only the labelled papers were known).
    background_papers: int = 0

    @classmethod
    def train(
        cls,
        liked: Mapping[str, Iterable[str]],
        unliked: Mapping[str, Iterable[str]],
        weight: Mapping[str, float] | None = None,
        watched: Iterable[str] = (),
        *,
        background: tuple[Mapping[str, int], int] | None = None,
    ) -> TasteModel:
        """Learns from the features of liked and unliked papers (by paper id); `weight` says how
        much each paper counts (1 when not given, see `labels_of`). The `watched` items'
        features weigh no less than `WATCHED_PRIOR`, whatever the stars say of them so far.
        `background` is how many of the library's papers have each feature, and how many
        papers it has (`Library.feature_counts`); without it, the labelled papers stand in."""
        weight = weight or {}
        # Each paper is counted in C (Counter.update), and a weight other than 1 adds what it
        # differs by: most papers weigh 1, and 5,000 of them must train in well under a second.
        liked_count: Counter[str] = Counter()
        unliked_count: Counter[str] = Counter()
        liked_extra: dict[str, float] = {}
        unliked_extra: dict[str, float] = {}
        liked_with: dict[str, set[str]] = {}
        liked_mass = unliked_mass = 0.0
        for paper_id, features in liked.items():
            features = features if isinstance(features, Collection) else tuple(features)
            share = weight.get(paper_id, 1.0)
            liked_mass += share
            liked_count.update(features)
            for feature in features:
                liked_with.setdefault(feature, set()).add(paper_id)
            if share != 1.0:
                _add_to_each(liked_extra, features, share - 1.0)
        for paper_id, features in unliked.items():
            features = features if isinstance(features, Collection) else tuple(features)
            share = weight.get(paper_id, 1.0)
            unliked_mass += share
            unliked_count.update(features)
            if share != 1.0:
                _add_to_each(unliked_extra, features, share - 1.0)
        labelled = len(liked) + len(unliked)
        if background is not None and background[1] > 0:
            counts, library = background
        else:
            counts, library = {}, 0  # each feature's labelled papers stand in for its count
        # An index counted before the latest papers came in knows fewer of them than the labels.
        library = max(library, labelled) + 1
        log, prior = math.log, PRIOR_PAPERS
        liked_total, unliked_total = log(liked_mass + prior), log(unliked_mass + prior)
        weights = {}
        for feature in liked_count.keys() | unliked_count.keys():
            in_liked, in_unliked = liked_count.get(feature, 0), unliked_count.get(feature, 0)
            if in_liked + in_unliked < MIN_SUPPORT:
                continue
            usual = prior * (max(counts.get(feature, 0), in_liked + in_unliked) + 0.5) / library
            positive = in_liked + liked_extra.get(feature, 0.0)
            negative = in_unliked + unliked_extra.get(feature, 0.0)
            weights[feature] = log(positive + usual) - liked_total - log(negative + usual) + unliked_total
        for feature in watched:
            weights[feature] = max(weights.get(feature, 0.0), WATCHED_PRIOR)
        return cls(
            weights=weights,
            liked_with={
                feature: frozenset(ids)
                for feature, ids in liked_with.items()
                if len(ids) >= REASON_SUPPORT and weights.get(feature, 0.0) > 0
            },
            liked=len(liked),
            unliked=len(unliked),
            background_papers=background[1] if background is not None else 0,
        )

    @property
    def ready(self) -> bool:
        """Whether there was enough to learn from: `MIN_LIKED` liked, and `MIN_UNLIKED` passed over
        or the library's feature counts to weigh the liked papers against."""
        return self.liked >= MIN_LIKED and (self.unliked >= MIN_UNLIKED or self.background_papers > 0)

    def score(self, features: Iterable[str]) -> float:
        """The sum of the features' weights (in C: a whole library is 100,000 calls)."""
        return sum(map(self.weights.get, features, _ZEROS))

    def scores(self, features_by_id: Mapping[str, Iterable[str]]) -> dict[str, float]:
        score = self.score
        return {paper_id: score(features) for paper_id, features in features_by_id.items()}

    def ranked(self, features_by_id: Mapping[str, Iterable[str]]) -> list[str]:
        """The papers best first; ties keep the order given (date order)."""
        scores = self.scores(features_by_id)
        return sorted(features_by_id, key=lambda paper_id: -scores[paper_id])

    def reason(self, features: Iterable[str], paper: Paper | None = None, *, shown: int = 3) -> Reason:
        """The paper's strongest features for the user's taste, and how many liked papers share any."""
        weights = self.weights
        liked_with = self.liked_with
        strongest = sorted(
            (
                feature
                for feature in features
                if weights.get(feature, 0.0) > 0 and len(liked_with.get(feature, ())) >= REASON_SUPPORT
            ),
            key=lambda feature: (-weights[feature], feature),
        )[:shown]
        alike: set[str] = set()
        for feature in strongest:
            alike |= self.liked_with[feature]
        names = tuple(describe_feature(feature, paper) for feature in strongest)
        return Reason(len(alike), tuple(strongest), names)
