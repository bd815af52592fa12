"""One sync: what changed here goes out, what the other machines wrote comes in, nothing is lost.

The steps, in an order that a kill at any moment cannot turn into a loss:
1. what changed in the store since the last sync becomes stamped change lines, and answers
   not yet sent become answer lines; both are appended to this machine's own copies in the data
   home (`sync/changes.jsonl`, `sync/answers.jsonl`, flushed to disk) before anything else;
2. the other machines' files are read from where the last sync stopped: a change whose stamp
   is later than the one this machine has for its field wins and goes into the store; an answer
   not yet here joins the review log; every card whose answers changed, either way, is
   scheduled again from all of them;
3. the store is saved, and only then the replica commits what was seen (so a kill before it
   reads the same lines again next time, and merging them twice changes nothing);
4. the own copies are published into the folder (appended, or replaced whole when a sync tool
   put another version there). A folder missing or read-only costs a warning; the lines wait
   in the data home and go out at the next sync.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from tui import __version__
from tui.home import Home
from tui.review import parameters
from tui.review.clock import normal_stamp
from tui.review.deck import Deck
from tui.settings import DESIRED_RETENTION, FSRS_PARAMETERS, ReviewSettings
from tui.state.store import Store
from tui.sync import answers, fields
from tui.sync.answers import AnswerBook
from tui.sync.folder import STREAMS, Line, Mark, SyncFolder
from tui.sync.outgoing import Outgoing
from tui.sync.replica import Replica
from tui.sync.stamp import Stamp

_PREFIXES = {"p/", "c/", "s/", "l/", "a/"}
# The settings a card's schedule is worked out with.
_SCHEDULING = (f"s/{DESIRED_RETENTION.key}", f"s/{FSRS_PARAMETERS.key}")
# What a report counts, by the field a change is to (plural, singular): the user's words.
_KINDS = {
    "read": ("read marks", "read mark"),
    "star": ("stars", "star"),
    "later": ("later marks", "later mark"),
    "tags": ("tag changes", "tag change"),
    "note": ("notes", "note"),
    "card": ("cards", "card"),
    "suspended": ("suspensions", "suspension"),
    "setting": ("settings", "setting"),
    "list": ("lists", "list"),
    "taken back": ("answers taken back", "answer taken back"),
    "answer": ("answers", "answer"),
    "machine": ("other machines", "other machine"),
}


def _kind(key: str) -> str:
    """What a change to `key` is, for a report (`p/ID/star` is a star, `c/ID` a card)."""
    prefix, _, rest = key.partition("/")
    if prefix == "p":
        return _KINDS[rest.rpartition("/")[2]][0] if rest.rpartition("/")[2] in _KINDS else "paper fields"
    if prefix == "c":
        return _KINDS["suspended" if rest.endswith("/suspended") else "card"][0]
    return _KINDS[{"s": "setting", "l": "list", "a": "taken back"}[prefix]][0]


class SyncProblem(Exception):
    """Sync cannot run at all (no folder chosen, the store read-only); the message says why."""


@dataclass
class SyncReport:
    """What one sync sent and took in, and what it could not read or write."""

    folder: Path
    went_out: Counter[str] = field(default_factory=Counter)
    came_in: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    machines: int = 0  # other machines whose files were read
    reachable: bool = False  # the folder could be read, so the own copies go into it
    published: bool = False  # and they went in
    papers_changed: set[str] = field(default_factory=set)  # papers whose state came in changed

    def to_json(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "went_out": dict(self.went_out),
            "came_in": dict(self.came_in),
            "machines": self.machines,
            "warnings": self.warnings,
        }

    def summary(self) -> str:
        """One line: `sent 2 paper fields, 1 answer; took in nothing`."""

        machines = f" from {_counted(self.machines, 'other machines')}" if self.machines else ""
        # Lines for a folder that could not be reached wait in the data home for the next sync.
        verb = "sent" if self.published or not self.went_out else "kept to send"
        return f"{verb} {_listed(self.went_out)}; took in {self.took_in()}{machines}"

    def took_in(self) -> str:
        """`3 paper fields, 1 answer`, or `nothing`."""
        return _listed(self.came_in)


def _twin_of(folder: SyncFolder) -> str | None:
    """The name of another machine that writes under this device id (a copied home), or None.
    Machines are told apart by their machine id where the system has one (it stays when the
    machine is renamed), else by their host name."""
    info = folder.device_info()
    if info is None:
        return None
    name = info.get("name") if isinstance(info.get("name"), str) else "another machine"
    theirs, ours = info.get("machine"), machine_id()
    if isinstance(theirs, str) and ours is not None:
        return name if theirs != ours else None
    return name if name != socket.gethostname() else None


def machine_id() -> str | None:
    """The system's id of this machine (systemd's, or D-Bus's), hashed: it is not ours to publish."""
    for path in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        with suppress(OSError, UnicodeDecodeError):
            value = Path(path).read_text(encoding="ascii").strip()
            if value:
                return hashlib.blake2b(value.encode(), digest_size=8, person=b"paperdeck").hexdigest()
    return None


