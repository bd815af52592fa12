"""The library index: the library it holds is the digests parsed from scratch, whatever happens to
the digest files, to the index file, or to the processes writing it."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import COMMENTARY, HF_MAR_06, HF_OCT_31, REPO, SAMPLES
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from reliability import record

from tui.home import Home
from tui.library import index_sync
from tui.library.features import feature_text, features_of
from tui.library.files import digest_files, load_library
from tui.library.index import INDEX_NAME, LibraryIndex
from tui.library.index_sync import SyncReport, fill_search, sync
from tui.library.index_terms import IndexTerms
from tui.library.merge import Library
from tui.library.opening import open_library
from tui.model import arxiv_paper_id, paper_id, search_text
from tui.parse import parse_bytes
from tui.state.store import Store

SHARED = REPO.parent / "shared" / "digests"
SAMPLE_FILES = digest_files(SAMPLES)
SHARED_FILES = digest_files(SHARED)
MAKE_CORPUS = REPO / "bench" / "make_corpus.py"
HF_API = REPO / "tests" / "fixtures" / "hf-api" / "2025-06-12.json"

# Titles of papers the samples hold (some spelled another way) and of papers they do not, so
# that the made-up digests below merge with the real ones and with each other.
TITLES = (
    "Reinforcement Pre-Training",
    "reinforcement pre training",
    "MiniCPM4: Ultra-Efficient LLMs on End Devices",
    "FocusUI: Efficient UI Grounding via Position-Preserving Visual Token Selection",
    "FocusUI -- efficient UI grounding via position-preserving visual token selection",
    "MiniMax-M1: Scaling Test-Time Compute Efficiently with Lightning Attention",
    "Sparse Registers for Vision Transformers",
    "Ring Attention for Very Long Contexts",
)
WORDS = "sparse attention registers tokens grounding reward scaling compute long context ring vision".split()
HF_HEADER = ["new", "", "Get trending papers in your email inbox!", "", "Subscribe", "", "Daily Papers", ""]
HF_HEADER += ["byAK and the research community", ""]


def made_up_digest(seed: int) -> bytes:
    """A small digest about three papers of `TITLES`: Format A for odd seeds, a Daily Papers page for even ones."""
    rng = random.Random(seed)

    def sentence(words: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."

    titles = rng.sample(TITLES, 3)
    if seed % 2:
        day = date(2026, 3, rng.randint(1, 28))
        lines = [f"{day.year}년 {day.month}월 {day.day}일"]
        for title in titles:
            lines += [title, f"({rng.choice(['Ann Lee', 'Bo Li'])}, Wei (David) Chen)", sentence(14)]
            lines += [f"{rng.choice(['모델', '학습', '레지스터'])}에 대한 논문이네요.", sentence(6)]
            lines.append(" ".join("#" + rng.choice(["rl", "vit", "llm", "gui", "agents"]) for _ in range(2)))
    else:
        lines = [*HF_HEADER, f"Mar {rng.randint(1, 28)}", ""]
        for title in titles:
            lines += [title, "", sentence(20), "", f"  • {rng.randint(1, 9)} authors", "·"]
            lines += [f"Jan {rng.randint(1, 28)}, 2025 {rng.randint(1, 50)}", ""]
    return "\n".join(lines).encode()


MADE_UP = [made_up_digest(seed) for seed in range(8)]
# What a digest file can hold: the real digests, the made-up ones, the API's JSON, nothing, and
# text that is no digest at all.
POOL = [
    *(path.read_bytes() for path in SAMPLE_FILES + SHARED_FILES),
    *MADE_UP,
    HF_API.read_bytes(),
    b"",
    b"just some notes\nthat are not a digest\n",
]
# Names sort in code point order in Python and in byte order in SQLite: the same, non-ASCII too.
NAMES = ("a.txt", "B.txt", "2025-06-12.txt", "notes-2026-03-07.txt", "논문.txt", "ä-page.txt", "z.json", "m.TXT")
# Every write of a test gets a modification time of its own, later than the one before.
FIRST_NS = 1_767_225_600 * 10**9  # 2026-01-01
STEP_NS = 1_000_003


def outline(library: Library) -> list[tuple]:
    """The path, format and diagnostics of each file that has diagnostics, in the library's order."""
    return [(result.path, result.format, result.diagnostics) for result in library.results if result.diagnostics]


