"""The reader's rules: what each key does to the user's state, the counts, the due set and undo.

Plain Python: the reader screen asks this what a key does and shows the `Outcome` it returns.
Every change goes to the store at once; the counts follow by deltas, not by recounting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from tui.for_you import TasteInput, studied_papers, watched_papers
from tui.groups import Groups
from tui.library.merge import Library
from tui.model import Paper
from tui.ordering import ViewOrder
from tui.query import Matcher, Query, QueryError, parse_query
from tui.review.deck import Deck
from tui.settings import (
    COMMENTARY_LANGUAGE,
    HIDE_SEEN_BEFORE,
    LANGUAGE_NAMES,
    MARK_READ_ON_OPEN,
    next_language,
    remember,
)
from tui.sorting import DATE, FOR_YOU
from tui.state.paper_state import PaperState, Snapshot, user_tags
from tui.state.renames import follow_renames
from tui.state.store import Store, StoreReadOnly
from tui.taste import TasteModel
from tui.views import ALL, LATER, WATCHED, Group, ViewKey, Views

_BLANK = PaperState()
# Redrawing one row looks the paper up in the list shown (a scan of it), so a change touching
# this many papers or more (mark all read, a review session's catch-up) is cheaper to show
# by repainting the whole list once than row by row.
REPAINT_WHOLE_LIST = 200
# Views up to this size filter on the UI thread at every letter typed (a few ms, their papers
# read from the library index the first time); bigger ones in a worker thread, once the
# typing pauses.
SYNC_FILTER_LIMIT = 1_000
NOTHING_TO_UNDO = "Nothing to undo."
ALL_READ_ALREADY = "Everything here is read already."
# What triage can decide about a paper, and how its summary says it.
DECISIONS = {"star": "starred", "read": "read", "later": "kept for later"}
NO_MORE_DAYS = "No more digest dates that way."


@dataclass(frozen=True)
class Outcome:
    """What one operation did, for the screen to show: the papers and days to redraw, and what to say."""

    papers: tuple[str, ...] = ()  # the papers whose state changed (or may have)
    days: frozenset[date] = frozenset()  # the digest dates whose unread counts changed
    tags_changed: bool = False  # the user's tags changed: the tree's tag nodes are rebuilt
    cards_changed: bool = False  # the due set was worked out again
    message: str | None = None
    error: str | None = None  # the store refused the change (read-only): nothing changed

    @property
    def repaint_whole_list(self) -> bool:
        return len(self.papers) >= REPAINT_WHOLE_LIST


@dataclass(frozen=True)
class FilterJob:
    """One run of the filter: the papers of a view to match against the filter as typed."""

    view: ViewKey
    query: Query
    base: Sequence[str]
    error: str | None = None  # why the filter typed cannot be read; it then filters nothing
    sort: str = DATE
    hide_seen: bool = False
    # The watched items' papers, by feature (`for_you.watched_papers`): what for-you scores by.
    watched: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def at_once(self) -> bool:
        """Whether it is quick enough for the UI thread."""
        return (self.query.is_empty and self.sort == DATE) or len(self.base) <= SYNC_FILTER_LIMIT


@dataclass(frozen=True)
class UndoStep:
    """One change `u` can take back: paper states as they were, and the deck change to revert."""

    what: str
    snapshot: Snapshot = field(default_factory=dict)
    card_undo: Callable[[], object] | None = None


class Reading:
    """The user's state over a library as the reader shows it: states, counts, the due set, undo."""

    def __init__(self, library: Library, store: Store, deck: Deck) -> None:
        self.library = library
        self.store = store
        self.deck = deck
        follow_renames(store, library)  # papers the library now knows under other ids
        self.states: dict[str, PaperState] = store.paper_states()
        # "Due for review" is what a review session would show now: due cards, then new ones.
        # Empty until `refresh_due` (50 ms for a deck of 10,000 cards), which the screen
        # calls once the first screen is up. The same set throughout: the views read it.
        self.due: set[str] = set()
        self.views = Views(library, self.state_of, self.user_tags, self.due.__contains__)
        self.counts = self.views.counts(self.states)
        self.language = COMMENTARY_LANGUAGE.read(store)
        self.undo_stack: list[UndoStep] = []
        self.view = ALL
        self.query_text = ""
        self.matcher = Matcher(library, self.state_of, self.due.__contains__)
        self._last_filter: tuple[ViewKey, Query, Sequence[str]] | None = None
        self.groups = Groups(store)
        # The papers changed since the groups' work-out started (None: none is under way).
        self._changed_since_groups: set[str] | None = None
        self.order = ViewOrder(store, library)
        self.hide_seen: bool = HIDE_SEEN_BEFORE.read(store)

    def state_of(self, paper_id: str) -> PaperState:
        return self.states.get(paper_id, _BLANK)

    def user_tags(self) -> dict[str, list[str]]:
        """The user's own tags, each with the papers that carry it."""
        return user_tags(self.states)

    def use_library(self, library: Library) -> None:
        """Counts, views and search over a new library, with the same states and due set (under
        their papers' new ids, when the library now knows some papers by other ids)."""
        self.library = library
        if follow_renames(self.store, library):
            self.states = self.store.paper_states()
        groups = self.views.groups  # shown until they are worked out over the new library
        self.views = Views(library, self.state_of, self.user_tags, self.due.__contains__)
        self.views.groups.update(groups)
        self.counts = self.views.counts(self.states)
        self.matcher = Matcher(library, self.state_of, self.due.__contains__)
        self._last_filter = None
        self.order.use_library(library)
        self.count_new()

    @property
    def search_worth_preparing(self) -> bool:
        """Whether the search is best readied before the first filter: the library is big."""
        return len(self.library) > SYNC_FILTER_LIMIT

    # --- the filter ----------------------------------------------------------------------------

    def filter_job(self) -> FilterJob:
        """What showing the current view through the current filter takes."""
        query, error = self._query()
        base = self.views.ids(self.view)
        if self.hide_seen:
            base = self.views.unseen(self.view, base)
        previous = self._last_filter
        if previous and previous[0] == self.view and query.narrows(previous[1]):
            base = previous[2]  # typing on: only the papers the shorter query kept can match
        sort = self.sort_of(self.view)
        watched = self._watched() if sort == FOR_YOU else {}  # here: the groups change on this thread
        return FilterJob(self.view, query, base, error, sort, self.hide_seen, watched)

    def in_order(self, job: FilterJob, ids: list[str]) -> list[str]:
        """The papers a job kept, in the order of its sort (a worker's job for a big view)."""
        # The first-seen dates only when asked for: 30 ms at 100,000 papers, on the way to the first screen.
        return self.order.ordered(self.library, ids, job.sort, lambda: self.views.first_seen, job.watched)

    def filtered(self, job: FilterJob, ids: Sequence[str]) -> bool:
        """Takes in a job's papers; False when the view, filter, sort or hiding changed since it started."""
        now = (self.view, self._query()[0], self.sort_of(self.view), self.hide_seen)
        if (job.view, job.query, job.sort, job.hide_seen) != now:
            return False  # a newer filter is on its way
        self._last_filter = (job.view, job.query, ids)
        return True

    # --- sort, and papers seen before ------------------------------------------------------------

    def sort_of(self, view: ViewKey) -> str:
        return self.order.sort_of(view)

    def cycle_sort(self) -> Outcome:
        """The current view in the next order, remembered for the view."""
        self._last_filter = None
        return Outcome(message=self.order.cycle(self.view))

    def toggle_hide_seen(self) -> Outcome:
        self.hide_seen = not self.hide_seen
        self._last_filter = None
        remember(self.store, HIDE_SEEN_BEFORE, self.hide_seen)
        if self.hide_seen:
            return Outcome(message="Papers seen on an earlier day are hidden.")
        return Outcome(message="Papers seen on an earlier day are shown again.")

    def rename_sort(self, old: ViewKey, new: ViewKey) -> None:
        self.order.rename(old, new)

    # --- the user's taste, for the for-you order -------------------------------------------------

    def taste_job(self) -> Callable[[], TasteModel]:
        """What training the taste model on the user's state now takes (a worker's job); the
        screen hands its model to `order.take_taste`."""
        taste = TasteInput(dict(self.states), studied_papers(self.deck), self._watched())
        return self.order.taste_job(self.library, taste)

    def why_for_you(self, paper: Paper) -> str | None:
        """Why the for-you order puts the paper where it does (None until it can rank)."""
        return self.order.explain(self.library, paper, TasteInput(self.states, watched=self._watched()))

    def _watched(self) -> dict[str, frozenset[str]]:
        groups = self.views.groups
        return watched_papers({key.value: group.ids for key, group in groups.items() if key.kind == WATCHED.kind})

    def count_new(self) -> None:
        """The New view's count (the first-seen dates of every paper: done after the first screen)."""
        self.counts.new = len(self.views.new_ids)

    # --- watched items and saved views ---------------------------------------------------------

    def groups_job(self) -> Callable[[], dict[ViewKey, Group]]:
        """What working out every watched item's and saved view's papers takes (slow on a big
        library: a worker's job). It reads the states as they are now; the papers changed
        meanwhile are checked again when the groups are taken in (`take_groups`)."""
        states = dict(self.states)  # the worker's own copy: the UI thread changes these
        tags, due, library = user_tags(states), frozenset(self.due), self.library
        blank = PaperState()
        self._changed_since_groups = set()
        return lambda: self.groups.work_out(library, lambda i: states.get(i, blank), tags, due.__contains__)

    def work_out_groups(self) -> dict[ViewKey, Group]:
        """The groups, worked out here and now."""
        return self.groups_job()()

    def take_groups(self, groups: dict[ViewKey, Group]) -> None:
        """Takes in worked-out groups, brought up to date with the changes made since they were
        started; their counts follow each change from now on."""
        changed, self._changed_since_groups = self._changed_since_groups, None
        if changed:
            self.groups.recheck(groups, changed, self.library, self.matcher, self.state_of)
            for group in groups.values():
                if group.ids & changed:
                    group.unread = sum(1 for paper_id in group.ids if not self.state_of(paper_id).read)
        self.views.groups.clear()
        self.views.groups.update(groups)
        self.order.taste_stale = True  # a watched item's papers are learned from too
        self._last_filter = None

    def filters_every_letter(self) -> bool:
        """Whether the view is small enough to filter at every letter typed, not only at a pause."""
        return len(self.views.ids(self.view)) <= SYNC_FILTER_LIMIT

    def _query(self) -> tuple[Query, str | None]:
        try:
            return parse_query(self.query_text), None
        except QueryError as exc:
            return Query(), str(exc)

    # --- what the keys do ----------------------------------------------------------------------

    def toggle_read(self, paper_id: str) -> Outcome:
        read = not self.state_of(paper_id).read
        return self._apply("read" if read else "unread", lambda: self.store.mark_read(paper_id, read))

    def open_paper(self, paper_id: str) -> Outcome:
        """Marks an opened paper read, when the setting says opening does."""
        if MARK_READ_ON_OPEN.read(self.store) and not self.state_of(paper_id).read:
            return self._apply("read", lambda: self.store.mark_read(paper_id))
        return Outcome()

    def toggle_star(self, paper_id: str) -> Outcome:
        """Stars (adding a card, if the review settings say so) or unstars a paper."""
        if self.state_of(paper_id).starred:
            # Unstarring keeps the card: taking a paper out of the deck is `a`'s job.
            return self._apply("unstar", lambda: self.store.set_star(paper_id, False))
        return self._star(paper_id)

    def _star(self, paper_id: str, **flags: bool) -> Outcome:
        """Stars a paper (and sets `flags` with it), adding a card if the review settings say so:
        one undo step that takes both back."""
        try:
            snapshot = self.store.set_flags([paper_id], starred=True, **flags)
            added = self.deck.settings.star_adds_card and self.deck.add(paper_id)
        except StoreReadOnly as exc:
            return Outcome(error=str(exc))
        return self._record(UndoStep("star", snapshot, (lambda: self.deck.remove(paper_id)) if added else None))

    def toggle_card(self, paper_id: str) -> Outcome:
        """Unsuspends a suspended card, else takes the card out (its reviews stay), else adds one."""
        card = self.deck.card(paper_id)
        try:
            if card is not None and card.suspended:
                self.deck.unsuspend(paper_id)
                step = UndoStep("unsuspend", card_undo=lambda: self.deck.suspend(paper_id))
                message = "Unsuspended: the card is back in your reviews."
            elif (removed := self.deck.remove(paper_id)) is not None:
                step = UndoStep("take out of deck", card_undo=lambda: self.deck.restore_card(removed))
                message = "Taken out of the review deck; its review history is kept."
            else:
                self.deck.add(paper_id)
                step = UndoStep("add to deck", card_undo=lambda: self.deck.remove(paper_id))
                message = "Added to the review deck."
        except StoreReadOnly as exc:
            return Outcome(error=str(exc))
        return replace(self._record(step), message=message)

    def toggle_later(self, paper_id: str) -> Outcome:
        later = not self.state_of(paper_id).later
        # Kept for later is kept unread, as triage's `l` keeps it; taking it out changes nothing else.
        flags = {"later": True, "read": False} if later else {"later": False}
        return self._apply("later" if later else "not later", lambda: self.store.set_flags([paper_id], **flags))

    def decide(self, paper_id: str, decision: str) -> Outcome:
        """Triage's decisions, each one undo step: `star` (starred and read, with a card if the
        review settings say so), `read`, or `later` (kept unread in the Later view)."""
        if decision == "later":
            # Kept unread, whatever was decided before: the Later view's triage comes back to it.
            return self._apply("later", lambda: self.store.set_flags([paper_id], read=False, later=True))
        if decision == "read":
            return self._apply("read", lambda: self.store.set_flags([paper_id], read=True, later=False))
        return self._star(paper_id, read=True, later=False)

    def to_triage(self, paper_ids: Iterable[str]) -> list[str]:
        """The papers triage goes through: the unread ones, less those kept for later (but
        all of the Later view's, read since or not)."""
        states = self.states
        if self.view == LATER:
            return [i for i in paper_ids if (state := states.get(i)) is not None and state.later]
        # Most papers were never touched: no state at all is the quick case (100,000 ids in 8 ms).
        return [i for i in paper_ids if (state := states.get(i)) is None or not (state.read or state.later)]

    def unread(self, paper_ids: Iterable[str]) -> list[str]:
        return [paper_id for paper_id in paper_ids if not self.state_of(paper_id).read]

    def mark_all_read(self, paper_ids: Iterable[str]) -> Outcome:
        """Marks every unread paper of `paper_ids` read, as one undo step."""
        unread = self.unread(paper_ids)
        if not unread:
            return Outcome(message=ALL_READ_ALREADY)
        outcome = self._apply("mark all read", lambda: self.store.mark_read_many(unread))
        if outcome.error is not None:
            return outcome
        return replace(outcome, message=f"Marked {len(unread)} papers read. Press u to undo.")

    def set_tags(self, paper_id: str, typed: str) -> Outcome:
        """Gives a paper the user's tags as typed: separated by spaces or commas."""
        return self._apply("tags", lambda: self.store.set_tags(paper_id, typed.replace(",", " ").split()))

    def set_note(self, paper_id: str, note: str) -> Outcome:
        if note == self.state_of(paper_id).note:
            return Outcome()
        return self._apply("note", lambda: self.store.set_note(paper_id, note))

    def undo(self) -> Outcome:
        """Takes back the last change: paper states as they were, and the card change with them."""
        if not self.undo_stack:
            return Outcome(message=NOTHING_TO_UNDO)
        step = self.undo_stack.pop()
        try:
            self.store.restore(step.snapshot)
            if step.card_undo is not None:
                step.card_undo()
        except StoreReadOnly as exc:
            return Outcome(error=str(exc))
        outcome = self._take_in(step.snapshot)
        if step.card_undo is not None:
            outcome = self._with_due(outcome)
        return replace(outcome, message=f"Undid {step.what}.")

    def forget_undo_of(self, paper_ids: set[str]) -> None:
        """Takes these papers out of every undo step: another machine changed them since, and
        putting them back as they were would take that change back too, on every machine. The
        steps stay (triage counts them), undoing the rest of what they did."""
        for index, step in enumerate(self.undo_stack):
            if step.snapshot.keys() & paper_ids:
                kept = {paper_id: state for paper_id, state in step.snapshot.items() if paper_id not in paper_ids}
                self.undo_stack[index] = replace(step, snapshot=kept)

    def cycle_language(self) -> Outcome:
        """Commentary in Korean, English or both; remembered, or for this session on a read-only store."""
        self.language = next_language(self.language)
        remember(self.store, COMMENTARY_LANGUAGE, self.language)
        return Outcome(message=f"Commentary: {LANGUAGE_NAMES[self.language]}")

    def toggle_read_on_open(self) -> Outcome:
        on = not MARK_READ_ON_OPEN.read(self.store)
        try:
            MARK_READ_ON_OPEN.write(self.store, on)
        except StoreReadOnly as exc:
            return Outcome(error=str(exc))
        return Outcome(
            message="Opening a paper now marks it read." if on else "Opening a paper no longer marks it read."
        )

    def step_day(self, view: ViewKey, paper_id: str | None, step: int) -> ViewKey | None:
        """The day view `[` (step 1, older) or `]` (-1, newer) goes to; None when there is none that way.

        From a day, its neighbour; from any other view, the day of the paper under the cursor,
        or the newest day.
        """
        if view.kind == "day":
            target = self.views.neighbour_day(date.fromisoformat(view.value), step)
        else:
            paper = self.library.papers.get(paper_id) if paper_id else None
            day = paper.digest_dates[-1] if paper and paper.digest_dates else None
            target = day if day is not None else self.views.neighbour_day(None, 0)
        return ViewKey("day", target.isoformat()) if target is not None else None

    # --- keeping up ----------------------------------------------------------------------------

    def catch_up(self) -> Outcome:
        """Takes in what a review session changed: notes and stars of papers, and the cards."""
        fresh = self.store.paper_states()
        touched = {i for i in self.states.keys() | fresh.keys() if self.states.get(i) != fresh.get(i)}
        return self._with_due(self._take_in(dict.fromkeys(touched)))

    def refresh_due(self) -> Outcome:
        """The due set and count worked out again, after cards were added, removed or reviewed."""
        return self._with_due(Outcome())

    def _with_due(self, outcome: Outcome) -> Outcome:
        self._last_filter = None  # the due view's papers may have changed
        before = set(self.due)
        self.due.clear()
        self.due.update(self.deck.session_queue())
        came_or_went = before ^ self.due
        if came_or_went:
            # A saved view of due papers gains or loses these.
            if self.views.groups:
                self.groups.recheck(self.views.groups, came_or_went, self.library, self.matcher, self.state_of)
            if self._changed_since_groups is not None:
                self._changed_since_groups.update(came_or_went)
        self.counts.due = sum(1 for paper_id in self.due if paper_id in self.views.listed)
        return replace(outcome, cards_changed=True)

    def _apply(self, what: str, change: Callable[[], Snapshot]) -> Outcome:
        """Applies a store change and remembers how to undo it."""
        try:
            snapshot = change()
        except StoreReadOnly as exc:
            return Outcome(error=str(exc))
        return self._record(UndoStep(what, snapshot))

    def _record(self, step: UndoStep) -> Outcome:
        self.undo_stack.append(step)
        outcome = self._take_in(step.snapshot)
        return self._with_due(outcome) if step.card_undo is not None else outcome

    def _take_in(self, snapshot: Snapshot) -> Outcome:
        """Brings states and counts up to date with the papers a change touched, by deltas."""
        if snapshot:
            self._last_filter = None  # its papers may no longer match
        days: set[date] = set()
        tags_changed = False
        for paper_id in snapshot:
            old = self.state_of(paper_id)
            new = self.store.paper(paper_id)
            if new == _BLANK:
                self.states.pop(paper_id, None)
            else:
                self.states[paper_id] = new
            paper = self.library.papers.get(paper_id)
            days |= self.counts.apply(paper_id, paper.digest_dates if paper else (), old, new)
            tags_changed = tags_changed or old.tags != new.tags
        if snapshot:
            self.order.taste_stale = True
        if snapshot and self.views.groups:
            self.groups.recheck(self.views.groups, snapshot, self.library, self.matcher, self.state_of)
        if snapshot and self._changed_since_groups is not None:
            self._changed_since_groups.update(snapshot)
        return Outcome(papers=tuple(snapshot), days=frozenset(days), tags_changed=tags_changed)
