"""Parsers against hostile input: broken files of both formats, odd encodings, huge and empty lines.

Nothing may escape as an exception; every diagnostic names a line inside the file; the valid
parts of a damaged file still come out. What was tried is counted in the reliability figures.
"""

from __future__ import annotations

import codecs
import random

from conftest import COMMENTARY, HF_MAR_06, HF_OCT_31
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability import record

from tui.model import Severity
from tui.parse import parse_bytes
from tui.parse.text import split_lines

SAMPLES = [COMMENTARY, HF_MAR_06, HF_OCT_31]
INTACT = {path: parse_bytes(path.read_bytes(), path.name) for path in SAMPLES}
TITLES = {path: [entry.title for entry in result.entries] for path, result in INTACT.items()}


def checked(data: bytes, name: str):
    """Parses `data` and checks what holds for any input; returns the result."""
    result = parse_bytes(data, name)
    text_lines = len(split_lines(data.decode("utf-8", errors="replace"))) if data else 0
    for diagnostic in result.diagnostics:
        assert diagnostic.path == name and diagnostic.message
        # Decoding may change how many lines there are (UTF-16), never by more than the bytes.
        assert 0 <= diagnostic.line <= max(text_lines, data.count(b"\n") + 1, len(data) // 2 + 1), diagnostic
    for entry in result.entries:
        assert entry.title.strip() and entry.digest_date is not None
    record("parser inputs, hostile (no exception escaped)")
    record("parser diagnostics checked for a line inside the file", len(result.diagnostics))
    return result


def kept(result, path) -> int:
    """How many of the intact file's papers a damaged parse still found."""
    found = {entry.title for entry in result.entries}
    return sum(title in found for title in TITLES[path])


# --- random breakage of real files -----------------------------------------------------------------

BREAKAGES = ["drop", "duplicate", "swap", "truncate", "random bytes", "nul", "invalid utf-8", "garble"]


def break_lines(lines: list[bytes], rng: random.Random, how: str) -> None:
    at = rng.randrange(len(lines))
    if how == "drop":
        del lines[at]
    elif how == "duplicate":
        lines.insert(at, lines[at])
    elif how == "swap" and at + 1 < len(lines):
        lines[at], lines[at + 1] = lines[at + 1], lines[at]
    elif how == "truncate":
        lines[at] = lines[at][: rng.randrange(len(lines[at]) + 1)]
    elif how == "random bytes":
        lines[at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
    elif how == "nul":
        position = rng.randrange(len(lines[at]) + 1)
        lines[at] = lines[at][:position] + b"\x00" + lines[at][position:]
    elif how == "invalid utf-8":
        position = rng.randrange(len(lines[at]) + 1)
        lines[at] = (
            lines[at][:position] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80"]) + lines[at][position:]
        )
    else:
        lines[at] = "".join(rng.choice("([#)]• \t가나abc.:") for _ in range(rng.randrange(30))).encode()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(SAMPLES), seed=st.integers(0, 2**32), damage=st.integers(1, 6))
def test_real_digests_broken_at_random_never_raise_and_keep_their_valid_parts(path, seed, damage):
    rng = random.Random(seed)
    lines = path.read_bytes().split(b"\n")
    for _ in range(damage):
        break_lines(lines, rng, rng.choice(BREAKAGES))
    result = checked(b"\n".join(lines), path.name)
    # Each broken line costs at most the papers next to it (a title, or the paper it splits).
    assert kept(result, path) >= len(TITLES[path]) - 3 * damage
    record("broken real digests parsed")


# --- encodings -----------------------------------------------------------------------------------------


def test_utf16_with_and_without_a_bom_reads_every_paper():
    for path in SAMPLES:
        text = path.read_text(encoding="utf-8")
        for encoded, silent in (
            (codecs.BOM_UTF16_LE + text.encode("utf-16-le"), True),
            (codecs.BOM_UTF16_BE + text.encode("utf-16-be"), True),
            (text.encode("utf-16-le"), False),
            (text.encode("utf-16-be"), False),
            (codecs.BOM_UTF8 + text.encode("utf-8"), True),
            (text.replace("\n", "\r\n").encode("utf-8"), True),
            (text.replace("\n", "\r").encode("utf-8"), True),
        ):
            result = checked(encoded, path.name)
            assert kept(result, path) == len(TITLES[path]), path
            assert not result.warnings if silent else any("byte-order mark" in d.message for d in result.warnings)
            record("encoded variants of real digests read whole")


def test_legacy_encodings_are_read_with_a_warning_naming_the_first_odd_line():
    english = HF_MAR_06.read_text(encoding="utf-8")
    for encoding in ("latin-1", "cp1252"):
        data = (english + "\nCafé résumé naïve — “quoted”\n").encode(encoding, errors="replace")
        result = checked(data, "page.txt")
        assert kept(result, HF_MAR_06) == len(TITLES[HF_MAR_06])
        warning = [d for d in result.warnings if "not UTF-8" in d.message]
        first_odd = next(n for n, line in enumerate(data.split(b"\n"), 1) if not line.isascii())
        assert warning and warning[0].line == first_odd
    korean = COMMENTARY.read_text(encoding="utf-8")
    result = checked(korean.encode("cp949", errors="replace"), "notes.txt")
    assert kept(result, COMMENTARY) == len(TITLES[COMMENTARY])
    assert any("CP949" in d.message for d in result.warnings)


def test_a_few_invalid_bytes_are_marked_and_everything_else_is_kept():
    data = COMMENTARY.read_bytes().replace(b"Magistral", b"Magi\xffstral", 1)
    result = checked(data, "notes.txt")
    assert kept(result, COMMENTARY) == len(TITLES[COMMENTARY]) - 1  # its title changed
    assert any("\ufffd" in entry.title for entry in result.entries)
    assert [d.message for d in result.warnings if "not valid UTF-8" in d.message]


def test_binary_files_give_an_error_and_no_papers():
    for data in (bytes(range(256)) * 40, b"\x00" * 5000, random.Random(3).randbytes(20_000)):
        result = checked(data, "photo.jpg")
        assert result.entries == () and result.errors
        assert result.errors[0].severity is Severity.ERROR


# --- sizes -------------------------------------------------------------------------------------------------


def test_a_one_megabyte_line_and_a_hundred_thousand_empty_lines():
    for path in (COMMENTARY, HF_MAR_06):
        lines = path.read_bytes().split(b"\n")
        middle = len(lines) // 2
        huge = [*lines[:middle], b"x" * 1_000_000, *lines[middle:]]
        result = checked(b"\n".join(huge), path.name)
        assert kept(result, path) >= len(TITLES[path]) - 1
        empty = lines[:middle] + [b""] * 100_000 + lines[middle:]
        result = checked(b"\n".join(empty), path.name)
        assert kept(result, path) >= len(TITLES[path]) - 1
        record("megabyte lines and 100,000-empty-line files parsed")


def test_nul_bytes_scattered_through_a_digest_cost_at_most_their_papers():
    rng = random.Random(11)
    for path in SAMPLES:
        data = bytearray(path.read_bytes())
        for _ in range(5):
            data.insert(rng.randrange(len(data)), 0)
        result = checked(bytes(data), path.name)
        assert kept(result, path) >= len(TITLES[path]) - 5


def test_an_empty_file_and_whitespace_only_files_give_no_papers_and_a_clear_word():
    for data in (b"", b"\n" * 10, b"   \t  \r\n", codecs.BOM_UTF8):
        result = checked(data, "empty.txt")
        assert result.entries == ()
