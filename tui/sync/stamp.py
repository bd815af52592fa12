"""Hybrid logical clock stamps: which of two changes to one field is the later, the same on every machine.

A stamp is (milliseconds, counter, device). The milliseconds are when the change was made, as
the store recorded it (a paper's `updated_at`), so that a star given on the train at 09:00 and
synced at 18:00 still loses to an unstar given at noon on the other machine. A change made to a
field after this machine saw another machine's change to it must win over that one whatever the
clocks say (the user saw it and changed it again): its stamp is pushed past the one it
overwrote, the counter breaking the tie. Equal times from two machines are ordered by device
id, which every machine sees alike. As text, stamps sort as they compare.
"""

from __future__ import annotations

from dataclasses import dataclass

_WIDTHS = (13, 5)  # milliseconds since 1970 until the year 2286; changes within one millisecond


@dataclass(frozen=True, order=True)
class Stamp:
    """When a change was made, and by which machine; compares as (ms, counter, device)."""

    ms: int
    counter: int
    device: str

    def text(self) -> str:
        return f"{self.ms:0{_WIDTHS[0]}d}.{self.counter:0{_WIDTHS[1]}d}.{self.device}"

    @classmethod
    def parse(cls, text: object) -> Stamp:
        """The stamp `text` spells; ValueError for anything else."""
        if not isinstance(text, str):
            raise ValueError(f"a stamp is text, not {text!r}")
        ms, counter, device = text.split(".", 2)
        if len(ms) != _WIDTHS[0] or len(counter) != _WIDTHS[1] or not (ms + counter).isdigit() or not device:
            raise ValueError(f"not a stamp: {text!r}")
        return cls(int(ms), int(counter), device)


def stamp_for(change_ms: int, overwrites: Stamp | None, device: str) -> Stamp:
    """The stamp of a change made at `change_ms` by `device` to a field whose value was `overwrites`'s."""
    if overwrites is None or change_ms > overwrites.ms:
        return Stamp(change_ms, 0, device)
    return Stamp(overwrites.ms, overwrites.counter + 1, device)
