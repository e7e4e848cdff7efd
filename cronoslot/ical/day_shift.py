"""Moving a recurrence rule by whole days, exactly or not at all.

Google writes a series' DTSTART in UTC and its rule for that UTC start: a Sydney 09:00
weekday stand-up is ``DTSTART:20270103T220000Z`` with ``BYDAY=SU,MO,TU,WE,TH``. Read in
the calendar's zone (``google.py``) the start moves to the next local day, Monday 09:00,
and the rule's day-based parts must move with it, to ``BYDAY=MO,TU,WE,TH,FR``, or the
series lands a day early. ``moved_rule`` moves a rule by ``days`` (-1 or +1) when the
moved rule gives exactly the days of the written one moved by ``days``, and answers None
when it cannot be sure (``BYSETPOS``, ``BYMONTHDAY=31``, ``BYDAY=1MO``, ``BYMONTH`` beside
a daily or weekly rule...): that series is then read in UTC, as written (and warned about).

A rule with wall-clock parts (``BYHOUR``, ``BYMINUTE``, ``BYSECOND``) or a frequency
below a day is never moved: its hours are UTC hours, and read in the zone they would move
with DST. ``UNTIL`` is an instant, the same whatever zone the start is read in (Google
writes the end of the last local day, in UTC), so it stays as written.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from .values import first

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WALL_CLOCK_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
# Parts that only say which days: moved below, or the rule is left alone.
_KNOWN_PARTS = frozenset(
    {"FREQ", "UNTIL", "COUNT", "INTERVAL", "WKST", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYMONTH"}
)
# Days of the month (or year) that every month (or year) has, counted from either end.
_MONTH_DAYS = 28
_YEAR_DAYS = 365


def moved_rule(rule: Any, days: int, utc_start: date) -> Any | None:
    """``rule`` (an icalendar ``vRecur``) moved by ``days`` whole days, for a series
    whose written start falls on ``utc_start`` (its UTC date); the rule itself when
    nothing needs moving; None when it cannot be moved exactly."""
    frequency = str(first(rule.get("FREQ")) or "").upper()
    if frequency in ("HOURLY", "MINUTELY", "SECONDLY"):
        return None
    if any(part in rule for part in _WALL_CLOCK_PARTS):
        return None
    if days == 0:
        return rule
    if frequency not in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        return rule  # not a rule that expands: it fails, and is warned about, as it is
    if any(str(part).upper() not in _KNOWN_PARTS for part in rule):
        return None  # BYSETPOS, BYWEEKNO, RSCALE...
    local_start = utc_start + timedelta(days=days)
    moved = copy.copy(rule)  # a new vRecur sharing the values it does not change
    try:
        if not _move_parts(moved, frequency, days, utc_start, local_start):
            return None
    except (TypeError, ValueError):
        return None
    return moved


def _move_parts(rule: Any, frequency: str, days: int, utc_start: date, local_start: date) -> bool:
    """Move the day-based parts of ``rule`` in place; False when that is not exact."""
    interval = int(str(first(rule.get("INTERVAL")) or 1))
    has = {part: part in rule for part in ("BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYMONTH")}
    same_month = (local_start.year, local_start.month) == (utc_start.year, utc_start.month)
    # Months (years) are counted from the start's own: it must stay in it.
    if (
        frequency in ("MONTHLY", "YEARLY")
        and not same_month
        and (frequency == "MONTHLY" or local_start.year != utc_start.year or interval != 1)
    ):
        return False
    if has["BYMONTH"] and (frequency in ("DAILY", "WEEKLY") or has["BYYEARDAY"]):
        return False  # a day moved may leave its month
    if has["BYDAY"] and not _move_weekdays(rule, frequency, days, interval, has):
        return False
    if "WKST" in rule or (frequency == "WEEKLY" and interval > 1):
        # Weeks of an interval start a day later (or earlier) too.
        week_start = str(first(rule.get("WKST")) or "MO").upper()
        if week_start not in _WEEKDAYS:
            return False
        rule["WKST"] = [_WEEKDAYS[(_WEEKDAYS.index(week_start) + days) % 7]]
    for part, every in (("BYMONTHDAY", _MONTH_DAYS), ("BYYEARDAY", _YEAR_DAYS)):
        if has[part]:
            moved_days = [_moved_ordinal(int(value), days, every) for value in rule[part]]
            if None in moved_days:
                return False
            rule[part] = moved_days
    if frequency in ("DAILY", "WEEKLY") or has["BYDAY"] or has["BYMONTHDAY"] or has["BYYEARDAY"]:
        return True
    # The start's day of the month (and month, yearly) repeats: every month (year) must
    # have it, moved or not.
    if frequency == "MONTHLY" or has["BYMONTH"]:
        return _moved_ordinal(utc_start.day, days, _MONTH_DAYS) is not None
    return _same_day_every_year(utc_start, days)


def _move_weekdays(
    rule: Any, frequency: str, days: int, interval: int, has: dict[str, bool]
) -> bool:
    """Move BYDAY's weekdays; False when that is not exact."""
    weekdays = [str(value).upper() for value in rule["BYDAY"]]
    if any(value not in _WEEKDAYS for value in weekdays):
        return False  # an ordinal (1MO, -1FR): the n-th weekday moved is not one
    if frequency in ("MONTHLY", "YEARLY") and (
        interval != 1 or has["BYMONTH"] or has["BYMONTHDAY"] or has["BYYEARDAY"]
    ):
        return False  # every such weekday, but within months or years
    rule["BYDAY"] = [_WEEKDAYS[(_WEEKDAYS.index(day) + days) % 7] for day in weekdays]
    return True


def _moved_ordinal(value: int, days: int, every: int) -> int | None:
    """A day of the month (or year), counted from its start (1...) or its end (-1...),
    moved by ``days``; None unless both it and the moved day exist in every month (year)
    and lie in the same one."""
    moved = value + days
    if 1 <= value <= every and 1 <= moved <= every:
        return moved
    if -every <= value <= -1 and -every <= moved <= -1:
        return moved
    return None


def _same_day_every_year(utc_start: date, days: int) -> bool:
    """Whether the start's month and day, moved by ``days``, is the same month and day in
    every year (not so about the end of February)."""
    if (utc_start.month, utc_start.day) == (2, 29):
        return False
    moved = set()
    for year in (2000, 2001):  # a leap year and a common one
        day = date(year, utc_start.month, utc_start.day) + timedelta(days=days)
        moved.add((day.month, day.day))
    return len(moved) == 1


__all__ = ["moved_rule"]
