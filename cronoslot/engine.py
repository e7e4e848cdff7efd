"""The front door: a validated request and a store in, an answer out.

The engine decides which calendars and rules each member appearance uses, loads each
calendar once over a window wide enough for every buffer and constraint, and hands plain
data to the solvers. It is the only core module that touches both the store and a solver.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .errors import Warn
from .intervals import Interval, normalise
from .loader import load_calendar
from .managed import managed_intervals
from .models import (
    AvailabilityRequest,
    AvailabilityResult,
    BusyInterval,
    Group,
    Member,
    MemberInput,
    SequenceRequest,
    SequenceResult,
    SyncStatus,
)
from .sequence import solve_sequence
from .solver import solve_availability
from .store import Store
from .timeutil import DAY

# Constraints count events by the day or ISO week they start in, so the loading window
# reaches a little over a week beyond the query on each side, plus the widest buffer.
_CONSTRAINT_MARGIN = 8 * DAY


@dataclass
class _Loader:
    """Loads each (account, calendar) at most once per query."""

    store: Store
    window: Interval
    warn: Warn
    loaded: dict[tuple[str, str], tuple[BusyInterval, ...]] = field(default_factory=dict)

    def calendar(self, sub: str, calendar_id: str) -> tuple[BusyInterval, ...]:
        key = (sub, calendar_id)
        if key not in self.loaded:
            settings = self.store.settings(sub)
            intervals: list[BusyInterval] = []
            for path in self.store.calendar_files(sub, calendar_id):
                intervals.extend(
                    load_calendar(
                        path,
                        calendar_id=calendar_id,
                        settings=settings,
                        window=self.window,
                        warn=self.warn,
                    )
                )
            self.loaded[key] = tuple(intervals)
        return self.loaded[key]

    def member_input(self, member: Member) -> MemberInput:
        sub = member.sub
        # Read even when no calendar needs it: a malformed account.json of an account the
        # query uses is an error (SPEC 1), not something to notice only some of the time.
        self.store.settings(sub)
        all_calendars = self.store.calendar_ids(sub)
        rules = self.store.availability_rules(sub) if member.managed_availability else ()
        if member.availability_rule_ids is not None:
            chosen = set(member.availability_rule_ids)
            rules = tuple(rule for rule in rules if rule.availability_rule_id in chosen)

        if member.calendar_ids is not None:
            calendar_ids: Iterable[str] = member.calendar_ids
        else:
            named = [cid for rule in rules for cid in (rule.calendar_ids or ())]
            calendar_ids = all_calendars
            if named:
                existing = [cid for cid in named if cid in all_calendars]
                for cid in sorted(set(named) - set(existing)):
                    self.warn(
                        f"{sub}: an availability rule names calendar '{cid}', "
                        "which does not exist; it is ignored"
                    )
                calendar_ids = existing

        busy: list[BusyInterval] = []
        for calendar_id in dict.fromkeys(calendar_ids):
            busy.extend(self.calendar(sub, calendar_id))
        busy.sort(key=lambda b: (b.start, b.end, b.calendar_id))

        managed = None
        if member.managed_availability:
            periods = self.store.available_periods(sub)
            managed = tuple(managed_intervals(rules, periods, self.window))
        status = SyncStatus.ACTIVE if all_calendars else SyncStatus.PENDING
        return MemberInput(busy=tuple(busy), managed=managed, sync_status=status)

    def group_inputs(self, groups: Sequence[Group]) -> list[list[MemberInput]]:
        return [[self.member_input(member) for member in group.members] for group in groups]


def _widest_buffer(groups: Iterable[Group], *defaults: int) -> int:
    widths = list(defaults)
    for group in groups:
        for member in group.members:
            if member.buffer is not None:
                widths += [member.buffer.before, member.buffer.after]
    return max(widths, default=0)


def _window(spans: Iterable[Interval], margin: int) -> Interval:
    hull = normalise(spans)
    if not hull:
        return (0, 0)
    return (hull[0][0] - margin, hull[-1][1] + margin)


def availability(request: AvailabilityRequest, store: Store, warn: Warn) -> AvailabilityResult:
    """Answer a validated availability request over ``store``."""
    if request.query_slots is not None:
        spans = [(a, a + request.required_duration) for a in request.query_slots]
    else:
        spans = [(p.start, p.end) for p in request.query_periods or ()]
    margin = _CONSTRAINT_MARGIN + _widest_buffer(
        request.participants, request.buffer.before, request.buffer.after
    )
    loader = _Loader(store, _window(spans, margin), warn)
    return solve_availability(request, loader.group_inputs(request.participants))


def sequence(request: SequenceRequest, store: Store, warn: Warn) -> SequenceResult:
    """Answer a validated sequenced availability request over ``store``."""
    spans = [(p.start, p.end) for p in request.query_periods]
    margin = _CONSTRAINT_MARGIN + max(
        (
            _widest_buffer(step.participants, step.buffer.before.minimum, step.buffer.after.minimum)
            for step in request.steps
        ),
        default=0,
    )
    loader = _Loader(store, _window(spans, margin), warn)
    inputs = [loader.group_inputs(step.participants) for step in request.steps]
    return solve_sequence(request, inputs)


def busy(store: Store, sub: str, start: int, end: int, warn: Warn) -> list[BusyInterval]:
    """Every busy interval of the account overlapping ``[start, end)``, as the loader sees
    it, before any request option applies; sorted by start, end, calendar_id."""
    loader = _Loader(store, (start, end), warn)
    intervals = [
        interval
        for calendar_id in store.calendar_ids(sub)
        for interval in loader.calendar(sub, calendar_id)
        if interval.start < end and interval.end > start
    ]
    intervals.sort(key=lambda b: (b.start, b.end, b.calendar_id))
    return intervals
