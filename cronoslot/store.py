"""The calendar store: accounts as folders, calendars as files, rules and periods (SPEC 1).

OWNER: helper A (store + loader). Interface below is the contract; fill in the bodies.
"""

from __future__ import annotations

from pathlib import Path

from .models import AccountSettings, AvailabilityRule, ManagedPeriod


def valid_name(name: object) -> bool:
    """True when ``name`` may be a ``sub`` or ``calendar_id``: ASCII letters, digits and
    ``_ - . @``, never ``.`` or ``..``."""
    raise NotImplementedError


class Store:
    """A store directory. Raises ``UsageError`` when ``root`` is not a directory."""

    def __init__(self, root: Path | str) -> None:
        raise NotImplementedError

    def has_account(self, sub: str) -> bool:
        raise NotImplementedError

    def calendar_ids(self, sub: str) -> tuple[str, ...]:
        """Every calendar of the account, sorted."""
        raise NotImplementedError

    def has_calendar(self, sub: str, calendar_id: str) -> bool:
        raise NotImplementedError

    def calendar_files(self, sub: str, calendar_id: str) -> tuple[Path, ...]:
        raise NotImplementedError

    def settings(self, sub: str) -> AccountSettings:
        raise NotImplementedError

    def availability_rules(self, sub: str) -> tuple[AvailabilityRule, ...]:
        raise NotImplementedError

    def availability_rule_ids(self, sub: str) -> frozenset[str]:
        raise NotImplementedError

    def available_periods(self, sub: str) -> tuple[ManagedPeriod, ...]:
        raise NotImplementedError
