"""``explain`` with a time never disagrees with the answers: on random stores and requests,
the verdict for ``[a, a + d)`` says available exactly when the solver offers ``a``, each
member has reasons exactly when the solver finds it unavailable there, and each reason is
real (that obstacle alone rules the interval out; without every obstacle named, the member
is available)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cronoslot.explain import Context, explain_availability, explain_sequence
from cronoslot.explain.diagnosis import UNLIMITED
from cronoslot.explain.reasons import (
    BufferReach,
    Busy,
    ConstraintLimit,
    MemberReason,
    OutsideAvailablePeriods,
    OutsideManagedAvailability,
    Verdict,
)
from cronoslot.explain.verdict import member_reasons
from cronoslot.explain.view import availability_view
from cronoslot.intervals import contains
from cronoslot.models import (
    AvailabilityRequest,
    Buffer,
    Group,
    Member,
    MemberInput,
    Period,
    Transparency,
)
from cronoslot.solve.availability import solve_availability
from cronoslot.solve.layers import MemberLayers
from cronoslot.solve.sequence import solve_sequence, step_candidates

from .explain_scenarios import (
    CELLS,
    Scenario,
    SequenceScenario,
    cell_time,
    scenario_st,
    sequence_scenario_st,
)

at_st = st.integers(min_value=-6, max_value=CELLS + 6).map(cell_time)


def offered(request: AvailabilityRequest, inputs: list[list[MemberInput]], start: int) -> bool:
    """Whether the solver's answer to ``request`` asked as ``query_slots: [start]`` has it."""
    asked = replace(request, query_slots=(start,), query_periods=None, response_format="slots")
    return [slot.start for slot in solve_availability(asked, inputs).slots] == [start]


def alone_offered(
    request: AvailabilityRequest, member_input: MemberInput, group: int, index: int, start: int
) -> bool:
    member = request.participants[group].members[index]
    alone = replace(request, participants=(Group((member,), 1),))
    return offered(alone, [[member_input]], start)


QUICK = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DEEP = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(scenario_st(), at_st)
def test_the_verdict_agrees_with_query_slots(scenario: Scenario, start: int) -> None:
    check_query_slots(scenario, start)


@pytest.mark.slow
@DEEP
@given(scenario_st(), at_st)
def test_the_verdict_agrees_with_query_slots_deep(scenario: Scenario, start: int) -> None:
    check_query_slots(scenario, start)


def check_query_slots(scenario: Scenario, start: int) -> None:
    request, inputs, context = scenario
    found = explain_availability(request, inputs, context, start)
    assert isinstance(found, Verdict)
    end = start + request.required_duration
    # The interval's own conditions: in the query periods, a candidate start, not past.
    if request.query_slots is not None:
        candidate = start in request.query_slots
    elif request.response_format == "periods":
        candidate = True
    else:
        candidate = start % (request.start_interval or 15 * 60) == 0
    fits = contains(request.query_union, start, end) and candidate and start >= context.now
    assert bool(found.reasons) == (not fits)
    assert found.available == (fits and offered(request, inputs, start))
    if found.available:
        asked = replace(request, query_slots=(start,), query_periods=None, response_format="slots")
        assert found.participants == solve_availability(asked, inputs).slots[0].participants
    for g, (group, group_inputs) in enumerate(zip(found.groups, inputs, strict=True)):
        assert group.satisfied == (group.available_count >= request.participants[g].required)
        for m, (member, member_input) in enumerate(zip(group.members, group_inputs, strict=True)):
            assert member.available == alone_offered(request, member_input, g, m, start)
            assert member.name == context.names.get(member.sub)


@QUICK
@given(scenario_st(), at_st)
def test_the_verdict_agrees_with_the_whole_answer(scenario: Scenario, start: int) -> None:
    """Available exactly when the request's own answer (uncut) offers the interval."""
    request, inputs, context = scenario
    found = explain_availability(request, inputs, context, start)
    assert isinstance(found, Verdict)
    end = start + request.required_duration
    if request.response_format == "periods" and request.query_slots is None:
        if request.start_interval is not None:
            return  # moved periods may hide a working interval: see the notes' test
        periods = solve_availability(replace(request, max_results=UNLIMITED), inputs).slots
        in_answer = any(p.start <= start and end <= p.end for p in periods)
    else:
        every = replace(request, response_format="overlapping_slots", max_results=UNLIMITED)
        in_answer = start in [slot.start for slot in solve_availability(every, inputs).slots]
    assert found.available == (in_answer and start >= context.now)


def obstacle_only(layers: MemberLayers, reason: MemberReason) -> MemberLayers:
    """The member with that one obstacle and no other."""
    bare = replace(
        layers, available_periods=None, managed=None, busy=[], spans=[], constraint_blocks=()
    )
    if isinstance(reason, OutsideAvailablePeriods):
        return replace(bare, available_periods=layers.available_periods)
    if isinstance(reason, OutsideManagedAvailability):
        return replace(bare, managed=layers.managed)
    if isinstance(reason, Busy | BufferReach):
        return replace(bare, busy=[reason.event])
    assert isinstance(reason, ConstraintLimit)
    return replace(bare, constraint_blocks=(reason.block,))


