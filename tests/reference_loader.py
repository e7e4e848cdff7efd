"""A plain reference for the loader: icalendar parses the whole file, recurring-ical-events
expands it (its own x-wr-timezone handling included), and cronoslot's own mapping
(``busy_rules``, ``zones.instant``) makes busy intervals of the occurrences, as SPEC 2 says.

Nothing here is clever: it is the obvious way, slow and whole. What it leaves to the
libraries is what the differential test (``test_ical_reference.py``) holds the loader to,
except for the documented fixes listed there.

When the libraries refuse the whole file (a broken component), the reference expands it
again one UID at a time, so that the rest can still be compared; ``skipped`` names the
UIDs it could not use.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import UTC, timedelta, tzinfo
from typing import Any

from cronoslot import timeutil
from cronoslot.ical.busy_rules import EVENT_ID, describe, freebusy_transparency
from cronoslot.ical.zones import instant, zone_by_name
from cronoslot.intervals import Interval, overlaps
from cronoslot.models import AccountSettings, BusyInterval
from cronoslot.names import normalise_email

PADDING = timedelta(days=2)  # floating times are compared with the bounds as if UTC


@dataclass
class ReferenceAnswer:
    busy: list[BusyInterval]
    skipped: set[str | None] = field(default_factory=set)  # UIDs that could not be used
    whole_file_failed: bool = False


def reference_busy(data: bytes, settings: AccountSettings, window: Interval) -> ReferenceAnswer:
    """The busy intervals of a calendar file over ``window``, the plain way. Raises
    ``ValueError`` when icalendar finds no calendar at all."""
    import icalendar

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
        if not calendars:
            raise ValueError("no calendar")
        answer = ReferenceAnswer([])
        for calendar in calendars:
            _calendar_busy(calendar, settings, window, answer)
    answer.busy.sort(key=lambda b: (b.start, b.end, b.event_uid or "", b.summary or ""))
    return answer


def calendar_zone(calendar: Any, settings: AccountSettings) -> tuple[tzinfo, bool]:
    """SPEC 2: X-WR-TIMEZONE when usable, else the account's tzid, else UTC; and whether
    the calendar has a usable X-WR-TIMEZONE (an unusable one is removed: recurring-ical-
    events would refuse the file)."""
    name = calendar.get("X-WR-TIMEZONE")
    if name is not None:
        zone = zone_by_name(str(name).strip())
        if zone is not None:
            return zone, True
        del calendar["X-WR-TIMEZONE"]
    if settings.tzid:
        return timeutil.get_zone(settings.tzid), False
    return UTC, False


def owner_emails(calendar: Any, settings: AccountSettings) -> frozenset[str]:
    if settings.emails:
        return frozenset(settings.emails)
    name = calendar.get("X-WR-CALNAME")
    address = normalise_email(str(name)) if name is not None else ""
    local, _, domain = address.partition("@")
    if local and "." in domain and " " not in address:
        return frozenset({address})
    return frozenset()


def _calendar_busy(
    calendar: Any, settings: AccountSettings, window: Interval, answer: ReferenceAnswer
) -> None:
    import icalendar

    zone, _ = calendar_zone(calendar, settings)
    emails = owner_emails(calendar, settings)
    events = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    masters_event_id = {
        str(event.get("UID")): str(event.get(EVENT_ID))
        for event in events
        if "RECURRENCE-ID" not in event and event.get(EVENT_ID) is not None
    }
    low = timeutil.to_datetime(window[0]) - PADDING
    high = timeutil.to_datetime(window[1]) + PADDING
    try:
        occurrences = _expand(calendar, low, high)
    except Exception:
        answer.whole_file_failed = True
        occurrences = []
        timezones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
        by_uid: dict[object, list[Any]] = {}
        for index, event in enumerate(events):
            uid = event.get("UID")
            by_uid.setdefault(str(uid) if uid is not None else index, []).append(event)
        for uid, members in by_uid.items():
            alone = icalendar.Calendar()
            for name, value in calendar.property_items(recursive=False):
                if name not in ("BEGIN", "END"):
                    alone.add(name, value)
            for component in (*timezones, *members):
                alone.add_component(component)
            try:
                occurrences.extend(_expand(alone, low, high))
            except Exception:
                answer.skipped.add(uid if isinstance(uid, str) else None)
    for occurrence in occurrences:
        uid = occurrence.get("UID")
        description = describe(
            occurrence, masters_event_id.get(str(uid)) if uid is not None else None, emails
        )
        if description is None:
            continue
        try:
            start = instant(occurrence["DTSTART"].dt, zone)
            end_prop = occurrence.get("DTEND")
            end = instant(end_prop.dt, zone) if end_prop is not None else start
        except (ValueError, OverflowError):
            answer.skipped.add(str(uid) if uid is not None else None)
            continue
        if overlaps(start, end, window):
            answer.busy.append(
                BusyInterval(
                    start,
                    end,
                    description.transparency,
                    "cal",
                    description.event_uid,
                    description.event_id,
                    description.tags,
                    description.summary,
                    description.private,
                )
            )
    for component in calendar.subcomponents:
        if component.name == "VFREEBUSY":
            _freebusy(component, zone, window, answer)


def _expand(calendar: Any, low: Any, high: Any) -> list[Any]:
    import recurring_ical_events

    return list(recurring_ical_events.of(calendar).between(low, high))


def _freebusy(component: Any, zone: tzinfo, window: Interval, answer: ReferenceAnswer) -> None:
    periods = component.get("FREEBUSY", [])
    uid = component.get("UID")
    for period in periods if isinstance(periods, list) else [periods]:
        transparency = freebusy_transparency(period.params.get("FBTYPE"))
        if transparency is None:
            continue
        try:
            start_value, end_or_length = period.dt
            start = instant(start_value, zone)
            if isinstance(end_or_length, timedelta):
                end = start + int(end_or_length.total_seconds())
            else:
                end = instant(end_or_length, zone)
        except Exception:
            answer.skipped.add(str(uid) if uid is not None else None)
            continue
        if start <= end and overlaps(start, end, window):
            answer.busy.append(
                BusyInterval(start, end, transparency, "cal", str(uid) if uid else None)
            )


__all__ = ["ReferenceAnswer", "calendar_zone", "reference_busy"]
