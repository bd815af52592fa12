"""Format A, the commentary digest: the real file and the quirks the format is known for."""

from __future__ import annotations

from datetime import date
from textwrap import dedent

from conftest import COMMENTARY, by_title

from tui.model import DigestFormat, Severity
from tui.parse import parse_text
from tui.parse.commentary import split_authors


def parse(text: str, path: str = "notes.txt"):
    return parse_text(dedent(text).lstrip("\n"), path, modified=date(2024, 1, 2))


# --- the real digest ----------------------------------------------------------------------


def test_real_digest_has_eight_papers_on_one_day(commentary):
    assert commentary.format is DigestFormat.COMMENTARY
    assert len(commentary.entries) == 8
    assert commentary.digest_dates == (date(2025, 6, 11),)
    assert commentary.diagnostics == ()
    assert [e.source for e in commentary.entries] == [f"{COMMENTARY}:{n}" for n in (2, 8, 14, 20, 28, 34, 40, 46)]


def test_real_digest_first_paper_fields(commentary):
    paper = commentary.entries[0]
    assert paper.title == "Vision Transformers Don't Need Trained Registers"
    assert paper.authors == ("Nick Jiang", "Amil Dravid", "Alexei Efros", "Yossi Gandelsman")
    assert paper.authors_count == 4
    assert paper.abstract.startswith("We investigate the mechanism underlying a previously identified")
    assert paper.abstract.endswith("offering a training-free solution for any pre-trained model released without them.")
    assert paper.commentary_ko == (
        "ViT의 아웃라이어 토큰을 임의의 위치로 이동시키는 방법을 연구했군요. "
        "아예 이미지 밖으로 제외시키면 레지스터 토큰처럼 기능하게 된다고."
    )
    assert paper.commentary_en.startswith("This study explores a method of relocating outlier tokens")
    assert paper.tags == ("vit", "transformer")
    assert paper.digest_date == date(2025, 6, 11)
    assert paper.published is None and paper.upvotes is None


def test_real_digest_team_and_company_author_lines(commentary):
    assert by_title(commentary, "MiniCPM4").authors == ("MiniCPM Team",)
    assert by_title(commentary, "Magistral").authors == ("Mistral.AI",)


def test_real_digest_tags_keep_hyphens(commentary):
    assert by_title(commentary, "MiniCPM4").tags == ("llm", "scaling-law", "hyperparameter", "efficient-attention")


def test_real_digest_abstract_broken_around_a_url_is_joined(commentary):
    paper = by_title(commentary, "Solving Inequality Proofs")
    assert paper.abstract.endswith("Code and data are available at https://ineqmath.github.io/.")
    assert "  " not in paper.abstract
    assert paper.links == ("https://ineqmath.github.io/",)
    assert paper.commentary_ko == "자연어 기반 부등식 증명 벤치마크. 자연어 기반이라서 평가가 문제이긴 합니다."
    assert paper.commentary_en.startswith("A benchmark for natural language-based inequality proofs.")


def test_real_digest_korean_line_with_english_words_is_korean(commentary):
    paper = by_title(commentary, "A Stable Whitening Optimizer")
    assert paper.commentary_ko.startswith("Shampoo의 개선.")
    assert paper.commentary_en.startswith("An improvement on Shampoo.")


def test_real_digest_long_author_list(commentary):
    paper = by_title(commentary, "Spark Transformer")
    assert len(paper.authors) == 19
    assert paper.authors[-1] == "Sanjiv Kumar"
    assert "Jeremiah J. Willcock" in paper.authors


# --- edge cases ---------------------------------------------------------------------------


def test_nested_parentheses_in_author_list():
    result = parse(
        """
        2025년 6월 11일
        A Paper
        (Ann Lee, Wei (David) Chen, Bo Li)
        An abstract that is long enough to look like one, with several words in it.
        한국어 코멘트입니다.
        An English comment.
        #tag
        """
    )
    assert result.entries[0].authors == ("Ann Lee", "Wei (David) Chen", "Bo Li")
    assert result.diagnostics == ()


def test_split_authors_reports_unbalanced_parentheses():
    assert split_authors("(Ann Lee, Wei (David Chen)") == (("Ann Lee", "Wei (David Chen"), False)
    assert split_authors("(Ann Lee and Bo Li)") == (("Ann Lee and Bo Li",), True)
    assert split_authors("(Ann Lee, and Bo Li)") == (("Ann Lee", "Bo Li"), True)


def test_several_dates_in_one_file():
    result = parse(
        """
        2025년 6월 11일
        First Paper
        (Ann Lee)
        Abstract one.
        첫 번째 논문.
        First paper.
        #a
        2025년 6월 12일
        Second Paper
        (Bo Li)
        Abstract two.
        두 번째 논문.
        Second paper.
        #b
        """
    )
    assert [(e.title, e.digest_date) for e in result.entries] == [
        ("First Paper", date(2025, 6, 11)),
        ("Second Paper", date(2025, 6, 12)),
    ]


