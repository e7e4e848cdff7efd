"""Series: parsed VEVENTs -> occurrences -> busy intervals (SPEC 2, "Identity and content").

The events of a block are grouped into series by UID; of two masters with one UID the
higher SEQUENCE wins, then the first in the file (``dedupe``). recurring-ical-events
expands them (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) over the window padded by two
days, because it compares floating times with its bounds as if they were UTC; the
occurrences are then read in the calendar's zone and kept when they overlap the window.
When the expansion fails, it is redone one series at a time, so a series that does not
expand is skipped alone, with a warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from .. import timeutil
from ..intervals import Interval, overlaps
from ..models import BusyInterval
from .busy_rules import Description, describe
from .components import Context, Event, line_of_property
from .google import standard_calendar
from .series_shift import shifted_components
from .values import text_value
from .zones import instant

# Floating times are compared with the expansion bounds as if they were UTC (LIBRARY-NOTES),
# and a zone is at most 14 hours off UTC: two days of padding is safe; we clip ourselves.
_EXPANSION_PADDING = 2 * timeutil.DAY
# datetime cannot hold every int: expansion bounds outside these years are clamped.
_EARLIEST = timeutil.from_datetime(datetime(1800, 1, 1, tzinfo=UTC))
_LATEST = timeutil.from_datetime(datetime(2400, 1, 1, tzinfo=UTC))


def expansion_bounds(window: Interval) -> Interval:
    """The window padded for floating times, clamped to what ``datetime`` holds."""
    window_start, window_end = window
    return (
        max(window_start - _EXPANSION_PADDING, _EARLIEST),
        min(window_end + _EXPANSION_PADDING, _LATEST),
    )


def bounds_are_clamped(window: Interval) -> bool:
    """Whether the padded window reaches beyond the years ``datetime`` holds."""
    window_start, window_end = window
    return (
        window_start - _EXPANSION_PADDING < _EARLIEST or window_end + _EXPANSION_PADDING > _LATEST
    )


@dataclass(frozen=True)
class Occurrence:
    """One occurrence: the component it comes from (the override's own for a moved
    occurrence, else the series' master) and its own start and end."""

    component: Any  # icalendar.Event, shared by every occurrence of it: read only
    start: date
    end: date


def expand_events(events: list[Event], context: Context) -> list[BusyInterval]:
    """Every occurrence of the block's events that overlaps the window, as busy intervals."""
    series: dict[object, list[Event]] = {}
    for index, event in enumerate(events):
        key: object = event.uid if event.uid is not None else index
        series.setdefault(key, []).append(event)
    chosen: dict[object, list[Event]] = {key: dedupe(members) for key, members in series.items()}

    masters_event_id = {
        key: next((e.event_id for e in members if not e.is_override), None)
        for key, members in chosen.items()
    }
    try:
        occurrences = list(_occurrences([e for m in chosen.values() for e in m], context))
    except Exception:
        # Some series does not expand: redo it one series at a time to find and skip it.
        occurrences = []
        for members in chosen.values():
            try:
                occurrences.extend(_occurrences(members, context))
            except Exception as error:
                master = next((e for e in members if not e.is_override), members[0])
                line_number = line_of_property(master.raw, "RRULE")
                context.skip(master.raw, f"recurrence does not expand: {error}", line_number)

    busy: list[BusyInterval] = []
    # Every occurrence of one component shares its properties: read them once.
    described: dict[int, Description | None] = {}
    for occurrence in occurrences:
        key = id(occurrence.component)
        if key not in described:
            uid = text_value(occurrence.component.get("UID"))
            fallback_id = masters_event_id.get(uid) if uid is not None else None
            described[key] = describe(occurrence.component, fallback_id, context.emails)
        description = described[key]
        if description is not None:
            interval = occurrence_interval(occurrence, description, context)
            if interval is not None:
                busy.append(interval)
    return busy


def dedupe(members: list[Event]) -> list[Event]:
    """Of several masters with one UID keep the highest SEQUENCE, then the first in the file."""
    masters = [e for e in members if not e.is_override]
    if len(masters) <= 1:
        return members
    best = masters[0]
    for candidate in masters[1:]:
        if candidate.sequence > best.sequence:
            best = candidate
    return [e for e in members if e.is_override or e is best]


def occurrence_interval(
    occurrence: Occurrence, description: Description, context: Context
) -> BusyInterval | None:
    """The occurrence as a busy interval (its times read in the calendar's zone); None
    when it is empty or does not overlap the window."""
    start = instant(occurrence.start, context.zone)
    end = instant(occurrence.end, context.zone)
    if not overlaps(start, end, context.window):
        return None
    return BusyInterval(
        start=start,
        end=end,
        transparency=description.transparency,
        calendar_id=context.calendar_id,
        event_uid=description.event_uid,
        event_id=description.event_id,
        tags=description.tags,
        summary=description.summary,
        private=description.private,
    )


def _occurrences(events: list[Event], context: Context) -> Iterator[Occurrence]:
    import icalendar
    import recurring_ical_events

    if context.zone_from_file:
        calendar = standard_calendar(events, context)
    else:
        calendar = icalendar.Calendar()
        for event in events:
            calendar.add_component(event.component)
    low_instant, high_instant = expansion_bounds(context.window)
    low = timeutil.to_datetime(low_instant)
    high = timeutil.to_datetime(high_instant)
    if high <= low:
        return iter(())
    if context.shift_series:
        # After google.py: the wall times moved are the ones the series repeats in.
        shifted = icalendar.Calendar()
        for component in shifted_components(calendar.subcomponents, low_instant, context.zone):
            shifted.add_component(component)
        calendar = shifted
    return iter(_expanded(recurring_ical_events.of(calendar), low, high))


# recurring-ical-events' private method listing occurrences without copying components.
_PRIVATE_OCCURRENCES = "_occurrences_between"


def _expanded(query: Any, low: datetime, high: datetime) -> list[Occurrence]:
    """The occurrences of ``query`` (a recurring-ical-events query) between the bounds.

    The public ``between`` copies each occurrence's component to write its DTSTART, DTEND,
    RECURRENCE-ID and SEQUENCE (and drop DURATION) into it: most of the expansion time for
    nothing, as the interval only needs the start and end, which the occurrence holds, and
    properties none of those copies change. recurring-ical-events 3.8 exposes the
    occurrences through ``_occurrences_between``; when a version does not (private API),
    the public way is used.
    """
    between = getattr(query, _PRIVATE_OCCURRENCES, None)
    if between is not None:
        found = between(low, high)
        if all(hasattr(o, "_adapter") and hasattr(o, "start") for o in found):
            occurrences: list[Occurrence] = []
            for occurrence in found:
                component = getattr(occurrence._adapter, "_component", None)
                if component is None:
                    break
                occurrences.append(Occurrence(component, occurrence.start, occurrence.end))
            else:
                return occurrences
    public: list[Occurrence] = []
    for component in query.between(low, high):
        start = component["DTSTART"].dt
        end_prop = component.get("DTEND")
        public.append(Occurrence(component, start, end_prop.dt if end_prop is not None else start))
    return public


__all__ = [
    "Occurrence",
    "bounds_are_clamped",
    "dedupe",
    "expand_events",
    "expansion_bounds",
    "occurrence_interval",
]
