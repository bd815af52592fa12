"""The Hugging Face daily papers API's JSON: papers, links, automatic tags, machine commentary,
and every way a response can be short of what is expected."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import COMMENTARY

from tui.library.files import load_library, read_digest
from tui.library.merge import Library
from tui.model import DigestFormat, arxiv_paper_id, paper_id
from tui.parse import parse_bytes, parse_text

FIXTURES = Path(__file__).parent / "fixtures" / "hf-api"
JUNE_11 = FIXTURES / "2025-06-11.json"
JUNE_12 = FIXTURES / "2025-06-12.json"


def item(**paper) -> dict:
    return {"paper": {"id": "2506.00001", "title": "A Title", "summary": "An abstract.", **paper}}


def parsed(items, path: str = "resp.json"):
    return parse_text(json.dumps(items), path)


def messages(result) -> list[str]:
    return [str(d) for d in result.diagnostics]


def test_a_response_gives_every_paper_with_its_fields():
    result = read_digest(JUNE_11)
    assert result.format is DigestFormat.HF_API
    assert result.diagnostics == ()
    assert [e.title for e in result.entries] == [
        "Vision Transformers Don't Need Trained Registers",
        "Reinforcement Pre-Training",  # the API's line break and indent are gone
        "Confidence Is All You Need: Few-Shot RL Fine-Tuning of Language Models",
    ]
    vit = result.entries[0]
    assert vit.id == arxiv_paper_id("2506.08010")
    assert vit.authors == ("Nick Jiang", "Amil Dravid", "Alexei Efros", "Yossi Gandelsman")
    assert vit.abstract.startswith(
        "We investigate the mechanism underlying a previously identified phenomenon in Vision Transformers --"
    )
    assert vit.digest_date == date(2025, 6, 11)  # the file name's date
    assert vit.published == date(2025, 6, 9)
    assert vit.upvotes == 14
    assert vit.arxiv_id == "2506.08010"
    assert vit.links == (
        "https://arxiv.org/abs/2506.08010",
        "https://huggingface.co/papers/2506.08010",
        "https://github.com/nickjiang2378/test-time-registers",
        "https://avdravid.github.io/test-time-registers",
    )
    # Keywords become tags, written as digest tags are, but kept apart from them.
    assert vit.tags == ()
    assert vit.auto_tags == ("vision-transformers", "high-norm-tokens", "register-neurons", "test-time-registers")
    assert vit.commentary_en == "" and vit.commentary_ko == ""
    assert vit.commentary_machine.startswith("Shifting high-norm activations")
    assert result.entries[1].org == "Microsoft"
    assert vit.source == f"{JUNE_11}:2"
    assert result.entries[1].source == f"{JUNE_11}:{_line_of(JUNE_11, 2)}"


def _line_of(path: Path, number: int) -> int:
    """The line the `number`th item of an indented list starts on."""
    starts = [i for i, line in enumerate(path.read_text().splitlines(), start=1) if line == "  {"]
    return starts[number - 1]


def test_an_arxiv_citation_in_the_summary_is_a_link_too():
    confidence = read_digest(JUNE_11).entries[2]
    assert confidence.arxiv_id == "2506.06395"
    assert "https://arxiv.org/abs/2505.12345" in confidence.links


def test_a_paper_known_from_a_commentary_digest_merges_with_its_api_twin():
    library = load_library([COMMENTARY, JUNE_11])
    assert len(library) == 8 + 1
    # The commentary digest names no arXiv id; the API record of the same title does.
    vit = library.papers[arxiv_paper_id("2506.08010")]
    assert vit.id == arxiv_paper_id("2506.08010")
    assert paper_id("Vision Transformers Don't Need Trained Registers") not in library.papers
    assert vit.commentary_ko.startswith("ViT의 아웃라이어 토큰을")
    assert vit.tags == ("vit", "transformer")
    assert vit.auto_tags[0] == "vision-transformers"
    assert vit.commentary_machine.startswith("Shifting")
    assert vit.arxiv_id == "2506.08010" and vit.arxiv_url == "https://arxiv.org/abs/2506.08010"
    assert vit.upvotes == 14
    assert len(vit.sources) == 2
    # The API's title had a line break in it; the papers are one all the same.
    rpt = library.papers[arxiv_paper_id("2506.08007")]
    assert rpt.commentary_en.startswith("They've directly applied") and rpt.arxiv_id == "2506.08007"
    # Automatic tags stay out of the tag index: the tree lists the tags people gave.
    assert "vision-transformers" not in library.by_tag


def test_missing_fields_are_tolerated_and_extra_ones_ignored():
    result = read_digest(JUNE_12)
    assert messages(result) == []
    bare = result.entries[1]
    assert (bare.title, bare.abstract, bare.authors, bare.upvotes) == (
        "A Paper the API Knows Little About",
        "Short.",
        (),
        None,
    )
    assert (bare.auto_tags, bare.commentary_machine, bare.published) == ((), "", None)
    assert bare.links == ("https://arxiv.org/abs/2506.10000", "https://huggingface.co/papers/2506.10000")


def test_the_digest_date_comes_from_the_items_when_the_file_name_has_none():
    items = [
        {**item(title=f"Paper {n}"), "publishedAt": f"2025-06-{day}T0{n}:00:00.000Z"}
        for n, day in enumerate(["11", "11", "10"])
    ]
    result = parsed(items, "response.json")
    assert {e.digest_date for e in result.entries} == {date(2025, 6, 11)}


def test_an_item_without_the_paper_object_uses_its_own_fields():
    result = parsed([{"title": "Top Level Only", "summary": "Said at the top.", "publishedAt": "2025-06-11T00:00:00Z"}])
    assert [(e.title, e.abstract, e.digest_date) for e in result.entries] == [
        ("Top Level Only", "Said at the top.", date(2025, 6, 11))
    ]


def test_strange_items_are_skipped_or_read_with_a_warning_naming_the_item():
    items = [
        item(title="Fine", authors=[{"name": "Ann Lee"}, "Bo Li", {"user": {}}], upvotes="many"),
        "just a string",
        item(title=None, summary="No title here."),
        item(title="Odd Fields", id="not-arxiv", ai_keywords="llm", ai_summary=7, publishedAt="yesterday"),
        {"paper": [1, 2], "title": "Paper Is A List"},
    ]
    result = parsed(items)
    assert [e.title for e in result.entries] == ["Fine", "Odd Fields", "Paper Is A List"]
    assert result.entries[0].authors == ("Ann Lee", "Bo Li")
    assert result.entries[0].upvotes is None
    assert result.entries[1].arxiv_id is None and result.entries[1].links == ()
    assert messages(result) == [
        "resp.json:1: warning: item 1 (Fine): an author without a name; left out",
        "resp.json:1: warning: item 1 (Fine): 'upvotes' is 'many', not a count; ignored",
        "resp.json:1: warning: item 2: not a paper but text; skipped",
        "resp.json:1: warning: item 3: no title; skipped",
        "resp.json:1: warning: item 4 (Odd Fields): the id 'not-arxiv' is not an arXiv id; no arXiv link",
        "resp.json:1: warning: item 4 (Odd Fields): cannot read the date 'yesterday'; left out",
        "resp.json:1: warning: item 4 (Odd Fields): 'ai_keywords' is text, not a list; ignored",
        "resp.json:1: warning: item 4 (Odd Fields): 'ai_summary' is a number, not text; ignored",
        "resp.json:1: warning: item 5: 'paper' is a list, not an object; read the rest",
        "resp.json:1: warning: item 5 (Paper Is A List): no summary",
    ]


def test_warnings_point_at_the_line_an_item_starts_on():
    text = json.dumps([item(title="One"), item(title="Two", upvotes=-3)], indent=2)
    result = parse_text(text, "saved.json")
    assert messages(result) == [
        f"saved.json:{text.splitlines().index('  {', 2) + 1}: warning: item 2 (Two): 'upvotes' is -3, not a count; ignored"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"paper": {"title": "A"}},', "r.json:1: error: not valid JSON: Expecting value (column 28); nothing read"),
        (
            '[\n{"paper": {"title": "A"}}\n{"paper": {}}]',
            "r.json:3: error: not valid JSON: Expecting ',' delimiter (column 1); nothing read",
        ),
        ("[] extra", "r.json:1: error: not valid JSON: Extra data (column 4); nothing read"),
        (
            '{"error": "Invalid date"}',
            "r.json:1: error: an error from the server, not papers: 'Invalid date'; nothing read",
        ),
        ('{"papers": []}', "r.json:1: error: expected a JSON list of daily papers, found an object; nothing read"),
        ("[" * 100_000, "r.json:1: error: not valid JSON: nested too deeply; nothing read"),
        ("[]", "r.json:1: warning: no papers found (an empty list: no papers that day)"),
        ("[1, 2]", "r.json:1: warning: item 1: not a paper but a number; skipped"),
    ],
)
def test_a_broken_response_says_what_is_wrong_and_where(text, message):
    result = parse_text(text, "r.json")
    assert result.format is DigestFormat.HF_API
    assert result.entries == ()
    assert messages(result)[0] == message


def test_json_is_known_by_its_content_whatever_the_file_is_called():
    data = json.dumps([item(title="Named Oddly")]).encode()
    result = parse_bytes(b"\xef\xbb\xbf" + data, "download (1).txt")
    assert (result.format, [e.title for e in result.entries]) == (DigestFormat.HF_API, ["Named Oddly"])


def test_text_that_starts_with_a_bracket_is_still_read_as_text():
    text = "2025년 6월 11일\n[CLS] Tokens Revisited\n(Ann Lee)\nAn abstract.\n한국어.\nEnglish.\n#vit\n"
    result = parse_text("[CLS] note\n" + text, "notes.txt")
    assert result.format is DigestFormat.COMMENTARY
    assert "[CLS] Tokens Revisited" in [e.title for e in result.entries]


def test_binary_named_json_is_an_error_not_a_crash():
    result = parse_bytes(bytes(range(256)) * 4, "x.json")
    assert result.entries == () and result.errors


def test_api_files_are_library_files(tmp_path):
    (tmp_path / "hf-api-2025-06-11.json").write_bytes(JUNE_11.read_bytes())
    (tmp_path / "notes.md").write_text("not a digest")
    library = load_library(sorted(tmp_path.glob("*.json")))
    assert isinstance(library, Library) and len(library) == 3
    from tui.library.files import digest_files

    assert [p.name for p in digest_files(tmp_path)] == ["hf-api-2025-06-11.json"]
