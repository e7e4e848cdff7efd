"""Sequenced availability: multi-step interview loops (SPEC 6).

Two layers. ``step_candidates`` turns one step into its feasible starts, using the
availability solver's ``member_available_set`` and ``evaluate``. ``chain`` is pure: given the
feasible starts of each step in running order, it finds for every feasible first start the
lexicographically smallest sequence of starts that honours the gaps, without enumerating
combinations (one backward pass, then a greedy forward walk per answer).

Reads no clock, does no I/O.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from itertools import pairwise

from ..intervals import Interval
from ..models import (
    Buffer,
    ExcludedEvents,
    MemberInput,
    SequenceRequest,
    SequenceResult,
    SequenceStep,
    SequenceStepResult,
)
from ..timeutil import grid_ceil
from .availability import evaluate, member_available_set

Gap = tuple[int, int | None]
"""Allowed time between the end of one step and the start of the next: (minimum, maximum),
where a maximum of None means no upper bound."""


def running_order(steps: Sequence[SequenceStep]) -> list[int]:
    """Indexes of ``steps`` in running order: ascending ordinal, ties in request order, steps
    without an ordinal after every step with one (in request order)."""
    return sorted(
        range(len(steps)),
        key=lambda index: (
            steps[index].ordinal is None,
            steps[index].ordinal or 0,
            index,
        ),
    )


def gap_between(previous: SequenceStep, following: SequenceStep) -> Gap:
    """The gap allowed between ``previous`` ending and ``following`` starting.

    The minimum is the larger of the two minimums (never below 0); the maximum is the
    smaller of the maximums that exist, or None when neither step sets one.
    """
    minimum = max(previous.buffer.after.minimum, following.buffer.before.minimum, 0)
    maximums = [
        bound
        for bound in (previous.buffer.after.maximum, following.buffer.before.maximum)
        if bound is not None
    ]
    return minimum, (min(maximums) if maximums else None)


def calendar_buffer(step: SequenceStep) -> Buffer:
    """The buffer that widens the busy time of a step's members (a member's own plain
    buffer still overrides it): the minimums of the step's before and after bounds."""
    return Buffer(before=step.buffer.before.minimum, after=step.buffer.after.minimum)


def step_candidates(
    step: SequenceStep,
    inputs_for_step: Sequence[Sequence[MemberInput]],
    union: Sequence[Interval],
    excluded: ExcludedEvents,
) -> list[tuple[int, tuple[str, ...]]]:
    """The step's feasible starts, ascending, each with its participants.

    ``inputs_for_step[g][m]`` belongs to member m of group g; ``union`` is the normalised
    union of the query periods. A start is a grid instant ``a`` (a multiple of
    ``step.start_interval`` since the epoch) whose ``[a, a + d)`` lies in one component of
    ``union`` and satisfies every group of the step.
    """
    if not union:
        return []
    window = (union[0][0], union[-1][1])
    default_buffer = calendar_buffer(step)
    sets = [
        [
            member_available_set(member, data, default_buffer, excluded, window)
            for member, data in zip(group.members, group_inputs, strict=True)
        ]
        for group, group_inputs in zip(step.participants, inputs_for_step, strict=True)
    ]
    duration = step.required_duration
    interval = step.start_interval
    candidates: list[tuple[int, tuple[str, ...]]] = []
    for period_start, period_end in union:
        start = grid_ceil(period_start, interval)
        while start + duration <= period_end:
            participants = evaluate(step.participants, sets, start, start + duration)
            if participants is not None:
                candidates.append((start, participants))
            start += interval
    return candidates


def chain(
    starts: Sequence[Sequence[int]],
    durations: Sequence[int],
    gaps: Sequence[Gap],
    max_results: int,
) -> list[tuple[int, ...]]:
    """For each feasible start of the first step, ascending, the lexicographically smallest
    tuple of step starts that honours the gaps; at most ``max_results`` tuples.

    ``starts[i]`` are the sorted feasible starts of step i (steps in running order),
    ``durations[i]`` its length, and ``gaps[i]`` the (minimum, maximum-or-None) allowed
    between the end of step i and the start of step i + 1. Runs in O(total starts × log).
    """
    count = len(starts)
    if count == 0 or max_results <= 0:
        return []
    if len(durations) != count or len(gaps) != count - 1:
        raise ValueError("need one duration per step and one gap between consecutive steps")

    # Backward pass: a start of step i is viable when some viable start of step i + 1 lies
    # in its window [s + d + minimum, s + d + maximum]. The smallest candidate at or after
    # the window's opening decides it, so one bisect per start suffices.
    viable: list[list[int]] = [[] for _ in range(count)]
    viable[-1] = list(starts[-1])
    for index in range(count - 2, -1, -1):
        following = viable[index + 1]
        minimum, maximum = gaps[index]
        duration = durations[index]
        viable[index] = [
            start
            for start in starts[index]
            if _first_in_window(following, start + duration, minimum, maximum) is not None
        ]

    # Forward walk: every viable start has a viable successor in its window, so taking the
    # smallest one at each step never dead-ends and yields the lexicographically least tuple.
    results: list[tuple[int, ...]] = []
    for first in viable[0][:max_results]:
        picked = [first]
        for index in range(count - 1):
            minimum, maximum = gaps[index]
            successor = _first_in_window(
                viable[index + 1], picked[-1] + durations[index], minimum, maximum
            )
            # Cannot be None: the backward pass kept only starts with a successor.
            assert successor is not None
            picked.append(successor)
        results.append(tuple(picked))
    return results


def _first_in_window(
    sorted_starts: Sequence[int], previous_end: int, minimum: int, maximum: int | None
) -> int | None:
    """The smallest of ``sorted_starts`` in ``[previous_end + minimum, previous_end +
    maximum]`` (no upper bound when ``maximum`` is None), or None."""
    position = bisect_left(sorted_starts, previous_end + minimum)
    if position == len(sorted_starts):
        return None
    candidate = sorted_starts[position]
    if maximum is not None and candidate > previous_end + maximum:
        return None
    return candidate


def solve_sequence(
    request: SequenceRequest, inputs: Sequence[Sequence[Sequence[MemberInput]]]
) -> SequenceResult:
    """``inputs[s][g][m]``: member m of group g of step s, steps in request order.

    Answers list each sequence's steps in running order (SPEC 6).
    """
    order = running_order(request.steps)
    steps = [request.steps[index] for index in order]
    union = request.query_union

    participants_by_step: list[dict[int, tuple[str, ...]]] = []
    for step, index in zip(steps, order, strict=True):
        candidates = step_candidates(step, inputs[index], union, request.excluded_events)
        if not candidates:
            # One step with no feasible start leaves no sequence; skip the remaining steps.
            return SequenceResult(sequences=())
        participants_by_step.append(dict(candidates))

    starts = [sorted(by_start) for by_start in participants_by_step]
    durations = [step.required_duration for step in steps]
    gaps = [gap_between(previous, following) for previous, following in pairwise(steps)]

    sequences = tuple(
        tuple(
            SequenceStepResult(
                sequence_id=step.sequence_id,
                start=start,
                end=start + step.required_duration,
                participants=by_start[start],
            )
            for step, start, by_start in zip(steps, picked, participants_by_step, strict=True)
        )
        for picked in chain(starts, durations, gaps, request.max_results)
    )
    return SequenceResult(sequences=sequences)
