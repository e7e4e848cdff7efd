"""Managed availability: availability rules' weekly periods and available periods (SPEC 5).

Reads no clock, does no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta

from ..intervals import Interval, intersect, normalise, overlaps
from ..models import AvailabilityRule, ManagedPeriod, WeeklyPeriod
from ..timeutil import from_datetime, get_zone, to_datetime

_MINUTES_PER_DAY = 1440


def managed_intervals(
    rules: Sequence[AvailabilityRule], periods: Sequence[ManagedPeriod], window: Interval
) -> list[Interval]:
    """The union of the rules' weekly periods and the available periods, within ``window``.

    Weekly periods repeat in the rule's ``tzid`` with their wall-clock times kept across DST
    changes; a wall time that does not exist or exists twice is read as ``zoneinfo`` reads it
    with ``fold=0``. An ``end_minute`` of 1440 is the midnight that ends the day.
    """
    window_start, window_end = window
    if window_end <= window_start:
        return []
    pieces: list[Interval] = [(period.start, period.end) for period in periods]
    for rule in rules:
        pieces.extend(_rule_intervals(rule, window_start, window_end))
    return intersect(normalise(pieces), [(window_start, window_end)])


def _rule_intervals(
    rule: AvailabilityRule, window_start: int, window_end: int
) -> Iterator[Interval]:
    """Every occurrence of the rule's weekly periods on local days around the window."""
    zone = get_zone(rule.tzid)
    by_weekday: dict[int, list[WeeklyPeriod]] = {}
    for weekly in rule.weekly_periods:
        by_weekday.setdefault(weekly.day, []).append(weekly)
    # One spare day on each side: a local day near the window's edges may still reach into it.
    first_day = to_datetime(window_start).astimezone(zone).date() - timedelta(days=1)
    last_day = to_datetime(window_end).astimezone(zone).date() + timedelta(days=1)
    day = first_day
    while day <= last_day:
        for weekly in by_weekday.get(day.weekday(), ()):
            start = _wall_instant(day, weekly.start_minute, rule.tzid)
            end = _wall_instant(day, weekly.end_minute, rule.tzid)
            if overlaps(start, end, (window_start, window_end)):
                yield (start, end)
        day += timedelta(days=1)


def _wall_instant(day: date, minute_of_day: int, tzid: str) -> int:
    """The instant of a wall-clock time (minutes after local midnight, 1440 = next midnight)."""
    days, minutes = divmod(minute_of_day, _MINUTES_PER_DAY)
    local_day = day + timedelta(days=days)
    hour, minute = divmod(minutes, 60)
    moment = datetime(
        local_day.year, local_day.month, local_day.day, hour, minute, tzinfo=get_zone(tzid)
    )
    return from_datetime(moment)
