"""Literal text everywhere: markup, escapes, control characters, bidi overrides, emoji and very
long words from a digest or a note show as text, in every pane, dialog and command output.

The screen is read as the user sees it: from Textual's own screenshot of the whole screen.
"""

from __future__ import annotations

import html
import os
import pty
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from reliability import record

from tui.library.files import load_library
from tui.model import paper_id
from tui.state.store import Store
from tui.ui.app import PaperdeckApp

pytestmark = pytest.mark.usefixtures("utc_zone")
MARKUP = "[bold red]x[/]"
LONG_WORD = "w" * 500
TITLE = f"Hostile {MARKUP} [CLS] \x1b[2J\x07 \u202eevil \U0001f680 {LONG_WORD}"
HOSTILE_ID = paper_id(TITLE)
# What each hostile piece must look like on screen.
SHOWN = {
    "markup": MARKUP,
    "cls": "[CLS]",
    "escape": "␛[2J",
    "bell": "␇",
    "bidi": "<U+202E>evil",
}
DIGEST = f"""2025년 6월 11일
{TITLE}
([i]Ann[/i], Bob \x1b[31mRed)
Abstract with {MARKUP} and \x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ and \u202eRTL and a {LONG_WORD}.
한국어 [red]코멘트[/] \x1b[1m굵게 {MARKUP}.
English [link=file:///etc/passwd]commentary[/link] \u202e{MARKUP}.
#[red]tag[/] #ok
A Second Paper
(Carol)
Plain abstract.
두 번째.
Second.
#ok
"""
NOTE = f"My note {MARKUP} \x1b[2J \u202eback"


@pytest.fixture
def hostile_digest(tmp_path: Path) -> Path:
    path = tmp_path / "2025-06-11.txt"
    path.write_text(DIGEST, encoding="utf-8")
    return path


def screen_text(app) -> str:
    """Everything on the screen as plain text, one line per screen row, from a screenshot."""
    svg = app.export_screenshot()
    rows: dict[str, list[str]] = {}
    for y, content in re.findall(r'<text[^>]*\by="([\d.]+)"[^>]*>(.*?)</text>', svg, re.S):
        rows.setdefault(y, []).append(html.unescape(content).replace("\xa0", " "))
    return "\n".join("".join(parts) for _y, parts in sorted(rows.items(), key=lambda item: float(item[0])))


def assert_literal(text: str, *pieces: str, where: str) -> None:
    for name in pieces:
        assert SHOWN[name] in text, f"{where}: {name} not shown as {SHOWN[name]!r}"
    for raw in ("\x1b", "\x07", "\u202e"):
        assert raw not in text, f"{where}: a raw {raw!r} reached the screen"
    record("screens checked for literal hostile text")


async def test_every_pane_dialog_and_the_review_card_show_hostile_text_literally(home, hostile_digest):
    store = Store.open(home.store)
    store.set_note(HOSTILE_ID, NOTE)
    store.set_tags(HOSTILE_ID, ["[blink]mine[/]"])
    app = PaperdeckApp(
        load_library([hostile_digest]), home=home, store=store, clock=lambda: datetime(2026, 3, 10, tzinfo=UTC)
    )
    try:
        async with app.run_test(size=(200, 60)) as pilot:
            papers = app.screen.query_one("#papers")
            papers.show(papers.paper_ids, keep=HOSTILE_ID)
            await pilot.pause()
            text = screen_text(app)
            assert_literal(text, "markup", "cls", "escape", "bell", "bidi", where="reader")
            # The parser trims brackets off a tag's edges ("#[red]tag[/]" is the tag "red]tag[/").
            assert "[i]Ann[/i]" in text and "#red]tag[/" in text and "+[blink]mine[/]" in text
            assert "[red]코멘트[/]" in text and "My note [bold red]x[/] ␛[2J <U+202E>back" in text
            assert "\U0001f680" in text and "w" * 60 in text
            assert LONG_WORD in app.screen.query_one("#detail").text  # wrapped on screen, kept whole
            tree = app.screen.query_one("#nav")
            assert any("#red]tag[/" in str(node.label) for node in tree._node_by_key.values())
            assert any("#[blink]mine[/]" in str(node.label) for node in tree._node_by_key.values())

            await pilot.press("L")  # the English commentary's link markup stays text
            assert "[link=file:///etc/passwd]commentary[/link]" in screen_text(app)

            await pilot.press("t")
            assert_literal(screen_text(app), "markup", "escape", "bidi", where="tags dialog")
            await pilot.press("escape")
            await pilot.press("n")
            assert_literal(screen_text(app), "markup", "escape", "bidi", where="note dialog")
            await pilot.press("escape")
            await pilot.press("c")
            assert_literal(screen_text(app), "markup", where="copy dialog")
            await pilot.press("enter")  # copies the title; the notification names what was copied
            await pilot.pause()
            assert "\x1b" not in screen_text(app)

            await pilot.press("s", "v")
            assert_literal(screen_text(app), "markup", "cls", "escape", "bidi", where="review card front")
            await pilot.press("space")
            back = screen_text(app)
            # English, as `l` chose in the reader.
            assert "[link=file:///etc/passwd]commentary[/link]" in back and "My note [bold red]x[/]" in back
            assert_literal(back, "markup", "escape", where="review card back")
            await pilot.press("f")
            assert_literal(screen_text(app), "markup", "bidi", where="review card abstract")
            await pilot.press("e")
            assert_literal(screen_text(app), "markup", "escape", where="note dialog in review")
    finally:
        store.close()


def run_in_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """What `paperdeck ARGS` prints when its output is a terminal (a pseudo-terminal here)."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(args, stdout=follower, stderr=subprocess.DEVNULL, env=env)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the program ended and closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
    finally:
        os.close(leader)
    return b"".join(chunks).replace(b"\r\n", b"\n")


def test_list_and_check_print_hostile_text_literally(home, hostile_digest):
    paperdeck = str(Path(sys.executable).with_name("paperdeck"))
    env = {**os.environ, "PAPERDECK_HOME": str(home.root)}
    raw = [b"\x1b", b"\x07", "\u202e".encode()]
    for args in (["check", str(hostile_digest)], ["check", "--json", str(hostile_digest)]):
        out = run_in_terminal([paperdeck, *args], env)
        assert out and not any(code in out for code in raw), args
        record("command outputs checked for literal hostile text")
    # Piped to a program, JSON carries the text exactly (ESC escaped, as JSON must).
    piped = subprocess.run([paperdeck, "check", "--json", str(hostile_digest)], capture_output=True, env=env)
    assert orjson.loads(piped.stdout.splitlines()[0])["title"] == TITLE
    assert subprocess.run([paperdeck, "add", str(hostile_digest)], env=env, capture_output=True).returncode == 0
    for args in (["list"], ["list", "--json"]):
        out = run_in_terminal([paperdeck, *args], env)
        assert not any(code in out for code in raw), args
        record("command outputs checked for literal hostile text")
    listed = run_in_terminal([paperdeck, "list"], env).decode()
    assert f"Hostile {MARKUP} [CLS] ␛[2J␇ <U+202E>evil" in listed
    as_json = run_in_terminal([paperdeck, "list", "--json"], env)
    assert orjson.loads(as_json.splitlines()[0])["title"] == TITLE  # escaped, yet the same text
