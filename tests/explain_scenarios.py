"""Random stores and requests for the ``explain`` property tests: k-of-n groups, buffers,
filters, constraints (days in zones whose midnight and DST change fall inside the few hours
looked at), managed availability from real weekly rules across the DST change, query
periods or query slots, every response format."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import strategies as st

from cronoslot.explain import Context, ManagedSources
from cronoslot.models import (
    AvailabilityRequest,
    AvailabilityRule,
    Buffer,
    BusyInterval,
    Constraint,
    ExcludedEvents,
    GapBound,
    Group,
    ManagedPeriod,
    Member,
    MemberInput,
    Period,
    ResponseFormat,
    SequenceRequest,
    SequenceStep,
    StepBuffer,
    Transparency,
    WeeklyPeriod,
)
from cronoslot.solve.managed import managed_intervals
from cronoslot.timeutil import DAY, MINUTE, parse_time

CELL = 5 * MINUTE
# Saturday 29 March 2025, 21:00 UTC: Berlin's midnight comes at 23:00 UTC, and Berlin and
# London move their clocks forward at 01:00 UTC.
T0 = parse_time("2025-03-29T21:00:00Z")
CELLS = 72
SUBS = ("a", "b", "c", "d")
TAGS = ("x", "y")
ZONES = ("UTC", "Europe/Berlin", "Europe/London", "America/New_York")
# The engine computes managed time over its loading window; a day either side will do.
MANAGED_WINDOW = (T0 - DAY, T0 + 2 * DAY)


def cell_time(index: int) -> int:
    return T0 + index * CELL


def _busy(
    start: int,
    length: int,
    transparency: Transparency,
    calendar_id: str,
    event_uid: str | None,
    event_id: str | None,
    tags: frozenset[str],
    summary: str | None,
    private: bool,
) -> BusyInterval:
    return BusyInterval(
        cell_time(start),
        cell_time(start + length),
        transparency,
        calendar_id,
        event_uid,
        event_id,
        tags,
        summary,
        private,
    )


# Built once: strategies made afresh inside every draw cost more than the tests.
busy_st = st.builds(
    _busy,
    start=st.integers(min_value=-24, max_value=CELLS + 12),
    length=st.integers(min_value=1, max_value=24),
    transparency=st.sampled_from(list(Transparency)),
    calendar_id=st.sampled_from(["work", "home"]),
    event_uid=st.sampled_from([None, "u1", "u2", "u3"]),
    event_id=st.sampled_from([None, "e1", "e2"]),
    tags=st.frozensets(st.sampled_from(TAGS)),
    summary=st.sampled_from([None, "Roadmap", "1:1"]),
    private=st.booleans(),
)
busy_lists_st = st.lists(busy_st, max_size=6).map(tuple)
extended_st = st.frozensets(
    st.sampled_from(
        [Transparency.TENTATIVE, Transparency.OUT_OF_OFFICE, Transparency.WORKING_ELSEWHERE]
    )
)


@st.composite
def periods_st(draw: st.DrawFn, max_size: int = 3) -> tuple[Period, ...]:
    count = draw(st.integers(min_value=1, max_value=max_size))
    periods = []
    for _ in range(count):
        start = draw(st.integers(min_value=0, max_value=CELLS - 1))
        length = draw(st.integers(min_value=1, max_value=CELLS - start))
        periods.append(Period(cell_time(start), cell_time(start + length)))
    return tuple(periods)


buffer_st = st.builds(
    Buffer,
    before=st.integers(min_value=0, max_value=4).map(lambda n: n * CELL),
    after=st.integers(min_value=0, max_value=4).map(lambda n: n * CELL),
)

constraint_st = st.one_of(
    st.builds(
        Constraint,
        period=st.just("day"),
        limit=st.integers(min_value=1, max_value=2),
        tzid=st.sampled_from(ZONES),
        tags=st.frozensets(st.sampled_from(TAGS), max_size=2),
    ),
    st.builds(
        Constraint,
        period=st.just("week"),
        limit=st.integers(min_value=2, max_value=4),
        tags=st.frozensets(st.sampled_from(TAGS), max_size=1),
    ),
)

constraint_lists_st = st.lists(constraint_st, max_size=2).map(tuple)


@st.composite
def rule_st(draw: st.DrawFn, rule_id: str) -> AvailabilityRule:
    """Weekly periods on Saturday and Sunday nights, some of them over 02:00-03:00 on the
    Sunday, a wall time Berlin and London skip."""
    weekly = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        day = draw(st.sampled_from([5, 6]))
        start = draw(st.integers(min_value=0, max_value=47)) * 30
        end = min(start + draw(st.integers(min_value=1, max_value=8)) * 30, 1440)
        weekly.append(WeeklyPeriod(day, start, end))
    zone = draw(st.sampled_from(ZONES))
    return AvailabilityRule(rule_id, zone, tuple(weekly))


@st.composite
def managed_st(draw: st.DrawFn) -> ManagedSources:
    rules = tuple(draw(rule_st(rule_id)) for rule_id in ("r1", "r2")[: draw(st.integers(0, 2))])
    pieces = draw(st.lists(periods_st(1).map(lambda found: found[0]), max_size=2))
    periods = tuple(
        ManagedPeriod(f"p{index}", piece.start, piece.end) for index, piece in enumerate(pieces)
    )
    return ManagedSources(rules, periods)


@st.composite
def member_st(draw: st.DrawFn, sub: str) -> tuple[Member, MemberInput, ManagedSources | None]:
    managed_availability = draw(st.booleans())
    member = Member(
        sub=sub,
        available_periods=draw(st.none() | periods_st()),
        buffer=draw(st.none() | buffer_st),
        managed_availability=managed_availability,
        only_managed_events=draw(st.booleans()),
        ignore_tentative=draw(st.booleans()),
        ignored_extended_transparencies=draw(extended_st),
        availability_constraints=draw(constraint_lists_st),
    )
    sources = None
    managed = None
    if managed_availability:
        sources = draw(managed_st())
        managed = tuple(managed_intervals(sources.rules, sources.periods, MANAGED_WINDOW))
    data = MemberInput(busy=draw(busy_lists_st), managed=managed)
    return member, data, sources


@st.composite
def groups_st(
    draw: st.DrawFn, max_groups: int = 3
) -> tuple[tuple[Group, ...], list[list[MemberInput]], dict[Member, ManagedSources]]:
    groups = []
    inputs = []
    managed: dict[Member, ManagedSources] = {}
    for _ in range(draw(st.integers(min_value=1, max_value=max_groups))):
        subs = draw(st.lists(st.sampled_from(SUBS), min_size=1, max_size=3, unique=True))
        triples = [draw(member_st(sub)) for sub in subs]
        for member, _, sources in triples:
            if sources is not None:
                managed[member] = sources
        required = draw(st.integers(min_value=1, max_value=len(subs)))
        groups.append(Group(members=tuple(m for m, _, _ in triples), required=required))
        inputs.append([data for _, data, _ in triples])
    return tuple(groups), inputs, managed


Scenario = tuple[AvailabilityRequest, list[list[MemberInput]], Context]


@st.composite
def scenario_st(draw: st.DrawFn) -> Scenario:
    """A request, its inputs ``[group][member]`` and a context (now, names, managed)."""
    groups, inputs, managed = draw(groups_st())
    length = draw(st.integers(min_value=1, max_value=12))
    query_periods = None
    query_slots = None
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        starts = draw(
            st.lists(st.integers(min_value=0, max_value=CELLS - length), min_size=1, max_size=6)
        )
        query_slots = tuple(cell_time(s) for s in starts)
    else:
        query_periods = draw(periods_st())
    interval = draw(st.sampled_from([None, 5, 10, 15, 20, 30, 60]))
    formats: list[ResponseFormat] = ["periods", "slots", "overlapping_slots"]
    request = AvailabilityRequest(
        participants=groups,
        required_duration=length * CELL,
        start_interval=None if interval is None else interval * MINUTE,
        query_periods=query_periods,
        query_slots=query_slots,
        buffer=draw(buffer_st),
        response_format=draw(st.sampled_from(formats)),
        max_results=draw(st.integers(min_value=1, max_value=30)),
        excluded_events=ExcludedEvents(
            event_ids=frozenset(draw(st.sets(st.sampled_from(["e1", "e2"])))),
            event_uids=frozenset(draw(st.sets(st.sampled_from(["u1", "u2"])))),
        ),
    )
    return request, inputs, context_st_value(draw, managed)


def context_st_value(draw: st.DrawFn, managed: dict[Member, ManagedSources]) -> Context:
    now = cell_time(draw(st.integers(min_value=-12, max_value=24)))
    names = {"a": "Lena Fischer", "b": "Priya Sharma"}
    return Context(now=now, names=names, managed=managed)


SequenceScenario = tuple[SequenceRequest, list[list[list[MemberInput]]], Context]


@st.composite
def sequence_scenario_st(draw: st.DrawFn) -> SequenceScenario:
    steps = []
    inputs = []
    managed: dict[Member, ManagedSources] = {}
    for index in range(draw(st.integers(min_value=1, max_value=3))):
        groups, step_inputs, step_managed = draw(groups_st(max_groups=2))
        managed.update(step_managed)
        minimum_before = draw(st.integers(min_value=0, max_value=3)) * CELL
        maximum_before = draw(
            st.none() | st.integers(min_value=0, max_value=12).map(lambda n: n * CELL)
        )
        if maximum_before is not None:
            maximum_before = max(maximum_before, minimum_before)
        steps.append(
            SequenceStep(
                sequence_id=f"step{index + 1}",
                participants=groups,
                required_duration=draw(st.integers(min_value=1, max_value=6)) * CELL,
                ordinal=draw(st.none() | st.integers(min_value=1, max_value=3)),
                start_interval=draw(st.sampled_from([5, 10, 15, 30])) * MINUTE,
                buffer=StepBuffer(
                    before=GapBound(minimum_before, maximum_before),
                    after=GapBound(draw(st.integers(min_value=0, max_value=2)) * CELL),
                ),
            )
        )
        inputs.append(step_inputs)
    request = SequenceRequest(
        query_periods=draw(periods_st()),
        steps=tuple(steps),
        max_results=draw(st.integers(min_value=1, max_value=10)),
        excluded_events=ExcludedEvents(event_uids=frozenset(draw(st.sets(st.just("u1"))))),
    )
    return request, inputs, context_st_value(draw, managed)


def without_sub(
    groups: tuple[Group, ...], inputs: list[list[MemberInput]], sub: str
) -> tuple[tuple[Group, ...], list[list[MemberInput]]]:
    """``sub`` removed from every group it is in, the group's ``required`` lowered by one
    (a group left needing no one is dropped)."""
    kept_groups = []
    kept_inputs = []
    for group, group_inputs in zip(groups, inputs, strict=True):
        pairs = [(m, d) for m, d in zip(group.members, group_inputs, strict=True) if m.sub != sub]
        required = group.required - (len(pairs) < len(group.members))
        if required == 0:
            continue
        kept_groups.append(Group(tuple(m for m, _ in pairs), required))
        kept_inputs.append([d for _, d in pairs])
    return tuple(kept_groups), kept_inputs


def with_participants(
    request: AvailabilityRequest, groups: tuple[Group, ...]
) -> AvailabilityRequest:
    return replace(request, participants=groups)
