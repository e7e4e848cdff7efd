"""VFREEBUSY components (``.ifb`` files, or beside events) -> busy intervals (SPEC 2).

Each FREEBUSY value is a ``vPeriod`` (a start and an end or a length; comma lists are
split by icalendar); its FBTYPE decides (``busy_rules.freebusy_transparency``). A period
belongs to no event: it carries the component's UID and is never managed.
"""

from __future__ import annotations

from datetime import timedelta

from ..intervals import overlaps
from ..models import BusyInterval
from .busy_rules import freebusy_transparency
from .components import Context, line_of_property, parse_component
from .text import RawComponent
from .values import as_list, text_value
from .zones import instant


def load_freebusy(raw: RawComponent, context: Context) -> list[BusyInterval]:
    """The busy periods of one VFREEBUSY that overlap the window; a period that cannot
    be read is skipped with a warning."""
    component = parse_component(raw, context)
    if component is None:
        return []
    uid = text_value(component.get("UID"))
    busy: list[BusyInterval] = []
    for period in as_list(component.get("FREEBUSY")):
        transparency = freebusy_transparency(getattr(period, "params", {}).get("FBTYPE"))
        if transparency is None:
            continue
        try:
            start_value, end_or_length = period.dt
            start = instant(start_value, context.zone)
            if isinstance(end_or_length, timedelta):
                end = start + int(end_or_length.total_seconds())
            else:
                end = instant(end_or_length, context.zone)
        except Exception as error:
            context.skip(raw, f"bad FREEBUSY period: {error}", line_of_property(raw, "FREEBUSY"))
            continue
        if end < start:
            line = line_of_property(raw, "FREEBUSY") or raw.line_number
            context.warn(raw, f"line {line}: FREEBUSY period ends before it starts", line)
            continue
        if not overlaps(start, end, context.window):
            continue
        busy.append(
            BusyInterval(
                start=start,
                end=end,
                transparency=transparency,
                calendar_id=context.calendar_id,
                event_uid=uid,
            )
        )
    return busy


__all__ = ["load_freebusy"]
