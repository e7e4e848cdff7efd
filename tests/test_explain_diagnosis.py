"""The diagnosis of a whole request on random stores: each member's share of the query
periods, the bottlenecks (a member removed from the request yields at least as many
answers as ``explain`` says), and where a sequence breaks."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings

from cronoslot.explain import Context, explain_availability, explain_sequence
from cronoslot.explain.diagnosis import UNLIMITED
from cronoslot.explain.reasons import Diagnosis, SequenceDiagnosis
from cronoslot.models import (
    AvailabilityRequest,
    Buffer,
    BusyInterval,
    GapBound,
    Group,
    Member,
    MemberInput,
    Period,
    SequenceRequest,
    SequenceStep,
    StepBuffer,
    Transparency,
)
from cronoslot.solve.availability import solve_availability
from cronoslot.solve.sequence import chain, gap_between, running_order, solve_sequence
from cronoslot.solve.sequence import step_candidates as candidates_of
from cronoslot.timeutil import MINUTE, parse_time

from .explain_scenarios import (
    Scenario,
    SequenceScenario,
    scenario_st,
    sequence_scenario_st,
    without_sub,
)

QUICK = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def start_times(request: AvailabilityRequest, inputs: list[list[MemberInput]]) -> int:
    every = replace(request, response_format="overlapping_slots", max_results=UNLIMITED)
    return len(solve_availability(every, inputs).slots)


@QUICK
@given(scenario_st())
def test_a_member_removed_yields_at_least_what_explain_says(scenario: Scenario) -> None:
    request, inputs, context = scenario
    found = explain_availability(request, inputs, context)
    assert isinstance(found, Diagnosis)
    assert found.answers == start_times(request, inputs)
    assert found.offered == len(solve_availability(request, inputs).slots)
    bottlenecks = {b.sub: b for b in found.bottlenecks}
    for sub in dict.fromkeys(m.sub for g in request.participants for m in g.members):
        groups, kept_inputs = without_sub(request.participants, inputs, sub)
        removed = start_times(replace(request, participants=groups), kept_inputs)
        if sub in bottlenecks:
            assert bottlenecks[sub].adds > 0
            assert removed >= found.answers + bottlenecks[sub].adds
            # Removing a member (one fewer needed) is treating it as always available.
            assert removed == bottlenecks[sub].answers_without
        else:
            assert removed == found.answers
    adds = [b.adds for b in found.bottlenecks]
    assert adds == sorted(adds, reverse=True)


@QUICK
@given(scenario_st())
def test_member_shares_add_up(scenario: Scenario) -> None:
    request, inputs, context = scenario
    found = explain_availability(request, inputs, context)
    assert isinstance(found, Diagnosis)
    members = [(g, m) for g, group in enumerate(request.participants) for m in group.members]
    assert [(share.group, share.sub) for share in found.members] == [(g, m.sub) for g, m in members]
    for share in found.members:
        missing = found.query_seconds - share.available
        assert 0 <= share.available <= found.query_seconds
        # Each layer alone takes no more than is missing; together, at least all of it.
        assert all(0 < seconds <= missing for _, seconds in share.losses)
        assert sum(seconds for _, seconds in share.losses) >= missing


@QUICK
@given(sequence_scenario_st())
def test_a_sequence_diagnosis_finds_where_it_breaks(scenario: SequenceScenario) -> None:
    request, inputs, context = scenario
    found = explain_sequence(request, inputs, context)
    assert isinstance(found, SequenceDiagnosis)
    everything = solve_sequence(replace(request, max_results=UNLIMITED), inputs)
    assert found.answers == len(everything.sequences)
    assert found.offered == len(solve_sequence(request, inputs).sequences)
    order = running_order(request.steps)
    steps = [request.steps[i] for i in order]
    starts = [
        [
            s
            for s, _ in candidates_of(
                request.steps[i], inputs[i], request.query_union, request.excluded_events
            )
        ]
        for i in order
    ]
    assert found.steps == tuple((s.sequence_id, len(x)) for s, x in zip(steps, starts, strict=True))
    if found.answers:
        assert found.blocked is None and found.gap is None
    elif any(not x for x in starts):
        first = next(i for i, x in enumerate(starts) if not x)
        assert found.blocked is not None and found.gap is None
        assert found.blocked.sequence_id == steps[first].sequence_id
        assert found.blocked.answers == 0
    else:
        assert found.blocked is None and found.gap is not None
        ids = [s.sequence_id for s in steps]
        position = ids.index(found.gap.before)
        assert ids[position - 1] == found.gap.after
        durations = [s.required_duration for s in steps]
        gaps = [gap_between(a, b) for a, b in pairwise(steps)]
        assert (found.gap.minimum, found.gap.maximum) == gaps[position - 1]
        # The steps chain up to ``after`` and no further.
        assert chain(starts[:position], durations[:position], gaps[: position - 1], 1)
        assert not chain(starts[: position + 1], durations[: position + 1], gaps[:position], 1)
        closest = found.gap.closest
        assert closest is not None
        assert closest < found.gap.minimum or (
            found.gap.maximum is not None and closest > found.gap.maximum
        )
    for bottleneck in found.bottlenecks:
        removed_steps = []
        removed_inputs = []
        for step, step_inputs in zip(request.steps, inputs, strict=True):
            groups, kept = without_sub(step.participants, step_inputs, bottleneck.sub)
            removed_steps.append(replace(step, participants=groups))
            removed_inputs.append(kept)
        removed = replace(request, steps=tuple(removed_steps), max_results=UNLIMITED)
        count = len(solve_sequence(removed, removed_inputs).sequences)
        assert count >= found.answers + bottleneck.adds


# --- cases --------------------------------------------------------------------------------

T = parse_time("2027-05-03T09:00:00Z")  # a Monday


def busy(start_minutes: int, end_minutes: int) -> BusyInterval:
    return BusyInterval(
        T + start_minutes * MINUTE, T + end_minutes * MINUTE, Transparency.OPAQUE, "work"
    )


def test_the_one_busy_member_is_the_bottleneck() -> None:
    request = AvailabilityRequest(
        participants=(Group((Member("lena"), Member("omar")), 2),),
        required_duration=60 * MINUTE,
        query_periods=(Period(T, T + 180 * MINUTE),),
        response_format="slots",
    )
    inputs = [[MemberInput((busy(0, 180),)), MemberInput((busy(0, 60),))]]
    found = explain_availability(request, inputs, Context(now=T, names={"lena": "Lena"}))
    assert isinstance(found, Diagnosis)
    assert found.answers == 0
    assert [(b.sub, b.name, b.adds) for b in found.bottlenecks] == [("lena", "Lena", 5)]
    assert [dict(share.losses) for share in found.members] == [
        {"busy": 180 * MINUTE},
        {"busy": 60 * MINUTE},
    ]


def test_a_gap_too_long_to_bridge_is_named() -> None:
    def step(sequence_id: str, sub: str, ordinal: int, **buffer: object) -> SequenceStep:
        return SequenceStep(
            sequence_id, (Group((Member(sub),), 1),), 60 * MINUTE, ordinal=ordinal, **buffer
        )

    first = step("first", "lena", 1)
    second = step("second", "omar", 2, buffer=StepBuffer(before=GapBound(0, 30 * MINUTE)))
    request = SequenceRequest((Period(T, T + 300 * MINUTE),), (second, first))
    # Lena only from 9:00 to 10:00, Omar only from 12:00: a 2-hour wait, at most 30 allowed.
    inputs = [[[MemberInput((busy(0, 180),))]], [[MemberInput((busy(60, 300),))]]]
    found = explain_sequence(request, inputs, Context(now=T))
    assert isinstance(found, SequenceDiagnosis)
    assert found.answers == 0 and found.blocked is None
    assert found.gap is not None
    assert (found.gap.after, found.gap.before) == ("first", "second")
    assert found.gap.maximum == 30 * MINUTE
    assert found.gap.closest == 120 * MINUTE
    assert {b.sub for b in found.bottlenecks} == {"lena", "omar"}


def test_a_step_with_no_feasible_start_is_diagnosed() -> None:
    request = SequenceRequest(
        (Period(T, T + 120 * MINUTE),),
        (
            SequenceStep("a", (Group((Member("lena"),), 1),), 60 * MINUTE),
            SequenceStep("b", (Group((Member("omar"),), 1),), 60 * MINUTE),
        ),
    )
    inputs = [[[MemberInput(())]], [[MemberInput((busy(0, 120),))]]]
    found = explain_sequence(request, inputs, Context(now=T))
    assert isinstance(found, SequenceDiagnosis)
    assert found.steps == (("a", 5), ("b", 0))
    assert found.blocked is not None and found.blocked.sequence_id == "b"
    assert [b.sub for b in found.blocked.bottlenecks] == ["omar"]


@pytest.mark.parametrize("buffer", [Buffer(), Buffer(before=15 * MINUTE)])
def test_buffers_count_as_their_own_loss(buffer: Buffer) -> None:
    request = AvailabilityRequest(
        participants=(Group((Member("lena"),), 1),),
        required_duration=30 * MINUTE,
        query_periods=(Period(T, T + 120 * MINUTE),),
        buffer=buffer,
    )
    found = explain_availability(request, [[MemberInput((busy(30, 60),))]], Context(now=T))
    assert isinstance(found, Diagnosis)
    expected = {"busy": 30 * MINUTE}
    if buffer.before:
        expected["buffer"] = 15 * MINUTE
    assert dict(found.members[0].losses) == expected
