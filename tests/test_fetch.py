"""`paperdeck fetch` against a real HTTP server on 127.0.0.1 that answers as the API does, or fails."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from test_cli import assert_no_traceback, err, out, run

from tui.library.fetch import week_days

FIXTURES = Path(__file__).parent / "fixtures" / "hf-api"
JUNE_11 = (FIXTURES / "2025-06-11.json").read_bytes()
JUNE_12 = (FIXTURES / "2025-06-12.json").read_bytes()


class Api:
    """What the server answers per date: (status, body, seconds to wait first)."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, bytes, float]] = {}
        self.requests: list[str] = []
        self.release = threading.Event()  # set to let a slow answer go at once


@pytest.fixture
def api() -> Iterator[tuple[str, Api]]:
    state = Api()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            parts = urlsplit(self.path)
            day = parse_qs(parts.query).get("date", [""])[0]
            if parts.path != "/api/daily_papers":
                status, body, wait = 404, b'{"error":"Not Found"}', 0.0
            else:
                status, body, wait = state.answers.get(day, (200, b"[]", 0.0))
            if wait:
                state.release.wait(wait)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except OSError:
                pass  # the client gave up waiting

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def library(home: Path) -> dict[str, bytes]:
    folder = home / "library"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def test_a_day_is_saved_as_the_api_sent_it_and_reads_as_papers(api, home):
    url, state = api
    state.answers["2025-06-11"] = (200, JUNE_11, 0)
    result = run("fetch", "--date", "2025-06-11", "--base-url", url, home=home)
    assert result.returncode == 0, err(result)
    assert out(result) == "2025-06-11: 3 paper(s) -> hf-api-2025-06-11.json\n"
    assert state.requests == ["/api/daily_papers?date=2025-06-11"]
    assert library(home) == {"hf-api-2025-06-11.json": JUNE_11}
    listed = [json.loads(line) for line in out(run("list", "--json", home=home)).splitlines()]
    assert [p["arxiv_id"] for p in listed] == ["2506.08010", "2506.08007", "2506.06395"]
    assert {tuple(p["digest_dates"]) for p in listed} == {("2025-06-11",)}


def test_the_base_url_can_come_from_the_environment(api, home):
    url, state = api
    state.answers["2025-06-12"] = (200, JUNE_12, 0)
    result = run("fetch", "--date", "2025-06-12", home=home, env={"PAPERDECK_HF_URL": url + "/"})
    assert result.returncode == 0, err(result)
    assert list(library(home)) == ["hf-api-2025-06-12.json"]


def test_fetching_a_day_again_replaces_it(api, home):
    url, state = api
    state.answers["2025-06-11"] = (200, JUNE_12, 0)
    run("fetch", "--date", "2025-06-11", "--base-url", url, home=home)
    state.answers["2025-06-11"] = (200, JUNE_11, 0)
    result = run("fetch", "--date", "2025-06-11", "--base-url", url, home=home)
    assert out(result) == "2025-06-11: 3 paper(s) -> hf-api-2025-06-11.json (replaced)\n"
    again = run("fetch", "--date", "2025-06-11", "--base-url", url, home=home)
    assert out(again) == "2025-06-11: 3 paper(s), unchanged since the last fetch\n"
    assert library(home) == {"hf-api-2025-06-11.json": JUNE_11}


