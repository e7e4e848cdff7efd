"""Availability: periods, slots, overlapping slots and query slots (SPEC 4).

OWNER: helper C (solver + managed). Reads no clock, does no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence

from .intervals import Interval
from .models import (
    AvailabilityRequest,
    AvailabilityResult,
    Buffer,
    ExcludedEvents,
    Group,
    Member,
    MemberInput,
)


def member_available_set(
    member: Member, data: MemberInput, buffer: Buffer, excluded: ExcludedEvents, window: Interval
) -> list[Interval]:
    """The member's available set A_m (SPEC 4 steps 1-3) clipped to ``window``, normalised.
    ``buffer`` is the default (top-level or step) buffer; ``member.buffer`` overrides it."""
    raise NotImplementedError


def evaluate(
    groups: Sequence[Group], sets: Sequence[Sequence[Sequence[Interval]]], start: int, end: int
) -> tuple[str, ...] | None:
    """Participants (subs in first-appearance order, each once) when every group has at least
    ``required`` members available for ``[start, end)``; None otherwise. ``sets[g][m]`` is the
    available set of member m of group g. Does not check query periods."""
    raise NotImplementedError


def solve_availability(
    request: AvailabilityRequest, inputs: Sequence[Sequence[MemberInput]]
) -> AvailabilityResult:
    """Answer an availability request; ``inputs[g][m]`` belongs to member m of group g."""
    raise NotImplementedError
