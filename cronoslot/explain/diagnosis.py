"""The diagnosis of a whole request: how much of the query periods each member alone is
available, which members are the bottlenecks, and for a sequence, where it breaks.

Every count comes from the solvers themselves, run on changed inputs: a member treated as
always available is the member with no options and no busy time (its available set is
the whole window), so "what would treating this member as free add" is asked of
``solve_availability``, ``step_candidates`` and ``solve_sequence``, not of a model of them.

Reads no clock, does no I/O.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import replace
from itertools import pairwise

from ..intervals import Interval, intersect, normalise, subtract, total
from ..models import (
    DEFAULT_START_INTERVAL,
    AvailabilityRequest,
    Group,
    Member,
    MemberInput,
    SequenceRequest,
    SequenceStep,
)
from ..solve.availability import solve_availability
from ..solve.layers import MemberLayers
from ..solve.sequence import Gap, chain, gap_between, running_order, solve_sequence, step_candidates
from .reasons import Bottleneck, Diagnosis, GapBlock, MemberShare, SequenceDiagnosis
from .view import Context, QueryView, availability_view, step_view

UNLIMITED = 1 << 30
"""``max_results`` for counting: more than any query can answer."""

Groups = tuple[Group, ...]
Inputs = Sequence[Sequence[MemberInput]]
Counter = Callable[[Groups, Inputs], int]
"""Counts the answers a query gets with other participants and inputs."""


def diagnose_availability(
    request: AvailabilityRequest, inputs: Inputs, context: Context
) -> Diagnosis:
    def count(groups: Groups, group_inputs: Inputs) -> int:
        # Every start time that works: the overlapping slots (or working query slots).
        relaxed = replace(
            request,
            participants=groups,
            response_format="overlapping_slots",
            max_results=UNLIMITED,
            include_member_statuses=False,
        )
        return len(solve_availability(relaxed, group_inputs).slots)

    offered = len(solve_availability(request, inputs).slots)
    grid = None if request.query_slots is not None else counting_grid(request)
    return _diagnose(availability_view(request, inputs), grid, count, offered, context)


def counting_grid(request: AvailabilityRequest) -> int:
    """The grid the diagnosis counts start times on: the request's, else 15 minutes."""
    return request.start_interval or DEFAULT_START_INTERVAL


def diagnose_step(
    request: SequenceRequest, index: int, inputs: Sequence[Inputs], context: Context
) -> Diagnosis:
    """Step ``index`` (request order) of a sequence, taken on its own."""
    step = request.steps[index]

    def count(groups: Groups, group_inputs: Inputs) -> int:
        changed = replace(step, participants=groups)
        return len(
            step_candidates(changed, group_inputs, request.query_union, request.excluded_events)
        )

    view = step_view(request, step, inputs[index])
    offered = count(step.participants, inputs[index])
    return _diagnose(view, step.start_interval, count, offered, context)


def _diagnose(
    view: QueryView, grid: int | None, count: Counter, offered: int, context: Context
) -> Diagnosis:
    union = list(view.union)
    window = view.hull()
    shares: list[MemberShare] = []
    for index, (group, group_layers) in enumerate(
        zip(view.groups, view.layers(window), strict=True)
    ):
        for member, data, layers in zip(
            group.members, view.inputs[index], group_layers, strict=True
        ):
            alone = count((Group((member,), 1),), [[data]])
            shares.append(
                MemberShare(
                    group=index,
                    sub=member.sub,
                    name=context.name(member.sub),
                    available=total(intersect(union, layers.available_set())),
                    start_times=alone,
                    losses=_losses(layers, union),
                )
            )
    answers = count(view.groups, view.inputs)
    bottlenecks = _bottlenecks(
        view.groups, answers, context, lambda sub: count(*_free(view.groups, view.inputs, sub))
    )
    return Diagnosis(
        sequence_id=view.sequence_id,
        duration=view.duration,
        grid=grid,
        query_seconds=total(union),
        answers=answers,
        offered=offered,
        members=tuple(shares),
        bottlenecks=bottlenecks,
    )


def _losses(layers: MemberLayers, union: list[Interval]) -> tuple[tuple[str, int], ...]:
    """How much of the query periods each layer alone takes from the member."""
    losses: list[tuple[str, int]] = []
    if layers.available_periods is not None:
        losses.append(
            ("outside_available_periods", total(subtract(union, layers.available_periods)))
        )
    if layers.managed is not None:
        losses.append(("outside_managed_availability", total(subtract(union, layers.managed))))
    busy = [(event.start, event.end) for event in layers.busy]
    widened = layers.widened_busy()
    for _, spans in layers.spans:
        busy.extend(spans)
        widened.extend(layers.widened(spans))
    busy_loss = total(intersect(union, normalise(busy)))
    losses.append(("busy", busy_loss))
    # Buffers only widen busy time, so the widened time holds the busy time.
    losses.append(("buffer", total(intersect(union, normalise(widened))) - busy_loss))
    blocks = normalise(block.span for block in layers.constraint_blocks)
    losses.append(("constraint_limit", total(intersect(union, blocks))))
    return tuple((kind, seconds) for kind, seconds in losses if seconds > 0)


def _free(groups: Groups, inputs: Inputs, sub: str) -> tuple[Groups, list[list[MemberInput]]]:
    """The groups and inputs with every appearance of ``sub`` treated as always available:
    no options, no busy time."""
    free_member, free_input = Member(sub), MemberInput(())
    freed_groups = tuple(
        Group(
            tuple(free_member if member.sub == sub else member for member in group.members),
            group.required,
        )
        for group in groups
    )
    freed_inputs = [
        [
            free_input if member.sub == sub else data
            for member, data in zip(group.members, group_inputs, strict=True)
        ]
        for group, group_inputs in zip(groups, inputs, strict=True)
    ]
    return freed_groups, freed_inputs


