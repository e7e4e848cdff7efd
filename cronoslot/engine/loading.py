"""Loading many calendar files: through the cache when there is one, over both cores when
many files must be parsed, with progress reported to whoever asks.

Warnings of files loaded in worker processes come back as values and are replayed here in
file order, so ``--strict`` and the warning stream behave the same however a file was loaded.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CalendarDataError, Warn
from ..intervals import Interval
from ..models import AccountSettings, BusyInterval, Transparency

if TYPE_CHECKING:
    from ..cache.database import Cache

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each file."""

# Below this much data to parse, starting worker processes costs more than it saves.
_PARALLEL_MIN_BYTES = 512 * 1024


@dataclass(frozen=True)
class FileJob:
    path: Path
    calendar_id: str
    settings: AccountSettings
    # Bare spans will do (no member using this calendar needs event identity), unless the
    # file holds one of these excluded UIDs or event ids.
    spans_will_do: bool = False
    excluded_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FileResult:
    """Either intervals, or (from a warm cache, when the job allowed it) bare spans."""

    intervals: tuple[BusyInterval, ...]
    disconnected: bool = False
    spans: dict[Transparency, list[Interval]] | None = None


@dataclass(frozen=True)
class _Outcome:
    """What a worker sends back: never an exception object (they do not all pickle)."""

    intervals: tuple[BusyInterval, ...]
    disconnected: bool
    warnings: tuple[str, ...]
    error: tuple[str, str] | None  # (path, message) of a CalendarDataError
    spans: dict[Transparency, list[Interval]] | None = None


def _load_one(job: FileJob, window: Interval, cache: Cache | None) -> _Outcome:
    warnings: list[str] = []
    try:
        if cache is not None and job.spans_will_do:
            bare = cache.load_spans(
                job.path,
                calendar_id=job.calendar_id,
                settings=job.settings,
                window=window,
                warn=warnings.append,
                excluded_ids=job.excluded_ids,
            )
            if bare is not None:
                return _Outcome((), False, tuple(warnings), None, bare.spans)
            warnings.clear()
        if cache is not None:
            loaded = cache.load_file(
                job.path,
                calendar_id=job.calendar_id,
                settings=job.settings,
                window=window,
                warn=warnings.append,
            )
            return _Outcome(loaded.intervals, loaded.disconnected, tuple(warnings), None)
        from ..ical.loader import load_calendar

        intervals = load_calendar(
            job.path,
            calendar_id=job.calendar_id,
            settings=job.settings,
            window=window,
            warn=warnings.append,
        )
        return _Outcome(tuple(intervals), False, tuple(warnings), None)
    except CalendarDataError as error:
        return _Outcome((), False, tuple(warnings), (str(error.path), error.message))


# Each worker process opens its own connection to the cache.
_worker_cache: Cache | None = None


def _worker_init(cache_dir: str | None) -> None:
    global _worker_cache
    if cache_dir is not None:
        from ..cache.database import Cache

        _worker_cache = Cache.open(Path(cache_dir))


def _worker_load(job: FileJob, window: Interval) -> _Outcome:
    return _load_one(job, window, _worker_cache)


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
    cache_dir: Path | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[FileResult]:
    """Load every file of ``jobs`` over ``window``; results in the order of ``jobs``.

    Files the cache cannot serve whole are parsed in worker processes when there are at
    least two of them and enough data to be worth it. Raises the first file's
    ``CalendarDataError`` (in job order) after replaying the warnings before it.
    """
    total = len(jobs)
    outcomes: list[_Outcome | None] = [None] * total
    cold = [
        index
        for index, job in enumerate(jobs)
        if cache is None or not cache.is_warm(job.path, job.settings, window)
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

        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            max_workers=min(worker_count, len(cold)),
            mp_context=context,
            initializer=_worker_init,
            initargs=(str(cache_dir) if cache is not None and cache_dir is not None else None,),
        ) as pool:
            # Largest first, so that one big file does not finish alone at the end.
            largest_first = sorted(cold, key=lambda index: -_size(jobs[index].path))
            futures = {
                index: pool.submit(_worker_load, jobs[index], window) for index in largest_first
            }
            for index, future in futures.items():
                outcomes[index] = future.result()
                done += 1
                if progress is not None:
                    progress(done, total)
    for index, job in enumerate(jobs):
        if outcomes[index] is None:
            outcomes[index] = _load_one(job, window, cache)
            done += 1
            if progress is not None:
                progress(done, total)

    results: list[FileResult] = []
    for outcome in outcomes:
        assert outcome is not None
        for message in outcome.warnings:
            warn(message)
        if outcome.error is not None:
            raise CalendarDataError(*outcome.error)
        results.append(FileResult(outcome.intervals, outcome.disconnected, outcome.spans))
    return results
