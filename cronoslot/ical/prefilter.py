"""A cheap textual pre-filter: drop VEVENT series that cannot touch a query window.

Parsing a component with icalendar costs about 0.3 ms, and a calendar export is years deep
while a query looks at a few weeks. Before parsing, the loader asks this module which
components to keep. The decision is made on the raw text of ``ical_split`` components,
conservatively: a component is dropped only when its own text *proves* that none of its
occurrences can overlap the window. Anything odd (a value we cannot read, a missing
DTSTART, an RDATE, a COUNT, a RANGE override) is kept, so the full parser sees it and warns
exactly as it would without the filter.

Times are read as written (``YYYYMMDD[THHMMSS[Z]]``) and their TZID is ignored: any zone,
a floating time or an all-day date is less than a day away from the same digits read as
UTC, so the window is widened by a safe margin instead of resolving zones.

VEVENTs are kept or dropped by UID group (master, duplicate masters and every override
together), because an override changes its series and the series decides which of
several masters wins. A VEVENT without UID is a group of its own (recurring-ical-events
does not tie UID-less overrides to UID-less masters either).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from ..intervals import Interval
from ..models import Reach, reach_touches
from .text import RawComponent, value_of

DAY = 86400

# A written date or date-time is read as UTC: the truth is less than a day off (offsets are
# below 24 hours). Two days keep single events safe with room to spare.
SINGLE_MARGIN = 2 * DAY
# A series bounded by UNTIL: UNTIL, DTSTART and DTEND may each be a day off, and an
# occurrence's length may change by an hour across DST: four days cover all of it.
SERIES_MARGIN = 4 * DAY

_DATE_TIME = re.compile(r"(\d{8})(?:T(\d{6})Z?)?")
_DURATION = re.compile(
    r"\+?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", re.IGNORECASE
)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

# ``YYYYMMDD`` -> days since the epoch, or None when it is not a real date, for one call of
# ``prefilter_components``: a file repeats its dates, and building a ``date`` costs more
# than a look-up. One per call, not per module: the loader runs in several threads.
DaysRead = dict[str, int | None]


def _days_of(digits: str, days_read: DaysRead) -> int | None:
    days = days_read.get(digits, -1)
    if days != -1:
        return days
    number = int(digits)
    try:
        days = date(number // 10000, number // 100 % 100, number % 100).toordinal()
        days -= _EPOCH_ORDINAL
    except ValueError:
        days = None
    days_read[digits] = days
    return days


def read_instant(text: str, days_read: DaysRead | None = None) -> tuple[int, bool] | None:
    """``YYYYMMDD[THHMMSS[Z]]`` as seconds since the epoch read as UTC, and whether it is a
    date only; None when the text is anything else (or not a real date). ``days_read``
    remembers the dates read so far."""
    match = _DATE_TIME.fullmatch(text.strip())
    if match is None:
        return None
    day_digits, time_digits = match.groups()
    days = _days_of(day_digits, days_read if days_read is not None else {})
    if days is None:
        return None
    if time_digits is None:
        return days * DAY, True
    number = int(time_digits)
    hours, minutes, seconds = number // 10000, number // 100 % 100, number % 100
    if hours > 23 or minutes > 59 or seconds > 60:
        return None
    return days * DAY + hours * 3600 + minutes * 60 + seconds, False


def read_duration(text: str) -> int | None:
    """A non-negative RFC 5545 DURATION in seconds; None for anything else."""
    text = text.strip()
    match = _DURATION.fullmatch(text)
    if match is None or text.upper() in ("P", "+P") or text.upper().endswith("T"):
        return None
    weeks, days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds


# The lines the filter reads, after the BEGIN line: its properties (DTSTART, DTEND,
# DURATION, RRULE, RDATE, RECURRENCE-ID, UID) and BEGIN/END of the components inside. The
# name is what comes before the first ``;`` or ``:``, spaces and case aside (as
# ``LogicalLine.name`` reads it); other lines are passed over by the regex, unread.
_READ_NAMES = r"(BEGIN|END|DTSTART|DTEND|DURATION|RRULE|RDATE|RECURRENCE-ID|UID)"
# Two ways to read such a line. First the usual one: the name, then parameters without a
# quote or colon, a colon and the value (groups 1-3). Then any other (groups 4-5: the line
# and its name), split as ``value_of`` does.
_READ_LINE_BODY = (
    rf"(?:{_READ_NAMES}(;[^:\"\r\n]*)?:([^\r\n]*)"
    rf"|([^\S\r\n]*{_READ_NAMES}[^\S\r\n]*(?:[;:][^\r\n]*)?))(?=[\r\n]|\Z)"
)
_READ_LINE = re.compile(r"[\r\n]" + _READ_LINE_BODY, re.IGNORECASE)
# The same when every line starts after a LF (no lone CR): a pattern starting with a
# literal is searched several times faster than one starting with a class.
_READ_LINE_AFTER_LF = re.compile(r"\n" + _READ_LINE_BODY, re.IGNORECASE)


def _top_level_properties(raw: RawComponent) -> dict[str, list[tuple[str, str]]]:
    """The component's own properties that the filter reads (not those of a VALARM inside
    it): name -> list of (parameters text, value text), in file order."""
    properties: dict[str, list[tuple[str, str]]] = {}
    depth = 0
    read_line = _READ_LINE_AFTER_LF if raw.lines_follow_lf else _READ_LINE
    for match in read_line.finditer(raw.text):
        usual_name, parameters, value, text, other_name = match.groups()
        name = (usual_name or other_name).upper()
        if name == "BEGIN":
            depth += 1
            continue
        if name == "END":
            depth -= 1
            continue
        if depth != 0:
            continue
        if usual_name is not None:
            if parameters is None:
                parameters = ""
            if not value:
                parameters += ":"  # as the general reading below leaves it
        else:
            value = value_of(text)
            head = text[: len(text) - len(value) - 1] if value else text
            # The line starts with the name unless it starts with spaces.
            parameters = head[len(name) :] if match.start(5) == match.start(4) else head
        entry = (parameters.upper(), value)
        if name in properties:
            properties[name].append(entry)
        else:
            properties[name] = [entry]
    return properties


def _single(properties: dict[str, list[tuple[str, str]]], name: str) -> str | None:
    """The value of a property that must appear once; None when absent or repeated."""
    values = properties.get(name, [])
    return values[0][1] if len(values) == 1 else None


def _rule_parts(rule: str) -> dict[str, str] | None:
    parts: dict[str, str] = {}
    for part in rule.split(";"):
        key, equals, value = part.partition("=")
        if not equals:
            return None
        parts[key.strip().upper()] = value.strip().upper()
    return parts


def might_touch(raw: RawComponent, window: Interval) -> bool:
    """False only when the VEVENT's text proves that none of its occurrences can overlap
    ``window`` (the loader's ``[start, end)`` instants); True otherwise."""
    return reach_touches(component_reach(raw), window)


def component_reach(raw: RawComponent) -> Reach | None:
    """The spans of instants (closed, with margins) that a window must touch for the
    component to matter to it, as its text proves; None when the text proves nothing (it
    may matter to every window). A window that touches it is never filtered out, so the
    loader warns about a component exactly when a window touches its reach."""
    return _reach(raw, _top_level_properties(raw), {})


def _reach(
    raw: RawComponent, properties: dict[str, list[tuple[str, str]]], days_read: DaysRead
) -> Reach | None:
    if raw.name != "VEVENT" or raw.problem is not None:
        return None
    timing = _timing(properties, days_read)
    if timing is None:
        return _ends_before_start_reach(properties, days_read)
    start, length, _ = timing
    spans: list[tuple[int | None, int | None]] = []

    if "RECURRENCE-ID" in properties:
        # An override: it matters where it now is and which occurrence it replaces. A
        # RANGE=THISANDFUTURE override moves later occurrences too: it may matter anywhere.
        recurrence = properties["RECURRENCE-ID"]
        if len(recurrence) != 1 or "RANGE" in recurrence[0][0]:
            return None
        replaced = read_instant(recurrence[0][1], days_read)
        if replaced is None:
            return None
        spans.append(_near_span(replaced[0], replaced[0] + length))
    if "RDATE" in properties or ("RRULE" in properties and "RECURRENCE-ID" in properties):
        return None  # extra dates anywhere, or an override that is a series itself
    rules = properties.get("RRULE", [])
    if not rules:
        spans.append(_near_span(start, start + length))
        return tuple(spans)

    # A series: no occurrence starts before DTSTART (recurring-ical-events also yields
    # DTSTART itself), and with UNTIL none starts after UNTIL.
    last_start = start
    for _, rule in rules:
        parts = _rule_parts(rule)
        until = None
        if parts is not None and "COUNT" not in parts and "UNTIL" in parts:
            until = read_instant(parts["UNTIL"], days_read)
        if until is None:
            return (*spans, (start - SINGLE_MARGIN, None))
        last_start = max(last_start, until[0])
    return (*spans, (start - SINGLE_MARGIN, last_start + length + SERIES_MARGIN))


def _timing(
    properties: dict[str, list[tuple[str, str]]], days_read: DaysRead
) -> tuple[int, int, bool] | None:
    """(start, length of one occurrence, whether DTSTART is a date) read from the text;
    None when DTSTART or the end is missing, repeated or unreadable, or the end is before
    the start."""
    start_text = _single(properties, "DTSTART")
    start_read = read_instant(start_text, days_read) if start_text is not None else None
    if start_read is None:
        return None
    start, is_date = start_read
    if "DTEND" in properties:
        end_text = _single(properties, "DTEND")
        end_read = read_instant(end_text, days_read) if end_text is not None else None
        if end_read is None:
            return None
        length = end_read[0] - start
    elif "DURATION" in properties:
        duration_text = _single(properties, "DURATION")
        duration = read_duration(duration_text) if duration_text is not None else None
        if duration is None:
            return None
        length = duration
    else:
        length = DAY if is_date else 0
    if length < 0:
        return None  # an end before the start: let the parser warn about it
    return start, length, is_date


def _ends_before_start_reach(
    properties: dict[str, list[tuple[str, str]]], days_read: DaysRead
) -> Reach | None:
    """The reach of a single event whose written DTEND is before its DTSTART: the parser
    skips it when that is so in its zones too, else it is less than a day long (zones are
    less than a day apart), so it lies within days of its start. None (anywhere) for
    anything else whose times cannot be read: the parser decides, and warns."""
    if any(name in properties for name in ("RRULE", "RDATE", "RECURRENCE-ID", "DURATION")):
        return None
    start_text, end_text = _single(properties, "DTSTART"), _single(properties, "DTEND")
    start = read_instant(start_text, days_read) if start_text is not None else None
    end = read_instant(end_text, days_read) if end_text is not None else None
    if start is None or end is None or end[0] >= start[0]:
        return None
    return ((start[0] - SERIES_MARGIN, start[0] + SERIES_MARGIN),)


def _near_span(start: int, end: int) -> tuple[int, int]:
    """The instants a window must touch to be near ``[start, end)`` (read as UTC)."""
    return start - SINGLE_MARGIN, end + SINGLE_MARGIN


def _near(start: int, end: int, window: Interval) -> bool:
    return reach_touches((_near_span(start, end),), window)


def _group_key(properties: dict[str, list[tuple[str, str]]], index: int) -> object:
    uids = properties.get("UID")
    uid = uids[0][1].strip() if uids else ""  # as ``RawComponent.uid`` reads it
    if not uid:
        return index  # alone
    # icalendar unescapes text values: two spellings of one UID are one series.
    return uid.replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


def _lone_override(
    properties: dict[str, list[tuple[str, str]]], days_read: DaysRead
) -> tuple[int, int, int, bool] | None:
    """(start, length, replaced instant, whether its times are dates) of a plain override:
    one RECURRENCE-ID without RANGE, no rule or extra dates of its own, readable times of
    one kind (all dates or all date-times). None for anything else."""
    recurrence = properties.get("RECURRENCE-ID", [])
    if len(recurrence) != 1 or "RANGE" in recurrence[0][0]:
        return None
    if "RRULE" in properties or "RDATE" in properties:
        return None
    timing = _timing(properties, days_read)
    replaced = read_instant(recurrence[0][1], days_read)
    if timing is None or replaced is None or replaced[1] != timing[2]:
        return None
    start, length, is_date = timing
    return start, length, replaced[0], is_date


def _far_overrides(
    members: list[tuple[RawComponent, dict[str, list[tuple[str, str]]]]],
    window: Interval,
    days_read: DaysRead,
) -> set[int]:
    """The indexes (into ``members``, one UID group that touches the window) of overrides
    that can be left out on their own.

    An override can go when its own span and the occurrence it replaces are both far from
    the window: without it, recurring-ical-events yields the replaced occurrence at its
    original time, with the master's length, and that is clipped away too. The masters
    must all be readable (their length is the replaced occurrence's, their DTSTART of the
    override's kind) and have no RDATE (a PERIOD would give another length). Two overrides
    of one occurrence fight by SEQUENCE, so an override whose replaced instant may equal
    a kept one's stays with it.
    """
    master_lengths: list[int] = []
    master_dates: set[bool] = set()
    overrides: dict[int, tuple[int, int, int, bool]] = {}
    for index, (raw, properties) in enumerate(members):
        if any("RANGE" in parameters for parameters, _ in properties.get("RECURRENCE-ID", [])):
            # RANGE=THISANDFUTURE moves every later occurrence that has no override of its
            # own: leaving one out would let the occurrence it replaces move into the window.
            return set()
        if "RECURRENCE-ID" in properties:
            override = _lone_override(properties, days_read)
            if override is not None and raw.problem is None:
                overrides[index] = override
            continue
        timing = _timing(properties, days_read)
        if timing is None or "RDATE" in properties or raw.problem is not None:
            return set()
        master_lengths.append(timing[1])
        master_dates.add(timing[2])
    if len(master_dates) > 1:
        return set()
    longest = max(master_lengths, default=0)
    far: set[int] = set()
    for index, (start, length, replaced, is_date) in overrides.items():
        if master_dates and is_date not in master_dates:
            continue
        if not _near(start, start + length, window) and not _near(
            replaced, replaced + longest, window
        ):
            far.add(index)
    # Replaced instants are read as UTC: two that are written more than two days apart
    # are different instants whatever their zones.
    kept_replaced = [override[2] for index, override in overrides.items() if index not in far]
    changed = True
    while changed:
        changed = False
        for index in sorted(far):
            replaced = overrides[index][2]
            if any(abs(replaced - other) <= SINGLE_MARGIN for other in kept_replaced):
                far.discard(index)
                kept_replaced.append(replaced)
                changed = True
    return far


def prefilter_components(
    components: Sequence[RawComponent], window: Interval
) -> list[RawComponent]:
    """``components`` in file order, less the VEVENT UID groups of which no member might
    touch ``window``, and less the overrides in the other groups that are far from it on
    their own (``_far_overrides``). Every other component (VTIMEZONE, VFREEBUSY, ...) is
    kept."""
    days_read: DaysRead = {}
    touching: dict[object, bool] = {}
    groups: dict[object, list[tuple[RawComponent, dict[str, list[tuple[str, str]]]]]] = {}
    for index, raw in enumerate(components):
        if raw.name != "VEVENT":
            continue
        properties = _top_level_properties(raw)
        key = _group_key(properties, index)
        groups.setdefault(key, []).append((raw, properties))
        if not touching.get(key, False):
            touching[key] = reach_touches(_reach(raw, properties, days_read), window)
    dropped: set[int] = set()  # ids of the components left out
    for key, members in groups.items():
        if not touching[key]:
            dropped.update(id(raw) for raw, _ in members)
        elif len(members) > 1:
            far = _far_overrides(members, window, days_read)
            dropped.update(id(members[index][0]) for index in far)
    return [raw for raw in components if id(raw) not in dropped]


__all__ = [
    "component_reach",
    "might_touch",
    "prefilter_components",
    "read_duration",
    "read_instant",
]