def _listed(counts: Counter[str]) -> str:
    return ", ".join(_counted(count, kind) for kind, count in sorted(counts.items()) if count) or "nothing"


def _counted(count: int, kind: str) -> str:
    """`1 answer`, `2 answers`, `1 star`: `kind` is a plural of `_KINDS`."""
    singular = next((one for many, one in _KINDS.values() if many == kind), kind)
    return f"{count:,} {singular if count == 1 else kind}"


@dataclass(frozen=True)
class Incoming:
    """What `Syncer.read_folder` found: the lines, how far each file is read, what could not be."""

    folder: Path
    problem: str | None  # the folder cannot be read at all: why
    lines: list[Line]
    marks: dict[str, Mark]
    warnings: list[str]
    twin_of: str | None = None  # another machine's name, when it writes under this device id


def sync_home(home: Home) -> Path:
    """The data home's folder for sync: the replica and this machine's own copies."""
    return home.root / "sync"


def chosen_folder(home: Home) -> Path | None:
    """The sync folder chosen for this home, read without opening the replica (None: no sync)."""
    return Replica.folder_of(sync_home(home) / "replica.sqlite")


def sync_status(home: Home) -> dict[str, Any]:
    """Where this machine syncs, when it last did, what waits to go out, the other machines.
    Reads the replica and the folder only: it can be asked while the reader is open."""
    replica = Replica.open(sync_home(home) / "replica.sqlite", repair=False)
    try:
        folder_path = replica.folder
        document: dict[str, Any] = {
            "folder": str(folder_path) if folder_path else None,
            "device": replica.device,
            "last_sync": replica.meta("last_sync"),
            "known": replica.counts(),
            "waiting_bytes": 0,
            "machines": [],
            "problem": None,
        }
    finally:
        replica.close()
    if folder_path is None:
        return document
    folder = SyncFolder(folder_path, document["device"])
    document["problem"] = folder.problem()
    for stream in STREAMS:
        own = sync_home(home) / f"{stream}.jsonl"
        published = folder.own / f"{stream}.jsonl"
        with suppress(OSError):
            there = published.stat().st_size if published.exists() else 0
            document["waiting_bytes"] += max(0, own.stat().st_size - there) if own.exists() else 0
    document["machines"] = [entry for entry in folder.devices() if entry["device"] != document["device"]]
    return document


