"""The middle pane: the `/` filter line over the paper list, showing the reader's current view.

It asks the reading model (`tui.reading`) for the papers of the view as filtered and sorted:
a small view at once, a big one in a worker thread, once the typing pauses. `shown` counts
the papers listed; the screen watches it for its title, in the frame of the list.
"""

from __future__ import annotations

import time

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import get_current_worker

from tui.reading import FilterJob, Reading
from tui.runtime import freeze_heap
from tui.ui.widgets.filter_input import FilterInput
from tui.ui.widgets.paper_list import PaperList

FILTER_PAUSE_SECONDS = 0.12
PLACEHOLDER = 'filter: words  "a phrase"  tag:rl  unread  starred  later  after:2025-06-01'


class ViewPane(Vertical):
    """The filter field (shown while filtering) and the list of the view's papers."""

    DEFAULT_CSS = """
    ViewPane #filter { display: none; height: 3; }
    ViewPane #filter.-active { display: block; }
    """

    shown: reactive[int] = reactive(0, always_update=True, init=False)

    def __init__(self, reading: Reading, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.reading = reading
        self._filter_timer: Timer | None = None
        self._keep_row: int | None = None  # the cursor's row on screen, kept across a new library

    def compose(self) -> ComposeResult:
        yield FilterInput(placeholder=PLACEHOLDER, id="filter")
        yield PaperList(self.reading.library.papers, self.reading.state_of, id="papers")

    @property
    def papers(self) -> PaperList:
        return self.query_one(PaperList)

    # --- showing the view ----------------------------------------------------------------------

    def refilter(self, keep: str | None = None) -> None:
        """Shows the current view through the current filter, the cursor on `keep` if it is
        there; big views filter in a thread."""
        job = self.reading.filter_job()
        if job.error is not None:
            self.notify(job.error, severity="warning", markup=False)
        self.papers.look(upvotes=job.sort == "upvotes")
        if job.at_once:
            self.workers.cancel_group(self, "filter")  # an older, slower filter must not land after this one
            self._show_filtered(job, self.reading.in_order(job, self.reading.matcher.filter(job.base, job.query)), keep)
        else:
            self._filter_in_thread(job, keep)

    def keep_row_on_screen(self) -> None:
        """The next list shown keeps the cursor's paper on the row it is on now (a new library)."""
        papers = self.papers
        self._keep_row = papers.cursor - papers.scroll_offset.y

    @work(thread=True, exclusive=True, group="filter")
    def _filter_in_thread(self, job: FilterJob, keep: str | None) -> None:
        worker = get_current_worker()
        ids: list[str] = []
        for ids in self.reading.matcher.filter_in_steps(job.base, job.query):  # noqa: B007 - the last step holds them all
            if worker.is_cancelled:
                return  # the user typed on; a newer filter has started
            time.sleep(0)  # let the UI thread take the GIL between steps
        ids = self.reading.in_order(job, ids)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_filtered, job, ids, keep)

    def _show_filtered(self, job: FilterJob, ids: list[str], keep: str | None) -> None:
        if not self.reading.filtered(job, ids):
            return
        papers = self.papers
        papers.show(ids, keep=keep)  # the detail follows the cursor
        if self._keep_row is not None:
            papers.scroll_to(y=max(0, papers.cursor - self._keep_row), animate=False, immediate=True)
            self._keep_row = None
        self.shown = len(ids)

    @work(thread=True, group="search-index")
    def prepare_search(self) -> None:
        """Readies the search before the user needs it: the library index's map of paper numbers
        (or, for a library without an index, the search text of every paper)."""
        self.reading.matcher.prepare()
        # What it made lives as long as the library: out of the collector's way, or each full
        # collection walks it all in the middle of a key press.
        freeze_heap()

    # --- the filter field ----------------------------------------------------------------------

    def open_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.add_class("-active")
        field.focus()

    def clear_filter(self) -> None:
        """Empties and hides the filter field, back in the list."""
        field = self.query_one("#filter", Input)
        field.remove_class("-active")
        if field.value:
            field.value = ""
        self.papers.focus()

    def forget_filter(self) -> None:
        """An empty filter at once (going to a paper, a saved view), without filtering on it."""
        field = self.query_one("#filter", Input)
        field.remove_class("-active")
        field.value = ""
        self.reading.query_text = ""

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.reading.query_text = event.value
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        if self.reading.filters_every_letter():
            self.refilter(keep=self.papers.current)
        else:
            # A big view waits for a pause in the typing, so that a fast typist's every
            # letter does not start a scan of the whole library. The title follows with the
            # papers found (its count would be the last filter's), in the frame of the list.
            self._filter_timer = self.set_timer(FILTER_PAUSE_SECONDS, lambda: self.refilter(keep=self.papers.current))

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.papers.focus()
