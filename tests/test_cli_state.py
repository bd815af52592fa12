"""`paperdeck mark`, `list --query/--sort` and `paperdeck watch`, run as a user runs them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import orjson
import pytest
from conftest import SAMPLES
from test_cli import err, out, run

from tui.model import normalise_title
from tui.state.store import Store

READ_ONLY = re.compile(r"paperdeck: another paperdeck \(pid \d+\) is using .*store\.json; nothing changed\n")


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the sample digests added, copied for each test."""
    home = tmp_path_factory.mktemp("filled") / "home"
    assert run("add", SAMPLES, home=home).returncode == 0
    return home


@pytest.fixture
def home(filled: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "home"
    shutil.copytree(filled, copy, ignore=shutil.ignore_patterns("*.lock"))
    return copy


@pytest.fixture(scope="module")
def papers(filled: Path) -> list[dict]:
    """Every paper of the samples as `list --json` gives them, in date order."""
    return as_json(run("list", "--json", home=filled))


def as_json(result: subprocess.CompletedProcess) -> list[dict]:
    assert result.returncode == 0, err(result)
    return [orjson.loads(line) for line in result.stdout.splitlines()]


def listed(home: Path, *options: str) -> list[str]:
    """The ids `paperdeck list` prints with these options, in its order."""
    result = run("list", *options, home=home)
    assert result.returncode == 0, err(result)
    return [line.split("\t")[1] for line in out(result).splitlines()]


def titled(papers: list[dict], start: str) -> str:
    found = [paper["id"] for paper in papers if paper["title"].startswith(start)]
    assert len(found) == 1, start
    return found[0]


def cards(home: Path) -> list[str]:
    """The papers with a review card, as store.json holds them."""
    return [card["paper_id"] for card in orjson.loads((home / "store.json").read_bytes())["cards"].values()]


# --- mark -----------------------------------------------------------------------------------


def test_mark_read_and_unread_by_id_and_from_stdin(home, papers):
    first, second, third = (paper["id"] for paper in papers[:3])
    result = run("mark", "read", first, second, first, home=home)
    assert (result.returncode, out(result), err(result)) == (0, "marked 2 paper(s) read\n", "")
    result = run("mark", "read", "-", home=home, stdin=f"{second}\n\n  {third}  \n".encode())
    assert (result.returncode, out(result)) == (0, "marked 2 paper(s) read (1 already was)\n")
    assert listed(home, "--query", "read") == [first, second, third]
    result = run("mark", "unread", first, home=home)
    assert (result.returncode, out(result)) == (0, "marked 1 paper(s) unread\n")
    assert listed(home, "--query", "read") == [second, third]
    assert first in listed(home, "--unread")


def test_star_adds_a_card_unless_the_setting_is_off_and_unstar_keeps_it(home, papers):
    vit, rpt, magistral = (titled(papers, start) for start in ("Vision Transformers", "Reinforcement Pre", "Magistral"))
    result = run("mark", "star", vit, rpt, home=home)
    assert (result.returncode, out(result)) == (0, "marked 2 paper(s) starred; 2 added to the review deck\n")
    assert listed(home, "--starred") == [vit, rpt]
    figures = orjson.loads(run("stats", "--json", home=home).stdout)
    assert figures["by_status"]["new"] == 2
    result = run("mark", "unstar", vit, home=home)
    assert (result.returncode, out(result)) == (0, "marked 1 paper(s) unstarred\n")
    assert cards(home) == [vit, rpt]  # unstarring keeps the card
    # Starred already: nothing to add, as the reader's star key would not either.
    result = run("mark", "star", "-", home=home, stdin=f"{rpt}\n".encode())
    assert out(result) == "marked 1 paper(s) starred (1 already was)\n"
    assert run("settings", "star_adds_card", "off", home=home).returncode == 0
    result = run("mark", "star", magistral, home=home)
    assert (result.returncode, out(result)) == (0, "marked 1 paper(s) starred\n")
    assert listed(home, "--starred") == [rpt, magistral]
    assert cards(home) == [vit, rpt]


def test_an_unknown_id_among_known_ones_changes_nothing(home, papers):
    known = [paper["id"] for paper in papers[:2]]
    assert run("mark", "read", known[0], home=home).returncode == 0
    before = (home / "store.json").read_bytes()
    result = run("mark", "star", known[0], "nope", known[1], "0000", home=home)
    assert result.returncode == 2
    assert err(result) == (
        "paperdeck: no paper with id nope in the library\npaperdeck: no paper with id 0000 in the library\n"
    )
    assert out(result) == ""
    result = run("mark", "unread", "-", home=home, stdin=f"{known[1]}\nnot-a-paper\n".encode())
    assert (result.returncode, err(result)) == (2, "paperdeck: no paper with id not-a-paper in the library\n")
    result = run("mark", "read", "-", known[1], home=home)
    assert result.returncode == 2 and "goes alone" in err(result)
    assert (home / "store.json").read_bytes() == before


def test_mark_and_watch_on_a_store_another_paperdeck_holds_change_nothing(home, papers):
    assert run("mark", "read", papers[0]["id"], home=home).returncode == 0
    before = (home / "store.json").read_bytes()
    holder = Store.open(home / "store.json")
    try:
        for args in (("mark", "star", papers[1]["id"]), ("watch", "add", "word", "diffusion")):
            result = run(*args, home=home)
            assert result.returncode == 2
            assert READ_ONLY.fullmatch(err(result)), err(result)
    finally:
        holder.close()
    assert (home / "store.json").read_bytes() == before


# --- list --query and --sort ------------------------------------------------------------------


def test_list_query_takes_the_readers_filter_with_the_other_options(home, papers):
    minimax = [p["id"] for p in papers if "minimax" in (p["title"] + p["abstract"] + p["commentary_en"]).casefold()]
    assert minimax and listed(home, "--query", "MiniMax") == minimax
    rl = listed(home, "--tag", "rl")
    assert len(rl) == 3 and listed(home, "--query", "tag:rl") == rl
    assert run("mark", "read", rl[0], home=home).returncode == 0
    assert listed(home, "--query", "tag:rl unread") == rl[1:]
    assert listed(home, "--query", "unread", "--tag", "#RL", "--date", "2025-06") == rl[1:]
    assert listed(home, "--query", "on:2025-10", "--tag", "rl") == []
    assert listed(home, "--query", "on:2025", "--date", "2025-06-11", "--tag", "rl") == rl
    assert listed(home, "--query", "on:2025-10", "--date", "2025-06-11") == []  # dates that cannot both hold
    result = run("list", "--query", "tag:rl after:2025-13", home=home)
    assert (result.returncode, out(result)) == (2, "")
    assert err(result) == "paperdeck: --query: after:2025-13: dates are written 2025-06-01 (or 2025-06, 2025)\n"


def test_list_sort_orders_by_upvotes_title_and_first_seen(home, papers):
    def upvotes(paper: dict) -> int:
        return paper["upvotes"] if paper["upvotes"] is not None else -1

    by_upvotes = as_json(run("list", "--sort", "upvotes", "--json", home=home))
    # Most upvoted first, ties (and papers without a count, last) in date order.
    expected = sorted(papers, key=lambda paper: -upvotes(paper))
    assert [p["id"] for p in by_upvotes] == [p["id"] for p in expected]
    assert by_upvotes[0]["upvotes"] > by_upvotes[1]["upvotes"] and by_upvotes[-1]["upvotes"] is None
    by_title = as_json(run("list", "--sort", "title", "--json", home=home))
    assert [p["title"] for p in by_title] == sorted((p["title"] for p in papers), key=normalise_title)
    assert by_title[0]["title"].startswith("1.4 Million")
    by_first_seen = listed(home, "--sort", "first-seen")
    expected = sorted(papers, key=lambda paper: min(paper["digest_dates"]), reverse=True)
    assert by_first_seen == [paper["id"] for paper in expected]
    minimax = titled(papers, "MiniMax-M1")  # listed on 2026-03-06, first seen on 2025-10-31
    first_seen_last = sum(1 for paper in papers if min(paper["digest_dates"]) == "2026-03-06")
    assert [p["id"] for p in papers].index(minimax) < first_seen_last <= by_first_seen.index(minimax)
    rl = listed(home, "--tag", "rl")
    assert listed(home, "--tag", "rl", "--sort", "title") == sorted(
        rl, key=lambda i: normalise_title(next(p["title"] for p in papers if p["id"] == i))
    )


def test_list_sort_refuses_unknown_orders(home):
    result = run("list", "--sort", "newest", home=home)
    assert (result.returncode, out(result)) == (2, "")
    assert err(result) == (
        "paperdeck: --sort: no sort 'newest'; the sorts are: date, upvotes, title, first-seen, for-you\n"
    )


# --- watch ----------------------------------------------------------------------------------


def test_watch_add_list_remove_with_the_papers_each_matches(home, papers):
    def word_start(word: str, paper: dict) -> bool:
        texts = (paper["title"], paper["abstract"], paper["commentary_ko"], paper["commentary_en"])
        return any(re.search(rf"(?<!\w){word}", text, re.IGNORECASE) for text in texts)

    diffusion = sum(word_start("diffusion", paper) for paper in papers)
    levine = [p["id"] for p in papers if "Sergey Levine" in p["authors"]]
    rl = [p["id"] for p in papers if "rl" in p["tags"]]
    assert (len(levine), len(rl)) == (1, 3) and diffusion > 1
    # One more paper tagged rl by the user: the watched tag counts it.
    store = Store.open(home / "store.json")
    store.set_tags(papers[0]["id"], ["rl"])
    store.close()

    assert out(run("watch", "list", home=home)).startswith("nothing is watched")
    assert out(run("watch", "add", "author", "Sergey", " Levine", home=home)) == "watching author Sergey Levine\n"
    assert out(run("watch", "add", "word", "Diffusion", home=home)) == "watching word ‘diffusion’\n"
    assert out(run("watch", "add", "tag", "#RL", home=home)) == "watching tag #rl\n"
    again = run("watch", "add", "author", "sergey levine", home=home)
    assert (again.returncode, out(again)) == (0, "already watching author Sergey Levine\n")

    assert as_json(run("watch", "list", "--json", home=home)) == [
        {"kind": "author", "value": "Sergey Levine", "papers": 1},
        {"kind": "word", "value": "diffusion", "papers": diffusion},
        {"kind": "tag", "value": "rl", "papers": 4},
    ]
    removed = run("watch", "remove", "word", "DIFFUSION", home=home)
    assert (removed.returncode, out(removed)) == (0, "no longer watching word ‘diffusion’\n")
    missing = run("watch", "remove", "word", "diffusion", home=home)
    assert (missing.returncode, err(missing)) == (2, "paperdeck: word ‘diffusion’ is not watched\n")
    assert out(run("watch", "list", home=home)).splitlines() == [
        "     1  author  Sergey Levine",
        "     4  tag     #rl",
    ]


def test_watch_refuses_what_cannot_be_watched(home):
    before = (home / "store.json").read_bytes() if (home / "store.json").exists() else None
    result = run("watch", "add", "colour", "red", home=home)
    assert (result.returncode, err(result)) == (
        2,
        "paperdeck: a watched item is an author, a word or a tag, not 'colour'\n",
    )
    result = run("watch", "remove", "venue", "NeurIPS", home=home)
    assert result.returncode == 2 and "not 'venue'" in err(result)
    result = run("watch", "add", "tag", "#", home=home)
    assert (result.returncode, err(result)) == (2, "paperdeck: an empty tag cannot be watched\n")
    result = run("watch", "follow", "word", "x", home=home)
    assert result.returncode == 2 and "invalid choice: 'follow'" in err(result)
    assert ((home / "store.json").read_bytes() if (home / "store.json").exists() else None) == before


@pytest.mark.parametrize("command", [("mark",), ("watch",), ("watch", "add"), ("watch", "list")])
def test_the_new_commands_have_help(home, command):
    result = run(*command, "--help", home=home)
    assert result.returncode == 0
    assert out(result).startswith(f"usage: paperdeck {' '.join(command)}")
