"""Snapshots of what users see, named after what they do. Update with --snapshot-update."""

from __future__ import annotations

import pytest
from conftest import COMMENTARY, HF_MAR_06

from tui.library.files import load_library
from tui.state.store import Store
from tui.ui.app import PaperdeckApp


def reader_app(home, theme: str) -> tuple[PaperdeckApp, Store]:
    store = Store.open(home.store)
    store.set_setting("theme", theme)
    return PaperdeckApp(load_library([COMMENTARY, HF_MAR_06]), home=home, store=store), store


@pytest.mark.parametrize("theme", ["paperdeck-dark", "paperdeck-light"])
@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_reader_opens_on_the_newest_digest(snap_compare, home, theme, size):
    app, store = reader_app(home, theme)
    try:
        assert snap_compare(app, terminal_size=size)
    finally:
        store.close()


def test_reading_a_commentary_in_english_with_a_star(snap_compare, home):
    app, store = reader_app(home, "paperdeck-dark")
    try:
        assert snap_compare(app, terminal_size=(120, 40), press=["G", "s", "L"])
    finally:
        store.close()


def test_filtering_by_tag_as_you_type(snap_compare, home):
    app, store = reader_app(home, "paperdeck-dark")
    try:
        assert snap_compare(app, terminal_size=(120, 40), press=["slash", *"tag:rl"])
    finally:
        store.close()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_triaging_the_morning_one_paper_at_a_time(snap_compare, home, size):
    app, store = reader_app(home, "paperdeck-dark")
    try:
        assert snap_compare(app, terminal_size=size, press=["T", "s", "r", "l"])
    finally:
        store.close()


def test_the_end_of_a_triage_with_what_it_starred(snap_compare, home):
    store = Store.open(home.store)
    app = PaperdeckApp(load_library([COMMENTARY]), home=home, store=store)
    try:
        assert snap_compare(app, terminal_size=(120, 40), press=["T", "s", "r", "l", "s", "r", "r", "r", "r"])
    finally:
        store.close()
