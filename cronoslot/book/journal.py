"""All-or-nothing writes of several calendar files: an undo journal beside the store.

Before the first file of a booking is written, ``STORE/.cronoslot-journal.json`` records,
for every file, its bytes before and after (written atomically, so it is whole or absent).
Then each file is replaced atomically, and the journal is deleted: that deletion is the
commit. When a write fails, the files already written are restored and the error raised;
when the process dies on the way, the journal stays, and the next command that locks the
store (``lock``) rolls the booking back before it reads anything. A file is restored only
when it still holds what the booking wrote; a journal file is never trusted to name a
path outside the store's account folders.
"""

from __future__ import annotations

import base64
import json
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import CalendarDataError, Warn
from ..names import valid_name
from ..store.writer import atomic_write, remove_leftovers, sync_folder
from .lock import JOURNAL_NAME

Writer = Callable[[Path, bytes], None]
"""Replaces one calendar file atomically (``write_calendar``; tests pass one that fails)."""


@dataclass(frozen=True)
class FileChange:
    """One calendar file of a booking: its bytes before (None: it did not exist) and after."""

    path: Path
    before: bytes | None
    after: bytes


def write_calendar(path: Path, data: bytes) -> None:
    """``atomic_write``, keeping the permission bits of the file it replaces."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = 0o644
    atomic_write(path, data, mode=mode)


def has_journal(root: Path) -> bool:
    return os.path.lexists(root / JOURNAL_NAME)


def _encode(root: Path, changes: Sequence[FileChange]) -> bytes:
    def text(data: bytes | None) -> str | None:
        return None if data is None else base64.b64encode(data).decode("ascii")

    files = [
        {
            "path": change.path.relative_to(root).as_posix(),
            "before": text(change.before),
            "after": text(change.after),
        }
        for change in changes
    ]
    return json.dumps({"cronoslot_journal": 1, "files": files}).encode("utf-8")


def _decode(root: Path, journal: Path, data: bytes) -> list[FileChange]:
    try:
        document = json.loads(data)
        changes = []
        for entry in document["files"]:
            sub, name = entry["path"].split("/")
            if not (valid_name(sub) and name.endswith(".ics") and valid_name(name[:-4])):
                raise ValueError(f"not a calendar path: {entry['path']!r}")
            before = entry["before"]
            changes.append(
                FileChange(
                    path=root / sub / name,
                    before=None if before is None else base64.b64decode(before, validate=True),
                    after=base64.b64decode(entry["after"], validate=True),
                )
            )
        return changes
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise CalendarDataError(
            journal,
            f"the journal of an interrupted booking cannot be read ({error}); check the "
            "booking calendars, then delete it",
        ) from None


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _roll_back(changes: Sequence[FileChange]) -> list[Path]:
    """Restore every file that holds what the booking wrote; returns the files that hold
    something else (left alone). Raises ``OSError``."""
    foreign = []
    for change in reversed(changes):
        current = _read(change.path)
        if current == change.before:
            continue
        if current != change.after:
            foreign.append(change.path)
        elif change.before is None:
            os.unlink(change.path)
            sync_folder(change.path.parent)
        else:
            write_calendar(change.path, change.before)
    return foreign


def _delete(journal: Path) -> None:
    os.unlink(journal)
    sync_folder(journal.parent)


def begin(root: Path, changes: Sequence[FileChange]) -> None:
    """Record the changes about to be written (before the first of them)."""
    atomic_write(root / JOURNAL_NAME, _encode(root, changes), mode=0o600)


def commit(root: Path) -> None:
    """Mark the changes written: delete the journal."""
    _delete(root / JOURNAL_NAME)


def apply(
    root: Path,
    changes: Sequence[FileChange],
    *,
    write: Writer = write_calendar,
    then: Callable[[], None] | None = None,
) -> None:
    """Write every change, or none: journal, files, ``then`` (the booking's writes to
    CalDAV servers), commit. On any failure, ``then``'s error included, the files already
    written are restored and the error is raised (if restoring fails too, the journal
    stays for the next command to finish)."""
    if not changes:
        if then is not None:
            then()
        return
    begin(root, changes)
    try:
        for change in changes:
            write(change.path, change.after)
        if then is not None:
            then()
    except BaseException:
        _roll_back(changes)
        commit(root)
        raise
    commit(root)


def recover(root: Path, note: Warn) -> bool:
    """Roll back the booking an interrupted process left (call with the store locked
    exclusively); True when there was one. Raises ``CalendarDataError`` when it cannot."""
    journal = root / JOURNAL_NAME
    remove_leftovers(journal)  # a journal killed while being written was never used
    data = _read(journal)
    if data is None:
        return False
    changes = _decode(root, journal, data)
    try:
        foreign = _roll_back(changes)
        for change in changes:
            remove_leftovers(change.path)
        _delete(journal)
    except OSError as error:
        raise CalendarDataError(
            journal, f"an interrupted booking cannot be rolled back: {error.strerror or error}"
        ) from None
    note(f"an interrupted booking was rolled back ({len(changes)} calendar files checked)")
    for path in foreign:
        note(f"{path}: changed since the interrupted booking; left as it is")
    return True


__all__ = [
    "JOURNAL_NAME",
    "FileChange",
    "Writer",
    "apply",
    "begin",
    "commit",
    "has_journal",
    "recover",
    "write_calendar",
]
