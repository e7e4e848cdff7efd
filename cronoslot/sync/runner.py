"""Syncing many sources at once: each fetched within its timeout, checked, and written only
when whole.

For each source, under its calendar's lock (``locks``):

1. fetch: an ICS feed with a conditional GET (``feeds``), a CalDAV collection through
   ``caldav`` (``caldav_source``);
2. check that the new bytes are a whole iCalendar file (the loader's own "not iCalendar /
   truncated" checks, ``cronoslot.ical.text.split_calendar_text``);
3. replace ``SUB/CALENDAR_ID.ics`` atomically (``cronoslot.store.writer.atomic_write``), and
   only when the bytes differ;
4. record the attempt in ``SUB/.sync/CALENDAR_ID.json`` (``state``).

A CalDAV source whose file is one of cronoslot's booking calendars (``book`` writes its
events to the server too: ``cronoslot.book.remote``) is written with the booking calendar's
mark, so that it stays one; ``book`` holds the same calendar lock while it writes.

A fetch that fails, times out, is cut short, too big or not iCalendar leaves the previous
file exactly as it was, and its error (secret-free) in the state. No other file of the
store is touched.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .. import timeutil
from ..book.calendars import is_own_file
from ..engine.freshness import real_clock
from ..ical.loader import decode_calendar_bytes
from ..ical.text import NotICalendar, split_calendar_text
from .caldav_source import fetch_collection, merge_objects, read_snapshot, write_snapshot
from .credentials import credentials_for
from .feeds import Credentials, FetchError, fetch_feed
from .locks import LockTimeout, locked
from .redact import redact_text, secrets_of
from .sources import Source, SourceKind
from .state import SyncState, read_state, write_state

Status = Literal["updated", "unchanged", "failed"]
SyncProgress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each source, and now and then while waiting."""

DEFAULT_TIMEOUT = 30.0
DEFAULT_JOBS = 4
# How much longer than its own timeout a sync waits for another process's sync of the same
# calendar to finish.
_LOCK_GRACE = 10.0
_PROGRESS_TICK = 0.25


@dataclass(frozen=True)
class SyncOutcome:
    """What syncing one source did. ``last_success`` is the real time of its last good sync
    (this one's, when it succeeded); ``detail`` and ``notes`` are for people."""

    sub: str
    calendar_id: str
    status: Status
    error: str | None
    last_success: int | None
    source: str  # the URL as it may be shown
    detail: str | None = None
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "sub": self.sub,
            "calendar_id": self.calendar_id,
            "status": self.status,
            "error": self.error,
            "last_success": (
                None if self.last_success is None else timeutil.format_time(self.last_success)
            ),
        }


def check_whole(data: bytes) -> None:
    """Raise ``FetchError`` unless ``data`` is a whole iCalendar file."""
    text, _ = decode_calendar_bytes(data)
    try:
        split_calendar_text(text)
    except NotICalendar as error:
        raise FetchError(f"the answer is not whole iCalendar ({error})") from None