def obstacles_removed(layers: MemberLayers, reasons: list[MemberReason]) -> MemberLayers:
    """The member without any of the obstacles named."""
    kinds = {type(reason) for reason in reasons}
    events = [id(r.event) for r in reasons if isinstance(r, Busy | BufferReach)]
    blocks = [r.block for r in reasons if isinstance(r, ConstraintLimit)]
    return replace(
        layers,
        available_periods=None if OutsideAvailablePeriods in kinds else layers.available_periods,
        managed=None if OutsideManagedAvailability in kinds else layers.managed,
        busy=[event for event in layers.busy if id(event) not in events],
        constraint_blocks=tuple(b for b in layers.constraint_blocks if b not in blocks),
    )


@QUICK
@given(scenario_st(), at_st)
def test_every_reason_is_real_and_together_they_are_all(scenario: Scenario, start: int) -> None:
    check_reasons_are_real(scenario, start)


@pytest.mark.slow
@DEEP
@given(scenario_st(), at_st)
def test_every_reason_is_real_deep(scenario: Scenario, start: int) -> None:
    check_reasons_are_real(scenario, start)


def check_reasons_are_real(scenario: Scenario, start: int) -> None:
    request, inputs, context = scenario
    end = start + request.required_duration
    view = availability_view(request, inputs)
    found = explain_availability(request, inputs, context, start)
    assert isinstance(found, Verdict)
    for group, group_layers, group_verdict in zip(
        view.groups, view.layers(view.hull((start, end))), found.groups, strict=True
    ):
        for member, layers, verdict in zip(
            group.members, group_layers, group_verdict.members, strict=True
        ):
            reasons = member_reasons(layers, start, end, context.managed.get(member))
            assert tuple(reasons) == verdict.reasons
            for reason in reasons:
                alone = obstacle_only(layers, reason).available_set()
                assert not contains(alone, start, end), reason
            freed = obstacles_removed(layers, reasons).available_set()
            assert contains(freed, start, end)
            if len(reasons) == 1:  # then removing that one changes the member's state
                assert not contains(layers.available_set(), start, end)


@QUICK
@given(sequence_scenario_st(), at_st, st.data())
def test_a_step_verdict_agrees_with_the_step_candidates(
    scenario: SequenceScenario, start: int, data: st.DataObject
) -> None:
    request, inputs, context = scenario
    index = data.draw(st.integers(min_value=0, max_value=len(request.steps) - 1))
    step = request.steps[index]
    found = explain_sequence(request, inputs, context, start, step.sequence_id)
    assert isinstance(found, Verdict)
    assert found.sequence_id == step.sequence_id
    assert found.end == start + step.required_duration
    union, excluded = request.query_union, request.excluded_events
    candidates = dict(step_candidates(step, inputs[index], union, excluded))
    assert found.available == (start in candidates and start >= context.now)
    if found.available:
        assert found.participants == candidates[start]
        used = any(
            s.sequence_id == step.sequence_id and s.start == start
            for option in solve_sequence(request, inputs).sequences
            for s in option
        )
        assert bool(found.notes) == (not used)
    for group, verdict_group, group_inputs in zip(
        step.participants, found.groups, inputs[index], strict=True
    ):
        for member, verdict, member_input in zip(
            group.members, verdict_group.members, group_inputs, strict=True
        ):
            alone = replace(step, participants=(Group((member,), 1),), start_interval=5 * 60)
            starts = [s for s, _ in step_candidates(alone, [[member_input]], union, excluded)]
            # On the finest grid, in the query periods: the member's own state there.
            if contains(union, start, found.end):
                assert verdict.available == (start in starts)


def test_bare_spans_are_busy_reasons_without_identity() -> None:
    start = cell_time(0)
    request = AvailabilityRequest(
        participants=(Group((Member("a"),), 1),),
        required_duration=6 * 5 * 60,
        query_periods=(Period(start, cell_time(24)),),
        buffer=Buffer(after=10 * 60),
    )
    spans = (
        (Transparency.TENTATIVE, ((cell_time(3), cell_time(4)), (cell_time(7), cell_time(8)))),
    )
    found = explain_availability(request, [[MemberInput((), spans=spans)]], Context(now=0), start)
    assert isinstance(found, Verdict)
    busy, buffer = found.groups[0].members[0].reasons
    assert isinstance(busy, Busy) and isinstance(buffer, BufferReach)
    assert (busy.event.calendar_id, busy.event.event_uid) == ("", None)
    assert busy.event.transparency == Transparency.TENTATIVE
    assert (buffer.side, buffer.gap, buffer.short_by) == ("after", 5 * 60, 5 * 60)
