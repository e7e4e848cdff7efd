"""The store's account files, parsed: pure functions from a JSON value to dataclasses
(SPEC 1, 5), so that sync and a server can validate rules and periods they receive before
writing them. ``path`` only names the file in a ``CalendarDataError``.

- ``account.json``: ``{"tzid", "emails", "name"}``.
- ``availability_rules.json``: a list of rules; two rules with one ``availability_rule_id``
  are an error; a weekly period's ``end_time`` must be after its ``start_time`` (``24:00``
  is the end of the day).
- ``available_periods.json``: ``[{"available_period_id", "start", "end"}]``; an entry
  without an id gets its index (``"0"``, ``"1"``...).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .. import timeutil
from ..errors import CalendarDataError
from ..models import AccountSettings, AvailabilityRule, ManagedPeriod, WeeklyPeriod

SETTINGS_FILE = "account.json"
RULES_FILE = "availability_rules.json"
PERIODS_FILE = "available_periods.json"

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOCK_RE = re.compile(r"(\d{2}):(\d{2})")


def _type_name(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, int | float) else "null"
    )


def parse_settings(data: object, path: Path | str) -> AccountSettings:
    """``account.json``'s value; ``path`` names it in errors."""
    if not isinstance(data, dict):
        raise CalendarDataError(path, f"must be a JSON object, not {_type_name(data)}")
    tzid = data.get("tzid")
    if tzid is not None:
        if not isinstance(tzid, str):
            raise CalendarDataError(path, f"tzid must be a string, not {_type_name(tzid)}")
        if not timeutil.is_zone(tzid):
            raise CalendarDataError(path, f"tzid {tzid!r} is not a known IANA time zone")
    emails = data.get("emails")
    if emails is None:
        emails = []
    if not isinstance(emails, list):
        raise CalendarDataError(path, f"emails must be a list, not {_type_name(emails)}")
    for index, email in enumerate(emails):
        if not isinstance(email, str):
            raise CalendarDataError(
                path, f"emails[{index}] must be a string, not {_type_name(email)}"
            )
    name = data.get("name")
    if name is not None and not isinstance(name, str):
        raise CalendarDataError(path, f"name must be a string, not {_type_name(name)}")
    return AccountSettings(tzid=tzid, emails=tuple(emails), name=(name or "").strip() or None)


def _require(
    path: Path | str, where: str, entry: dict[str, Any], key: str, kind: type, kind_name: str
) -> Any:
    value = entry.get(key)
    if value is None:
        raise CalendarDataError(path, f"{where}.{key} is required")
    if not isinstance(value, kind) or isinstance(value, bool):
        raise CalendarDataError(path, f"{where}.{key} must be {kind_name}, not {_type_name(value)}")
    return value


def _clock_minutes(text: str, *, allow_end_of_day: bool) -> int | None:
    """Minutes after midnight of ``HH:MM``; ``24:00`` (the end of the day) only for ends."""
    match = _CLOCK_RE.fullmatch(text)
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours == 24 and minutes == 0 and allow_end_of_day:
        return 24 * 60
    if hours > 23 or minutes > 59:
        return None
    return hours * 60 + minutes


def parse_rules(data: object, path: Path | str) -> tuple[AvailabilityRule, ...]:
    """``availability_rules.json``'s value (a list of Availability Rules); ``path`` names it
    in errors."""
    if not isinstance(data, list):
        raise CalendarDataError(path, f"must be a JSON list of rules, not {_type_name(data)}")
    rules: list[AvailabilityRule] = []
    seen: set[str] = set()
    for index, entry in enumerate(data):
        where = f"[{index}]"
        if not isinstance(entry, dict):
            raise CalendarDataError(path, f"{where} must be an object, not {_type_name(entry)}")
        rule_id = _require(path, where, entry, "availability_rule_id", str, "a string")
        if rule_id in seen:
            raise CalendarDataError(path, f"{where}: duplicate availability_rule_id {rule_id!r}")
        seen.add(rule_id)
        tzid = _require(path, where, entry, "tzid", str, "a string")
        if not timeutil.is_zone(tzid):
            raise CalendarDataError(path, f"{where}.tzid {tzid!r} is not a known IANA time zone")
        calendar_ids = entry.get("calendar_ids")
        if calendar_ids is not None:
            if not isinstance(calendar_ids, list) or not all(
                isinstance(calendar_id, str) for calendar_id in calendar_ids
            ):
                raise CalendarDataError(path, f"{where}.calendar_ids must be a list of strings")
            calendar_ids = tuple(calendar_ids)
        periods = _require(path, where, entry, "weekly_periods", list, "a list")
        weekly = tuple(
            _parse_weekly_period(path, f"{where}.weekly_periods[{number}]", period)
            for number, period in enumerate(periods)
        )
        rules.append(AvailabilityRule(rule_id, tzid, weekly, calendar_ids))
    return tuple(rules)


def _parse_weekly_period(path: Path | str, where: str, entry: object) -> WeeklyPeriod:
    if not isinstance(entry, dict):
        raise CalendarDataError(path, f"{where} must be an object, not {_type_name(entry)}")
    day = _require(path, where, entry, "day", str, "a string")
    if day.lower() not in _DAYS:
        raise CalendarDataError(path, f"{where}.day {day!r} is not a day of the week")
    start_text = _require(path, where, entry, "start_time", str, "a string")
    end_text = _require(path, where, entry, "end_time", str, "a string")
    start = _clock_minutes(start_text, allow_end_of_day=False)
    if start is None:
        raise CalendarDataError(path, f"{where}.start_time {start_text!r} is not HH:MM")
    end = _clock_minutes(end_text, allow_end_of_day=True)
    if end is None:
        raise CalendarDataError(path, f"{where}.end_time {end_text!r} is not HH:MM")
    if end <= start:
        raise CalendarDataError(
            path, f"{where}.end_time {end_text!r} is not after start_time {start_text!r}"
        )
    return WeeklyPeriod(_DAYS.index(day.lower()), start, end)


def parse_periods(data: object, path: Path | str) -> tuple[ManagedPeriod, ...]:
    """``available_periods.json``'s value; ``path`` names it in errors."""
    if not isinstance(data, list):
        raise CalendarDataError(path, f"must be a JSON list of periods, not {_type_name(data)}")
    periods: list[ManagedPeriod] = []
    for index, entry in enumerate(data):
        where = f"[{index}]"
        if not isinstance(entry, dict):
            raise CalendarDataError(path, f"{where} must be an object, not {_type_name(entry)}")
        period_id = entry.get("available_period_id", str(index))
        if period_id is None:
            period_id = str(index)
        if not isinstance(period_id, str):
            raise CalendarDataError(path, f"{where}.available_period_id must be a string")
        bounds: list[int] = []
        for key in ("start", "end"):
            text = _require(path, where, entry, key, str, "a string")
            try:
                bounds.append(timeutil.parse_time(text))
            except timeutil.TimeFormatError:
                raise CalendarDataError(path, f"{where}.{key} {text!r} is not a Time") from None
        start, end = bounds
        if end <= start:
            raise CalendarDataError(path, f"{where}.end is not after its start")
        periods.append(ManagedPeriod(period_id, start, end))
    return tuple(periods)
