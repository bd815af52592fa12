"""Titles and links in the detail are OSC 8 hyperlinks, only for http(s), exactly as `o` allows."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rich.console import Console
from terminal import Terminal

from tui.model import Paper
from tui.state.paper_state import PaperState
from tui.ui.widgets.detail import render_detail

PAPERDECK = Path(sys.executable).with_name("paperdeck")
ARXIV = "https://arxiv.org/abs/2401.12345"
CODE = "http://github.com/someone/code"
HOSTILE = ("javascript:alert(1)", "file:///etc/passwd", "https://exa mple.com/space", "ftp://host/file")


def linked_spans(paper: Paper) -> dict[str, str | None]:
    """Each piece of the rendered detail's text, and the link its segment carries."""
    console = Console(width=200, color_system="truecolor", force_terminal=True)
    segments = console.render(render_detail(paper, PaperState(), "ko"), console.options)
    found: dict[str, str | None] = {}
    for segment in segments:
        if segment.text.strip():
            found[segment.text] = segment.style.link if segment.style else None
    return found


def test_the_title_links_to_the_arxiv_page_and_each_web_link_to_itself():
    paper = Paper(id="2401.12345", title="A Paper Worth a Click", links=(CODE, ARXIV))
    spans = linked_spans(paper)
    assert spans["A Paper Worth a Click"] == ARXIV  # arXiv first, as `o` opens it
    assert spans[CODE] == CODE and spans[ARXIV] == ARXIV


def test_no_link_but_http_s_is_ever_made_clickable():
    paper = Paper(id="x" * 16, title="Only Odd Links", links=HOSTILE)
    spans = linked_spans(paper)
    assert spans["Only Odd Links"] is None
    assert not any(spans.get(link) for link in HOSTILE)
    assert all(link is None for link in spans.values())


def test_the_reader_sends_the_links_to_the_terminal_as_osc_8(tmp_path: Path):
    terminal = Terminal([PAPERDECK, "--home", str(tmp_path / "home")], env={**os.environ})
    try:
        assert terminal.wait_for("TL-Training", timeout=30)  # the newest sample's first paper
        assert b"\x1b]8;id=" in terminal.output
        assert b";https://github.com/Junjie-Ye/TL-Training\x1b\\" in terminal.output
    finally:
        terminal.press("q")
        terminal.wait(30)
