"""All-or-nothing writes of several files, and recovery after a crash."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from cronoslot.book import journal
from cronoslot.book.journal import JOURNAL_NAME, FileChange, write_calendar
from cronoslot.errors import CalendarDataError


def files(root: Path, count: int = 4) -> list[Path]:
    paths = []
    for index in range(count):
        folder = root / f"acc_{index}"
        folder.mkdir(parents=True, exist_ok=True)
        paths.append(folder / "cronoslot.ics")
    return paths


def changes(paths: list[Path]) -> list[FileChange]:
    """Every other file exists before; all get new content."""
    found = []
    for index, path in enumerate(paths):
        before = None
        if index % 2 == 0:
            before = f"old {index}\r\n".encode()
            path.write_bytes(before)
        found.append(FileChange(path, before, f"new {index}\r\n".encode()))
    return found


def state(paths: list[Path]) -> list[bytes | None]:
    return [path.read_bytes() if path.exists() else None for path in paths]


def test_apply_writes_everything_and_leaves_no_journal(tmp_path: Path) -> None:
    paths = files(tmp_path)
    planned = changes(paths)
    journal.apply(tmp_path, planned)
    assert state(paths) == [change.after for change in planned]
    assert not (tmp_path / JOURNAL_NAME).exists()


@pytest.mark.parametrize("fail_at", [1, 2, 3, 4])
def test_a_failed_write_restores_every_file(tmp_path: Path, fail_at: int) -> None:
    paths = files(tmp_path)
    planned = changes(paths)
    before = state(paths)
    calls = []

    def write(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == fail_at:
            raise OSError(5, "Input/output error")
        write_calendar(path, data)

    with pytest.raises(OSError):
        journal.apply(tmp_path, planned, write=write)
    assert state(paths) == before
    assert not (tmp_path / JOURNAL_NAME).exists()


@pytest.mark.parametrize("written", [0, 1, 2, 3, 4])
def test_recovery_after_a_crash_rolls_the_booking_back(tmp_path: Path, written: int) -> None:
    paths = files(tmp_path)
    planned = changes(paths)
    before = state(paths)
    journal.begin(tmp_path, planned)
    for change in planned[:written]:
        write_calendar(change.path, change.after)
    notes: list[str] = []
    assert journal.recover(tmp_path, notes.append)
    assert state(paths) == before
    assert not journal.has_journal(tmp_path)
    assert len(notes) == 1
    assert not journal.recover(tmp_path, notes.append)


def test_a_file_changed_since_is_left_alone(tmp_path: Path) -> None:
    paths = files(tmp_path, 2)
    planned = changes(paths)
    journal.begin(tmp_path, planned)
    write_calendar(paths[0], planned[0].after)
    paths[1].write_bytes(b"someone else\r\n")
    notes: list[str] = []
    journal.recover(tmp_path, notes.append)
    assert state(paths) == [planned[0].before, b"someone else\r\n"]
    assert any("left as it is" in note for note in notes)


@pytest.mark.parametrize(
    "path", ["../outside.ics", "/etc/passwd", "acc_0/cronoslot.json", "acc_0/x/y.ics", ".."]
)
def test_a_journal_never_names_a_file_outside_the_account_folders(
    tmp_path: Path, path: str
) -> None:
    store = tmp_path / "store"
    store.mkdir()
    entry = {"path": path, "before": None, "after": "eA=="}
    (store / JOURNAL_NAME).write_text(json.dumps({"cronoslot_journal": 1, "files": [entry]}))
    with pytest.raises(CalendarDataError) as caught:
        journal.recover(store, print)
    assert caught.value.path == store / JOURNAL_NAME
    assert sorted(os.listdir(tmp_path)) == ["store"]


def test_a_corrupt_journal_is_reported(tmp_path: Path) -> None:
    (tmp_path / JOURNAL_NAME).write_text("{not json")
    with pytest.raises(CalendarDataError, match="cannot be read"):
        journal.recover(tmp_path, print)


def test_a_rewritten_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "cronoslot.ics"
    path.write_bytes(b"old")
    path.chmod(0o600)
    write_calendar(path, b"new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes() == b"new"


def test_recovery_removes_the_temporary_files_of_a_killed_write(tmp_path: Path) -> None:
    paths = files(tmp_path, 2)
    planned = changes(paths)
    journal.begin(tmp_path, planned)
    leftover = paths[1].parent / ".cronoslot-tmp-cronoslot.ics.0123456789ab"
    leftover.write_bytes(b"half")
    other = paths[1].parent / ".cronoslot-tmp-work.ics.0123456789ab"  # not the booking's
    other.write_bytes(b"someone else's")
    journal_leftover = tmp_path / f".cronoslot-tmp-{JOURNAL_NAME}.0123456789ab"
    journal_leftover.write_bytes(b"{")
    journal.recover(tmp_path, print)
    assert not leftover.exists() and not journal_leftover.exists()
    assert other.exists()
