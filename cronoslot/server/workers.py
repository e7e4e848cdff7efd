"""The worker processes that answer queries, each through its own session.

Solving is CPU-bound, so the event loop hands every query to a pool of processes
(``--workers``). Each worker opens one ``cronoslot.open(...)`` session when it starts and
answers every query it is given through it: the front door, the same validation, loading
and solving as the command line, and the same cache directory (SQLite shares it between
processes). A worker sends back a finished reply (status and JSON bytes), so that the
event loop neither encodes answers nor sees exceptions cross a process boundary.

Workers are started with ``spawn`` (nothing of the event loop's process is inherited),
ignore Ctrl-C (the server shuts them down), and leave on their own when the server's
process is gone. When a worker dies (killed, out of memory), the query it held gets the
generic 500 and the pool is replaced.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Literal

from ..errors import UsageError
from ..session import Session
from . import responses
from .responses import Reply
from .settings import ServerSettings

Kind = Literal["availability", "sequence"]
Log = Callable[[str], None]

# How long the pool may take to start its workers (importing cronoslot, opening the cache).
_START_TIMEOUT = 120.0
# A worker logs a given warning once, and remembers this many of them.
_WARNINGS_REMEMBERED = 1000
_WARNING_LENGTH = 500


def log_line(line: str) -> None:
    """One entry of the server's log on stderr (written whole: lines stay unmixed)."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


class _OncePerWarning:
    """Logs each distinct warning (about calendar data, or an unknown key of a request)
    once, shortened: a broken event would otherwise be logged again at every query that
    reads its calendar."""

    def __init__(self, log: Log) -> None:
        self._log = log
        self._seen: dict[str, None] = {}

    def __call__(self, message: str) -> None:
        line = " ".join(message.splitlines())
        if len(line) > _WARNING_LENGTH:  # a request's unknown key can be long
            line = line[:_WARNING_LENGTH] + "..."
        if line in self._seen:
            return
        if len(self._seen) >= _WARNINGS_REMEMBERED:
            del self._seen[next(iter(self._seen))]
        self._seen[line] = None
        self._log("warning: " + line)


# --- inside a worker process ------------------------------------------------------------

_session: Session | None = None
_root = Path()


def _leave_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _start_worker(calendars: str, now: str | None, cache: bool | str, parent: int) -> None:
    global _session, _root
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_leave_with_parent, args=(parent,), daemon=True).start()
    _root = Path(calendars)
    # workers=1: this process is already one of the pool; it starts no processes of its own.
    _session = Session(calendars, now=now, cache=cache, warn=_OncePerWarning(log_line), workers=1)


def _ready() -> int:
    return os.getpid()


def _answer(kind: Kind, body: bytes) -> Reply:
    """Answer one query body through this worker's session."""
    assert _session is not None, "the worker was started without a session"
    ask = _session.availability if kind == "availability" else _session.sequence
    try:
        result = ask(body)
    except Exception as error:
        return responses.for_error(error, _root, log_line)
    return responses.answer(result)


# --- in the server's process -----------------------------------------------------------


class QueryPool:
    """The worker processes, started before the server listens."""

    def __init__(self, settings: ServerSettings, log: Log = log_line) -> None:
        self._settings = settings
        self._log = log
        self._executor: ProcessPoolExecutor | None = None

    def _new_executor(self) -> tuple[ProcessPoolExecutor, list[Future[int]]]:
        """A new pool, and one task per worker that makes it start them all now (a pool
        starts a process per task while none is idle), not as queries come."""
        settings = self._settings
        executor = ProcessPoolExecutor(
            max_workers=settings.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(str(settings.calendars), settings.now, settings.cache, os.getpid()),
        )
        return executor, [executor.submit(_ready) for _ in range(settings.workers)]

    def start(self) -> None:
        """Start every worker, and wait for them (so the first queries do not); raises
        ``UsageError`` when they cannot start."""
        self._executor, pings = self._new_executor()
        try:
            for ping in pings:
                ping.result(timeout=_START_TIMEOUT)
        except (BrokenProcessPool, TimeoutError) as error:
            self.close()
            raise UsageError(f"the worker processes did not start ({error})") from None

    async def answer(self, kind: Kind, body: bytes) -> Reply:
        executor = self._executor
        if executor is None:
            raise RuntimeError("the pool is not started")
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(executor, _answer, kind, body)
        except BrokenProcessPool:
            self._replace(executor)
            return responses.internal()

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        # Several queries may fail at once: only the first replaces the pool.
        if self._executor is not broken:
            return
        self._log("error: a worker process died; starting new workers")
        broken.shutdown(wait=False, cancel_futures=True)
        self._executor, _ = self._new_executor()

    def close(self) -> None:
        """Stop the workers (queries still queued are cancelled). Idempotent."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


__all__ = ["Kind", "QueryPool", "log_line"]
