"""How papers and digest entries are saved in the library index: as marshalled lists of their fields.

marshal rather than pickle or JSON: it loads tuples of strings and ints several times faster,
and a record is made into a `Paper` every time the reader shows one.
"""

from __future__ import annotations

import dataclasses
import marshal
from collections.abc import Callable
from datetime import date
from operator import attrgetter
from typing import Generic, NamedTuple, TypeVar, get_type_hints

from tui.model import DigestEntry, Paper

_ordinal = date.fromordinal
Record = TypeVar("Record", Paper, DigestEntry)


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
        record = marshal.loads(data)
        for at, decode in decoded:
            if record[at]:
                record[at] = decode(record[at])
        return cls(*record)

    return RecordCodec(names, dumps, loads)


PAPERS = record_codec(Paper)
ENTRIES = record_codec(DigestEntry)
