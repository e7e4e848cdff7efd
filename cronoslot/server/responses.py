"""Every status and body the server sends, and the one mapping of errors to statuses.

Answers are the session's response dicts (``cronoslot.api.response``), as compact JSON.
An invalid request is 422 with the API's errors body. Anything else that goes wrong is
``{"error": KEY, "description": TEXT}`` (calendar data adds ``sub``, ``calendar_id`` and
``file``, relative to the store); an unexpected failure says only that it happened: its
details go to the server's log, never to the client.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import CalendarDataError, InvalidRequest, UsageError

Reply = tuple[int, bytes]
"""An HTTP status and its JSON body."""

JSON_TYPE = "application/json; charset=utf-8"


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def answer(body: dict[str, Any]) -> Reply:
    return 200, encode(body)


def problem(status: int, key: str, description: str, **details: Any) -> Reply:
    return status, encode({"error": key, "description": description, **details})


def unauthorized() -> Reply:
    return problem(401, "unauthorized", "send 'Authorization: Bearer TOKEN' with a valid token")


def not_found() -> Reply:
    return problem(
        404, "not_found", "no such path: POST /v1/availability or /v1/sequenced_availability"
    )


def method_not_allowed() -> Reply:
    return problem(405, "method_not_allowed", "this path only answers the methods in Allow")


def too_large(limit: int) -> Reply:
    return problem(413, "too_large", f"the request body is over {limit} bytes (--max-body)")


def unsupported_type() -> Reply:
    return problem(
        415, "unsupported_media_type", "send the request as 'Content-Type: application/json'"
    )


def timed_out(seconds: float) -> Reply:
    return problem(
        503, "timeout", f"the request took longer than {seconds:g} s (--request-timeout)"
    )


def internal() -> Reply:
    return problem(500, "internal", "an unexpected failure; the details are in the server's log")


def healthy() -> Reply:
    return answer({"status": "ok"})


def _calendar_of(path: Path, root: Path) -> dict[str, str | None]:
    """The account, calendar and file (relative to the store) an error names."""
    try:
        relative = path.relative_to(root)
    except ValueError:
        try:
            relative = path.resolve().relative_to(root.resolve())
        except (ValueError, OSError):
            return {"sub": None, "calendar_id": None, "file": path.name}
    parts = relative.parts
    is_calendar = len(parts) == 2 and relative.suffix.lower() in (".ics", ".ifb")
    return {
        "sub": parts[0] if len(parts) == 2 else None,
        "calendar_id": relative.stem if is_calendar else None,
        "file": relative.as_posix(),
    }


def for_error(error: BaseException, root: Path, log: Callable[[str], None]) -> Reply:
    """The reply for an error raised while answering, logging what the client is not
    told (or everything an operator needs)."""
    if isinstance(error, InvalidRequest):
        return 422, encode(error.body)
    if isinstance(error, CalendarDataError):
        named = _calendar_of(error.path, root)
        log(f"error: calendar data that cannot be used: {named['file']}: {error.message}")
        return problem(
            500,
            "calendar_data",
            f"calendar data that cannot be used: {named['file']}: {error.message}",
            **named,
        )
    if isinstance(error, UsageError):
        log(f"error: {error}")
        return problem(500, "store_unavailable", "the calendar store cannot be used right now")
    details = "".join(traceback.format_exception(error)).rstrip()
    log(f"error: unexpected failure, a bug of cronoslot's (please report it):\n{details}")
    return internal()


__all__ = [
    "JSON_TYPE",
    "Reply",
    "answer",
    "encode",
    "for_error",
    "healthy",
    "internal",
    "method_not_allowed",
    "not_found",
    "problem",
    "timed_out",
    "too_large",
    "unauthorized",
    "unsupported_type",
]