class Syncer:
    """Syncs one store with one folder, again and again (the app keeps one; a command makes one)."""

    def __init__(self, home: Home, store: Store, deck: Deck, *, clock: Any = time.time) -> None:
        self.home = home
        self.store = store
        self.deck = deck
        self.clock = clock
        self.replica = Replica.open(sync_home(home) / "replica.sqlite")
        self.device = self.replica.device
        self.outgoing = Outgoing(store, self.replica)
        if self.replica.fresh:
            self._remember_what_was_sent()

    def close(self) -> None:
        self.replica.close()

    def _remember_what_was_sent(self) -> None:
        """A replica made anew takes the stamps of what this machine sent before from its own copy:
        else a value cleared here would look untouched, and an older one from elsewhere would win."""
        latest: dict[str, tuple[Stamp, Any]] = {}
        try:
            data = self.own_copy("changes").read_bytes()
        except OSError:
            return  # nothing sent yet (or not readable: the folder's lines are read all the same)
        for raw in data.splitlines():
            try:
                line = orjson.loads(raw)
                key, stamp, value = line["k"], Stamp.parse(line["s"]), line["v"]
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                continue  # a torn last line, cut off at the next append
            if isinstance(key, str) and (key not in latest or stamp > latest[key][0]):
                latest[key] = (stamp, value)
        self.replica.put_fields((key, stamp, value) for key, (stamp, value) in latest.items())
        self.replica.commit()

    @property
    def folder(self) -> Path | None:
        return self.replica.folder

    def choose_folder(self, folder: Path) -> None:
        """Makes `folder` this machine's sync folder (kept in the data home, `sync/folder`: not synced)."""
        self.replica.choose_folder(folder.expanduser().resolve())

    def own_copy(self, stream: str) -> Path:
        return sync_home(self.home) / f"{stream}.jsonl"

    def run(self) -> SyncReport:
        """One whole sync, on this thread (a command's way; the app splits it, see `merge`)."""
        report = self.merge(self.read_folder(self.replica.marks()), durable=True)
        self.publish(report)
        return report

    def read_folder(self, marks: dict[str, Mark]) -> Incoming:
        """Step 2's reading: the other machines' lines since `marks` (the replica's). Only files
        are touched, never the store or the replica, so it may run on a worker thread."""
        folder_path = self.folder
        if folder_path is None:
            raise SyncProblem("no sync folder yet: `paperdeck sync DIR` chooses one")
        folder = SyncFolder(folder_path, self.device)
        problem = folder.problem()
        if problem is not None:
            return Incoming(folder_path, problem, [], marks, [])
        lines, marks, warnings = folder.read_new(marks)
        return Incoming(folder_path, None, lines, marks, warnings, twin_of=_twin_of(folder))

    def merge(self, incoming: Incoming, *, durable: bool = False) -> SyncReport:
        """Steps 1 to 3: what changed here goes into the own copies, what came in into the store.
        It reads and changes the store, so it runs where the store's other changes are made (the
        app's UI thread): no change of the user's can fall between reading a field and writing it.
        `durable`: the store is saved whole before the replica commits (a command, the app as it
        closes); otherwise the writer saves the user's own changes as it always does."""
        if self.store.read_only:
            raise SyncProblem(f"{self.store.path} is read-only here: sync needs to write the store")
        report = SyncReport(incoming.folder, warnings=list(incoming.warnings))
        now_ms = int(self.clock() * 1000)
        book = AnswerBook(self.replica)
        if incoming.twin_of is not None:
            # A copied home: its lines go on under an id of its own, so that no two machines
            # ever write one file; they are sent again there, and known everywhere as sent.
            before = self.device
            self.device = self.outgoing.device = self.replica.new_device()
            report.warnings.append(
                f"this data home was copied from {incoming.twin_of}'s (both were device {before}); "
                f"this machine is device {self.device} from now on"
            )
        try:
            tables_changed, log_changed = self.outgoing.changed_here()
            out_fields, compared = self.outgoing.field_lines(now_ms) if tables_changed else ([], {})
            out_answers, out_taken_back, sent_through = [], [], None
            if log_changed:
                out_answers, out_taken_back, sent_through = self.outgoing.answer_lines(now_ms, book)
            self._append_own("changes", [*out_fields, *out_taken_back])
            self._append_own("answers", out_answers)
            for line in (*out_fields, *out_taken_back):
                report.went_out[_kind(line["k"])] += 1
            if out_answers:
                report.went_out["answers"] += len(out_answers)
            # A card answered here is worked out again too: as every machine that takes the answer
            # in works it out, with the settings of now (a retention changed since, on either side).
            replay = {line["paper_id"] for line in out_answers}
            replay |= {(book.get(line["k"][2:]) or (None, True, ""))[2] for line in out_taken_back}
            if incoming.problem is not None:
                report.warnings.append(
                    f"{incoming.problem}: nothing came in; what changed here waits in {sync_home(self.home)}"
                )
            report.machines = len({line.device for line in incoming.lines})
            sent = {line["k"]: Stamp.parse(line["s"]) for line in (*out_fields, *out_taken_back)}
            won, came_answers, taken_from = self._take_in(incoming.lines, report, book, sent)
            replay |= taken_from
            replay |= fields.apply(self.store, won | self._suspension_of_cards_made(won))
            for paper_id in {fields.paper_of(key) for key in won if key.startswith("p/")}:
                if paper_id:  # as the store holds it now: the next sync need not compare it again
                    compared[paper_id] = self.store.paper_document(paper_id) or {}
                    report.papers_changed.add(paper_id)
            if any(key.startswith("s/") for key in won):
                # The scheduler of the settings that came in is the one every machine replays with.
                self.deck.weights = parameters.weights_in_use(self.store)
                self.deck.apply_settings(ReviewSettings.from_store(self.store))
                replay |= self._answered_since_the_scheduler_changed(won)
            merged = self._merge_answers(came_answers, report, book)
            replay |= merged
            replay.discard("")
            for paper_id in sorted(replay):
                self.deck.replay(paper_id, answers.in_time_order(self.store.reviews_of(paper_id)))
            # What came in is on disk before the replica says it was taken (the user's own changes
            # are the writer's to save, as without sync).
            if (durable or won or taken_from or merged) and not self.store.flush():
                raise SyncProblem(f"could not save {self.store.path}: {self.store.last_error}")

            field_rows = [(line["k"], Stamp.parse(line["s"]), line["v"]) for line in (*out_fields, *out_taken_back)]
            field_rows += [(key, stamp, value) for key, (stamp, value) in won.items()]
            self.replica.put_fields(field_rows)
            self.replica.put_marks(incoming.marks)
            self.replica.put_answers(book.changed_rows())
            if sent_through is not None:
                self.replica.set_meta("exported_through", str(sent_through))
            self.replica.set_meta("last_sync", datetime.now(UTC).isoformat(timespec="seconds"))
            cards = {key: (stamp, value) for key, stamp, value in field_rows if key.startswith("c/")}
            self.outgoing.settle(compared, cards)
            self.replica.commit()
        except BaseException:
            self.replica.rollback()
            self.outgoing.forget()
            raise
        self.outgoing.committed()
        report.reachable = incoming.problem is None
        return report

    def publish(self, report: SyncReport) -> None:
        """Step 4: the own copies into the folder, when it could be read; only files are touched."""
        if report.reachable:
            problems = self._publish(SyncFolder(report.folder, self.device))
            report.warnings += problems
            report.published = not problems

    def _append_own(self, stream: str, lines: Iterable[Mapping[str, Any]]) -> None:
        data = b"".join(orjson.dumps(line) + b"\n" for line in lines)
        if not data:
            return
        path = self.own_copy(stream)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as handle:
            _cut_unfinished_line(handle)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())

    # --- 2. what the other machines wrote ---------------------------------------------------

    def _take_in(
        self,
        lines: list[Line],
        report: SyncReport,
        book: AnswerBook,
        sent: Mapping[str, Stamp],
    ) -> tuple[dict[str, tuple[Stamp, Any]], list[Line], set[str]]:
        """The changes that win over what this machine has (answers taken back are done here), the
        answer lines to merge, and the papers an answer was taken back from."""
        latest: dict[str, tuple[Stamp, Any]] = {}
        came_answers = []
        for line in lines:
            if line.stream == "answers":
                came_answers.append(line)
                continue
            document = line.document
            try:
                key, stamp, value = document["k"], Stamp.parse(document["s"]), document["v"]
                if not isinstance(key, str) or key[:2] not in _PREFIXES:
                    raise ValueError(key)
            except (KeyError, ValueError):
                report.warnings.append(f"{line.where}: not a change paperdeck knows, skipped")
                continue
            if key not in latest or stamp > latest[key][0]:
                latest[key] = (stamp, value)
        mine = {key: stamp for key, (stamp, _value) in (self.replica.fields(latest) if latest else {}).items()}
        mine |= {key: stamp for key, stamp in sent.items() if key in latest}  # what this sync sends
        won = {key: change for key, change in latest.items() if key not in mine or change[0] > mine[key]}
        taken_from: set[str] = set()
        book.load(key[2:] for key in won if key.startswith("a/"))
        for key in won:
            report.came_in[_kind(key)] += 1
            if key.startswith("a/"):
                local, _taken, paper_id = book.get(key[2:]) or (None, False, "")
                if local is not None:
                    self.store.remove_review(local)
                    taken_from.add(paper_id)
                book.put(key[2:], None, True, paper_id)
        return won, came_answers, taken_from

    def _answered_since_the_scheduler_changed(self, won: Mapping[str, tuple[Stamp, Any]]) -> set[str]:
        """The cards answered since a retention or the parameters changed on another machine: it
        worked them out with the new scheduler, and so must this one (the others stay as they are
        on every machine until their next answer)."""
        changed = [won[key][0].ms for key in _SCHEDULING if key in won]
        if not changed:
            return set()
        since = datetime.fromtimestamp(min(changed) // 1000, UTC).isoformat()  # the log keeps seconds
        return {
            entry["paper_id"]
            for entry in self.store.review_documents()
            if (normal_stamp(entry.get("reviewed_at")) or "") >= since and isinstance(entry.get("paper_id"), str)
        }

    def _suspension_of_cards_made(self, won: Mapping[str, tuple[Stamp, Any]]) -> dict[str, tuple[Stamp, Any]]:
        """For a card that comes in without its suspension, the suspension this machine knows:
        a card made anew would otherwise be unsuspended here and send that out as a change."""
        wanted = [
            f"{key}/suspended"
            for key, (_stamp, added) in won.items()
            if key.startswith("c/") and key.count("/") == 1 and added is not None and f"{key}/suspended" not in won
        ]
        return self.replica.fields(wanted) if wanted else {}

    def _merge_answers(self, lines: list[Line], report: SyncReport, book: AnswerBook) -> set[str]:
        """Adds the answers this machine has not got; returns the papers whose answers changed."""
        touched: set[str] = set()
        book.load(line.document["uid"] for line in lines if isinstance(line.document.get("uid"), str))
        for line in lines:
            document = line.document
            if not answers.is_answer(document):
                report.warnings.append(f"{line.where}: not an answer paperdeck can keep, skipped")
                continue
            uid = document["uid"]
            if book.get(uid) is not None:
                continue  # here already, or taken back
            local = self.store.add_review(answers.log_entry(document))
            book.put(uid, local, False, document["paper_id"])
            touched.add(document["paper_id"])
            report.came_in["answers"] += 1
        return touched

    # --- 4. into the folder -----------------------------------------------------------------

    def _publish(self, folder: SyncFolder) -> list[str]:
        try:
            for stream in STREAMS:
                if self.own_copy(stream).exists():
                    folder.publish(stream, self.own_copy(stream))
            # Written only when it would say something new: every write is a change that the
            # other machines' watchers see, and a sync for each would answer it with another.
            info = {"name": socket.gethostname(), "machine": machine_id(), "paperdeck": __version__}
            if folder.device_info() != info:
                folder.write_device(info)
        except OSError as exc:
            return [
                f"{folder.own}: cannot be written ({exc.strerror or exc}); "
                f"what changed here waits in {sync_home(self.home)} for the next sync"
            ]
        return []


def _cut_unfinished_line(handle: Any) -> None:
    """Cuts off a last line without its newline: a sync killed while appending left it, and the
    lines it began are sent again (nothing was committed), so only the torn piece goes."""
    size = handle.seek(0, os.SEEK_END)
    if size == 0:
        return
    with open(handle.name, "rb") as reader:
        position = size
        while position > 0:
            start = max(0, position - 65536)
            reader.seek(start)
            chunk = reader.read(position - start)
            if position == size and chunk.endswith(b"\n"):
                return
            newline = chunk.rfind(b"\n")
            if newline >= 0:
                handle.truncate(start + newline + 1)
                return
            position = start
    handle.truncate(0)
