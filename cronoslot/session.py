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

import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .arguments import (
    Body,
    Moment,
    instant,
    is_sequence,
    json_body,
    max_age_seconds,
    open_cache,
)
from .errors import StrictWarning, UsageError, Warn
from .models import (
    AvailabilityRequest,
    AvailabilityResult,
    BusyInterval,
    SequenceRequest,
    SequenceResult,
)
from .names import valid_name

if TYPE_CHECKING:
    from .api.limits import Limits
    from .book.results import Booking
    from .engine.loading import Progress
    from .explain import Explanation
    from .find import FindQuery, FindResult
    from .models import AccountSettings, MemberInput
    from .store import Store
    from .sync.runner import SyncOutcome, SyncProgress


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
    - ``max_age``: how old synced data may be before its member is ``disconnected`` (seconds,
      a ``timedelta`` or a string like ``90m``, ``24h``, ``7d``); None means 24h for calendars
      with a source. Given explicitly, it applies to plain files too (by modification
      time). Ages are measured on the real clock, never on ``now``.

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
        max_age: int | str | timedelta | None = None,
    ) -> None:
        self.root = Path(calendars)
        self.max_age = max_age_seconds(max_age)
        self._store()  # a missing store is a usage error now, not at the first query
        self.now = None if now is None else instant(now, "now")
        self.strict = strict
        self._warn = warn
        self._collected: list[str] = []
        self._lock = threading.Lock()
        self._workers = workers
        self._progress = progress
        self._cache = open_cache(cache)

    # --- the queries -------------------------------------------------------------------

    def availability(self, body: Body, *, limits: Limits | None = None) -> dict[str, Any]:
        """Answer an Availability query: the API's response body (``available_periods``
        or ``available_slots``, and ``member_statuses`` when asked for). ``limits``: the
        API's (the default) or ``cronoslot.api.limits.NO_API_LIMITS``."""
        from .api.response import availability_json

        return availability_json(self.availability_result(body, limits=limits))

    def sequence(self, body: Body, *, limits: Limits | None = None) -> dict[str, Any]:
        """Answer a Sequenced Availability query: ``{"sequences": [...]}``."""
        from .api.response import sequence_json

        return sequence_json(self.sequence_result(body, limits=limits))

    def busy(
        self, sub: str, start: Moment, end: Moment, *, show_private: bool = False
    ) -> dict[str, Any]:
        """What the loader makes of account ``sub`` over ``[start, end)``, before any
        request option applies: ``{"sub", "busy": [...]}`` as ``cronoslot busy`` prints it.
        Summaries of private events are None unless ``show_private``."""
        from .api.response import busy_json

        intervals = self.busy_intervals(sub, start, end)
        return busy_json(sub, intervals, show_private=show_private)

    def explain(
        self,
        body: Body,
        *,
        at: Moment | None = None,
        step: str | None = None,
        show_private: bool = False,
    ) -> dict[str, Any]:
        """Why ``[at, at + duration)`` is or is not available, or without ``at`` a
        diagnosis of the whole request: ``cronoslot explain``'s JSON (see
        ``explain_result``). Summaries of private events are None unless ``show_private``."""
        from .explain.to_json import explanation_json

        found = self.explain_result(body, at=at, step=step)
        return explanation_json(found, show_private=show_private)

    # --- the same, as dataclasses --------------------------------------------------------

    def explain_result(
        self, body: Body, *, at: Moment | None = None, step: str | None = None
    ) -> Explanation:
        """An Availability request's ``Verdict`` for the interval at ``at``, or its
        ``Diagnosis``. A Sequenced request (a body with ``sequence``, or any body with
        ``step``): step ``step``'s verdict or diagnosis, or without ``step`` the
        ``SequenceDiagnosis``. Computed from the layers and solvers the answers use."""
        from .engine import explaining

        moment = None if at is None else instant(at, "at")
        now = self._now()
        with self._reading():
            store, warn, load = self._store(), self._calendar_warning, self._load()
            if step is not None or is_sequence(body):
                sequence = self.parse_sequence(body)
                return explaining.sequence(sequence, store, warn, load, now, moment, step)
            request = self.parse_availability(body)
            return explaining.availability(request, store, warn, load, now, moment)

    def availability_result(
        self, body: Body, *, limits: Limits | None = None
    ) -> AvailabilityResult:
        return self.answer_availability(self.parse_availability(body, limits=limits))

    def sequence_result(self, body: Body, *, limits: Limits | None = None) -> SequenceResult:
        return self.answer_sequence(self.parse_sequence(body, limits=limits))

    def parse_availability(
        self, body: Body, *, limits: Limits | None = None
    ) -> AvailabilityRequest:
        """Validate an Availability query against the store, within ``limits`` (the API's
        by default); raises ``InvalidRequest`` with every problem found."""
        from .api.request import parse_availability

        with self._reading():
            return parse_availability(json_body(body), **self._validation(limits))

    def parse_sequence(self, body: Body, *, limits: Limits | None = None) -> SequenceRequest:
        """Validate a Sequenced Availability query; raises ``InvalidRequest``."""
        from .api.request import parse_sequence

        with self._reading():
            return parse_sequence(json_body(body), **self._validation(limits))

    def find(self, query: FindQuery) -> FindResult:
        """Answer a question in local time (``cronoslot find``): its plan (the days, their
        windows, the Availability request built) and the answer, without the API's limits.
        Raises ``UsageError`` when the query names no day to search."""
        from .api.limits import NO_API_LIMITS
        from .api.request import parse_availability
        from .find import FindResult, pick_slots, plan

        now = self._now()
        worked = plan(query, now)
        if worked.body is None:
            return FindResult(worked, None, AvailabilityResult(query.response_format, ()))
        validation = self._validation(NO_API_LIMITS, now=now)
        with self._reading():
            request = parse_availability(json_body(worked.body), **validation)
        result = self.answer_availability(request)
        if worked.pick_slots:
            result = pick_slots(result, query.limit)
        return FindResult(worked, request, result)

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

    def availability_inputs(self, request: AvailabilityRequest) -> list[list[MemberInput]]:
        """What the solver gets for a validated request, ``[group][member]``: each member
        appearance's busy time (over the query's window), managed availability and sync
        status. For pictures of the query (``--format grid``) and explanations."""
        from .engine import queries

        with self._reading():
            store = self._store()
            return queries.availability_inputs(request, store, self._calendar_warning, self._load())

    def sequence_inputs(self, request: SequenceRequest) -> list[list[list[MemberInput]]]:
        """The same for a validated sequence request: ``[step][group][member]``."""
        from .engine import queries

        with self._reading():
            store = self._store()
            return queries.sequence_inputs(request, store, self._calendar_warning, self._load())

    # --- the accounts --------------------------------------------------------------------

    def accounts(self) -> dict[str, str | None]:
        """Every account of the store, sorted, with the name people know it by (None when
        its ``account.json`` gives none or cannot be read: names are for finding, and an
        account a query uses is checked by the query)."""
        from .errors import CalendarDataError

        store = self._store()
        names: dict[str, str | None] = {}
        for sub in store.accounts():
            try:
                names[sub] = store.settings(sub).name
            except CalendarDataError:
                names[sub] = None
        return names

    def has_account(self, sub: str) -> bool:
        """Whether the store has an account ``sub`` (a folder of that valid name)."""
        return self._store().has_account(sub)

    def account_settings(self, sub: str) -> AccountSettings:
        """The account's ``account.json`` (defaults for an account without one, or with
        no folder); raises ``CalendarDataError`` for a malformed file."""
        from .models import AccountSettings

        if not valid_name(sub):
            return AccountSettings()
        return self._store().settings(sub)

    def managed_accounts(self, subs: Iterable[str]) -> frozenset[str]:
        """Those of ``subs`` whose accounts have managed availability to use: availability
        rules or available periods (raises ``CalendarDataError`` for a malformed file)."""
        store = self._store()
        return frozenset(
            sub
            for sub in subs
            if store.has_account(sub)
            and (store.availability_rules(sub) or store.available_periods(sub))
        )

    def display_names(self, subs: Iterable[str]) -> dict[str, str]:
        """How people know each account: its ``account.json`` ``name``, else its ``sub``.
        The one place output made for people gets names from (lines, tables, grids)."""
        return {sub: self.account_settings(sub).name or sub for sub in subs}

    def busy_intervals(self, sub: str, start: Moment, end: Moment) -> list[BusyInterval]:
        """The busy intervals behind ``busy``, sorted by start, end, calendar_id."""
        from .engine import queries

        first, last = instant(start, "start"), instant(end, "end")
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
        timeout: float = 30.0,
    ) -> Booking:
        """``book`` as a ``Booking``. The check and the writes happen under the store's
        exclusive lock: ``BookingConflict`` when the choice is no longer available
        (nothing written), ``InvalidRequest`` when it is not an answer to ``request``.
        A booking calendar that lives on a CalDAV server is written there too (each
        request within ``timeout`` seconds): ``CalendarServerError`` when it cannot be."""
        from .book.booking import Booker, BookingOptions

        options = BookingOptions(
            event_id=event_id,
            summary=summary,
            description=description,
            organizer=organizer,
            calendar_id=calendar_id,
            invite_dir=None if invite_dir is None else Path(invite_dir),
            dry_run=dry_run,
            timeout=timeout,
        )
        return Booker(self, now=self._now(), note=self._note).book(request, choice, options)

    def cancel(
        self,
        event_id: str,
        *,
        invite_dir: str | os.PathLike[str] | None = None,
        timeout: float = 30.0,
    ) -> dict[str, Any]:
        """Take a booked event out of every booking calendar: ``{"cancelled": [...]}``;
        ``InvalidRequest`` (``unknown_event``) when no booking calendar holds it."""
        from .book.booking import Booker
        from .book.results import booking_json

        directory = None if invite_dir is None else Path(invite_dir)
        booker = Booker(self, now=self._now(), note=self._note)
        return booking_json(booker.cancel(event_id, directory, timeout=timeout))

    # --- syncing sources (cronoslot.sync) --------------------------------------------------

    def sync(
        self,
        subs: Iterable[str] | None = None,
        *,
        calendars: Iterable[tuple[str, str]] | None = None,
        timeout: float = 30.0,
        jobs: int = 4,
        progress: SyncProgress | None = None,
        warn_failures: bool = False,
    ) -> tuple[SyncOutcome, ...]:
        """Fetch the sources of the accounts ``subs`` (None: every account with sources),
        or only those of ``calendars`` (``(sub, calendar_id)`` pairs), ``jobs`` at a time,
        each within ``timeout`` seconds; sorted by sub and calendar id. A source that fails
        is an outcome with status ``failed``, not an exception; its previous file stays
        (with ``warn_failures``, each failure is also a warning). Raises ``UsageError`` for
        an unknown account or a bad ``timeout``/``jobs``."""
        from .sync.registry import accounts_with_sources
        from .sync.runner import sync_sources

        if not timeout > 0 or jobs < 1:
            raise UsageError("the timeout must be positive and jobs at least 1")
        store = self._store()
        wanted = None if calendars is None else set(calendars)
        if subs is None:
            names = (
                accounts_with_sources(store)
                if wanted is None
                else sorted({sub for sub, _ in wanted})
            )
        else:
            names = list(dict.fromkeys(subs))
        accounts = {}
        for sub in names:
            folder = store.account_dir(sub) if valid_name(sub) else None
            if folder is None:
                raise UsageError(f"no account '{sub}' in the store {self.root}")
            accounts[sub] = folder
        sources = [
            source
            for sub in accounts
            for source in store.sources(sub)
            if wanted is None or (sub, source.calendar_id) in wanted
        ]
        sources.sort(key=lambda source: (source.sub, source.calendar_id))
        outcomes = sync_sources(accounts, sources, timeout=timeout, jobs=jobs, progress=progress)
        for outcome in outcomes:
            for note in outcome.notes:
                self._calendar_warning(note)
            if warn_failures and outcome.status == "failed":
                self._calendar_warning(
                    f"{outcome.sub}/{outcome.calendar_id}: sync failed ({outcome.error}); "
                    "answering from its last good data"
                )
        return tuple(outcomes)

    def sync_request(
        self,
        request: AvailabilityRequest | SequenceRequest,
        *,
        timeout: float = 30.0,
        jobs: int = 4,
        progress: SyncProgress | None = None,
    ) -> tuple[SyncOutcome, ...]:
        """Sync the sources of the calendars a validated request uses (``--sync``). A
        failure is a warning: the calendar's last good file answers."""
        from .engine.queries import used_calendars

        used = used_calendars(request, self._store())
        return self.sync(
            calendars=used, timeout=timeout, jobs=jobs, progress=progress, warn_failures=True
        )

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

    def _validation(
        self, limits: Limits | None = None, *, now: int | None = None
    ) -> dict[str, Any]:
        """What the request parsers need: the clock, the store, strictness, a warn, and the
        limits (the API's unless given)."""
        found: dict[str, Any] = {
            "now": self._now() if now is None else now,
            "store": self._store(),
            "strict": self.strict,
            "warn": self._note,
        }
        if limits is not None:
            found["limits"] = limits
        return found

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
        from .engine.freshness import Policy
        from .engine.queries import LoadOptions

        return LoadOptions(
            cache=self._cache,
            workers=self._workers,
            progress=self._progress,
            freshness=Policy(max_age=self.max_age),  # the real clock, read now
        )

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


open = Session
"""``cronoslot.open(calendars, ...)``: the front door, a ``Session`` over the store."""

__all__ = ["Body", "Moment", "Session", "open"]
