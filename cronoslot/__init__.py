"""cronoslot: common free time across local iCalendar files.

The front door::

    import cronoslot

    with cronoslot.open("calendars", now="2027-04-01T00:00:00Z") as cal:
        answer = cal.availability(body)   # body: bytes, str or dict -> the response dict
        loops = cal.sequence(body)        # -> {"sequences": [...]}
        seen = cal.busy("acc_alice", "2027-04-22T00:00:00Z", "2027-04-24T00:00:00Z")
        cal.warnings                      # the warnings of the calls so far

Invalid requests raise ``InvalidRequest`` (``.body`` is the API's 422 body); calendar data
that cannot be used raises ``CalendarDataError`` naming the file. The names below are
imported when first used, so that ``cronoslot --version`` stays fast; type checkers see
them as they are.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .errors import (
        BookingConflict,
        CalendarDataError,
        CalendarServerError,
        CronoslotError,
        ExitCode,
        InvalidRequest,
        StrictWarning,
        UsageError,
    )
    from .models import (
        AvailabilityRequest,
        AvailabilityResult,
        BusyInterval,
        MemberStatus,
        SequenceRequest,
        SequenceResult,
        SequenceStepResult,
        Slot,
        SyncStatus,
        Transparency,
    )
    from .session import Session, open

# Each public name and the module that defines it. No public name is also the name of a
# submodule: importing ``cronoslot.x`` sets the package attribute ``x`` to the module, which
# would replace a function of that name (a test checks this).
_EXPORTS = {
    "open": "session",
    "Session": "session",
    "CronoslotError": "errors",
    "BookingConflict": "errors",
    "CalendarServerError": "errors",
    "InvalidRequest": "errors",
    "CalendarDataError": "errors",
    "StrictWarning": "errors",
    "UsageError": "errors",
    "ExitCode": "errors",
    "AvailabilityRequest": "models",
    "SequenceRequest": "models",
    "AvailabilityResult": "models",
    "SequenceResult": "models",
    "SequenceStepResult": "models",
    "Slot": "models",
    "MemberStatus": "models",
    "SyncStatus": "models",
    "BusyInterval": "models",
    "Transparency": "models",
}

__all__ = [
    "AvailabilityRequest",
    "AvailabilityResult",
    "BookingConflict",
    "BusyInterval",
    "CalendarDataError",
    "CalendarServerError",
    "CronoslotError",
    "ExitCode",
    "InvalidRequest",
    "MemberStatus",
    "SequenceRequest",
    "SequenceResult",
    "SequenceStepResult",
    "Session",
    "Slot",
    "StrictWarning",
    "SyncStatus",
    "Transparency",
    "UsageError",
    "__version__",
    "open",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cronoslot' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups find it directly
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
