"""Downloading the Hugging Face daily papers API's list for a day, with the standard library.

`GET {base}/api/daily_papers?date=YYYY-MM-DD` returns the day's papers as a JSON list; the
response is kept as it came, so that the library holds what the API said. Every way the
download can fail becomes a `FetchError` with a one-line message.
"""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date, timedelta

from tui import __version__
from tui.parse import ParseResult, parse_bytes

DEFAULT_BASE_URL = "https://huggingface.co"
ENV_BASE_URL = "PAPERDECK_HF_URL"
DEFAULT_TIMEOUT = 20.0
# A day's response is a few hundred kilobytes; anything this large is not one.
MAX_BYTES = 64 * 1024 * 1024
_ISO_WEEK = re.compile(r"(\d{4})-W(\d{2})")


class FetchError(Exception):
    """A day could not be fetched; the message says why, in one line."""

    def __init__(self, message: str, *, offline: bool = False) -> None:
        super().__init__(message)
        # The network itself failed: the following days would fail the same way.
        self.offline = offline


@dataclass(frozen=True)
class Fetched:
    """One day's response: its bytes as they came, and what they parse to."""

    day: date
    data: bytes
    result: ParseResult


def base_url(option: str | None) -> str:
    """`--base-url`, else $PAPERDECK_HF_URL, else huggingface.co; checked to be http(s)."""
    url = (option or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL).strip().rstrip("/")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base URL {url!r} is not an http(s) address like {DEFAULT_BASE_URL}")
    return url


def day_url(base: str, day: date) -> str:
    return f"{base}/api/daily_papers?date={day.isoformat()}"


def week_days(text: str) -> list[date]:
    """The days of an ISO week written `2025-W24`, Monday first."""
    match = _ISO_WEEK.fullmatch(text.strip())
    if not match:
        raise ValueError(f"--week: {text!r} is not an ISO week like 2025-W24")
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValueError(f"--week: {text!r}: no such week") from None
    return [monday + timedelta(days=offset) for offset in range(7)]


def fetch_day(base: str, day: date, *, timeout: float = DEFAULT_TIMEOUT) -> Fetched:
    """Downloads and parses one day's list; raises FetchError unless it is a list of papers."""
    url = day_url(base, day)
    host = urllib.parse.urlsplit(url).netloc
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": f"paperdeck/{__version__}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: the server answered HTTP {exc.code} {exc.reason}".rstrip() + ".") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise FetchError(f"{url}: no answer within {timeout:g} s.", offline=True) from None
        text = getattr(reason, "strerror", None) or str(reason)
        raise FetchError(f"cannot reach {host} ({text}): are you offline?", offline=True) from None
    except TimeoutError:
        raise FetchError(f"{url}: no answer within {timeout:g} s.", offline=True) from None
    except (OSError, ValueError) as exc:
        # A connection reset half-way, a malformed status line, and the like.
        raise FetchError(f"{url}: the download failed ({exc}).") from None
    if len(data) > MAX_BYTES:
        raise FetchError(f"{url}: the response is over {MAX_BYTES // (1024 * 1024)} MB, not a day's papers.")
    if data.lstrip(b" \t\r\n\xef\xbb\xbf")[:1] not in (b"[", b"{"):
        start = data[:24].decode("utf-8", errors="replace").strip()
        raise FetchError(f"{url}: the answer is not JSON: it starts {start!r}.")
    # Parsed under the name it is saved as, which also gives its entries their digest date.
    result = parse_bytes(data, file_name(day))
    if result.errors:
        error = result.errors[0]
        where = f" (line {error.line})" if error.line > 1 else ""
        raise FetchError(f"{url}: not a list of daily papers{where}: {error.message.removesuffix('; nothing read')}.")
    return Fetched(day, data, result)


def file_name(day: date) -> str:
    """The name a day's response is saved under in the library."""
    return f"hf-api-{day.isoformat()}.json"
