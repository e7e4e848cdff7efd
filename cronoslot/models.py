"""The domain: frozen dataclasses shared by the loader, the query parser and the solvers.

Instants and durations are ``int`` seconds (see ``timeutil``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from .intervals import Interval, normalise
from .names import normalise_email


class Transparency(StrEnum):
    """How a busy interval blocks time (SPEC section 2)."""

    OPAQUE = "opaque"
    TENTATIVE = "tentative"
    OUT_OF_OFFICE = "out_of_office"
    WORKING_ELSEWHERE = "working_elsewhere"


EXTENDED_TRANSPARENCIES = frozenset(
    {Transparency.OUT_OF_OFFICE, Transparency.WORKING_ELSEWHERE, Transparency.TENTATIVE}
)


class SyncStatus(StrEnum):
    ACTIVE = "active"
    PENDING = "pending"
    DISCONNECTED = "disconnected"


# --- what the loader makes of the store -------------------------------------------------


@dataclass(frozen=True)
class BusyInterval:
    """One occurrence (or free/busy period) of one calendar that blocks ``[start, end)``."""

    start: int
    end: int
    transparency: Transparency
    calendar_id: str
    event_uid: str | None = None
    event_id: str | None = None  # X-CRONOSLOT-EVENT-ID: set only for managed events
    tags: frozenset[str] = frozenset()  # CATEGORIES values, the "private" tag context
    summary: str | None = None
    private: bool = False  # CLASS:PRIVATE or CONFIDENTIAL

    @property
    def managed(self) -> bool:
        return self.event_id is not None


Reach = tuple[tuple[int | None, int | None], ...]
"""Closed spans of instants (``None``: unbounded on that side)."""


@dataclass(frozen=True)
class CalendarWarning:
    """A warning about a calendar file, and what it concerns (SPEC 2: a query is warned
    about what its window touches, the same with a cache and without).

    ``reach`` holds the spans within which the component it is about may have
    occurrences, as its text tells; None when it concerns the file as a whole. ``line`` is
    where the file says it (0: the file), and orders warnings.
    """

    message: str
    line: int = 0
    reach: Reach | None = None

    def touches(self, window: tuple[int, int]) -> bool:
        return reach_touches(self.reach, window)


def reach_touches(reach: Reach | None, window: tuple[int, int]) -> bool:
    """Whether ``window`` (``[start, end)``) touches ``reach`` (None: everything)."""
    if reach is None:
        return True
    start, end = window
    return any(
        (low is None or low <= end) and (high is None or high >= start) for low, high in reach
    )


def ordered_warnings(warnings: Iterable[CalendarWarning]) -> list[CalendarWarning]:
    """Each message once (at its first line), by line, then message: one order however
    the warnings were gathered."""
    first: dict[str, CalendarWarning] = {}
    for warning in warnings:
        kept = first.get(warning.message)
        if kept is None or warning.line < kept.line:
            first[warning.message] = warning
    return sorted(first.values(), key=lambda warning: (warning.line, warning.message))


@dataclass(frozen=True)
class AccountSettings:
    """``account.json``: the account's default zone, its e-mail addresses, normalised
    when built (``names.normalise_email``; empty ones and repeats dropped), and the name
    people know it by (``"Priya Sharma"``, ``"Thames room"``), for output made for people."""

    tzid: str | None = None
    emails: tuple[str, ...] = ()
    name: str | None = None

    def __post_init__(self) -> None:
        normalised = (normalise_email(address) for address in self.emails)
        object.__setattr__(self, "emails", tuple(dict.fromkeys(a for a in normalised if a)))


@dataclass(frozen=True)
class WeeklyPeriod:
    """A weekly window of an availability rule; times are minutes after local midnight."""

    day: int  # 0 = Monday ... 6 = Sunday
    start_minute: int
    end_minute: int  # 1440 means 24:00


@dataclass(frozen=True)
class AvailabilityRule:
    availability_rule_id: str
    tzid: str
    weekly_periods: tuple[WeeklyPeriod, ...]
    calendar_ids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ManagedPeriod:
    """One entry of ``available_periods.json``."""

    available_period_id: str
    start: int
    end: int


# --- requests ---------------------------------------------------------------------------

ResponseFormat = Literal["periods", "slots", "overlapping_slots"]

DEFAULT_START_INTERVAL = 15 * 60
"""The grid of ``slots`` and ``overlapping_slots`` and of sequence steps without a
``start_interval`` (SPEC 4, 6)."""

DEFAULT_MAX_RESULTS = 20
"""``max_results`` when a request gives none (SPEC 3)."""


@dataclass(frozen=True)
class Period:
    start: int
    end: int


def union_of(periods: Iterable[Period]) -> tuple[Interval, ...]:
    """Periods as one normalised interval list (sorted, overlapping or touching ones
    merged). A request computes this once, when it is built, for its query periods and
    each member's available periods; nothing downstream merges them again."""
    return tuple(normalise((period.start, period.end) for period in periods))


