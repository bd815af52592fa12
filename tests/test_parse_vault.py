"""Format C, the notes vault: one Markdown note per paper, in every shape and quirk it comes in."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.model import DigestFormat, Severity, arxiv_abs_url, arxiv_paper_id, entry_id
from tui.parse import ParseResult, parse_bytes
from tui.parse.text import split_lines

MODIFIED = date(2024, 1, 2)


def parse(text: str, path: str, *, encoding: str = "utf-8", modified: date = MODIFIED) -> ParseResult:
    return parse_bytes(text.encode(encoding), path, modified=modified)


def assert_inside(result: ParseResult, text: str) -> None:
    """Every diagnostic points at a line of the file (or 0, the file as a whole) and says something."""
    line_count = len(split_lines(text))
    for diagnostic in result.diagnostics:
        assert 0 <= diagnostic.line <= line_count, diagnostic
        assert diagnostic.message.strip(), diagnostic


def only_entry(result: ParseResult, text: str):
    """The one entry of a note, checked for what every entry owes: format, id, a title, a source line."""
    assert result.format is DigestFormat.VAULT
    assert len(result.entries) == 1, result.entries
    assert_inside(result, text)
    [entry] = result.entries
    assert entry.title.strip()
    assert entry.id == entry_id(entry.title, entry.arxiv_id)
    assert entry.digest_date is not None
    path, _, line = entry.source.rpartition(":")
    assert path == result.path
    assert 1 <= int(line) <= max(1, len(split_lines(text)))
    return entry


def words(text: str) -> list[str]:
    return text.split()


def text_lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


# --- the three shapes of FORMATS.md ---------------------------------------------------------

NEWEST_PATH = "notes/2025/250611 Sparse Registers.md"
NEWEST = """\
https://arxiv.org/abs/2506.01234

*Sparse Registers for Vision Transformers* (Ann Lee, Wei (David) Chen, Bo Li)

> We study why a few tokens in vision transformers carry very large norms
> and show that registers added at test time absorb them.

