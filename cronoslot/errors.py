"""The error types of cronoslot and the exit codes they map to, named in one place."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import IntEnum
from pathlib import Path
from typing import Any

Warn = Callable[[str], None]
"""Receives one warning message (no 'warning:' prefix); the CLI prints or, under --strict,
raises."""

ErrorBody = dict[str, list[dict[str, str]]]


class ExitCode(IntEnum):
    """Exit statuses of the command line (SPEC section 7), named once: ``cronoslot --help``
    and README's table list the same codes and meanings."""

    OK = 0
    INVALID_REQUEST = 1
    USAGE = 2
    CALENDAR_DATA = 3
    SYNC_FAILED = 4
    CONFLICT = 5
    INTERNAL = 70
    INTERRUPTED = 130

    @property
    def meaning(self) -> str:
        return _EXIT_MEANINGS[self]


_EXIT_MEANINGS = {
    ExitCode.OK: "answered (an empty answer too)",
    ExitCode.INVALID_REQUEST: "invalid request: the error body is the last line of stderr",
    ExitCode.USAGE: "wrong command-line usage (an unknown option, a missing store, a bad --now)",
    ExitCode.CALENDAR_DATA: "calendar data that cannot be used, or a warning under --strict",
    ExitCode.SYNC_FAILED: (
        "a calendar server failed: a source did not sync (the others still count), or a "
        "booking calendar's CalDAV server could not be written (nothing was booked)"
    ),
    ExitCode.CONFLICT: "conflict: the chosen time is no longer available (nothing was booked)",
    ExitCode.INTERNAL: "internal failure, a bug of cronoslot's: please report it (EX_SOFTWARE)",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
}


class CronoslotError(Exception):
    """Base of every error cronoslot raises on purpose."""

    exit_code: ExitCode = ExitCode.CALENDAR_DATA


class InvalidRequest(CronoslotError):
    """A request that fails validation; carries the API's whole 422 ``errors`` dict."""

    exit_code = ExitCode.INVALID_REQUEST

    def __init__(self, errors: ErrorBody) -> None:
        self.errors = errors
        super().__init__(f"invalid request: {', '.join(sorted(errors))}")

    @property
    def body(self) -> dict[str, Any]:
        """The API's 422 body: ``{"errors": {path: [{"key", "description"}]}}``."""
        return {"errors": self.errors}


class CalendarDataError(CronoslotError):
    """Calendar store data that cannot be used: an unreadable or non-iCalendar file, a broken
    ``account.json``, ``availability_rules.json`` or ``available_periods.json``."""

    exit_code = ExitCode.CALENDAR_DATA

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = Path(path)
        self.message = message
        super().__init__(f"{path}: {message}")

    def __reduce__(self) -> tuple[type[CalendarDataError], tuple[Path, str]]:
        # Pickled as its arguments, so that it travels back from a worker process.
        return (type(self), (self.path, self.message))


class StrictWarning(CalendarDataError):
    """A warning about calendar data, turned into an error by strict mode."""

    def __init__(self, warning: str) -> None:
        super().__init__("strict mode", f"warning treated as an error: {warning}")
        self.warning = warning


class UsageError(CronoslotError):
    """Wrong use of the command line or the library (a missing store, an unreadable request)."""

    exit_code = ExitCode.USAGE


class SyncFailed(CronoslotError):
    """``cronoslot sync``: at least one source failed (the answer lists which, and why)."""

    exit_code = ExitCode.SYNC_FAILED


class BookingConflict(CronoslotError):
    """A booking whose chosen time is no longer available (someone else booked it, or a
    calendar changed since the query): nothing was written. ``conflicts`` says, per
    event, what is no longer available."""

    exit_code = ExitCode.CONFLICT

    def __init__(self, conflicts: Sequence[str], *, outcome: str = "nothing was booked") -> None:
        self.conflicts = tuple(conflicts)
        super().__init__(f"conflict: {'; '.join(self.conflicts)}; {outcome}")


class CalendarServerError(CronoslotError):
    """``book`` or ``cancel``: a booking calendar's CalDAV server could not be reached, or
    refused the write for another reason than a precondition (that is a
    ``BookingConflict``); nothing of the booking stays. The message names no secret."""

    exit_code = ExitCode.SYNC_FAILED
