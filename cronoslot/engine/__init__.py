"""The engine: which calendars and rules each member appearance uses (``members``), loading
many calendar files once, through the cache and over several processes (``loading``,
``files``), and the queries that join store, loading and solvers (``queries``).

How fresh each calendar's data is, and so each member's ``sync_status``, is decided in one
place (``freshness``), on the real clock, never on a request's ``now``. The only layer that
touches both the store and the solvers; the solvers get no clock from it.
"""

from .queries import (
    LoadOptions,
    availability,
    availability_inputs,
    busy,
    sequence,
    sequence_inputs,
    used_calendars,
)

__all__ = [
    "LoadOptions",
    "availability",
    "availability_inputs",
    "busy",
    "sequence",
    "sequence_inputs",
    "used_calendars",
]