def _replace_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically unless it holds exactly that; True if written."""
    from ..store.writer import atomic_write

    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write(path, data)
    return True


@dataclass
class _Attempt:
    """One source's sync, under its lock."""

    account: Path
    source: Source
    timeout: float
    environ: Mapping[str, str] | None
    credentials: Credentials | None = None

    @property
    def calendar_file(self) -> Path:
        return self.account / f"{self.source.calendar_id}.ics"

    def run(self) -> SyncOutcome:
        source = self.source
        previous = read_state(self.account, source.calendar_id)
        if previous is not None and previous.source != source.fingerprint:
            previous = None  # the state of another URL
        if not self.calendar_file.exists():
            previous = (
                None
                if previous is None
                else SyncState(
                    previous.source,
                    last_attempt=previous.last_attempt,
                    last_success=previous.last_success,
                    last_error=previous.last_error,
                )
            )
        attempt = real_clock()
        try:
            self.credentials = credentials_for(source, self.environ)
            if source.kind is SourceKind.CALDAV:
                status, detail, notes = self._caldav()
                etag = last_modified = None
            else:
                status, etag, last_modified = self._feed(previous)
                detail, notes = None, ()
            succeeded = SyncState(source.fingerprint, etag, last_modified, attempt, attempt)
            write_state(self.account, source.calendar_id, succeeded)
        except (FetchError, OSError) as error:
            message = self._shown_error(error)
            failed = SyncState(
                source.fingerprint,
                previous.etag if previous else None,
                previous.last_modified if previous else None,
                attempt,
                previous.last_success if previous else None,
                message,
            )
            with suppress(OSError):  # the error is reported all the same
                write_state(self.account, source.calendar_id, failed)
            return SyncOutcome(
                source.sub,
                source.calendar_id,
                "failed",
                message,
                failed.last_success,
                source.shown,
            )
        return SyncOutcome(
            source.sub, source.calendar_id, status, None, attempt, source.shown, detail, notes
        )

    def _shown_error(self, error: Exception) -> str:
        if isinstance(error, OSError):
            text = f"cannot write into the store: {error.strerror or type(error).__name__}"
        else:
            text = str(error)
        password = None if self.credentials is None else self.credentials.password
        return redact_text(text, secrets_of(self.source.url, password))

    def _feed(self, previous: SyncState | None) -> tuple[Status, str | None, str | None]:
        response = fetch_feed(
            self.source.url,
            timeout=self.timeout,
            etag=previous.etag if previous else None,
            last_modified=previous.last_modified if previous else None,
            credentials=self.credentials,
        )
        if response.body is None:
            return "unchanged", response.etag, response.last_modified
        check_whole(response.body)
        written = _replace_if_changed(self.calendar_file, response.body)
        return ("updated" if written else "unchanged"), response.etag, response.last_modified

    def _caldav(self) -> tuple[Status, str, tuple[str, ...]]:
        source = self.source
        previous = None
        if self.calendar_file.exists():
            previous = read_snapshot(self.account, source.calendar_id, source.fingerprint)
        fetched = fetch_collection(source, self.credentials, previous, self.timeout)
        # A booking calendar that lives on the server stays cronoslot's own (book.remote).
        booking = is_own_file(self.calendar_file)
        data, left_out = merge_objects(fetched.snapshot.objects, booking=booking)
        check_whole(data)
        written = _replace_if_changed(self.calendar_file, data)
        if fetched.snapshot != previous:
            write_snapshot(self.account, source.calendar_id, fetched.snapshot)
        how = "incremental" if fetched.incremental else "full listing"
        detail = f"{how}: {fetched.changed} changed, {fetched.removed} removed"
        notes: tuple[str, ...] = ()
        if left_out:
            notes = (
                f"{source.sub}/{source.calendar_id}: {left_out} calendar object(s) on the "
                "server are not iCalendar and were left out",
            )
        return ("updated" if written else "unchanged"), detail, notes


def sync_one(
    account: Path,
    source: Source,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    environ: Mapping[str, str] | None = None,
) -> SyncOutcome:
    """Sync one source into its account folder ``account``."""
    try:
        with locked(account, source.calendar_id, timeout + _LOCK_GRACE):
            return _Attempt(account, source, timeout, environ).run()
    except LockTimeout:
        error = "another sync of this calendar is still running"
    except OSError as problem:
        error = f"cannot lock the calendar: {problem.strerror or type(problem).__name__}"
    except Exception as problem:  # a bug, or a library's surprise: this source fails alone
        error = f"unexpected failure ({type(problem).__name__}); please report it"
    state = read_state(account, source.calendar_id)
    last_success = state.last_success if state and state.source == source.fingerprint else None
    return SyncOutcome(source.sub, source.calendar_id, "failed", error, last_success, source.shown)


def sync_sources(
    accounts: Mapping[str, Path],
    sources: Sequence[Source],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    jobs: int = DEFAULT_JOBS,
    progress: SyncProgress | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[SyncOutcome]:
    """Sync ``sources`` (of the accounts whose folders ``accounts`` gives), ``jobs`` at a
    time; outcomes in the order of ``sources``."""
    total = len(sources)
    if total == 0:
        return []
    environ = dict(os.environ) if environ is None else environ
    outcomes: list[SyncOutcome | None] = [None] * total
    done = 0
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, total))) as pool:
        futures = {
            pool.submit(
                sync_one, accounts[source.sub], source, timeout=timeout, environ=environ
            ): index
            for index, source in enumerate(sources)
        }
        pending = set(futures)
        while pending:
            # Woken now and then even when nothing finished, so that a progress bar can
            # appear while one slow source holds the rest up.
            finished, pending = wait(pending, timeout=_PROGRESS_TICK, return_when=FIRST_COMPLETED)
            for future in finished:
                outcomes[futures[future]] = future.result()
            done += len(finished)
            if progress is not None:
                progress(done, total)
    return [outcome for outcome in outcomes if outcome is not None]


__all__ = [
    "DEFAULT_JOBS",
    "DEFAULT_TIMEOUT",
    "SyncOutcome",
    "SyncProgress",
    "check_whole",
    "sync_one",
    "sync_sources",
]
