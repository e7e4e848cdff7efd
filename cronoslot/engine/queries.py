"""The engine's front: a validated request and a store in, the solver's answer out.

For each query: the window the calendars must be read over (the query's hull widened by
the widest buffer and any constraint's days or weeks), the member inputs over it
(``members.MemberData``), then a solver. ``*_inputs`` stop before the solver (for
``explain`` and the benchmark).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import Warn
from ..intervals import Interval, overlaps
from ..models import (
    AvailabilityRequest,
    AvailabilityResult,
    BusyInterval,
    ExcludedEvents,
    Group,
    Member,
    MemberInput,
    SequenceRequest,
    SequenceResult,
)
from ..solve.availability import solve_availability
from ..store.reader import Store
from ..timeutil import DAY
from .freshness import Policy
from .loading import Progress
from .members import MemberData

if TYPE_CHECKING:
    from ..cache import Cache

# Constraints count events by the day or ISO week they start in, so with constraints the
# loading window reaches over the whole days (in any zone) or weeks the query touches.
_WEEK_CONSTRAINT_MARGIN = 8 * DAY
_DAY_CONSTRAINT_MARGIN = 2 * DAY


@dataclass(frozen=True)
class LoadOptions:
    """How calendars are loaded: through a cache or not, over how many processes, with
    what progress report, and how old their data may be (``freshness``; None: the default
    policy on the real clock). The defaults load in this process, without a cache."""

    cache: Cache | None = None
    workers: int | None = 1
    progress: Progress | None = None
    freshness: Policy | None = None
    # Every busy interval with its identity, never bare spans (for ``explain``).
    events_whole: bool = False


def _widest_buffer(groups: Iterable[Group], *defaults: int) -> int:
    widths = list(defaults)
    for group in groups:
        for member in group.members:
            if member.buffer is not None:
                widths += [member.buffer.before, member.buffer.after]
    return max(widths, default=0)


def _margin(groups: Iterable[Group], *default_buffers: int) -> int:
    """How far beyond the query the calendars must be read: the widest buffer (busy time
    just outside the query widens into it), and the days or weeks of any constraint."""
    groups = list(groups)
    constraint_margin = 0
    for group in groups:
        for member in group.members:
            for constraint in member.availability_constraints:
                margin = (
                    _WEEK_CONSTRAINT_MARGIN
                    if constraint.period == "week"
                    else _DAY_CONSTRAINT_MARGIN
                )
                constraint_margin = max(constraint_margin, margin)
    return constraint_margin + _widest_buffer(groups, *default_buffers)


def _window(union: Sequence[Interval], margin: int) -> Interval:
    """The query union's hull, widened by ``margin`` on both sides."""
    if not union:
        return (0, 0)
    return (union[0][0] - margin, union[-1][1] + margin)


def _member_data(
    store: Store,
    warn: Warn,
    options: LoadOptions,
    union: Sequence[Interval],
    margin: int,
    excluded: ExcludedEvents,
    members: Iterable[Member],
) -> MemberData:
    """Every calendar the member appearances use, loaded once over the query's window."""
    data = MemberData(
        store,
        _window(union, margin),
        warn,
        options.cache,
        options.workers,
        options.progress,
        None if options.events_whole else excluded.event_uids | excluded.event_ids,
        policy=options.freshness or Policy(),
    )
    data.load(members)
    return data


def _members_of(request: AvailabilityRequest | SequenceRequest) -> list[Member]:
    if isinstance(request, AvailabilityRequest):
        return [member for group in request.participants for member in group.members]
    return [
        member for step in request.steps for group in step.participants for member in group.members
    ]


def used_calendars(
    request: AvailabilityRequest | SequenceRequest, store: Store
) -> list[tuple[str, str]]:
    """``(sub, calendar_id)`` of every calendar the request's members use, in request order
    (what ``--sync`` refreshes before answering). Gives no warnings: answering does."""
    data = MemberData(store, (0, 0), lambda message: None)
    return list(
        dict.fromkeys(
            (member.sub, calendar_id)
            for member in _members_of(request)
            for calendar_id in data.calendars_of(member)
        )
    )


def availability_inputs(
    request: AvailabilityRequest, store: Store, warn: Warn, options: LoadOptions = LoadOptions()
) -> list[list[MemberInput]]:
    """The solver's inputs for a validated availability request: ``[group][member]``."""
    margin = _margin(request.participants, request.buffer.before, request.buffer.after)
    members = _members_of(request)
    data = _member_data(
        store, warn, options, request.query_union, margin, request.excluded_events, members
    )
    return data.group_inputs(request.participants)


def availability(
    request: AvailabilityRequest, store: Store, warn: Warn, options: LoadOptions = LoadOptions()
) -> AvailabilityResult:
    """Answer a validated availability request over ``store``."""
    return solve_availability(request, availability_inputs(request, store, warn, options))


def sequence_inputs(
    request: SequenceRequest, store: Store, warn: Warn, options: LoadOptions = LoadOptions()
) -> list[list[list[MemberInput]]]:
    """The solver's inputs for a validated sequence request: ``[step][group][member]``, steps
    in request order."""
    margin = max(
        (
            _margin(step.participants, step.buffer.before.minimum, step.buffer.after.minimum)
            for step in request.steps
        ),
        default=0,
    )
    members = _members_of(request)
    data = _member_data(
        store, warn, options, request.query_union, margin, request.excluded_events, members
    )
    return [data.group_inputs(step.participants) for step in request.steps]


def sequence(
    request: SequenceRequest, store: Store, warn: Warn, options: LoadOptions = LoadOptions()
) -> SequenceResult:
    """Answer a validated sequenced availability request over ``store``."""
    inputs = sequence_inputs(request, store, warn, options)
    from ..solve.sequence import solve_sequence  # only sequence queries pay for importing it

    return solve_sequence(request, inputs)


def busy(
    store: Store,
    sub: str,
    start: int,
    end: int,
    warn: Warn,
    options: LoadOptions = LoadOptions(),
) -> list[BusyInterval]:
    """Every busy interval of the account overlapping ``[start, end)``, as the loader sees
    it, before any request option applies; sorted by start, end, calendar_id."""
    data = MemberData(
        store,
        (start, end),
        warn,
        options.cache,
        options.workers,
        options.progress,
        None,
        policy=options.freshness or Policy(),
    )
    data.load([Member(sub)])
    intervals = [
        interval
        for calendar_id in store.calendar_ids(sub)
        for interval in data.loaded[(sub, calendar_id)]
        if overlaps(interval.start, interval.end, (start, end))
    ]
    intervals.sort(key=lambda b: (b.start, b.end, b.calendar_id))
    return intervals
