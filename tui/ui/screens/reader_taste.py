"""The reader's learning parts: the taste model trained in the background as the user stars,
and the papers like the one shown, found off the UI thread and each one key away.

A mixin of `ReaderScreen`, which holds the bindings (a mixin's BINDINGS are not collected).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding
from textual.worker import get_current_worker

from tui.library.merge import Library
from tui.model import Paper
from tui.sorting import FOR_YOU
from tui.taste import TasteModel
from tui.ui.screens.paper_dialogs import choose_related
from tui.ui.widgets.detail import SIMILAR_KEY_LABELS

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

    from tui.reading import Reading

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
# How long the cursor rests on a paper of a big library before its similar papers are looked for.
SIMILAR_PAUSE = 0.15
# Papers whose similar papers are kept (one each per paper looked at).
_KEPT_SIMILAR = 500


class LearnsTaste:
    """For `ReaderScreen`, whose are the attributes and methods declared here."""

    if TYPE_CHECKING:
        app: App
        reading: Reading

        @property
        def library(self) -> Library: ...

        def _current(self) -> str | None: ...
        def _show_detail(self) -> None: ...
        def _update_title(self) -> None: ...
        def _refilter(self, keep: str | None = None) -> None: ...
        def go_to_paper(self, paper_id: str) -> None: ...
        def set_interval(self, interval: float, callback: Callable[[], object]) -> Timer: ...
        def set_timer(self, delay: float, callback: Callable[[], object]) -> Timer: ...

    # The papers found like each paper looked at (made on first use), and whether training runs.
    _similar_found: dict[str, tuple[str, ...]] | None = None
    _training = False
    _similar_wait: Timer | None = None

    def start_learning(self) -> None:
        """Trains the taste now and again whenever the user's state has changed since."""
        self._train_if_stale()
        self.set_interval(TRAIN_CHECK_SECONDS, self._train_if_stale)

    def forget_similar(self) -> None:
        """Another library: the papers like each one are found anew."""
        self._similar_found = None

    # --- the taste -----------------------------------------------------------------------------

    def _train_if_stale(self) -> None:
        if self.reading.order.taste_stale and not self._training:
            self._training = True
            self._train_in_thread(self.reading.taste_job())

    @work(thread=True, exclusive=True, group="taste", exit_on_error=False)
    def _train_in_thread(self, job: Callable[[], TasteModel]) -> None:
        model = None
        try:
            model = job()
        finally:  # a failed training leaves the old model, and tries again at the next change
            cancelled = get_current_worker().is_cancelled
            self.app.call_from_thread(self._trained, None if cancelled else model)

    def _trained(self, model: TasteModel | None) -> None:
        self._training = False
        if model is None:
            return
        order = self.reading.order
        could_rank = order.taste is not None and order.taste.ready
        order.take_taste(model)
        # A view sorted for you was listed by date until now: list it in its order. After
        # that, the list keeps its order under the cursor until the view is shown again.
        if model.ready and not could_rank and order.sort_of(self.reading.view) == FOR_YOU:
            self._refilter(keep=self._current())
        self._update_title()
        self._show_detail()

    # --- the papers like the one shown ---------------------------------------------------------

    def similar_of(self, paper_id: str) -> list[tuple[Paper, bool]]:
        """The papers shown as like this one, each with whether the vault links it: the vault's
        links first. Those the features find are looked for in a worker the first time (the
        detail shows them when they are found)."""
        library = self.library
        papers = library.papers
        linked = [other for other in library.related(paper_id) if other in papers]
        found = (self._similar_found or {}).get(paper_id)
        if found is None and len(library) <= SIMILAR_AT_ONCE:
            found = tuple(library.similar(paper_id, len(SIMILAR_KEYS)))
            self._keep_similar(paper_id, found)
        elif found is None:
            self._look_for_similar_soon(paper_id)
            found = ()
        alike = [other for other in found if other not in linked and other in papers]
        chosen = [(other, True) for other in linked] + [(other, False) for other in alike]
        return [(papers[other], is_linked) for other, is_linked in chosen[: len(SIMILAR_KEYS)]]

    def _look_for_similar_soon(self, paper_id: str) -> None:
        """Looks for the papers like this one once the cursor has rested on it a moment: a key
        held down does not start a search for every paper it passes."""
        if self._similar_wait is not None:
            self._similar_wait.stop()
        self._similar_wait = self.set_timer(SIMILAR_PAUSE, lambda: self._find_similar(paper_id, self.library))

    @work(thread=True, exclusive=True, group="similar", exit_on_error=False)
    def _find_similar(self, paper_id: str, library: Library) -> None:
        found = tuple(library.similar(paper_id, len(SIMILAR_KEYS)))
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._took_similar, paper_id, library, found)

    def _keep_similar(self, paper_id: str, found: tuple[str, ...]) -> None:
        if not found:
            return  # none yet, perhaps: the index counts its features after a rebuild
        if self._similar_found is None or len(self._similar_found) >= _KEPT_SIMILAR:
            self._similar_found = {}
        self._similar_found[paper_id] = found

    def _took_similar(self, paper_id: str, library: Library, found: tuple[str, ...]) -> None:
        if library is not self.library:
            return  # found in the library before: its papers may be gone
        self._keep_similar(paper_id, found)
        if found and self._current() == paper_id:
            self._show_detail()

    def action_similar(self, place: int) -> None:
        """Goes to the detail's similar paper at `place` (0 for the first)."""
        if paper_id := self._current():
            shown = self.similar_of(paper_id)
            if place < len(shown):
                self.go_to_paper(shown[place][0].id)

    def action_more_like_this(self) -> None:
        """Offers the vault's links and up to `MORE_SIMILAR` papers like the one shown."""
        if paper_id := self._current():
            library = self.library
            ids = dict.fromkeys([*library.related(paper_id), *library.similar(paper_id, MORE_SIMILAR)])
            papers = [library.papers[other] for other in ids if other in library.papers]
            choose_related(self.app, papers, self.go_to_paper)
