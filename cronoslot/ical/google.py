"""Google Calendar's exports: X-WR-TIMEZONE, and what it does to times written in UTC.

Google writes a recurring event's times in UTC and names the calendar's zone in the
calendar property ``X-WR-TIMEZONE``. Read literally, a weekly 09:00 New York meeting would
drift by an hour after each DST change. SPEC 2 ("Time zones"): a file with a usable
X-WR-TIMEZONE is normalised as the ``x-wr-timezone`` package intends, so such a series
stays at 09:00 New York. The rules kept here (``standard_calendar``):

- Only series (RRULE or RDATE) are normalised: their UTC-written DTSTART, DTEND, RDATE,
  EXDATE and RECURRENCE-ID are read as local times of the zone (the same instants, now
  repeating in local wall time). Parameters stay (a RECURRENCE-ID keeps its RANGE).
- When that moves the series' start to another local date (a Sydney morning, an
  American evening), the rule's day-based parts move with it (``day_shift.moved_rule``),
  as do RDATE, EXDATE and RECURRENCE-ID values written as dates: the x-wr-timezone
  package leaves them, so its series land a day off. A rule that cannot be moved exactly
  keeps the whole series in UTC, as written, with a warning.
- A single event keeps its UTC instant: moved into the zone, a time in the repeated hour
  of a DST change would lose its ``fold`` in recurring-ical-events and come back an hour
  early. Its floating times and dates are read in the calendar's zone all the same
  (``single_event_value``, for the textual fast path).
- Whether X-WR-TIMEZONE is usable is decided by ``zones.calendar_zone`` (an unknown name
  is ignored with a warning: recurring-ical-events would fail on the whole file).

Google also names the owner of a primary calendar in ``X-WR-CALNAME``: see ``owner.py``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from .components import line_of_property, named_component
from .day_shift import moved_rule
from .values import as_list
from .zones import zone_name

if TYPE_CHECKING:
    from .components import Context, Event

# The properties x-wr-timezone reads in the zone, and those of them that may hold dates
# of their own in a series of date-times.
_TIMES = ("DTSTART", "DTEND", "RDATE", "EXDATE", "RECURRENCE-ID")
_DAY_LISTS = ("RDATE", "EXDATE", "RECURRENCE-ID")


def standard_calendar(events: Sequence[Event], context: Context) -> Any:
    """An icalendar ``Calendar`` of the events of a file whose X-WR-TIMEZONE is the
    context's zone: its series normalised (listed first), then its single events as they
    are. A UID with a series of its own counts as a series, overrides included."""
    import icalendar

    calendar = icalendar.Calendar()
    series: dict[str | None, list[Event]] = {}
    singles: list[Any] = []
    recurring_uids = {
        event.uid for event in events if "RRULE" in event.component or "RDATE" in event.component
    }
    for event in events:
        if event.uid in recurring_uids:
            series.setdefault(event.uid, []).append(event)
        else:
            singles.append(event.component)
    for members in series.values():
        for component in _normalised_series(members, context):
            calendar.add_component(component)
    for component in singles:
        calendar.add_component(component)
    return calendar


def _normalised_series(members: list[Event], context: Context) -> list[Any]:
    """The components of one series (master and overrides) read in the zone, or as they
    are (with a warning) when the master's rule cannot follow its start to another day."""
    zone = context.zone
    master = next((event for event in members if not event.is_override), None)
    days = 0
    rules: list[Any] = []
    if master is not None:
        start = master.component["DTSTART"].dt
        if _is_utc(start):
            days = (start.astimezone(zone).date() - start.date()).days
        utc_day = start.date() if isinstance(start, datetime) else start
        for rule in as_list(master.component.get("RRULE")):
            moved = moved_rule(rule, days, utc_day)
            if moved is None:
                line = line_of_property(master.raw, "RRULE") or master.raw.line_number
                context.warn(
                    master.raw,
                    f"line {line}: {named_component(master.raw)}: its rule cannot follow its "
                    f"start into X-WR-TIMEZONE {zone_name(zone)}: the series is read in UTC, "
                    "as written",
                    line,
                )
                return [event.component for event in members]
            rules.append(moved)
    normalised = []
    for event in members:
        component = _in_zone(event.component, zone, days)
        if event is master and rules:
            component["RRULE"] = rules if len(rules) > 1 else rules[0]
        normalised.append(component)
    return normalised


def _in_zone(component: Any, zone: tzinfo, days: int) -> Any:
    """A copy of ``component`` (sharing what does not change) whose UTC times are read in
    ``zone`` and whose dates in RDATE, EXDATE and RECURRENCE-ID moved by ``days``."""

    def in_zone(value: Any) -> Any:
        if _is_utc(value):
            return value.astimezone(zone)
        return value

    def in_zone_and_day(value: Any) -> Any:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value + timedelta(days=days)
        return in_zone(value)

    copied = copy.copy(component)
    for name in _TIMES:
        prop = component.get(name)
        if prop is not None:
            mapping = in_zone_and_day if days and name in _DAY_LISTS else in_zone
            copied[name] = _mapped(prop, mapping)
    return copied


def _mapped(prop: Any, mapping: Callable[[Any], Any]) -> Any:
    """A copy of a date-time property (one, a list of lines, or a line of several
    values) with each value mapped; a PERIOD's start and end alike."""
    if isinstance(prop, list):
        return [_mapped(line, mapping) for line in prop]

    def mapped(value: Any) -> Any:
        if isinstance(value, tuple):
            return tuple(mapped(part) for part in value)
        return mapping(value)

    copied = copy.copy(prop)
    if hasattr(prop, "dt"):  # one value (whose ``dts`` is itself)
        copied.dt = mapped(prop.dt)
    elif hasattr(prop, "dts"):
        copied.dts = [_with_value(holder, mapped(holder.dt)) for holder in prop.dts]
    return copied


def _with_value(holder: Any, value: Any) -> Any:
    copied = copy.copy(holder)
    copied.dt = value
    return copied


def _is_utc(value: object) -> bool:
    """A date-time written in UTC (``Z``, or a TZID naming UTC), as x-wr-timezone tells."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        return False
    name = value.tzname()
    return name is not None and name.upper() == "UTC"


def single_event_value(moment: date, zone: tzinfo) -> date:
    """A single event's DTSTART or DTEND in a file whose X-WR-TIMEZONE is ``zone``, as
    the icalendar path reads it: a UTC or zoned time keeps its instant, a date stays a
    date, a floating time is in the zone (given it here; the icalendar path leaves it
    floating and reads it in the zone, which comes to the same instants and length)."""
    if isinstance(moment, datetime) and moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment


__all__ = ["single_event_value", "standard_calendar"]
