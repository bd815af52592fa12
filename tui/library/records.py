"""How papers and digest entries are saved in the library index: as marshalled lists of their fields.

marshal rather than pickle or JSON: it loads tuples of strings and ints several times faster,
and a record is made into a `Paper` every time the reader shows one.
"""

from __future__ import annotations

import dataclasses
import marshal
import re
import sqlite3
from collections.abc import Callable
from datetime import date
from operator import attrgetter
from typing import Generic, NamedTuple, TypeVar, get_type_hints

from tui.model import DigestEntry, Paper

_ordinal = date.fromordinal
Record = TypeVar("Record", Paper, DigestEntry)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class RecordDamaged(sqlite3.DatabaseError):
    """A value read from the index does not unmarshal: the file was damaged under SQLite's nose."""


def unmarshal(data: bytes) -> object:
    """marshal.loads of a value the index saved; RecordDamaged if it is not one."""
    try:
        return marshal.loads(data)
    except (ValueError, EOFError, TypeError) as exc:
        raise RecordDamaged(f"a saved value does not read back ({exc})") from None


def bindable(text: str) -> str:
    """Text SQLite can take: a lone surrogate (which a JSON digest's `\\udXXX` escape can make)
    becomes U+FFFD, as no valid UTF-8 can hold it."""
    return _LONE_SURROGATE.sub("\ufffd", text) if not text.isascii() else text


def tag_key(tag: str) -> bytes:
    """A tag as the index keys it: its bytes, lone surrogates and all, so that it reads back the same."""
    return tag.encode("utf-8", "surrogatepass")


def tag_of(key: bytes) -> str:
    return key.decode("utf-8", "surrogatepass")


def _ordinals(days: tuple[date, ...]) -> tuple[int, ...]:
    return tuple(map(date.toordinal, days))


def _days(ordinals: tuple[int, ...]) -> tuple[date, ...]:
    return tuple(map(_ordinal, ordinals))


# The field types marshal cannot save, each with how it is saved and read back. No date's
# ordinal is 0, so a value that is falsy (None, no dates) is saved as it is.
_CONVERTED: dict[object, tuple[Callable, Callable]] = {
    date | None: (date.toordinal, _ordinal),
    tuple[date, ...]: (_ordinals, _days),
}
_MARSHALLED: set[object] = {str, str | None, int, int | None, tuple[str, ...]}


class RecordCodec(NamedTuple, Generic[Record]):
    """How values of a dataclass are saved: marshalled lists of their fields, in the order of `fields`."""

    fields: tuple[str, ...]
    dumps: Callable[[Record], bytes]
    loads: Callable[[bytes], Record]


def record_codec(cls: type[Record]) -> RecordCodec[Record]:
    """The codec that follows the fields of `cls` (Paper, DigestEntry, or a dataclass extending one)."""
    hints = get_type_hints(cls)
    names = tuple(each.name for each in dataclasses.fields(cls))
    encoded, decoded = [], []
    for at, name in enumerate(names):
        if hints[name] in _CONVERTED:
            encode, decode = _CONVERTED[hints[name]]
            encoded.append((at, encode))
            decoded.append((at, decode))
        elif hints[name] not in _MARSHALLED:
            raise TypeError(f"the library index cannot save {cls.__name__}.{name}: {hints[name]}")
    values = attrgetter(*names)

    def dumps(value: Record) -> bytes:
        saved = list(values(value))
        for at, encode in encoded:
            if saved[at]:
                saved[at] = encode(saved[at])
        return marshal.dumps(saved)

    # Positional, in the order of `names`, which the index's saved names must equal before its
    # records are read: by keyword, making a paper takes two thirds as long again.
    def loads(data: bytes) -> Record:
        record = unmarshal(data)
        try:
            for at, decode in decoded:
                if record[at]:
                    record[at] = decode(record[at])
            return cls(*record)
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            raise RecordDamaged(f"a saved {cls.__name__} does not read back ({exc})") from None

    return RecordCodec(names, dumps, loads)


PAPERS = record_codec(Paper)
ENTRIES = record_codec(DigestEntry)


# What reading the index may raise: SQLite's errors (RecordDamaged among them, for a value
# that does not unmarshal). `is_damage` tells a damaged file from a busy or full one.
DAMAGE = (sqlite3.DatabaseError,)
_CORRUPT, _NOT_A_DATABASE = 11, 26  # SQLITE_CORRUPT, SQLITE_NOTADB
_DAMAGE_WORDS = ("malformed", "not a database", "vtable constructor failed", "no such table", "no such column")


def is_damage(exc: BaseException) -> bool:
    """Whether an error from the index means the file is damaged (and is best made anew), rather
    than busy for a moment, on a full disk or read-only."""
    if isinstance(exc, RecordDamaged):
        return True
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(exc).lower()
    return code in (_CORRUPT, _NOT_A_DATABASE) or any(word in text for word in _DAMAGE_WORDS)
