"""Exports: each format read back by a real reader (JSON by paperdeck itself, CSV by the csv
module, BibTeX by bibtexparser), from a real library and a real store on disk."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from conftest import COMMENTARY, SAMPLES
from test_cli import assert_no_traceback, err, out, run

from tui import export
from tui.export import (
    Exported,
    base_key,
    citation_keys,
    to_bibtex,
    to_json,
    to_markdown,
)
from tui.library.files import load_library
from tui.model import Paper, arxiv_paper_id, entry_id, paper_id
from tui.parse import parse_bytes
from tui.review.deck import Deck
from tui.settings import ReviewSettings
from tui.state.paper_state import PaperState
from tui.state.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "hf-api"
VIT = arxiv_paper_id("2506.08010")  # Vision Transformers Don't Need Trained Registers
RPT = arxiv_paper_id("2506.08007")  # Reinforcement Pre-Training
# Everything that is markup to Markdown, LaTeX or a spreadsheet, and Korean.
NASTY_TITLE = "Café & {LLMs}: 100% of $x_i$ ~ #1 \\ ^ [bold] *and* 한국어"


@pytest.fixture(scope="module")
def library():
    return load_library([COMMENTARY, FIXTURES / "2025-06-11.json", FIXTURES / "2025-06-12.json"])


def items_of(library, states=None, cards=None) -> list[Exported]:
    states = states or {}
    cards = cards or {}
    return [Exported(p, states.get(p.id, PaperState()), cards.get(p.id)) for p in library.sorted_papers()]


def nasty_paper(**changes) -> Paper:
    fields = {
        "id": entry_id(NASTY_TITLE, "2506.00001"),
        "title": NASTY_TITLE,
        "authors": ("Zoë O'Brien-Ñúñez", "Wei (David) Chen"),
        "abstract": 'An abstract, with a comma and "quotes"\nand a line break.',
        "commentary_ko": "한국어 코멘트입니다.\n두 번째 줄.",
        "commentary_en": "=SUM(A1:A2) looks like a formula.",
        "tags": ("llm",),
        "digest_dates": (datetime(2025, 6, 11).date(),),
        "arxiv_id": "2506.00001",
        "links": ("https://arxiv.org/abs/2506.00001",),
    }
    fields.update(changes)
    return Paper(**fields)


def test_exported_items_keep_the_order_given_with_state_and_card_and_skip_papers_gone(library):
    card = {"card": {"state": 2, "due": "2025-06-20T08:00:00+00:00", "last_review": "2025-06-12T08:00:00+00:00"}}
    items = export.exported_items(
        library.papers, [RPT, "0" * 16, VIT], {VIT: PaperState(note="노트")}, {RPT: {**card, "added_at": "x"}}
    )
    assert [item.paper.id for item in items] == [RPT, VIT]
    assert items[0].state == PaperState() and items[1].state.note == "노트"
    assert items[0].card == {
        "status": "review", "due": "2025-06-20T08:00:00+00:00", "last_review": "2025-06-12T08:00:00+00:00",
        "stability": None, "difficulty": None, "added_at": "x",
    }  # fmt: skip
    assert items[1].card is None


# --- JSON ----------------------------------------------------------------------------------


def test_json_holds_the_list_fields_and_the_users_state(library):
    states = {
        VIT: PaperState(
            read_at="2025-06-12T08:00:00+00:00", starred_at="2025-06-12T08:01:00+00:00", tags=("mine",), note="노트"
        )
    }
    cards = {VIT: {"status": "new", "due": "2025-06-12T08:01:00+00:00"}}
    document = json.loads(to_json(items_of(library, states, cards)))
    assert (document["format"], document["version"]) == ("paperdeck-export", 1)
    first = document["papers"][0]
    assert list(first) == [field.name for field in dataclasses.fields(Paper)] + ["state"]
    vit = next(p for p in document["papers"] if p["id"] == VIT)
    assert vit["state"] == {
        "read": True, "read_at": "2025-06-12T08:00:00+00:00", "starred": True,
        "starred_at": "2025-06-12T08:01:00+00:00", "later": False, "tags": ["mine"], "note": "노트",
        "card": {"status": "new", "due": "2025-06-12T08:01:00+00:00"},
    }  # fmt: skip
    assert vit["auto_tags"][0] == "vision-transformers" and vit["arxiv_id"] == "2506.08010"


def test_json_reads_back_as_the_same_papers(library, tmp_path):
    exported = tmp_path / "reading-list.json"
    exported.write_bytes(to_json(items_of(library)))
    result = parse_bytes(exported.read_bytes(), str(exported))
    assert result.diagnostics == ()
    again = load_library([exported])
    assert again.order == library.order
    for paper in library.sorted_papers():
        back = again.papers[paper.id]
        assert (back.title, back.authors, back.abstract, back.tags, back.auto_tags, back.links, back.arxiv_id) == (
            paper.title, paper.authors, paper.abstract, paper.tags, paper.auto_tags, paper.links, paper.arxiv_id
        )  # fmt: skip
        assert (back.commentary_ko, back.commentary_en, back.commentary_machine) == (
            paper.commentary_ko, paper.commentary_en, paper.commentary_machine
        )  # fmt: skip
        assert (back.digest_dates, back.published, back.upvotes) == (paper.digest_dates, paper.published, paper.upvotes)


def test_a_damaged_export_is_read_as_far_as_it_goes():
    document = {"format": "paperdeck-export", "version": 1, "papers": [
        {"title": "Kept", "authors": "Ann Lee", "digest_dates": ["2025-06-11", "not a date"], "upvotes": 3},
        "a string",
        {"abstract": "no title"},
    ]}  # fmt: skip
    result = parse_bytes(json.dumps(document).encode(), "shared.json")
    assert [(e.title, e.authors, e.upvotes, str(e.digest_date)) for e in result.entries] == [
        ("Kept", (), 3, "2025-06-11")
    ]
    assert [str(d) for d in result.diagnostics] == [
        "shared.json:1: warning: paper 1: 'authors' is not a list of texts; ignored",
        "shared.json:1: warning: paper 2: not an object; skipped",
        "shared.json:1: warning: paper 3: no title; skipped",
    ]


# --- CSV -----------------------------------------------------------------------------------


def test_csv_reads_back_with_the_csv_module_korean_and_line_breaks_intact(library):
    paper = nasty_paper()
    state = PaperState(read_at="2025-06-12T08:00:00+00:00", tags=("mine", "later"), note="-메모: 다시 읽기")
    data = export.export("csv", [Exported(paper, state, {"status": "review"}), *items_of(library)])
    assert data.startswith(b"\xef\xbb\xbf")  # spreadsheets need the BOM to know UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == 1 + len(library)
    first = rows[0]
    assert list(first) == list(export.CSV_COLUMNS)
    assert first["title"] == NASTY_TITLE
    assert first["authors"] == "Zoë O'Brien-Ñúñez; Wei (David) Chen"
    assert first["commentary_ko"] == "한국어 코멘트입니다.\n두 번째 줄."
    assert first["abstract"] == paper.abstract
    assert (first["read"], first["starred"], first["user_tags"], first["card"]) == ("yes", "no", "mine later", "review")
    # Cells a spreadsheet would run as formulas are kept as text.
    assert first["commentary_en"] == "'=SUM(A1:A2) looks like a formula."
    assert first["note"] == "'-메모: 다시 읽기"
    vit = next(row for row in rows if row["id"] == VIT)
    assert vit["commentary_ko"].startswith("ViT의 아웃라이어") and vit["link"] == "https://arxiv.org/abs/2506.08010"


# --- BibTeX --------------------------------------------------------------------------------


def parse_bib(text: str):
    parsed = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert parsed.failed_blocks == []
    return parsed


def test_bibtex_parses_with_a_real_parser_and_escapes_decode_back(library):
    items = [Exported(nasty_paper(), PaperState(note="50% sure & {braces}")), *items_of(library)]
    parsed = parse_bib(to_bibtex(items))
    assert len(parsed.entries) == len(items)
    entry = parsed.entries[0]
    assert entry.entry_type == "misc"
    assert entry.key == "obriennunez2025cafe"
    fields = {f.key: f.value for f in entry.fields}
    # Decoded back from LaTeX, the title is what the digest said (braces protecting case aside;
    # the decoder gives \textasciicircum as the modifier letter, which is how LaTeX prints it).
    decoded = fields["title"].replace("{", "").replace("}", "").replace("\u02c6", "^")
    assert decoded == NASTY_TITLE.replace("{", "").replace("}", "")
    assert fields["eprint"] == "2506.00001" and fields["archivePrefix"] == "arXiv"
    assert fields["note"] == "50% sure & {braces}"
    assert fields["author"] == "O'Brien-Ñúñez, Zoë and Chen, Wei (David)"


def test_bibtex_raw_text_escapes_every_latex_special(library):
    text = to_bibtex([Exported(nasty_paper(), PaperState())])
    title = next(line for line in text.splitlines() if line.startswith("  title = "))
    assert title == (
        r"  title = {Café \& {\{LLMs\}:} 100\% of \$x\_i\$ \textasciitilde{} \#1 \textbackslash{} "
        r"\textasciicircum{} [bold] *and* 한국어},"
    )


def test_bibtex_keys_are_surname_year_first_word_and_unique(library):
    parsed = parse_bib(to_bibtex(items_of(library)))
    keys = [e.key for e in parsed.entries]
    assert len(set(keys)) == len(keys)
    by_id = citation_keys(library.sorted_papers())
    assert by_id[VIT] == "jiang2025vision"
    assert by_id[RPT] == "dong2025reinforcement"
    assert by_id[paper_id("MiniCPM4: Ultra-Efficient LLMs on End Devices")] == "minicpm2025minicpm4"  # a team
    vit = next(e for e in parsed.entries if e.key == "jiang2025vision")
    assert {f.key: f.value for f in vit.fields}["eprint"] == "2506.08010"
    minicpm = next(e for e in parsed.entries if e.key == "minicpm2025minicpm4")
    assert "eprint" not in {f.key for f in minicpm.fields}  # no arXiv id known: no eprint


def test_papers_that_share_a_key_get_a_b_c_the_same_way_each_time():
    twins = [nasty_paper(id=f"{n:016x}", title=f"Café Society Part {n}") for n in (3, 1, 2)]
    keys = citation_keys(twins)
    assert keys == {
        f"{1:016x}": "obriennunez2025cafea",
        f"{2:016x}": "obriennunez2025cafeb",
        f"{3:016x}": "obriennunez2025cafec",
    }
    assert citation_keys(reversed(twins)) == keys
    assert base_key(nasty_paper(authors=(), org=None, title="The A Of")) == "anon2025paper"
    assert base_key(nasty_paper(authors=("김철수",), title="한국어 제목 Only")) == "anon2025only"


# --- Markdown ------------------------------------------------------------------------------


def test_markdown_groups_by_date_with_links_tags_commentary_and_note(library):
    states = {VIT: PaperState(starred_at="2025-06-12T08:00:00+00:00", tags=("mine",), note="Read the appendix.")}
    text = to_markdown(items_of(library, states), language="en")
    assert text.startswith("# Reading list\n\n## 2025-06-12\n\n### [Multiverse: Your Language Models")
    assert text.index("## 2025-06-12") < text.index("## 2025-06-11")
    block = text[text.index("### [Vision Transformers") :]
    block = block[: block.index("\n### ")]
    assert block.splitlines() == [
        "### [Vision Transformers Don't Need Trained Registers](<https://arxiv.org/abs/2506.08010>)",
        "",
        "Nick Jiang, Amil Dravid, Alexei Efros, Yossi Gandelsman · ★ starred",
        "",
        "Tags: `#vit` `#transformer` `+mine`",
        "",
        "Keywords (automatic): vision-transformers, high-norm-tokens, register-neurons, test-time-registers",
        "",
        "**Commentary (English):**",
        (
            "> This study explores a method of relocating outlier tokens in ViT to arbitrary positions. "
            "Interestingly, when these tokens are moved completely outside the image, they begin to function "
            "similarly to register tokens."
        ),
        "",
        "**Note:**",
        "> Read the appendix.",
    ]
    # A paper only the API knows shows its machine summary, marked as such.
    assert (
        "**Summary (English, machine-written):**\n> Multiverse lets a language model generate in parallel natively."
        in text
    )


def test_markdown_shows_markup_literally():
    text = to_markdown([Exported(nasty_paper(), PaperState(note="*not bold* [x](y)"))], language="ko")
    assert (
        r"### [Café & \{LLMs\}: 100% of $x\_i$ \~ \#1 \\ ^ \[bold\] \*and\* 한국어](<https://arxiv.org/abs/2506.00001>)"
        in text
    )
    assert r"> \*not bold\* \[x\]\(y\)" in text
    assert "> 한국어 코멘트입니다.\n> 두 번째 줄." in text


# --- the command ---------------------------------------------------------------------------


@pytest.fixture
def filled_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    assert run("add", SAMPLES, FIXTURES, home=home).returncode == 0
    store = Store.open(home / "store.json")
    store.set_star(VIT, True)
    store.set_tags(VIT, ["mine"])
    store.set_note(VIT, "다시 읽기")
    store.set_star(RPT, True)
    store.set_setting("commentary_language", "en")
    Deck(store, ReviewSettings()).add(VIT, datetime(2025, 6, 12, tzinfo=UTC))
    assert store.close()
    return home


def test_export_of_starred_papers_to_a_file_round_trips_through_add(filled_home, tmp_path):
    target = tmp_path / "starred.json"
    result = run("export", "--format", "json", "--starred", "-o", target, home=filled_home)
    assert result.returncode == 0, err(result)
    assert err(result) == f"exported 2 paper(s) to {target}\n"
    papers = json.loads(target.read_bytes())["papers"]
    assert [p["id"] for p in papers] == [VIT, RPT]
    assert papers[0]["state"]["note"] == "다시 읽기" and papers[0]["state"]["card"]["status"] == "new"
    other = tmp_path / "other-home"
    added = run("add", target, home=other)
    assert added.returncode == 0, out(added) + err(added)
    assert f"{target}: paperdeck export, 2 paper(s): 2 new, 0 merged" in out(added)
    listed = [json.loads(line) for line in out(run("list", "--json", home=other)).splitlines()]
    original = [json.loads(line) for line in out(run("list", "--json", home=filled_home)).splitlines()]
    wanted = {p["id"]: p for p in original}
    for paper in listed:
        assert {k: v for k, v in paper.items() if k != "sources"} == {
            k: v for k, v in wanted[paper["id"]].items() if k != "sources"
        }


def test_export_with_a_query_uses_the_readers_filter_language(filled_home):
    result = run("export", "--format", "md", "--query", "tag:mine starred", home=filled_home)
    assert result.returncode == 0, err(result)
    assert out(result).count("\n### ") == 1 and "Vision Transformers" in out(result)
    assert "**Commentary (English):**" in out(result)  # the language the reader was left in
    bib = run("export", "--format", "bibtex", "--query", "after:2025-06-12 before:2025-06-13", home=filled_home)
    assert [e.key for e in parse_bib(out(bib)).entries] == ["yang2025multiverse", "anon2025paper"]


def test_export_of_the_cards_due_now(filled_home):
    result = run("export", "--format", "json", "--query", "due", home=filled_home)
    assert result.returncode == 0, err(result)
    assert [p["id"] for p in json.loads(out(result))["papers"]] == [VIT]  # a new card: due in a session now


def test_export_csv_to_stdout_keeps_korean(filled_home):
    result = run("export", "--format", "csv", "--query", "다시", home=filled_home)
    assert result.returncode == 0, err(result)
    rows = list(csv.reader(io.StringIO(result.stdout.decode("utf-8-sig"), newline="")))
    assert len(rows) == 1  # the note is the user's, not the paper's text: nothing matches
    result = run("export", "--format", "csv", "--query", "아웃라이어", home=filled_home)
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode("utf-8-sig"), newline="")))
    assert [row["note"] for row in rows] == ["다시 읽기"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "docx"], "argument --format: invalid choice: 'docx'"),
        (
            ["--format", "md", "--query", "after:June"],
            "paperdeck: --query: after:June: dates are written 2025-06-01 (or 2025-06, 2025)",
        ),
    ],
)
def test_export_usage_errors_exit_2(filled_home, args, message):
    result = run("export", *args, home=filled_home)
    assert result.returncode == 2
    assert message in err(result)
    assert_no_traceback(result)


def test_export_into_a_folder_that_does_not_exist_is_a_message(filled_home, tmp_path):
    result = run("export", "--format", "md", "-o", tmp_path / "no" / "such" / "list.md", home=filled_home)
    assert result.returncode == 2
    assert "No such file or directory" in err(result)
    assert_no_traceback(result)
