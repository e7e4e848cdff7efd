"""Request JSON -> validated request dataclasses, or ``InvalidRequest`` (SPEC 3).

OWNER: helper B (query).
"""

from __future__ import annotations

from typing import Protocol

from .errors import Warn
from .models import AvailabilityRequest, SequenceRequest


class StoreView(Protocol):
    """The only things validation asks of the calendar store (for ``unknown_*`` errors)."""

    def has_account(self, sub: str) -> bool: ...

    def has_calendar(self, sub: str, calendar_id: str) -> bool: ...

    def availability_rule_ids(self, sub: str) -> frozenset[str]: ...


def parse_availability(
    body: bytes | str, *, now: int, store: StoreView | None, strict: bool, warn: Warn
) -> AvailabilityRequest:
    raise NotImplementedError


def parse_sequence(
    body: bytes | str, *, now: int, store: StoreView | None, strict: bool, warn: Warn
) -> SequenceRequest:
    raise NotImplementedError
