"""The API's limits on a request (SPEC 3), in one place, as a ``Limits`` object the
request parsers take.

``API_LIMITS`` (the default) keeps requests portable to the hosted API; ``NO_API_LIMITS``
is what ``cronoslot find`` and ``--no-api-limits`` use: a local tool need not refuse 40
accounts or a 60-day window (the solvers never enumerate subsets). Every limit is listed
in README's "Limits" section.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..timeutil import DAY, MINUTE

INT_LIMIT = 2**31
"""Integers whose magnitude is beyond this are ``invalid_value`` (2**31 itself is allowed);
kept without API limits too (it guards the JSON edge, not the API's capacity)."""

START_INTERVALS = frozenset(minutes * MINUTE for minutes in (5, 10, 15, 20, 30, 60))
"""The grids a ``start_interval`` may choose (without API limits too: other grids are
written as ``query_slots``)."""


@dataclass(frozen=True)
class Limits:
    """The relaxable limits of a request; None means no limit."""

    accounts: int | None = 10
    """Most distinct accounts in one query (in one step of a sequence)."""
    periods: int | None = 50
    """Most query periods, query slots or member available periods in one list."""
    span: int | None = 35 * DAY
    """How far after the earliest start of its list a Time may lie."""
    horizon: int | None = 201 * DAY
    """How far after now a Time may lie."""
    duration: int | None = 35 * DAY
    """The longest Duration."""
    results: int | None = 512
    """The largest ``max_results``."""
    steps: int | None = 5
    """Most steps in a sequence."""


API_LIMITS = Limits()
"""The hosted API's limits: the default everywhere but ``find``."""

NO_API_LIMITS = Limits(
    accounts=None, periods=None, span=None, horizon=None, duration=None, results=None, steps=None
)
"""No relaxable limit at all: ``cronoslot find``, and ``--no-api-limits``."""
