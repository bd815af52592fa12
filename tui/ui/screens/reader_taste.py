"""The reader's learning parts: the taste model trained in the background as the user stars,
and the papers like the one shown, found off the UI thread and each one key away.

A mixin of `ReaderScreen`, which holds the bindings (a mixin's BINDINGS are not collected).
"""

from __future__ import annotations

from collections.abc import Callable

from textual import work
from textual.binding import Binding
from textual.worker import get_current_worker

from tui.model import Paper
from tui.sorting import FOR_YOU
from tui.taste import TasteModel
from tui.ui.screens.paper_dialogs import choose_related
from tui.ui.widgets.detail import SIMILAR_KEY_LABELS

# The keys that go to the papers like the one shown, in the order the detail lists them.
SIMILAR_KEYS = ("exclamation_mark", "at", "number_sign", "dollar_sign", "percent_sign")
SIMILAR_BINDINGS = [
    Binding(key, f"similar({place})", f"Similar paper {label}", show=False, key_display=label)
    for place, (key, label) in enumerate(zip(SIMILAR_KEYS, SIMILAR_KEY_LABELS, strict=True))
]
# How many papers "More like this…" offers.
MORE_SIMILAR = 20
# How often the reader looks whether the user's state changed since the taste was trained.
TRAIN_CHECK_SECONDS = 2.0
# Up to this many papers, the similar ones are found on the UI thread (a few milliseconds), so
# that the detail shows them in the same frame as the rest.
SIMILAR_AT_ONCE = 2_000
# Papers whose similar papers are kept (one each per paper looked at).
_KEPT_SIMILAR = 500


class LearnsTaste:
    """For `ReaderScreen`: `self.reading`, `self.library`, `_current`, `_show_detail`,
    `_refilter` and `go_to_paper` are the screen's."""

    # The papers found like each paper looked at (made on first use), and whether training runs.
    _similar_found: dict[str, tuple[str, ...]] | None = None
    _training = False

    def start_learning(self) -> None:
        """Trains the taste now and again whenever the user's state has changed since."""
        self._train_if_stale()
        self.set_interval(TRAIN_CHECK_SECONDS, self._train_if_stale)  # type: ignore[attr-defined]

    def forget_similar(self) -> None:
        """Another library: the papers like each one are found anew."""
        self._similar_found = None

    # --- the taste -----------------------------------------------------------------------------

    def _train_if_stale(self) -> None:
        if self.reading.order.taste_stale and not self._training:  # type: ignore[attr-defined]
            self._training = True
            self._train_in_thread(self.reading.taste_job())  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="taste", exit_on_error=False)
    def _train_in_thread(self, job: Callable[[], TasteModel]) -> None:
        model = None
        try:
            model = job()
        finally:  # a failed training leaves the old model, and tries again at the next change
            cancelled = get_current_worker().is_cancelled
            self.app.call_from_thread(self._trained, None if cancelled else model)  # type: ignore[attr-defined]

    def _trained(self, model: TasteModel | None) -> None:
        self._training = False
        if model is None:
            return
        order = self.reading.order  # type: ignore[attr-defined]
        could_rank = order.taste is not None and order.taste.ready
        order.take_taste(model)
        # A view sorted for you was listed by date until now: list it in its order. After
        # that, the list keeps its order under the cursor until the view is shown again.
        if model.ready and not could_rank and order.sort_of(self.reading.view) == FOR_YOU:  # type: ignore[attr-defined]
            self._refilter(keep=self._current())  # type: ignore[attr-defined]
        self._update_title()  # type: ignore[attr-defined]
        self._show_detail()  # type: ignore[attr-defined]

    # --- the papers like the one shown ---------------------------------------------------------

    def similar_of(self, paper_id: str) -> list[tuple[Paper, bool]]:
        """The papers shown as like this one, each with whether the vault links it: the vault's
        links first. Those the features find are looked for in a worker the first time (the
        detail shows them when they are found)."""
        library = self.library  # type: ignore[attr-defined]
        papers = library.papers
        linked = [other for other in library.related(paper_id) if other in papers]
        found = (self._similar_found or {}).get(paper_id)
        if found is None and len(library) <= SIMILAR_AT_ONCE:
            found = tuple(library.similar(paper_id, len(SIMILAR_KEYS)))
            self._keep_similar(paper_id, found)
        elif found is None:
            self._find_similar(paper_id, len(SIMILAR_KEYS))
            found = ()
        alike = [other for other in found if other not in linked]
        chosen = [(other, True) for other in linked] + [(other, False) for other in alike]
        return [(papers[other], is_linked) for other, is_linked in chosen[: len(SIMILAR_KEYS)]]

    @work(thread=True, exclusive=True, group="similar", exit_on_error=False)
    def _find_similar(self, paper_id: str, limit: int) -> None:
        found = tuple(self.library.similar(paper_id, limit))  # type: ignore[attr-defined]
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._took_similar, paper_id, found)  # type: ignore[attr-defined]

    def _keep_similar(self, paper_id: str, found: tuple[str, ...]) -> None:
        if self._similar_found is None or len(self._similar_found) >= _KEPT_SIMILAR:
            self._similar_found = {}
        self._similar_found[paper_id] = found

    def _took_similar(self, paper_id: str, found: tuple[str, ...]) -> None:
        self._keep_similar(paper_id, found)
        if self._current() == paper_id:  # type: ignore[attr-defined]
            self._show_detail()  # type: ignore[attr-defined]

    def action_similar(self, place: int) -> None:
        """Goes to the detail's similar paper at `place` (0 for the first)."""
        if paper_id := self._current():  # type: ignore[attr-defined]
            shown = self.similar_of(paper_id)
            if place < len(shown):
                self.go_to_paper(shown[place][0].id)  # type: ignore[attr-defined]

    def action_more_like_this(self) -> None:
        """Offers the vault's links and up to `MORE_SIMILAR` papers like the one shown."""
        if paper_id := self._current():  # type: ignore[attr-defined]
            library = self.library  # type: ignore[attr-defined]
            ids = dict.fromkeys([*library.related(paper_id), *library.similar(paper_id, MORE_SIMILAR)])
            papers = [library.papers[other] for other in ids if other in library.papers]
            choose_related(self.app, papers, self.go_to_paper)  # type: ignore[attr-defined]
