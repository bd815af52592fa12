"""The orders the reader lists a view's papers in: each view's sort, remembered; the library's
sort keys, read once; the taste model behind the for-you order, trained in the background.

Plain Python, called from the UI thread and from the reader's filter worker: what the worker
reads (the kept sort keys, the model) is only ever replaced whole, never changed in place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from tui import for_you
from tui.for_you import Scores, TasteInput
from tui.library.merge import Library
from tui.model import Paper
from tui.settings import VIEW_SORTS, remember
from tui.sorting import DATE, FOR_YOU, SORTS, next_sort, sorted_ids
from tui.state.store import Store
from tui.taste import TasteModel
from tui.views import ViewKey


class ViewOrder:
    """Each view's sort, and what sorting needs: the library's sort keys and the user's taste."""

    def __init__(self, store: Store, library: Library) -> None:
        self.store = store
        self.library = library  # the one shown: only its sort keys and scores are kept
        self.sorts: dict[str, str] = dict(VIEW_SORTS.read(store))
        self._kept_sort_keys: tuple[Library | None, dict[str, Mapping[str, object]]] = (None, {})
        # The user's taste as last trained (None: not yet), and whether their state has changed
        # since the training started: then it is trained again.
        self.taste: TasteModel | None = None
        self.taste_stale = True
        self._scores: Scores | None = None  # the taste's scores of the library's papers, as asked for

    # --- each view's sort ----------------------------------------------------------------------

    def sort_of(self, view: ViewKey) -> str:
        sort = self.sorts.get(_sort_key(view), DATE)
        return sort if isinstance(sort, str) and sort in SORTS else DATE  # a hand-edited store may hold anything

    def cycle(self, view: ViewKey) -> str:
        """Puts the view in the next order, remembered for the view (for this session on a
        read-only store); returns what to say."""
        sort = next_sort(self.sort_of(view))
        self.sorts[_sort_key(view)] = sort
        remember(self.store, VIEW_SORTS, dict(self.sorts))
        if sort == FOR_YOU:
            return self.for_you_note() or "Sorted for you: the papers most like the ones you star first."
        return f"Sorted by {sort}: {SORTS[sort]}"

    def rename(self, old: ViewKey, new: ViewKey) -> None:
        """A renamed saved view keeps the sort it was shown in."""
        sort = self.sorts.pop(_sort_key(old), None)
        if sort is not None:
            self.sorts[_sort_key(new)] = sort
            remember(self.store, VIEW_SORTS, dict(self.sorts))

    # --- sorting -------------------------------------------------------------------------------

    def ordered(
        self,
        library: Library,
        ids: list[str],
        sort: str,
        first_seen: Callable[[], Mapping[str, date]],
        watched: Mapping[str, frozenset[str]],
    ) -> list[str]:
        """`ids` (in date order) in the order of `sort`; for-you in date order until the taste
        model is ready. `first_seen` is asked for only by the sort that needs it; `watched` are
        the watched items' papers (`for_you.watched_papers`) for-you scores by."""
        if sort == FOR_YOU:
            model = self.taste
            if model is None or not model.ready:
                return list(ids)
            scores = self._scores
            if scores is None or scores.model is not model or scores.library is not library:
                scores = Scores(model, library, watched)
                if library is self.library:
                    self._scores = scores
            return scores.ranked(ids)
        dates = first_seen() if sort == "first-seen" else {}
        return sorted_ids(ids, sort, lambda column: self.sort_keys(library, column), dates)

    def sort_keys(self, library: Library, column: str) -> Mapping[str, object]:
        """The library's sort keys, read once for each library (from its index, 50 ms at 100,000).

        Called from the filter worker too: what is kept is replaced whole, so a worker of the
        library before cannot leave its keys behind for the new one."""
        kept_library, kept = self._kept_sort_keys
        if kept_library is not library:
            kept = {}
        keys = kept.get(column)
        if keys is None:
            keys = library.sort_keys(column)
            if column == "title_key":
                # Each title's place A to Z, worked out once: a view then sorts by whole numbers,
                # not by comparing 100,000 titles again.
                keys = {paper_id: place for place, paper_id in enumerate(sorted(keys, key=keys.__getitem__))}
            if library is self.library:
                self._kept_sort_keys = (library, {**kept, column: keys})
        return keys

    def use_library(self, library: Library) -> None:
        """Another library is shown: its keys are read anew, and the taste is trained on it."""
        self.library = library
        self._kept_sort_keys = (None, {})
        self._scores = None
        self.taste_stale = True

    # --- the taste behind the for-you order ------------------------------------------------------

    def taste_job(self, library: Library, taste: TasteInput) -> Callable[[], TasteModel]:
        """Training the taste model on `taste` (a worker's job: a second or so for thousands of
        labelled papers); `take_taste` takes its model in."""
        self.taste_stale = False
        return lambda: for_you.train(library, taste)

    def take_taste(self, model: TasteModel) -> None:
        self.taste = model

    def for_you_note(self) -> str | None:
        """What the for-you order says while it cannot rank yet (None once it can)."""
        model = self.taste
        return None if model is not None and model.ready else for_you.not_ready_message(model)

    def explain(self, library: Library, paper: Paper, taste: TasteInput) -> str | None:
        """Why the paper is where the for-you order puts it (None until the model is ready)."""
        model = self.taste
        if model is None or not model.ready:
            return None
        return for_you.reason(model, library, paper, taste).describe()


def _sort_key(view: ViewKey) -> str:
    """Where a view's sort is remembered: every digest date shares one, by its kind."""
    return view.kind if view.kind in ("day", "month", "year") else f"{view.kind}:{view.value}"
