"""The calendar store: accounts as folders, calendars as files, rules and periods (SPEC 1).

Safety: a ``sub`` or ``calendar_id`` is checked by ``valid_name`` before any path is built
from it, and every path the store opens is resolved and must stay inside the store's root,
so neither a name nor a symlink can make cronoslot read a file outside the store.

Choices where SPEC is silent:

- Calendar files are ``*.ics`` and ``*.ifb`` directly in the account folder (the suffix in
  any letter case); a file whose stem is not a valid name, or that resolves outside the
  store, is not a calendar.
- For an account with no folder, ``calendar_ids`` is empty and the settings, rules and
  periods are the defaults: callers report ``unknown_account`` before asking.
- In ``available_periods.json`` an entry without ``available_period_id`` gets its index
  (``"0"``, ``"1"``...) as id. Two rules with one ``availability_rule_id`` are an error.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .. import timeutil
from ..errors import CalendarDataError, UsageError
from ..models import AccountSettings, AvailabilityRule, ManagedPeriod, WeeklyPeriod
from ..names import valid_name

_CALENDAR_SUFFIXES = (".ics", ".ifb")

SETTINGS_FILE = "account.json"
RULES_FILE = "availability_rules.json"
PERIODS_FILE = "available_periods.json"

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOCK_RE = re.compile(r"(\d{2}):(\d{2})")


class Store:
    """A store directory. Raises ``UsageError`` when ``root`` is not a directory.

    Listings and parsed JSON are memoised: one ``Store`` reads each file at most once, so
    use a fresh instance to see changes on disk.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        if not self.root.exists():
            raise UsageError(f"calendar store {self.root} does not exist")
        if not self.root.is_dir():
            raise UsageError(f"calendar store {self.root} is not a directory")
        self._resolved_root = self.root.resolve()
        self._calendars: dict[str, dict[str, tuple[Path, ...]]] = {}
        self._settings: dict[str, AccountSettings] = {}
        self._rules: dict[str, tuple[AvailabilityRule, ...]] = {}
        self._periods: dict[str, tuple[ManagedPeriod, ...]] = {}

    # --- paths --------------------------------------------------------------------------

    def _inside(self, path: Path) -> bool:
        """True when ``path``, symlinks followed, stays inside the store."""
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):  # a symlink loop
            return False
        return resolved.is_relative_to(self._resolved_root)

    def _account_dir(self, sub: str) -> Path | None:
        """The account's folder, or None when it has none. Refuses invalid names."""
        if not valid_name(sub):
            raise ValueError(f"not a valid account name: {sub!r}")
        folder = self.root / sub
        if not self._inside(folder) or not folder.is_dir():
            return None
        return folder

    def _account_file(self, sub: str, name: str) -> Path | None:
        folder = self._account_dir(sub)
        if folder is None:
            return None
        path = folder / name
        if not path.exists() and not path.is_symlink():
            return None
        if not self._inside(path):
            raise CalendarDataError(path, "points outside the calendar store")
        return path

    # --- accounts and calendars ---------------------------------------------------------

    def has_account(self, sub: str) -> bool:
        return valid_name(sub) and self._account_dir(sub) is not None

    def _calendar_map(self, sub: str) -> dict[str, tuple[Path, ...]]:
        if sub in self._calendars:
            return self._calendars[sub]
        folder = self._account_dir(sub)
        found: dict[str, list[Path]] = {}
        if folder is not None:
            try:
                entries = sorted(folder.iterdir())
            except OSError:
                entries = []
            for entry in entries:
                suffix = entry.suffix.lower()
                if suffix not in _CALENDAR_SUFFIXES or not valid_name(entry.stem):
                    continue
                if not self._inside(entry) or not entry.is_file():
                    continue
                found.setdefault(entry.stem, []).append(entry)
        calendars = {
            calendar_id: tuple(
                sorted(paths, key=lambda p: (_CALENDAR_SUFFIXES.index(p.suffix.lower()), p.name))
            )
            for calendar_id, paths in sorted(found.items())
        }
        self._calendars[sub] = calendars
        return calendars

    def calendar_ids(self, sub: str) -> tuple[str, ...]:
        """Every calendar of the account, sorted."""
        return tuple(self._calendar_map(sub))

    def has_calendar(self, sub: str, calendar_id: str) -> bool:
        if not valid_name(sub) or not valid_name(calendar_id):
            return False
        return calendar_id in self._calendar_map(sub)

    def calendar_files(self, sub: str, calendar_id: str) -> tuple[Path, ...]:
        """The files of one calendar (``.ics`` before ``.ifb``); empty when it has none."""
        if not valid_name(calendar_id):
            raise ValueError(f"not a valid calendar id: {calendar_id!r}")
        return self._calendar_map(sub).get(calendar_id, ())

    # --- account.json -------------------------------------------------------------------

    def settings(self, sub: str) -> AccountSettings:
        if sub not in self._settings:
            path = self._account_file(sub, SETTINGS_FILE)
            self._settings[sub] = AccountSettings() if path is None else _parse_settings(path)
        return self._settings[sub]

    # --- availability_rules.json --------------------------------------------------------

    def availability_rules(self, sub: str) -> tuple[AvailabilityRule, ...]:
        if sub not in self._rules:
            path = self._account_file(sub, RULES_FILE)
            self._rules[sub] = () if path is None else _parse_rules(path)
        return self._rules[sub]

    def availability_rule_ids(self, sub: str) -> frozenset[str]:
        return frozenset(rule.availability_rule_id for rule in self.availability_rules(sub))

    # --- available_periods.json ---------------------------------------------------------

    def available_periods(self, sub: str) -> tuple[ManagedPeriod, ...]:
        if sub not in self._periods:
            path = self._account_file(sub, PERIODS_FILE)
            self._periods[sub] = () if path is None else _parse_periods(path)
        return self._periods[sub]


def read_calendar_bytes(path: Path) -> bytes:
    """The file's bytes, as they are. Raises ``CalendarDataError`` when it cannot be read."""
    try:
        return Path(path).read_bytes()
    except IsADirectoryError:
        raise CalendarDataError(path, "is a directory, not a calendar file") from None
    except FileNotFoundError:
        raise CalendarDataError(path, "no such file") from None
    except PermissionError:
        raise CalendarDataError(path, "permission denied") from None
    except OSError as error:
        raise CalendarDataError(path, f"cannot be read: {error.strerror or error}") from None


# --- JSON files --------------------------------------------------------------------------


def _read_json(path: Path) -> Any:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except IsADirectoryError:
        raise CalendarDataError(path, "is a directory, not a JSON file") from None
    except OSError as error:
        raise CalendarDataError(path, f"cannot be read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise CalendarDataError(path, "not valid UTF-8") from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise CalendarDataError(path, f"not valid JSON: {error}") from None


def _type_name(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, int | float) else "null"
    )


def _parse_settings(path: Path) -> AccountSettings:
    data = _read_json(path)
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
    return AccountSettings(tzid=tzid, emails=tuple(emails))


def _require(
    path: Path, where: str, entry: dict[str, Any], key: str, kind: type, kind_name: str
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


def _parse_rules(path: Path) -> tuple[AvailabilityRule, ...]:
    data = _read_json(path)
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


def _parse_weekly_period(path: Path, where: str, entry: object) -> WeeklyPeriod:
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


def _parse_periods(path: Path) -> tuple[ManagedPeriod, ...]:
    data = _read_json(path)
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
