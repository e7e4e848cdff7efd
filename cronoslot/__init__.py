"""cronoslot: common free time across local iCalendar files.

The library's front door (imported lazily, so that ``cronoslot --version`` stays fast)::

    import cronoslot

    store = cronoslot.Store("calendars")
    request = cronoslot.parse_availability(body, now=now, store=store, strict=False, warn=print)
    result = cronoslot.availability(request, store, warn=print)
    cronoslot.availability_json(result)   # the API's response dict
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Store": "store.reader",
    "parse_availability": "api.request",
    "parse_sequence": "api.request",
    "availability": "engine.answers",
    "sequence": "engine.answers",
    "busy": "engine.answers",
    "LoadOptions": "engine.answers",
    "availability_json": "api.response",
    "sequence_json": "api.response",
    "busy_json": "api.response",
    "solve_availability": "solve.availability",
    "solve_sequence": "solve.sequence",
    "load_calendar": "ical.loader",
    "InvalidRequest": "errors",
    "CalendarDataError": "errors",
    "UsageError": "errors",
    "ExitCode": "errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cronoslot' has no attribute {name!r}")
    # engine.sequence and the sequence module share a name: take the attribute explicitly.
    return getattr(import_module(f".{module}", __name__), name)
