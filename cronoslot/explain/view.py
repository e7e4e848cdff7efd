"""One query as ``explain`` judges it: an Availability request, or one step of a Sequenced
Availability request taken on its own (its participants, duration and grid, its calendar
buffer, against the shared query periods), with the solvers' inputs and what ``explain``
needs besides (the time now, people's names, where managed time comes from).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import UsageError
from ..intervals import Interval
from ..models import (
    DEFAULT_START_INTERVAL,
    AvailabilityRequest,
    Buffer,
    ExcludedEvents,
    Group,
    Member,
    MemberInput,
    SequenceRequest,
    SequenceStep,
)
from ..solve.layers import MemberLayers, member_layers
from ..solve.sequence import calendar_buffer
from .reasons import ManagedSources


@dataclass(frozen=True)
class Context:
    """What explain knows beyond the solvers' inputs: ``now``, the names people know each
    account by (``account.json``'s ``name``), and the rules and periods each member
    appearance's managed availability is made of."""

    now: int
    names: Mapping[str, str] = field(default_factory=dict)
    managed: Mapping[Member, ManagedSources] = field(default_factory=dict)

    def name(self, sub: str) -> str | None:
        return self.names.get(sub)


@dataclass(frozen=True)
class QueryView:
    """The parts of a query explain needs. ``grid`` is the step of candidate starts, None
    when any start will do (the ``periods`` format); ``slot_starts`` are the request's
    ``query_slots`` (then the only candidate starts)."""

    groups: tuple[Group, ...]
    inputs: Sequence[Sequence[MemberInput]]
    duration: int
    union: Sequence[Interval]
    grid: int | None
    slot_starts: tuple[int, ...] | None
    buffer: Buffer
    excluded: ExcludedEvents
    sequence_id: str | None = None

    def layers(self, window: Interval) -> list[list[MemberLayers]]:
        """Every member appearance's layers over ``window``, ``[group][member]``: built by
        ``solve.layers.member_layers``, as the solvers build them."""
        return [
            [
                member_layers(member, data, self.buffer, self.excluded, window)
                for member, data in zip(group.members, group_inputs, strict=True)
            ]
            for group, group_inputs in zip(self.groups, self.inputs, strict=True)
        ]

    def hull(self, *extra: Interval) -> Interval:
        """The smallest interval holding the query periods and ``extra``."""
        pieces = [*self.union, *extra]
        if not pieces:
            return (0, 0)
        return (min(start for start, _ in pieces), max(end for _, end in pieces))


def availability_view(
    request: AvailabilityRequest, inputs: Sequence[Sequence[MemberInput]]
) -> QueryView:
    grid: int | None = None
    if request.query_slots is None and request.response_format != "periods":
        grid = request.start_interval or DEFAULT_START_INTERVAL
    return QueryView(
        groups=request.participants,
        inputs=inputs,
        duration=request.required_duration,
        union=request.query_union,
        grid=grid,
        slot_starts=request.query_slots,
        buffer=request.buffer,
        excluded=request.excluded_events,
    )


def find_step(request: SequenceRequest, sequence_id: str) -> int:
    """The index (request order) of the step ``sequence_id``; ``UsageError`` if none."""
    for index, step in enumerate(request.steps):
        if step.sequence_id == sequence_id:
            return index
    known = ", ".join(step.sequence_id for step in request.steps)
    raise UsageError(f"the request has no step '{sequence_id}' (its steps: {known})")


def step_view(
    request: SequenceRequest,
    step: SequenceStep,
    inputs_for_step: Sequence[Sequence[MemberInput]],
) -> QueryView:
    """A step judged on its own, as ``solve.sequence.step_candidates`` judges it."""
    return QueryView(
        groups=step.participants,
        inputs=inputs_for_step,
        duration=step.required_duration,
        union=request.query_union,
        grid=step.start_interval,
        slot_starts=None,
        buffer=calendar_buffer(step),
        excluded=request.excluded_events,
        sequence_id=step.sequence_id,
    )
