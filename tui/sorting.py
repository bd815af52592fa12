"""The orders a view's papers can be listed in: pure functions of the papers' fields.

    date        newest digest first, each day's papers as the digest lists them (the default)
    upvotes     most upvoted first; papers without a count after the rest
    title       A to Z by title, as titles are compared (case and punctuation aside)
    first-seen  the papers first seen most recently first (a paper seen again on a later day
                sorts by the first day it appeared)
    for-you     the user's taste first, as learned from what they star (`for_you.ranked`: it
                needs the user's state, so `sorted_ids` leaves it in date order)

Every sort is stable: papers that tie keep the date order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

DATE = "date"
SORTS: dict[str, str] = {
    DATE: "newest digest first",
    "upvotes": "most upvoted first",
    "title": "title, A to Z",
    "first-seen": "first seen most recently first",
    "for-you": "the order learned from your stars",
}
FOR_YOU = "for-you"
# The sorts the reader's sort key goes through, in this order.
CYCLE = ("date", "upvotes", "title", "first-seen", FOR_YOU)


class SortError(ValueError):
    """A sort that does not exist; the message says which there are."""


def check_sort(name: str) -> str:
    """`name` if it is a sort; SortError otherwise."""
    if name not in SORTS:
        raise SortError(f"no sort {name!r}; the sorts are: {', '.join(SORTS)}")
    return name


def next_sort(name: str) -> str:
    """The sort the reader's sort key goes to from `name`."""
    return CYCLE[(CYCLE.index(name) + 1) % len(CYCLE)] if name in CYCLE else CYCLE[0]


def sorted_ids(
    ids: Sequence[str],
    sort: str,
    sort_keys: Callable[[str], Mapping[str, object]],
    first_seen: Mapping[str, date],
) -> list[str]:
    """`ids` (in date order) in the order `sort` names. `sort_keys` gives every paper's
    `upvotes` or `title_key` by id (`Library.sort_keys`; title keys may be their places A to Z):
    no paper is read to sort."""
    if sort not in SORTS or sort in (DATE, FOR_YOU):
        return list(ids)
    if sort == "first-seen":
        oldest = date.min
        return sorted(ids, key=lambda paper_id: first_seen.get(paper_id, oldest), reverse=True)
    if sort == "upvotes":
        votes = sort_keys("upvotes")
        # Negated rather than reverse=True, so that ties keep the date order; no count is -1.
        return sorted(ids, key=lambda paper_id: -_count(votes.get(paper_id)))
    titles = sort_keys("title_key")
    # Papers the library no longer holds go last. A flag first, not a title of "\uffff": a title
    # in a script beyond the first plane (CJK extension B, say) sorts after that.
    return sorted(ids, key=lambda paper_id: (paper_id not in titles, titles.get(paper_id, 0)))


def _count(upvotes: object) -> int:
    return upvotes if isinstance(upvotes, int) else -1
