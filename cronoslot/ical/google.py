"""Google Calendar's exports: X-WR-TIMEZONE, and what it does to times written in UTC.

Google writes a recurring event's times in UTC and names the calendar's zone in the
calendar property ``X-WR-TIMEZONE``. Read literally, a weekly 09:00 New York meeting would
drift by an hour after each DST change. SPEC 2 ("Time zones"): a file with a usable
X-WR-TIMEZONE is normalised as the ``x-wr-timezone`` package intends, so such a series
stays at 09:00 New York. The rules kept here:

- Only series (RRULE or RDATE) go through ``x_wr_timezone.to_standard``: it reads their
  UTC-written DTSTART, DTEND, RDATE, EXDATE and RECURRENCE-ID as local times of the zone.
- A single event keeps its UTC instant: moved into the zone, a time in the repeated hour
  of a DST change would lose its ``fold`` in recurring-ical-events and come back an hour
  early. Its floating times and dates are read in the calendar's zone all the same
  (``single_event_value``, for the textual fast path).
- Whether X-WR-TIMEZONE is usable is decided by ``zones.calendar_zone`` (an unknown name
  is ignored with a warning: recurring-ical-events would fail on the whole file).

This is the place for further Google quirks (issue 8).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .components import Event


def standard_calendar(events: Sequence[Event], zone: tzinfo) -> Any:
    """An icalendar ``Calendar`` of the events of a file whose X-WR-TIMEZONE is ``zone``,
    its series normalised by x-wr-timezone (listed first), then its single events as they
    are. A UID with a series of its own counts as a series, overrides included."""
    import icalendar
    import x_wr_timezone

    series = icalendar.Calendar()
    singles: list[Any] = []
    recurring_uids = {
        event.uid for event in events if "RRULE" in event.component or "RDATE" in event.component
    }
    for event in events:
        if event.uid in recurring_uids:
            series.add_component(event.component)
        else:
            singles.append(event.component)
    calendar = x_wr_timezone.to_standard(series, timezone=zone)
    for component in singles:
        calendar.add_component(component)
    return calendar


def single_event_value(moment: date, zone: tzinfo) -> date:
    """A single event's DTSTART or DTEND in a file whose X-WR-TIMEZONE is ``zone``, as
    the icalendar path reads it: a UTC or zoned time keeps its instant, a date stays a
    date, a floating time is in the zone (given it here; the icalendar path leaves it
    floating and reads it in the zone, which comes to the same instants and length)."""
    if isinstance(moment, datetime) and moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment


__all__ = ["single_event_value", "standard_calendar"]
