"""Review answers across machines: a union, every answer from every machine kept.

An answer is known everywhere by its uid: the device that gave it and its id in that device's
review log (`0123456789abcdef.42`). An answer that came from another machine keeps its uid in
this machine's log, so it is never sent back as this machine's own. A grade taken back (undo)
after it was sent becomes a retraction, a field `a/UID` that the union respects. Each card
touched is then scheduled again from all its answers in time order (`Deck.replay`), ties in
time broken by uid, so every machine comes to the same due date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tui.review.clock import normal_stamp

# What an answer line carries; the rest of a log entry (its local id) is this machine's.
ANSWER_FIELDS = ("paper_id", "rating", "reviewed_at", "duration_ms", "state", "due")
RETRACTED = "retracted"


def uid_of(entry: Mapping[str, Any], device: str) -> str:
    """The uid of a review log entry: its own (it came from elsewhere), or this device's and id."""
    uid = entry.get("uid")
    return uid if isinstance(uid, str) and uid else f"{device}.{entry.get('id')}"


def answer_line(entry: Mapping[str, Any], device: str) -> dict[str, Any]:
    line = {name: entry[name] for name in ANSWER_FIELDS if name in entry}
    line["uid"] = uid_of(entry, device)
    return line


def is_answer(document: Mapping[str, Any]) -> bool:
    """Whether an answers line from the folder holds an answer this machine can keep."""
    return (
        isinstance(document.get("uid"), str)
        and isinstance(document.get("paper_id"), str)
        and document.get("rating") in (1, 2, 3, 4)
        and normal_stamp(document.get("reviewed_at")) != ""
    )


def log_entry(document: Mapping[str, Any]) -> dict[str, Any]:
    """The review log entry for an answer that came from another machine."""
    entry = {name: document[name] for name in ANSWER_FIELDS if name in document}
    entry["reviewed_at"] = normal_stamp(document["reviewed_at"])
    entry["uid"] = document["uid"]
    return entry


def in_time_order(answers: Iterable[Mapping[str, Any]], device: str) -> list[Mapping[str, Any]]:
    """A card's answers in the order every machine replays them: by time, then by uid."""
    return sorted(answers, key=lambda entry: (normal_stamp(entry.get("reviewed_at")) or "", uid_of(entry, device)))
