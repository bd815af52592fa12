"""Shared text rules: decoding any bytes, lines, prose joining, URLs, tags, file-name dates."""

from __future__ import annotations

import codecs
from datetime import date

import pytest

from tui.parse import parse_bytes, parse_text
from tui.parse.text import (
    Report,
    date_from_file_name,
    decode,
    find_arxiv_ids,
    find_urls,
    join_prose,
    links_with_arxiv,
    parse_tags,
    split_lines,
)

SMALL_DIGEST = "2025년 6월 11일\nA Paper\n(Ann Lee)\nAbstract.\n한국어 코멘트.\nEnglish.\n#tag\n"


def decoded(data: bytes) -> tuple[str, list[str]]:
    report = Report("f.txt")
    text = decode(data, report)
    return text, [str(d) for d in report.diagnostics]


@pytest.mark.parametrize(
    "data",
    [
        SMALL_DIGEST.encode("utf-8"),
        codecs.BOM_UTF8 + SMALL_DIGEST.encode("utf-8"),
        SMALL_DIGEST.encode("utf-16"),  # with BOM
    ],
)
def test_utf8_and_utf16_with_bom_read_silently(data):
    assert decoded(data) == (SMALL_DIGEST, [])


def test_utf16_without_bom_is_guessed_and_said():
    text, messages = decoded(SMALL_DIGEST.encode("utf-16-le"))
    assert text == SMALL_DIGEST
    assert messages == ["f.txt: warning: no byte-order mark, read as UTF-16-LE"]


def test_korean_legacy_encoding_is_read_and_said():
    korean = SMALL_DIGEST + "더 많은 한국어 문장이 여기에 있습니다. 스무 글자가 넘는 한글이 필요합니다.\n"
    text, messages = decoded(korean.encode("cp949"))
    assert text == korean
    assert messages == ["f.txt:1: warning: not UTF-8; read as CP949 (Korean); save the file as UTF-8 to silence this"]


def test_latin1_text_is_read_and_the_first_bad_line_named():
    text, messages = decoded("Mar 6\nCafé résumé naïve\n".encode("latin-1"))
    assert text == "Mar 6\nCafé résumé naïve\n"
    assert messages[0].startswith("f.txt:2: warning: not UTF-8; read as Windows-1252")


def test_a_few_damaged_bytes_in_utf8_are_replaced_and_counted():
    data = "첫 줄 한국어\n둘째 줄\n".encode() + b"bad \xff byte\n"
    text, messages = decoded(data)
    assert text.endswith("bad \ufffd byte\n")
    assert messages == ["f.txt:3: warning: 1 byte(s) are not valid UTF-8; shown as \ufffd"]


def test_binary_file_is_an_error_not_a_crash():
    result = parse_bytes(bytes(range(256)) * 40, "image.png")
    assert result.entries == ()
    assert [str(d) for d in result.errors] == ["image.png: error: binary file, not a text digest; nothing read"]


def test_empty_file_is_no_digest_without_error():
    result = parse_bytes(b"", "empty.txt")
    assert (result.entries, result.diagnostics) == ((), ())


def test_text_of_neither_format_is_an_error_on_line_1():
    [error] = parse_bytes(b"hello\nworld\n", "notes.txt").errors
    assert error.line == 1 and "not a digest paperdeck reads" in error.message


def test_split_lines_counts_lines_as_an_editor_does():
    assert split_lines("a \r\nb\t\rc\u2028d\x0ce\n") == ["a", "b", "c\u2028d\x0ce", ""]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["Code and data are available at", "https://ineqmath.github.io/", "."],
            "Code and data are available at https://ineqmath.github.io/.",
        ),
        (["Two  spaces\tand tabs", "  next line "], "Two spaces and tabs next line"),
        (["a vision-", "language model"], "a vision-language model"),
        (["a dash --", "not a split"], "a dash -- not a split"),
        (["(see this", ")."], "(see this)."),
        (["", "only", ""], "only"),
    ],
)
def test_join_prose(lines, expected):
    assert join_prose(lines) == expected


