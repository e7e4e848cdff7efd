"""A member appearance's available time as named layers (SPEC 4 steps 1-3).

``A_m`` is the window, narrowed to the member's available periods and to its managed
availability, minus each busy interval widened by the buffer in force, minus each day or
ISO week a constraint blocks. ``MemberLayers`` keeps those layers apart, with the identity
of every busy interval and of every counted event: the solvers take ``available_set()``
of it, and ``cronoslot.explain`` reads the same layers to say which of them is in the way,
so an explanation can never disagree with an answer.

Reads no clock, does no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..intervals import Interval, intersect, normalise, subtract
from ..models import (
    Buffer,
    BusyInterval,
    Constraint,
    ExcludedEvents,
    Member,
    MemberInput,
    Transparency,
)
from ..timeutil import WEEK, from_datetime, get_zone, iso_week_start, to_datetime


@dataclass(frozen=True)
class ConstraintBlock:
    """A whole day or ISO week (``span``) in which ``constraint``'s limit is reached:
    ``counted`` are the member's events that start in it and carry the constraint's tags."""

    constraint: Constraint
    span: Interval
    counted: tuple[BusyInterval, ...]


@dataclass(frozen=True)
class MemberLayers:
    """The layers of one member appearance's available time, over ``window``.

    - ``available_periods``: the member's ``available_periods`` (normalised), None when
      not given; outside them the member is not available.
    - ``managed``: its managed availability (normalised), None unless
      ``managed_availability``; empty means no availability at all.
    - ``busy``: its busy intervals after the request's filters; ``spans`` the bare busy
      spans (no identity) kept by the same filters. Each blocks itself widened by
      ``buffer`` (the member's own, else the request's or step's).
    - ``constraint_blocks``: the days and weeks its constraints block whole.
    """

    window: Interval
    available_periods: Sequence[Interval] | None
    managed: Sequence[Interval] | None
    buffer: Buffer
    busy: Sequence[BusyInterval]
    spans: Sequence[tuple[Transparency, Sequence[Interval]]]
    constraint_blocks: tuple[ConstraintBlock, ...]

    def widened_busy(self) -> list[Interval]:
        """``busy[i]`` as the time it rules out: a slot ``[a, b)`` needs ``[a - before,
        b + after)`` free, so busy ``[s, e)`` rules out every slot meeting ``[s - after,
        e + before)``."""
        before, after = self.buffer.before, self.buffer.after
        return [(interval.start - after, interval.end + before) for interval in self.busy]

    def widened(self, spans: Iterable[Interval]) -> list[Interval]:
        """Bare spans widened as ``widened_busy`` widens events."""
        before, after = self.buffer.before, self.buffer.after
        return [(start - after, end + before) for start, end in spans]

    def allowed(self) -> list[Interval]:
        """The window narrowed to the available periods and the managed availability."""
        window_start, window_end = self.window
        allowed: list[Interval] = [(window_start, window_end)] if window_end > window_start else []
        if self.available_periods is not None:
            allowed = intersect(allowed, self.available_periods)
        if self.managed is not None:
            allowed = intersect(allowed, self.managed)
        return allowed

    def blocked(self) -> list[Interval]:
        """Everything that rules time out, not normalised: widened busy time and spans,
        and the blocked days and weeks."""
        blocked = self.widened_busy()
        for _, spans in self.spans:
            blocked.extend(self.widened(spans))
        blocked.extend(block.span for block in self.constraint_blocks)
        return blocked

    def available_set(self) -> list[Interval]:
        """``A_m`` within the window, normalised."""
        allowed = self.allowed()
        if not allowed:
            return []
        return subtract(allowed, normalise(self.blocked()))


def filter_busy(member: Member, data: MemberInput, excluded: ExcludedEvents) -> list[BusyInterval]:
    """The member's busy intervals after the request's filters (SPEC 2): ``ignore_tentative``,
    ``ignored_extended_transparencies``, ``excluded_events`` and ``only_managed_events``.
    Zero-length intervals are dropped too: they block nothing and count for nothing."""
    kept: list[BusyInterval] = []
    for busy in data.busy:
        if busy.end <= busy.start:
            continue
        if member.ignore_tentative and busy.transparency == Transparency.TENTATIVE:
            continue
        if busy.transparency in member.ignored_extended_transparencies:
            continue
        if excluded.excludes(busy):
            continue
        if member.only_managed_events and not busy.managed:
            continue
        kept.append(busy)
    return kept


def member_layers(
    member: Member, data: MemberInput, buffer: Buffer, excluded: ExcludedEvents, window: Interval
) -> MemberLayers:
    """The layers of a member appearance over ``window``. ``buffer`` is the default
    (top-level or step) buffer; ``member.buffer`` overrides it."""
    managed = normalise(data.managed or ()) if member.managed_availability else None
    busy = filter_busy(member, data, excluded)
    spans: list[tuple[Transparency, Sequence[Interval]]] = []
    if data.spans:
        if member.only_managed_events or member.availability_constraints:
            raise ValueError("bare busy spans given for a member whose options need events")
        for transparency, pieces in data.spans:
            if member.ignore_tentative and transparency == Transparency.TENTATIVE:
                continue
            if transparency in member.ignored_extended_transparencies:
                continue
            spans.append((transparency, pieces))
    return MemberLayers(
        window=window,
        available_periods=member.available_union,
        managed=managed,
        buffer=member.buffer if member.buffer is not None else buffer,
        busy=busy,
        spans=spans,
        constraint_blocks=tuple(constraint_blocks(member.availability_constraints, busy)),
    )


def constraint_blocks(
    constraints: Sequence[Constraint], busy: Sequence[BusyInterval]
) -> Iterator[ConstraintBlock]:
    """Whole days or ISO weeks in which a constraint's limit is already reached; each counted
    event falls in the day or week where it starts, wherever that is."""
    for constraint in constraints:
        by_span: dict[Interval, list[BusyInterval]] = {}
        for interval in busy:
            if constraint.tags <= interval.tags:
                by_span.setdefault(period_of(constraint, interval.start), []).append(interval)
        for span, counted in by_span.items():
            if len(counted) >= constraint.limit:
                yield ConstraintBlock(constraint, span, tuple(counted))


def period_of(constraint: Constraint, instant: int) -> Interval:
    """The day (midnight to midnight in the constraint's zone) or ISO week holding ``instant``."""
    if constraint.period == "week":
        week_start = iso_week_start(instant)
        return (week_start, week_start + WEEK)
    zone = get_zone(constraint.tzid or "UTC")
    local_day = to_datetime(instant).astimezone(zone).date()
    next_day = local_day + timedelta(days=1)
    # Built from wall-clock midnights, so DST days last 23 or 25 hours.
    day_start = datetime(local_day.year, local_day.month, local_day.day, tzinfo=zone)
    day_end = datetime(next_day.year, next_day.month, next_day.day, tzinfo=zone)
    return (from_datetime(day_start), from_datetime(day_end))
