"""The sync folder on disk (tui/sync/folder.py): real files under tmp_path, no mocks."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from tui.sync.folder import STREAMS, SUBFOLDER, Mark, SyncFolder, stream_of

AS_ROOT = os.geteuid() == 0
needs_permissions = pytest.mark.skipif(AS_ROOT, reason="root reads and writes whatever the permissions say")
OWN, OTHER = "phone", "laptop"


def jsonl(*documents: dict[str, Any]) -> bytes:
    return b"".join(orjson.dumps(document) + b"\n" for document in documents)


def device_folder(root: Path, device: str) -> Path:
    folder = root / SUBFOLDER / device
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def other_file(root: Path, data: bytes, name: str = "changes.jsonl", device: str = OTHER) -> Path:
    path = device_folder(root, device) / name
    path.write_bytes(data)
    return path


def source_file(tmp_path: Path, data: bytes) -> Path:
    """This machine's own copy of a stream, outside the sync folder."""
    source = tmp_path / "own.jsonl"
    source.write_bytes(data)
    return source


def seen(lines: list[Any]) -> list[tuple[str, str, dict[str, Any], str]]:
    return [(line.device, line.stream, line.document, line.where) for line in lines]


def finishes_within(seconds: float, call: Callable[[], Any], fifo: Path) -> tuple[bool, Any]:
    """Runs `call` in a thread; when it is still blocked after `seconds`, opens `fifo` for writing to free it."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(call()), daemon=True)
    thread.start()
    thread.join(seconds)
    hung = thread.is_alive()
    if hung:
        descriptor = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)  # the blocked reader lets this open succeed
        os.close(descriptor)
        thread.join(5)
    return not hung, result[0] if result else None


NAMES = {
    "changes.jsonl": "changes",
    "answers.jsonl": "answers",
    "changes.sync-conflict-20261204-101010-ABCDEFG.jsonl": "changes",  # Syncthing
    "changes (Laptop's conflicted copy 2026-12-04).jsonl": "changes",  # Dropbox
    "changes 2.jsonl": "changes",  # iCloud
    "answers.sync-conflict-20261204-101010-ABCDEFG.jsonl": "answers",
    ".changes.jsonl.123.tmp": None,  # hidden: a temporary file
    "device.json": None,
    "notes.jsonl": None,
    "changes.json": None,
    ".jsonl": None,
}


@pytest.mark.parametrize(("name", "stream"), NAMES.items())
def test_stream_of_names_streams_and_their_conflict_copies_and_nothing_else(name: str, stream: str | None) -> None:
    assert stream_of(name) == stream


def test_mark_round_trips_through_json() -> None:
    mark = Mark(10, "ab", 2)
    assert mark.to_json() == [10, "ab", 2]
    assert Mark.from_json(orjson.loads(orjson.dumps(mark.to_json()))) == mark


@pytest.mark.parametrize("value", [None, [1, 2], ["a", "b", 3], [True, "", 0], [-1, "", 0], [0, "", -1], [0, 5, 0]])
def test_mark_from_json_rejects_wrong_shapes(value: Any) -> None:
    assert Mark.from_json(value) is None


def test_problem_is_none_for_a_folder_and_names_a_missing_folder_and_a_file(tmp_path: Path) -> None:
    missing, afile = tmp_path / "missing", tmp_path / "afile"
    afile.write_text("x")
    assert SyncFolder(tmp_path, OWN).problem() is None
    assert SyncFolder(missing, OWN).problem() == f"{missing}: no such folder"
    assert SyncFolder(afile, OWN).problem() == f"{afile}: not a folder"


def test_read_new_reads_other_devices_complete_lines_in_order(tmp_path: Path) -> None:
    changes = other_file(tmp_path, jsonl({"n": 1}, {"n": 2}))
    answers = other_file(tmp_path, jsonl({"a": 1}), "answers.jsonl")
    desk = other_file(tmp_path, jsonl({"d": 1}), device="desk")
    lines, marks, warnings = SyncFolder(tmp_path, OWN).read_new({})
    assert seen(lines) == [
        ("desk", "changes", {"d": 1}, f"{desk}:1"),
        (OTHER, "answers", {"a": 1}, f"{answers}:1"),
        (OTHER, "changes", {"n": 1}, f"{changes}:1"),
        (OTHER, "changes", {"n": 2}, f"{changes}:2"),
    ]
    assert warnings == []
    assert sorted(marks) == ["desk/changes.jsonl", f"{OTHER}/answers.jsonl", f"{OTHER}/changes.jsonl"]
    assert marks[f"{OTHER}/changes.jsonl"].offset == changes.stat().st_size
    assert marks[f"{OTHER}/changes.jsonl"].line == 2


def test_read_new_where_is_absolute_for_a_relative_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other_file(tmp_path, jsonl({"n": 1}))
    monkeypatch.chdir(tmp_path)
    lines, _, _ = SyncFolder(Path("."), OWN).read_new({})
    assert [line.where for line in lines] == [f"{Path.cwd() / SUBFOLDER / OTHER / 'changes.jsonl'}:1"]


def test_unfinished_last_line_is_read_once_after_it_is_completed(tmp_path: Path) -> None:
    path = other_file(tmp_path, jsonl({"n": 1}) + b'{"n": 2')
    folder = SyncFolder(tmp_path, OWN)
    lines, marks, warnings = folder.read_new({})
    assert [line.document for line in lines] == [{"n": 1}] and warnings == []
    lines, marks, warnings = folder.read_new(marks)
    assert (lines, warnings) == ([], [])
    with open(path, "ab") as handle:
        handle.write(b"}\n")
    lines, marks, warnings = folder.read_new(marks)
    assert seen(lines) == [(OTHER, "changes", {"n": 2}, f"{path}:2")] and warnings == []
    assert folder.read_new(marks)[0] == []


def test_second_read_returns_nothing_and_appended_lines_only_are_read(tmp_path: Path) -> None:
    path = other_file(tmp_path, jsonl({"n": 1}, {"n": 2}))
    folder = SyncFolder(tmp_path, OWN)
    _, marks, _ = folder.read_new({})
    again, same_marks, warnings = folder.read_new(marks)
    assert (again, same_marks, warnings) == ([], marks, [])
    with open(path, "ab") as handle:
        handle.write(jsonl({"n": 3}, {"n": 4}))
    lines, marks, warnings = folder.read_new(marks)
    assert [(line.document, line.where) for line in lines] == [({"n": 3}, f"{path}:3"), ({"n": 4}, f"{path}:4")]
    mark = marks[f"{OTHER}/changes.jsonl"]
    assert warnings == [] and (mark.offset, mark.line) == (path.stat().st_size, 4)


def test_own_stream_files_are_skipped_but_own_conflict_copies_are_read(tmp_path: Path) -> None:
    for stream in STREAMS:
        other_file(tmp_path, jsonl({"mine": stream}), f"{stream}.jsonl", device=OWN)
    copy = other_file(tmp_path, jsonl({"copy": 1}), "changes.sync-conflict-20261204-101010-ABCDEFG.jsonl", device=OWN)
    other_file(tmp_path, jsonl({"tmp": 1}), ".changes.jsonl.99.tmp", device=OWN)
    lines, marks, warnings = SyncFolder(tmp_path, OWN).read_new({})
    assert seen(lines) == [(OWN, "changes", {"copy": 1}, f"{copy}:1")]
    assert list(marks) == [f"{OWN}/{copy.name}"] and warnings == []


def test_another_version_before_the_mark_is_read_again_from_its_start(tmp_path: Path) -> None:
    path = other_file(tmp_path, jsonl({"n": 1}, {"n": 2}))
    folder = SyncFolder(tmp_path, OWN)
    _, marks, _ = folder.read_new({})
    # an older version brought back, then written on: longer than the mark, other bytes before it
    path.write_bytes(jsonl({"n": 1}, {"n": 9}, {"n": 3}))
    lines, marks, _ = folder.read_new(marks)
    assert [(line.document, line.where) for line in lines] == [
        ({"n": n}, f"{path}:{i}") for i, n in ((1, 1), (2, 9), (3, 3))
    ]
    # a different file of the same length
    replaced = jsonl({"n": 7}, {"n": 8}, {"n": 6})
    assert len(replaced) == path.stat().st_size
    path.write_bytes(replaced)
    lines, marks, _ = folder.read_new(marks)
    assert [line.document for line in lines] == [{"n": 7}, {"n": 8}, {"n": 6}]
    assert folder.read_new(marks)[0] == []


def test_a_file_that_shrank_below_its_mark_is_read_from_its_start(tmp_path: Path) -> None:
    path = other_file(tmp_path, jsonl({"n": 1}, {"n": 2}, {"n": 3}))
    folder = SyncFolder(tmp_path, OWN)
    _, marks, _ = folder.read_new({})
    path.write_bytes(jsonl({"n": 1}))
    lines, marks, warnings = folder.read_new(marks)
    assert seen(lines) == [(OTHER, "changes", {"n": 1}, f"{path}:1")] and warnings == []
    assert marks[f"{OTHER}/changes.jsonl"].offset == path.stat().st_size


def test_bad_lines_warn_with_their_number_and_the_good_lines_around_them_are_read(tmp_path: Path) -> None:
    data = jsonl({"n": 1}) + b"not json\n[1, 2]\n" + b'{"s": "\xff"}\n' + b"\x00" * 12 + b"\n\n" + jsonl({"n": 7})
    path = other_file(tmp_path, data + b"\x00" * 30)  # a torn copy: its unwritten end is zeros
    lines, marks, warnings = SyncFolder(tmp_path, OWN).read_new({})
    assert [(line.document, line.where) for line in lines] == [({"n": 1}, f"{path}:1"), ({"n": 7}, f"{path}:7")]
    assert warnings == [f"{path}:{n}: not a line paperdeck can read, skipped" for n in (2, 3, 4, 5)]
    assert marks[f"{OTHER}/changes.jsonl"].offset == len(data) and marks[f"{OTHER}/changes.jsonl"].line == 7


def test_a_fifo_named_like_a_stream_does_not_hang_and_keeps_its_mark(tmp_path: Path) -> None:
    changes = other_file(tmp_path, jsonl({"n": 1}))
    fifo = device_folder(tmp_path, OTHER) / "answers.jsonl"
    os.mkfifo(fifo)
    kept = Mark(5, "abc", 1)
    done, result = finishes_within(
        5, lambda: SyncFolder(tmp_path, OWN).read_new({f"{OTHER}/answers.jsonl": kept}), fifo
    )
    assert done
    lines, marks, warnings = result
    assert seen(lines) == [(OTHER, "changes", {"n": 1}, f"{changes}:1")]
    assert warnings == [f"{fifo}: cannot be read (not a regular file), skipped"]
    assert marks[f"{OTHER}/answers.jsonl"] == kept
    _, marks, _ = SyncFolder(tmp_path, OWN).read_new({})
    assert f"{OTHER}/answers.jsonl" not in marks  # no mark to keep, none made up


def test_a_stream_file_that_cannot_be_opened_keeps_its_mark_and_a_vanished_one_loses_it(tmp_path: Path) -> None:
    folder_named_like_a_file = device_folder(tmp_path, OTHER) / "answers.jsonl"
    folder_named_like_a_file.mkdir()
    kept = Mark(3, "abc", 1)
    marks = {f"{OTHER}/answers.jsonl": kept, f"{OTHER}/changes.jsonl": Mark(3, "abc", 1)}
    lines, new_marks, warnings = SyncFolder(tmp_path, OWN).read_new(marks)
    assert lines == [] and new_marks == {f"{OTHER}/answers.jsonl": kept}
    assert warnings == [f"{folder_named_like_a_file}: cannot be read (Is a directory), skipped"]


def test_an_unlistable_sync_subfolder_keeps_every_mark_and_warns(tmp_path: Path) -> None:
    (tmp_path / SUBFOLDER).write_text("a file where the folder should be")
    marks = {f"{OTHER}/changes.jsonl": Mark(3, "abc", 1), "desk/answers.jsonl": Mark(4, "def", 2)}
    lines, new_marks, warnings = SyncFolder(tmp_path, OWN).read_new(marks)
    assert (lines, new_marks) == ([], marks)
    assert warnings == [f"{tmp_path / SUBFOLDER}: cannot be read (Not a directory), skipped"]


@needs_permissions
def test_an_unreadable_device_folder_keeps_its_marks_and_warns(tmp_path: Path) -> None:
    other_file(tmp_path, jsonl({"n": 1}))
    desk = other_file(tmp_path, jsonl({"d": 1}), device="desk")
    folder = SyncFolder(tmp_path, OWN)
    _, marks, _ = folder.read_new({})
    locked = tmp_path / SUBFOLDER / OTHER
    locked.chmod(0)
    try:
        lines, new_marks, warnings = folder.read_new(marks)
    finally:
        locked.chmod(0o755)
    assert seen(lines) == [] and new_marks == marks
    assert warnings == [f"{locked}: cannot be read (Permission denied), skipped"]
    desk.write_bytes(jsonl({"d": 1}, {"d": 2}))
    assert [line.document for line in folder.read_new(new_marks)[0]] == [{"d": 2}]


@needs_permissions
def test_problem_names_an_unreadable_folder(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0)
    try:
        assert SyncFolder(locked, OWN).problem() == f"{locked}: cannot be read (Permission denied)"
    finally:
        locked.chmod(0o755)


def test_read_new_and_devices_without_the_paperdeck_subfolder_find_nothing(tmp_path: Path) -> None:
    assert SyncFolder(tmp_path, OWN).read_new({}) == ([], {}, [])
    assert SyncFolder(tmp_path, OWN).devices() == []
    assert not (tmp_path / SUBFOLDER).exists()


def hidden_files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


def test_publish_copies_then_appends_only_the_tail_in_place(tmp_path: Path) -> None:
    source = source_file(tmp_path, jsonl({"n": 1}, {"n": 2}))
    folder = SyncFolder(tmp_path / "sync", OWN)
    folder.publish("changes", source)
    target = tmp_path / "sync" / SUBFOLDER / OWN / "changes.jsonl"
    assert target.read_bytes() == source.read_bytes()
    inode = os.stat(target).st_ino
    with open(source, "ab") as handle:
        handle.write(jsonl({"n": 3}))
    folder.publish("changes", source)
    assert target.read_bytes() == source.read_bytes() and os.stat(target).st_ino == inode
    assert hidden_files(target.parent) == []


def test_publish_without_a_change_does_not_write(tmp_path: Path) -> None:
    source = source_file(tmp_path, jsonl({"a": 1}))
    folder = SyncFolder(tmp_path / "sync", OWN)
    folder.publish("answers", source)
    target = folder.own / "answers.jsonl"
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    folder.publish("answers", source)
    assert os.stat(target).st_mtime_ns == 1_000_000_000 and target.read_bytes() == source.read_bytes()


SOURCE = jsonl(*({"n": n, "text": "x" * 20} for n in range(8)))


@pytest.mark.parametrize(
    ("there", "replaced"),
    [
        (SOURCE[: len(SOURCE) // 2], False),  # truncated halfway: a beginning of the source, appended to
        (b"\xee" * len(SOURCE), True),  # foreign bytes
        (SOURCE[: len(SOURCE) // 2] + b"\x00" * (len(SOURCE) - len(SOURCE) // 2), True),  # a torn copy
        (SOURCE + jsonl({"n": "later"}), True),  # longer than the source
        (SOURCE[:-10] + b"y" * 5, True),  # shorter, and its end is not the source's
    ],
)
def test_publish_over_another_version_makes_the_target_equal_the_source(
    tmp_path: Path, there: bytes, replaced: bool
) -> None:
    source = source_file(tmp_path, SOURCE)
    folder = SyncFolder(tmp_path / "sync", OWN)
    target = device_folder(tmp_path / "sync", OWN) / "changes.jsonl"
    target.write_bytes(there)
    inode = os.stat(target).st_ino
    folder.publish("changes", source)
    assert target.read_bytes() == SOURCE
    assert (os.stat(target).st_ino != inode) == replaced
    assert hidden_files(target.parent) == []


def test_publish_refuses_a_stream_it_does_not_know(tmp_path: Path) -> None:
    source = source_file(tmp_path, b"")
    with pytest.raises(ValueError, match="'other' is not a stream"):
        SyncFolder(tmp_path / "sync", OWN).publish("other", source)
    assert not (tmp_path / "sync").exists()


@needs_permissions
def test_publish_into_a_read_only_folder_raises_oserror(tmp_path: Path) -> None:
    source = source_file(tmp_path, jsonl({"n": 1}))
    root = tmp_path / "sync"
    root.mkdir(mode=0o555)
    try:
        with pytest.raises(OSError):
            SyncFolder(root, OWN).publish("changes", source)
    finally:
        root.chmod(0o755)


def test_publish_into_a_root_that_is_a_file_raises_oserror(tmp_path: Path) -> None:
    source = source_file(tmp_path, jsonl({"n": 1}))
    root = tmp_path / "sync"
    root.write_text("not a folder")
    with pytest.raises(OSError):
        SyncFolder(root, OWN).publish("changes", source)
    assert root.read_text() == "not a folder"


def test_publish_over_a_fifo_does_not_hang(tmp_path: Path) -> None:
    source = source_file(tmp_path, SOURCE)
    fifo = device_folder(tmp_path / "sync", OWN) / "changes.jsonl"
    os.mkfifo(fifo)
    done, _ = finishes_within(2, lambda: SyncFolder(tmp_path / "sync", OWN).publish("changes", source), fifo)
    assert done


EARLIER, LATER = "2027-01-15T08:00:00+00:00", "2027-01-15T08:01:40+00:00"  # 1_800_000_000 and +100 s


def set_mtime(path: Path, seconds: int) -> None:
    os.utime(path, (seconds, seconds))


def test_write_device_then_devices_lists_every_device_folder(tmp_path: Path) -> None:
    folder = SyncFolder(tmp_path, OWN)
    source = source_file(tmp_path, jsonl({"n": 1}))
    folder.write_device({"name": "My phone", "version": "1.2"})
    folder.publish("changes", source)
    set_mtime(folder.own / "changes.jsonl", 1_800_000_000)
    set_mtime(folder.own / "device.json", 1_900_000_000)  # not a stream: not when the streams changed
    set_mtime(other_file(tmp_path, b"0123456789"), 1_800_000_000)
    set_mtime(other_file(tmp_path, b"01234", "answers (Laptop's conflicted copy 2026-12-04).jsonl"), 1_800_000_100)
    set_mtime(other_file(tmp_path, b"0123456789" * 5, ".changes.jsonl.7.tmp"), 1_900_000_000)
    broken = other_file(tmp_path, b"{not json", "device.json")
    device_folder(tmp_path, "desk")
    assert orjson.loads((folder.own / "device.json").read_bytes()) == {"name": "My phone", "version": "1.2"}
    assert folder.device_info() == {"name": "My phone", "version": "1.2"}
    assert hidden_files(folder.own) == []
    desk_file = tmp_path / SUBFOLDER / "desk" / "device.json"
    assert folder.devices() == [
        {"device": "desk", "problem": f"{desk_file}: no such file", "files": 0, "changed": None},
        {"device": OTHER, "problem": f"{broken}: not a device file paperdeck can read", "files": 15, "changed": LATER},
        {"name": "My phone", "version": "1.2", "device": OWN, "files": source.stat().st_size, "changed": EARLIER},
    ]


@pytest.mark.parametrize("data", [None, b"{not json", b"[1, 2]"])
def test_device_info_is_none_without_a_readable_device_file(tmp_path: Path, data: bytes | None) -> None:
    if data is not None:
        other_file(tmp_path, data, "device.json", device=OWN)
    assert SyncFolder(tmp_path, OWN).device_info() is None


def test_devices_with_a_fifo_named_device_json_does_not_hang(tmp_path: Path) -> None:
    fifo = device_folder(tmp_path, OTHER) / "device.json"
    os.mkfifo(fifo)
    done, _ = finishes_within(2, lambda: SyncFolder(tmp_path, OWN).devices(), fifo)
    assert done
