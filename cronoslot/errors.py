"""The error types of cronoslot and the exit codes they map to, named in one place."""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import Any

Warn = Callable[[str], None]
"""Receives one warning message (no 'warning:' prefix); the CLI prints or, under --strict,
raises."""

ErrorBody = dict[str, list[dict[str, str]]]


class ExitCode(IntEnum):
    """Exit statuses of the command line (SPEC section 7)."""

    OK = 0
    INVALID_REQUEST = 1
    USAGE = 2
    CALENDAR_DATA = 3


class CronoslotError(Exception):
    """Base of every error cronoslot raises on purpose."""

    exit_code: ExitCode = ExitCode.CALENDAR_DATA


class InvalidRequest(CronoslotError):
    """A request that fails validation; carries the API's whole 422 ``errors`` dict."""

    exit_code = ExitCode.INVALID_REQUEST

    def __init__(self, errors: ErrorBody) -> None:
        self.errors = errors
        super().__init__(f"invalid request: {', '.join(sorted(errors))}")

    def body(self) -> dict[str, Any]:
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


class UsageError(CronoslotError):
    """Wrong use of the command line or the library (a missing store, an unreadable request)."""

    exit_code = ExitCode.USAGE


class ErrorCollector:
    """Gathers validation problems so that every one is reported at once."""

    def __init__(self) -> None:
        self.errors: ErrorBody = {}

    def add(self, path: str, name: str, description: str) -> None:
        entry = {"key": f"errors.{name}", "description": description}
        bucket = self.errors.setdefault(path or "request", [])
        if entry not in bucket:
            bucket.append(entry)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidRequest(self.errors)
