"""Tags and watched items over time: papers a week for the library's last year, most rising first.

A year is the 52 weeks of seven days that end on the newest digest date of the library (not
today: a library of old digests still shows its own year). A paper counts once, in the week of
the first digest date it appeared in. Only the ids per tag the library keeps and the watched
items' papers are read: no paper is, so 100,000 papers take a fraction of a second.

"Rising" compares a line's weekly mean over the last `RECENT_WEEKS` weeks with its weekly mean
over the weeks before them, after adding `SMOOTHING` of a paper to every week:

    rise = (recent / RECENT_WEEKS + SMOOTHING) / (earlier / EARLIER_WEEKS + SMOOTHING)

Without the smoothing a tag going from no papers to one would rise without bound; with it, a
tag needs several recent papers to rise far, and a big tag's rise is its plain ratio. Lines
are ranked by rise, then by papers in the year, then by name. The change shown is the rise
too, as a percentage: a tag of three papers that went quiet is "-25%", not "-100%", and is
listed above a tag of seventy that fell by half.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from rich.text import Text

from tui.groups import watch_key
from tui.library.merge import Library
from tui.reading import Reading
from tui.safe_text import one_line
from tui.state.paper_state import PaperState
from tui.state.user_lists import WatchItem
from tui.views import ViewKey

WEEKS = 52
RECENT_WEEKS = 8
EARLIER_WEEKS = WEEKS - RECENT_WEEKS
# A fifth of a paper a week: about ten papers spread over the year.
SMOOTHING = 0.2
# Tags with fewer papers in the year say nothing about a trend; watched items are always shown.
LEAST_PAPERS = 3
MOST_LINES = 60
BLOCKS = "▁▂▃▄▅▆▇█"
NO_PAPERS = "·"


@dataclass(frozen=True)
class TrendLine:
    """One tag's or watched item's papers a week over the year, oldest week first."""

    key: ViewKey  # the view Enter opens: the tag's, or the watched item's
    label: str  # "#rl", or the watched item's label
    weekly: tuple[int, ...]
    watched: bool = False

    @property
    def total(self) -> int:
        return sum(self.weekly)

    @property
    def recent(self) -> int:
        return sum(self.weekly[-RECENT_WEEKS:])

    @property
    def earlier(self) -> int:
        return sum(self.weekly[:-RECENT_WEEKS])

    @property
    def rise(self) -> float:
        """The smoothed ratio of the recent weekly mean to the earlier one (see the module's docstring)."""
        return (self.recent / RECENT_WEEKS + SMOOTHING) / (self.earlier / EARLIER_WEEKS + SMOOTHING)

    @property
    def change(self) -> int | None:
        """The rise as a change in percent (so that the column shown reads in the order the lines
        are ranked in); None when there were no papers before the recent weeks."""
        if not self.earlier:
            return None
        return round((self.rise - 1) * 100)

    @property
    def change_label(self) -> str:
        """The change as shown: +180%, -40%, ×12, new (no papers before the recent weeks) or – (none at all)."""
        change = self.change
        if change is None:
            return "new" if self.recent else "–"
        if change >= 900:  # ten times the papers a week or more: a percentage would be too wide to read
            return f"×{change / 100 + 1:.0f}"
        return f"{change:+d}%"


@dataclass(frozen=True)
class Trends:
    """The lines, most rising first, and the days the year runs over (None: no digest dates)."""

    first_day: date | None
    last_day: date | None
    lines: tuple[TrendLine, ...]


def _rank(line: TrendLine) -> tuple[float, int, str]:
    return (-line.rise, -line.total, line.label)


def year_of(newest: date) -> tuple[date, date]:
    """The first and last day of the 52 weeks ending on `newest`."""
    return newest - timedelta(days=7 * WEEKS - 1), newest


def weeks_of_papers(library: Library, first_seen: Mapping[str, date]) -> dict[str, int]:
    """The week (0 the oldest, 51 the newest) of each paper first seen in the library's last year."""
    if not library.by_date:
        return {}
    newest = next(iter(library.by_date))
    start, _ = year_of(newest)
    weeks: dict[str, int] = {}
    for day, ids in library.by_date.items():  # newest first
        if day < start:
            break
        week = WEEKS - 1 - (newest - day).days // 7
        # A paper listed again later counts in its first week only.
        weeks.update((paper_id, week) for paper_id in ids if first_seen.get(paper_id) == day)
    return weeks


def weekly_counts(paper_ids: Iterable[str], weeks: Mapping[str, int]) -> tuple[int, ...]:
    counts = [0] * WEEKS
    for paper_id in paper_ids:
        week = weeks.get(paper_id)
        if week is not None:
            counts[week] += 1
    return tuple(counts)


def work_out_trends(
    library: Library,
    first_seen: Mapping[str, date],
    user_tags: Mapping[str, Collection[str]],
    watched: Sequence[tuple[WatchItem, Collection[str]]],
) -> Trends:
    """Every tag with `LEAST_PAPERS` papers in the year and every watched item (with its papers),
    most rising first, at most `MOST_LINES` lines unless more items are watched."""
    if not library.by_date:
        return Trends(None, None, ())
    first_day, last_day = year_of(next(iter(library.by_date)))
    weeks = weeks_of_papers(library, first_seen)
    watched_lines = [
        TrendLine(watch_key(item), item.label, weekly_counts(ids, weeks), watched=True) for item, ids in watched
    ]
    watched_tags = {item.value for item, _ids in watched if item.kind == "tag"}
    sizes = dict(library.tag_sizes)
    for tag, ids in user_tags.items():
        sizes[tag] = sizes.get(tag, 0) + len(ids)  # at most its papers: enough to pass over the small ones
    tag_lines = []
    for tag, size in sizes.items():
        if size < LEAST_PAPERS or tag in watched_tags:  # a watched tag is shown as watched, once
            continue
        ids: Iterable[str] = library.by_tag.get(tag, ())
        if tag in user_tags:
            ids = set(ids) | set(user_tags[tag])
        weekly = weekly_counts(ids, weeks)
        if sum(weekly) >= LEAST_PAPERS:
            tag_lines.append(TrendLine(ViewKey("tag", tag), f"#{tag}", weekly))
    tag_lines.sort(key=_rank)
    kept = watched_lines + tag_lines[: max(0, MOST_LINES - len(watched_lines))]
    return Trends(first_day, last_day, tuple(sorted(kept, key=_rank)))


def trends_job(reading: Reading) -> Callable[[], Trends]:
    """What working out the reader's trends takes, ready for a worker thread.

    The user's tags and the watched items' papers are taken as they are now (the UI thread
    changes them); a watched item the reader has not worked out yet is looked up in the
    library's search by the worker, as the reader's own groups are.
    """
    library, views = reading.library, reading.views
    states = dict(reading.states)
    tags = reading.user_tags()
    watcher = reading.groups.watcher
    known = {key: group.ids for key, group in views.groups.items()}
    blank = PaperState()

    def job() -> Trends:
        watched = []
        for item in watcher.items:
            ids = known.get(watch_key(item))
            if ids is None:
                ids = frozenset(watcher.papers_of(item, library, lambda i: states.get(i, blank), tags))
            watched.append((item, ids))
        return work_out_trends(library, views.first_seen, tags, watched)

    return job


def binned(weekly: Sequence[int], columns: int) -> list[int]:
    """The weeks summed into at most `columns` bins of equal length (a divisor of the weeks,
    so that no bin is a short one that would look like a quiet spell), newest bin last."""
    weeks = len(weekly)
    size = next((n for n in range(1, weeks + 1) if weeks % n == 0 and weeks // n <= columns), weeks)
    return [sum(weekly[at : at + size]) for at in range(0, weeks, size)]


def sparkline(counts: Sequence[int]) -> str:
    """One block character per count, as tall as the count is to the largest; `·` for none."""
    top = max(counts, default=0)
    # Rounded up, so that a week of one paper among weeks of fifty still shows.
    return "".join(BLOCKS[-(-count * len(BLOCKS) // top) - 1] if count else NO_PAPERS for count in counts)


# --- drawing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendStyles:
    """The styles a line is drawn in: the trends screen takes them from the theme."""

    weeks: str = "cyan"  # the sparkline's earlier weeks
    recent: str = "magenta"  # its last RECENT_WEEKS weeks, the ones the rise looks at
    empty: str = "dim"  # weeks without papers
    watched: str = "yellow"  # the ◆ of a watched item
    rising: str = "green"
    falling: str = "red"


@dataclass(frozen=True)
class RowLayout:
    """How wide a line's name is and how many columns its sparkline gets."""

    name_width: int
    columns: int

    @classmethod
    def fitting(cls, width: int, lines: Sequence[TrendLine]) -> RowLayout:
        """The layout of rows `width` cells wide: names as long as the longest (8 to 28 cells),
        the sparkline a column per week where there is room, else per two or four weeks."""
        longest = max((Text(line.label).cell_len for line in lines), default=0)
        name_width = max(8, min(28, longest))
        return cls(name_width, max(1, width - _FIXED_CELLS - name_width))

    def header(self) -> Text:
        weeks = len(binned([0] * WEEKS, self.columns))
        spark = f"{WEEKS // weeks} week{'s' if weeks < WEEKS else ''} a column"[:weeks]
        return Text(f"  {'':<{self.name_width}}  {spark:<{weeks}}  {'papers':>6}  {'change':>6}", style="dim")


# The marker, the gaps and the numbers' columns of a row: "◆ " name "  " sparkline "  " papers "  " change.
_FIXED_CELLS = 2 + 2 + 2 + 6 + 2 + 6


def trend_row(line: TrendLine, layout: RowLayout, styles: TrendStyles) -> Text:
    """A line as one row: marker, name, sparkline (recent weeks in their own style), papers, change."""
    row = Text("◆ " if line.watched else "  ", style=styles.watched)
    name = Text(one_line(line.label))  # an author's name is digest text: shown, never acted on
    name.truncate(layout.name_width, overflow="ellipsis", pad=True)
    row.append_text(name)
    row.append("  ")
    bins = binned(line.weekly, layout.columns)
    recent_bins = -(-RECENT_WEEKS * len(bins) // WEEKS)
    for at, block in enumerate(sparkline(bins)):
        style = styles.empty if block == NO_PAPERS else styles.recent if at >= len(bins) - recent_bins else styles.weeks
        row.append(block, style=style)
    row.append(f"  {line.total:>6}  ")
    change = line.change
    rising = (change is None and line.recent > 0) or (change is not None and change > 0)
    falling = change is not None and change < 0
    row.append(f"{line.change_label:>6}", style=styles.rising if rising else styles.falling if falling else "")
    return row
