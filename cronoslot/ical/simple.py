"""Read a plain single VEVENT straight from its text, without icalendar.

Parsing a component with icalendar costs 0.3-0.5 ms, and after the window pre-filter most
of what is left of a calendar export are one-off events: a UID, a start, an end, a few
text properties. ``read_simple_event`` reads such an event from the text of its
``ical_split`` component and gives exactly what the icalendar path would make of it. It
is a whitelist: any line it does not fully understand (an unknown property, a parameter
that changes a value's type, a value outside the simple grammar, a repeated property, a
sub-component such as a VALARM, a TZID that is not an IANA name) makes it answer None,
and the loader hands the event to icalendar unchanged, so warnings and odd cases stay
exactly as they are.

What it mirrors (icalendar 7.3, x-wr-timezone 2.0, recurring-ical-events 3.8):

- TEXT values (UID, SUMMARY, STATUS, TRANSP, CLASS) and ATTENDEE addresses are unescaped
  as icalendar does: ``\\\\`` ``\\,`` ``\\;`` ``\\:`` become the character, ``\\n`` and
  ``\\N`` a line break, every other backslash stays. CATEGORIES is split on commas not
  escaped by a backslash, then each part is unescaped. Unknown ``X-`` properties
  (X-MICROSOFT-CDO-BUSYSTATUS, X-CRONOSLOT-EVENT-ID) are not unescaped at all.
- A file with a usable X-WR-TIMEZONE: a single event's UTC times keep their instant and
  its floating times are read in the calendar's zone (``google.single_event_value``).
- The occurrence's end is its start plus ``end - start`` (recurring-ical-events), which
  is wall-clock arithmetic in the start's zone; a DURATION is added to the start the
  same way.

What the values mean (SPEC 2's table, tags, ``private``) is decided by ``busy_rules``, the
same functions the icalendar path uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from .. import timeutil
from .busy_rules import (
    CDO_BUSY_STATUS,
    EVENT_ID,
    Description,
    is_own_address,
    is_private,
    partstat_of,
    tags_of,
    transparency_of,
)
from .google import single_event_value
from .text import RawComponent, value_of
from .zones import instant

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# NAME *(;PARAM=VALUE) : value, with one value per parameter (a comma list is left to
# icalendar), quoted values holding anything but a quote.
_CONTENT_LINE = re.compile(r'([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*))*):(.*)')
_PARAMETER = re.compile(r';([A-Za-z0-9-]+)=("[^"]*"|[^";:,]*)')
_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?")
_DURATION = re.compile(
    r"\+?P(?:(\d+)W|(\d+)D(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?|T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)"
)
_INTEGER = re.compile(r"\d{1,9}")
_UNESCAPE = re.compile(r"\\([\\,;:nN])")
# Lines of any depth that may name a UID (``uid_keys``).
_UID_LINE = re.compile(r"[\r\n][ \t]*UID[ \t]*[;:][^\r\n]*", re.IGNORECASE)

_UTC = ZoneInfo("UTC")

# Properties read (or checked) and kept by their first line.
_SINGLE = frozenset(
    {
        "DTSTART",
        "DTEND",
        "DURATION",
        "UID",
        "SUMMARY",
        "STATUS",
        "TRANSP",
        "CLASS",
        CDO_BUSY_STATUS,
        EVENT_ID,
        "DTSTAMP",
        "CREATED",
        "LAST-MODIFIED",
        "SEQUENCE",
        "PRIORITY",
    }
)
# Of these the loader reads the first line when repeated; other properties of
# ``_SINGLE`` repeated go to icalendar (two DTSTARTs are rejected, two UIDs or SEQUENCEs
# make recurring-ical-events fail).
_REPEATABLE = frozenset({"SUMMARY", "STATUS", "TRANSP", "CLASS", CDO_BUSY_STATUS, EVENT_ID})
# Properties whose value icalendar never rejects (TEXT, CAL-ADDRESS, unknown X- names
# without a VALUE parameter): read or passed over.
_FREE_TEXT = frozenset(
    {"DESCRIPTION", "LOCATION", "COMMENT", "CONTACT", "RESOURCES", "ORGANIZER", "ATTENDEE"}
)
_TEXT_SINGLE = frozenset({"UID", "SUMMARY", "STATUS", "TRANSP", "CLASS"})
_DATE_TIME_STAMPS = frozenset({"DTSTAMP", "CREATED", "LAST-MODIFIED"})


@dataclass(frozen=True)
class SimpleEvent:
    """What the icalendar path reads from a plain single VEVENT.

    ``start`` and ``end`` are the occurrence's as recurring-ical-events gives them (dates
    or date-times, naive ones floating); ``description`` is what ``busy_rules.describe``
    makes of the parsed component (None: the event makes no one busy).
    """

    start: date
    end: date
    uid: str | None
    description: Description | None


def unescape_text(value: str) -> str:
    """A TEXT value as icalendar gives it."""
    return _UNESCAPE.sub(lambda match: "\n" if match.group(1) in "nN" else match.group(1), value)


def split_categories(value: str) -> list[str]:
    """A CATEGORIES value's parts, as icalendar's ``split_on_unescaped_comma``: split on
    commas that no backslash escapes, each part unescaped."""
    if "\\" not in value:
        return value.split(",")
    parts: list[str] = []
    current: list[str] = []
    position = 0
    while position < len(value):
        character = value[position]
        if character == "\\" and position + 1 < len(value):
            current.append(value[position : position + 2])
            position += 2
            continue
        if character == ",":
            parts.append(unescape_text("".join(current)))
            current = []
        else:
            current.append(character)
        position += 1
    parts.append(unescape_text("".join(current)))
    return parts


def uid_keys(raw: RawComponent) -> set[str]:
    """Every UID the component's text names, at any depth, unescaped and stripped: a
    superset of the UID icalendar reads, so two components that may share a UID share a
    key."""
    return {
        unescape_text(value_of(match.group().lstrip("\r\n"))).strip()
        for match in _UID_LINE.finditer(raw.text)
    }


class _NotSimple(Exception):
    """The event is not one this module reads: icalendar must."""


def read_simple_event(
    raw: RawComponent, zone: tzinfo, zone_from_file: bool, emails: frozenset[str]
) -> SimpleEvent | None:
    """The event read from its text, or None when it is not a plain single event this
    module fully understands (the caller then uses icalendar).

    ``zone`` and ``zone_from_file`` are the calendar's zone and whether it comes from a
    usable X-WR-TIMEZONE; ``emails`` are the account's normalised addresses.
    """
    if raw.name != "VEVENT" or raw.problem is not None:
        return None
    try:
        return _read(raw.text, zone, zone_from_file, emails)
    except (_NotSimple, ValueError, OverflowError):
        return None


def _read(text: str, zone: tzinfo, zone_from_file: bool, emails: frozenset[str]) -> SimpleEvent:
    lines = [line for line in _LINE_BREAK.split(text) if line.strip()]
    if len(lines) < 2 or lines[0].upper() != "BEGIN:VEVENT" or lines[-1].upper() != "END:VEVENT":
        raise _NotSimple
    single: dict[str, tuple[dict[str, str], str]] = {}
    categories: list[str] = []
    partstats: set[str] = set()
    for line in lines[1:-1]:
        match = _CONTENT_LINE.fullmatch(line)
        if match is None:
            raise _NotSimple
        name = match.group(1).upper()
        parameters = _parameters(match.group(2))
        value = match.group(3)
        if "VALUE" in parameters and name not in ("DTSTART", "DTEND"):
            raise _NotSimple  # a type of its own: icalendar decides
        if name in _SINGLE:
            if name in single:
                if name not in _REPEATABLE:
                    raise _NotSimple  # rejected, or recurring-ical-events stumbles on it
                # icalendar keeps every line; the loader reads the first.
            else:
                single[name] = (parameters, value)
            if name in _DATE_TIME_STAMPS and (parameters or _time(value) is None):
                raise _NotSimple
            if name in ("SEQUENCE", "PRIORITY") and not _INTEGER.fullmatch(value):
                raise _NotSimple
        elif name == "CATEGORIES":
            categories.extend(split_categories(value))
        elif name in _FREE_TEXT or (name.startswith("X-") and name != "X-"):
            if name == "ATTENDEE" and emails and is_own_address(unescape_text(value), emails):
                partstat = parameters.get("PARTSTAT")
                partstats.add(partstat_of(_plain(partstat) if partstat is not None else None))
        else:
            raise _NotSimple  # BEGIN/END of a sub-component, RRULE, RECURRENCE-ID, GEO...

    start, end = _times(single, zone, zone_from_file)
    uid = _text(single, "UID")
    transparency = transparency_of(
        _upper_text(single, "STATUS"),
        single[CDO_BUSY_STATUS][1].strip().upper() if CDO_BUSY_STATUS in single else "",
        _upper_text(single, "TRANSP"),
        partstats,
    )
    if transparency is None:
        return SimpleEvent(start, end, uid, None)
    description = Description(
        transparency=transparency,
        event_uid=uid,
        event_id=single[EVENT_ID][1] or None if EVENT_ID in single else None,
        tags=tags_of(categories),
        summary=_text(single, "SUMMARY"),
        private=is_private(_upper_text(single, "CLASS")),
    )
    return SimpleEvent(start, end, uid, description)


def _parameters(text: str) -> dict[str, str]:
    parameters: dict[str, str] = {}
    for match in _PARAMETER.finditer(text):
        name = match.group(1).upper()
        if name in parameters:
            raise _NotSimple
        parameters[name] = match.group(2)
    return parameters


def _plain(parameter: str) -> str:
    """A parameter value we act on, unquoted; one icalendar might transform (RFC 6868
    ``^`` escapes, backslashes) is not simple."""
    if "^" in parameter or "\\" in parameter:
        raise _NotSimple
    if parameter.startswith('"'):
        return parameter[1:-1]
    return parameter


def _text(single: dict[str, tuple[dict[str, str], str]], name: str) -> str | None:
    if name not in single:
        return None
    return unescape_text(single[name][1]) or None


def _upper_text(single: dict[str, tuple[dict[str, str], str]], name: str) -> str:
    if name not in single:
        return ""
    return unescape_text(single[name][1]).strip().upper()


def _time(value: str) -> date | None:
    """``YYYYMMDD``, ``YYYYMMDDTHHMMSS`` (floating) or with ``Z`` (UTC); None otherwise.
    Raises ValueError for a date or time that does not exist."""
    match = _TIME.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, utc = match.groups()
    if hour is None:
        return date(int(year), int(month), int(day))
    return datetime(
        int(year),
        int(month),
        int(day),
        int(hour),
        int(minute),
        int(second),
        tzinfo=_UTC if utc else None,
    )


def _time_property(parameters: dict[str, str], value: str) -> date:
    """A DTSTART or DTEND value as icalendar (and the loader's re-zoning) reads it."""
    if set(parameters) - {"TZID", "VALUE"}:
        raise _NotSimple
    moment = _time(value)
    if moment is None:
        raise _NotSimple
    is_date_time = isinstance(moment, datetime)
    kind = _plain(parameters.get("VALUE", "DATE-TIME" if is_date_time else "DATE"))
    if kind != ("DATE-TIME" if is_date_time else "DATE"):
        raise _NotSimple
    if "TZID" in parameters:
        name = _plain(parameters["TZID"])
        # A known IANA name is read in that zone whatever VTIMEZONE the file defines for
        # it (the loader's ``_rezone``); anything else is left to icalendar.
        if not isinstance(moment, datetime) or moment.tzinfo is not None:
            raise _NotSimple
        if not timeutil.is_zone(name):
            raise _NotSimple
        moment = moment.replace(tzinfo=timeutil.get_zone(name))
    return moment


def _duration(value: str) -> timedelta:
    match = _DURATION.fullmatch(value)
    if match is None:
        raise _NotSimple
    weeks, days, hours, minutes, seconds, t_hours, t_minutes, t_seconds = (
        int(part or 0) for part in match.groups()
    )
    return timedelta(
        weeks=weeks,
        days=days,
        hours=hours + t_hours,
        minutes=minutes + t_minutes,
        seconds=seconds + t_seconds,
    )


def _times(
    single: dict[str, tuple[dict[str, str], str]], zone: tzinfo, zone_from_file: bool
) -> tuple[date, date]:
    """The occurrence's start and end; not simple when the written end is before the
    written start (the icalendar path warns about it)."""
    if "DTSTART" not in single or ("DTEND" in single and "DURATION" in single):
        raise _NotSimple
    start_written = _time_property(*single["DTSTART"])
    end_written: date | None = None
    if "DTEND" in single:
        end_written = _time_property(*single["DTEND"])
        if type(end_written) is not type(start_written):
            raise _NotSimple  # a date and a date-time: recurring-ical-events converts
        if (
            isinstance(start_written, datetime)
            and isinstance(end_written, datetime)
            and (start_written.tzinfo is None) != (end_written.tzinfo is None)
        ):
            raise _NotSimple  # floating and zoned: converted too
    # recurring-ical-events: the event runs from DTSTART for its end minus its start.
    adapter_start = single_event_value(start_written, zone) if zone_from_file else start_written
    if end_written is not None:
        adapter_end = single_event_value(end_written, zone) if zone_from_file else end_written
    elif "DURATION" in single:
        parameters, value = single["DURATION"]
        if parameters:
            raise _NotSimple
        length = _duration(value)
        if not isinstance(adapter_start, datetime) and length.seconds != 0:
            raise _NotSimple  # a date made a date-time by recurring-ical-events
        adapter_end = adapter_start + length
    elif isinstance(adapter_start, datetime):
        adapter_end = adapter_start
    else:
        adapter_end = adapter_start + timedelta(days=1)
    start = adapter_start
    end = start + (adapter_end - adapter_start)
    if end_written is not None and instant(end_written, zone) < instant(start_written, zone):
        raise _NotSimple
    return start, end


__all__ = [
    "SimpleEvent",
    "read_simple_event",
    "split_categories",
    "uid_keys",
    "unescape_text",
]
