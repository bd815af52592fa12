"""Format B, the saved Daily Papers page: the real pages, year inference and the page quirks."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import HF_MAR_06, by_title

from tui.model import DigestFormat
from tui.parse import parse_text
from tui.parse.hf_daily import parse_month_day

HEADER = (
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n"
    "byAK and the research community\n\n"
)
ABSTRACT = "We study a thing at length. " * 8


def page(page_date: str, *entries: str, path: str = "page.txt", year: int | None = None, modified=None):
    text = HEADER + f"{page_date}\n\n" + "\n".join(entries)
    return parse_text(text, path, year=year, modified=modified or date(2030, 7, 1))


def entry(title: str, meta: str | None = "  • 3 authors\n·\nJan 5") -> str:
    return f"{title}\n\n{ABSTRACT}\n\n" + (f"{meta}\n" if meta else "")


# --- the real pages -----------------------------------------------------------------------


def test_real_page_of_march_6th(hf_mar_06):
    assert hf_mar_06.format is DigestFormat.HF_DAILY
    assert len(hf_mar_06.entries) == 49
    # Latest explicit year on the page is 2025, so the page is of 2026.
    assert hf_mar_06.digest_dates == (date(2026, 3, 6),)
    assert hf_mar_06.diagnostics == ()


def test_real_page_of_october_31st(hf_oct_31):
    assert len(hf_oct_31.entries) == 121
    # Latest explicit year on this page is 2024.
    assert hf_oct_31.digest_dates == (date(2025, 10, 31),)
    assert hf_oct_31.diagnostics == ()


def test_real_page_entry_with_author_count_and_upvotes(hf_mar_06):
    first = hf_mar_06.entries[0]
    assert first.title == "TL-Training: A Task-Feature-Based Framework for Training Large Language Models in Tool Use"
    assert first.source == f"{HF_MAR_06}:13"
    assert first.authors_count == 11 and first.authors == () and first.org is None
    assert first.published == date(2024, 12, 19) and first.upvotes is None
    assert first.abstract.startswith("Large language models (LLMs) achieve remarkable advancements")
    assert first.links == ("https://github.com/Junjie-Ye/TL-Training",)
    frap = hf_mar_06.entries[1]
    assert (frap.published, frap.upvotes) == (date(2024, 8, 21), 2)


def test_real_page_dates_of_the_page_year_get_the_inferred_year(hf_mar_06):
    molmo = by_title(hf_mar_06, "Molmo2:")
    assert (molmo.authors_count, molmo.published, molmo.upvotes) == (21, date(2026, 1, 15), 1)


def test_real_page_organisation_lines(hf_mar_06, hf_oct_31):
    peking = by_title(hf_mar_06, "From Next-Token to Next-Block")
    assert (peking.org, peking.authors_count, peking.published, peking.upvotes) == (
        "Peking University",
        None,
        date(2025, 12, 7),
        3,
    )
    assert by_title(hf_oct_31, "Insights into DeepSeek-V3").org == "DeepSeek"
    assert by_title(hf_oct_31, "Ming-UniVision").org == "inclusionAI"


def test_real_page_entries_without_metadata_block(hf_mar_06):
    soft = by_title(hf_mar_06, "SofT-GRPO")
    assert (soft.authors_count, soft.org, soft.published, soft.upvotes) == (None, None, None, None)
    assert soft.abstract.startswith("The soft-thinking paradigm")
    following = by_title(hf_mar_06, "Reinforced Fast Weights with Next-Sequence Prediction")
    assert following.abstract.startswith("Fast weight architectures")


def test_real_page_old_paper_keeps_its_explicit_year(hf_oct_31):
    pointer = by_title(hf_oct_31, "Pointer Networks")
    assert (pointer.authors_count, pointer.published) == (3, date(2015, 6, 9))


# --- year inference -----------------------------------------------------------------------


def test_page_year_is_one_after_the_latest_explicit_year():
    result = page("Mar 6", entry("A", "  • 2 authors\n·\nOct 3, 2022"), entry("B", "  • 2 authors\n·\nJan 7 2"))
    assert result.digest_dates == (date(2023, 3, 6),)
    assert [(e.published, e.upvotes) for e in result.entries] == [(date(2022, 10, 3), None), (date(2023, 1, 7), 2)]


def test_date_in_file_name_overrides_the_inferred_year():
    result = page("Mar 6", entry("A", "  • 2 authors\n·\nOct 3, 2022"), entry("B"), path="lib/2026-03-06.txt")
    assert result.digest_dates == (date(2026, 3, 6),)
    assert result.entries[1].published == date(2026, 1, 5)


def test_user_given_year_overrides_everything():
    result = page("Mar 6", entry("A", "  • 2 authors\n·\nOct 3, 2022"), path="2026-03-06.txt", year=2024)
    assert result.digest_dates == (date(2024, 3, 6),)


def test_no_year_anywhere_falls_back_to_the_file_date_and_says_so():
    result = page("Mar 6", entry("A"), entry("B"), modified=date(2031, 12, 1))
    assert result.digest_dates == (date(2031, 3, 6),)
    [warning] = result.warnings
    assert warning.line == 1
    assert "no year anywhere on the page; assumed 2031" in warning.message


# --- page quirks --------------------------------------------------------------------------


def test_organisation_line_without_display_name():
    result = page("Mar 6", entry("A", "openai\n·\nJan 5, 2025"))
    assert result.entries[0].org == "openai"


def test_abstract_broken_over_lines_is_joined():
    text = (
        HEADER
        + "Mar 6\n\nTitle\n\nFirst half of the\nabstract, see\nhttps://x.org/a\n.\n\n  • 1 author\n·\nJan 5, 2025\n"
    )
    [paper] = parse_text(text, "p.txt").entries
    assert paper.abstract == "First half of the abstract, see https://x.org/a."
    assert paper.authors_count == 1
    assert paper.links == ("https://x.org/a",)


def test_title_without_abstract_before_the_next_paper():
    result = page("Mar 6", "Lonely Title\n\n", entry("Next Paper", "  • 2 authors\n·\nJan 7, 2025"))
    assert [e.title for e in result.entries] == ["Lonely Title", "Next Paper"]
    assert result.entries[0].abstract == ""
    assert result.entries[1].abstract == ABSTRACT.strip()
    assert "no abstract for 'Lonely Title'" in result.warnings[0].message


def test_crlf_and_trailing_spaces():
    text = (HEADER + "Mar 6\n\nTitle  \n\nAbstract text.\t\n\n  • 2 authors  \n·\nJan 7, 2025 3 \n").replace(
        "\n", "\r\n"
    )
    [paper] = parse_text(text, "p.txt").entries
    assert (paper.title, paper.abstract, paper.authors_count, paper.published, paper.upvotes) == (
        "Title",
        "Abstract text.",
        2,
        date(2025, 1, 7),
        3,
    )


def test_several_pages_in_one_file():
    text = (
        HEADER
        + "Mar 6\n\n"
        + entry("A", "  • 2 authors\n·\nOct 3, 2022")
        + "\n"
        + HEADER
        + "Mar 7\n\n"
        + entry("B", "  • 2 authors\n·\nOct 3, 2022")
    )
    result = parse_text(text, "p.txt")
    assert [(e.title, e.digest_date) for e in result.entries] == [("A", date(2023, 3, 6)), ("B", date(2023, 3, 7))]


def test_metadata_without_a_paper_is_warned_with_its_line():
    text = HEADER + "Mar 6\n\n  • 2 authors\n·\nJan 7, 2025\n\n" + entry("A", "  • 2 authors\n·\nOct 3, 2022")
    result = parse_text(text, "p.txt")
    assert [e.title for e in result.entries] == ["A"]
    assert [(d.line, d.message) for d in result.warnings] == [
        (13, "author/date block without a paper above it, skipped")
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Mar 6", (3, 6, None, None)),
        ("Jan 7 2", (1, 7, None, 2)),
        ("Aug 21, 2024 2", (8, 21, 2024, 2)),
        ("Oct 3, 2022", (10, 3, 2022, None)),
        ("Sept 30", (9, 30, None, None)),
        ("May 32", None),
        ("Mars 6", None),
        ("Reinforcement Pre-Training", None),
    ],
)
def test_month_day_lines(line, expected):
    found = parse_month_day(line, 1)
    assert (found and (found.month, found.day, found.year, found.upvotes)) == expected


def test_header_lines_as_other_browsers_copy_them():
    text = (
        "New\n\nGet trending papers in your email inbox\n\nSubscribe\n\nDaily Papers\n\n"
        "by AK and the research community\n\nMar 6\n\n" + entry("A", "  ∙ 2 authors\n∙\nOct 3, 2022")
    )
    result = parse_text(text, "p.txt")
    assert result.diagnostics == ()
    assert [(e.title, e.digest_date, e.authors_count) for e in result.entries] == [("A", date(2023, 3, 6), 2)]


def test_blank_line_inside_an_abstract_keeps_one_paper():
    second_half = "The second half of the abstract goes on. It has several sentences."
    text = HEADER + f"Mar 6\n\nTitle\n\n{ABSTRACT}\n\n{second_half}\n\n  • 2 authors\n·\nOct 3, 2022\n"
    result = parse_text(text, "p.txt")
    [paper] = result.entries
    assert paper.abstract == f"{ABSTRACT.strip()} {second_half}"
    assert paper.authors_count == 2
