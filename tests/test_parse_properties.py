"""No input makes a parser raise, and every diagnostic points at a line inside the file."""

from __future__ import annotations

from conftest import COMMENTARY, HF_MAR_06
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.parse import parse_bytes, parse_text
from tui.parse.text import split_lines

# Lines shaped like both formats, so that random files reach deep into both parsers.
FORMAT_LINES = [
    "", "", "2025년 6월 11일", "2025년 13월 40일", "2024-02-29", "A Paper Title", "Another: Title (v2)",
    "(Ann Lee, Wei (David) Chen)", "(Unbalanced (paren", "()", "(x)", "#llm #scaling-law", "#", "# not tags",
    "한국어 코멘트입니다.", "Shampoo의 개선.", "An English comment.", "https://x.org/a", ".", "new",
    "Get trending papers in your email inbox!", "Subscribe", "Daily Papers", "byAK and the research community",
    "Mar 6", "Feb 30", "Jan 7 2", "Aug 21, 2024 2", "Oct 3, 2022", "  • 11 authors", "• 1 author", "·",
    "showlab Show Lab", "x" * 400, "We propose a method. " * 12, "[bold]x[/] \x1b[2J \u202e", "\t \r",
]  # fmt: skip

format_like = st.lists(st.sampled_from(FORMAT_LINES) | st.text(max_size=40), max_size=60).map("\n".join)


def assert_diagnostics_inside(result, text: str) -> None:
    line_count = len(split_lines(text))
    for diagnostic in result.diagnostics:
        assert 0 <= diagnostic.line <= line_count, diagnostic
        assert diagnostic.message


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(format_like)
def test_format_like_text_never_raises(text):
    result = parse_text(text, "fuzz.txt")
    assert_diagnostics_inside(result, text)
    for entry in result.entries:
        assert entry.title and entry.digest_date is not None
        assert 1 <= int(entry.source.rsplit(":", 1)[1]) <= len(split_lines(text))


@settings(max_examples=300)
@given(st.text())
def test_any_text_never_raises(text):
    assert_diagnostics_inside(parse_text(text, "fuzz.txt"), text)


@settings(max_examples=300)
@given(st.binary())
def test_any_bytes_never_raise(data):
    parse_bytes(data, "fuzz.bin")


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_real_digests_never_raise_and_keep_most_papers(data):
    path = data.draw(st.sampled_from([COMMENTARY, HF_MAR_06]))
    lines = path.read_text(encoding="utf-8").split("\n")
    victim = data.draw(st.integers(0, len(lines) - 1))
    action = data.draw(st.sampled_from(["drop", "duplicate", "swap", "truncate", "garble"]))
    if action == "drop":
        del lines[victim]
    elif action == "duplicate":
        lines.insert(victim, lines[victim])
    elif action == "swap" and victim + 1 < len(lines):
        lines[victim], lines[victim + 1] = lines[victim + 1], lines[victim]
    elif action == "truncate":
        lines[victim] = lines[victim][: len(lines[victim]) // 2]
    else:
        lines[victim] = data.draw(st.text(max_size=30))
    text = "\n".join(lines)
    result = parse_text(text, path.name)
    assert_diagnostics_inside(result, text)
    intact = parse_text(path.read_text(encoding="utf-8"), path.name)
    # One damaged line costs at most the papers around it.
    assert len(result.entries) >= len(intact.entries) - 2
