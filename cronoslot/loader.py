"""``.ics`` / ``.ifb`` files -> busy intervals (SPEC 2).

OWNER: helper A (store + loader).
"""

from __future__ import annotations

from pathlib import Path

from .errors import Warn
from .intervals import Interval
from .models import AccountSettings, BusyInterval


def load_calendar(
    path: Path, *, calendar_id: str, settings: AccountSettings, window: Interval, warn: Warn
) -> list[BusyInterval]:
    """Every busy interval of one calendar file that overlaps ``window``, sorted by start, end.

    Raises ``CalendarDataError`` for a file that is unreadable, not iCalendar, or truncated.
    """
    raise NotImplementedError
