"""The front door's arguments, read as a ``Session`` takes them: request bodies (bytes,
text or a decoded object), moments (a Time string or an aware datetime), a maximum age,
and the cache setting. Bad values are ``UsageError`` (or, for a body, ``InvalidRequest``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import timeutil
from .errors import InvalidRequest, UsageError

if TYPE_CHECKING:
    from .cache import Cache

Body = bytes | str | Mapping[str, Any]
"""A request body: JSON as bytes or text, or the already decoded object."""

Moment = str | datetime
"""A Time string (``2027-04-22T09:00:00Z``) or an aware datetime."""


def instant(moment: Moment, what: str) -> int:
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


def max_age_seconds(value: int | str | timedelta | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, str):
        from .engine.freshness import parse_duration

        try:
            seconds = parse_duration(value)
        except ValueError as error:
            raise UsageError(f"max_age: {error}") from None
    elif isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    else:
        raise UsageError("max_age must be seconds, a timedelta or a string like 24h")
    if seconds <= 0:
        raise UsageError("max_age must be positive")
    return int(seconds)


def is_sequence(body: Body) -> bool:
    """Whether a body is a Sequenced Availability request (a JSON object with
    ``sequence``); a body that is not JSON is left for the parser to report."""
    if isinstance(body, bytes | str):
        try:
            body = json.loads(body)
        except ValueError:
            return False
    return isinstance(body, Mapping) and "sequence" in body


def json_body(body: Body) -> bytes | str:
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


def open_cache(cache: bool | str | os.PathLike[str]) -> Cache | None:
    if cache is False:
        return None
    from .cache import Cache, default_cache_dir

    directory = default_cache_dir() if cache is True else Path(cache)
    return Cache.open(directory)


__all__ = ["Body", "Moment", "instant", "is_sequence", "json_body", "max_age_seconds", "open_cache"]
