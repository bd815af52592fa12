"""The reader: navigation tree, paper list and detail, over the whole library."""

from __future__ import annotations

import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input
from textual.worker import get_current_worker

from tui.cite import clipboard_choices, is_web_url, web_links
from tui.library.merge import Library
from tui.query import Matcher, Query, QueryError, parse_query
from tui.review.deck import Deck
from tui.runtime import freeze_heap
from tui.safe_text import visible
from tui.settings import COMMENTARY_LANGUAGE, LANGUAGE_NAMES, MARK_READ_ON_OPEN, next_language, remember
from tui.state.paper_state import PaperState, Snapshot
from tui.state.store import Store, StoreReadOnly
from tui.ui.clipboard import copy_to_clipboard
from tui.ui.screens.dialogs import ChoiceDialog, ConfirmDialog, NoteDialog, PromptDialog
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.detail import PaperDetail
from tui.ui.widgets.filter_input import FilterInput
from tui.ui.widgets.header import CountsHeader
from tui.ui.widgets.import_progress import ImportProgress
from tui.ui.widgets.nav_tree import NavTree
from tui.ui.widgets.paper_list import PaperList
from tui.views import ALL, ViewKey, Views

_BLANK = PaperState()
# What each key does, in the help screen's words (the Footer has room for one word).
KEY_HELP = {
    "toggle_read": "mark the paper read / unread",
    "toggle_star": "star / unstar the paper (starred papers can become flashcards)",
    "cycle_language": "commentary in Korean ▸ English ▸ both (remembered)",
    "filter": 'filter the view: words  "phrase"  tag:rl  unread  starred  due  after:2025-06-01',
    "undo": "undo the last change: read, star, mark all, tags, note",
    "edit_tags": "edit your own tags for the paper",
    "edit_note": "edit your note on the paper (Ctrl+S saves)",
    "copy": "copy the title, a Markdown link, a citation or the abstract",
    "open_link": "open a link of the paper in the browser",
    "mark_all_read": "mark every paper in the view read (asks first)",
    "toggle_card": "add the paper to the review deck, take it out (its reviews are kept), or unsuspend it",
    "app.review": "review the flashcards due now (starred papers become flashcards)",
    "app.stats": "review stats: calendar, forecast, retention",
    "help": "this help",
    "app.quit": "quit; everything is already saved",
}
# Views up to this size filter on the UI thread (a few ms); bigger ones in a worker thread.
SYNC_FILTER_LIMIT = 5_000
FILTER_PAUSE_SECONDS = 0.12
SEARCH_PREPARE_DELAY = 1.0


