"""A question in local time (``FindQuery``) -> the Availability request that answers it
(``FindPlan.body``). Pure: the clock comes in as ``now``; a server can use it as the CLI
does.

The request is an ordinary Availability request, answered by the same engine, and
``cronoslot availability --no-api-limits`` gives the same answer for it. Choices:

- each day's window is the working hours in the query's zone (DST days included), the
  windows from ``now`` on are the query periods, and windows too short for the duration
  are left out;
- slot starts follow the zone's local clock: where that grid is the API's
  ``start_interval`` (the step is 5, 10, 15, 20, 30 or 60 minutes and every UTC offset
  over the windows is a multiple of it), the request uses it; otherwise it lists the local
  starts as ``query_slots``. The API considers every query slot (as ``overlapping_slots``),
  so for ``slots`` the request asks for all of them and ``pick_slots`` then takes
  non-overlapping ones upwards, as ``slots`` does on a grid. Periods use the grid only
  where it is ``start_interval``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..api.limits import START_INTERVALS
from ..errors import UsageError
from ..intervals import Interval
from ..models import (
    DEFAULT_MAX_RESULTS,
    AvailabilityRequest,
    AvailabilityResult,
    Buffer,
    ResponseFormat,
    Slot,
)
from ..timeutil import MINUTE, format_time, get_zone, to_datetime
from .days import DayForm, resolve_days
from .windows import DayWindow, aligned_starts, clipped_union, day_windows, on_epoch_grid

__all__ = [
    "DEFAULT_BETWEEN",
    "DEFAULT_EVERY",
    "FindGroup",
    "FindPlan",
    "FindQuery",
    "FindResult",
    "plan",
]

DEFAULT_BETWEEN = (9 * 60, 17 * 60)
"""Working hours when none are given: 09:00-17:00."""

DEFAULT_EVERY = 15 * MINUTE
"""The step between slot starts when none is given."""

NO_BUFFER = Buffer()


@dataclass(frozen=True)
class FindGroup:
    """Members of whom ``required`` must be free (None: all of them)."""

    subs: tuple[str, ...]
    required: int | None = None


@dataclass(frozen=True)
class FindQuery:
    """What a person asks: who, for how long, on which days, at what hours, in which zone."""

    groups: tuple[FindGroup, ...]
    duration: int
    zone: str
    on: tuple[DayForm, ...] = ()
    between: tuple[int, int] = DEFAULT_BETWEEN
    weekends: bool = False
    every: int = DEFAULT_EVERY
    buffer: Buffer = NO_BUFFER
    managed: frozenset[str] = frozenset()
    """The members whose managed availability (availability rules, available periods)
    bounds them; ``--managed`` gives those whose accounts have any."""
    response_format: ResponseFormat = "slots"
    limit: int = DEFAULT_MAX_RESULTS

    @property
    def subs(self) -> tuple[str, ...]:
        """Every member once, in the order given."""
        return tuple(dict.fromkeys(sub for group in self.groups for sub in group.subs))


@dataclass(frozen=True)
class FindPlan:
    """The query worked out at ``now``: its days, their windows (before the clip to now),
    the time left to search, and the Availability request (None when no time is left)."""

    query: FindQuery
    now: int
    days: tuple[date, ...]
    windows: tuple[DayWindow, ...]
    union: tuple[Interval, ...]
    body: Mapping[str, Any] | None
    local_grid: bool = False
    """True when the starts are written as ``query_slots``."""
    pick_slots: bool = False
    """True when the answer's slots are to be thinned by ``pick_slots`` (``slots`` asked
    for over ``query_slots``, which the API always answers as ``overlapping_slots``)."""


@dataclass(frozen=True)
class FindResult:
    """A found answer: the plan, the validated request (None when no time was left to
    search) and the answer to it."""

    plan: FindPlan
    request: AvailabilityRequest | None
    result: AvailabilityResult


def _minutes(seconds: int) -> dict[str, int]:
    return {"minutes": seconds // MINUTE}


def _participants(query: FindQuery) -> list[dict[str, Any]]:
    groups = []
    for group in query.groups:
        members = [
            {"sub": sub, "managed_availability": True} if sub in query.managed else {"sub": sub}
            for sub in group.subs
        ]
        required: int | str = "all" if group.required is None else group.required
        groups.append({"members": members, "required": required})
    return groups


def plan(query: FindQuery, now: int) -> FindPlan:
    """Work ``query`` out at ``now``. Raises ``UsageError`` when it names no day to search
    (every day is before today, or only weekend days without ``weekends``)."""
    zone = get_zone(query.zone)
    today = to_datetime(now).astimezone(zone).date()
    days = resolve_days(query.on, today, query.weekends)
    if not days:
        raise UsageError("no day to search: the days asked for are weekend days (add --weekends)")
    if days[-1] < today:
        raise UsageError(f"no day to search: every day asked for is before today ({today})")
    windows = day_windows(days, query.between, zone)
    union = tuple(
        (start, end) for start, end in clipped_union(windows, now) if end - start >= query.duration
    )
    found = FindPlan(query, now, days, windows, union, None)
    if not union:
        return found
    body: dict[str, Any] = {
        "participants": _participants(query),
        "required_duration": _minutes(query.duration),
    }
    if query.buffer.before or query.buffer.after:
        body["buffer"] = {
            side: _minutes(seconds)
            for side, seconds in (("before", query.buffer.before), ("after", query.buffer.after))
            if seconds
        }
    on_grid = query.every in START_INTERVALS and on_epoch_grid(union, query.every, zone)
    local_grid = query.response_format != "periods" and not on_grid
    if local_grid:
        starts = aligned_starts(union, query.duration, query.every, zone)
        if not starts:
            return found
        body["query_slots"] = [{"start": format_time(start)} for start in starts]
    else:
        body["query_periods"] = [
            {"start": format_time(start), "end": format_time(end)} for start, end in union
        ]
        if on_grid:
            body["start_interval"] = _minutes(query.every)
    pick = local_grid and query.response_format == "slots"
    # Thinning needs every overlapping answer: ask for as many as there are starts.
    body["response_format"] = "overlapping_slots" if pick else query.response_format
    body["max_results"] = max(query.limit, len(body["query_slots"])) if pick else query.limit
    return FindPlan(query, now, days, windows, union, body, local_grid, pick)


def pick_slots(result: AvailabilityResult, limit: int) -> AvailabilityResult:
    """Slots as ``slots`` takes them on a grid: upwards, none starting before the end of
    the last one taken; at most ``limit``."""
    taken: list[Slot] = []
    for slot in result.slots:
        if len(taken) >= limit:
            break
        if not taken or slot.start >= taken[-1].end:
            taken.append(slot)
    return AvailabilityResult("slots", tuple(taken), result.member_statuses)
