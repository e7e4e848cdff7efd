"""The front door: ``cronoslot.open(store)`` gives a ``Session`` whose methods answer.

Every adapter (the command line, and later sync, book and the server) goes through a
session instead of copying the flow of a query: read the clock, validate the request
against the store, load each calendar once (through the cache), solve, write the answer.

A session holds no per-query state: each call opens the store afresh (so it sees files
changed since the last call), reads the clock when no ``now`` was given, and gathers its
own loading state. One session may be used many times and from several threads at once;
only the collected warnings and the cache connection (which serialises its own use) are
shared.

Every call that reads the store holds the store's lock shared while it reads
(``book.lock``): a booking, which holds it exclusively, is never seen half written, and
one a killed process left is rolled back before anything is read. ``book`` and ``cancel``
go through the same validation and query methods as the queries (``book.booking``).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from . import timeutil
from .errors import InvalidRequest, StrictWarning, UsageError, Warn
from .models import (
    AvailabilityRequest,
    AvailabilityResult,
    BusyInterval,
    SequenceRequest,
    SequenceResult,
)
from .names import valid_name

if TYPE_CHECKING:
    from .book.results import Booking
    from .cache import Cache
    from .engine.loading import Progress
    from .store import Store

Body = bytes | str | Mapping[str, Any]
"""A request body: JSON as bytes or text, or the already decoded object."""

Moment = str | datetime
"""A Time string (``2027-04-22T09:00:00Z``) or an aware datetime."""


class Session:
    """An open calendar store (``cronoslot.open``); use it as a context manager, or
    ``close`` it.

    - ``now``: the current time for every query (a Time string or an aware datetime);
      None reads the clock at each call.
    - ``cache``: True for the default cache directory (``$CRONOSLOT_CACHE_DIR``, else
      ``$XDG_CACHE_HOME/cronoslot``), False for none, or a directory. A cache that cannot
      be opened is not used; it never changes an answer.
    - ``strict``: every warning is an error (``InvalidRequest`` for unknown keys of a
      request, ``StrictWarning``, a ``CalendarDataError``, for calendar data).
    - ``warn``: called with each warning's text; by default they are collected in
      ``Session.warnings``.
    - ``workers``: processes for parsing many cold files (None: as many as pay, at most
      two); ``progress``: called as ``progress(done, total)`` while files load.

    Raises ``UsageError`` when ``calendars`` is not a directory or ``now`` is not a Time.
    """

    def __init__(
        self,
        calendars: str | os.PathLike[str],
        *,
        now: Moment | None = None,
        cache: bool | str | os.PathLike[str] = True,
        strict: bool = False,
        warn: Warn | None = None,
        workers: int | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.root = Path(calendars)
        self._store()  # a missing store is a usage error now, not at the first query
        self.now = None if now is None else _instant(now, "now")
        self.strict = strict
        self._warn = warn
        self._collected: list[str] = []
        self._lock = threading.Lock()
        self._workers = workers
        self._progress = progress
        self._cache = _open_cache(cache)

    # --- the queries -------------------------------------------------------------------

    def availability(self, body: Body) -> dict[str, Any]:
        """Answer an Availability query: the API's response body (``available_periods``
        or ``available_slots``, and ``member_statuses`` when asked for)."""
        from .api.response import availability_json

        return availability_json(self.availability_result(body))

    def sequence(self, body: Body) -> dict[str, Any]:
        """Answer a Sequenced Availability query: ``{"sequences": [...]}``."""
        from .api.response import sequence_json

        return sequence_json(self.sequence_result(body))

    def busy(
        self, sub: str, start: Moment, end: Moment, *, show_private: bool = False
    ) -> dict[str, Any]:
        """What the loader makes of account ``sub`` over ``[start, end)``, before any
        request option applies: ``{"sub", "busy": [...]}`` as ``cronoslot busy`` prints it.
        Summaries of private events are None unless ``show_private``."""
        from .api.response import busy_json

        intervals = self.busy_intervals(sub, start, end)
        return busy_json(sub, intervals, show_private=show_private)

    # --- the same, as dataclasses --------------------------------------------------------

    def availability_result(self, body: Body) -> AvailabilityResult:
        return self.answer_availability(self.parse_availability(body))

    def sequence_result(self, body: Body) -> SequenceResult:
        return self.answer_sequence(self.parse_sequence(body))

    def parse_availability(self, body: Body) -> AvailabilityRequest:
        """Validate an Availability query against the store; raises ``InvalidRequest``
        with every problem found."""
        from .api.request import parse_availability

        with self._reading():
            return parse_availability(_json_bytes(body), **self._validation())

    def parse_sequence(self, body: Body) -> SequenceRequest:
        """Validate a Sequenced Availability query; raises ``InvalidRequest``."""
        from .api.request import parse_sequence

        with self._reading():
            return parse_sequence(_json_bytes(body), **self._validation())

    def answer_availability(self, request: AvailabilityRequest) -> AvailabilityResult:
        """Answer a validated Availability request (calendars are read here)."""
        from .engine import queries

        with self._reading():
            store = self._store()
            return queries.availability(request, store, self._calendar_warning, self._load())

    def answer_sequence(self, request: SequenceRequest) -> SequenceResult:
        from .engine import queries

        with self._reading():
            store = self._store()
            return queries.sequence(request, store, self._calendar_warning, self._load())

    def busy_intervals(self, sub: str, start: Moment, end: Moment) -> list[BusyInterval]:
        """The busy intervals behind ``busy``, sorted by start, end, calendar_id."""
        from .engine import queries

        first, last = _instant(start, "start"), _instant(end, "end")
        if last <= first:
            raise UsageError("the end must be after the start")
        if not valid_name(sub):
            raise UsageError(f"{sub!r} is not a valid account name")
        with self._reading():
            store = self._store()
            if not store.has_account(sub):
                raise UsageError(f"no account '{sub}' in the store {self.root}")
            return queries.busy(store, sub, first, last, self._calendar_warning, self._load())

    # --- booking -----------------------------------------------------------------------

    def book(self, request: Body, choice: Body, **options: Any) -> dict[str, Any]:
        """Book ``choice``, one item of this session's answer to ``request``, into every
        participant's booking calendar: ``{"booked": [{"event_id", "event_uid", "start",
        "end", "subs"}]}``. Options as ``book_result``."""
        from .book.results import booking_json

        return booking_json(self.book_result(request, choice, **options))

    def book_result(
        self,
        request: Body,
        choice: Body,
        *,
        event_id: str | None = None,
        summary: str | None = None,
        description: str | None = None,
        organizer: str | None = None,
        calendar_id: str = "cronoslot",
        invite_dir: str | os.PathLike[str] | None = None,
        dry_run: bool = False,
    ) -> Booking:
        """``book`` as a ``Booking``. The check and the writes happen under the store's
        exclusive lock: ``BookingConflict`` when the choice is no longer available
        (nothing written), ``InvalidRequest`` when it is not an answer to ``request``."""
        from .book.booking import Booker, BookingOptions

        options = BookingOptions(
            event_id=event_id,
            summary=summary,
            description=description,
            organizer=organizer,
            calendar_id=calendar_id,
            invite_dir=None if invite_dir is None else Path(invite_dir),
            dry_run=dry_run,
        )
        return Booker(self, now=self._now(), note=self._note).book(request, choice, options)

    def cancel(
        self, event_id: str, *, invite_dir: str | os.PathLike[str] | None = None
    ) -> dict[str, Any]:
        """Take a booked event out of every booking calendar: ``{"cancelled": [...]}``;
        ``InvalidRequest`` (``unknown_event``) when no booking calendar holds it."""
        from .book.booking import Booker
        from .book.results import booking_json

        directory = None if invite_dir is None else Path(invite_dir)
        booker = Booker(self, now=self._now(), note=self._note)
        return booking_json(booker.cancel(event_id, directory))

    # --- warnings ----------------------------------------------------------------------

    @property
    def warnings(self) -> tuple[str, ...]:
        """The warnings of the calls so far (empty when a ``warn`` callable was given)."""
        with self._lock:
            return tuple(self._collected)

    def _note(self, message: str) -> None:
        """A warning about the request, or one that strict mode lets pass."""
        if self._warn is not None:
            self._warn(message)
            return
        with self._lock:
            self._collected.append(message)

    def _calendar_warning(self, message: str) -> None:
        if self.strict:
            raise StrictWarning(message)
        self._note(message)

    # --- per call ------------------------------------------------------------------------

    def _now(self) -> int:
        return self.now if self.now is not None else int(time.time())

    def _validation(self) -> dict[str, Any]:
        """What the request parsers need: the clock, the store, strictness, a warn."""
        return {
            "now": self._now(),
            "store": self._store(),
            "strict": self.strict,
            "warn": self._note,
        }

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Hold the store shared while a call reads it, so that it never sees a booking
        half written; an interrupted booking is rolled back first."""
        from .book.lock import shared

        with shared(self.root, self._note):
            yield

    def _store(self) -> Store:
        from .store import Store

        return Store(self.root)

    def _load(self) -> Any:
        from .engine.queries import LoadOptions

        return LoadOptions(cache=self._cache, workers=self._workers, progress=self._progress)

    # --- closing -----------------------------------------------------------------------

    def close(self) -> None:
        """Close the cache connection; the session must not be used afterwards."""
        if self._cache is not None:
            self._cache.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _instant(moment: Moment, what: str) -> int:
    if isinstance(moment, datetime):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise UsageError(f"{what} must be an aware datetime (with a time zone)")
        return timeutil.from_datetime(moment)
    if isinstance(moment, str):
        try:
            return timeutil.parse_time(moment)
        except timeutil.TimeFormatError:
            raise UsageError(f"{what} {moment!r} is not a Time like 2027-04-22T09:00:00Z") from None
    raise UsageError(f"{what} must be a Time string or an aware datetime")


def _json_bytes(body: Body) -> bytes | str:
    """The body as the parser reads it: text and bytes as they are (the parser reports bad
    JSON as ``invalid_json``); a decoded object written back as JSON."""
    if isinstance(body, bytes | str):
        return body
    try:
        return json.dumps(body, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise InvalidRequest(
            {"request": [{"key": "errors.invalid_json", "description": f"not JSON: {error}"}]}
        ) from None


def _open_cache(cache: bool | str | os.PathLike[str]) -> Cache | None:
    if cache is False:
        return None
    from .cache import Cache, default_cache_dir

    directory = default_cache_dir() if cache is True else Path(cache)
    return Cache.open(directory)


open = Session
"""``cronoslot.open(calendars, ...)``: the front door, a ``Session`` over the store."""

__all__ = ["Body", "Moment", "Session", "open"]
