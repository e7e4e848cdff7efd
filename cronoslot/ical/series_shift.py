"""A fast path: move an old daily or weekly series forward, close to the window.

recurring-ical-events' cost grows with the rule iterations from DTSTART up to the window
(LIBRARY-NOTES), so a weekly meeting started years ago pays for every week since before
the first occurrence of a March query. ``shifted_series`` moves its DTSTART forward by
whole rule periods instead; the occurrences that matter do not change
(``Shortcuts.shift_series``, tested equal to the plain path).

A series whose overrides the shift does not model stays as it is (``shifted_components``):
a RANGE=THISANDFUTURE override moves every later occurrence, which recurring-ical-events
finds by expanding from the override's RECURRENCE-ID, perhaps long before the window; an
override with rules of its own is checked against the master's rule around its
RECURRENCE-ID.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from .. import timeutil
from .values import as_list, first, text_value
from .zones import instant

# How far before the expansion start (and the length of one occurrence) a moved DTSTART
# lands: more than any DST or zone difference between wall-clock and absolute days.
_SHIFT_MARGIN = 7 * timeutil.DAY
_SHIFT_PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7}


def shifted_components(components: list[Any], expansion_start: int, zone: tzinfo) -> list[Any]:
    """The components with every series that may be moved moved (``shifted_series``);
    a series with an override the shift does not model is left as it is."""
    unmodelled = {
        text_value(component.get("UID"))
        for component in components
        if "RECURRENCE-ID" in component and _not_modelled(component)
    }
    return [
        component
        if text_value(component.get("UID")) in unmodelled
        else shifted_series(component, expansion_start, zone)
        for component in components
    ]


def _not_modelled(override: Any) -> bool:
    """An override with a RANGE, or with rules or dates of its own."""
    ranged = any(
        "RANGE" in getattr(value, "params", {}) for value in as_list(override.get("RECURRENCE-ID"))
    )
    return ranged or any(name in override for name in ("RRULE", "RDATE", "EXDATE", "EXRULE"))


def shifted_series(component: Any, expansion_start: int, zone: tzinfo) -> Any:
    """A copy of a daily or weekly series whose DTSTART (and DTEND) moved forward by whole
    rule periods to shortly before ``expansion_start``; the component itself when that is
    not safe or not useful.

    Moving DTSTART by whole periods (INTERVAL days or weeks, in wall time so DST is kept)
    leaves every later occurrence where it was, so EXDATEs and RECURRENCE-IDs still name
    the same instants. The moved DTSTART itself is always an occurrence for
    recurring-ical-events, even when the rule would not produce it: it lies more than its
    length plus a week before ``expansion_start``, so it is never returned. COUNT (counted
    from DTSTART), BYSETPOS (picked per period), RDATE and EXRULE keep the series as it
    is, as does a DTEND in another zone than DTSTART (its distance to DTSTART would change
    across DST). ``zone`` reads floating times and dates.
    """
    if getattr(component, "name", None) != "VEVENT":
        return component
    if any(name in component for name in ("RECURRENCE-ID", "RDATE", "EXRULE")):
        return component
    rule = component.get("RRULE")
    if rule is None or isinstance(rule, list) or "COUNT" in rule or "BYSETPOS" in rule:
        return component
    frequency = str(first(rule.get("FREQ")) or "").upper()
    if frequency not in _SHIFT_PERIOD_DAYS:
        return component
    try:
        interval = int(str(first(rule.get("INTERVAL")) or 1))
    except ValueError:
        return component
    start_prop = component.get("DTSTART")
    end_prop = component.get("DTEND")
    if interval < 1 or start_prop is None or isinstance(start_prop, list):
        return component
    if isinstance(end_prop, list):
        return component
    start = start_prop.dt
    if not isinstance(start, date):
        return component
    try:
        start_instant = instant(start, zone)
        if end_prop is not None:
            end = end_prop.dt
            if type(end) is not type(start):
                return component
            if isinstance(start, datetime) and getattr(end, "tzinfo", None) is not start.tzinfo:
                return component
            length = instant(end, zone) - start_instant
        else:
            duration = getattr(first(component.get("DURATION")), "dt", None)
            if isinstance(duration, timedelta):
                length = int(duration.total_seconds())
            elif duration is None:
                length = 0 if isinstance(start, datetime) else timeutil.DAY
            else:
                return component
        period_days = interval * _SHIFT_PERIOD_DAYS[frequency]
        target = expansion_start - max(length, 0) - _SHIFT_MARGIN
        periods = (target - start_instant) // (period_days * timeutil.DAY)
        if periods <= 0:
            return component
        moved = timedelta(days=periods * period_days)
        shifted = copy.copy(component)  # shares every property but the two replaced
        shifted["DTSTART"] = _moved_property(start_prop, moved)
        if end_prop is not None:
            shifted["DTEND"] = _moved_property(end_prop, moved)
    except (ValueError, OverflowError, TypeError):
        return component
    return shifted


def _moved_property(prop: Any, moved: timedelta) -> Any:
    """A copy of a DTSTART/DTEND property whose value is ``moved`` later in wall time
    (aware arithmetic keeps the zone and the wall clock)."""
    copied = copy.copy(prop)
    copied.dt = prop.dt + moved
    return copied


__all__ = ["shifted_series"]
