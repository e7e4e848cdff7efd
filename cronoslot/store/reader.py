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
- The JSON files are parsed by ``account_files`` (pure functions, also for sync and a
  server).
- A calendar with a source in ``sources.json`` (``cronoslot.sync``) is a calendar of the
  account even before its first sync has written its file (it then has no files).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CalendarDataError, UsageError
from ..models import AccountSettings, AvailabilityRule, ManagedPeriod
from ..names import valid_name
from .account_files import (
    PERIODS_FILE,
    RULES_FILE,
    SETTINGS_FILE,
    parse_periods,
    parse_rules,
    parse_settings,
)

if TYPE_CHECKING:
    from ..sync.sources import Source
    from ..sync.state import SyncState

# sync's file names, spelt here so a store without sources never imports sync.
SOURCES_FILE = "sources.json"

_CALENDAR_SUFFIXES = (".ics", ".ifb")


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
        self._sources: dict[str, tuple[Source, ...]] = {}

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

    def accounts(self) -> tuple[str, ...]:
        """Every account of the store (folders with a valid name), sorted."""
        try:
            entries = sorted(self.root.iterdir())
        except OSError:
            return ()
        return tuple(entry.name for entry in entries if self.has_account(entry.name))

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
            for source in self.sources(sub):
                found.setdefault(source.calendar_id, [])
        calendars = {
            calendar_id: tuple(
                sorted(paths, key=lambda p: (_CALENDAR_SUFFIXES.index(p.suffix.lower()), p.name))
            )
            for calendar_id, paths in sorted(found.items())
        }
        self._calendars[sub] = calendars
        return calendars

    def account_dir(self, sub: str) -> Path | None:
        """The account's folder, or None when it has none. Refuses invalid names."""
        return self._account_dir(sub)

    def calendar_ids(self, sub: str) -> tuple[str, ...]:
        """Every calendar of the account (its files and its sources), sorted."""
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

    # --- sources.json and sync state (cronoslot.sync) -------------------------------------

    def sources(self, sub: str) -> tuple[Source, ...]:
        """The account's sources, by calendar id; a malformed ``sources.json`` is a
        ``CalendarDataError`` naming it (and never quoting a URL)."""
        if sub not in self._sources:
            path = self._account_file(sub, SOURCES_FILE)
            if path is None:
                self._sources[sub] = ()
            else:
                from ..sync.sources import parse_sources

                self._sources[sub] = parse_sources(read_json(path), path, sub)
        return self._sources[sub]

    def source(self, sub: str, calendar_id: str) -> Source | None:
        return next((s for s in self.sources(sub) if s.calendar_id == calendar_id), None)

    def sync_state(self, sub: str, calendar_id: str) -> SyncState | None:
        """The calendar's sync state (``SUB/.sync/CALENDAR_ID.json``), or None."""
        folder = self._account_dir(sub)
        if folder is None or not valid_name(calendar_id):
            return None
        from ..sync.state import read_state

        return read_state(folder, calendar_id)

    # --- account.json -------------------------------------------------------------------

    def settings(self, sub: str) -> AccountSettings:
        if sub not in self._settings:
            path = self._account_file(sub, SETTINGS_FILE)
            self._settings[sub] = (
                AccountSettings() if path is None else parse_settings(read_json(path), path)
            )
        return self._settings[sub]

    # --- availability_rules.json --------------------------------------------------------

    def availability_rules(self, sub: str) -> tuple[AvailabilityRule, ...]:
        if sub not in self._rules:
            path = self._account_file(sub, RULES_FILE)
            self._rules[sub] = () if path is None else parse_rules(read_json(path), path)
        return self._rules[sub]

    def availability_rule_ids(self, sub: str) -> frozenset[str]:
        return frozenset(rule.availability_rule_id for rule in self.availability_rules(sub))

    # --- available_periods.json ---------------------------------------------------------

    def available_periods(self, sub: str) -> tuple[ManagedPeriod, ...]:
        if sub not in self._periods:
            path = self._account_file(sub, PERIODS_FILE)
            self._periods[sub] = () if path is None else parse_periods(read_json(path), path)
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


def read_json(path: Path) -> Any:
    """A store JSON file's value. Raises ``CalendarDataError`` naming the file when it
    cannot be read or is not JSON."""
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