레지스터 토큰을 학습 없이 추가하는 방법이네요. 관련 연구로는 (https://arxiv.org/abs/2309.16588) 이 있습니다.

<english>
A way to add register tokens without training. Related work: (https://arxiv.org/abs/2309.16588).
</english>

#vit #transformer
"""

OLDER_PATH = "notes/2023/230302 RingAttn.md"
OLDER = """\
https://arxiv.org/abs/2303.04567

Ring Attention for Very Long Contexts (Cara Diaz, Dev Patel)

긴 컨텍스트를 여러 장치에 나눠 처리하는 방법. 통신을 계산과 겹치는 것이 핵심이네요.
두 번째 줄도 있을 수 있습니다.

새 문단에서는 Blockwise 방식과 비교합니다.

#efficient-attention #Long-Context

# Links

[[230115 Blockwise Attention.md]]
[[221120 Sequence Parallelism]]
"""

OLDEST_PATH = "notes/2020/200122 MixMatch.md"
OLDEST = """\
https://arxiv.org/abs/1905.02249

MixMatch는 일관성 정규화와 엔트로피 최소화를 섞은 준지도 학습 방법이네요.
라벨이 적을 때 특히 효과가 큽니다.

#semi_supervised_learning #SSL
"""


def test_newest_shape_field_by_field():
    result = parse(NEWEST, NEWEST_PATH)
    paper = only_entry(result, NEWEST)
    assert result.diagnostics == ()
    assert paper.title == "Sparse Registers for Vision Transformers"
    assert paper.authors == ("Ann Lee", "Wei (David) Chen", "Bo Li")
    assert paper.abstract == (
        "We study why a few tokens in vision transformers carry very large norms "
        "and show that registers added at test time absorb them."
    )
    assert paper.commentary_ko == (
        "레지스터 토큰을 학습 없이 추가하는 방법이네요. 관련 연구로는 (https://arxiv.org/abs/2309.16588) 이 있습니다."
    )
    assert paper.commentary_en == (
        "A way to add register tokens without training. Related work: (https://arxiv.org/abs/2309.16588)."
    )
    assert paper.tags == ("vit", "transformer")
    assert paper.digest_date == date(2025, 6, 11)
    assert paper.arxiv_id == "2506.01234"
    assert paper.links == ("https://arxiv.org/abs/2506.01234", "https://arxiv.org/abs/2309.16588")
    assert paper.source == f"{NEWEST_PATH}:3"
    assert paper.id == arxiv_paper_id("2506.01234")  # the arXiv id's, whatever the title


def test_older_shape_with_links_section_field_by_field():
    result = parse(OLDER, OLDER_PATH)
    paper = only_entry(result, OLDER)
    assert result.diagnostics == ()
    assert paper.title == "Ring Attention for Very Long Contexts"
    assert paper.authors == ("Cara Diaz", "Dev Patel")
    assert paper.abstract == ""
    assert words(paper.commentary_ko) == words(
        "긴 컨텍스트를 여러 장치에 나눠 처리하는 방법. 통신을 계산과 겹치는 것이 핵심이네요. "
        "두 번째 줄도 있을 수 있습니다. 새 문단에서는 Blockwise 방식과 비교합니다."
    )
    assert paper.commentary_en == ""
    assert paper.tags == ("efficient-attention", "long-context")
    assert paper.digest_date == date(2023, 3, 2)
    assert paper.arxiv_id == "2303.04567"
    assert paper.links == ("https://arxiv.org/abs/2303.04567",)
    assert paper.source == f"{OLDER_PATH}:3"


def test_older_shape_links_section_is_not_commentary():
    paper = only_entry(parse(OLDER, OLDER_PATH), OLDER)
    for commentary in (paper.commentary_ko, paper.commentary_en):
        assert "[[" not in commentary and "]]" not in commentary
        assert "Blockwise Attention" not in commentary
        assert "Sequence Parallelism" not in commentary
        assert "Links" not in commentary
    assert "links" not in paper.tags


def test_oldest_shape_takes_its_title_from_the_file_name():
    result = parse(OLDEST, OLDEST_PATH)
    paper = only_entry(result, OLDEST)
    assert result.diagnostics == ()
    assert paper.title == "MixMatch"
    assert paper.id == arxiv_paper_id("1905.02249")
    assert paper.authors == ()
    assert paper.abstract == ""
    assert words(paper.commentary_ko) == words(
        "MixMatch는 일관성 정규화와 엔트로피 최소화를 섞은 준지도 학습 방법이네요. 라벨이 적을 때 특히 효과가 큽니다."
    )
    assert paper.commentary_en == ""
    assert paper.tags == ("semi_supervised_learning", "ssl")
    assert paper.digest_date == date(2020, 1, 22)
    assert paper.arxiv_id == "1905.02249"
    assert paper.links == ("https://arxiv.org/abs/1905.02249",)
    assert paper.source == f"{OLDEST_PATH}:1"


def test_a_note_without_folders_in_its_path():
    paper = only_entry(parse(NEWEST, "250611 Sparse Registers.md"), NEWEST)
    assert paper.digest_date == date(2025, 6, 11)
    assert paper.source == "250611 Sparse Registers.md:3"


# --- quirks ---------------------------------------------------------------------------------

IMAGES_AND_BULLETS = """\
https://arxiv.org/pdf/2506.01234v2

*Sparse Registers for Vision Transformers* (Ann Lee)

구조는 아래 그림과 같습니다.

![전체 구조](https://example.com/figures/overview.png)

장점은 세 가지입니다:
- 학습이 필요 없음
- 추론 비용이 거의 그대로
- Works with any pretrained ViT

<english>
The architecture is shown in the figure below.
Three advantages:
- no training needed
- almost the same inference cost
- works with any pretrained ViT
</english>

#vit
"""


def test_images_and_bullet_lists_are_kept_in_the_commentary():
    path = "notes/2025/250612 Registers Again.md"
    result = parse(IMAGES_AND_BULLETS, path)
    paper = only_entry(result, IMAGES_AND_BULLETS)
    assert result.errors == ()
    assert paper.title == "Sparse Registers for Vision Transformers"
    assert paper.arxiv_id == "2506.01234"
    assert paper.links[0] == "https://arxiv.org/pdf/2506.01234v2"
    assert "https://example.com/figures/overview.png" in paper.links
    assert "![전체 구조](https://example.com/figures/overview.png)" in paper.commentary_ko
    assert "구조는 아래 그림과 같습니다." in paper.commentary_ko
    assert "장점은 세 가지입니다:" in paper.commentary_ko
    assert "The architecture is shown in the figure below." in paper.commentary_en
    bullets = {
        "ko": (paper.commentary_ko, ["학습이 필요 없음", "추론 비용이 거의 그대로", "Works with any pretrained ViT"]),
        "en": (
            paper.commentary_en,
            ["no training needed", "almost the same inference cost", "works with any pretrained ViT"],
        ),
    }
    for commentary, items in bullets.values():
        lines = text_lines(commentary)
        for item in items:
            holding = [line for line in lines if item in line]
            assert len(holding) == 1, (item, lines)
            assert holding[0].endswith(item)
            assert not any(other in holding[0] for other in items if other != item)
    assert paper.tags == ("vit",)


SEVERAL_ARXIV = """\
https://arxiv.org/abs/2506.01234v3

*Sparse Registers* (Ann Lee)

관련 연구 목록입니다:
https://arxiv.org/abs/2309.16588
https://arxiv.org/pdf/2401.00001

<english>
Related work: https://arxiv.org/abs/2309.16588 and https://arxiv.org/pdf/2401.00001.
</english>
"""


def test_several_arxiv_links_the_first_lines_is_the_papers():
    path = "notes/2025/250613 Sparse Registers.md"
    result = parse(SEVERAL_ARXIV, path)
    paper = only_entry(result, SEVERAL_ARXIV)
    assert result.errors == ()
    assert paper.arxiv_id == "2506.01234"
    assert paper.links[0] == "https://arxiv.org/abs/2506.01234v3"
    assert {"https://arxiv.org/abs/2309.16588", "https://arxiv.org/pdf/2401.00001"} <= set(paper.links)
    assert len(paper.links) == len(set(paper.links))
    assert "https://arxiv.org/abs/2309.16588" in paper.commentary_ko
    assert "https://arxiv.org/pdf/2401.00001" in paper.commentary_ko
    assert words(paper.commentary_en) == words(
        "Related work: https://arxiv.org/abs/2309.16588 and https://arxiv.org/pdf/2401.00001."
    )


@pytest.mark.parametrize(
    ("url", "arxiv_id"),
    [
        ("https://arxiv.org/abs/2506.01234", "2506.01234"),
        ("https://arxiv.org/abs/2506.01234v4", "2506.01234"),
        ("https://arxiv.org/pdf/2506.01234", "2506.01234"),
        ("https://arxiv.org/pdf/2506.01234v2", "2506.01234"),
        ("http://arxiv.org/abs/1905.02249v1", "1905.02249"),
    ],
)
def test_arxiv_id_from_any_abs_or_pdf_link(url, arxiv_id):
    text = f"{url}\n\n*A Paper* (Ann Lee)\n\n한국어 코멘트입니다.\n"
    paper = only_entry(parse(text, "notes/2025/250611 A Paper.md"), text)
    assert paper.arxiv_id == arxiv_id
    assert paper.links[0] == url


BLOG_URL_FIRST = """\
https://openai.com/index/devday/

*Notes on DevDay* (OpenAI)

발표 내용을 정리했습니다. 관련 논문은 https://arxiv.org/abs/2303.08774 입니다.

#llm
"""

TITLE_FIRST = """\
*Scaling Test-Time Compute, a Blog Post* (Jane Doe)

블로그 글입니다. 참고: https://arxiv.org/abs/2408.03314

#test-time-compute
"""

KOREAN_FIRST = """\
OpenAI DevDay 발표 정리. GPT-4 Turbo가 나왔네요.

가격이 많이 내려갔습니다.

#llm #launch
"""


def test_a_first_line_that_is_a_blog_link_gives_no_arxiv_id():
    path = "notes/2023/231106 DevDay.md"
    result = parse(BLOG_URL_FIRST, path)
    paper = only_entry(result, BLOG_URL_FIRST)
    assert result.errors == ()
    assert paper.arxiv_id is None
    assert paper.links[0] == "https://openai.com/index/devday/"
    assert "https://arxiv.org/abs/2303.08774" in paper.links
    assert paper.title == "Notes on DevDay"
    assert paper.authors == ("OpenAI",)
    assert paper.tags == ("llm",)
    assert paper.source == f"{path}:3"


def test_a_title_line_first_gives_no_arxiv_id():
    path = "notes/2024/240806 Test-Time Compute.md"
    result = parse(TITLE_FIRST, path)
    paper = only_entry(result, TITLE_FIRST)
    assert result.errors == ()
    assert paper.arxiv_id is None
    assert paper.title == "Scaling Test-Time Compute, a Blog Post"
    assert paper.authors == ("Jane Doe",)
    assert paper.source == f"{path}:1"
    assert "https://arxiv.org/abs/2408.03314" in paper.links
    assert words(paper.commentary_ko) == words("블로그 글입니다. 참고: https://arxiv.org/abs/2408.03314")
    assert paper.tags == ("test-time-compute",)


def test_a_commentary_first_line_gives_no_arxiv_id_and_the_file_names_title():
    path = "notes/2023/231106 DevDay.md"
    result = parse(KOREAN_FIRST, path)
    paper = only_entry(result, KOREAN_FIRST)
    assert result.errors == ()
    assert paper.arxiv_id is None
    assert paper.links == ()
    assert paper.title == "DevDay"
    assert paper.authors == ()
    assert paper.source == f"{path}:1"
    assert words(paper.commentary_ko) == words(
        "OpenAI DevDay 발표 정리. GPT-4 Turbo가 나왔네요. 가격이 많이 내려갔습니다."
    )
    assert paper.tags == ("llm", "launch")
    assert paper.digest_date == date(2023, 11, 6)


@pytest.mark.parametrize(
    "title_lines",
    [
        "*Sparse Registers for Vision Transformers at Every Scale and\nin Every Layer* (Ann Lee, Wei (David) Chen)",
        "Sparse Registers for Vision Transformers at Every Scale and\nin Every Layer (Ann Lee, Wei (David) Chen)",
        "*Sparse Registers for Vision Transformers at Every Scale and in Every Layer*\n(Ann Lee, Wei (David) Chen)",
        "Sparse Registers for Vision Transformers at Every Scale and in Every Layer\n(Ann Lee, Wei (David) Chen)",
    ],
    ids=["italic-wrapped", "plain-wrapped", "italic-then-authors", "plain-then-authors"],
)
def test_a_title_line_that_wraps_is_one_title(title_lines):
    text = f"https://arxiv.org/abs/2506.01234\n\n{title_lines}\n\n> An abstract.\n\n레지스터에 관한 코멘트입니다.\n\n#vit\n"
    path = "notes/2025/250611 Sparse Registers.md"
    result = parse(text, path)
    paper = only_entry(result, text)
    assert result.errors == ()
    assert paper.title == "Sparse Registers for Vision Transformers at Every Scale and in Every Layer"
    assert paper.authors == ("Ann Lee", "Wei (David) Chen")
    assert paper.source == f"{path}:3"
    assert paper.abstract == "An abstract."
    assert paper.commentary_ko == "레지스터에 관한 코멘트입니다."
    assert paper.tags == ("vit",)


def test_an_italic_title_may_hold_parentheses_and_a_team_stands_alone():
    text = "https://arxiv.org/abs/2506.07900\n\n*MiniCPM4 (and Friends) on End Devices* (MiniCPM Team)\n\n작은 모델.\n"
    paper = only_entry(parse(text, "notes/2025/250610 MiniCPM4.md"), text)
    assert paper.title == "MiniCPM4 (and Friends) on End Devices"
    assert paper.authors == ("MiniCPM Team",)


def _variants(text: str) -> dict[str, bytes]:
    trailing = "\n".join(line + ("  \t" if index % 2 else "   ") for index, line in enumerate(text.split("\n")))
    return {
        "crlf": text.replace("\n", "\r\n").encode("utf-8"),
        "bom": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "trailing-spaces": trailing.encode("utf-8"),
        "all-three": b"\xef\xbb\xbf" + trailing.replace("\n", "\r\n").encode("utf-8"),
        "utf-16": text.encode("utf-16"),
    }


@pytest.mark.parametrize("variant", ["crlf", "bom", "trailing-spaces", "all-three", "utf-16"])
@pytest.mark.parametrize(("text", "path"), [(NEWEST, NEWEST_PATH), (OLDER, OLDER_PATH), (OLDEST, OLDEST_PATH)])
def test_crlf_bom_trailing_spaces_and_utf16_read_as_the_plain_note(text, path, variant):
    plain = parse(text, path)
    result = parse_bytes(_variants(text)[variant], path, modified=MODIFIED)
    assert result.format is DigestFormat.VAULT
    assert result.entries == plain.entries
    assert result.diagnostics == plain.diagnostics == ()


def test_a_cp949_note_is_read_with_a_warning():
    path = "notes/2025/250611 Sparse Registers.md"
    data = NEWEST.encode("cp949")
    result = parse_bytes(data, path, modified=MODIFIED)
    paper = only_entry(result, NEWEST)
    assert paper == only_entry(parse(NEWEST, path), NEWEST)
    assert result.errors == ()
    assert len(result.warnings) == 1
    assert "CP949" in result.warnings[0].message


@pytest.mark.parametrize(
    ("text", "path", "title"),
    [
        (NEWEST, "notes/Sparse Registers.md", "Sparse Registers for Vision Transformers"),
        (OLDEST, "notes/MixMatch.md", "MixMatch"),
        (KOREAN_FIRST, "DevDay.md", "DevDay"),
    ],
)
def test_a_name_without_the_date_prefix_is_warned_and_takes_the_modified_date(text, path, title):
    result = parse(text, path, modified=date(2021, 7, 8))
    paper = only_entry(result, text)
    assert paper.digest_date == date(2021, 7, 8)
    assert paper.title == title
    assert result.errors == ()
    assert len(result.warnings) == 1


@pytest.mark.parametrize("name", ["251340 Bad Month.md", "250230 No Such Day.md"])
def test_a_date_prefix_naming_no_real_day_takes_the_modified_date_and_says_so(name):
    result = parse(NEWEST, f"notes/2025/{name}", modified=date(2021, 7, 8))
    paper = only_entry(result, NEWEST)
    assert paper.digest_date == date(2021, 7, 8)
    assert paper.title == "Sparse Registers for Vision Transformers"
    assert result.diagnostics


@pytest.mark.parametrize("data", [b"", b"\n", b"   \n\n\t\n", b"\r\n\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf  \r\n"])
def test_an_empty_note_gives_no_entry_and_a_warning(data):
    result = parse_bytes(data, "notes/2025/250611 Empty.md", modified=MODIFIED)
    assert result.format is DigestFormat.VAULT
    assert result.entries == ()
    assert result.errors == ()
    assert result.warnings
    assert_inside(result, data.decode("utf-8"))


def test_a_binary_note_gives_no_entry_and_an_error():
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 16
    result = parse_bytes(data, "notes/2025/250611 Figure.md", modified=MODIFIED)
    assert result.format is DigestFormat.VAULT
    assert result.entries == ()
    assert result.errors
    assert_inside(result, data.decode("latin-1"))


@pytest.mark.parametrize("shape", ["many-lines", "one-line"])
def test_a_one_megabyte_note_is_parsed_quickly(shape):
    korean = "레지스터 토큰을 학습 없이 추가하는 방법이네요 (https://arxiv.org/abs/2309.16588) 관련 연구입니다."
    repeats = 1_000_000 // len(korean.encode("utf-8")) + 1
    body = "\n".join([korean] * repeats) if shape == "many-lines" else " ".join([korean] * repeats)
    text = NEWEST.replace("레지스터 토큰을 학습 없이 추가하는 방법이네요.", body + "\n\n첫 문단 끝.")
    data = text.encode("utf-8")
    assert len(data) > 1_000_000
    started = time.perf_counter()
    result = parse_bytes(data, NEWEST_PATH, modified=MODIFIED)
    elapsed = time.perf_counter() - started
    paper = only_entry(result, text)
    assert elapsed < 2.0, elapsed
    assert paper.title == "Sparse Registers for Vision Transformers"
    assert paper.arxiv_id == "2506.01234"
    assert paper.tags == ("vit", "transformer")
    assert len(words(paper.commentary_ko)) >= repeats * len(words(korean))
    assert paper.commentary_en.startswith("A way to add register tokens")


def test_markup_like_text_is_kept_literally():
    text = (
        "https://arxiv.org/abs/2506.01234\n\n"
        "*The [CLS] Token and $x^2$* (Ann Lee)\n\n"
        "> Uses `code`, \\escapes and [red]x[/].\n\n"
        "[CLS] 토큰과 [bold]굵게[/bold] 그리고 `코드`.\n\n"
        "<english>\nThe [CLS] token and [bold]bold[/bold] and `code`.\n</english>\n"
    )
    paper = only_entry(parse(text, "notes/2025/250611 CLS.md"), text)
    assert paper.title == "The [CLS] Token and $x^2$"
    assert paper.abstract == "Uses `code`, \\escapes and [red]x[/]."
    assert paper.commentary_ko == "[CLS] 토큰과 [bold]굵게[/bold] 그리고 `코드`."
    assert paper.commentary_en == "The [CLS] token and [bold]bold[/bold] and `code`."


# --- generated notes ------------------------------------------------------------------------

HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
LETTERS = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
DIGITS = st.sampled_from("0123456789")
MARKS = st.sampled_from("*#>[]()</")
ANY_CHAR = HANGUL | LETTERS | DIGITS | MARKS | st.sampled_from(" .,!-_:")

FORBIDDEN = ("[[", "]]", "://", "english>")


def clean(text: str) -> bool:
    return not any(bad in text.lower() for bad in FORBIDDEN)


def word(first: st.SearchStrategy[str], rest: st.SearchStrategy[str], max_size: int = 8) -> st.SearchStrategy[str]:
    return st.tuples(first, st.text(rest, max_size=max_size)).map("".join).filter(clean)


def line_of(first, rest, *, last=None, max_words: int = 6) -> st.SearchStrategy[str]:
    head = word(first, rest)
    tail = st.lists(word(rest, rest), max_size=max_words - 1)
    line = st.tuples(head, tail).map(lambda parts: " ".join([parts[0], *parts[1]]))
    if last is not None:
        line = st.tuples(line, last).map("".join)
    return line.filter(lambda text: clean(text) and text.strip() == text and "  " not in text)


title_words = st.lists(word(LETTERS, LETTERS | DIGITS | st.sampled_from("[]#/<>")), min_size=1, max_size=7)
name_part = word(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), LETTERS | st.sampled_from("."), 6)
author = st.one_of(
    st.lists(name_part, min_size=1, max_size=3).map(" ".join),
    st.tuples(name_part, name_part, name_part).map(lambda p: f"{p[0]} ({p[1]}) {p[2]}"),
)
abstract_line = line_of(LETTERS | HANGUL, LETTERS | HANGUL | DIGITS | MARKS | st.sampled_from(".,"))
korean_line = line_of(HANGUL, HANGUL | LETTERS | DIGITS | MARKS | st.sampled_from(".,"), last=HANGUL | st.just("."))
english_line = line_of(LETTERS, LETTERS | DIGITS | MARKS | HANGUL | st.sampled_from(".,"))
tag = word(LETTERS | HANGUL, LETTERS | DIGITS | HANGUL | st.sampled_from("_-"), 12)
note_name = st.lists(word(LETTERS | HANGUL, LETTERS | DIGITS | HANGUL, 8), min_size=1, max_size=3).map(" ".join)


@dataclass
class Generated:
    """A generated note and what its parse must give back."""

    text: str = ""
    path: str = ""
    data: bytes = b""
    digest_date: date | None = None
    prefixed: bool = True
    title: str = ""
    authors: tuple[str, ...] = ()
    title_line: int = 1
    arxiv_id: str | None = None
    first_link: str | None = None
    urls: list[str] = field(default_factory=list)
    abstract: str = ""
    korean: list[str] = field(default_factory=list)
    english: list[str] = field(default_factory=list)
    tags: tuple[str, ...] = ()
    wiki: list[str] = field(default_factory=list)


@st.composite
def well_formed_notes(draw) -> Generated:
    note = Generated()
    lines: list[str] = []

    def part(*part_lines: str) -> int:
        """Adds a part after one or two blank lines; returns the line number of its first line."""
        if lines:
            lines.extend([""] * draw(st.integers(1, 2)))
        lines.extend(part_lines)
        return len(lines) - len(part_lines) + 1

    if draw(st.booleans()):
        arxiv_id = f"{draw(st.integers(1501, 2612))}.{draw(st.integers(0, 99999)):05d}"
        kind = draw(st.sampled_from(["abs", "pdf"]))
        version = draw(st.sampled_from(["", "v1", "v2", "v13"]))
        note.first_link = f"https://arxiv.org/{kind}/{arxiv_id}{version}"
        note.arxiv_id = arxiv_id
        note.urls.append(note.first_link)
        part(note.first_link)

    name = draw(note_name)
    note.title = name
    has_title = draw(st.booleans())
    if has_title:
        title = draw(title_words)
        note.authors = tuple(draw(st.lists(author, min_size=1, max_size=4)))
        note.title = " ".join(title)
        authors = f"({', '.join(note.authors)})"
        italic = draw(st.booleans())
        wrap = draw(st.sampled_from(["none", "inside", "authors"]) if len(title) > 1 else st.just("none"))
        mark = "*" if italic else ""
        if wrap == "none":
            title_lines = [f"{mark}{note.title}{mark} {authors}"]
        elif wrap == "authors":
            title_lines = [f"{mark}{note.title}{mark}", authors]
        else:
            cut = draw(st.integers(1, len(title) - 1))
            title_lines = [f"{mark}{' '.join(title[:cut])}", f"{' '.join(title[cut:])}{mark} {authors}"]
        note.title_line = part(*title_lines)

    abstract = draw(st.lists(abstract_line, max_size=3))
    if abstract:
        note.abstract = " ".join(abstract)
        part(*(f"> {line}" for line in abstract))

    paragraphs = draw(st.lists(st.lists(korean_line, min_size=1, max_size=3), max_size=3))
    if draw(st.booleans()):
        caption = draw(line_of(HANGUL | LETTERS, HANGUL | LETTERS | DIGITS, max_words=3))
        url = f"https://example.com/figures/{draw(st.integers(0, 999))}.png"
        note.urls.append(url)
        paragraphs.insert(draw(st.integers(0, len(paragraphs))), [f"![{caption}]({url})"])
    english = draw(st.lists(english_line, max_size=3))
    tags = draw(st.lists(tag, max_size=4, unique_by=str.lower))
    wiki = draw(st.lists(note_name, max_size=3))
    if not (note.first_link or has_title or abstract or paragraphs or english or tags or wiki):
        paragraphs = [[draw(korean_line)]]

    for paragraph in paragraphs:
        part(*paragraph)
        note.korean.extend(paragraph)
    if english:
        part("<english>", *english, "</english>")
        note.english = english
    if tags:
        part(" ".join(f"#{t}" for t in tags))
        note.tags = tuple(t.lower() for t in tags)
    if wiki:
        names = [f"{draw(st.integers(100101, 251228))} {n}{draw(st.sampled_from(['', '.md']))}" for n in wiki]
        part("# Links")
        part(*(f"[[{n}]]" for n in names))
        note.wiki = names

    day = draw(st.dates(date(2010, 1, 1), date(2039, 12, 31)))
    note.prefixed = draw(st.booleans()) or draw(st.booleans())
    if note.prefixed:
        note.digest_date = day
        note.path = f"notes/{day.year}/{day:%y%m%d} {name}.md"
    else:
        note.digest_date = MODIFIED
        note.path = f"notes/{name}.md"

    text = "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))
    if draw(st.booleans()):
        text = "\n".join(line + draw(st.sampled_from(["", " ", "  ", "\t"])) for line in text.split("\n"))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    note.text = text
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
    note.data = text.encode(encoding)
    return note


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(well_formed_notes())
def test_generated_well_formed_notes_come_back_as_generated(note):
    result = parse_bytes(note.data, note.path, modified=MODIFIED)
    paper = only_entry(result, note.text)
    assert result.errors == ()
    assert note.prefixed or result.warnings
    assert paper.title == note.title
    assert paper.authors == note.authors
    assert paper.source == f"{note.path}:{note.title_line}"
    assert paper.digest_date == note.digest_date
    assert paper.arxiv_id == note.arxiv_id
    assert paper.abstract == note.abstract
    assert words(paper.commentary_ko) == words(" ".join(note.korean))
    assert words(paper.commentary_en) == words(" ".join(note.english))
    assert paper.tags == note.tags
    if note.first_link is not None:
        assert paper.links[0] == note.first_link
    assert set(note.urls) <= set(paper.links)
    assert len(paper.links) == len(set(paper.links))
    assert set(paper.links) <= set(note.urls) | {arxiv_abs_url(note.arxiv_id or "")}
    for name in note.wiki:
        assert f"[[{name}" not in paper.commentary_ko + paper.commentary_en
        assert name not in paper.commentary_ko + paper.commentary_en


FRAGMENTS = [
    "",
    "",
    "https://arxiv.org/abs/2506.01234",
    "https://arxiv.org/pdf/2506.01234v2",
    "https://example.com/a",
    "*Italic Title* (Ann Lee, Wei (David) Chen)",
    "Plain Title (Bo Li)",
    "*Unclosed (title",
    "(Ann Lee)",
    "()",
    "**",
    "*",
    "> ",
    ">",
    "> > nested",
    "<english>",
    "</english>",
    "<english></english>",
    "# Links",
    "#",
    "# ",
    "#tag #semi_supervised_learning #Scaling-Law",
    "[[",
    "]]",
    "[[230115 Blockwise Attention.md]]",
    "[[]]",
    "![](https://example.com/x.png)",
    "![캡션](",
    "- 항목",
    "* item",
    "레지스터 토큰을 학습 없이 추가하는 방법이네요.",
    "x" * 300,
    "\t \r",
    "\ufeff",
    "\x00\x01",
]

any_line = (
    st.sampled_from(FRAGMENTS)
    | st.text(ANY_CHAR, max_size=40)
    | st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
)
block = st.lists(any_line, max_size=4)


@st.composite
def any_notes(draw) -> tuple[str, str]:
    parts = []
    if draw(st.booleans()):
        parts.append([draw(st.sampled_from(FRAGMENTS[2:5]) | st.text(ANY_CHAR, max_size=30))])
    if draw(st.booleans()):
        title = draw(st.text(ANY_CHAR, max_size=30))
        authors = draw(st.text(ANY_CHAR, max_size=30))
        shape = draw(st.sampled_from(["*{t}* ({a})", "{t} ({a})", "*{t}*\n({a})", "{t}\n{a})", "*{t}\n{a}* ({a})"]))
        parts.append(shape.format(t=title, a=authors).split("\n"))
    parts.append(["> " + line for line in draw(block)])
    parts.extend(draw(st.lists(block, max_size=3)))
    if draw(st.booleans()):
        parts.append(["<english>", *draw(block), draw(st.sampled_from(["</english>", "", "<english>"]))])
    parts.append(["#" + t for t in draw(st.lists(st.text(ANY_CHAR, max_size=10), max_size=3))])
    if draw(st.booleans()):
        parts.append(["# Links", "", *(f"[[{t}]]" for t in draw(st.lists(st.text(ANY_CHAR, max_size=20), max_size=3)))])
    parts = draw(st.permutations(parts)) if draw(st.booleans()) else parts
    text = draw(st.sampled_from(["\n", "\n\n", "\n \n"])).join("\n".join(p) for p in parts)
    text = text.replace("\n", draw(st.sampled_from(["\n", "\r\n", "\r"])))
    name = draw(st.text(ANY_CHAR, max_size=20).map(lambda n: n.replace("/", "")))
    prefix = draw(st.sampled_from(["250611 ", "200122 ", "991231 ", "251340 ", "", "2506 "]))
    return text, f"notes/{prefix}{name}.md"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_notes(), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_generated_notes_of_any_parts_never_raise_and_give_one_entry(note, encoding):
    text, path = note
    data = text.encode(encoding)
    result = parse_bytes(data, path, modified=MODIFIED)
    assert result.format is DigestFormat.VAULT
    decoded = data.decode(encoding)
    assert_inside(result, decoded)
    if any(split_lines(decoded)):
        only_entry(result, decoded)
    else:
        assert result.entries == ()
    assert all(d.severity in (Severity.WARNING, Severity.ERROR) for d in result.diagnostics)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_named_md_never_raise(data):
    result = parse_bytes(data, "notes/2025/250611 Fuzz.md", modified=MODIFIED)
    assert result.format is DigestFormat.VAULT
    assert len(result.entries) <= 1
    for entry in result.entries:
        assert entry.id == entry_id(entry.title, entry.arxiv_id)
