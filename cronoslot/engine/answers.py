"""The front door: a validated request and a store in, an answer out.

The engine decides which calendars and rules each member appearance uses, loads each
calendar once over a window wide enough for every buffer and constraint, and hands plain
data to the solvers. It is the only core module that touches both the store and a solver.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import Warn
from ..intervals import Interval, overlaps
from ..models import (
    AvailabilityRequest,
    AvailabilityResult,
    AvailabilityRule,
    BusyInterval,
    ExcludedEvents,
    Group,
    Member,
    MemberInput,
    SequenceRequest,
    SequenceResult,
    SyncStatus,
    Transparency,
)
from ..solve.availability import solve_availability
from ..solve.managed import managed_intervals
from ..store.reader import Store
from ..timeutil import DAY
from .loading import FileJob, Progress, load_files

if TYPE_CHECKING:
    from ..cache import Cache

# Constraints count events by the day or ISO week they start in, so with constraints the
# loading window reaches over the whole days (in any zone) or weeks the query touches.
_WEEK_CONSTRAINT_MARGIN = 8 * DAY
_DAY_CONSTRAINT_MARGIN = 2 * DAY


@dataclass(frozen=True)
class LoadOptions:
    """How calendars are loaded: through a cache or not, over how many processes, with
    what progress report. The defaults load in this process, without a cache."""

    cache: Cache | None = None
    workers: int | None = 1
    progress: Progress | None = None


@dataclass
class _Loader:
    """Chooses each member appearance's calendars and rules, then loads every calendar the
    query needs once (in parallel where it pays) before the solver runs."""

    store: Store
    window: Interval
    warn: Warn
    options: LoadOptions = LoadOptions()
    # UIDs and event ids the query excludes; None when the caller needs every interval
    # whole (``busy``), so bare spans are never used.
    excluded_ids: frozenset[str] | None = frozenset()
    loaded: dict[tuple[str, str], tuple[BusyInterval, ...]] = field(default_factory=dict)
    spans: dict[tuple[str, str], dict[Transparency, list[Interval]]] = field(default_factory=dict)
    disconnected: set[str] = field(default_factory=set)
    chosen: dict[Member, list[str]] = field(default_factory=dict)

    def _rules(self, member: Member) -> tuple[AvailabilityRule, ...]:
        if not member.managed_availability:
            return ()
        rules = self.store.availability_rules(member.sub)
        if member.availability_rule_ids is not None:
            chosen = set(member.availability_rule_ids)
            rules = tuple(rule for rule in rules if rule.availability_rule_id in chosen)
        return rules

    def _calendar_ids(self, member: Member, rules: Sequence[AvailabilityRule]) -> list[str]:
        """SPEC 2: ``calendar_ids`` if given; else the chosen rules' calendars when they name
        any; else every calendar of the account. Decided once per member appearance, so a
        warning about a rule's missing calendar is given once."""
        if member not in self.chosen:
            self.chosen[member] = self._choose_calendars(member, rules)
        return self.chosen[member]

    def _choose_calendars(self, member: Member, rules: Sequence[AvailabilityRule]) -> list[str]:
        if member.calendar_ids is not None:
            return list(dict.fromkeys(member.calendar_ids))
        all_calendars = self.store.calendar_ids(member.sub)
        named = list(dict.fromkeys(cid for rule in rules for cid in (rule.calendar_ids or ())))
        if not named:
            return list(all_calendars)
        for cid in named:
            if cid not in all_calendars:
                self.warn(
                    f"{member.sub}: an availability rule names calendar '{cid}', "
                    "which does not exist; it is ignored"
                )
        return [cid for cid in named if cid in all_calendars]

    def load(self, members: Iterable[Member]) -> None:
        """Load, once, every calendar the given member appearances use."""
        needed: dict[tuple[str, str], None] = {}
        # Bare spans will do for a calendar unless some member using it needs events whole.
        spans_will_do: dict[tuple[str, str], bool] = {}
        for member in members:
            # Read even when no calendar needs it: a malformed account.json of an account
            # the query uses is an error (SPEC 1) wherever it is.
            self.store.settings(member.sub)
            needs_events = bool(member.availability_constraints or member.only_managed_events)
            for calendar_id in self._calendar_ids(member, self._rules(member)):
                owner = (member.sub, calendar_id)
                if owner not in self.loaded:
                    needed[owner] = None
                    spans_will_do[owner] = spans_will_do.get(owner, True) and not needs_events
        jobs: list[FileJob] = []
        owners: list[tuple[str, str]] = []
        for sub, calendar_id in needed:
            settings = self.store.settings(sub)
            bare = self.excluded_ids is not None and spans_will_do[(sub, calendar_id)]
            for path in self.store.calendar_files(sub, calendar_id):
                jobs.append(
                    FileJob(path, calendar_id, settings, bare, self.excluded_ids or frozenset())
                )
                owners.append((sub, calendar_id))
            self.loaded[(sub, calendar_id)] = ()
        results = load_files(
            jobs,
            self.window,
            self.warn,
            cache=self.options.cache,
            workers=self.options.workers,
            progress=self.options.progress,
        )
        for owner, result in zip(owners, results, strict=True):
            self.loaded[owner] += result.intervals
            if result.spans:
                merged = self.spans.setdefault(owner, {})
                for transparency, spans in result.spans.items():
                    merged.setdefault(transparency, []).extend(spans)
            if result.disconnected:
                self.disconnected.add(owner[0])

    def member_input(self, member: Member) -> MemberInput:
        sub = member.sub
        rules = self._rules(member)
        # In no particular order across calendars: the solver normalises what it needs.
        busy: list[BusyInterval] = []
        spans: dict[Transparency, list[Interval]] = {}
        for calendar_id in self._calendar_ids(member, rules):
            busy.extend(self.loaded[(sub, calendar_id)])
            for transparency, pieces in self.spans.get((sub, calendar_id), {}).items():
                spans.setdefault(transparency, []).extend(pieces)
        managed = None
        if member.managed_availability:
            periods = self.store.available_periods(sub)
            managed = tuple(managed_intervals(rules, periods, self.window))
        if sub in self.disconnected:
            status = SyncStatus.DISCONNECTED
        elif self.store.calendar_ids(sub):
            status = SyncStatus.ACTIVE
        else:
            status = SyncStatus.PENDING
        return MemberInput(
            busy=tuple(busy),
            managed=managed,
            sync_status=status,
            spans=tuple((transparency, tuple(pieces)) for transparency, pieces in spans.items()),
        )

    def group_inputs(self, groups: Sequence[Group]) -> list[list[MemberInput]]:
        return [[self.member_input(member) for member in group.members] for group in groups]