class ReaderScreen(Screen[None]):
    """Where users live: pick a view on the left, a paper in the middle, read it on the right."""

    # Focused from the start: focusing the tree first and then the list restyles both.
    AUTO_FOCUS = "#papers"

    DEFAULT_CSS = """
    ReaderScreen #panes { height: 1fr; }
    ReaderScreen NavTree { width: 30; }
    ReaderScreen #middle { width: 5fr; }
    ReaderScreen PaperDetail { width: 4fr; border-left: vkey $panel-lighten-2; }
    ReaderScreen #filter { display: none; height: 3; }
    ReaderScreen #filter.-active { display: block; }
    ReaderScreen.-narrow NavTree { display: none; }
    ReaderScreen.-narrow #panes { layout: vertical; }
    ReaderScreen.-narrow #middle { height: 1fr; width: 1fr; }
    ReaderScreen.-narrow PaperDetail { height: 1fr; width: 1fr; border-left: none; border-top: hkey $panel-lighten-2; }
    ReaderScreen.-narrow.-tree NavTree { display: block; height: 1fr; width: 1fr; }
    """
    # Keys that act on a paper work from every pane; the list and the detail show them in the
    # Footer (PAPER_BINDINGS), the tree and the filter do not.
    BINDINGS = [
        Binding("r", "toggle_read", "Read", show=False),
        Binding("s", "toggle_star", "Star", show=False),
        Binding("l", "cycle_language", "Language", show=False),
        Binding("slash", "filter", "Filter"),
        Binding("u", "undo", "Undo"),
        Binding("t", "edit_tags", "Tags", show=False),
        Binding("n", "edit_note", "Note", show=False),
        Binding("c", "copy", "Copy", show=False),
        Binding("o", "open_link", "Open link", show=False),
        Binding("A", "mark_all_read", "All read", show=False),
        Binding("a", "toggle_card", "Card", show=False),
        Binding("v", "app.review", "Review"),
        Binding("S", "app.stats", "Stats"),
        Binding("question_mark", "help", "Help"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("left_square_bracket", "step_day(1)", "Older day", show=False),
        Binding("right_square_bracket", "step_day(-1)", "Newer day", show=False),
        Binding("tab", "app.focus_next", "Next pane", show=False),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, library: Library, store: Store, deck: Deck) -> None:
        super().__init__()
        self.library = library
        self.store = store
        self.deck = deck
        self.states: dict[str, PaperState] = store.paper_states()
        # "Due for review" is what a review session would show now: due cards, then new ones.
        # Worked out once the first screen is up (50 ms for a deck of 10,000 cards): the
        # due counts follow a moment after the rest.
        self.due: set[str] = set()
        self.views = Views(library, self.state_of, self._user_tags, self.due.__contains__)
        self.counts = self.views.counts(self.states)
        self.matcher = Matcher(library, self.state_of)
        self.current_view = ALL
        self.query_text = ""
        self.language = COMMENTARY_LANGUAGE.read(store)
        self.undo_stack: list[UndoStep] = []
        self._counts = ""
        self._shown_count = 0
        self._last_filter: tuple[ViewKey, Query, list[str]] | None = None
        self._filter_timer: Timer | None = None
        self._keep_row: int | None = None  # the cursor's row on screen, kept across a new library

    def state_of(self, paper_id: str) -> PaperState:
        return self.states.get(paper_id, _BLANK)

    def _user_tags(self) -> dict[str, list[str]]:
        tags: dict[str, list[str]] = {}
        for paper_id, state in self.states.items():
            for tag in state.tags:
                tags.setdefault(tag, []).append(paper_id)
        return tags

    def compose(self) -> ComposeResult:
        # Narrow or not before the widgets are styled: switching after the first layout
        # restyles every widget of the screen.
        self.set_class(self.app.size.width < 100, "-narrow")
        yield CountsHeader()
        with Horizontal(id="panes"):
            yield NavTree(self.views, self.counts, id="nav")
            with Vertical(id="middle"):
                yield FilterInput(
                    placeholder='filter: words  "a phrase"  tag:rl  unread  starred  after:2025-06-01', id="filter"
                )
                yield PaperList(self.library.papers, self.state_of, id="papers")
            yield PaperDetail(id="detail")
        yield ImportProgress(id="import-progress")
        yield Footer()

    def on_mount(self) -> None:
        # The detail follows the cursor within the same key press, so that both change in one
        # frame; PaperList.Highlighted would arrive after the list's frame was painted.
        self.watch(self.query_one(PaperList), "cursor", self._cursor_moved, init=False)
        self._update_counts()
        self.show_view(ALL)
        self.query_one(PaperList).focus()
        self.call_after_refresh(self._cards_changed)
        if self.library.pending_abstracts is not None:
            self._load_abstracts()
        elif len(self.library) > SYNC_FILTER_LIMIT:
            # After the first screens, so that it does not compete with them for the GIL.
            self.set_timer(SEARCH_PREPARE_DELAY, self._prepare_search)

    def on_resize(self) -> None:
        self.set_class(self.size.width < 100, "-narrow")

    # --- showing -----------------------------------------------------------------------------

    def show_view(self, key: ViewKey) -> None:
        self.current_view = key
        self._refilter(keep=self.query_one(PaperList).current)

    def _refilter(self, keep: str | None = None) -> None:
        """Shows the current view through the current filter; big views filter in a thread."""
        query = self._query(tell=True)
        base = self.views.ids(self.current_view)
        previous = self._last_filter
        if previous and previous[0] == self.current_view and query.narrows(previous[1]):
            base = previous[2]  # typing on: only the papers the shorter query kept can match
        if query.is_empty or len(base) <= SYNC_FILTER_LIMIT:
            self._show_filtered(self.current_view, query, self.matcher.filter(base, query), keep)
        else:
            self._filter_in_thread(self.current_view, query, base, keep)

    @work(thread=True, exclusive=True, group="filter")
    def _filter_in_thread(self, view: ViewKey, query: Query, base: list[str], keep: str | None) -> None:
        worker = get_current_worker()
        ids: list[str] = []
        for ids in self.matcher.filter_in_steps(base, query):  # noqa: B007 - the last step holds them all
            if worker.is_cancelled:
                return  # the user typed on; a newer filter has started
            time.sleep(0)  # let the UI thread take the GIL between steps
        self.app.call_from_thread(self._show_filtered, view, query, ids, keep)

    def _show_filtered(self, view: ViewKey, query: Query, ids: list[str], keep: str | None) -> None:
        if view != self.current_view or query != self._query():
            return  # a newer filter is on its way
        self._last_filter = (view, query, ids)
        papers = self.query_one(PaperList)
        papers.show(ids, keep=keep)  # the detail follows the cursor
        if self._keep_row is not None:
            papers.scroll_to(y=max(0, papers.cursor - self._keep_row), animate=False, immediate=True)
            self._keep_row = None
        self._shown_count = len(ids)
        self._update_title()

    def _query(self, *, tell: bool = False) -> Query:
        """The filter as typed; an unreadable one filters nothing (and says why when `tell`)."""
        try:
            return parse_query(self.query_text)
        except QueryError as exc:
            if tell:
                self.notify(str(exc), severity="warning", markup=False)
            return Query()

    @work(thread=True, group="abstracts")
    def _load_abstracts(self) -> None:
        """Reads the abstracts the parse cache keeps apart, after the first screen is up."""
        loader = self.library.pending_abstracts
        loaded = loader() if loader is not None else True
        self.app.call_from_thread(self._abstracts_loaded, loaded)

    def _abstracts_loaded(self, loaded: bool) -> None:
        self.library.pending_abstracts = None
        self.matcher.forget_texts()  # any search text made so far lacked the abstracts
        self._last_filter = None
        self._show_detail()
        if not loaded:
            self.notify(
                "Some abstracts could not be read from the parse cache; restart paperdeck to read them "
                "from the digests again.",
                severity="warning",
            )
        if self.query_text:
            self._refilter(keep=self._current())
        if len(self.library) > SYNC_FILTER_LIMIT:
            self.set_timer(SEARCH_PREPARE_DELAY, self._prepare_search)

    @work(thread=True, group="search-index")
    def _prepare_search(self) -> None:
        """Builds the case-folded search text of every paper before the user needs it."""
        self.matcher.prepare()
        # Every paper now exists as an object (a warm start makes them as asked for) and
        # lives as long as the app: out of the collector's way, or each full collection
        # walks them all in the middle of a key press (100 ms at 100,000 papers).
        freeze_heap()

    def _show_detail(self) -> None:
        paper_id = self.query_one(PaperList).current
        paper = self.library.papers.get(paper_id) if paper_id else None
        card = self.deck.card(paper_id) if paper_id else None
        self.query_one(PaperDetail).show(
            paper,
            self.state_of(paper_id) if paper_id else _BLANK,
            self.language,
            abstract_pending=self.library.pending_abstracts is not None,
            card=card.describe(self.deck.now()) if card else None,
        )

    def _update_counts(self) -> None:
        counts = self.counts
        self._counts = f"{counts.unread} unread · {counts.starred} starred · {counts.due} due"
        self._update_title()

    def _update_title(self) -> None:
        view = self.current_view.label + (f" / {self.query_text}" if self.query_text else "")
        self.query_one(CountsHeader).show_sub_title(f"{view} ({self._shown_count}) · {self._counts}")

    @on(NavTree.ViewChosen)
    def _view_chosen(self, event: NavTree.ViewChosen) -> None:
        self.show_view(event.key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In the filter, letters are text, not keys: the Footer shows what works there.
        if isinstance(self.focused, FilterInput) and action != "clear_filter":
            return False
        return True

    def _cursor_moved(self) -> None:
        self._show_detail()

    @on(PaperList.Opened)
    def _opened(self, event: PaperList.Opened) -> None:
        if MARK_READ_ON_OPEN.read(self.store) and not self.state_of(event.paper_id).read:
            self._change("read", lambda: self.store.mark_read(event.paper_id))
        self.query_one(PaperDetail).focus()

    # --- changing state ------------------------------------------------------------------------

    def _change(self, what: str, change, card_undo: Callable[[], object] | None = None) -> None:
        """Applies a store change, remembers how to undo it, and refreshes every pane."""
        try:
            snapshot = change()
        except StoreReadOnly as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.undo_stack.append(UndoStep(what, snapshot, card_undo))
        self._after_change(snapshot)

    def _after_change(self, snapshot: Snapshot) -> None:
        """Brings every pane up to date with the papers a change touched, by deltas."""
        self._last_filter = None  # its results may no longer hold
        days: set[date] = set()
        tags_changed = False
        papers = self.query_one(PaperList)
        for paper_id in snapshot:
            old = self.state_of(paper_id)
            new = self.store.paper(paper_id)
            if new == _BLANK:
                self.states.pop(paper_id, None)
            else:
                self.states[paper_id] = new
            paper = self.library.papers.get(paper_id)
            days |= self.counts.apply(paper.digest_dates if paper else (), old, new)
            tags_changed = tags_changed or old.tags != new.tags
            if len(snapshot) < 200:
                papers.refresh_paper(paper_id)
        if len(snapshot) >= 200:
            papers.refresh()
        self._show_detail()
        self._update_counts()
        tree = self.query_one(NavTree)
        tree.refresh_counts(days)
        if tags_changed:
            tree.rebuild_tags()

    def _current(self) -> str | None:
        return self.query_one(PaperList).current

    def action_toggle_read(self) -> None:
        paper_id = self._current()
        if paper_id:
            read = not self.state_of(paper_id).read
            self._change("read" if read else "unread", lambda: self.store.mark_read(paper_id, read))

    def action_toggle_star(self) -> None:
        paper_id = self._current()
        if not paper_id:
            return
        starred = not self.state_of(paper_id).starred
        if not starred:
            # Unstarring keeps the card: taking a paper out of the deck is `a`'s job.
            self._change("unstar", lambda: self.store.set_star(paper_id, False))
            return
        added: list[bool] = []

        def star() -> Snapshot:
            snapshot = self.store.set_star(paper_id, True)
            if self.deck.settings.star_adds_card:
                added.append(self.deck.add(paper_id))
            return snapshot

        self._change("star", star, lambda: self.deck.remove(paper_id) if any(added) else None)
        if any(added):
            self._cards_changed()

    def action_toggle_card(self) -> None:
        paper_id = self._current()
        if not paper_id:
            return
        card = self.deck.card(paper_id)
        try:
            if card is not None and card.suspended:
                self.deck.unsuspend(paper_id)
                self.undo_stack.append(UndoStep("unsuspend", {}, lambda: self.deck.suspend(paper_id)))
                self.notify("Unsuspended: the card is back in your reviews.")
                self._cards_changed()
                return
            removed = self.deck.remove(paper_id)
            if removed is None:
                self.deck.add(paper_id)
        except StoreReadOnly as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if removed is None:
            self.undo_stack.append(UndoStep("add to deck", {}, lambda: self.deck.remove(paper_id)))
            self.notify("Added to the review deck.")
        else:
            self.undo_stack.append(UndoStep("take out of deck", {}, lambda: self.deck.restore_card(removed)))
            self.notify("Taken out of the review deck; its review history is kept.")
        self._cards_changed()

    def shown_paper_ids(self) -> list[str]:
        """The papers the list shows, in order: the view with the filter applied."""
        return list(self.query_one(PaperList).paper_ids)

    def use_library(self, library: Library) -> None:
        """Shows a new library (the watched folder changed) where the user was: the same view,
        filter, paper under the cursor, and its row on the screen."""
        papers = self.query_one(PaperList)
        self._keep_row = papers.cursor - papers.scroll_offset.y
        self.library = library
        self.views = Views(library, self.state_of, self._user_tags, self.due.__contains__)
        self.counts = self.views.counts(self.states)
        self.matcher = Matcher(library, self.state_of)
        self._last_filter = None
        papers.use_papers(library.papers)
        tree = self.query_one(NavTree)
        tree.views, tree.counts = self.views, self.counts
        tree.rebuild()
        self._update_counts()
        self._refilter(keep=papers.current)
        if len(library) > SYNC_FILTER_LIMIT:
            self.set_timer(SEARCH_PREPARE_DELAY, self._prepare_search)

    def catch_up(self) -> None:
        """Brings every pane up to date after a review session changed cards and notes."""
        fresh = self.store.paper_states()
        touched = {i for i in self.states.keys() | fresh.keys() if self.states.get(i) != fresh.get(i)}
        if touched:
            self._after_change(dict.fromkeys(touched))  # reads the old states from self.states
        self._cards_changed()

    def _cards_changed(self) -> None:
        """New due counts after cards were added, removed or reviewed."""
        self.due.clear()
        self.due.update(self.deck.session_queue())
        self.counts.due = sum(1 for paper_id in self.due if paper_id in self.library.papers)
        self._update_counts()
        self.query_one(NavTree).refresh_counts(())
        if self.current_view.kind == "view" and self.current_view.value == "due":
            self._refilter(keep=self._current())
        self._show_detail()

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo.")
            return
        step = self.undo_stack.pop()
        try:
            self.store.restore(step.snapshot)
            if step.card_undo is not None:
                step.card_undo()
        except StoreReadOnly as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self._after_change(step.snapshot)
        if step.card_undo is not None:
            self._cards_changed()
        self.notify(f"Undid {step.what}.")

    def action_cycle_language(self) -> None:
        self.language = next_language(self.language)
        remember(self.store, COMMENTARY_LANGUAGE, self.language)  # read-only: still this session's
        self._show_detail()
        self.notify(f"Commentary: {LANGUAGE_NAMES[self.language]}")

    def action_toggle_read_on_open(self) -> None:
        on = not MARK_READ_ON_OPEN.read(self.store)
        try:
            MARK_READ_ON_OPEN.write(self.store, on)
        except StoreReadOnly as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify("Opening a paper now marks it read." if on else "Opening a paper no longer marks it read.")

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.add_class("-active")
        field.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.remove_class("-active")
        if field.value:
            field.value = ""
        self.query_one(PaperList).focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        if len(self.views.ids(self.current_view)) <= SYNC_FILTER_LIMIT:
            self._refilter(keep=self._current())
        else:
            # A big view waits for a pause in the typing, so that a fast typist's every
            # letter does not start a scan of the whole library. The title follows with the
            # papers found (its count would be the last filter's), in the frame of the list.
            self._filter_timer = self.set_timer(FILTER_PAUSE_SECONDS, lambda: self._refilter(keep=self._current()))

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.query_one(PaperList).focus()

    def _current_paper(self):
        paper_id = self._current()
        return self.library.papers.get(paper_id) if paper_id else None

    def action_edit_tags(self) -> None:
        paper = self._current_paper()
        if paper is None:
            return

        def save(answer: str | None) -> None:
            if answer is not None:
                self._change("tags", lambda: self.store.set_tags(paper.id, answer.replace(",", " ").split()))

        current = " ".join(self.state_of(paper.id).tags)
        hint = f"Your tags, separated by spaces. The digest's own: {' '.join('#' + t for t in paper.tags) or 'none'}"
        self.app.push_screen(PromptDialog(f"Tags for {paper.title}", current, hint), save)

    def action_edit_note(self) -> None:
        paper = self._current_paper()
        if paper is None:
            return

        def save(note: str | None) -> None:
            if note is not None and note != self.state_of(paper.id).note:
                self._change("note", lambda: self.store.set_note(paper.id, note))

        self.app.push_screen(NoteDialog(f"Note on {paper.title}", self.state_of(paper.id).note), save)

    def action_copy(self) -> None:
        paper = self._current_paper()
        if paper is None:
            return
        choices = clipboard_choices(paper)
        texts = {key: text for key, _label, text in choices}

        def copy(key: str | None) -> None:
            if key is not None:
                how = copy_to_clipboard(self.app, texts[key])
                label = dict((k, lab) for k, lab, _ in choices)[key]
                self.notify(f"{label} copied{how}.", markup=False)

        self.app.push_screen(ChoiceDialog("Copy", [(key, label) for key, label, _ in choices]), copy)

    def action_open_link(self) -> None:
        paper = self._current_paper()
        links = web_links(paper) if paper else []
        if not links:
            self.notify("This paper has no web link.", severity="warning")
            return

        def open_(url: str | None) -> None:
            if url is not None and is_web_url(url):
                # webbrowser never goes through a shell; is_web_url admits only http(s).
                webbrowser.open(url)
                self.notify(f"Opening {visible(url)}", markup=False)

        if len(links) == 1:
            open_(links[0])
        else:
            self.app.push_screen(ChoiceDialog("Open which link?", [(url, url) for url in links]), open_)

    def action_mark_all_read(self) -> None:
        ids = [i for i in self.query_one(PaperList).paper_ids if not self.state_of(i).read]
        if not ids:
            self.notify("Everything here is read already.")
            return

        def mark(confirmed: bool | None) -> None:
            if confirmed:
                self._change("mark all read", lambda: self.store.mark_read_many(ids))
                self.notify(f"Marked {len(ids)} papers read. Press u to undo.")

        self.app.push_screen(ConfirmDialog(f"Mark {len(ids)} papers in this view read?", "Mark read"), mark)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self._key_help()))

    def _key_help(self) -> list[tuple[str, str]]:
        rows = [("j / k, ↓ / ↑", "move in the list"), ("g / G, Home / End", "first / last paper"),
                ("PgUp / PgDn, Space", "page"), ("Enter, double click", "open the paper (marks it read)"),
                ("Tab / Shift+Tab", "next / previous pane"), ("[ / ]", "older / newer digest date")]  # fmt: skip
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and (binding.show or binding.action in KEY_HELP):
                what = KEY_HELP.get(binding.action, binding.description)
                rows.append((binding.key_display or _key_name(binding.key), what))
        rows += [("Esc", "clear the filter, close a dialog"), ("Ctrl+P", "command palette: every action, themes")]
        return rows

    def action_step_day(self, step: int) -> None:
        day = date.fromisoformat(self.current_view.value) if self.current_view.kind == "day" else None
        if day is None:
            paper_id = self._current()
            paper = self.library.papers.get(paper_id) if paper_id else None
            day = paper.digest_dates[-1] if paper and paper.digest_dates else None
            target = day if day is not None else self.views.neighbour_day(None, 0)
        else:
            target = self.views.neighbour_day(day, step)
        if target is None:
            self.notify("No more digest dates that way.")
            return
        key = ViewKey("day", target.isoformat())
        # Shown here rather than when the tree's ViewChosen arrives: the tree's cursor and
        # the papers of the day then change within one turn, and are painted in one frame.
        self.query_one(NavTree).select_key(key, announce=False)
        self.show_view(key)


@dataclass(frozen=True)
class UndoStep:
    """One change `u` can take back: paper states as they were, and the deck change to revert."""

    what: str
    snapshot: Snapshot
    card_undo: Callable[[], object] | None = None


def _key_name(key: str) -> str:
    names = {"slash": "/", "question_mark": "?", "escape": "Esc"}
    return ", ".join(names.get(part, part) for part in key.split(","))
