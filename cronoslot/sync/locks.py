"""One writer at a time per calendar (and for ``sources.json``), across processes.

Two ``cronoslot sync`` runs at once both succeed: the second waits for the first to finish
with a calendar (its fetch is bounded by its timeout), then makes its own conditional GET,
which then usually says "unchanged". Readers never wait: every file is replaced atomically.
The lock files live in ``SUB/.sync/`` and are never removed (removing a lock file while
another process waits on it would let a third one take a different lock).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .state import sync_folder

_POLL = 0.05


class LockTimeout(Exception):
    """The lock was still held by another process at the deadline."""


@contextmanager
def locked(account: Path, name: str, wait: float) -> Iterator[None]:
    """Hold ``SUB/.sync/NAME.lock`` (waiting up to ``wait`` seconds)."""
    folder = sync_folder(account)
    folder.mkdir(mode=0o700, exist_ok=True)
    descriptor = os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout from None
                time.sleep(_POLL)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


__all__ = ["LockTimeout", "locked"]
