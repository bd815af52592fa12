"""The for-you order: the user's taste model (`taste`) trained on their state over a library,
ranking a view's papers and saying why each ranks where it does.

What it learns from is copied out of the reader's state first (`TasteInput`), so that training
can run in a worker thread while the user goes on starring; the model it gives is never
changed afterwards, so the reader and the filter worker read it without locks. Features come
from the library index's `terms` table (a few milliseconds for a 200-paper day), with the
user's own tags (`u:`) and the watched items (`v:`) the paper matches added on top.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tui.groups import Groups
from tui.library.features import token, watched_feature
from tui.library.merge import Library
from tui.model import Paper
from tui.review.deck import Deck
from tui.state.paper_state import PaperState, user_tags
from tui.state.store import Store
from tui.taste import MIN_LIKED, MIN_UNLIKED, Reason, TasteModel, labels_of

# A watched item is the user saying what they want: a paper matching one scores at least this
# much more, whatever the stars have taught the model about it so far.
WATCHED_PRIOR = 1.0
_BLANK = PaperState()


@dataclass(frozen=True)
class TasteInput:
    """What the model learns from, as of one moment: the states, the papers being studied (their
    cards answered and not suspended) and each watched item's papers, by its feature."""

    states: Mapping[str, PaperState]
    studied: frozenset[str] = frozenset()
    watched: Mapping[str, frozenset[str]] = field(default_factory=dict)


def watched_papers(groups: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """Each watched item's papers (by `WatchItem.key`) under its feature."""
    return {watched_feature(key): frozenset(ids) for key, ids in groups.items()}


def features_with_user(library: Library, paper_ids: Iterable[str], input: TasteInput) -> dict[str, frozenset[str]]:
    """The papers' features from the library, with the user's tags and watched items added."""
    found = library.features(paper_ids)
    states, watched = input.states, input.watched
    for paper_id, features in found.items():
        extra = {f"u:{value}" for tag in states.get(paper_id, _BLANK).tags if (value := token(tag))}
        extra.update(feature for feature, ids in watched.items() if paper_id in ids)
        if extra:
            found[paper_id] = features | extra
    return found


def train(library: Library, input: TasteInput) -> TasteModel:
    """The user's taste as their state over this library says it (papers the library no longer
    holds are left out)."""
    labels = labels_of(input.states, input.studied)
    features = features_with_user(library, [*labels.liked, *labels.unliked], input)
    liked = {paper_id: features[paper_id] for paper_id in labels.liked if paper_id in features}
    unliked = {paper_id: features[paper_id] for paper_id in labels.unliked if paper_id in features}
    if not liked or not unliked:
        return TasteModel(liked=len(liked), unliked=len(unliked))  # nothing to weigh one against the other
    return TasteModel.train(liked, unliked, {**labels.liked, **labels.unliked})


def not_ready_message(model: TasteModel | None) -> str:
    """What the for-you order says while it cannot rank yet; it sorts by date meanwhile."""
    if model is None:
        return "Learning your taste…; sorted by date meanwhile."
    wanted = []
    if model.liked < MIN_LIKED:
        wanted.append(f"star {MIN_LIKED - model.liked} more paper{'s' if MIN_LIKED - model.liked != 1 else ''}")
    if model.unliked < MIN_UNLIKED:
        wanted.append(f"read {MIN_UNLIKED - model.unliked} more without starring them")
    return f"The for-you order learns from your stars: {' and '.join(wanted)}. Sorted by date meanwhile."


def scores(model: TasteModel, features: Mapping[str, frozenset[str]]) -> dict[str, float]:
    """Each paper's score: its features' weights, a watched item's no less than `WATCHED_PRIOR`."""
    weights = model.weights
    found: dict[str, float] = {}
    for paper_id, paper_features in features.items():
        total = 0.0
        for feature in paper_features:
            weight = weights.get(feature, 0.0)
            total += max(weight, WATCHED_PRIOR) if feature[0] == "v" else weight
        found[paper_id] = total
    return found


def ranked(model: TasteModel, library: Library, paper_ids: Sequence[str], input: TasteInput) -> list[str]:
    """`paper_ids` (in date order) best first for the user; ties, and papers the library has no
    features for, keep the date order."""
    scored = scores(model, features_with_user(library, paper_ids, input))
    least = float("-inf")
    return sorted(paper_ids, key=lambda paper_id: -scored.get(paper_id, least))


def reason(model: TasteModel, library: Library, paper: Paper, input: TasteInput) -> Reason:
    """Why the paper ranks where it does for the user (`Reason.describe` says it)."""
    features = features_with_user(library, [paper.id], input).get(paper.id, frozenset())
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
