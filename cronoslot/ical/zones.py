"""Time zones: where a calendar's floating times are read, and whose zone each TZID is.

SPEC 2: floating times, all-day dates, and times whose TZID is neither defined in the file
nor a known zone name are read in the calendar's zone: its X-WR-TIMEZONE, else the
account's ``tzid``, else UTC (``calendar_zone``). Outlook's Windows zone names ("W. Europe
Standard Time") are known names too (``zone_by_name``).

icalendar keeps VTIMEZONE definitions in a process-wide cache keyed by TZID and never
replaces an entry, so two files defining "Customized Time Zone" differently would share the
first definition. ``rezone`` therefore re-attaches every TZID of a parsed component to this
file's own definition (``custom_zones``) or to the IANA zone of its name, and makes a TZID
that is neither floating (the caller warns: ``unknown TZID``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, time, timezone, tzinfo
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from .. import timeutil
from ..models import AccountSettings
from .text import RawCalendar, RawComponent
from .values import as_list

# Properties whose values may carry a TZID parameter.
_ZONED_PROPERTIES = ("DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "EXDATE", "RDATE")


def instant(value: object, zone: tzinfo) -> int:
    """A DTSTART-like value as an instant: floating times and dates are read in ``zone``
    (a date is that day's local midnight; a wall time that does not exist follows fold=0).
    Raises ValueError for anything else."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            value = value.replace(tzinfo=zone)
        return timeutil.from_datetime(value)
    if isinstance(value, date):
        return timeutil.from_datetime(datetime.combine(value, time(), tzinfo=zone))
    raise ValueError(f"not a date or date-time: {value!r}")


def zone_name(zone: tzinfo) -> str:
    """The zone's IANA key, for messages."""
    return getattr(zone, "key", None) or str(zone)


def zone_by_name(name: str) -> ZoneInfo | None:
    """An IANA zone, or the IANA zone of a Windows zone name (as icalendar maps them)."""
    if timeutil.is_zone(name):
        return timeutil.get_zone(name)
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    olson = WINDOWS_TO_OLSON.get(name)
    if isinstance(olson, str) and timeutil.is_zone(olson):
        return timeutil.get_zone(olson)
    return None


class CalendarZone(NamedTuple):
    """Where a VCALENDAR block's floating times, dates and unknown TZIDs are read."""

    zone: tzinfo
    from_file: bool  # a usable X-WR-TIMEZONE: normalise as Google intends (google.py)
    given: bool  # False: UTC for want of X-WR-TIMEZONE and the account's tzid


def calendar_zone(
    raw: RawCalendar, settings: AccountSettings, warn: Callable[[str, int], None]
) -> CalendarZone:
    """The calendar's zone: a usable X-WR-TIMEZONE, else the account's tzid, else UTC. An
    unusable X-WR-TIMEZONE is ignored with a warning (``warn(message, line)``)."""
    for line in raw.properties:
        if line.name != "X-WR-TIMEZONE":
            continue
        name = line.value.strip()
        zone = zone_by_name(name)
        if zone is not None:
            return CalendarZone(zone, True, True)
        warn(
            f"line {line.line_number}: X-WR-TIMEZONE {name!r} is not a known zone: ignored",
            line.line_number,
        )
        break
    if settings.tzid and timeutil.is_zone(settings.tzid):
        return CalendarZone(timeutil.get_zone(settings.tzid), False, True)
    return CalendarZone(UTC, False, False)


ZONELESS_WARNING = (
    "floating or all-day times are read in UTC: the file has no X-WR-TIMEZONE and "
    'account.json no "tzid"; set "tzid" in account.json to the zone they are meant in'
)

# A DTSTART or DTEND line of a floating time or a date (no TZID parameter, no ``Z``).
_ZONELESS_TIME = re.compile(
    r"[\r\n][ \t]*(?:DTSTART|DTEND)((?:;[^:\r\n]*)?):[ \t]*\d{8}(?:T\d{6})?[ \t]*(?=[\r\n])",
    re.IGNORECASE,
)


def has_zoneless_times(raw: RawCalendar) -> bool:
    """Whether some VEVENT of the block starts or ends at a floating time or on a date (a
    VTIMEZONE's own floating DTSTARTs do not count), as its text shows."""
    for component in raw.components:
        if component.name != "VEVENT":
            continue
        for match in _ZONELESS_TIME.finditer(component.text):
            if "TZID" not in match.group(1).upper():
                return True
    return False


def custom_zones(
    vtimezones: Iterable[tuple[RawComponent, Any]],
    skip: Callable[[RawComponent, str], None],
) -> dict[str, tzinfo]:
    """The zones of a block's parsed VTIMEZONEs (pairs of text and icalendar component)
    whose TZIDs are not known zone names, by TZID. One that cannot be used is skipped."""
    from icalendar.timezone import tzp

    zones: dict[str, tzinfo] = {}
    for raw, component in vtimezones:
        try:
            tzid = str(component["TZID"])
            if zone_by_name(tzid) is not None:
                continue  # an IANA or Windows name: the real zone is used
            zones[tzid] = tzp.create_timezone(component)
        except Exception as error:
            skip(raw, f"time zone cannot be used: {error}")
    return zones


def rezone(component: Any, custom: dict[str, tzinfo]) -> list[str]:
    """Attach each TZID of a parsed component to this file's definition (``custom``) or
    to the zone of its name; make the others floating. Returns those unknown TZIDs,
    sorted: their times are read in the calendar's zone, and the caller warns."""
    unknown: set[str] = set()
    for name in _ZONED_PROPERTIES:
        for prop in as_list(component.get(name)):
            tzid = _tzid(prop)
            if not tzid:
                continue
            zone = custom.get(tzid) or custom.get(tzid.strip("/"))
            if zone is None:
                # Resolve known names ourselves: icalendar's process-wide zone cache may hold
                # another file's custom definition under a Windows or IANA name.
                zone = zone_by_name(tzid)
            if zone is None:
                resolved = _first_tzinfo(prop)
                if resolved is None or isinstance(resolved, ZoneInfo | timezone):
                    continue  # dates only, or a zone icalendar knows by name
                unknown.add(tzid)
            _replace_zone(prop, zone)
    # A TZID icalendar could not resolve leaves a naive value: that is "unknown" too.
    for name in _ZONED_PROPERTIES:
        for prop in as_list(component.get(name)):
            tzid = _tzid(prop)
            if tzid and tzid not in custom and _has_naive_datetime(prop):
                unknown.add(tzid)
    return sorted(unknown)


def _tzid(prop: Any) -> str | None:
    params = getattr(prop, "params", None)
    tzid = params.get("TZID") if params is not None else None
    return str(tzid) if tzid else None


def _holders(prop: Any) -> list[Any]:
    """The raw ``.dt`` holders of a date-time property (one, or several for EXDATE/RDATE)."""
    dts = getattr(prop, "dts", None)
    if dts is not None:
        return list(dts)
    return [prop] if hasattr(prop, "dt") else []


def _first_datetimes(prop: Any) -> Iterator[Any]:
    """The values of the property's holders, a PERIOD by its start."""
    for holder in _holders(prop):
        value = holder.dt
        yield value[0] if isinstance(value, tuple) else value


def _first_tzinfo(prop: Any) -> tzinfo | None:
    for value in _first_datetimes(prop):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.tzinfo
    return None


def _has_naive_datetime(prop: Any) -> bool:
    return any(
        isinstance(value, datetime) and value.tzinfo is None for value in _first_datetimes(prop)
    )


def _replace_zone(prop: Any, zone: tzinfo | None, *, naive_only: bool = False) -> None:
    """Keep the written wall-clock times, in ``zone`` (None: floating); with
    ``naive_only``, only those of floating times."""

    def rezoned(value: Any) -> Any:
        if isinstance(value, datetime) and not (naive_only and value.tzinfo is not None):
            return value.replace(tzinfo=zone)
        if isinstance(value, tuple):
            return tuple(rezoned(part) for part in value)
        return value

    for holder in _holders(prop):
        holder.dt = rezoned(holder.dt)


def floating_in(component: Any, zone: tzinfo) -> None:
    """Read the floating times of a parsed component's DTSTART, DTEND, RDATE, EXDATE and
    RECURRENCE-ID in ``zone`` (SPEC 2), so that no floating time meets a zoned one."""
    for name in _ZONED_PROPERTIES:
        for prop in as_list(component.get(name)):
            _replace_zone(prop, zone, naive_only=True)


__all__ = [
    "ZONELESS_WARNING",
    "CalendarZone",
    "calendar_zone",
    "custom_zones",
    "floating_in",
    "has_zoneless_times",
    "instant",
    "rezone",
    "zone_by_name",
    "zone_name",
]
