"""The paperdeck Textual app: screens, bindings and wiring over a loaded library."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from tui.home import Home, bundled
from tui.library.index_sync import Progress, SyncReport
from tui.library.merge import Library
from tui.library.watch import LibraryWatch
from tui.review.clock import utc_now
from tui.review.deck import Deck
from tui.runtime import IdleCollector, exit_on_sigterm
from tui.safe_text import visible
from tui.settings import THEME, ReviewSettings, remember
from tui.state.store import Store, StoreReadOnly
from tui.ui.messages import StoreSaid
from tui.ui.review_tuning import TunesReview
from tui.ui.screens.reader import ReaderScreen
from tui.ui.screens.reader_help import key_name
from tui.ui.syncing import Syncs
from tui.ui.themes import load_themes
from tui.ui.widgets.import_progress import ImportProgress
from tui.ui.widgets.paper_list import PaperList
from tui.views import ViewKey

T = TypeVar("T")
# After the first screens, so that reading a long review log does not compete with them.
REVIEW_LOG_DELAY = 2.0
# From this many digests to read, a progress bar shows how the reading goes.
PROGRESS_FROM_FILES = 10


class PaperdeckApp(TunesReview, Syncs, App[None]):
    """A terminal reader for daily paper digests."""

    TITLE = "paperdeck"
    BINDINGS = [Binding("q", "quit", "Quit")]

    def __init__(
        self,
        library: Library,
        *,
        home: Home,
        store: Store,
        showing_samples: bool = False,
        start: str = "reader",
        clock: Callable[[], datetime] = utc_now,
        watch: LibraryWatch | None = None,
        notices: list[str] | None = None,
        config_problems: list[str] | None = None,
    ) -> None:
        """`start="review"` opens a review session at once and quits when it is left.

        `clock` is the review deck's idea of now (tests drive it by hand). With `watch`, new
        and changed digest files in the library appear while the app runs. `notices` are what
        opening the library had to say (the index was rebuilt), shown once the app is up.
        """
        super().__init__()
        self.library = library
        self.watch = watch
        self._notices = list(notices or ())
        self._config_problems = list(config_problems or ())
        self.home = home
        self.store = store
        self.deck = Deck(store, ReviewSettings.from_store(store), clock=clock)
        self.start = start
        self.idle_collector = IdleCollector()
        self.showing_samples = showing_samples
        loaded = load_themes([bundled("themes"), home.themes])
        for theme in loaded.themes:
            self.register_theme(theme)
        self._theme_problems = loaded.problems
        chosen = THEME.read(store)
        self.theme = chosen if chosen in self.available_themes else THEME.default

    def on_mount(self) -> None:
        self.idle_collector.install()
        self.set_interval(1.0, self.idle_collector.tick)
        # The terminal is restored and the store closed by whoever ran the app.
        exit_on_sigterm(self.exit)
        if len(self.deck):
            self.set_timer(REVIEW_LOG_DELAY, self._read_review_log)
        if self.showing_samples:
            self.notify(
                "Your library is empty, so these are the bundled sample digests. "
                f"Add your own with: paperdeck add PATH (they go to {visible(str(self.home.library))})",
                title="Sample digests",
                timeout=20,
                markup=False,
            )
        for notice in self._notices:
            self.notify(visible(notice), title="Library index", severity="warning", markup=False)
        for problem in self._config_problems:
            self.notify(visible(problem), title="Config file", severity="warning", timeout=20, markup=False)
        for problem in self._theme_problems:
            self.notify(visible(problem), title="Theme skipped", severity="warning", markup=False)
        for message in self.store.report.messages:
            self.notify(visible(message), title="Your state", severity="warning", timeout=30, markup=False)
        self.store.listeners.append(self._store_said)
        # A write may have failed before there was anyone to tell (the theme is saved while
        # the app starts): the writer reports a failure once, so say it now.
        if (problem := self.store.saving_problem()) is not None:
            self._store_said(problem)
        if self.start == "review":
            self.push_screen(self._review_screen(), lambda _summary: self.exit())
        if self.watch is not None:
            self._watch_library()
        # Once the first screen is up: what the first sync brings in is shown on it.
        self.call_after_refresh(self.start_syncing)

    # --- the watched library -----------------------------------------------------------------

    @work(thread=True, group="library-watch", exit_on_error=False)
    def _watch_library(self) -> None:
        """Takes in each change to the library's files as it happens, off the UI thread."""
        watch = self.watch
        if watch is None:
            return
        self._in_the_background("Indexing for search", watch.opened.fill_search)  # what a first start left
        told = len(watch.opened.notices)  # those of opening it are shown by on_mount
        try:
            for _notified in watch.changes():
                report = self._in_the_background("Reading new digests", watch.refresh)
                for notice in watch.opened.notices[told:]:  # the index was found damaged and rebuilt
                    self.call_from_thread(self.notify, visible(notice), title="Library index", severity="warning")
                told = len(watch.opened.notices)
                if report is not None:
                    self.call_from_thread(self._library_changed, watch.opened.library, report)
                self._in_the_background("Indexing for search", watch.opened.fill_search)
        except Exception as exc:  # the watching itself failed: say so rather than go quiet
            self.call_from_thread(self._watch_failed, exc, stopped=True)

    def _in_the_background(self, doing: str, work: Callable[[Progress], T]) -> T | None:
        """Runs `work` (in the watching thread) with a progress bar once it is big enough to show;
        an error is told, not raised: a bad moment of the disk must not end the watch."""
        shown = False

        def progress(done: int, total: int) -> None:
            nonlocal shown
            if shown or total >= PROGRESS_FROM_FILES:
                shown = True
                self.call_from_thread(self._import_progress, doing, done, total)

        try:
            return work(progress)
        except Exception as exc:
            self.call_from_thread(self._watch_failed, exc)
            return None
        finally:
            if shown:
                self.call_from_thread(self._import_progress, doing, -1, 0)

    def _import_progress(self, doing: str, done: int, total: int) -> None:
        """Shows how the reading of new digests goes on every reader (`done` -1: it is over)."""
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen):
                screen.query_one(ImportProgress).show(doing, done, total)

    def _watch_failed(self, exc: Exception, *, stopped: bool = False) -> None:
        then = " (new digests now show at the next start)" if stopped else ""
        self.notify(visible(f"Could not read the library's changes: {exc}{then}"), severity="warning", markup=False)

    def _library_changed(self, library: Library, report: SyncReport) -> None:
        """Shows the new library on every reader, where each one was, and says what came."""
        before = len(self.library)
        self.library = library
        samples_before = self.showing_samples
        if self.watch is not None:
            self.showing_samples = self.watch.opened.showing_samples
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen):
                screen.use_library(library)
        if samples_before and not self.showing_samples:
            self.clear_notifications()  # the one saying these are the samples
            message = f"Your digests are in, and the bundled samples are put away: {len(library)} paper(s)"
            self.notify(visible(message), title="Library updated", markup=False)
            return
        came = [Path(path).name for path in (*report.added, *report.changed)]
        names = ", ".join(came[:3]) + (f" and {len(came) - 3} more" if len(came) > 3 else "")
        if not names:
            names = "a file was removed" if report.removed else "changed by another paperdeck"
        gained = len(library) - before
        papers = f"{gained} new paper(s)" if gained >= 0 else f"{-gained} paper(s) fewer"
        self.notify(visible(f"{names}: {papers}, {len(library)} in all"), title="Library updated", markup=False)

    @work(thread=True, group="review-log")
    def _read_review_log(self) -> None:
        """Reads the review log (one line per answer ever given) before the stats ask for it."""
        self.store.review_count  # noqa: B018 - reading it is the point
        self.call_from_thread(self.offer_optimise)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.MouseScrollDown | events.MouseScrollUp):
            self.idle_collector.activity()
        await super().on_event(event)

    def on_unmount(self) -> None:
        if self.watch is not None:
            self.watch.stop.set()  # the watching thread waits on it
        self.stop_syncing()
        self.idle_collector.uninstall()
        self.store.listeners.remove(self._store_said)

    def _store_said(self, message: str) -> None:
        # Called on the store's writer thread; post_message is the thread-safe way in.
        self.post_message(StoreSaid(message))

    def on_store_said(self, event: StoreSaid) -> None:
        self.notify(visible(event.text), title="Saving", severity="warning", markup=False)

    def get_default_screen(self) -> ReaderScreen:
        return ReaderScreen(self.library, self.store, self.deck)

    def _review_screen(self) -> Screen:
        # Imported when first needed: the reader's first paint does not wait for these screens.
        from tui.ui.screens.review import ReviewScreen

        return ReviewScreen(self.library, self.store, self.deck)

    def action_review(self) -> None:
        """Opens a review session over the reader; the reader catches up when it ends."""

        def ended(summary: object) -> None:
            self._back_from_review(summary)
            self.offer_optimise()

        self.push_screen(self._review_screen(), ended)

    def action_stats(self) -> None:
        from tui.ui.screens.stats import StatsScreen

        self.push_screen(StatsScreen(self.deck))

    def action_card_info(self) -> None:
        """The review card of the reader's paper: its figures and every answer given on it."""
        reader = self.screen
        paper_id = reader.query_one(PaperList).current if isinstance(reader, ReaderScreen) else None
        if paper_id is None:
            return
        from tui.ui.screens.card_info import open_card_info

        paper = self.library.papers.get(paper_id)
        open_card_info(self, self.deck, paper_id, paper.title if paper is not None else paper_id)

    def action_trends(self) -> None:
        """Shows how the tags and watched items went over the library's last year; the line
        chosen opens in the reader it was asked from."""
        reader = self.screen
        if not isinstance(reader, ReaderScreen):
            return
        from tui.trends import trends_job
        from tui.ui.screens.trends import TrendsScreen

        def chosen(key: ViewKey | None) -> None:
            if key is not None:
                reader.go_to_view(key, forget_filter=True)

        reading = reader.reading
        self.push_screen(TrendsScreen(trends_job(reading), at_once=not reading.search_worth_preparing), chosen)

    def action_review_settings(self) -> None:
        def apply(settings: ReviewSettings | None) -> None:
            if settings is None or settings == self.deck.settings:
                return
            try:
                settings.save(self.store)
            except StoreReadOnly as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.deck.apply_settings(settings)
            self._back_from_review(None)  # due counts follow the new limits
            self.notify("Review settings saved.")

        from tui.ui.screens.settings import ReviewSettingsDialog

        self.push_screen(ReviewSettingsDialog(self.deck.settings), apply)

    def _back_from_review(self, _summary: object) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen):
                screen.catch_up()

    # --- linked folders ----------------------------------------------------------------------

    def action_link_folder(self) -> None:
        """Asks for a folder of notes and links it: the watcher reads it in the background."""
        from tui.library.linked import LinkedFolders, absolute
        from tui.ui.screens.dialogs import PromptDialog

        def chosen(name: str | None) -> None:
            if not name:
                return
            folder = absolute(Path(name))
            if not folder.is_dir():
                self.notify(visible(f"{folder}: not a folder"), title="Link a folder", severity="error", markup=False)
                return
            try:
                linked = LinkedFolders(self.home).link(folder)
            except OSError as exc:
                message = f"Could not link {folder}: {exc.strerror or exc}"
                self.notify(visible(message), title="Link a folder", severity="error", markup=False)
                return
            said = "its notes are read in a moment" if linked else "it is linked already"
            self.notify(visible(f"{folder}: {said}. Nothing in it is written to."), title="Link a folder", markup=False)

        self.push_screen(
            PromptDialog(
                "Link a folder of notes (a vault) into the library", "", "A folder; its notes are read where they are."
            ),
            chosen,
        )

    # --- export ------------------------------------------------------------------------------

    def action_export_view(self) -> None:
        """Asks for a format and a file, then writes the papers the reader shows into it."""
        from tui.export import FORMATS, SUFFIXES
        from tui.ui.screens.dialogs import ChoiceDialog, PromptDialog

        reader = self.screen
        if not isinstance(reader, ReaderScreen):
            return
        paper_ids = reader.shown_paper_ids()
        labels = {"md": "Markdown reading list", "json": "JSON (every field and your state)",
                  "csv": "CSV for spreadsheets", "bibtex": "BibTeX"}  # fmt: skip

        def chosen_format(format_name: str | None) -> None:
            if format_name is None:
                return
            default = Path.cwd() / f"paperdeck-{date.today().isoformat()}{SUFFIXES[format_name]}"
            self.push_screen(
                PromptDialog(
                    f"Export {len(paper_ids)} paper(s) as {labels[format_name]} to",
                    str(default),
                    "A file name; an existing file is replaced.",
                ),
                partial(chosen_file, format_name),
            )

        def chosen_file(format_name: str, name: str | None) -> None:
            if not name:
                return
            # The user's state is read here, on the thread that changes it; the worker reads the
            # papers from the library index and formats.
            states, cards = self.store.paper_states(), self.store.card_documents()
            what = (self.library.papers, paper_ids, states, cards)
            self._export(format_name, what, Path(name).expanduser(), reader.language)

        self.push_screen(
            ChoiceDialog(f"Export the {len(paper_ids)} paper(s) of this view", [(f, labels[f]) for f in FORMATS]),
            chosen_format,
        )

    @work(thread=True, group="export")
    def _export(self, format_name: str, what: tuple, target: Path, language: str) -> None:
        from tui.export import export, exported_items
        from tui.state.atomic import write_atomically

        items = exported_items(*what)
        try:
            write_atomically(target, export(format_name, items, language=language))
        except OSError as exc:
            message, severity = f"Could not export to {target}: {exc.strerror or exc}", "error"
        else:
            message, severity = f"Exported {len(items)} paper(s) to {target}", "information"
        self.call_from_thread(self.notify, visible(message), title="Export", severity=severity, markup=False)

    def watch_theme(self, theme: str) -> None:
        # Remembered across runs; a read-only store still lets this session switch.
        remember(self.store, THEME, theme)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        # Every key of the screen, by what its binding says it does (the reader's, triage's,
        # a review session's): the palette is where a forgotten key is found.
        for binding in getattr(screen, "BINDINGS", ()):
            if isinstance(binding, Binding) and binding.description and not binding.action.startswith("app."):
                yield SystemCommand(
                    binding.description,
                    f"{binding.description} (key: {binding.key_display or key_name(binding.key)})",
                    partial(screen.run_action, binding.action),
                )
        if isinstance(screen, ReaderScreen):
            yield SystemCommand("Review", "Review the flashcards due now (key: v)", self.action_review)
            yield SystemCommand(
                "Review settings",
                "Desired retention, new cards a day, when the day starts, whether a star adds a card",
                self.action_review_settings,
            )
            yield SystemCommand(
                "Review stats", "Calendar, forecast and retention of your reviews (key: S)", self.action_stats
            )
            yield SystemCommand(
                "Card info", "The paper's review card: its figures and every answer (key: i)", self.action_card_info
            )
            yield SystemCommand(
                "Optimise review parameters",
                "Fit FSRS to your own answers; kept only if it predicts them better (paperdeck optimize)",
                self.action_optimize_review,
            )
            yield SystemCommand(
                "Reset review parameters",
                "Go back to the FSRS parameters used before the last optimisation",
                self.action_reset_review_parameters,
            )
            yield SystemCommand(
                "Trends",
                "Tags and watched items over the last year, papers a week, most rising first (key: Y)",
                self.action_trends,
            )
            yield SystemCommand(
                "Export this view…",
                "Write the papers of this view, as filtered, to a Markdown, JSON, CSV or BibTeX file",
                self.action_export_view,
            )
            if self.syncer is not None:
                yield SystemCommand(
                    "Sync now",
                    f"Take in what your other machines wrote to {self.syncer.folder} and send what changed here",
                    partial(self.sync_now, asked=True),
                )
            yield SystemCommand(
                "Link a folder of notes…",
                "Read a notes vault (its .md notes, in every subfolder) where it is, as part of the library",
                self.action_link_folder,
            )
            yield SystemCommand(
                "Rename a saved view…", "A new name for one of the saved views", screen.action_rename_saved_view
            )
            yield SystemCommand(
                "Remove a saved view…",
                "Take a saved view out of the tree (its papers stay)",
                screen.action_remove_saved_view,
            )
            yield SystemCommand(
                "Mark read on open: on/off",
                "Whether opening a paper (Enter) marks it read",
                partial(screen.run_action, "toggle_read_on_open"),
            )
