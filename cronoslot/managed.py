"""Managed availability: availability rules' weekly periods and available periods (SPEC 5).

OWNER: helper C (solver + managed).
"""

from __future__ import annotations

from collections.abc import Sequence

from .intervals import Interval
from .models import AvailabilityRule, ManagedPeriod


def managed_intervals(
    rules: Sequence[AvailabilityRule], periods: Sequence[ManagedPeriod], window: Interval
) -> list[Interval]:
    """The union of the rules' weekly periods and the available periods, within ``window``."""
    raise NotImplementedError