def _ids(excluded: ExcludedEvents) -> frozenset[str]:
    return excluded.event_uids | excluded.event_ids


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


def availability(
    request: AvailabilityRequest,
    store: Store,
    warn: Warn,
    options: LoadOptions = LoadOptions(),
) -> AvailabilityResult:
    """Answer a validated availability request over ``store``."""
    spans = request.query_union
    margin = _margin(request.participants, request.buffer.before, request.buffer.after)
    loader = _Loader(store, _window(spans, margin), warn, options, _ids(request.excluded_events))
    loader.load(member for group in request.participants for member in group.members)
    return solve_availability(request, loader.group_inputs(request.participants))


def sequence(
    request: SequenceRequest,
    store: Store,
    warn: Warn,
    options: LoadOptions = LoadOptions(),
) -> SequenceResult:
    """Answer a validated sequenced availability request over ``store``."""
    spans = request.query_union
    margin = max(
        (
            _margin(step.participants, step.buffer.before.minimum, step.buffer.after.minimum)
            for step in request.steps
        ),
        default=0,
    )
    loader = _Loader(store, _window(spans, margin), warn, options, _ids(request.excluded_events))
    loader.load(
        member for step in request.steps for group in step.participants for member in group.members
    )
    inputs = [loader.group_inputs(step.participants) for step in request.steps]
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
    loader = _Loader(store, (start, end), warn, options, excluded_ids=None)
    loader.load([Member(sub)])
    intervals = [
        interval
        for calendar_id in store.calendar_ids(sub)
        for interval in loader.loaded[(sub, calendar_id)]
        if overlaps(interval.start, interval.end, (start, end))
    ]
    intervals.sort(key=lambda b: (b.start, b.end, b.calendar_id))
    return intervals