def test_missing_tag_line_ends_the_paper_at_the_next_title():
    result = parse(
        """
        2025년 6월 11일
        First Paper
        (Ann Lee)
        Abstract one.
        첫 번째 논문.
        First paper.
        Second Paper
        (Bo Li)
        Abstract two, which is a real abstract of some length, long enough to be prose.
        두 번째 논문.
        Second paper.
        #b
        """
    )
    first, second = result.entries
    assert first.tags == ()
    assert first.commentary_en == "First paper."
    assert second.title == "Second Paper"
    assert second.tags == ("b",)


def test_multi_paragraph_commentary_with_url_lines():
    result = parse(
        """
        2025년 6월 11일
        A Paper
        (Ann Lee)
        The abstract.
        첫 문단입니다.
        관련 논문들:
        https://arxiv.org/abs/2401.00001
        https://arxiv.org/abs/2401.00002
        First paragraph.
        Related papers:
        https://arxiv.org/abs/2401.00001
        https://arxiv.org/abs/2401.00002
        #tag
        """
    )
    paper = result.entries[0]
    assert paper.commentary_ko.split("\n") == [
        "첫 문단입니다.",
        "관련 논문들:",
        "https://arxiv.org/abs/2401.00001",
        "https://arxiv.org/abs/2401.00002",
    ]
    assert paper.commentary_en.split("\n") == [
        "First paragraph.",
        "Related papers:",
        "https://arxiv.org/abs/2401.00001",
        "https://arxiv.org/abs/2401.00002",
    ]
    assert paper.links == ("https://arxiv.org/abs/2401.00001", "https://arxiv.org/abs/2401.00002")


def test_parenthesised_line_in_commentary_does_not_start_a_paper():
    result = parse(
        """
        2025년 6월 11일
        A Paper
        (Ann Lee)
        The abstract of the paper, long enough to be the real thing and not a title.
        한국어 첫 줄.
        한국어 둘째 줄.
        First English line
        (an aside in parentheses)
        #tag
        """
    )
    assert len(result.entries) == 1
    assert result.entries[0].commentary_en == "First English line\n(an aside in parentheses)"


def test_crlf_bom_trailing_whitespace_and_blank_lines():
    text = (
        "\ufeff2025년 6월 11일  \r\n\r\n"
        "A Paper\t\r\n"
        "(Ann Lee)   \r\n"
        "The abstract,\r\n\r\n"
        "broken.\r\n"
        "한국어.\r\n"
        "English.\r\n"
        "#tag \r\n"
    )
    result = parse_text(text, "x.txt")
    assert result.diagnostics == ()
    paper = result.entries[0]
    assert (paper.title, paper.authors, paper.abstract) == ("A Paper", ("Ann Lee",), "The abstract, broken.")
    assert (paper.commentary_ko, paper.commentary_en, paper.tags) == ("한국어.", "English.", ("tag",))


def test_markup_like_text_is_kept_literally():
    result = parse(
        r"""
        2025년 6월 11일
        [bold]Not Bold[/bold] and [CLS]
        (Ann $x$ Lee)
        Uses `code`, \escapes and $x^2$ and [red]x[/].
        [CLS] 토큰.
        The [CLS] token.
        #tag
        """
    )
    paper = result.entries[0]
    assert paper.title == "[bold]Not Bold[/bold] and [CLS]"
    assert paper.authors == ("Ann $x$ Lee",)
    assert paper.abstract == r"Uses `code`, \escapes and $x^2$ and [red]x[/]."
    assert paper.commentary_ko == "[CLS] 토큰."


def test_paper_before_any_date_line_is_dated_by_the_file_and_warned():
    result = parse(
        """
        A Paper
        (Ann Lee)
        The abstract.
        한국어.
        English.
        """,
        path="2024-05-06-notes.txt",
    )
    assert result.entries[0].digest_date == date(2024, 5, 6)
    [warning] = result.diagnostics
    assert warning.severity is Severity.WARNING and warning.line == 1
    assert "before any date line" in warning.message


def test_impossible_date_is_an_error_naming_the_line():
    result = parse(
        """
        2025년 2월 30일
        A Paper
        (Ann Lee)
        The abstract.
        """
    )
    [error] = result.errors
    assert (error.path, error.line) == ("notes.txt", 1)
    assert str(error) == "notes.txt:1: error: no such date: 2025년 2월 30일"


def test_korean_without_english_is_warned():
    result = parse(
        """
        2025년 6월 11일
        A Paper
        (Ann Lee)
        The abstract.
        한국어만 있어요.
        #tag
        """
    )
    assert result.entries[0].commentary_en == ""
    assert [d.message for d in result.warnings] == ["Korean commentary without English for 'A Paper'"]


def test_missing_author_line_is_warned_and_the_paper_still_read():
    result = parse(
        """
        2025년 6월 11일
        A Paper Without Authors
        The abstract of the paper, long enough to be the real thing and not a title at all.
        한국어.
        English.
        #tag
        """
    )
    [paper] = result.entries
    assert paper.authors == ()
    assert paper.commentary_en == "English."
    assert result.warnings[0].line == 2