def papers_of(library: Library) -> dict:
    get_many = getattr(library.papers, "get_many", None)
    return get_many(list(library.papers)) if get_many is not None else dict(library.papers)


def assert_same_library(indexed: Library, reference: Library) -> None:
    """The index's library is the reference: views, every paper, every file's diagnostics."""
    assert indexed.order == reference.order
    assert list(indexed.by_date.items()) == list(reference.by_date.items())
    assert list(indexed.by_tag.items()) == list(reference.by_tag.items())
    assert len(indexed) == len(reference)
    assert sorted(indexed.papers) == sorted(reference.papers)
    papers = papers_of(indexed)
    different = [i for i in reference.papers if papers.get(i) != reference.papers[i]]
    assert {i: papers.get(i) for i in different} == {i: reference.papers[i] for i in different}
    assert all(indexed.papers[i] == reference.papers[i] for i in reference.order)
    assert outline(indexed) == outline(reference)
    assert indexed.diagnostics == reference.diagnostics
    # What the reader sorts by, kept in the index's own columns as papers come, change and go.
    assert indexed.sort_key_finder is not None
    for column in ("upvotes", "title_key"):
        assert dict(indexed.sort_keys(column)) == dict(reference.sort_keys(column)), column


def assert_ids_are_the_titles(library: Library) -> None:
    """Each paper is keyed by its arXiv id when it has one, else by its title."""
    papers = papers_of(library)
    assert all(
        paper.id == key == (arxiv_paper_id(paper.arxiv_id) if paper.arxiv_id else paper_id(paper.title))
        for key, paper in papers.items()
    )


def assert_searched_as(index: LibraryIndex, reference: Library, *, pending: bool = False) -> None:
    """Each paper's search text is in the index's full-text table, or the paper waits for `fill_search`
    (only if `pending` is allowed): one or the other, never both."""
    db = index.connection()
    numbers = dict(db.execute("SELECT number, id FROM papers"))
    texts = dict(db.execute("SELECT rowid, text FROM search"))
    waiting = {number for (number,) in db.execute("SELECT number FROM unsearched")}
    assert sorted(numbers.values()) == sorted(reference.papers)
    assert (set(texts) | waiting, set(texts) & waiting) == (set(numbers), set())
    assert {numbers[n]: text for n, text in texts.items()} == {
        numbers[n]: search_text(reference.papers[numbers[n]]) for n in texts
    }
    assert len(waiting) <= (len(numbers) if pending else 0)
    # The features are kept beside the search text, row for row, and waiting with it.
    terms = dict(db.execute("SELECT rowid, text FROM terms"))
    assert set(terms) == set(texts)
    assert {numbers[n]: text for n, text in terms.items()} == {
        numbers[n]: feature_text(reference.papers[numbers[n]]) for n in terms
    }
    # Read back for the for-you order, waiting or not, the features are the paper's own.
    assert IndexTerms(index).features() == {i: features_of(paper) for i, paper in reference.papers.items()}


def synced_index(path: Path, files: list[Path]) -> LibraryIndex:
    index = LibraryIndex(path)
    assert index.prepare() is None
    sync(index, files)
    return index


def write(path: Path, data: bytes, ns: int) -> None:
    path.write_bytes(data)
    os.utime(path, ns=(ns, ns))


