"""Sequenced availability (SPEC 6): gap rules, running order, the pure ``chain`` search
against brute force, and ``solve_sequence`` end to end against a brute-force reference."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cronoslot.models import (
    Buffer,
    BusyInterval,
    ExcludedEvents,
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
from cronoslot.solve.sequence import (
    Gap,
    calendar_buffer,
    chain,
    gap_between,
    running_order,
    solve_sequence,
    step_candidates,
)
from cronoslot.timeutil import HOUR, MINUTE, parse_time

# Monday 2026-05-04 09:00 UTC: on every grid (5 to 60 minutes).
T0 = parse_time("2026-05-04T09:00:00Z")
DAY = 24 * HOUR
NO_BOUND = GapBound()
NO_EXCLUSIONS = ExcludedEvents()


def at(text: str) -> int:
    return parse_time(f"2026-05-04T{text}:00Z")


def busy(start: int, end: int, uid: str | None = None) -> BusyInterval:
    return BusyInterval(start, end, Transparency.OPAQUE, "cal", event_uid=uid)


def member_input(*intervals: tuple[int, int]) -> MemberInput:
    return MemberInput(busy=tuple(busy(start, end) for start, end in intervals))


def make_step(
    sequence_id: str,
    subs: Sequence[str] = ("alice",),
    minutes: int = 60,
    *,
    ordinal: int | None = None,
    interval: int = 15,
    before: GapBound = NO_BOUND,
    after: GapBound = NO_BOUND,
    required: int | None = None,
    member_buffers: dict[str, Buffer] | None = None,
) -> SequenceStep:
    buffers = member_buffers or {}
    members = tuple(Member(sub=sub, buffer=buffers.get(sub)) for sub in subs)
    return SequenceStep(
        sequence_id=sequence_id,
        participants=(Group(members=members, required=required or len(members)),),
        required_duration=minutes * MINUTE,
        ordinal=ordinal,
        start_interval=interval * MINUTE,
        buffer=StepBuffer(before=before, after=after),
    )


def bound(minimum_minutes: int, maximum_minutes: int | None = None) -> GapBound:
    return GapBound(
        minimum=minimum_minutes * MINUTE,
        maximum=None if maximum_minutes is None else maximum_minutes * MINUTE,
    )


# --- gaps between steps -------------------------------------------------------------------


def test_gap_minimum_is_the_larger_of_either_side() -> None:
    short_after = make_step("a", after=bound(10))
    long_before = make_step("b", before=bound(30))
    assert gap_between(short_after, long_before) == (30 * MINUTE, None)
    long_after = make_step("a", after=bound(45))
    short_before = make_step("b", before=bound(5))
    assert gap_between(long_after, short_before) == (45 * MINUTE, None)


def test_gap_maximum_is_the_smaller_of_either_side() -> None:
    previous = make_step("a", after=bound(0, 60))
    following = make_step("b", before=bound(0, 45))
    assert gap_between(previous, following) == (0, 45 * MINUTE)
    assert gap_between(make_step("a", after=bound(0, 30)), following) == (0, 30 * MINUTE)


def test_gap_maximum_from_one_side_only() -> None:
    assert gap_between(make_step("a", after=bound(0, 90)), make_step("b")) == (0, 90 * MINUTE)
    assert gap_between(make_step("a"), make_step("b", before=bound(10, 20))) == (
        10 * MINUTE,
        20 * MINUTE,
    )


def test_gap_without_any_maximum_is_unbounded() -> None:
    assert gap_between(make_step("a", after=bound(15)), make_step("b", before=bound(5))) == (
        15 * MINUTE,
        None,
    )


def test_gap_ignores_the_unrelated_sides() -> None:
    # Only previous.after and following.before matter, not previous.before/following.after.
    previous = make_step("a", before=bound(120, 130), after=bound(5))
    following = make_step("b", before=bound(10), after=bound(200, 300))
    assert gap_between(previous, following) == (10 * MINUTE, None)


def test_plain_duration_buffer_is_a_minimum_with_no_maximum() -> None:
    # The query parser turns `"before": {"minutes": 30}` into GapBound(minimum=1800).
    plain = GapBound(minimum=30 * MINUTE)
    assert plain.maximum is None
    assert gap_between(make_step("a"), make_step("b", before=plain)) == (30 * MINUTE, None)


def test_gap_zero_and_negative_minimums_clamp_to_zero() -> None:
    assert gap_between(make_step("a"), make_step("b")) == (0, None)
    negative = GapBound(minimum=-10 * MINUTE)
    assert gap_between(make_step("a", after=negative), make_step("b", before=negative)) == (
        0,
        None,
    )


def test_calendar_buffer_is_the_minimums() -> None:
    step = make_step("a", before=bound(10, 60), after=bound(20))
    assert calendar_buffer(step) == Buffer(before=10 * MINUTE, after=20 * MINUTE)


# --- running order ------------------------------------------------------------------------


def test_running_order_sorts_by_ordinal() -> None:
    steps = [make_step("c", ordinal=3), make_step("a", ordinal=1), make_step("b", ordinal=2)]
    assert running_order(steps) == [1, 2, 0]


def test_running_order_ties_keep_request_order() -> None:
    steps = [
        make_step("x", ordinal=2),
        make_step("y", ordinal=1),
        make_step("z", ordinal=2),
        make_step("w", ordinal=1),
    ]
    assert running_order(steps) == [1, 3, 0, 2]


def test_running_order_missing_ordinals_come_last_in_request_order() -> None:
    steps = [
        make_step("p"),
        make_step("q", ordinal=5),
        make_step("r"),
        make_step("s", ordinal=-1),
        make_step("t", ordinal=0),
    ]
    assert running_order(steps) == [3, 4, 1, 0, 2]


def test_running_order_without_any_ordinal_is_request_order() -> None:
    assert running_order([make_step("a"), make_step("b"), make_step("c")]) == [0, 1, 2]


# --- chain: the pure search ---------------------------------------------------------------


def test_chain_single_step_lists_every_start() -> None:
    assert chain([[0, 5, 9]], [3], [], 20) == [(0,), (5,), (9,)]
    assert chain([[0, 5, 9]], [3], [], 2) == [(0,), (5,)]


def test_chain_takes_the_earliest_successor_after_the_minimum_gap() -> None:
    assert chain([[0, 10], [10, 12, 15, 30]], [10, 5], [(2, None)], 20) == [(0, 12), (10, 30)]


def test_chain_gap_window_is_inclusive_at_both_ends() -> None:
    # End 10, window [10 + 2, 10 + 5] = [12, 15].
    assert chain([[0], [12]], [10, 1], [(2, 5)], 20) == [(0, 12)]
    assert chain([[0], [15]], [10, 1], [(2, 5)], 20) == [(0, 15)]
    assert chain([[0], [11, 16]], [10, 1], [(2, 5)], 20) == []


def test_chain_looks_ahead_past_a_dead_end() -> None:
    # Greedy without look-ahead would pick 10 for step 1 and then find nothing for step 2.
    starts = [[0], [10, 20], [40]]
    assert chain(starts, [10, 10, 10], [(0, None), (0, 10)], 20) == [(0, 20, 40)]


def test_chain_skips_first_starts_without_a_sequence_and_they_do_not_count() -> None:
    starts = [[0, 10, 20, 30], [25, 45]]
    # Gap at most 5: 0 -> none, 10 -> none (end 20, window [20, 25] holds 25), ...
    # d = 10: 0 ends 10 (window [10, 15]: none); 10 ends 20 ([20, 25]: 25);
    # 20 ends 30 ([30, 35]: none); 30 ends 40 ([40, 45]: 45).
    assert chain(starts, [10, 5], [(0, 5)], 20) == [(10, 25), (30, 45)]
    assert chain(starts, [10, 5], [(0, 5)], 1) == [(10, 25)]


def test_chain_maximum_below_minimum_has_no_answer() -> None:
    assert chain([[0], [10, 20, 30]], [5, 5], [(20, 10)], 20) == []


def test_chain_with_an_empty_step_has_no_answer() -> None:
    assert chain([[0, 1], [], [5]], [1, 1, 1], [(0, None), (0, None)], 20) == []
    assert chain([], [], [], 20) == []


def test_chain_several_first_starts_may_share_successors() -> None:
    assert chain([[0, 1, 2], [10]], [1, 1], [(0, None)], 20) == [(0, 10), (1, 10), (2, 10)]


def test_chain_rejects_mismatched_arguments() -> None:
    with pytest.raises(ValueError):
        chain([[0], [1]], [1], [(0, None)], 20)
    with pytest.raises(ValueError):
        chain([[0], [1]], [1, 1], [], 20)


def brute_force_chain(
    starts: Sequence[Sequence[int]],
    durations: Sequence[int],
    gaps: Sequence[Gap],
    max_results: int,
) -> list[tuple[int, ...]]:
    def fits(combination: tuple[int, ...]) -> bool:
        for index, (minimum, maximum) in enumerate(gaps):
            gap = combination[index + 1] - combination[index] - durations[index]
            if gap < minimum or (maximum is not None and gap > maximum):
                return False
        return True

    best: dict[int, tuple[int, ...]] = {}
    for combination in itertools.product(*starts):
        if fits(combination):
            first = combination[0]
            if first not in best or combination < best[first]:
                best[first] = combination
    return [best[first] for first in sorted(best)][:max_results]


@st.composite
def chain_problems(
    draw: st.DrawFn,
) -> tuple[list[list[int]], list[int], list[Gap], int]:
    count = draw(st.integers(1, 4))
    starts = [sorted(draw(st.sets(st.integers(0, 40), max_size=8))) for _ in range(count)]
    durations = [draw(st.integers(1, 6)) for _ in range(count)]
    gaps: list[Gap] = []
    for _ in range(count - 1):
        minimum = draw(st.integers(0, 6))
        maximum = draw(st.one_of(st.none(), st.integers(0, 12)))
        gaps.append((minimum, maximum))
    max_results = draw(st.integers(1, 10))
    return starts, durations, gaps, max_results


@settings(max_examples=400, deadline=None)
@given(chain_problems())
def test_chain_matches_brute_force(
    problem: tuple[list[list[int]], list[int], list[Gap], int],
) -> None:
    starts, durations, gaps, max_results = problem
    assert chain(starts, durations, gaps, max_results) == brute_force_chain(
        starts, durations, gaps, max_results
    )


# --- solve_sequence end to end ------------------------------------------------------------


def request_of(
    steps: Sequence[SequenceStep],
    periods: Sequence[tuple[int, int]] = ((at("09:00"), at("17:00")),),
    max_results: int = 20,
    excluded: ExcludedEvents = NO_EXCLUSIONS,
) -> SequenceRequest:
    return SequenceRequest(
        query_periods=tuple(Period(start, end) for start, end in periods),
        steps=tuple(steps),
        max_results=max_results,
        excluded_events=excluded,
    )


def free_inputs(steps: Sequence[SequenceStep]) -> list[list[list[MemberInput]]]:
    return [
        [[MemberInput(busy=()) for _ in group.members] for group in s.participants] for s in steps
    ]


def test_two_steps_back_to_back_when_everyone_is_free() -> None:
    steps = [make_step("first", minutes=60), make_step("second", ("bob",), minutes=30)]
    result = solve_sequence(request_of(steps, max_results=3), free_inputs(steps))
    assert [
        [(s.sequence_id, s.start, s.end, s.participants) for s in q] for q in result.sequences
    ] == [
        [
            ("first", at("09:00"), at("10:00"), ("alice",)),
            ("second", at("10:00"), at("10:30"), ("bob",)),
        ],
        [
            ("first", at("09:15"), at("10:15"), ("alice",)),
            ("second", at("10:15"), at("10:45"), ("bob",)),
        ],
        [
            ("first", at("09:30"), at("10:30"), ("alice",)),
            ("second", at("10:30"), at("11:00"), ("bob",)),
        ],
    ]


def test_last_sequences_fit_the_query_period() -> None:
    steps = [make_step("first", minutes=60), make_step("second", ("bob",), minutes=30)]
    result = solve_sequence(request_of(steps, max_results=512), free_inputs(steps))
    # First starts 09:00 .. 15:30 (15:30 + 60 + 30 = 17:00): 27 of them.
    assert len(result.sequences) == 27
    last = result.sequences[-1]
    assert (last[0].start, last[1].end) == (at("15:30"), at("17:00"))


def test_busy_time_pushes_the_second_step() -> None:
    steps = [make_step("first", minutes=60), make_step("second", ("bob",), minutes=60)]
    inputs = [[[member_input()]], [[member_input((at("10:00"), at("12:00")))]]]
    result = solve_sequence(request_of(steps, max_results=2), inputs)
    assert [[(s.start, s.end) for s in q] for q in result.sequences] == [
        [(at("09:00"), at("10:00")), (at("12:00"), at("13:00"))],
        [(at("09:15"), at("10:15")), (at("12:00"), at("13:00"))],
    ]


def test_gap_minimum_is_applied_between_steps() -> None:
    steps = [
        make_step("first", minutes=30, after=bound(10)),
        make_step("second", ("bob",), minutes=30, before=bound(20)),
    ]
    result = solve_sequence(request_of(steps, max_results=1), free_inputs(steps))
    # 09:30 + 20 minutes = 09:50, the next 15-minute grid start is 10:00.
    assert [(s.start, s.end) for s in result.sequences[0]] == [
        (at("09:00"), at("09:30")),
        (at("10:00"), at("10:30")),
    ]


def test_gap_maximum_drops_sequences_that_would_wait_too_long() -> None:
    steps = [
        make_step("first", minutes=60, after=bound(0, 30)),
        make_step("second", ("bob",), minutes=60),
    ]
    inputs = [[[member_input()]], [[member_input((at("09:00"), at("12:00")))]]]
    result = solve_sequence(request_of(steps), inputs)
    # Bob is free from 12:00: the first step must end in [11:30, 12:00] ... and later.
    firsts = [q[0].start for q in result.sequences]
    assert firsts[0] == at("10:30")
    for sequence in result.sequences:
        gap = sequence[1].start - sequence[0].end
        assert 0 <= gap <= 30 * MINUTE


def test_step_calendar_buffer_widens_members_busy_time() -> None:
    # Alice is busy 10:00-11:00; the step wants 30 minutes free before and 15 after.
    steps = [make_step("only", minutes=30, before=bound(30), after=bound(15))]
    inputs = [[[member_input((at("10:00"), at("11:00")))]]]
    result = solve_sequence(request_of(steps, periods=[(at("09:00"), at("13:00"))]), inputs)
    starts = [q[0].start for q in result.sequences]
    # Busy becomes [09:45, 11:30): 09:00 and 09:15 fit (ending 09:45); then from 11:30.
    assert starts[:3] == [at("09:00"), at("09:15"), at("11:30")]


def test_member_own_buffer_overrides_the_step_buffer() -> None:
    steps = [
        make_step(
            "only",
            minutes=30,
            before=bound(60),
            member_buffers={"alice": Buffer(before=0, after=0)},
        )
    ]
    inputs = [[[member_input((at("10:00"), at("11:00")))]]]
    result = solve_sequence(request_of(steps, periods=[(at("09:00"), at("13:00"))]), inputs)
    starts = [q[0].start for q in result.sequences]
    assert at("11:00") in starts
    assert at("09:30") in starts


def test_buffers_do_not_shrink_the_query_period() -> None:
    steps = [make_step("only", minutes=30, before=bound(60), after=bound(60))]
    result = solve_sequence(request_of(steps, max_results=512), free_inputs(steps))
    assert result.sequences[0][0].start == at("09:00")
    assert result.sequences[-1][0].end == at("17:00")


def test_steps_on_different_days() -> None:
    # Bob is busy all of the first day: the second step can only run on the next one.
    day_one = (at("09:00"), at("17:00"))
    day_two = (at("09:00") + DAY, at("17:00") + DAY)
    steps = [
        make_step("first", minutes=60),
        make_step("second", ("bob",), minutes=60),
    ]
    inputs = [[[member_input((day_two[0], day_two[1]))]], [[member_input(day_one)]]]
    result = solve_sequence(request_of(steps, periods=[day_one, day_two]), inputs)
    assert result.sequences
    for sequence in result.sequences:
        assert day_one[0] <= sequence[0].start and sequence[0].end <= day_one[1]
        assert sequence[1].start == day_two[0]
    # With a maximum gap of two hours, no sequence can span the night.
    bounded = [
        make_step("first", minutes=60, after=bound(0, 120)),
        make_step("second", ("bob",), minutes=60),
    ]
    assert solve_sequence(request_of(bounded, periods=[day_one, day_two]), inputs).sequences == ()


def test_a_step_never_straddles_two_query_periods() -> None:
    steps = [make_step("only", minutes=60)]
    periods = [(at("09:00"), at("09:45")), (at("10:00"), at("11:00"))]
    result = solve_sequence(request_of(steps, periods=periods), free_inputs(steps))
    assert [q[0].start for q in result.sequences] == [at("10:00")]


def test_touching_query_periods_merge() -> None:
    steps = [make_step("only", minutes=60)]
    periods = [(at("10:00"), at("11:00")), (at("09:00"), at("10:00"))]
    result = solve_sequence(request_of(steps, periods=periods), free_inputs(steps))
    assert [q[0].start for q in result.sequences] == [
        at("09:00"),
        at("09:15"),
        at("09:30"),
        at("09:45"),
        at("10:00"),
    ]


def test_starts_follow_the_step_grid() -> None:
    steps = [make_step("only", minutes=30, interval=20)]
    periods = [(at("09:07"), at("10:30"))]
    result = solve_sequence(request_of(steps, periods=periods), free_inputs(steps))
    assert [q[0].start for q in result.sequences] == [at("09:20"), at("09:40"), at("10:00")]


def test_infeasible_step_gives_no_sequence() -> None:
    steps = [make_step("first", minutes=60), make_step("second", ("bob",), minutes=60)]
    inputs = [[[member_input()]], [[member_input((at("08:00"), at("18:00")))]]]
    assert solve_sequence(request_of(steps), inputs).sequences == ()


def test_infeasible_ordering_gives_no_sequence() -> None:
    # Bob is free only in the morning, but his step runs second after a 7-hour step.
    steps = [make_step("first", minutes=7 * 60), make_step("second", ("bob",), minutes=60)]
    inputs = [[[member_input()]], [[member_input((at("10:00"), at("18:00")))]]]
    assert solve_sequence(request_of(steps), inputs).sequences == ()


def test_max_results_cuts_the_answer() -> None:
    steps = [make_step("first", minutes=30), make_step("second", ("bob",), minutes=30)]
    assert len(solve_sequence(request_of(steps, max_results=1), free_inputs(steps)).sequences) == 1
    assert len(solve_sequence(request_of(steps, max_results=5), free_inputs(steps)).sequences) == 5


def test_steps_are_listed_in_running_order_with_their_own_inputs() -> None:
    # Request order: late (ordinal 2), early (ordinal 1). Inputs follow request order.
    steps = [
        make_step("late", ("carol",), minutes=30, ordinal=2),
        make_step("early", ("dave",), minutes=30, ordinal=1),
    ]
    inputs = [
        [[member_input((at("09:00"), at("11:00")))]],  # carol, busy early
        [[member_input((at("10:00"), at("17:00")))]],  # dave, busy late
    ]
    result = solve_sequence(request_of(steps, max_results=1), inputs)
    (sequence,) = result.sequences
    assert [(s.sequence_id, s.start, s.participants) for s in sequence] == [
        ("early", at("09:00"), ("dave",)),
        ("late", at("11:00"), ("carol",)),
    ]


def test_steps_without_ordinal_run_after_those_with_one() -> None:
    steps = [
        make_step("no-ordinal", minutes=30),
        make_step("tie-b", minutes=30, ordinal=1),
        make_step("tie-a", minutes=30, ordinal=1),
        make_step("zero", minutes=30, ordinal=0),
    ]
    result = solve_sequence(request_of(steps, max_results=1), free_inputs(steps))
    assert [s.sequence_id for s in result.sequences[0]] == ["zero", "tie-b", "tie-a", "no-ordinal"]
    assert [s.start for s in result.sequences[0]] == [
        at("09:00"),
        at("09:30"),
        at("10:00"),
        at("10:30"),
    ]


def test_participants_are_those_available_for_each_step() -> None:
    # One of two interviewers is enough; the answer names whoever is free.
    steps = [make_step("panel", ("erin", "frank"), minutes=60, required=1)]
    inputs = [
        [[member_input((at("09:00"), at("10:00"))), member_input((at("10:00"), at("11:00")))]]
    ]
    result = solve_sequence(request_of(steps, periods=[(at("09:00"), at("12:00"))]), inputs)
    by_start = {q[0].start: q[0].participants for q in result.sequences}
    assert by_start[at("09:00")] == ("frank",)
    assert by_start[at("10:00")] == ("erin",)
    assert by_start[at("11:00")] == ("erin", "frank")
    assert at("09:30") not in by_start  # both busy for part of 09:30-10:30


def test_excluded_events_are_ignored() -> None:
    steps = [make_step("only", minutes=60)]
    inputs = [[[MemberInput(busy=(busy(at("09:00"), at("17:00"), uid="blocker"),))]]]
    assert solve_sequence(request_of(steps), inputs).sequences == ()
    excluded = ExcludedEvents(event_uids=frozenset({"blocker"}))
    assert solve_sequence(request_of(steps, excluded=excluded), inputs).sequences


def test_step_candidates_lists_starts_with_participants() -> None:
    step = make_step("only", ("alice", "bob"), minutes=30, required=1)
    inputs = [[member_input((at("09:00"), at("09:30"))), member_input((at("09:30"), at("10:00")))]]
    union = [(at("09:00"), at("10:00"))]
    assert step_candidates(step, inputs, union, ExcludedEvents()) == [
        (at("09:00"), ("bob",)),
        (at("09:30"), ("alice",)),
    ]
    assert step_candidates(step, inputs, [], ExcludedEvents()) == []


# --- solve_sequence against a brute-force reference ---------------------------------------

WINDOW_START = at("09:00")
WINDOW_END = at("13:00")
GRID = 15 * MINUTE


@st.composite
def sequence_problems(
    draw: st.DrawFn,
) -> tuple[SequenceRequest, list[list[list[MemberInput]]]]:
    subs = ["ann", "ben", "cat", "dan"]
    busy_by_sub = {
        sub: [
            (WINDOW_START + begin * 5 * MINUTE, WINDOW_START + (begin + length) * 5 * MINUTE)
            for begin, length in draw(
                st.lists(st.tuples(st.integers(-6, 50), st.integers(1, 12)), max_size=3)
            )
        ]
        for sub in subs
    }
    minutes = st.sampled_from([0, 5, 15, 30])
    steps = []
    for index in range(draw(st.integers(2, 3))):
        chosen = draw(st.lists(st.sampled_from(subs), min_size=1, max_size=4, unique=True))
        own = {
            sub: Buffer(before=draw(minutes) * MINUTE, after=draw(minutes) * MINUTE)
            for sub in chosen
            if draw(st.booleans())
        }
        # One group, or two groups splitting the chosen subs (k-of-n in each).
        cut = draw(st.integers(0, len(chosen) - 1))
        member_lists = [chosen[:cut], chosen[cut:]] if cut else [chosen]
        groups = tuple(
            Group(
                members=tuple(Member(sub=sub, buffer=own.get(sub)) for sub in names),
                required=draw(st.integers(1, len(names))),
            )
            for names in member_lists
        )

        def gap_bound() -> GapBound:
            minimum = draw(minutes) * MINUTE
            extra = draw(st.one_of(st.none(), st.sampled_from([0, 15, 30, 60])))
            return GapBound(minimum, None if extra is None else minimum + extra * MINUTE)

        steps.append(
            SequenceStep(
                sequence_id=f"s{index}",
                participants=groups,
                required_duration=draw(st.sampled_from([15, 30, 45, 60])) * MINUTE,
                ordinal=draw(st.one_of(st.none(), st.integers(0, 2))),
                start_interval=draw(st.sampled_from([15, 30])) * MINUTE,
                buffer=StepBuffer(before=gap_bound(), after=gap_bound()),
            )
        )
    split = draw(st.sampled_from([None, 2, 3]))
    periods = (
        [(WINDOW_START, WINDOW_END)]
        if split is None
        else [
            (WINDOW_START, WINDOW_START + split * HOUR),
            (WINDOW_START + split * HOUR + 20 * MINUTE, WINDOW_END),
        ]
    )
    request = SequenceRequest(
        query_periods=tuple(Period(start, end) for start, end in periods),
        steps=tuple(steps),
        max_results=draw(st.integers(1, 20)),
    )
    inputs = [
        [[member_input(*busy_by_sub[m.sub]) for m in group.members] for group in step.participants]
        for step in steps
    ]
    return request, inputs


def brute_force_sequence(
    request: SequenceRequest, inputs: list[list[list[MemberInput]]]
) -> list[list[tuple[str, int, int, tuple[str, ...]]]]:
    periods = sorted((p.start, p.end) for p in request.query_periods)
    order = sorted(
        range(len(request.steps)),
        key=lambda i: (request.steps[i].ordinal is None, request.steps[i].ordinal or 0, i),
    )

    def free(member: Member, data: MemberInput, step: SequenceStep, start: int, end: int) -> bool:
        buffer = member.buffer or Buffer(step.buffer.before.minimum, step.buffer.after.minimum)
        return all(
            not (b.start - buffer.after < end and b.end + buffer.before > start) for b in data.busy
        )

    candidates: list[dict[int, tuple[str, ...]]] = []
    for index in order:
        step = request.steps[index]
        found: dict[int, tuple[str, ...]] = {}
        for start in range(WINDOW_START - DAY, WINDOW_END + DAY, step.start_interval):
            end = start + step.required_duration
            if not any(lo <= start and end <= hi for lo, hi in periods):
                continue
            names: list[str] = []
            ok = True
            for group, group_inputs in zip(step.participants, inputs[index], strict=True):
                available = [
                    m.sub
                    for m, data in zip(group.members, group_inputs, strict=True)
                    if free(m, data, step, start, end)
                ]
                ok = ok and len(available) >= group.required
                names += [sub for sub in available if sub not in names]
            if ok:
                found[start] = tuple(names)
        candidates.append(found)

    steps = [request.steps[i] for i in order]
    best: dict[int, tuple[int, ...]] = {}
    for combination in itertools.product(*(sorted(c) for c in candidates)):
        fits = True
        for k in range(len(steps) - 1):
            gap = combination[k + 1] - combination[k] - steps[k].required_duration
            after, before = steps[k].buffer.after, steps[k + 1].buffer.before
            maximums = [m for m in (after.maximum, before.maximum) if m is not None]
            if gap < max(after.minimum, before.minimum, 0) or (maximums and gap > min(maximums)):
                fits = False
                break
        if fits and (combination[0] not in best or combination < best[combination[0]]):
            best[combination[0]] = combination
    return [
        [
            (step.sequence_id, start, start + step.required_duration, candidates[k][start])
            for k, (step, start) in enumerate(zip(steps, best[first], strict=True))
        ]
        for first in sorted(best)
    ][: request.max_results]


@settings(max_examples=150, deadline=None)
@given(sequence_problems())
def test_solve_sequence_matches_brute_force(
    problem: tuple[SequenceRequest, list[list[list[MemberInput]]]],
) -> None:
    request, inputs = problem
    result = solve_sequence(request, inputs)
    actual = [
        [(s.sequence_id, s.start, s.end, s.participants) for s in q] for q in result.sequences
    ]
    assert actual == brute_force_sequence(request, inputs)
