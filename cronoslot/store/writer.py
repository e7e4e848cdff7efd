"""The one writer of files in the store (khal's ``atomic_write``): a temporary file in the
same folder, flushed and fsynced, renamed over the target, then the folder fsynced. A
reader, or a process killed at any moment, sees the old file or the new one, never half.
"""

from __future__ import annotations

import os
import secrets
from contextlib import suppress
from pathlib import Path

_TEMPORARY_PREFIX = ".cronoslot-tmp-"
"""Temporary files start with this (a dot: the store never lists them as calendars)."""


def atomic_write(path: Path | str, data: bytes, *, mode: int = 0o644) -> None:
    """Replace ``path`` with ``data`` atomically, with permission bits ``mode`` (applied
    before any byte is written, so a secret file is never readable by others). Raises
    ``OSError``; on failure the old file is untouched and no temporary file is left."""
    target = Path(path)
    folder = target.parent
    temporary = folder / f"{_TEMPORARY_PREFIX}{target.name}.{secrets.token_hex(6)}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        try:
            os.fchmod(descriptor, mode)  # the umask must not widen or narrow it
            view = memoryview(data)
            while view:
                written = os.write(descriptor, view)
                view = view[written:]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
    sync_folder(folder)


def sync_folder(folder: Path | str) -> None:
    """fsync a folder, so a rename or unlink in it survives a crash (where the platform
    allows opening folders)."""
    with suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def is_temporary(name: str) -> bool:
    """Whether a file name is one of ``atomic_write``'s temporary files."""
    return name.startswith(_TEMPORARY_PREFIX)


def remove_leftovers(path: Path | str) -> int:
    """Delete the temporary files that ``atomic_write(path, ...)`` leaves behind when its
    process is killed mid-write (call only while no other process writes ``path``);
    returns how many there were."""
    target = Path(path)
    prefix = f"{_TEMPORARY_PREFIX}{target.name}."
    removed = 0
    with suppress(OSError):
        for entry in os.scandir(target.parent):
            if entry.name.startswith(prefix) and entry.is_file(follow_symlinks=False):
                with suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    removed += 1
    return removed


__all__ = ["atomic_write", "is_temporary", "remove_leftovers", "sync_folder"]
