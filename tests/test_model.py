"""Paper ids: derived from the normalised title, and frozen forever (the store keys on them)."""

from __future__ import annotations

from collections import Counter
from dataclasses import fields

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.model import (
    PAPER_FIELD_NAMES,
    PAPER_FIELDS,
    DigestEntry,
    Paper,
    normalise_any_title,
    normalise_title,
    paper_id,
)

# Golden: what `check --json` and `list --json` print, key by key; new keys only ever go last.
ENTRY_JSON_KEYS = [
    "id", "title", "authors", "authors_count", "org", "abstract", "commentary_ko", "commentary_en",
    "tags", "digest_date", "published", "upvotes", "links", "source",
    "arxiv_id", "auto_tags", "commentary_machine", "note_links",
]  # fmt: skip
PAPER_JSON_KEYS = [
    "id", "title", "authors", "authors_count", "org", "abstract", "commentary_ko", "commentary_en",
    "tags", "digest_dates", "published", "upvotes", "links", "sources",
    "arxiv_id", "auto_tags", "commentary_machine", "note_links",
]  # fmt: skip


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # Golden values: if one of these changes, every user's stars and reviews are orphaned.
        ("Vision Transformers Don't Need Trained Registers", "0846680f50ad5204"),
        ("Magistral", "8e0a5702f8d4ea6f"),
        ("MiniCPM4: Ultra-Efficient LLMs on End Devices", "377f122624842c0c"),
        ("자연어 기반 벤치마크", "18b0b5b9b1dfd443"),
    ],
)
def test_ids_never_change(title, expected):
    assert paper_id(title) == expected


@pytest.mark.parametrize(
    "variant",
    [
        "MiniCPM4: Ultra-Efficient LLMs on End Devices",
        "minicpm4 ultra efficient llms on end devices",
        "MiniCPM4 - Ultra Efficient LLMs on End Devices.",
        "ＭｉｎｉＣＰＭ４ — ultra-efficient   LLMs on end devices!",  # full-width, NFKC folds it
        "  MiniCPM4:\tUltra_Efficient LLMs on End Devices ",
    ],
)
def test_same_title_written_differently_is_the_same_paper(variant):
    assert paper_id(variant) == paper_id("MiniCPM4: Ultra-Efficient LLMs on End Devices")


def test_different_titles_are_different_papers():
    assert paper_id("MiniCPM4: Ultra-Efficient LLMs") != paper_id("MiniCPM3: Ultra-Efficient LLMs")


def test_normalised_title_folds_case_width_and_punctuation():
    assert normalise_title("Straße: ＡＢＣ -- x_y") == "strasse abc x y"


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_shortcut_normalises_exactly_as_the_definition(title):
    assert normalise_title(title) == normalise_any_title(title)


def test_json_keys_of_entries_and_papers_keep_their_order():
    assert list(orjson.loads(orjson.dumps(DigestEntry("0123456789abcdef", "T")))) == ENTRY_JSON_KEYS
    assert list(orjson.loads(orjson.dumps(Paper("0123456789abcdef", "T")))) == PAPER_JSON_KEYS


def test_the_paper_fields_described_are_papers_fields_in_order():
    assert PAPER_FIELD_NAMES == tuple(f.name for f in fields(Paper)) == tuple(PAPER_JSON_KEYS)


def test_every_entry_field_makes_exactly_one_paper_field():
    made_from = Counter(paper_field.entry_field for paper_field in PAPER_FIELDS)
    assert made_from == Counter(f.name for f in fields(DigestEntry))
    renamed = {f.entry_field: f.name for f in PAPER_FIELDS if f.entry_field != f.name}
    assert renamed == {"digest_date": "digest_dates", "source": "sources"}
