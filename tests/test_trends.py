"""Trends over real digest files: papers a week per tag and watched item, checked against a
count of each paper's own digest dates, the ranking, the year's window, and the drawing."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import SAMPLES

from tui import trends as trends_module
from tui.groups import watch_key
from tui.library.files import load_library
from tui.library.merge import Library
from tui.reading import Reading
from tui.review.deck import Deck
from tui.settings import ReviewSettings
from tui.state.store import Store
from tui.state.user_lists import WatchItem, save_watch_list
from tui.trends import (
    BLOCKS,
    EARLIER_WEEKS,
    NO_PAPERS,
    RECENT_WEEKS,
    SMOOTHING,
    WEEKS,
    RowLayout,
    TrendLine,
    TrendStyles,
    binned,
    sparkline,
    trend_row,
    trends_job,
    work_out_trends,
)
from tui.views import ViewKey, Views

NEWEST = date(2026, 3, 6)
START = NEWEST - timedelta(days=7 * WEEKS - 1)  # the first day of the year's first week


def week_day(week: int) -> date:
    """The last day of week `week` (0 the oldest, 51 the one ending on NEWEST)."""
    return NEWEST - timedelta(weeks=WEEKS - 1 - week)


def made_up_papers() -> dict[date, list[tuple[str, tuple[str, ...], str]]]:
    """(title, tags, abstract) for each digest date: tags that rise, hold, fade, or barely occur."""
    days: dict[date, list] = defaultdict(list)

    def add(day: date, title: str, *tags: str, abstract: str = "A study of things.") -> None:
        days[day].append((title, tags, abstract))

    for n in range(6):
        add(week_day(10), f"Rising early {n}", "rising")
    for n in range(20):
        add(week_day(44 + n % RECENT_WEEKS), f"Rising late {n}", "rising")
    for week in range(WEEKS):
        add(week_day(week), f"Steady {week}", "steady")
    for n in range(20):
        add(week_day(5 + n), f"Fading {n}", "fading")
    for n in range(3):
        add(week_day(51), f"One-off {n}", "oneoff")
    for n in range(2):
        add(week_day(30), f"Tiny {n}", "tiny")
    for n in range(4):  # the day before the year begins
        add(START - timedelta(days=1), f"Too old {n}", "old")
    add(START, "On the first day", "edge")  # the year's first day, in week 0
    add(START + timedelta(days=6), "End of the first week", "edge")
    add(START + timedelta(days=7), "Start of the second week", "edge")
    # Seen twice: in the week of its first digest only.
    add(week_day(3), "Seen twice", "twice")
    add(week_day(50), "Seen twice", "twice")
    add(week_day(20), "Twice's friend 1", "twice")
    add(week_day(20), "Twice's friend 2", "twice")
    # First seen before the year, listed again within it: not one of the year's papers.
    add(START - timedelta(days=3), "Before and within", "twice")
    add(week_day(48), "Before and within", "twice")
    add(week_day(49), "Diffusion again", abstract="Diffusion models, once more.")
    add(week_day(12), "A denoiser", abstract="Score-based diffusion for images.")
    return days


def write_digests(folder: Path) -> list[Path]:
    paths = []
    for day, papers in made_up_papers().items():
        lines = [f"{day.year}년 {day.month}월 {day.day}일"]
        for title, tags, abstract in papers:
            lines += [title, "(Ann Lee, Bo Li)", abstract, "한국어 설명.", "An English note."]
            lines.append(" ".join(f"#{tag}" for tag in tags) or "#misc")
        path = folder / f"{day.isoformat()}.commentary.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def made_up(tmp_path_factory) -> Library:
    return load_library(write_digests(tmp_path_factory.mktemp("digests")))


@pytest.fixture(scope="module")
def samples() -> Library:
    return load_library(sorted(SAMPLES.glob("*.txt")))


def first_seen_of(library: Library) -> dict[str, date]:
    return Views(library, lambda _i: None, dict).first_seen


def trends_of(library: Library, user_tags=None, watched=()):
    return work_out_trends(library, first_seen_of(library), user_tags or {}, list(watched))


def counted_by_hand(library: Library, paper_ids) -> list[int]:
    """Each week's papers, from the papers' own digest dates: the oldest is the week it counts in."""
    newest = max(day for paper in library for day in paper.digest_dates)
    start = newest - timedelta(days=7 * WEEKS - 1)
    weeks = [0] * WEEKS
    for paper_id in set(paper_ids):
        first = min(library.papers[paper_id].digest_dates)
        if start <= first <= newest:
            weeks[(first - start).days // 7] += 1
    return weeks


def line_of(trends, label: str) -> TrendLine:
    (found,) = [line for line in trends.lines if line.label == label]
    return found


def test_each_tags_weeks_are_the_weeks_its_papers_were_first_seen(made_up, samples):
    for library in (made_up, samples):
        trends = trends_of(library)
        assert trends.lines
        for line in trends.lines:
            assert line.key.kind == "tag"
            assert list(line.weekly) == counted_by_hand(library, library.by_tag[line.key.value])
    trends = trends_of(made_up)
    assert line_of(trends, "#steady").weekly == (1,) * WEEKS
    assert sum(line_of(trends, "#twice").weekly) == 3  # the paper first seen before the year is not of it


def test_the_year_is_the_52_weeks_ending_on_the_newest_digest(made_up, samples):
    trends = trends_of(made_up)
    assert (trends.first_day, trends.last_day) == (START, NEWEST)
    assert (trends.last_day - trends.first_day).days == 7 * WEEKS - 1
    # The two days of the first week at its two ends, and the first day of the second.
    assert line_of(trends, "#edge").weekly[:2] == (2, 1)
    assert all(line.label != "#old" for line in trends.lines)  # the day before the year
    # The samples' year ends on their own newest digest, whatever today is.
    sample_trends = trends_of(samples)
    assert sample_trends.last_day == max(samples.by_date)
    assert sample_trends.first_day == max(samples.by_date) - timedelta(days=363)


def test_the_most_rising_come_first_and_a_few_new_papers_do_not_top_the_list(made_up):
    lines = trends_of(made_up).lines
    labels = [line.label for line in lines]
    assert labels.index("#rising") < labels.index("#oneoff") < labels.index("#steady") < labels.index("#fading")
    assert "#tiny" not in labels  # two papers in the year say nothing
    rises = [line.rise for line in lines]
    assert rises == sorted(rises, reverse=True)
    rising = line_of(trends_of(made_up), "#rising")
    recent, earlier = sum(rising.weekly[-RECENT_WEEKS:]), sum(rising.weekly[:-RECENT_WEEKS])
    assert (recent, earlier) == (20, 6)
    assert rising.rise == pytest.approx((recent / RECENT_WEEKS + SMOOTHING) / (earlier / EARLIER_WEEKS + SMOOTHING))
    assert rising.change_label == f"{round((rising.rise - 1) * 100):+d}%"
    assert line_of(trends_of(made_up), "#oneoff").change_label == "new"
    fading = line_of(trends_of(made_up), "#fading")
    assert fading.change_label == f"{round((SMOOTHING / (20 / EARLIER_WEEKS + SMOOTHING) - 1) * 100):+d}%"
    assert line_of(trends_of(made_up), "#steady").change_label == "+0%"
    # The column shown reads in the order of the lines.
    changes = [line.change for line in lines if line.change is not None]
    assert changes == sorted(changes, reverse=True)
    tenfold = TrendLine(ViewKey("tag", "x"), "#x", (1,) * EARLIER_WEEKS + (20,) * RECENT_WEEKS)
    assert tenfold.change_label == f"×{tenfold.rise:.0f}"


def test_equal_rises_are_ranked_by_their_papers(made_up):
    nothing = WatchItem.made("word", "nothing at all")
    lines = trends_of(made_up, watched=[(nothing, frozenset())]).lines
    steady, watched = (
        line_of(trends_of(made_up), "#steady"),
        line_of(trends_of(made_up, watched=[(nothing, ())]), nothing.label),
    )
    assert steady.rise == watched.rise and steady.total > watched.total
    labels = [line.label for line in lines]
    assert labels.index("#steady") == labels.index(nothing.label) - 1


def test_user_tags_count_with_the_digests_tags(made_up):
    tiny = made_up.by_tag["tiny"]
    steady = made_up.by_tag["steady"][:5]
    user_tags = {"tiny": [made_up.by_tag["rising"][0]], "mine": steady}
    trends = trends_of(made_up, user_tags)
    assert list(line_of(trends, "#tiny").weekly) == counted_by_hand(made_up, [*tiny, *user_tags["tiny"]])
    assert list(line_of(trends, "#mine").weekly) == counted_by_hand(made_up, steady)


@pytest.fixture
def store(tmp_path: Path):
    opened = Store.open(tmp_path / "store.json")
    yield opened
    opened.close()


def reading_of(library: Library, store: Store) -> Reading:
    clock = lambda: datetime(2026, 3, 10, tzinfo=UTC)  # noqa: E731
    return Reading(library, store, Deck(store, ReviewSettings(), clock, enable_fuzzing=False))


def test_watched_items_are_always_shown_and_open_their_own_views(made_up, store):
    diffusion, fading = WatchItem.made("word", "diffusion"), WatchItem.made("tag", "fading")
    save_watch_list(store, [diffusion, fading])
    reading = reading_of(made_up, store)
    trends = trends_job(reading)()  # the words looked up in the library, as the reader's groups are
    word_line = line_of(trends, diffusion.label)
    assert word_line.watched and word_line.key == watch_key(diffusion) == ViewKey("watch", "word:diffusion")
    matched = [paper.id for paper in made_up if "diffusion" in paper.abstract.casefold()]
    assert len(matched) == 2 and list(word_line.weekly) == counted_by_hand(made_up, matched)
    # A watched tag is one line, the watched item's, though the tag alone would be shown too.
    assert [line.label for line in trends.lines].count("#fading") == 1
    assert line_of(trends, "#fading").key == watch_key(fading)
    # Once the reader has worked its groups out, they are what the trends count.
    reading.take_groups(reading.work_out_groups())
    assert trends_job(reading)() == trends


def test_the_lines_are_capped_but_never_a_watched_item(made_up, monkeypatch):
    monkeypatch.setattr(trends_module, "MOST_LINES", 3)
    watched = [(WatchItem.made("word", "nothing"), frozenset()), (WatchItem.made("author", "Ann Lee"), frozenset())]
    lines = trends_of(made_up, watched=watched).lines
    assert [line.label for line in lines] == ["#rising", "Ann Lee", "‘nothing’"]  # equal rises: by name
    assert [line.change_label for line in lines[1:]] == ["–", "–"]
    assert len(trends_of(made_up).lines) == 3


def test_a_library_without_dates_has_no_year():
    trends = work_out_trends(Library(), {}, {}, [(WatchItem.made("word", "x"), frozenset())])
    assert (trends.first_day, trends.last_day, trends.lines) == (None, None, ())


def test_a_sparkline_is_relative_to_its_largest_week():
    assert sparkline([0, 1, 2, 4, 8]) == NO_PAPERS + "▁▂▄█"
    assert sparkline([0, 3, 0]) == NO_PAPERS + "█" + NO_PAPERS
    assert sparkline([1, 50]) == "▁█"  # one paper among fifty still shows
    assert sparkline([0, 0]) == NO_PAPERS * 2
    weekly = [random.Random(seed).randint(0, 9) for seed in range(WEEKS)]
    line = sparkline(weekly)
    assert len(line) == WEEKS and line[weekly.index(max(weekly))] == BLOCKS[-1]


def test_narrow_rows_sum_the_weeks_into_equal_columns():
    weekly = list(range(WEEKS))
    for columns, bins in ((52, 52), (51, 26), (30, 26), (25, 13), (12, 4)):
        summed = binned(weekly, columns)
        assert len(summed) == bins and sum(summed) == sum(weekly)
        assert summed[-1] == sum(weekly[-(WEEKS // bins) :])


def test_a_row_shows_the_mark_name_sparkline_papers_and_change(made_up):
    trends = trends_of(made_up, watched=[(WatchItem.made("word", "rising"), made_up.by_tag["rising"])])
    styles = TrendStyles(weeks="blue", recent="magenta", empty="grey50", watched="yellow", rising="green")
    for width in (120, 70, 45):
        layout = RowLayout.fitting(width, trends.lines)
        rows = [trend_row(line, layout, styles) for line in trends.lines]
        assert {row.cell_len for row in rows} == {layout.header().cell_len}
        assert all(row.cell_len <= width for row in rows)
        (at,) = [at for at, line in enumerate(trends.lines) if line.watched]
        watched, line = rows[at], trends.lines[at]
        assert watched.plain.startswith("◆ ‘rising’")
        assert watched.plain.endswith(f"  {line.total:>6}  {line.change_label:>6}") and line.total == 26
        assert sparkline(binned(line.weekly, layout.columns)) in watched.plain
        assert styles.recent in {span.style for span in watched.spans}
        assert "green" in {span.style for span in watched.spans}
    assert "1 week a column" in RowLayout.fitting(120, trends.lines).header().plain
    assert "2 weeks a column" in RowLayout.fitting(70, trends.lines).header().plain
    assert RowLayout.fitting(45, trends.lines).header().plain.split()[0] == "4"  # 13 columns: "4 weeks a col"
    long = TrendLine(ViewKey("tag", "x" * 60), "#" + "x" * 60, (1,) * WEEKS)
    assert "…" in trend_row(long, RowLayout.fitting(80, [long]), styles).plain


def test_a_hundred_thousand_papers_keep_the_most_rising_lines_and_the_watched_one():
    rng = random.Random(0)
    tags = [f"tag-{n}" for n in range(2_000)]
    by_date: dict[date, list[str]] = {}
    by_tag: dict[str, list[str]] = defaultdict(list)
    for day_number in range(800):
        ids = [f"{day_number}-{n}" for n in range(125)]
        by_date[NEWEST - timedelta(days=day_number)] = ids
        for paper_id in ids:
            for tag in rng.sample(tags[: rng.choice([20, 200, 2_000])], 3):
                by_tag[tag].append(paper_id)
    library = Library(by_date=by_date, by_tag=dict(by_tag), order=[i for ids in by_date.values() for i in ids])
    first_seen = first_seen_of(library)
    watched = [(WatchItem.made("word", "w"), frozenset(library.order[::7]))]
    trends = work_out_trends(library, first_seen, {}, watched)
    assert len(library.order) == 100_000 and len(trends.lines) == trends_module.MOST_LINES
    # Speed is the benchmarks' business; here, that the cap keeps the watched item and the
    # tags of most papers in the year.
    assert sum(line.watched for line in trends.lines) == 1