@dataclass(frozen=True)
class Buffer:
    """Seconds that must be free before a slot starts and after it ends."""

    before: int = 0
    after: int = 0


@dataclass(frozen=True)
class Constraint:
    """An availability constraint: at most ``limit`` counted events per day or ISO week."""

    period: Literal["day", "week"]
    limit: int
    tzid: str | None = None  # set for "day" only
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Member:
    sub: str
    available_periods: tuple[Period, ...] | None = None
    calendar_ids: tuple[str, ...] | None = None
    buffer: Buffer | None = None  # None: use the top-level (or step) buffer
    managed_availability: bool = False
    availability_rule_ids: tuple[str, ...] | None = None
    only_managed_events: bool = False
    ignore_tentative: bool = False
    ignored_extended_transparencies: frozenset[Transparency] = frozenset()
    availability_constraints: tuple[Constraint, ...] = ()

    # The available periods as one normalised interval list; None when not given.
    available_union: tuple[Interval, ...] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        periods = self.available_periods
        object.__setattr__(self, "available_union", None if periods is None else union_of(periods))


@dataclass(frozen=True)
class Group:
    members: tuple[Member, ...]
    required: int  # "all" is resolved to len(members)


@dataclass(frozen=True)
class ExcludedEvents:
    event_ids: frozenset[str] = frozenset()
    event_uids: frozenset[str] = frozenset()

    def excludes(self, busy: BusyInterval) -> bool:
        return (busy.event_uid is not None and busy.event_uid in self.event_uids) or (
            busy.event_id is not None and busy.event_id in self.event_ids
        )


@dataclass(frozen=True)
class AvailabilityRequest:
    participants: tuple[Group, ...]
    required_duration: int
    query_periods: tuple[Period, ...] | None = None
    query_slots: tuple[int, ...] | None = None  # distinct starts, ascending
    buffer: Buffer = Buffer()
    response_format: ResponseFormat = "periods"
    start_interval: int | None = None  # seconds; None when not given
    max_results: int = DEFAULT_MAX_RESULTS
    include_member_statuses: bool = False
    excluded_events: ExcludedEvents = ExcludedEvents()

    # U of SPEC 4, normalised: the query periods, or the query slots [a, a + d) themselves.
    query_union: tuple[Interval, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.query_slots is not None:
            object.__setattr__(self, "query_slots", tuple(sorted(set(self.query_slots))))
            spans = normalise((start, start + self.required_duration) for start in self.query_slots)
            object.__setattr__(self, "query_union", tuple(spans))
        else:
            object.__setattr__(self, "query_union", union_of(self.query_periods or ()))


@dataclass(frozen=True)
class GapBound:
    """One side of a sequence step's buffer: a minimum gap and an optional maximum."""

    minimum: int = 0
    maximum: int | None = None


@dataclass(frozen=True)
class StepBuffer:
    before: GapBound = GapBound()
    after: GapBound = GapBound()


@dataclass(frozen=True)
class SequenceStep:
    sequence_id: str
    participants: tuple[Group, ...]
    required_duration: int
    ordinal: int | None = None
    start_interval: int = DEFAULT_START_INTERVAL
    buffer: StepBuffer = StepBuffer()


@dataclass(frozen=True)
class SequenceRequest:
    query_periods: tuple[Period, ...]
    steps: tuple[SequenceStep, ...]  # in request order; the solver sorts by ordinal
    max_results: int = DEFAULT_MAX_RESULTS
    excluded_events: ExcludedEvents = ExcludedEvents()

    # The query periods, normalised.
    query_union: tuple[Interval, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "query_union", union_of(self.query_periods))


# --- answers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """An available period or slot with the subs available for it, in request order."""

    start: int
    end: int
    participants: tuple[str, ...]


@dataclass(frozen=True)
class MemberStatus:
    sub: str
    sync_status: SyncStatus


@dataclass(frozen=True)
class AvailabilityResult:
    format: ResponseFormat
    slots: tuple[Slot, ...]  # available_periods or available_slots
    member_statuses: tuple[MemberStatus, ...] | None = None


@dataclass(frozen=True)
class SequenceStepResult:
    sequence_id: str
    start: int
    end: int
    participants: tuple[str, ...]


@dataclass(frozen=True)
class SequenceResult:
    sequences: tuple[tuple[SequenceStepResult, ...], ...]


@dataclass(frozen=True)
class MemberInput:
    """What the solvers need of one member appearance, prepared by the engine from the store:
    the busy intervals of the calendars chosen for it (before any request filter, in no
    particular order), and its managed availability (None unless ``managed_availability``
    is true)."""

    busy: tuple[BusyInterval, ...]
    managed: tuple[Interval, ...] | None = None
    sync_status: SyncStatus = SyncStatus.ACTIVE
    # More busy time known only by its spans, per transparency: what a warm cache serves
    # fastest. The engine gives spans only to members whose options need no event
    # identity (no availability_constraints, no only_managed_events) and whose calendars
    # hold none of the query's excluded events.
    spans: tuple[tuple[Transparency, tuple[Interval, ...]], ...] = ()
