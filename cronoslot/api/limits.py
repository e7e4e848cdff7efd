"""The API's limits on a request (SPEC 3), in one place.

They keep requests portable to the hosted API; every one of them is listed in README's
"Limits" section.
"""

from __future__ import annotations

from ..timeutil import DAY, MINUTE

INT_LIMIT = 2**31
"""Integers whose magnitude is beyond this are ``invalid_value`` (2**31 itself is allowed)."""

DATE_HORIZON = 201 * DAY
"""How far after now a Time may lie."""

MAX_SPAN = 35 * DAY
"""How far after the earliest start of its list a Time may lie."""

MAX_DURATION = 35 * DAY
"""The longest Duration."""

MAX_PERIODS = 50
"""Most query periods, query slots or member available periods in one list."""

MAX_ACCOUNTS = 10
"""Most distinct accounts in one query (in one step of a sequence)."""

MAX_STEPS = 5
"""Most steps in a sequence."""

MAX_RESULTS = 512
"""The largest ``max_results``."""

START_INTERVALS = frozenset(minutes * MINUTE for minutes in (5, 10, 15, 20, 30, 60))
"""The grids a ``start_interval`` may choose."""
