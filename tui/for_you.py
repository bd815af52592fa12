"""The for-you order: the user's taste model (`taste`) trained on their state over a library,
ranking a view's papers and saying why each ranks where it does.

What it learns from is copied out of the reader's state on the UI thread (`TasteInput`), so
that training runs in a worker while the user goes on starring; a model is never changed
once made, so the reader and the filter worker read it without locks. Features come from the
library index's `terms` table, with the watched items (`v:`) a paper matches added on top;
a model's scores are kept (`Scores`), so a view sorted again is not scored again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tui.groups import Groups
from tui.library.features import watched_feature
from tui.library.merge import Library
from tui.model import Paper
from tui.review.deck import Deck
from tui.state.paper_state import PaperState, user_tags
from tui.state.store import Store
from tui.taste import MIN_LIKED, MIN_UNLIKED, Reason, TasteModel, labels_of

# Training learns from at most this many papers passed over, the most recently read: after
# "mark all read" on a big library, 100,000 of them would say little more and cost seconds.
MAX_PASSED_OVER = 10_000
_BLANK = PaperState()


@dataclass(frozen=True)
class TasteInput:
    """What the model learns from, as of one moment: the states, the papers being studied (their
    cards answered and not suspended) and each watched item's papers, by its feature."""

    states: Mapping[str, PaperState]
    studied: frozenset[str] = frozenset()
    watched: Mapping[str, frozenset[str]] = field(default_factory=dict)


def watched_papers(groups: Mapping[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """Each watched item's papers (by `WatchItem.key`) under its feature."""
    return {watched_feature(key): ids for key, ids in groups.items()}


def features_with_watched(
    library: Library, paper_ids: Iterable[str], watched: Mapping[str, frozenset[str]]
) -> dict[str, frozenset[str]]:
    """The papers' features from the library, with the watched items they match added."""
    found = library.features(paper_ids)
    if watched:
        for paper_id, features in found.items():
            if extra := {feature for feature, ids in watched.items() if paper_id in ids}:
                found[paper_id] = features | extra
    return found


def train(library: Library, input: TasteInput) -> TasteModel:
    """The user's taste as their state over this library says it (papers the library no longer
    holds are left out)."""
    labels = labels_of(input.states, input.studied)
    passed_over = labels.unliked
    if len(passed_over) > MAX_PASSED_OVER:
        recent = sorted(passed_over, key=lambda i: input.states[i].read_at or "", reverse=True)
        passed_over = {paper_id: passed_over[paper_id] for paper_id in recent[:MAX_PASSED_OVER]}
    features = features_with_watched(library, [*labels.liked, *passed_over], input.watched)
    liked = {paper_id: features[paper_id] for paper_id in labels.liked if paper_id in features}
    unliked = {paper_id: features[paper_id] for paper_id in passed_over if paper_id in features}
    if not liked:
        return TasteModel(liked=0, unliked=len(unliked))  # nothing liked: nothing to learn
    # The library's own rates, for the liked papers to stand out from (and, with no papers
    # passed over yet, to be weighed against).
    background = library.feature_counts(set().union(*liked.values(), *unliked.values()))
    weights = {**labels.liked, **passed_over}
    return TasteModel.train(liked, unliked, weights, watched=input.watched, background=background)


def not_ready_message(model: TasteModel | None) -> str:
    """What the for-you order says while it cannot rank yet; it sorts by date meanwhile."""
    if model is None:
        return "Learning your taste…; sorted by date meanwhile."
    wanted = []
    if model.liked < MIN_LIKED:
        missing = MIN_LIKED - model.liked
        wanted.append(f"star {missing} more paper{'s' if missing != 1 else ''}")
    if model.unliked < MIN_UNLIKED and not model.background_papers:
        wanted.append(f"read {MIN_UNLIKED - model.unliked} more without starring them")
    return f"The for-you order learns from your stars: {' and '.join(wanted)}. Sorted by date meanwhile."


class Scores:
    """One model's scores of one library's papers, worked out as views ask for them and kept:
    the filter worker fills it while the UI thread reads it, so it only ever gains entries."""

    def __init__(self, model: TasteModel, library: Library, watched: Mapping[str, frozenset[str]]) -> None:
        self.model, self.library, self.watched = model, library, watched
        self._scores: dict[str, float] = {}

    def of(self, paper_ids: Sequence[str]) -> dict[str, float]:
        scores = self._scores
        missing = [paper_id for paper_id in paper_ids if paper_id not in scores]
        if not missing:
            return scores
        # Most of the library (the All view): every row in one scan beats looking each one up.
        asked = None if len(missing) > len(self.library) // 2 else missing
        score, watched = self.model.score, self.watched.items()
        for paper_id, features in self.library.feature_lists(asked):
            extra = [feature for feature, ids in watched if paper_id in ids]
            scores[paper_id] = score([*features, *extra] if extra else features)
        return scores

    def ranked(self, paper_ids: Sequence[str]) -> list[str]:
        """`paper_ids` (in date order) best first for the user; ties, and papers the library has
        no features for, keep the date order."""
        scored, least = self.of(paper_ids), float("-inf")
        return sorted(paper_ids, key=lambda paper_id: -scored.get(paper_id, least))


def ranked(model: TasteModel, library: Library, paper_ids: Sequence[str], input: TasteInput) -> list[str]:
    """`paper_ids` best first for the user (see `Scores.ranked`), scored afresh."""
    return Scores(model, library, input.watched).ranked(paper_ids)


def reason(model: TasteModel, library: Library, paper: Paper, input: TasteInput) -> Reason:
    """Why the paper ranks where it does for the user (`Reason.describe` says it)."""
    features = features_with_watched(library, [paper.id], input.watched).get(paper.id, frozenset())
    return model.reason(features, paper)


def studied_papers(deck: Deck) -> frozenset[str]:
    """The papers whose cards have been answered and are not suspended."""
    return frozenset(card.paper_id for card in deck.cards() if card.reviewed and not card.suspended)


def taste_in_store(library: Library, store: Store) -> TasteInput:
    """What the model learns from, read from the store (the command line's way: the reader
    has the watched items' papers worked out already)."""
    states = store.paper_states()
    groups = Groups(store)
    tags = user_tags(states)

    def state_of(paper_id: str) -> PaperState:
        return states.get(paper_id, _BLANK)

    watched = {item.key: frozenset(groups.watcher.papers_of(item, library, state_of, tags)) for item in groups.watch}
    return TasteInput(states, studied_papers(Deck(store)), watched_papers(watched))
