"""A command run in a pseudo-terminal, as a user runs it: keys go in, the screen's text comes out.

The terminal has a window size (set on the terminal itself and in COLUMNS and LINES) and
TERM=xterm-256color, so a full-screen program such as the reader starts as it would for a
user. What the program prints is collected as it comes; `text` gives it with the terminal's
control sequences taken out, so that a test can wait for what the screen shows.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

# Control sequences (CSI, OSC, DCS/PM/APC strings, character sets, two-byte escapes) and the
# other C0 controls but line breaks: what is left is the text as it was painted.
_CONTROLS = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[()*+][0-9A-Za-z]"
    r"|\x1b[@-Z\\-_=>78]"
    r"|[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]"
)


class Terminal:
    """`argv` running in a pseudo-terminal of `columns` by `lines`, in the environment `env`
    (default: this process's); with `piped_stdout`, its standard output goes to
    `process.stdout` instead, as when a user pipes it."""

    def __init__(
        self,
        argv: Sequence[str | Path],
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        columns: int = 120,
        lines: int = 40,
        piped_stdout: bool = False,
    ) -> None:
        main, side = pty.openpty()
        fcntl.ioctl(side, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        env = {
            **(os.environ if env is None else env),
            "TERM": "xterm-256color",
            "COLUMNS": str(columns),
            "LINES": str(lines),
        }
        self.process = subprocess.Popen(
            [str(arg) for arg in argv],
            stdin=side,
            stdout=subprocess.PIPE if piped_stdout else side,
            stderr=side,
            env=env,
            cwd=cwd,
            # Its own session: a signal meant for the test run does not reach it.
            start_new_session=True,
        )
        os.close(side)
        self._fd = main
        self._output = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._fd, 65536)
            except OSError:  # the program's side closed: it has left
                return
            if not chunk:
                return
            with self._lock:
                self._output += chunk

    @property
    def output(self) -> bytes:
        """Everything printed so far, control sequences and all."""
        with self._lock:
            return bytes(self._output)

    def mark(self) -> int:
        """Where the output has got to, for `text` and `wait_for` to look only after it."""
        with self._lock:
            return len(self._output)

    def text(self, since: int = 0) -> str:
        """What was printed (after the mark `since`), as text, without the control sequences."""
        with self._lock:
            printed = bytes(self._output[since:])
        return _CONTROLS.sub("", printed.decode("utf-8", errors="replace"))

    def wait_for(self, pattern: str | re.Pattern[str], *, since: int = 0, timeout: float = 60) -> re.Match[str] | None:
        """The first match of `pattern` in `text(since)`, once there is one; None if the program
        leaves or `timeout` passes first."""
        compiled = re.compile(re.escape(pattern)) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        while True:
            running = self.process.poll() is None
            found = compiled.search(self.text(since))
            if found or not running or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def press(self, keys: str) -> None:
        os.write(self._fd, keys.encode())

    def wait(self, timeout: float = 60) -> int:
        """The program's exit status once it has left; after `timeout` it is killed and this raises."""
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.close()
            raise
        self._reader.join(timeout=10)
        return status

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self._reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        try:
            os.close(self._fd)
        except OSError:  # closed already
            pass

    def __enter__(self) -> Terminal:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


# --- the reader on such a terminal -----------------------------------------------------------------

# The reader's header: "paperdeck — All (176) · 176 unread · 0 starred · 0 due".
READER_HEADER = re.compile(r"paperdeck — (?P<view>[^·]+?) \((?P<papers>\d+)\) · \d+ unread")
DAY_IN_HEADER = re.compile(r"paperdeck — (\d{4}-\d\d-\d\d) \(\d+\) · ")


def wait_for_reader(terminal: Terminal, timeout: float = 60) -> tuple[str, int]:
    """The view and the number of papers the reader's header shows, once the reader is up."""
    shown = terminal.wait_for(READER_HEADER, timeout=timeout)
    assert shown, f"the reader did not show; the terminal showed:\n{terminal.text()[-3000:]}"
    return shown["view"], int(shown["papers"])


def assert_steps_through_days(terminal: Terminal, days: Sequence[str]) -> None:
    """The reader's `[` (older day) goes through `days` ("2025-06-11 (8)": day and papers),
    newest first, and no further (two days at least)."""
    for day in days:
        since = terminal.mark()
        terminal.press("[")
        assert terminal.wait_for(f"paperdeck — {day} · ", since=since, timeout=30), f"{day} not shown"
    # Past the oldest day `[` stays where it is, so the `]` after it comes back to the one before.
    since = terminal.mark()
    terminal.press("[]")
    assert terminal.wait_for(f"paperdeck — {days[-2]} · ", since=since, timeout=30)
    oldest, newer = days[-1].split()[0], days[-2].split()[0]
    assert set(DAY_IN_HEADER.findall(terminal.text(since))) <= {oldest, newer}
