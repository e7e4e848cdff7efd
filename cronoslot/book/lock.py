"""The store's lock: one OS file lock on the store folder itself, which dies with the
process that holds it (``flock``), so a killed booking never leaves the store locked.

- A booking or cancellation holds it exclusively from its check to its last write.
- Every query holds it shared while it reads the store, so it never reads a booking half
  written; before reading, it finishes what an interrupted booking left (``journal``).
- Locking the folder, not a file in it, means a query creates nothing: a read-only store
  (the samples, a mounted share) is queried as before.

The lock is re-entrant within one thread of work (a ``ContextVar``): a booking re-runs
queries through the session while it holds the lock exclusively.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from ..errors import UsageError, Warn

# The journal's name, spelt here so a query imports the journal only when there is one.
JOURNAL_NAME = ".cronoslot-journal.json"

_HELD: ContextVar[tuple[tuple[str, str], ...]] = ContextVar("cronoslot_store_locks", default=())


def _held(key: str) -> str | None:
    return dict(_HELD.get()).get(key)


def _open_folder(root: Path) -> int | None:
    try:
        return os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return None


@contextmanager
def _holding(key: str, mode: str) -> Iterator[None]:
    token = _HELD.set((*_HELD.get(), (key, mode)))
    try:
        yield
    finally:
        _HELD.reset(token)


@contextmanager
def exclusive(root: Path | str, note: Warn) -> Iterator[None]:
    """Hold the store exclusively (waiting for readers and other writers), after
    finishing any interrupted booking. Raises ``UsageError`` when the store cannot be
    locked."""
    key = os.path.realpath(root)
    held = _held(key)
    if held == "exclusive":
        yield
        return
    if held == "shared":
        raise RuntimeError("cannot write the store while reading it in the same call")
    descriptor = _open_folder(Path(root))
    if descriptor is None:
        raise UsageError(f"cannot open the calendar store {root} to lock it")
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        except OSError as error:
            raise UsageError(f"cannot lock the calendar store {root}: {error.strerror}") from None
        from .journal import recover

        recover(Path(root), note)
        with _holding(key, "exclusive"):
            yield
    finally:
        os.close(descriptor)  # releases the lock


@contextmanager
def shared(root: Path | str, note: Warn) -> Iterator[None]:
    """Hold the store for reading; an interrupted booking is first finished (which takes
    the lock exclusively for a moment). A store that cannot be locked (a file system
    without locks) is read without."""
    key = os.path.realpath(root)
    if _held(key) is not None:
        yield
        return
    descriptor = _open_folder(Path(root))
    if descriptor is None:
        yield
        return
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_SH)
            if os.path.lexists(Path(root) / JOURNAL_NAME):
                from .journal import recover

                # Converting a lock is not atomic: check again once exclusive.
                fcntl.flock(descriptor, fcntl.LOCK_EX)
                recover(Path(root), note)
                fcntl.flock(descriptor, fcntl.LOCK_SH)
        except OSError:
            pass  # no locks on this file system: read as before
        with _holding(key, "shared"):
            yield
    finally:
        os.close(descriptor)


__all__ = ["exclusive", "shared"]