# --- the real digests ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "files", [SAMPLE_FILES, SHARED_FILES, SAMPLE_FILES + SHARED_FILES], ids=["samples", "shared", "both"]
)
def test_index_of_the_real_digests_is_the_library_parsed_from_scratch(tmp_path: Path, files: list[Path]):
    index = LibraryIndex(tmp_path / INDEX_NAME)
    assert index.prepare() is None
    report = sync(index, files)
    assert report == SyncReport(added=tuple(map(str, files)), papers_before=0, papers_after=8 + 49 + 121 - 2)
    library = index.library()
    reference = load_library(files)
    assert_same_library(library, reference)
    assert_ids_are_the_titles(library)
    assert_searched_as(index, reference)
    # The same digest at two paths: each paper seen twice as often.
    assert sum(len(paper.sources) for paper in papers_of(library).values()) == (8 + 49 + 121) * len(files) // 3
    index.close()


def test_files_synced_one_at_a_time_in_any_order_make_the_same_library(tmp_path: Path):
    files = SAMPLE_FILES + SHARED_FILES
    index = LibraryIndex(tmp_path / INDEX_NAME)
    index.prepare()
    for count in range(1, len(files) + 1):
        some = files[::-1][:count]
        report = sync(index, some)
        assert report.added == (str(some[-1]),)
        assert_same_library(index.library(), load_library(some))
    index.close()


def test_made_up_digests_parse_into_papers_the_samples_have_too():
    sample_ids = set(load_library(SAMPLE_FILES).papers)
    for data in MADE_UP:
        result = parse_bytes(data, "made-up.txt")
        assert len(result.entries) == 3 and result.diagnostics == ()
    formats = {parse_bytes(data, "made-up.txt").format.value for data in MADE_UP}
    assert formats == {"commentary", "hf-daily"}
    ids = [entry.id for data in MADE_UP for entry in parse_bytes(data, "made-up.txt").entries]
    assert len(set(ids)) < len(ids) and set(ids) & sample_ids


# --- any sequence of changes to the files ----------------------------------------------------------