def test_a_week_fetches_each_day_and_keeps_the_ones_with_papers(api, home):
    url, state = api
    state.answers["2025-06-11"] = (200, JUNE_11, 0)
    state.answers["2025-06-12"] = (200, JUNE_12, 0)
    result = run("fetch", "--week", "2025-W24", "--base-url", url, home=home)
    assert result.returncode == 0, err(result)
    assert [p.split("date=")[1] for p in state.requests] == [d.isoformat() for d in week_days("2025-W24")]
    assert out(result).splitlines() == [
        "2025-06-09: no papers that day; nothing saved",
        "2025-06-10: no papers that day; nothing saved",
        "2025-06-11: 3 paper(s) -> hf-api-2025-06-11.json",
        "2025-06-12: 2 paper(s) -> hf-api-2025-06-12.json",
        "2025-06-13: no papers that day; nothing saved",
        "2025-06-14: no papers that day; nothing saved",
        "2025-06-15: no papers that day; nothing saved",
    ]
    assert list(library(home)) == ["hf-api-2025-06-11.json", "hf-api-2025-06-12.json"]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((500, b"<html>oops</html>", 0), "the server answered HTTP 500 Internal Server Error."),
        ((429, b"{}", 0), "the server answered HTTP 429 Too Many Requests."),
        (
            (200, JUNE_11[:-50], 0),
            "not a list of daily papers (line 185): not valid JSON: Expecting value (column 15).",
        ),
        (
            (200, b'{"error": "Invalid date"}', 0),
            "not a list of daily papers: an error from the server, not papers: 'Invalid date'.",
        ),
        (
            (200, b"<!doctype html><title>Hugging Face</title>", 0),
            "the answer is not JSON: it starts '<!doctype html><title>Hu'.",
        ),
    ],
)
def test_a_failed_day_says_why_in_one_line_and_keeps_what_was_saved(api, home, answer, message):
    url, state = api
    state.answers["2025-06-11"] = (200, JUNE_11, 0)
    run("fetch", "--date", "2025-06-11", "--base-url", url, home=home)
    state.answers["2025-06-11"] = answer
    result = run("fetch", "--date", "2025-06-11", "--base-url", url, home=home)
    assert result.returncode == 1
    assert err(result) == f"paperdeck: 2025-06-11: {url}/api/daily_papers?date=2025-06-11: {message} Nothing saved.\n"
    assert out(result) == ""
    assert library(home) == {"hf-api-2025-06-11.json": JUNE_11}
    assert_no_traceback(result)


def test_a_server_that_does_not_answer_in_time_is_given_up_on(api, home):
    url, state = api
    state.answers["2025-06-11"] = (200, JUNE_11, 30)
    result = run("fetch", "--date", "2025-06-11", "--base-url", url, "--timeout", "0.3", home=home)
    state.release.set()
    assert result.returncode == 1
    assert (
        err(result)
        == f"paperdeck: 2025-06-11: {url}/api/daily_papers?date=2025-06-11: no answer within 0.3 s. Nothing saved.\n"
    )
    assert library(home) == {}


def test_offline_stops_at_the_first_day_with_one_message(home):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port now: the connection is refused, as when offline.
    result = run("fetch", "--week", "2025-W24", "--base-url", f"http://127.0.0.1:{port}", home=home)
    assert result.returncode == 1
    assert (
        err(result)
        == f"paperdeck: 2025-06-09: cannot reach 127.0.0.1:{port} (Connection refused): are you offline? Nothing saved.\n"
    )
    assert library(home) == {}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2025-02-30"], "--date: '2025-02-30' is not a date like 2025-06-11"),
        (["--week", "2025-24"], "--week: '2025-24' is not an ISO week like 2025-W24"),
        (["--week", "2025-W54"], "--week: '2025-W54': no such week"),
        (["--date", "2999-01-01"], "--date 2999-01-01: that is still to come"),
        (["--base-url", "file:///etc"], "base URL 'file:///etc' is not an http(s) address like https://huggingface.co"),
    ],
)
def test_usage_errors_exit_2(home, args, message):
    result = run("fetch", *args, home=home)
    assert (result.returncode, err(result)) == (2, f"paperdeck: {message}\n")
    assert library(home) == {}


def test_date_and_week_together_is_a_usage_error(home):
    result = run("fetch", "--date", "2025-06-11", "--week", "2025-W24", home=home)
    assert result.returncode == 2
    assert "not allowed with argument" in err(result)
