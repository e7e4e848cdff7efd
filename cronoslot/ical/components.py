"""One component at a time: parse it with icalendar, or skip it with a warning.

icalendar rejects a whole file when one content line does not parse, so each top-level
component (cut out by ``text.py``) is parsed on its own. SPEC 2: a component that cannot
be used (a line that does not parse, a bad value, no or two DTSTARTs, an end before its
start) is skipped with a warning naming the file, the line where known, and the UID; the
rest of the calendar is used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta, tzinfo
from pathlib import Path
from typing import Any, cast

from ..intervals import Interval
from ..models import CalendarWarning
from .busy_rules import EVENT_ID
from .prefilter import component_reach
from .text import RawComponent
from .values import first, text_value
from .zones import floating_in, instant, rezone, zone_name

Report = Callable[[CalendarWarning], None]


@dataclass(frozen=True)
class Context:
    """What every step of reading one VCALENDAR block knows."""

    path: Path  # names the file in warnings
    calendar_id: str
    zone: tzinfo  # where floating times, dates and unknown TZIDs are read
    zone_from_file: bool  # a usable X-WR-TIMEZONE: normalise as Google intends (google.py)
    emails: frozenset[str]  # whose ATTENDEE lines are the account's, normalised
    window: Interval
    report: Report  # gathers the warnings (the loader gives those the window touches)
    shift_series: bool  # move long-running daily/weekly series up to the window
    zone_given: bool = True  # False: UTC, for want of X-WR-TIMEZONE or the account's tzid

    def warn(self, raw: RawComponent | None, message: str, line_number: int = 0) -> None:
        """A warning about ``raw`` (None: the file as a whole): it concerns the windows
        that touch the component's reach (``prefilter.component_reach``)."""
        reach = component_reach(raw) if raw is not None else None
        self.report(CalendarWarning(f"{self.path}: {message}", line_number, reach))

    def skip(self, raw: RawComponent, reason: str, line_number: int | None = None) -> None:
        """Warn that ``raw`` is not used, and why (at its BEGIN line unless told)."""
        where = line_number if line_number is not None else raw.line_number
        self.warn(raw, f"line {where}: skipped {named_component(raw)}: {reason}", where)

    def unknown_tzid(self, raw: RawComponent, tzid: str) -> None:
        """Warn that a TZID of ``raw`` is unknown, so read in the calendar's zone."""
        where = line_of_property(raw, "DTSTART") or raw.line_number
        self.warn(
            raw,
            f"line {where}: {named_component(raw)}: unknown TZID {tzid!r}: read in "
            f"{self.zone_description()}",
            where,
        )

    def zone_description(self) -> str:
        """The calendar's zone, and where it comes from when that is not plain."""
        if self.zone_given:
            return zone_name(self.zone)
        return 'UTC (no X-WR-TIMEZONE in the file, no "tzid" in account.json)'


def named_component(raw: RawComponent) -> str:
    """``VEVENT (UID x)``, for warnings."""
    uid = raw.uid
    return f"{raw.name} (UID {uid})" if uid else f"{raw.name} (no UID)"


@dataclass
class Event:
    """A parsed VEVENT and what the series logic needs to know of it."""

    raw: RawComponent
    component: Any  # icalendar.Event
    uid: str | None
    is_override: bool
    sequence: int
    event_id: str | None


def parse_component(raw: RawComponent, context: Context) -> Any | None:
    """The component parsed by icalendar, or None (with a warning) when it is unusable."""
    import icalendar

    if raw.problem is not None:
        context.skip(raw, raw.problem)
        return None
    try:
        component = icalendar.Component.from_ical(raw.to_bytes())
    except Exception as error:  # icalendar raises many types on bad input
        context.skip(raw, f"does not parse: {error}", first_bad_line(raw))
        return None
    errors = getattr(component, "errors", [])
    if errors:
        name, message = errors[0]
        line_number = line_of_property(raw, name) if name else first_bad_line(raw)
        context.skip(raw, f"bad {name or 'content line'}: {message}", line_number)
        return None
    return component


def parse_event(
    raw: RawComponent, custom_zones: dict[str, tzinfo], context: Context
) -> Event | None:
    """The VEVENT parsed, its TZIDs re-attached (``zones.rezone``) and checked; None (with
    a warning) when it cannot be used."""
    component = parse_component(raw, context)
    if component is None:
        return None
    try:
        for tzid in rezone(component, custom_zones):
            context.unknown_tzid(raw, tzid)
        # SPEC 2 reads every floating time in the calendar's zone, whatever zone the
        # event's other times have (recurring-ical-events would read a floating end in the
        # start's zone, and a floating EXDATE by its wall clock).
        floating_in(component, context.zone)
        problem = check_event(component, context.zone)
    except Exception as error:
        problem = (f"bad value: {error}", None, 0)
    if problem is not None:
        reason, name, occurrence = problem
        line_number = line_of_property(raw, name, occurrence) if name else None
        context.skip(raw, reason, line_number)
        return None
    try:
        sequence = int(str(first(component.get("SEQUENCE")) or 0))
    except ValueError:
        sequence = 0
    return Event(
        raw=raw,
        component=component,
        uid=text_value(component.get("UID")),
        is_override="RECURRENCE-ID" in component,
        sequence=sequence,
        event_id=text_value(component.get(EVENT_ID)),
    )


def check_event(component: Any, zone: tzinfo) -> tuple[str, str | None, int] | None:
    """Why the VEVENT cannot be used, with the property at fault and which of its lines
    (0: the first), or None when it can. Times are read in ``zone`` where floating."""
    start_prop = component.get("DTSTART")
    if start_prop is None:
        return "no DTSTART", None, 0
    if isinstance(start_prop, list):
        return "two DTSTARTs", "DTSTART", 1
    start = instant(start_prop.dt, zone)
    end_prop = component.get("DTEND")
    if isinstance(end_prop, list):
        return "two DTENDs", "DTEND", 1
    if end_prop is not None:
        if instant(end_prop.dt, zone) < start:
            return "ends before it starts", "DTEND", 0
    else:
        length = getattr(first(component.get("DURATION")), "dt", None)
        if isinstance(length, timedelta) and length < timedelta():
            return "negative DURATION", "DURATION", 0
    return None


def line_of_property(raw: RawComponent, name: str, occurrence: int = 0) -> int | None:
    """The line of the ``occurrence``-th (0: first) ``name`` property of the component."""
    seen = 0
    for line in raw.lines:
        if line.name == name.upper():
            if seen == occurrence:
                return line.line_number
            seen += 1
    return None


def first_bad_line(raw: RawComponent) -> int | None:
    """The first line icalendar cannot split into name, parameters and value."""
    from icalendar.parser import Contentline

    for line in raw.lines:
        try:
            cast(Any, Contentline)(line.text).parts()
        except Exception:
            return line.line_number
    return None


__all__ = [
    "Context",
    "Event",
    "check_event",
    "first_bad_line",
    "line_of_property",
    "named_component",
    "parse_component",
    "parse_event",
]
