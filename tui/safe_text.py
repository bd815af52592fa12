"""Making digest text safe to print: control characters and bidi overrides made visible.

Digest text is shown literally. A terminal would act on an escape sequence or a
right-to-left override instead of showing it, so those become visible stand-ins.
"""

from __future__ import annotations

import re

# C0 controls as their Unicode "control pictures" (U+2400..U+241F), DEL as U+2421.
_C0 = {code: chr(0x2400 + code) for code in range(32) if code not in (9, 10)}
_C0[0x7F] = "\u2421"
# C1 controls and the bidi embedding/override/isolate marks, written as <U+XXXX>.
_SHOWN_AS_CODE = [*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F]
_TABLE = {**_C0, **{code: f"<U+{code:04X}>" for code in _SHOWN_AS_CODE}}


def visible(text: str) -> str:
    """`text` with every character a terminal would act on replaced by a visible stand-in.

    Tabs and newlines stay: they lay text out but cannot change the terminal's state.
    """
    if text.isprintable():
        return text
    return text.translate(_TABLE)


def one_line(text: str) -> str:
    """`visible(text)` on a single line: newlines and tabs become spaces."""
    return " ".join(visible(text).split())


# The UTF-8 forms of the characters `visible` writes as <U+XXXX>: C1 controls and bidi marks.
_JSON_UNSAFE = re.compile(rb"\xc2[\x80-\x9f]|\xe2(?:\x80[\x8e\x8f\xaa-\xae]|\x81[\xa6-\xa9])")


def safe_json(data: bytes) -> bytes:
    """JSON text with C1 controls and bidi marks written as \\u escapes: the same JSON, safe to print.

    orjson already escapes C0 controls; these others would reach a terminal raw. They can
    only occur inside JSON strings, so escaping them keeps every value exactly.
    """
    if data.isascii():
        return data
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group().decode()):04x}".encode(), data)
