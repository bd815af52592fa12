"""The `paperdeck` command, run as a user runs it: the installed entry point in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from conftest import COMMENTARY, HF_MAR_06, HF_OCT_31, SAMPLES
from terminal import Terminal, assert_steps_through_days, wait_for_reader

CHECK_JSON_KEYS = [
    "id", "title", "authors", "authors_count", "org", "abstract", "commentary_ko", "commentary_en",
    "tags", "digest_date", "published", "upvotes", "links", "source",
    "arxiv_id", "auto_tags", "commentary_machine", "note_links", "related",
]  # fmt: skip
PAPERDECK = Path(sys.executable).with_name("paperdeck")
HF_API_JUNE_11 = Path(__file__).parent / "fixtures" / "hf-api" / "2025-06-11.json"
# The bundled sample digests' days, as the reader's header names them: the day and its papers.
SAMPLE_DAYS = ("2026-03-06 (49)", "2025-10-31 (121)", "2025-06-11 (8)")


def home_env(home: Path) -> dict[str, str]:
    return {**os.environ, "PAPERDECK_HOME": str(home)}


def run(
    *args: str | Path,
    home: Path,
    stdin: bytes | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    env = {**home_env(home), **(env or {})}
    return subprocess.run(
        [str(PAPERDECK), *map(str, args)], input=stdin, capture_output=True, env=env, cwd=cwd, timeout=60
    )


def out(result: subprocess.CompletedProcess) -> str:
    return result.stdout.decode()


def err(result: subprocess.CompletedProcess) -> str:
    return result.stderr.decode()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def assert_no_traceback(result: subprocess.CompletedProcess) -> None:
    assert b"Traceback" not in result.stdout + result.stderr


# --- help and version ---------------------------------------------------------------------


def test_version(home):
    result = run("--version", home=home)
    assert (result.returncode, out(result)) == (0, "paperdeck 0.1.0\n")


def test_python_dash_m_is_the_same_command(home):
    result = subprocess.run([sys.executable, "-m", "tui", "--version"], capture_output=True)
    assert (result.returncode, result.stdout) == (0, b"paperdeck 0.1.0\n")


@pytest.mark.parametrize("command", ["open", "add", "check", "list", "fetch", "export", "backup", "restore"])
def test_every_command_has_help(home, command):
    result = run(command, "--help", home=home)
    assert result.returncode == 0
    assert out(result).startswith(f"usage: paperdeck {command}")


def test_usage_error_exits_2_without_traceback(home):
    result = run("check", "--no-such-flag", "x", home=home)
    assert result.returncode == 2
    assert "unrecognized arguments: --no-such-flag" in err(result)
    assert_no_traceback(result)


# --- check --------------------------------------------------------------------------------


def test_check_reports_each_file(home):
    result = run("check", SAMPLES, home=home)
    assert result.returncode == 0
    assert out(result).splitlines() == [
        f"{COMMENTARY}: commentary digest, 2025-06-11, 8 paper(s)",
        f"{HF_MAR_06}: Daily Papers page, 2026-03-06, 49 paper(s)",
        f"{HF_OCT_31}: Daily Papers page, 2025-10-31, 121 paper(s)",
        "3 file(s), 178 paper(s), 0 error(s), 0 warning(s)",
    ]


def test_check_json_prints_one_object_per_paper_with_exactly_the_documented_keys(home):
    result = run("check", "--json", COMMENTARY, HF_MAR_06, home=home)
    assert result.returncode == 0
    papers = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert len(papers) == 8 + 49
    assert all(list(p) == CHECK_JSON_KEYS for p in papers)
    first = papers[0]
    assert first["title"] == "Vision Transformers Don't Need Trained Registers"
    assert first["tags"] == ["vit", "transformer"]
    assert (first["digest_date"], first["published"], first["upvotes"]) == ("2025-06-11", None, None)
    assert first["source"] == f"{COMMENTARY}:2"
    frap = papers[9]
    assert frap["title"].startswith("FRAP:")
    assert (frap["authors"], frap["authors_count"], frap["published"], frap["upvotes"]) == ([], 7, "2024-08-21", 2)
    assert err(result).strip() == "2 file(s), 57 paper(s), 0 error(s), 0 warning(s)"


def test_check_json_keeps_commentary_lines_joined_with_newlines(home, tmp_path):
    digest = tmp_path / "two-paragraphs.txt"
    digest.write_text("2025년 6월 11일\nT\n(A B)\nAbstract.\n첫째.\n둘째.\nFirst.\nSecond.\n#x\n", encoding="utf-8")
    [paper] = [orjson.loads(line) for line in run("check", "--json", digest, home=home).stdout.splitlines()]
    assert (paper["commentary_ko"], paper["commentary_en"]) == ("첫째.\n둘째.", "First.\nSecond.")


def test_check_errors_exit_1_and_name_file_and_line(home, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("2025년 2월 30일\nT\n(A B)\nAbstract.\n한국어.\nEnglish.\n", encoding="utf-8")
    binary = tmp_path / "image.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    result = run("check", bad, binary, home=home)
    assert result.returncode == 1
    assert f"  {bad}:1: error: no such date: 2025년 2월 30일" in out(result).splitlines()
    assert f"  {binary}: error: binary file, not a text digest; nothing read" in out(result).splitlines()
    assert_no_traceback(result)


def test_check_unreadable_path_exits_2(home, tmp_path):
    result = run("check", tmp_path / "nope.txt", COMMENTARY, home=home)
    assert result.returncode == 2
    assert err(result) == f"paperdeck: {tmp_path / 'nope.txt'}: no such file or folder\n"
    assert "commentary digest, 2025-06-11, 8 paper(s)" in out(result)  # the rest is still checked


def test_check_shows_control_characters_visibly(home, tmp_path):
    digest = tmp_path / "escape.txt"
    digest.write_text("2025년 6월 11일\nEvil \x1b[2J Title\n(A B)\nAbstract \x07.\n", encoding="utf-8")
    result = run("check", digest, home=home)
    assert b"\x1b" not in result.stdout
    papers = run("check", "--json", digest, home=home).stdout
    assert orjson.loads(papers)["title"] == "Evil \x1b[2J Title"  # JSON keeps the text exactly


# --- add ----------------------------------------------------------------------------------


def test_add_copies_files_and_counts_new_and_merged_papers(home):
    result = run("add", HF_OCT_31, home=home)
    assert result.returncode == 0, err(result)
    assert (home / "library" / HF_OCT_31.name).read_bytes() == HF_OCT_31.read_bytes()
    assert f"{HF_OCT_31}: Daily Papers page, 121 paper(s): 121 new, 0 merged" in out(result)
    result = run("add", SAMPLES, home=home)
    lines = out(result).splitlines()
    assert f"{HF_OCT_31}: already in the library as {HF_OCT_31.name}, skipped" in lines
    assert any(line.startswith(f"{HF_MAR_06}: Daily Papers page, 49 paper(s): 47 new, 2 merged") for line in lines)
    assert lines[-1] == "added 2 file(s): 55 new paper(s), 2 merged"
    assert sorted(p.name for p in (home / "library").iterdir()) == sorted(p.name for p in SAMPLES.iterdir())


def test_add_from_stdin_names_the_file_after_its_date_and_format(home):
    result = run("add", "-", home=home, stdin=COMMENTARY.read_bytes())
    assert result.returncode == 0, err(result)
    assert (home / "library" / "2025-06-11.commentary.txt").read_bytes() == COMMENTARY.read_bytes()
    assert "<stdin>: commentary digest, 8 paper(s): 8 new, 0 merged" in out(result)


def test_add_same_name_different_content_keeps_both(home, tmp_path):
    other = tmp_path / COMMENTARY.name
    other.write_bytes(COMMENTARY.read_bytes().replace("2025년 6월 11일".encode(), "2025년 6월 12일".encode()))
    run("add", COMMENTARY, home=home)
    result = run("add", other, home=home)
    assert result.returncode == 0
    assert "8 paper(s): 0 new, 8 merged" in out(result)
    assert sorted(p.name for p in (home / "library").iterdir()) == [
        "2025-06-11.commentary-2.txt",
        "2025-06-11.commentary.txt",
    ]


def test_add_file_with_errors_imports_what_parses_and_exits_1(home, tmp_path):
    damaged = tmp_path / "damaged.txt"
    damaged.write_text(
        "2025년 6월 11일\nGood Paper\n(A B)\nAbstract.\n한국어.\nEnglish.\n#x\n2025년 2월 30일\n", encoding="utf-8"
    )
    result = run("add", damaged, home=home)
    assert result.returncode == 1
    assert f"  {damaged}:8: error: no such date: 2025년 2월 30일" in out(result).splitlines()
    assert (home / "library" / "damaged.txt").exists()


def test_add_of_a_non_digest_imports_nothing(home, tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_text("hello\n")
    result = run("add", junk, home=home)
    assert result.returncode == 1
    assert f"{junk}: no papers found, not imported" in out(result)
    assert list((home / "library").iterdir()) == []


def test_add_takes_api_responses_and_merges_them_with_text_digests(home):
    run("add", COMMENTARY, home=home)
    result = run("add", HF_API_JUNE_11.parent, home=home)
    assert result.returncode == 0, err(result)
    lines = out(result).splitlines()
    assert (
        f"{HF_API_JUNE_11}: Daily Papers API response, 3 paper(s): 1 new, 2 merged with papers already known -> 2025-06-11.json"
        in lines
    )
    assert lines[-1] == "added 2 file(s): 3 new paper(s), 2 merged"
    listed = [orjson.loads(line) for line in out(run("list", "--json", home=home)).splitlines()]
    vit = next(p for p in listed if p["title"] == "Vision Transformers Don't Need Trained Registers")
    assert (vit["arxiv_id"], vit["tags"], vit["auto_tags"][0]) == (
        "2506.08010",
        ["vit", "transformer"],
        "vision-transformers",
    )
    assert vit["commentary_ko"] and vit["commentary_machine"]


def test_add_of_an_api_response_from_stdin_keeps_it_as_json(home):
    result = run("add", "-", home=home, stdin=HF_API_JUNE_11.read_bytes())
    assert result.returncode == 0, err(result)
    assert (home / "library" / "2025-06-11.hf-api.json").read_bytes() == HF_API_JUNE_11.read_bytes()


def test_add_of_a_broken_api_response_names_the_file_and_imports_nothing(home, tmp_path):
    broken = tmp_path / "2025-06-13.json"
    broken.write_bytes(HF_API_JUNE_11.read_bytes()[:-40])
    result = run("add", broken, home=home)
    assert result.returncode == 1
    assert out(result).splitlines()[0].startswith(f"  {broken}:")
    assert "error: not valid JSON" in out(result)
    assert f"{broken}: no papers found, not imported" in out(result)
    assert list((home / "library").iterdir()) == []
    assert_no_traceback(result)


def many_digests(folder: Path, count: int) -> Path:
    folder.mkdir()
    text = COMMENTARY.read_text(encoding="utf-8")
    for day in range(1, count + 1):
        (folder / f"2025-07-{day:02d}.txt").write_text(
            text.replace("2025년 6월 11일", f"2025년 7월 {day}일"), encoding="utf-8"
        )
    return folder


def run_with_terminal_stderr(*args: str | Path, home: Path) -> tuple[int, bytes, bytes]:
    """Runs paperdeck with standard error on a pseudo-terminal; returns status, stdout, terminal output."""
    with Terminal([PAPERDECK, *args], env=home_env(home), columns=100, piped_stdout=True) as terminal:
        stdout = terminal.process.stdout.read()
        return terminal.wait(), stdout, terminal.output


def test_add_of_many_files_shows_a_progress_bar_on_a_terminal(home, tmp_path):
    folder = many_digests(tmp_path / "july", 24)
    status, stdout, terminal = run_with_terminal_stderr("add", folder, home=home)
    assert status == 0
    assert b"Importing" in terminal and b"24/24" in terminal
    # Standard output, piped, gets the report and none of the bar.
    lines = stdout.decode().splitlines()
    assert len(lines) == 25 and lines[-1] == "added 24 file(s): 8 new paper(s), 184 merged"
    assert b"Importing" not in stdout
    # The index took the files in: adding them again reads nothing but them (no bar of its own).
    status, stdout, terminal = run_with_terminal_stderr("add", folder, home=home)
    assert status == 0 and b"Reading the digests" not in terminal
    assert stdout.decode().splitlines()[-1] == "added 0 file(s): 0 new paper(s), 0 merged"


def start_and_quit(*args: str, home: Path) -> tuple[int, bytes]:
    """Opens the reader in a terminal, waits until it shows, presses q; its exit status and output."""
    with Terminal([PAPERDECK, *args], env=home_env(home)) as terminal:
        wait_for_reader(terminal)
        terminal.press("q")
        return terminal.wait(), terminal.output


def test_a_start_without_an_index_shows_a_progress_bar_until_it_is_made(home, tmp_path):
    run("add", many_digests(tmp_path / "july", 12), home=home)
    shutil.rmtree(home / "cache")
    cold = start_and_quit("open", home=home)
    assert cold[0] == 0 and b"Reading the digests" in cold[1] and b"100%" in cold[1]
    warm = start_and_quit("open", home=home)
    assert warm[0] == 0 and b"Reading the digests" not in warm[1]  # the index is in step: nothing to wait for


def test_add_without_a_terminal_shows_no_progress_bar(home, tmp_path):
    result = run("add", many_digests(tmp_path / "july", 12), home=home)
    assert result.returncode == 0
    assert result.stderr == b""


def test_add_missing_path_exits_2(home, tmp_path):
    result = run("add", tmp_path / "nope.txt", home=home)
    assert result.returncode == 2
    assert err(result) == f"paperdeck: {tmp_path / 'nope.txt'}: cannot read: No such file or directory\n"


def test_add_into_a_home_that_is_a_file_is_a_message_not_a_traceback(tmp_path):
    not_a_folder = tmp_path / "home"
    not_a_folder.write_text("")
    result = run("add", COMMENTARY, home=not_a_folder)
    assert result.returncode == 2
    assert err(result).startswith(f"paperdeck: {not_a_folder}")
    assert_no_traceback(result)


# --- list ---------------------------------------------------------------------------------


def test_list_on_an_empty_home_lists_the_samples_and_says_so(home):
    result = run("list", home=home)
    assert result.returncode == 0
    assert "listing the bundled sample digests" in err(result)
    lines = out(result).splitlines()
    assert len(lines) == 176
    day, _paper_id, title, tags = lines[0].split("\t")
    assert (day, title, tags) == (
        "2026-03-06",
        "TL-Training: A Task-Feature-Based Framework for Training Large Language Models in Tool Use",
        "",
    )


def test_list_filters_by_tag_and_date(home):
    run("add", SAMPLES, home=home)
    result = run("list", "--tag", "#RL", home=home)
    assert [line.split("\t")[2] for line in out(result).splitlines()] == [
        "Reinforcement Pre-Training",
        "Boosting LLM Reasoning via Spontaneous Self-Correction",
        "Magistral",
    ]
    assert len(out(run("list", "--date", "2025-10", home=home)).splitlines()) == 121
    assert len(out(run("list", "--date", "Jun 11 2025", home=home)).splitlines()) == 8
    assert err(run("list", home=home)) == ""


def test_list_tag_takes_the_users_tags_too_and_combines_with_the_other_options(home):
    from tui.model import paper_id
    from tui.state.store import Store

    run("add", SAMPLES, home=home)
    store = Store.open(home / "store.json")
    store.set_tags(paper_id("Magistral"), ["mine"])
    store.set_star(paper_id("Magistral"), True)
    store.close()

    def titles(*options: str) -> list[str]:
        return [line.split("\t")[2] for line in out(run("list", *options, home=home)).splitlines()]

    assert titles("--tag", "mine") == ["Magistral"]
    assert titles("--tag", "#MINE", "--starred", "--unread", "--date", "2025-06") == ["Magistral"]
    assert titles("--tag", "mine", "--date", "2025-10") == []


def test_list_json_gives_merged_papers(home):
    run("add", SAMPLES, home=home)
    papers = [orjson.loads(line) for line in run("list", "--json", home=home).stdout.splitlines()]
    minimax = next(p for p in papers if p["title"].startswith("MiniMax-M1"))
    assert minimax["digest_dates"] == ["2025-10-31", "2026-03-06"]
    assert len(minimax["sources"]) == 2


def test_list_bad_date_exits_2(home):
    result = run("list", "--date", "someday", home=home)
    assert result.returncode == 2
    assert err(result).endswith("paperdeck: --date: cannot read 'someday' as a date\n")


def test_paths_without_a_command_open_the_reader_and_missing_ones_exit_2(home, tmp_path):
    result = run(tmp_path / "nope.txt", home=home)
    assert result.returncode == 2
    assert err(result) == f"paperdeck: {tmp_path / 'nope.txt'}: no such file or folder\n"
    result = run("--home", home, tmp_path / "nope.txt", home=home)
    assert result.returncode == 2


def test_opening_the_reader_on_an_empty_home_shows_the_samples_and_q_leaves(home):
    with Terminal([PAPERDECK], env=home_env(home)) as terminal:
        assert wait_for_reader(terminal) == ("All", 176)
        assert terminal.wait_for("Sample digests", timeout=30)
        assert_steps_through_days(terminal, SAMPLE_DAYS)
        terminal.press("q")
        assert terminal.wait() == 0, terminal.text()[-2000:]
    assert b"Traceback" not in terminal.output


# --- stats and review -----------------------------------------------------------------------


def reviewed_store(home: Path) -> None:
    """Two cards in a store on disk, one answered Good and one Again just now."""
    from fsrs import Rating

    from tui.review.deck import Deck
    from tui.state.store import Store

    store = Store.open(home / "store.json")
    deck = Deck(store)
    for pid, rating in (("a" * 16, Rating.Good), ("b" * 16, Rating.Again)):
        deck.add(pid)
        deck.grade(pid, rating, duration_ms=90_000)
    store.close()


def test_stats_draws_the_calendar_and_forecast_then_the_numbers_then_the_workload(home):
    reviewed_store(home)
    result = run("stats", home=home)
    assert result.returncode == 0, err(result)
    lines = out(result).splitlines()
    assert lines[0] == "Reviews in the last year · 2 in all"
    assert [line[:4] for line in lines[2:9:2]] == ["Mon ", "Wed ", "Fri ", "    "]
    time_line = next(i for i, line in enumerate(lines) if line.startswith("Time reviewing "))
    assert lines[time_line].startswith("Time reviewing 0h 03m")
    assert lines.index("Reviews a day at each desired retention") > time_line
    assert "Cards          0 new · 2 learning · 0 review · 0 relearning · 0 suspended" in lines
    assert "Cards due in the next 30 days" in lines


def test_stats_json_gives_every_figure(home):
    reviewed_store(home)
    result = run("stats", "--json", home=home)
    figures = orjson.loads(result.stdout)
    assert sum(figures["reviews_per_day"].values()) == 2 == figures["total_reviews"]
    assert figures["by_status"]["learning"] == 2
    assert len(figures["forecast"]) == 30 and figures["forecast"][0] == 2
    assert figures["time_spent_ms"] == 180_000


def test_stats_of_a_new_home_says_there_is_nothing_yet(home):
    result = run("stats", home=home)
    assert result.returncode == 0 and "Reviews in the last year · 0 in all" in out(result)
    assert "no review answers in the last 30 days" in out(result)
    assert_no_traceback(result)


def test_review_starts_and_paints_like_the_reader(home):
    reviewed_store(home)
    with Terminal([PAPERDECK, "review"], env=home_env(home)) as terminal:
        assert terminal.wait_for("paperdeck — Review"), terminal.text()[-2000:]
        terminal.press("\x1b")  # leaving the session leaves paperdeck
        assert terminal.wait() == 0, terminal.text()[-2000:]


def test_settings_are_listed_changed_and_checked(home):
    listed = run("settings", home=home)
    assert out(listed).splitlines()[1].split()[:2] == ["new_per_day", "10"]
    changed = run("settings", "new_per_day", "25", home=home)
    assert (changed.returncode, out(changed)) == (0, "new_per_day = 25\n")
    assert out(run("settings", "new_per_day", home=home)).split()[:2] == ["new_per_day", "25"]
    assert out(run("settings", "desired_retention", "0.85", home=home)) == "desired_retention = 0.85\n"
    assert out(run("settings", "star_adds_card", "off", home=home)) == "star_adds_card = false\n"
    wrong = run("settings", "day_start_hour", "25", home=home)
    assert wrong.returncode == 2 and "day_start_hour must be a whole number from 0 to 23, not '25'" in err(wrong)
    unknown = run("settings", "colour", home=home)
    assert unknown.returncode == 2 and "no setting 'colour'" in err(unknown)
    assert out(run("settings", "new_per_day", home=home)).split()[:2] == ["new_per_day", "25"]  # nothing lost