def index_machine(root: Path) -> type[RuleBasedStateMachine]:
    """Digest files added, changed, removed and renamed in a folder of `root`, the index synced after each."""

    class IndexFollowsTheFiles(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.folder = Path(tempfile.mkdtemp(dir=root))
            self.index = LibraryIndex(self.folder / "cache" / INDEX_NAME)
            assert self.index.prepare() is None
            self.clock = FIRST_NS

        def teardown(self) -> None:
            self.index.close()

        def present(self) -> list[str]:
            return sorted(name for name in NAMES if (self.folder / name).exists())

        def absent(self) -> list[str]:
            return sorted(name for name in NAMES if not (self.folder / name).exists())

        def write(self, name: str, data: bytes) -> Path:
            self.clock += STEP_NS
            write(self.folder / name, data, self.clock)
            return self.folder / name

        def synced(self, added=(), changed=(), removed=()) -> None:
            generation = self.index.generation
            report = sync(self.index, digest_files(self.folder))
            expected = ({str(p) for p in added}, {str(p) for p in changed}, {str(p) for p in removed})
            assert (set(report.added), set(report.changed), set(report.removed)) == expected
            assert self.index.generation == generation + 1

        @precondition(lambda self: self.absent())
        @rule(data=st.data(), content=st.sampled_from(POOL))
        def add(self, data, content: bytes) -> None:
            name = data.draw(st.sampled_from(self.absent()), label="add")
            self.synced(added=[self.write(name, content)])

        @precondition(lambda self: self.present())
        @rule(data=st.data())
        def change(self, data) -> None:
            name = data.draw(st.sampled_from(self.present()), label="change")
            now = (self.folder / name).read_bytes()
            content = data.draw(st.sampled_from([other for other in POOL if other != now]), label="to")
            self.synced(changed=[self.write(name, content)])

        @precondition(lambda self: self.present())
        @rule(data=st.data())
        def touch(self, data) -> None:
            name = data.draw(st.sampled_from(self.present()), label="touch")
            self.synced(changed=[self.write(name, (self.folder / name).read_bytes())])

        @precondition(lambda self: self.present())
        @rule(data=st.data())
        def remove(self, data) -> None:
            name = data.draw(st.sampled_from(self.present()), label="remove")
            (self.folder / name).unlink()
            self.synced(removed=[self.folder / name])

        @precondition(lambda self: self.present())
        @rule(data=st.data())
        def rename(self, data) -> None:
            source = data.draw(st.sampled_from(self.present()), label="rename")
            target = data.draw(st.sampled_from([name for name in NAMES if name != source]), label="to")
            replaced = (self.folder / target).exists()
            os.rename(self.folder / source, self.folder / target)
            new = [self.folder / target]
            self.synced(added=[] if replaced else new, changed=new if replaced else [], removed=[self.folder / source])

        @invariant()
        def holds_the_library_parsed_from_scratch(self) -> None:
            library = self.index.library()
            reference = load_library(digest_files(self.folder))
            assert_same_library(library, reference)
            assert_ids_are_the_titles(library)
            assert_searched_as(self.index, reference)

    return IndexFollowsTheFiles


def test_index_follows_any_changes_to_the_files(tmp_path: Path):
    run_state_machine_as_test(
        index_machine(tmp_path),
        settings=settings(
            max_examples=25,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


# --- paper ids -----------------------------------------------------------------------------------

NOTES = """\
2026년 3월 7일
FocusUI -- efficient UI grounding via position-preserving visual token selection
(Ann Lee, Bo Li)
A shorter abstract.
UI 그라운딩 논문.
A paper on UI grounding.
#gui #agents
"""
FOCUS_UI = "FocusUI: Efficient UI Grounding via Position-Preserving Visual Token Selection"


def test_paper_ids_are_their_titles_and_never_change(tmp_path: Path):
    folder = tmp_path / "library"
    folder.mkdir()
    page = folder / "b-page.txt"
    page.write_bytes(HF_MAR_06.read_bytes())
    index = synced_index(tmp_path / INDEX_NAME, [page])
    first = index.library()
    assert_ids_are_the_titles(first)
    assert first.order == load_library([page]).order
    focus = paper_id(FOCUS_UI)
    assert first.papers[focus].title == FOCUS_UI
    # Notes that sort first spell the title another way: as full once normalised, so the first sighting's spelling stays; the same id.
    notes = folder / "a-notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    sync(index, [page, notes])
    second = index.library()
    assert second.papers[focus].title.startswith("FocusUI -- efficient")
    assert set(second.order) == set(first.order) and second.order == load_library([page, notes]).order
    assert_ids_are_the_titles(second)
    sync(index, [notes])
    third = index.library()
    assert third.order == [focus] == list(load_library([notes]).papers)
    assert_ids_are_the_titles(third)
    index.close()


# --- what a sync reads and says ------------------------------------------------------------------


def test_a_sync_parses_only_the_files_that_changed_and_says_which(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "library"
    folder.mkdir()
    clock = FIRST_NS
    for source in (COMMENTARY, HF_MAR_06, HF_OCT_31):
        clock += STEP_NS
        write(folder / source.name, source.read_bytes(), clock)
    index = synced_index(tmp_path / INDEX_NAME, digest_files(folder))
    parsed: list[str] = []
    real_parse = index_sync.parse_bytes

    def counting_parse(data: bytes, path: str, **options):
        parsed.append(path)
        return real_parse(data, path, **options)

    monkeypatch.setattr(index_sync, "parse_bytes", counting_parse)

    def step() -> tuple[SyncReport, int]:
        parsed.clear()
        generation, papers_before = index.generation, len(index.library())
        report = sync(index, digest_files(folder))
        reference = load_library(digest_files(folder))
        assert_same_library(index.library(), reference)
        assert (report.papers_before, report.papers_after) == (
            (papers_before, len(reference)) if report.changed_anything else (0, 0)
        )
        return report, index.generation - generation

    def paths(report: SyncReport) -> tuple:
        return report.added, report.changed, report.removed

    # Nothing changed: nothing read, nothing written.
    assert step() == (SyncReport(), 0)
    assert parsed == []
    # One file changed.
    changed = folder / COMMENTARY.name
    clock += STEP_NS
    write(changed, MADE_UP[1], clock)
    report, generations = step()
    assert (paths(report), generations, parsed) == (((), (str(changed),), ()), 1, [str(changed)])
    # A new file.
    new = folder / "2026-03-09.txt"
    clock += STEP_NS
    write(new, MADE_UP[3], clock)
    report, generations = step()
    assert (paths(report), generations, parsed) == (((str(new),), (), ()), 1, [str(new)])
    # A file removed: its papers go, nothing is read.
    gone = folder / HF_OCT_31.name
    gone.unlink()
    report, generations = step()
    assert (paths(report), generations, parsed) == (((), (), (str(gone),)), 1, [])
    assert report.papers_after < report.papers_before
    # And then nothing again.
    assert step() == (SyncReport(), 0)
    assert parsed == []
    index.close()


# --- a damaged, older or deleted index -------------------------------------------------------------


def home_with_samples(tmp_path: Path) -> Home:
    home = Home(tmp_path / "home").ensure()
    for source in SAMPLE_FILES:
        shutil.copy2(source, home.library / source.name)
    return home


def garbage(path: Path) -> None:
    path.write_bytes(random.Random(0).randbytes(path.stat().st_size))


def truncated(path: Path, share: float) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(int(path.stat().st_size * share))


def other_format(path: Path) -> None:
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE meta SET value = 0 WHERE key = 'format'")
    db.close()


def deleted(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


DAMAGE = {
    "garbage": (garbage, ["rebuilt from the digests: it was damaged (file is not a database)"]),
    "cut at a tenth": (lambda path: truncated(path, 0.1), ["rebuilt from the digests: it was damaged"]),
    "cut in half": (lambda path: truncated(path, 0.5), ["rebuilt from the digests: it was damaged"]),
    "cut near the end": (lambda path: truncated(path, 0.95), ["rebuilt from the digests: it was damaged"]),
    "other format": (other_format, ["rebuilt from the digests: it was made by another version of paperdeck"]),
    "deleted": (deleted, []),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_older_or_deleted_index_is_rebuilt_and_the_store_is_untouched(tmp_path: Path, damage: str):
    home = home_with_samples(tmp_path)
    store = Store.open(home.store)
    store.set_star(paper_id(FOCUS_UI), True)
    assert store.close()
    kept = home.store.read_bytes()
    reference = load_library(digest_files(home.library))
    opened = open_library(home)
    assert opened.notices == []
    opened.close()
    index_path = home.cache / INDEX_NAME
    assert sorted(p.name for p in home.cache.iterdir()) == [INDEX_NAME]
    harm, said = DAMAGE[damage]
    harm(index_path)

    opened = open_library(home)
    assert len(opened.notices) == len(said)
    assert all(words in notice for words, notice in zip(said, opened.notices, strict=True))
    assert not opened.private and opened.index.path == index_path
    assert_same_library(opened.library, reference)
    opened.close()
    assert home.store.read_bytes() == kept
    # Rebuilt for good: the next start finds it as it should be.
    again = open_library(home)
    assert (again.notices, again.report) == ([], SyncReport())
    assert_same_library(again.library, reference)
    again.close()
    assert sorted(p.name for p in home.cache.iterdir()) == [INDEX_NAME]
    assert home.store.read_bytes() == kept


# --- several processes ---------------------------------------------------------------------------

# Syncs the index argv[1] with the digests of folder argv[2], printing each progress step and
# then how many files it added, then fills in the search texts a big change leaves for later.
SYNC_CHILD = """
import sys
from pathlib import Path
from tui.library.files import digest_files
from tui.library.index import LibraryIndex
from tui.library.index_sync import fill_search, sync

index = LibraryIndex(Path(sys.argv[1]))
index.prepare()
report = sync(index, digest_files(Path(sys.argv[2])), progress=lambda done, total: print(done, total, flush=True))
print("added", len(report.added), flush=True)
fill_search(index, progress=lambda done, total: print("filled", done, total, flush=True))
print("filled", flush=True)
index.close()
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of about 300 generated digests (8,000 papers)."""
    out = tmp_path_factory.mktemp("corpus")
    command = [sys.executable, str(MAKE_CORPUS), "--papers", "8000", "--out", str(out), "--seed", "3"]
    subprocess.run(command, check=True, capture_output=True)
    return out


def start_sync(index_path: Path, folder: Path, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out, open(log.with_suffix(".err"), "wb") as err:
        return subprocess.Popen(
            [sys.executable, "-c", SYNC_CHILD, str(index_path), str(folder)], stdout=out, stderr=err
        )


def log_lines(log: Path) -> list[list[str]]:
    """The lines the child printed in full (a kill can cut the last one short)."""
    text = log.read_text()
    complete = text[: text.rfind("\n") + 1]
    return [line.split() for line in complete.splitlines()]


def contents(library: Library) -> tuple:
    """Everything a library holds, to compare with `==`."""
    views = (library.order, list(library.by_date.items()), list(library.by_tag.items()))
    return (*views, papers_of(library), outline(library), len(library))


def checked_index(path: Path) -> LibraryIndex:
    """The index at `path`, checked through by SQLite and by FTS5."""
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    db.execute("INSERT INTO search (search) VALUES ('integrity-check')")  # raises if FTS5's index disagrees
    db.close()
    index = LibraryIndex(path)
    assert index.prepare() is None
    return index


@pytest.mark.slow
def test_a_sync_killed_at_any_moment_leaves_the_old_index_or_the_new_one(tmp_path: Path, corpus: Path):
    files = digest_files(corpus)
    old_files = files[:100]
    path = tmp_path / INDEX_NAME
    synced_index(path, old_files).close()
    assert not Path(f"{path}-wal").exists()
    before = path.read_bytes()
    libraries = {"old": load_library(old_files), "new": load_library(files)}
    held_by = {name: contents(library) for name, library in libraries.items()}
    assert held_by["old"] != held_by["new"]
    parsing = len(files) - len(old_files)  # progress steps up to here parse; later ones merge, in the transaction
    rng = random.Random(11)

    def merging(steps: list[list[str]]) -> list[tuple[int, int]]:
        """The progress steps of merging papers: they come inside the write transaction."""
        numbers = [(int(step[0]), int(step[1])) for step in steps if step[0].isdigit()]
        return [(done, total) for done, total in numbers if done > parsing]

    def run(log: Path, kill_after: float | None) -> list[list[str]]:
        """One sync in a child process, from the old index, killed `kill_after` seconds after it starts
        (None: at a random moment of its write transaction). Returns the lines it printed."""
        deleted(path)
        path.write_bytes(before)
        child = start_sync(path, corpus, log)
        if kill_after is None:
            # While batches of papers are still to be merged: the transaction has not committed.
            while child.poll() is None and not any(done < total for done, total in merging(log_lines(log))):
                time.sleep(0.001)
            time.sleep(rng.uniform(0, 0.005))
        else:
            try:
                child.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                pass
        child.send_signal(signal.SIGKILL)
        child.wait()
        return log_lines(log)

    def held(allowed: list[str]) -> str:
        """Which library the index holds after a run, checked to be one of `allowed`, its search table too."""
        index = checked_index(path)
        now = contents(index.library())
        state = next((name for name, library in held_by.items() if now == library), "a mix of both")
        assert state in allowed
        assert_searched_as(index, libraries[state], pending=True)
        index.close()
        return state

    # Once left to finish, timing when its sync returns (and its search texts start to be filled in).
    started = time.monotonic()
    deleted(path)
    path.write_bytes(before)
    child = start_sync(path, corpus, tmp_path / "sync.log")
    while child.poll() is None and not any(step[0] == "added" for step in log_lines(tmp_path / "sync.log")):
        time.sleep(0.002)
    synced = time.monotonic() - started
    child.wait()
    whole = time.monotonic() - started
    steps = log_lines(tmp_path / "sync.log")
    assert ["added", str(parsing)] in steps and steps[-1] == ["filled"]
    assert held(["new"]) == "new"
    index = checked_index(path)
    assert_searched_as(index, libraries["new"])  # every search text filled in
    index.close()

    # Killed at random moments: mostly while it syncs, then while it fills in search texts, and
    # then, until one lands there, at a random moment of its write transaction.
    moments = [rng.uniform(0.05, synced * 1.1) for _ in range(4)] + [rng.uniform(synced, whole) for _ in range(2)]
    deadline = started + 22
    kills: list[str] = []
    while moments or ("writing" not in kills and time.monotonic() < deadline):
        log = tmp_path / f"sync-{len(kills)}.log"
        steps = run(log, moments.pop(0) if moments else None)
        merged = merging(steps)
        # Until the last batch of papers is merged, the transaction cannot have committed; once the
        # sync has returned, it has.
        committed = any(done == total for done, total in merged)
        returned = any(step[0] == "added" for step in steps)
        kills.append("filling" if returned else "after" if committed else "writing" if merged else "before")
        held(["new"] if returned else ["old", "new"] if committed else ["old"])
    record("index: syncs killed by SIGKILL", len(kills))
    record("index: syncs killed inside the write transaction", kills.count("writing"))
    record("index: syncs killed while filling in search texts", kills.count("filling"))
    assert "writing" in kills, kills


@pytest.mark.slow
def test_two_processes_syncing_one_index_at_once_both_finish_and_agree(tmp_path: Path, corpus: Path):
    files = digest_files(corpus)
    path = tmp_path / INDEX_NAME
    index = LibraryIndex(path)
    assert index.prepare() is None
    log = tmp_path / "sync.log"
    child = start_sync(path, corpus, log)
    deadline = time.monotonic() + 30
    while not log_lines(log) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert log_lines(log)  # the other process is parsing the files
    report = sync(index, files)
    fill_search(index)
    assert child.wait(timeout=60) == 0, log.with_suffix(".err").read_text()
    lines = log_lines(log)
    [added] = [line for line in lines if line[0] == "added"]
    assert lines[-1] == ["filled"]
    # Whichever took the write lock first added every file; the other found nothing left to do.
    assert sorted([len(report.added), int(added[1])]) == [0, len(files)]
    reference = load_library(files)
    assert_same_library(index.library(), reference)
    assert_searched_as(index, reference)
    index.close()


# --- extra files on the command line -------------------------------------------------------------


def test_extra_paths_are_indexed_in_a_private_copy_deleted_on_close(tmp_path: Path):
    home = home_with_samples(tmp_path)
    extra = tmp_path / "extra" / "2026-03-09.txt"
    extra.parent.mkdir()
    extra.write_text(NOTES.replace("FocusUI -- efficient UI grounding", "Only On The Command Line"), encoding="utf-8")
    extra_id = paper_id("Only On The Command Line via position-preserving visual token selection")
    home_files = digest_files(home.library)

    opened = open_library(home, [extra])
    private = opened.index.path
    assert opened.private and private != home.cache / INDEX_NAME and private.exists()
    assert_same_library(opened.library, load_library([*home_files, extra]))
    assert extra_id in opened.library.papers
    shared = LibraryIndex(home.cache / INDEX_NAME)
    assert extra_id not in shared.library().papers
    assert_same_library(shared.library(), load_library(home_files))
    shared.close()

    opened.close()
    assert not any(Path(f"{private}{suffix}").exists() for suffix in ("", "-wal", "-shm"))
    assert sorted(p.name for p in home.cache.iterdir()) == [INDEX_NAME]
    shared = LibraryIndex(home.cache / INDEX_NAME)
    assert extra_id not in shared.library().papers
    assert_same_library(shared.library(), load_library(home_files))
    shared.close()