def test_find_urls_trims_sentence_punctuation_and_keeps_balanced_brackets():
    text = "See https://a.org/x. Also (https://b.org/y), https://en.wikipedia.org/wiki/A_(b) and https://a.org/x again."
    assert find_urls(text) == ("https://a.org/x", "https://b.org/y", "https://en.wikipedia.org/wiki/A_(b)")


def test_find_urls_across_texts_keeps_first_order():
    assert find_urls("x http://one.io", "y https://two.io/p?q=1&r=2;", "http://one.io") == (
        "http://one.io",
        "https://two.io/p?q=1&r=2",
    )


def test_parse_tags():
    assert parse_tags("#LLM #scaling-law, #rl. #llm") == ("llm", "scaling-law", "rl")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2026-03-06.txt", date(2026, 3, 6)),
        ("hf-2025-10-31-page.txt", date(2025, 10, 31)),
        ("2025-02-30.txt", None),
        ("page.txt", None),
    ],
)
def test_date_from_file_name(name, expected):
    assert date_from_file_name(name) == expected


def test_safe_json_escapes_what_a_terminal_would_act_on_and_keeps_the_value():
    import orjson

    from tui.safe_text import _SHOWN_AS_CODE, safe_json

    text = "".join(chr(code) for code in _SHOWN_AS_CODE) + "é — “x” · 한국어"
    escaped = safe_json(orjson.dumps({"t": text}))
    assert orjson.loads(escaped) == {"t": text}
    assert escaped.isascii() is False  # ordinary non-ASCII text stays as it is
    assert not any(chr(code).encode() in escaped for code in _SHOWN_AS_CODE)


# --- arXiv ids ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("see https://arxiv.org/abs/2506.08009 for more", ("2506.08009",)),
        (
            "pdf: https://arxiv.org/pdf/2401.12345v3.pdf and html http://arXiv.org/html/2312.0001v1",
            ("2401.12345", "2312.0001"),
        ),
        ("as in arXiv:2506.08009v2, and ARXIV: 1706.03762.", ("2506.08009", "1706.03762")),
        ("twice: arXiv:2506.08009 https://arxiv.org/abs/2506.08009v1", ("2506.08009",)),
        ("not ids: arXiv:25.1, arxiv.org/list/cs.LG, 2506.08009 alone, arXiv:2506.123456", ()),
    ],
)
def test_arxiv_ids_in_links_and_citations(text, ids):
    assert find_arxiv_ids(text) == ids


def test_the_abstracts_arxiv_id_is_the_papers_and_every_one_is_a_link():
    arxiv_id, links = links_with_arxiv(
        "Code: https://github.com/a/b. Paper: arXiv:2506.08009.", "Related: arXiv:2401.00001"
    )
    assert arxiv_id == "2506.08009"
    assert links == ("https://arxiv.org/abs/2506.08009", "https://arxiv.org/abs/2401.00001", "https://github.com/a/b")


def test_several_ids_in_commentary_alone_name_no_paper_of_its_own():
    assert links_with_arxiv("No link.", "Related: arXiv:2401.00001, arXiv:2401.00002")[0] is None
    assert links_with_arxiv("No link.", "The paper: https://arxiv.org/abs/2401.00001")[0] == "2401.00001"


def test_both_text_formats_give_a_paper_its_arxiv_link():
    commentary = parse_text(
        "2025년 6월 11일\nA Paper\n(Ann Lee)\nAn abstract, arXiv:2506.08009.\n한국어 코멘트.\nEnglish.\n#tag\n", "a.txt"
    )
    assert commentary.entries[0].arxiv_id == "2506.08009"
    assert commentary.entries[0].links == ("https://arxiv.org/abs/2506.08009",)
    page = parse_text(
        "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\nbyAK and the research community\n\n"
        "Mar 6\n\nA Page Paper\n\nWe study it (https://arxiv.org/pdf/2503.01234v2).\n\n  • 3 authors\n·\nMar 5\n",
        "2026-03-06.txt",
    )
    assert page.entries[0].arxiv_id == "2503.01234"
    assert page.entries[0].links == ("https://arxiv.org/abs/2503.01234", "https://arxiv.org/pdf/2503.01234v2")