def _bottlenecks(
    groups: Sequence[Group], answers: int, context: Context, count_without: Callable[[str], int]
) -> tuple[Bottleneck, ...]:
    """Each sub whose being always available adds answers, most added first (ties in
    request order)."""
    subs = dict.fromkeys(member.sub for group in groups for member in group.members)
    found = []
    for sub in subs:
        without = count_without(sub)
        if without > answers:
            found.append(Bottleneck(sub, context.name(sub), without, without - answers))
    found.sort(key=lambda bottleneck: -bottleneck.adds)
    return tuple(found)


# --- sequences --------------------------------------------------------------------------


def diagnose_sequence(
    request: SequenceRequest, inputs: Sequence[Inputs], context: Context
) -> SequenceDiagnosis:
    """Where a sequence request breaks: the first step (running order) with no feasible
    start, else the first gap rule no reachable pair of starts honours."""

    def count(steps: Sequence[Groups], steps_inputs: Sequence[Inputs]) -> int:
        changed = replace(
            request,
            steps=tuple(
                replace(step, participants=groups)
                for step, groups in zip(request.steps, steps, strict=True)
            ),
            max_results=UNLIMITED,
        )
        return len(solve_sequence(changed, steps_inputs).sequences)

    all_groups = [step.participants for step in request.steps]
    answers = count(all_groups, inputs)
    order = running_order(request.steps)
    steps = [request.steps[index] for index in order]
    union, excluded = request.query_union, request.excluded_events
    starts = [
        [start for start, _ in step_candidates(step, inputs[index], union, excluded)]
        for step, index in zip(steps, order, strict=True)
    ]
    blocked = None
    gap = None
    empty = [position for position, found in enumerate(starts) if not found]
    if empty:
        blocked = diagnose_step(request, order[empty[0]], inputs, context)
    elif answers == 0:
        gap = _gap_block(steps, starts)

    def count_without(sub: str) -> int:
        freed = [
            _free(groups, step_inputs, sub)
            for groups, step_inputs in zip(all_groups, inputs, strict=True)
        ]
        return count([groups for groups, _ in freed], [step_inputs for _, step_inputs in freed])

    every_group = [group for groups in all_groups for group in groups]
    return SequenceDiagnosis(
        answers=answers,
        offered=min(answers, request.max_results),
        steps=tuple(
            (step.sequence_id, len(found)) for step, found in zip(steps, starts, strict=True)
        ),
        blocked=blocked,
        gap=gap,
        bottlenecks=_bottlenecks(every_group, answers, context, count_without),
    )


def _gap_block(steps: Sequence[SequenceStep], starts: Sequence[Sequence[int]]) -> GapBlock:
    """The first gap rule after which no chain of starts survives (decided by
    ``solve.sequence.chain`` on ever longer prefixes of the steps, in running order), with
    the closest gap any start reachable before it has to a feasible start after it."""
    durations = [step.required_duration for step in steps]
    gaps = [gap_between(previous, following) for previous, following in pairwise(steps)]
    for position in range(1, len(starts)):
        if chain(starts[: position + 1], durations[: position + 1], gaps[:position], 1):
            continue
        reachable = _reachable(starts[:position], durations, gaps)
        if _reachable(starts[: position + 1], durations, gaps):
            raise AssertionError("the diagnosis reaches a step the sequence solver does not")
        minimum, maximum = gaps[position - 1]
        closest = _closest_gap(
            reachable, durations[position - 1], starts[position], minimum, maximum
        )
        previous, following = steps[position - 1], steps[position]
        return GapBlock(previous.sequence_id, following.sequence_id, minimum, maximum, closest)
    raise AssertionError("every prefix of the steps chains, yet no sequence was found")


def _reachable(
    starts: Sequence[Sequence[int]],
    durations: Sequence[int],
    gaps: Sequence[Gap],
) -> list[int]:
    """The starts of the last of ``starts``' steps that some chain from the first reaches."""
    reached = list(starts[0])
    for position in range(1, len(starts)):
        minimum, maximum = gaps[position - 1]
        duration = durations[position - 1]
        reached = [
            start
            for start in starts[position]
            if _chains_to(
                reached,
                start - duration - minimum,
                None if maximum is None else start - duration - maximum,
            )
        ]
    return reached


def _chains_to(sorted_starts: Sequence[int], latest: int, earliest: int | None) -> bool:
    """Whether some start lies in ``[earliest, latest]`` (no lower bound when None)."""
    position = bisect_left(sorted_starts, earliest if earliest is not None else -(1 << 62))
    return position < len(sorted_starts) and sorted_starts[position] <= latest


def _closest_gap(
    reachable: Sequence[int],
    duration: int,
    following: Sequence[int],
    minimum: int,
    maximum: int | None,
) -> int | None:
    """Of the gaps between the end of a ``reachable`` start and a ``following`` start, the
    one nearest to ``[minimum, maximum]`` (the shorter on a tie)."""
    best: tuple[int, int] | None = None  # (distance to the allowed range, gap)
    for start in reachable:
        end = start + duration
        position = bisect_left(following, end + minimum)
        candidates = []
        if position < len(following):
            candidates.append(following[position] - end)
        if position > 0:
            candidates.append(following[position - 1] - end)
        for gap in candidates:
            if gap < minimum:
                distance = minimum - gap
            else:  # too long: the rule was broken, so there is a maximum below the gap
                distance = gap - (maximum if maximum is not None else gap)
            if best is None or (distance, gap) < best:
                best = (distance, gap)
    return None if best is None else best[1]
