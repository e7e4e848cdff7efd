"""The verdict for one interval ``[start, start + duration)``: does it satisfy the query, and
what stands in the way of each member.

Whether a member is available comes from ``MemberLayers.available_set()`` and whether the
interval satisfies the query from ``solve.availability.evaluate``, exactly as the solvers
decide; the reasons are read from the same layers, one per obstacle that meets the
interval. A member is available for an interval that lies in the window exactly when no
layer meets it (every obstacle alone rules the interval out, and with none of them the
interval lies inside one component of the available set), so a member has reasons
exactly when the solver finds it unavailable; ``verdict`` checks this as it goes.

Reads no clock, does no I/O.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from ..intervals import Interval, contains, overlaps
from ..models import (
    AvailabilityRequest,
    AvailabilityResult,
    BusyInterval,
    SequenceResult,
    Transparency,
)
from ..solve.availability import evaluate
from ..solve.layers import MemberLayers
from ..solve.managed import managed_intervals
from ..timeutil import grid_ceil
from .reasons import (
    BufferReach,
    Busy,
    ConstraintLimit,
    GroupVerdict,
    InThePast,
    ManagedSources,
    MemberReason,
    MemberVerdict,
    NotOffered,
    OffGrid,
    OutsideAvailablePeriods,
    OutsideManagedAvailability,
    OutsideQueryPeriods,
    RequestReason,
    Verdict,
)
from .view import Context, QueryView


def verdict(view: QueryView, start: int, context: Context) -> Verdict:
    """The verdict for ``[start, start + view.duration)``, without notes (those compare it
    with an answer: ``availability_notes``, ``sequence_notes``)."""
    end = start + view.duration
    window = view.hull((start, end))
    all_layers = view.layers(window)
    sets = [[layers.available_set() for layers in group] for group in all_layers]
    groups: list[GroupVerdict] = []
    for group, group_layers, group_sets in zip(view.groups, all_layers, sets, strict=True):
        members: list[MemberVerdict] = []
        for member, layers, available in zip(group.members, group_layers, group_sets, strict=True):
            reasons = member_reasons(layers, start, end, context.managed.get(member))
            if contains(available, start, end) == bool(reasons):
                raise AssertionError(f"explain disagrees with the solver about {member.sub}")
            members.append(MemberVerdict(member.sub, context.name(member.sub), tuple(reasons)))
        groups.append(GroupVerdict(group.required, tuple(members)))
    request_reasons = _request_reasons(view, start, end, context.now)
    participants = evaluate(view.groups, sets, start, end)
    return Verdict(
        start=start,
        end=end,
        sequence_id=view.sequence_id,
        reasons=tuple(request_reasons),
        groups=tuple(groups),
        participants=None if request_reasons else participants,
    )


def member_reasons(
    layers: MemberLayers, start: int, end: int, sources: ManagedSources | None = None
) -> list[MemberReason]:
    """Every layer that rules ``[start, end)`` out for the member, in layer order: available
    periods, managed availability, busy intervals and their buffers (by start), blocked
    days and weeks. ``[start, end)`` must lie inside ``layers.window``."""
    if not (layers.window[0] <= start and end <= layers.window[1]):
        raise ValueError("the interval must lie inside the layers' window")
    reasons: list[MemberReason] = []
    if layers.available_periods is not None and not contains(layers.available_periods, start, end):
        reasons.append(OutsideAvailablePeriods(nearby(layers.available_periods, start, end)))
    if layers.managed is not None and not contains(layers.managed, start, end):
        reasons.append(_outside_managed(layers.managed, start, end, sources or ManagedSources()))
    found: list[Busy | BufferReach] = []
    events: list[tuple[BusyInterval, Interval]] = list(
        zip(layers.busy, layers.widened_busy(), strict=True)
    )
    for transparency, spans in layers.spans:
        # A bare span has no identity: it is shown as an event of no calendar.
        events.extend(
            (_span_event(span, transparency), widened)
            for span, widened in zip(spans, layers.widened(spans), strict=True)
        )
    for event, (blocked_start, blocked_end) in events:
        if overlaps(event.start, event.end, (start, end)):
            found.append(Busy(event))
        elif overlaps(blocked_start, blocked_end, (start, end)):
            found.append(_buffer_reach(layers, event, start, end))
    found.sort(key=lambda reason: (reason.event.start, reason.event.end))
    reasons.extend(found)
    reasons.extend(
        ConstraintLimit(block)
        for block in layers.constraint_blocks
        if overlaps(block.span[0], block.span[1], (start, end))
    )
    return reasons


def _span_event(span: Interval, transparency: Transparency) -> BusyInterval:
    return BusyInterval(span[0], span[1], transparency, calendar_id="")


def _buffer_reach(layers: MemberLayers, event: BusyInterval, start: int, end: int) -> BufferReach:
    if event.end <= start:
        return BufferReach(event, "before", layers.buffer.before, start - event.end)
    return BufferReach(event, "after", layers.buffer.after, event.start - end)


def _outside_managed(
    managed: Sequence[Interval], start: int, end: int, sources: ManagedSources
) -> OutsideManagedAvailability:
    nearest = nearby(managed, start, end)
    nearest_sources = []
    for piece in nearest:
        ids = [
            rule.availability_rule_id
            for rule in sources.rules
            if managed_intervals((rule,), (), piece)
        ]
        ids.extend(
            period.available_period_id
            for period in sources.periods
            if overlaps(period.start, period.end, piece)
        )
        nearest_sources.append(tuple(ids))
    return OutsideManagedAvailability(sources, nearest, tuple(nearest_sources))


def nearby(intervals: Sequence[Interval], start: int, end: int) -> tuple[Interval, ...]:
    """Of a normalised list: the intervals meeting ``[start, end)``, with the last one
    before it and the first one after it."""
    meeting_from = bisect_right(intervals, start, key=lambda interval: interval[1])
    after = bisect_left(intervals, end, key=lambda interval: interval[0])
    return tuple(intervals[max(meeting_from - 1, 0) : after + 1])


def _request_reasons(view: QueryView, start: int, end: int, now: int) -> list[RequestReason]:
    reasons: list[RequestReason] = []
    if not contains(view.union, start, end):
        reasons.append(OutsideQueryPeriods(nearby(view.union, start, end)))
    if view.slot_starts is not None:
        if start not in view.slot_starts:
            starts = view.slot_starts
            position = bisect_left(starts, start)
            earlier = starts[position - 1] if position > 0 else None
            later = starts[position] if position < len(starts) else None
            reasons.append(OffGrid(None, earlier, later))
    elif view.grid is not None and start % view.grid:
        later = grid_ceil(start, view.grid)
        reasons.append(OffGrid(view.grid, later - view.grid, later))
    if start < now:
        reasons.append(InThePast(now))
    return reasons


# --- notes: when the answer does not offer an interval that works ----------------------


def availability_notes(
    verdict: Verdict, request: AvailabilityRequest, answer: AvailabilityResult
) -> tuple[NotOffered, ...]:
    """Why the answer does not list ``verdict``'s interval although it satisfies the query
    (nothing when it is listed or does not satisfy)."""
    if not verdict.available:
        return ()
    start, end = verdict.start, verdict.end
    spans = [(slot.start, slot.end) for slot in answer.slots]
    full = len(spans) >= request.max_results
    if answer.format != "periods" or request.query_slots is not None:
        if any(slot_start == start for slot_start, _ in spans):
            return ()
        if request.query_slots is None and answer.format == "slots":
            taken = [span for span in spans if overlaps(span[0], span[1], (start, end))]
            if taken:
                return (NotOffered("overlaps_offered_slot", taken[0]),)
        if full:
            return (NotOffered("beyond_max_results"),)
    else:
        if any(first <= start and end <= last for first, last in spans):
            return ()
        if full and spans[-1][0] <= start:
            return (NotOffered("beyond_max_results"),)
        if request.start_interval is not None:
            meeting = [span for span in spans if overlaps(span[0], span[1], (start, end))]
            return (NotOffered("before_grid_start", meeting[0] if meeting else None),)
    raise AssertionError("explain finds the interval available, the answer does not list it")


def sequence_notes(verdict: Verdict, answer: SequenceResult) -> tuple[NotOffered, ...]:
    """``in_no_sequence`` when the step works at the interval but no answer uses it."""
    if not verdict.available:
        return ()
    used = any(
        step.sequence_id == verdict.sequence_id and step.start == verdict.start
        for option in answer.sequences
        for step in option
    )
    return () if used else (NotOffered("in_no_sequence"),)
