"""The reader: navigation tree, paper list and detail, over the whole library; its rules are tui.reading's."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.screen import Screen
from textual.worker import get_current_worker

from tui.library.merge import Library
from tui.query import Matcher
from tui.reading import NO_MORE_DAYS, Outcome, Reading
from tui.review.deck import Deck
from tui.sorting import FOR_YOU
from tui.state.paper_state import PaperState
from tui.state.store import Store
from tui.ui.screens.dialogs import ConfirmDialog
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.list_dialogs import (
    after_watch_change,
    choose_watch,
    manage_watch_list,
    remove_a_saved_view,
    rename_a_saved_view,
    save_this_view,
)
from tui.ui.screens.paper_dialogs import ask_note, ask_tags, offer_copies, open_a_link
from tui.ui.screens.reader_help import key_help
from tui.ui.screens.reader_taste import SIMILAR_BINDINGS, LearnsTaste
from tui.ui.textual_compat import QuietFooter
from tui.ui.widgets.detail import PaperDetail
from tui.ui.widgets.filter_input import FilterInput
from tui.ui.widgets.header import CountsHeader
from tui.ui.widgets.import_progress import ImportProgress
from tui.ui.widgets.nav_tree import NavTree
from tui.ui.widgets.paper_list import PaperList
from tui.ui.widgets.view_pane import ViewPane

if TYPE_CHECKING:
    from tui.ui.screens.triage import TriageDone
from tui.views import ALL, DUE, STARRED, ViewKey, Views

_BLANK = PaperState()
SEARCH_PREPARE_DELAY = 1.0
# Below WIDE columns the list sits above the detail; below NARROW the tree is hidden.
WIDE = 160
NARROW = 100


class ReaderScreen(LearnsTaste, Screen[None]):
    """Where users live: pick a view on the left, a paper in the middle, read it on the right."""

    # Focused from the start: focusing the tree first and then the list restyles both.
    AUTO_FOCUS = "#papers"

    # Three panes side by side from WIDE columns; below that the list sits above the detail,
    # so that it is as wide as the screen less the tree (at 120 columns a 60-character title
    # shows whole), and below NARROW the tree is hidden until \\ shows it in their place.
    DEFAULT_CSS = """
    ReaderScreen #panes { height: 1fr; }
    ReaderScreen NavTree { width: 28; }
    ReaderScreen #reading { width: 1fr; layout: horizontal; }
    ReaderScreen #middle { width: 3fr; }
    ReaderScreen PaperDetail { width: 2fr; border-left: vkey $panel-lighten-2; }
    ReaderScreen.-stacked #reading { layout: vertical; }
    ReaderScreen.-stacked #middle { width: 1fr; height: 2fr; }
    ReaderScreen.-stacked PaperDetail {
        width: 1fr; height: 3fr; border-left: none; border-top: hkey $panel-lighten-2;
    }
    ReaderScreen.-no-tree NavTree { display: none; }
    ReaderScreen.-narrow NavTree { display: none; }
    ReaderScreen.-narrow.-tree NavTree { display: block; width: 1fr; }
    ReaderScreen.-narrow.-tree #reading { display: none; }
    """
    # Keys that act on a paper work from every pane; the list and the detail show them in the
    # Footer (PAPER_BINDINGS), the tree and the filter do not.
    BINDINGS = [
        Binding("r", "toggle_read", "Read", show=False),
        Binding("s", "toggle_star", "Star", show=False),
        Binding("l", "toggle_later", "Later", show=False),
        Binding("L", "cycle_language", "Language", show=False),
        Binding("T", "triage", "Triage"),
        Binding("slash", "filter", "Filter"),
        Binding("O", "cycle_sort", "Sort"),
        Binding("H", "toggle_hide_seen", "Hide seen before", show=False),
        Binding("w", "watch", "Watch…", show=False),
        Binding("W", "watch_list", "Watch list…", show=False),
        Binding("B", "save_view", "Save view…", show=False),
        Binding("backslash", "toggle_tree", "Tree", show=False),
        Binding("u", "undo", "Undo"),
        Binding("t", "edit_tags", "Tags", show=False),
        Binding("n", "edit_note", "Note", show=False),
        Binding("c", "copy", "Copy", show=False),
        Binding("o", "open_link", "Open link", show=False),
        Binding("R", "more_like_this", "More like this…", show=False),
        *SIMILAR_BINDINGS,
        Binding("A", "mark_all_read", "All read", show=False),
        Binding("a", "toggle_card", "Card", show=False),
        Binding("i", "app.card_info", "Card info", show=False),
        Binding("v", "app.review", "Review"),
        Binding("S", "app.stats", "Stats"),
        Binding("Y", "app.trends", "Trends", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("left_square_bracket", "step_day(1)", "Older day", show=False),
        Binding("right_square_bracket", "step_day(-1)", "Newer day", show=False),
        *(Binding(str(number), f"saved_view({number})", f"Saved view {number}", show=False) for number in range(1, 10)),
        Binding("tab", "app.focus_next", "Next pane", show=False),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, library: Library, store: Store, deck: Deck) -> None:
        super().__init__()
        self.store = store
        self.deck = deck
        self.reading = Reading(library, store, deck)

    @property
    def library(self) -> Library:
        return self.reading.library

    @property
    def views(self) -> Views:
        return self.reading.views

    @property
    def matcher(self) -> Matcher:
        return self.reading.matcher

    @property
    def current_view(self) -> ViewKey:
        return self.reading.view

    @property
    def language(self) -> str:
        return self.reading.language

    def compose(self) -> ComposeResult:
        # Narrow or not before the widgets are styled: switching after the first layout
        # restyles every widget of the screen.
        self._set_layout(self.app.size.width)
        yield CountsHeader()
        with Horizontal(id="panes"):
            yield NavTree(self.views, self.reading.counts, self.reading.groups.keys, id="nav")
            with Container(id="reading"):
                yield ViewPane(self.reading, id="middle")
                yield PaperDetail(id="detail")
        yield ImportProgress(id="import-progress")
        yield QuietFooter()

    def on_mount(self) -> None:
        # The detail follows the cursor within the same key press, so that both change in one
        # frame; a message from the list would arrive after its frame was painted.
        self.watch(self.query_one(PaperList), "cursor", self._show_detail, init=False)
        self.watch(self._pane, "shown", self._update_title, init=False)
        self._update_title()
        self.query_one(PaperList).look(watcher=self.reading.groups.watcher)
        self.show_view(ALL)
        self.query_one(PaperList).focus()
        # The due set and the New view's count wait for the first screen (50 ms for a deck
        # of 10,000 cards, 30 ms for the first-seen dates of 100,000 papers): they follow a
        # moment after the rest, and the watched items and saved views after them.
        self.call_after_refresh(self._after_first_screen)
        if self.reading.search_worth_preparing:
            # After the first screens, so that it does not compete with them for the GIL.
            self.set_timer(SEARCH_PREPARE_DELAY, self._pane.prepare_search)

    def _after_first_screen(self) -> None:
        self._show_outcome(self.reading.refresh_due())
        if self.reading.search_worth_preparing:
            # The first-seen dates of 100,000 papers take 30 ms: not in the way of the first screens.
            self.set_timer(SEARCH_PREPARE_DELAY / 2, self._count_new_in_thread)
        else:
            self._take_new_count()
        self.work_out_groups()
        self.start_learning()

    @work(thread=True, group="first-seen")
    def _count_new_in_thread(self) -> None:
        self.reading.views.new_ids  # noqa: B018 - made here, off the UI thread, and kept
        self.app.call_from_thread(self._take_new_count)

    def _take_new_count(self) -> None:
        self.reading.count_new()
        self.query_one(NavTree).refresh_counts(())

    def on_resize(self) -> None:
        self._set_layout(self.size.width)

    def _set_layout(self, width: int) -> None:
        self.set_class(width < WIDE, "-stacked")
        self.set_class(width < NARROW, "-narrow")

    # --- watched items and saved views ---------------------------------------------------------

    def work_out_groups(self) -> None:
        """The watched items' and saved views' papers: at once for a small library, else in a
        worker; the tree shows their counts when they are known."""
        if not self.reading.groups.keys():
            self._take_groups({})
        elif self.reading.search_worth_preparing:
            self._groups_in_thread(self.reading.groups_job())
        else:
            self._take_groups(self.reading.work_out_groups())

    @work(thread=True, exclusive=True, group="groups")
    def _groups_in_thread(self, job: Callable[[], dict]) -> None:
        groups = job()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._take_groups, groups)

    def _take_groups(self, groups: dict) -> None:
        self.reading.take_groups(groups)
        self.query_one(NavTree).rebuild_groups()
        self.query_one(PaperList).look(watcher=self.reading.groups.watcher)
        if self.current_view.kind in ("watch", "saved"):
            self.query_one(NavTree).select_key(self.current_view, announce=False)
            self._refilter(keep=self._current())
        self._show_detail()

    # --- showing -----------------------------------------------------------------------------

    def show_view(self, key: ViewKey) -> None:
        self.reading.view = key
        self._refilter(keep=self.query_one(PaperList).current)

    @property
    def _pane(self) -> ViewPane:
        return self.query_one(ViewPane)

    def _refilter(self, keep: str | None = None) -> None:
        self._pane.refilter(keep)

    def _show_detail(self) -> None:
        paper_id = self._current()
        paper = self.library.papers.get(paper_id) if paper_id else None
        card = self.deck.card(paper_id) if paper_id else None
        self.query_one(PaperDetail).show(
            paper,
            self.reading.state_of(paper_id) if paper_id else _BLANK,
            self.language,
            card=card.describe(self.deck.now()) if card else None,
            similar=[(other.title, linked) for other, linked in self.similar_of(paper_id)] if paper_id else (),
            for_you=self.reading.why_for_you(paper) if paper else None,
            watcher=self.reading.groups.watcher,
        )

    def _update_title(self) -> None:
        typed, counts = self.reading.query_text, self.reading.counts
        view = self.current_view.label + (f" / {typed}" if typed else "")
        sort = self.reading.sort_of(self.current_view)
        if sort == FOR_YOU and self.reading.order.for_you_note():
            sort = "date until for-you has learned"
        how = (f" · by {sort}" if sort != "date" else "") + (" · seen before hidden" if self.reading.hide_seen else "")
        numbers = f"{counts.unread} unread · {counts.starred} starred · {counts.due} due"
        self.query_one(CountsHeader).show_sub_title(f"{view} ({self._pane.shown}){how} · {numbers}")

    def _show_outcome(self, outcome: Outcome) -> None:
        """Brings every pane up to date with what the reading model did, and says what it said."""
        if outcome.error is not None:
            self.notify(outcome.error, severity="error", markup=False)
            return
        if outcome.papers or outcome.cards_changed:
            papers = self.query_one(PaperList)
            if outcome.repaint_whole_list:
                papers.refresh()
            else:
                for paper_id in outcome.papers:
                    papers.refresh_paper(paper_id)
            self._update_title()
            tree = self.query_one(NavTree)
            tree.refresh_counts(outcome.days)
            if outcome.tags_changed:
                tree.rebuild_tags()
            if outcome.cards_changed and self.current_view == DUE:  # the due papers changed
                self._refilter(keep=self._current())
            self._show_detail()
        if outcome.message is not None:
            self.notify(outcome.message)

    @on(NavTree.ViewChosen)
    def _view_chosen(self, event: NavTree.ViewChosen) -> None:
        self.show_view(event.key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In the filter, letters are text, not keys: the Footer shows what works there.
        if isinstance(self.focused, FilterInput) and action != "clear_filter":
            return False
        return True

    @on(PaperList.Opened)
    def _opened(self, event: PaperList.Opened) -> None:
        self._show_outcome(self.reading.open_paper(event.paper_id))
        self.query_one(PaperDetail).focus()

    # --- changing state ------------------------------------------------------------------------

    def _current(self) -> str | None:
        return self.query_one(PaperList).current

    def _current_paper(self):
        return self.library.papers.get(self._current() or "")

    def _on_current(self, operation: Callable[[str], Outcome]) -> None:
        if paper_id := self._current():
            self._show_outcome(operation(paper_id))

    def action_toggle_read(self) -> None:
        self._on_current(self.reading.toggle_read)

    def action_toggle_star(self) -> None:
        self._on_current(self.reading.toggle_star)

    def action_toggle_card(self) -> None:
        self._on_current(self.reading.toggle_card)

    def action_toggle_later(self) -> None:
        self._on_current(self.reading.toggle_later)

    def action_triage(self) -> None:
        """The view's unread papers (as listed, sorted and filtered) one at a time."""
        from tui.triage import Triage
        from tui.ui.screens.triage import TriageScreen

        ids = self.reading.to_triage(self.query_one(PaperList).paper_ids)
        if not ids:
            self.notify("Nothing to triage here: every paper of this view is read or kept for later.")
            return
        label = self.current_view.label + (f" / {self.reading.query_text}" if self.reading.query_text else "")
        screen = TriageScreen(
            Triage(self.reading, ids), label, self.reading.groups.watcher, on_language=self._show_detail
        )
        self.app.push_screen(screen, self._back_from_triage)

    def _back_from_triage(self, done: TriageDone | None) -> None:
        if done is None:
            return
        self._show_outcome(done.as_outcome())
        if done.show_starred:
            self.reading.view = STARRED
            self.query_one(NavTree).select_key(STARRED, announce=False)
            self._pane.forget_filter()
            self._refilter(keep=done.show_starred[0])
        else:
            self._refilter(keep=self._current())

    def action_cycle_sort(self) -> None:
        outcome = self.reading.cycle_sort()
        self._refilter(keep=self._current())
        self._update_title()
        self._show_outcome(outcome)

    def action_toggle_hide_seen(self) -> None:
        outcome = self.reading.toggle_hide_seen()
        self._refilter(keep=self._current())
        self._show_outcome(outcome)

    def action_toggle_tree(self) -> None:
        """Hides or shows the tree; on a narrow screen, shows it in place of the list."""
        if self.has_class("-narrow"):
            self.toggle_class("-tree")
            self.query_one(NavTree if self.has_class("-tree") else PaperList).focus()
        else:
            self.toggle_class("-no-tree")
            if self.has_class("-no-tree") and isinstance(self.focused, NavTree):
                self.query_one(PaperList).focus()

    def action_watch(self) -> None:
        if paper := self._current_paper():
            choose_watch(self.app, paper, self.reading.groups, partial(after_watch_change, self))

    def action_watch_list(self) -> None:
        manage_watch_list(self.app, self.reading.groups, partial(after_watch_change, self))

    def action_save_view(self) -> None:
        """Saves the view and its filter under a name, into the tree's saved views."""
        save_this_view(self)

    def action_rename_saved_view(self) -> None:
        rename_a_saved_view(self)

    def action_remove_saved_view(self) -> None:
        remove_a_saved_view(self)

    def action_saved_view(self, number: int) -> None:
        key = self.reading.groups.numbered(number)
        if key is None:
            self.notify(f"No saved view {number}: B saves the view and its filter.", severity="warning")
            return
        self.go_to_view(key)

    def go_to_view(self, key: ViewKey, *, forget_filter: bool = False) -> None:
        """Shows a view, its node the tree's cursor (and the filter emptied, if asked)."""
        if forget_filter:
            self._pane.forget_filter()
        self.query_one(NavTree).select_key(key, announce=False)
        self.show_view(key)

    def action_undo(self) -> None:
        self._show_outcome(self.reading.undo())

    def action_cycle_language(self) -> None:
        outcome = self.reading.cycle_language()
        self._show_detail()
        self._show_outcome(outcome)

    def action_toggle_read_on_open(self) -> None:
        self._show_outcome(self.reading.toggle_read_on_open())

    def shown_paper_ids(self) -> list[str]:
        """The papers the list shows, in order: the view with the filter applied."""
        return list(self.query_one(PaperList).paper_ids)

    def use_library(self, library: Library) -> None:
        """Shows a new library (the watched folder changed) where the user was: the same view,
        filter, paper under the cursor, and its row on the screen."""
        papers = self.query_one(PaperList)
        self._pane.keep_row_on_screen()
        self.reading.use_library(library)
        self.forget_similar()
        papers.use_papers(library.papers)
        tree = self.query_one(NavTree)
        tree.views, tree.counts = self.views, self.reading.counts
        tree.rebuild()
        self._update_title()
        self._refilter(keep=papers.current)
        self.work_out_groups()  # a watched word may be in the new digests
        if self.reading.search_worth_preparing:
            self.set_timer(SEARCH_PREPARE_DELAY, self._pane.prepare_search)

    def lists_changed(self) -> None:
        """The watch list or the saved views came in from another machine: the tree anew."""
        self.reading.groups.reload()
        after_watch_change(self)

    def catch_up(self) -> None:
        """Brings every pane up to date after a review session changed cards and notes."""
        self._show_outcome(self.reading.catch_up())

    def action_filter(self) -> None:
        self._pane.open_filter()

    def action_clear_filter(self) -> None:
        self._pane.clear_filter()

    def action_edit_tags(self) -> None:
        if paper := self._current_paper():
            current = self.reading.state_of(paper.id).tags
            ask_tags(self.app, paper, current, lambda typed: self._show_outcome(self.reading.set_tags(paper.id, typed)))

    def action_edit_note(self) -> None:
        if paper := self._current_paper():
            current = self.reading.state_of(paper.id).note
            ask_note(self.app, paper, current, lambda note: self._show_outcome(self.reading.set_note(paper.id, note)))

    def action_copy(self) -> None:
        if paper := self._current_paper():
            offer_copies(self.app, paper)

    def action_open_link(self) -> None:
        open_a_link(self.app, self._current_paper())

    def go_to_paper(self, paper_id: str) -> None:
        """Puts the cursor on a paper: in this view if it shows the paper, else in All, unfiltered."""
        papers = self.query_one(PaperList)
        if paper_id in papers.paper_ids:
            papers.show(list(papers.paper_ids), keep=paper_id)
            return
        self._pane.forget_filter()
        self.reading.view = ALL
        self._refilter(keep=paper_id)

    def action_mark_all_read(self) -> None:
        ids = self.reading.unread(self.query_one(PaperList).paper_ids)
        if not ids:
            self._show_outcome(self.reading.mark_all_read(ids))  # says everything is read already
            return

        def mark(confirmed: bool | None) -> None:
            if confirmed:
                self._show_outcome(self.reading.mark_all_read(ids))

        self.app.push_screen(ConfirmDialog(f"Mark {len(ids)} papers in this view read?", "Mark read"), mark)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(key_help(self.BINDINGS)))

    def action_step_day(self, step: int) -> None:
        key = self.reading.step_day(self.current_view, self._current(), step)
        if key is None:
            self.notify(NO_MORE_DAYS)
            return
        # Shown here rather than when the tree's ViewChosen arrives: the tree's cursor and
        # the papers of the day then change within one turn, and are painted in one frame.
        self.query_one(NavTree).select_key(key, announce=False)
        self.show_view(key)
