"""Time and Duration as the API writes them, and the one place that formats ``...Z``.

Inside cronoslot an instant is an ``int``: seconds since 1970-01-01T00:00Z. A duration is an
``int`` number of seconds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

Instant = int

MINUTE = 60
HOUR = 3600
DAY = 86400
WEEK = 7 * DAY

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# YYYY-MM-DDTHH:MM[:SS[.f...]] then Z or +hh:mm / -hh:mm. Upper-case T and Z only.
_TIME_RE = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})T(?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d+))?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})\Z",
    re.ASCII,  # \d must not accept other scripts' digits
)


class TimeFormatError(ValueError):
    """A string that is not a Time in the accepted ISO 8601 subset."""


def parse_time(text: str) -> Instant:
    """Parse a request Time into an instant; raise ``TimeFormatError`` otherwise.

    A non-zero fraction of a second is rejected: answers are whole seconds.
    """
    match = _TIME_RE.match(text)
    if match is None:
        raise TimeFormatError(text)
    fraction = match.group("fraction")
    if fraction is not None and fraction.strip("0"):
        raise TimeFormatError(text)
    zone = match.group("zone")
    if zone == "Z":
        tz = UTC
    else:
        sign = 1 if zone[0] == "+" else -1
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            raise TimeFormatError(text)
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        year, month, day = (int(part) for part in match.group("date").split("-"))
        moment = datetime(
            year,
            month,
            day,
            int(match.group("hour")),
            int(match.group("minute")),
            int(match.group("second") or 0),
            tzinfo=tz,
        )
    except ValueError as error:
        raise TimeFormatError(text) from error
    return from_datetime(moment)


def from_datetime(moment: datetime) -> Instant:
    """An aware datetime as an instant (whole seconds, rounded down)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    delta = moment - _EPOCH
    return delta.days * DAY + delta.seconds


def to_datetime(instant: Instant) -> datetime:
    """An instant as an aware UTC datetime."""
    return _EPOCH + timedelta(seconds=instant)


def format_time(instant: Instant) -> str:
    """The only formatter of output Times: UTC, ``YYYY-MM-DDTHH:MM:SSZ``."""
    return to_datetime(instant).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_local(instant: Instant, zone: str | None) -> str:
    """A human-readable time in ``zone`` (UTC when None), for tables only."""
    moment = to_datetime(instant)
    if zone:
        moment = moment.astimezone(get_zone(zone))
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip()


@lru_cache(maxsize=512)
def get_zone(name: str) -> ZoneInfo:
    """An IANA zone by name; raise ``KeyError`` for an unknown one. (``zoneinfo`` is
    imported here: a query that needs no zone does not pay for it.)"""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not name or not isinstance(name, str) or name.startswith("/") or ".." in name:
        raise KeyError(name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:
        raise KeyError(name) from error


def is_zone(name: object) -> bool:
    """True when ``name`` is a known IANA zone name."""
    if not isinstance(name, str):
        return False
    try:
        get_zone(name)
    except KeyError:
        return False
    return True


# Durations as people write them on the command line: ``90m``, ``1h30m``, ``24h``, ``7d``,
# units from weeks down to seconds, each at most once and in that order.
_WRITTEN_DURATION = re.compile(
    r"(?:(\d{1,9})w)?(?:(\d{1,9})d)?(?:(\d{1,9})h)?(?:(\d{1,9})m(?:in)?)?(?:(\d{1,9})s)?",
    re.ASCII,
)
_WRITTEN_UNITS = (WEEK, DAY, HOUR, MINUTE, 1)


def parse_written_duration(text: str) -> int:
    """A duration written like ``90m``, ``1h30m``, ``24h``, ``7d`` (also ``w``, ``s`` and
    ``min``; any letter case; blanks around it) as seconds. Raises ``ValueError``."""
    match = _WRITTEN_DURATION.fullmatch(text.strip().lower())
    if match is None or not any(match.groups()):
        raise ValueError(f"{text!r} is not a duration like 45m, 1h30m, 24h or 7d")
    return sum(
        int(part or 0) * unit for part, unit in zip(match.groups(), _WRITTEN_UNITS, strict=True)
    )


def format_written_duration(seconds: int) -> str:
    """A duration in one unit, rounded down: ``45s``, ``90m``, ``24h``, ``36h``, ``7d``."""
    seconds = max(0, seconds)
    if seconds < MINUTE:
        return f"{seconds}s"
    if seconds < 2 * HOUR and seconds % HOUR:
        return f"{seconds // MINUTE}m"
    if seconds <= 2 * DAY:
        return f"{seconds // HOUR}h"
    return f"{seconds // DAY}d"


def grid_ceil(instant: Instant, step: int) -> Instant:
    """The first grid instant at or after ``instant``; the grid is multiples of ``step``
    seconds since the epoch (clock-aligned)."""
    return -((-instant) // step) * step


def iso_week_start(instant: Instant) -> Instant:
    """Monday 00:00 UTC of the ISO week holding ``instant``."""
    # 1970-01-01 was a Thursday: Monday 1969-12-29 is 3 days before the epoch.
    offset = 3 * DAY
    return ((instant + offset) // WEEK) * WEEK - offset
