"""Loading many calendar files: through the cache when there is one, over both cores when
many files must be parsed, with progress reported to whoever asks.

Each file goes through ``files.CalendarFiles``. Worker processes send back values (the
file's busy time or its ``CalendarDataError``, and the warnings given), which are replayed
here in file order, so ``--strict`` and the warning stream behave the same however a file
was loaded.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CalendarDataError, Warn
from ..intervals import Interval
from .files import CalendarFile, CalendarFiles, FileBusy

if TYPE_CHECKING:
    from ..cache import Cache

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each file."""

# Below this much data to parse, starting worker processes costs more than it saves.
_PARALLEL_MIN_BYTES = 512 * 1024


@dataclass(frozen=True)
class FileJob(CalendarFile):
    """A calendar file to load, and whether bare spans will do for it."""

    # Bare spans will do (no member using this calendar needs event identity), unless the
    # file holds one of these excluded UIDs or event ids.
    spans_will_do: bool = False
    excluded_ids: frozenset[str] = frozenset()


_Loaded = tuple[tuple[str, ...], FileBusy | CalendarDataError]
"""A file's warnings, in order, and its busy time or the error that stopped it."""


def _load_one(job: FileJob, window: Interval, files: CalendarFiles) -> _Loaded:
    warnings: list[str] = []
    try:
        if job.spans_will_do:
            bare = files.bare_spans(job, window, warnings.append, job.excluded_ids)
            if bare is not None:
                return tuple(warnings), bare
            warnings.clear()
        busy = files.busy(job, window, warnings.append)
    except CalendarDataError as error:
        return tuple(warnings), error
    return tuple(warnings), busy


def _load_in_worker(job: FileJob, window: Interval, cache_directory: Path | None) -> _Loaded:
    """``_load_one`` in a worker process, with its own connection to the cache."""
    from ..cache import Cache

    cache = None if cache_directory is None else Cache.open(cache_directory)
    try:
        return _load_one(job, window, CalendarFiles(cache))
    finally:
        if cache is not None:
            cache.close()


def _start_method() -> str:
    """``fork`` (fast: nothing to import again) only when no other thread can hold a lock
    at the moment of forking; else ``forkserver``."""
    alone = threading.current_thread() is threading.main_thread()
    return "fork" if alone and threading.active_count() == 1 else "forkserver"


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def load_files(
    jobs: Sequence[FileJob],
    window: Interval,
    warn: Warn,
    *,
    cache: Cache | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[FileBusy]:
    """Load every file of ``jobs`` over ``window``; results in the order of ``jobs``.

    Files the cache cannot serve whole are parsed in worker processes when there are at
    least two of them and enough data to be worth it. Raises the first file's
    ``CalendarDataError`` (in job order) after replaying the warnings before it.
    """
    files = CalendarFiles(cache)
    total = len(jobs)
    loaded: list[_Loaded | None] = [None] * total
    # Only which files go to worker processes depends on this, never an answer.
    cold = [
        index for index, job in enumerate(jobs) if not files.is_warm(job, window, any_calendar=True)
    ]
    worker_count = workers if workers is not None else min(2, os.cpu_count() or 1)
    parallel = (
        worker_count > 1
        and len(cold) >= 2
        and sum(_size(jobs[index].path) for index in cold) >= _PARALLEL_MIN_BYTES
    )
    done = 0
    if parallel:
        # Imported here: a warm query should not pay for the process machinery.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        cache_directory = None if cache is None else cache.directory
        with ProcessPoolExecutor(
            max_workers=min(worker_count, len(cold)),
            mp_context=multiprocessing.get_context(_start_method()),
        ) as pool:
            # Largest first, so that one big file does not finish alone at the end.
            largest_first = sorted(cold, key=lambda index: -_size(jobs[index].path))
            futures = {
                index: pool.submit(_load_in_worker, jobs[index], window, cache_directory)
                for index in largest_first
            }
            for index, future in futures.items():
                loaded[index] = future.result()
                done += 1
                if progress is not None:
                    progress(done, total)
    for index, job in enumerate(jobs):
        if loaded[index] is None:
            loaded[index] = _load_one(job, window, files)
            done += 1
            if progress is not None:
                progress(done, total)

    results: list[FileBusy] = []
    given: set[str] = set()  # a warning about an account comes from each of its files
    for item in loaded:
        assert item is not None
        warnings, outcome = item
        for message in warnings:
            if message not in given:
                given.add(message)
                warn(message)
        if isinstance(outcome, CalendarDataError):
            raise outcome
        results.append(outcome)
    return results
