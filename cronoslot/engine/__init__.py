"""The engine: which calendars and rules each member appearance uses (``members``), loading
many calendar files once, through the cache and over several processes (``loading``,
``files``), and the queries that join store, loading and solvers (``queries``).

The only layer that touches both the store and the solvers; it reads no clock.
"""

from .queries import (
    LoadOptions,
    availability,
    availability_inputs,
    busy,
    sequence,
    sequence_inputs,
)

__all__ = [
    "LoadOptions",
    "availability",
    "availability_inputs",
    "busy",
    "sequence",
    "sequence_inputs",
]
