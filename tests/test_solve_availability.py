"""The availability solver (SPEC 4) against a brute-force model, plus unit cases.

The model works on 5-minute cells over a few hours: every random time is a multiple of 5
minutes, so a member is available for a cell or not, and an interval satisfies the query
exactly when each of its cells does (for every group, by the same members).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cronoslot.models import (
    AvailabilityRequest,
    AvailabilityResult,
    Buffer,
    BusyInterval,
    Constraint,
    ExcludedEvents,
    Group,
    Member,
    MemberInput,
    MemberStatus,
    Period,
    ResponseFormat,
    SyncStatus,
    Transparency,
)
from cronoslot.solve.availability import (
    evaluate,
    filter_busy,
    member_available_set,
    solve_availability,
)
from cronoslot.timeutil import MINUTE, format_time, parse_time

CELL = 5 * MINUTE
# A Monday evening: the few hours the model looks at cross midnight in UTC and in Berlin.
T0 = parse_time("2025-03-03T21:00:00Z")
CELLS = 72
SUBS = ("a", "b", "c", "d")
TAGS = ("x", "y")


def at(text: str) -> int:
    return parse_time(text)


def cell_time(index: int) -> int:
    return T0 + index * CELL


# --- the brute-force model ---------------------------------------------------------------


def model_filter(member: Member, data: MemberInput, excluded: ExcludedEvents) -> list[BusyInterval]:
    kept = []
    for busy in data.busy:
        if busy.transparency == "tentative" and member.ignore_tentative:
            continue
        if busy.transparency in {str(t) for t in member.ignored_extended_transparencies}:
            continue
        if busy.event_uid is not None and busy.event_uid in excluded.event_uids:
            continue
        if busy.event_id is not None and busy.event_id in excluded.event_ids:
            continue
        if member.only_managed_events and busy.event_id is None:
            continue
        kept.append(busy)
    return kept


def period_key(constraint: Constraint, instant: int) -> object:
    moment = datetime.fromtimestamp(instant, UTC)
    if constraint.period == "week":
        return moment.isocalendar()[:2]
    return moment.astimezone(ZoneInfo(constraint.tzid or "UTC")).date()


def model_cells(
    member: Member, data: MemberInput, top_buffer: Buffer, excluded: ExcludedEvents
) -> list[bool]:
    """Whether the member is available during each cell, straight from SPEC 4's words."""
    busy = model_filter(member, data, excluded)
    buffer = member.buffer if member.buffer is not None else top_buffer
    cells = []
    for index in range(CELLS):
        start, end = cell_time(index), cell_time(index + 1)
        free = True
        if member.available_periods is not None:
            free &= any(p.start <= start < p.end for p in member.available_periods)
        if member.managed_availability:
            free &= any(s <= start < e for s, e in data.managed or ())
        for interval in busy:
            if interval.start - buffer.after < end and start < interval.end + buffer.before:
                free = False
        for constraint in member.availability_constraints:
            counted = [b for b in busy if constraint.tags <= b.tags]
            key = period_key(constraint, start)
            if sum(period_key(constraint, b.start) == key for b in counted) >= constraint.limit:
                free = False
        cells.append(free)
    return cells


class Model:
    def __init__(self, request: AvailabilityRequest, inputs: Sequence[Sequence[MemberInput]]):
        self.request = request
        self.cells = [
            [
                model_cells(member, data, request.buffer, request.excluded_events)
                for member, data in zip(group.members, group_inputs, strict=True)
            ]
            for group, group_inputs in zip(request.participants, inputs, strict=True)
        ]
        self.length = request.required_duration // CELL
        if request.query_slots is not None:
            spans = [
                ((s - T0) // CELL, (s - T0) // CELL + self.length) for s in request.query_slots
            ]
        else:
            spans = [
                ((p.start - T0) // CELL, (p.end - T0) // CELL) for p in request.query_periods or ()
            ]
        self.in_query = [any(a <= i < b for a, b in spans) for i in range(CELLS)]

    def participants(self, first: int, last: int) -> tuple[str, ...] | None:
        """Cells [first, last): the participants when the interval satisfies, else None."""
        if first < 0 or last > CELLS or not all(self.in_query[first:last]):
            return None
        available: set[str] = set()
        for group, group_cells in zip(self.request.participants, self.cells, strict=True):
            count = 0
            for member, cells in zip(group.members, group_cells, strict=True):
                if all(cells[first:last]):
                    count += 1
                    available.add(member.sub)
            if count < group.required:
                return None
        order = dict.fromkeys(m.sub for g in self.request.participants for m in g.members)
        return tuple(sub for sub in order if sub in available)

    def grid(self, step: int) -> list[int]:
        return [i for i in range(CELLS) if cell_time(i) % step == 0]

    def answer(self) -> list[tuple[int, int, tuple[str, ...]]]:
        request = self.request
        n = self.length
        found: list[tuple[int, int]] = []
        if request.query_slots is not None:
            starts = sorted({(s - T0) // CELL for s in request.query_slots})
            found = [(i, i + n) for i in starts if self.participants(i, i + n) is not None]
        elif request.response_format == "overlapping_slots":
            step = request.start_interval or 15 * MINUTE
            found = [(i, i + n) for i in self.grid(step) if self.participants(i, i + n) is not None]
        elif request.response_format == "slots":
            step = request.start_interval or 15 * MINUTE
            last_end = -1
            for i in self.grid(step):
                if i >= last_end and self.participants(i, i + n) is not None:
                    found.append((i, i + n))
                    last_end = i + n
        else:
            maximal = [
                (i, j)
                for i in range(CELLS)
                for j in range(i + 1, CELLS + 1)
                if self.participants(i, j) is not None
                and self.participants(i - 1, j) is None
                and self.participants(i, j + 1) is None
            ]
            found = [(i, j) for i, j in maximal if j - i >= n]
            if request.start_interval is not None:
                step_cells = request.start_interval // CELL
                moved = []
                for i, j in found:
                    k = i
                    while cell_time(k) % request.start_interval:
                        k += 1
                    assert k - i < step_cells
                    if j - k >= n:
                        moved.append((k, j))
                found = [
                    p
                    for p in moved
                    if not any(q != p and q[0] <= p[0] and p[1] <= q[1] for q in moved)
                ]
        found.sort()
        answer = []
        for i, j in found[: request.max_results]:
            participants = self.participants(i, j)
            assert participants is not None
            answer.append((cell_time(i), cell_time(j), participants))
        return answer


# --- strategies ---------------------------------------------------------------------------

cells_st = st.integers(min_value=0, max_value=CELLS - 1)


@st.composite
def busy_st(draw: st.DrawFn, max_length: int = 24) -> BusyInterval:
    start = draw(st.integers(min_value=-24, max_value=CELLS + 12))
    length = draw(st.integers(min_value=1, max_value=max_length))
    return BusyInterval(
        start=cell_time(start),
        end=cell_time(start + length),
        transparency=draw(st.sampled_from(list(Transparency))),
        calendar_id="cal",
        event_uid=draw(st.sampled_from([None, "u1", "u2"])),
        event_id=draw(st.sampled_from([None, "e1", "e2"])),
        tags=frozenset(draw(st.sets(st.sampled_from(TAGS)))),
    )


@st.composite
def periods_st(draw: st.DrawFn, max_size: int = 3) -> tuple[Period, ...]:
    count = draw(st.integers(min_value=1, max_value=max_size))
    periods = []
    for _ in range(count):
        start = draw(cells_st)
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
        tzid=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York"]),
        tags=st.frozensets(st.sampled_from(TAGS), max_size=2),
    ),
    st.builds(
        Constraint,
        period=st.just("week"),
        limit=st.integers(min_value=2, max_value=4),
        tags=st.frozensets(st.sampled_from(TAGS), max_size=1),
    ),
)


@st.composite
def member_st(draw: st.DrawFn, sub: str, focus: str = "general") -> tuple[Member, MemberInput]:
    if focus != "general":
        # Busy time only (plus constraints for that focus): short events, many of them.
        constraints = draw(st.lists(constraint_st, min_size=1, max_size=2))
        max_length = 6 if focus == "k_of_n" else 24
        busy_list = draw(st.lists(busy_st(max_length=max_length), min_size=1, max_size=6))
        return Member(
            sub=sub,
            availability_constraints=tuple(constraints) if focus == "constraints" else (),
        ), MemberInput(tuple(busy_list))
    managed_availability = draw(st.booleans())
    member = Member(
        sub=sub,
        available_periods=draw(st.none() | periods_st()),
        buffer=draw(st.none() | buffer_st),
        managed_availability=managed_availability,
        only_managed_events=draw(st.booleans()),
        ignore_tentative=draw(st.booleans()),
        ignored_extended_transparencies=draw(
            st.frozensets(
                st.sampled_from(
                    [
                        Transparency.TENTATIVE,
                        Transparency.OUT_OF_OFFICE,
                        Transparency.WORKING_ELSEWHERE,
                    ]
                )
            )
        ),
        availability_constraints=tuple(draw(st.lists(constraint_st, max_size=1))),
    )
    managed = None
    if managed_availability:
        managed = tuple(
            sorted(
                {(p.start, p.end) for p in draw(periods_st())},
            )
        )
        # MemberInput.managed is normalised by the engine: merge here the same way.
        merged: list[tuple[int, int]] = []
        for s, e in managed:
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        managed = tuple(merged)
    data = MemberInput(
        busy=tuple(draw(st.lists(busy_st(), max_size=5))),
        managed=managed,
        sync_status=draw(st.sampled_from(list(SyncStatus))),
    )
    return member, data


@st.composite
def scenario_st(
    draw: st.DrawFn, focus: str = "general"
) -> tuple[AvailabilityRequest, list[list[MemberInput]]]:
    """A random request and its inputs. ``focus`` "k_of_n" asks for one k-of-n group of busy-
    only members, "constraints" for members with availability constraints."""
    groups = []
    inputs = []
    group_count = 1 if focus != "general" else draw(st.integers(min_value=1, max_value=3))
    for _ in range(group_count):
        subs = draw(st.lists(st.sampled_from(SUBS), min_size=1, max_size=3, unique=True))
        pairs = [draw(member_st(sub, focus)) for sub in subs]
        required = draw(st.integers(min_value=1, max_value=len(subs)))
        if focus == "k_of_n":
            required = 1
        groups.append(Group(members=tuple(m for m, _ in pairs), required=required))
        inputs.append([d for _, d in pairs])
    length = draw(st.integers(min_value=1, max_value=12 if focus == "general" else 4))
    use_slots = draw(st.integers(min_value=0, max_value=4)) == 0
    query_periods = None
    query_slots = None
    if use_slots:
        starts = draw(
            st.lists(st.integers(min_value=0, max_value=CELLS - length), min_size=1, max_size=6)
        )
        # Duplicates are the parser's to remove, but the solver must not trip on them.
        query_slots = tuple(cell_time(s) for s in starts)
    elif focus == "general":
        query_periods = draw(periods_st())
    else:
        query_periods = (Period(cell_time(0), cell_time(CELLS)),)
    interval = draw(st.sampled_from([None, 5, 10, 15, 20, 30, 60]))
    formats: list[ResponseFormat] = ["periods", "slots", "overlapping_slots"]
    response_format = draw(st.sampled_from(formats))
    if focus == "k_of_n":
        response_format = "periods"
        interval = draw(st.sampled_from([10, 15, 20, 30, 60]))
    request = AvailabilityRequest(
        participants=tuple(groups),
        required_duration=length * CELL,
        start_interval=None if interval is None else interval * MINUTE,
        query_periods=query_periods,
        query_slots=query_slots,
        buffer=draw(buffer_st),
        response_format=response_format,
        max_results=draw(st.integers(min_value=1, max_value=30)),
        include_member_statuses=draw(st.booleans()),
        excluded_events=ExcludedEvents(
            event_ids=frozenset(draw(st.sets(st.sampled_from(["e1", "e2"])))),
            event_uids=frozenset(draw(st.sets(st.sampled_from(["u1", "u2"])))),
        ),
    )
    return request, inputs


def as_tuples(result: AvailabilityResult) -> list[tuple[int, int, tuple[str, ...]]]:
    return [(slot.start, slot.end, slot.participants) for slot in result.slots]


# --- the model comparison and properties ---------------------------------------------------


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_st())
def test_matches_brute_force_model(
    scenario: tuple[AvailabilityRequest, list[list[MemberInput]]],
) -> None:
    request, inputs = scenario
    result = solve_availability(request, inputs)
    assert as_tuples(result) == Model(request, inputs).answer()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_st("k_of_n"))
def test_k_of_n_periods_match_brute_force_model(
    scenario: tuple[AvailabilityRequest, list[list[MemberInput]]],
) -> None:
    request, inputs = scenario
    assert as_tuples(solve_availability(request, inputs)) == Model(request, inputs).answer()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_st("constraints"))
def test_constraints_match_brute_force_model(
    scenario: tuple[AvailabilityRequest, list[list[MemberInput]]],
) -> None:
    request, inputs = scenario
    assert as_tuples(solve_availability(request, inputs)) == Model(request, inputs).answer()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_st())
def test_result_properties(scenario: tuple[AvailabilityRequest, list[list[MemberInput]]]) -> None:
    request, inputs = scenario
    result = solve_availability(request, inputs)
    spans = [(slot.start, slot.end) for slot in result.slots]
    assert spans == sorted(spans)
    assert len(spans) <= request.max_results
    if request.query_slots is not None:
        query = [(s, s + request.required_duration) for s in request.query_slots]
    else:
        query = [(p.start, p.end) for p in request.query_periods or ()]
    members = [
        (member, data)
        for group, group_inputs in zip(request.participants, inputs, strict=True)
        for member, data in zip(group.members, group_inputs, strict=True)
    ]
    for slot in result.slots:
        assert slot.end - slot.start >= request.required_duration
        # Inside one query period, or inside touching/overlapping ones: every minute is covered.
        assert all(any(a <= t < b for a, b in query) for t in range(slot.start, slot.end, MINUTE))
        assert slot.participants and len(set(slot.participants)) == len(slot.participants)
        for sub in slot.participants:
            # At least one appearance of the sub is free of busy time, buffers included.
            assert any(
                all(
                    not (
                        b.start < slot.end + _buffer(m, request).after
                        and slot.start - _buffer(m, request).before < b.end
                    )
                    for b in filter_busy(m, d, request.excluded_events)
                )
                for m, d in members
                if m.sub == sub
            )
    if request.query_slots is None and request.response_format == "slots":
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    if request.query_slots is None and request.response_format == "periods":
        # No reported period lies inside another.
        for a in spans:
            assert not any(b != a and b[0] <= a[0] and a[1] <= b[1] for b in spans)
    if request.include_member_statuses:
        assert result.member_statuses is not None
        assert [s.sub for s in result.member_statuses] == list(
            dict.fromkeys(m.sub for m, _ in members)
        )
    else:
        assert result.member_statuses is None


def _buffer(member: Member, request: AvailabilityRequest) -> Buffer:
    return member.buffer if member.buffer is not None else request.buffer


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 6 * 3600), st.integers(1, 3 * 3600)), min_size=0, max_size=8),
    st.integers(1, 7200),
    st.integers(0, 1800),
    st.integers(0, 1800),
)
def test_periods_with_seconds_are_maximal_and_free(
    busy: list[tuple[int, int]], duration: int, before: int, after: int
) -> None:
    """Arbitrary seconds everywhere: every period is busy-free with its buffers, at least the
    duration long, and cannot be stretched by a second either way."""
    base = at("2025-03-04T08:00:00Z")
    query = Period(base + 17, base + 6 * 3600 + 41)
    data = MemberInput(
        busy=tuple(
            BusyInterval(base + s, base + s + n, Transparency.OPAQUE, "cal") for s, n in busy
        )
    )
    member = Member("a")
    request = AvailabilityRequest(
        participants=(Group((member,), 1),),
        required_duration=duration,
        query_periods=(query,),
        buffer=Buffer(before, after),
    )
    result = solve_availability(request, [[data]])

    def free(start: int, end: int) -> bool:
        return (
            query.start <= start
            and end <= query.end
            and all(not (b.start - after < end and start < b.end + before) for b in data.busy)
        )

    for slot in result.slots:
        assert slot.end - slot.start >= duration
        assert free(slot.start, slot.end)
        assert not free(slot.start - 1, slot.end)
        assert not free(slot.start, slot.end + 1)


# --- filters and buffers ----------------------------------------------------------------


def busy(
    start: str,
    end: str,
    transparency: Transparency = Transparency.OPAQUE,
    *,
    uid: str | None = None,
    event_id: str | None = None,
    tags: Sequence[str] = (),
) -> BusyInterval:
    return BusyInterval(at(start), at(end), transparency, "cal", uid, event_id, frozenset(tags))


WINDOW = (at("2025-03-04T09:00:00Z"), at("2025-03-04T12:00:00Z"))
ALL_KINDS = (
    busy("2025-03-04T09:00:00Z", "2025-03-04T09:30:00Z", Transparency.OPAQUE, uid="o"),
    busy("2025-03-04T09:30:00Z", "2025-03-04T10:00:00Z", Transparency.TENTATIVE, uid="t"),
    busy("2025-03-04T10:00:00Z", "2025-03-04T10:30:00Z", Transparency.OUT_OF_OFFICE, uid="f"),
    busy("2025-03-04T10:30:00Z", "2025-03-04T11:00:00Z", Transparency.WORKING_ELSEWHERE, uid="w"),
    busy("2025-03-04T11:00:00Z", "2025-03-04T11:30:00Z", uid="m", event_id="ev-1"),
)


NO_EXCLUSIONS = ExcludedEvents()


def kept_uids(member: Member, excluded: ExcludedEvents = NO_EXCLUSIONS) -> list[str | None]:
    return [b.event_uid for b in filter_busy(member, MemberInput(ALL_KINDS), excluded)]


def test_no_filter_keeps_everything() -> None:
    assert kept_uids(Member("a")) == ["o", "t", "f", "w", "m"]


def test_ignore_tentative() -> None:
    assert kept_uids(Member("a", ignore_tentative=True)) == ["o", "f", "w", "m"]


@pytest.mark.parametrize(
    ("transparency", "dropped"),
    [
        (Transparency.TENTATIVE, "t"),
        (Transparency.OUT_OF_OFFICE, "f"),
        (Transparency.WORKING_ELSEWHERE, "w"),
    ],
)
def test_each_extended_transparency(transparency: Transparency, dropped: str) -> None:
    member = Member("a", ignored_extended_transparencies=frozenset({transparency}))
    expected = [uid for uid in ["o", "t", "f", "w", "m"] if uid != dropped]
    assert kept_uids(member) == expected


def test_excluded_by_uid_and_by_id() -> None:
    assert kept_uids(Member("a"), ExcludedEvents(event_uids=frozenset({"t", "w"}))) == [
        "o",
        "f",
        "m",
    ]
    assert kept_uids(Member("a"), ExcludedEvents(event_ids=frozenset({"ev-1"}))) == [
        "o",
        "t",
        "f",
        "w",
    ]
    # An event id never matches a UID, nor the other way round.
    assert kept_uids(Member("a"), ExcludedEvents(event_ids=frozenset({"o"}))) == [
        "o",
        "t",
        "f",
        "w",
        "m",
    ]


def test_only_managed_events() -> None:
    assert kept_uids(Member("a", only_managed_events=True)) == ["m"]


def test_filters_shape_the_available_set() -> None:
    member = Member(
        "a",
        ignore_tentative=True,
        ignored_extended_transparencies=frozenset({Transparency.OUT_OF_OFFICE}),
    )
    available = member_available_set(
        member, MemberInput(ALL_KINDS), Buffer(), ExcludedEvents(), WINDOW
    )
    assert available == [
        (at("2025-03-04T09:30:00Z"), at("2025-03-04T10:30:00Z")),
        (at("2025-03-04T11:30:00Z"), at("2025-03-04T12:00:00Z")),
    ]


ONE_MEETING = MemberInput((busy("2025-03-04T10:00:00Z", "2025-03-04T11:00:00Z"),))


def test_top_level_buffer_widens_busy_time() -> None:
    available = member_available_set(
        Member("a"),
        ONE_MEETING,
        Buffer(before=15 * MINUTE, after=30 * MINUTE),
        ExcludedEvents(),
        WINDOW,
    )
    # before: free time needed before a slot, so it extends the busy end; after: its start.
    assert available == [
        (at("2025-03-04T09:00:00Z"), at("2025-03-04T09:30:00Z")),
        (at("2025-03-04T11:15:00Z"), at("2025-03-04T12:00:00Z")),
    ]


def test_member_buffer_replaces_top_level_buffer() -> None:
    member = Member("a", buffer=Buffer(before=5 * MINUTE))
    available = member_available_set(
        member, ONE_MEETING, Buffer(before=15 * MINUTE, after=30 * MINUTE), ExcludedEvents(), WINDOW
    )
    # The member's buffer wins whole: its missing "after" is 0, not the top-level 30 minutes.
    assert available == [
        (at("2025-03-04T09:00:00Z"), at("2025-03-04T10:00:00Z")),
        (at("2025-03-04T11:05:00Z"), at("2025-03-04T12:00:00Z")),
    ]


def test_member_without_buffer_of_its_own_uses_top_level() -> None:
    # The parser turns a member's empty ``buffer: {}`` into None: "none of its own".
    member = Member("a", buffer=None)
    available = member_available_set(
        member, ONE_MEETING, Buffer(after=60 * MINUTE), ExcludedEvents(), WINDOW
    )
    assert available == [(at("2025-03-04T11:00:00Z"), at("2025-03-04T12:00:00Z"))]


def test_explicit_zero_member_buffer_overrides_top_level() -> None:
    member = Member("a", buffer=Buffer())
    available = member_available_set(
        member, ONE_MEETING, Buffer(after=60 * MINUTE), ExcludedEvents(), WINDOW
    )
    assert available == [
        (at("2025-03-04T09:00:00Z"), at("2025-03-04T10:00:00Z")),
        (at("2025-03-04T11:00:00Z"), at("2025-03-04T12:00:00Z")),
    ]


def test_buffers_never_shrink_query_periods() -> None:
    request = AvailabilityRequest(
        participants=(Group((Member("a"),), 1),),
        required_duration=30 * MINUTE,
        query_periods=(Period(*WINDOW),),
        buffer=Buffer(before=30 * MINUTE, after=30 * MINUTE),
    )
    result = solve_availability(request, [[MemberInput(())]])
    assert as_tuples(result) == [(WINDOW[0], WINDOW[1], ("a",))]


def test_available_periods_narrow_the_set() -> None:
    member = Member(
        "a",
        available_periods=(
            Period(at("2025-03-04T08:00:00Z"), at("2025-03-04T09:45:00Z")),
            Period(at("2025-03-04T09:45:00Z"), at("2025-03-04T10:30:00Z")),
            Period(at("2025-03-04T11:30:00Z"), at("2025-03-04T13:00:00Z")),
        ),
    )
    available = member_available_set(member, ONE_MEETING, Buffer(), ExcludedEvents(), WINDOW)
    # Touching available periods are one stretch; busy time and the window still cut it.
    assert available == [
        (at("2025-03-04T09:00:00Z"), at("2025-03-04T10:00:00Z")),
        (at("2025-03-04T11:30:00Z"), at("2025-03-04T12:00:00Z")),
    ]


def test_managed_availability_narrows_the_set() -> None:
    member = Member("a", managed_availability=True)
    data = MemberInput(
        ONE_MEETING.busy, managed=((at("2025-03-04T10:30:00Z"), at("2025-03-04T14:00:00Z")),)
    )
    available = member_available_set(member, data, Buffer(), ExcludedEvents(), WINDOW)
    assert available == [(at("2025-03-04T11:00:00Z"), at("2025-03-04T12:00:00Z"))]


@pytest.mark.parametrize("managed", [None, ()])
def test_managed_member_with_nothing_managed_has_no_availability(
    managed: tuple[tuple[int, int], ...] | None,
) -> None:
    member = Member("a", managed_availability=True)
    data = MemberInput((), managed=managed)
    assert member_available_set(member, data, Buffer(), ExcludedEvents(), WINDOW) == []


def test_managed_data_is_ignored_without_managed_availability() -> None:
    data = MemberInput((), managed=())
    assert member_available_set(Member("a"), data, Buffer(), ExcludedEvents(), WINDOW) == [WINDOW]


# --- availability constraints -----------------------------------------------------------


def constrained(*constraints: Constraint) -> Member:
    return Member("a", availability_constraints=constraints)


BIG_WINDOW = (at("2025-03-01T00:00:00Z"), at("2025-03-20T00:00:00Z"))


def test_day_constraint_uses_the_local_day_of_the_event() -> None:
    # 23:30 UTC on Monday 3 March is 00:30 on Tuesday 4 March in Berlin.
    data = MemberInput((busy("2025-03-03T23:30:00Z", "2025-03-03T23:45:00Z"),))
    member = constrained(Constraint("day", 1, "Europe/Berlin"))
    available = member_available_set(member, data, Buffer(), ExcludedEvents(), BIG_WINDOW)
    assert available == [
        (BIG_WINDOW[0], at("2025-03-03T23:00:00Z")),
        (at("2025-03-04T23:00:00Z"), BIG_WINDOW[1]),
    ]


def test_day_constraint_in_utc_blocks_the_utc_day() -> None:
    data = MemberInput((busy("2025-03-03T23:30:00Z", "2025-03-03T23:45:00Z"),))
    member = constrained(Constraint("day", 1, "UTC"))
    available = member_available_set(member, data, Buffer(), ExcludedEvents(), BIG_WINDOW)
    assert available == [
        (BIG_WINDOW[0], at("2025-03-03T00:00:00Z")),
        (at("2025-03-04T00:00:00Z"), BIG_WINDOW[1]),
    ]


def test_day_constraint_across_dst_blocks_a_23_hour_day() -> None:
    # Berlin springs forward on Sunday 30 March 2025: that local day lasts 23 hours.
    data = MemberInput((busy("2025-03-30T10:00:00Z", "2025-03-30T11:00:00Z"),))
    member = constrained(Constraint("day", 1, "Europe/Berlin"))
    window = (at("2025-03-29T00:00:00Z"), at("2025-04-01T00:00:00Z"))
    available = member_available_set(member, data, Buffer(), ExcludedEvents(), window)
    assert available == [
        (window[0], at("2025-03-29T23:00:00Z")),
        (at("2025-03-30T22:00:00Z"), window[1]),
    ]


def test_week_constraint_blocks_the_iso_week() -> None:
    data = MemberInput(
        (
            busy("2025-03-05T10:00:00Z", "2025-03-05T11:00:00Z"),
            busy("2025-03-07T10:00:00Z", "2025-03-07T11:00:00Z"),
        )
    )
    member = constrained(Constraint("week", 2))
    available = member_available_set(member, data, Buffer(), ExcludedEvents(), BIG_WINDOW)
    assert available == [
        (BIG_WINDOW[0], at("2025-03-03T00:00:00Z")),
        (at("2025-03-10T00:00:00Z"), BIG_WINDOW[1]),
    ]


def test_limit_not_reached_blocks_only_the_events() -> None:
    data = MemberInput((busy("2025-03-05T10:00:00Z", "2025-03-05T11:00:00Z"),))
    member = constrained(Constraint("week", 2), Constraint("day", 2, "UTC"))
    available = member_available_set(member, data, Buffer(), ExcludedEvents(), BIG_WINDOW)
    assert available == [
        (BIG_WINDOW[0], at("2025-03-05T10:00:00Z")),
        (at("2025-03-05T11:00:00Z"), BIG_WINDOW[1]),
    ]


def test_constraint_counts_only_events_with_all_its_tags() -> None:
    data = MemberInput(
        (
            busy("2025-03-05T08:00:00Z", "2025-03-05T09:00:00Z", tags=["interview"]),
            busy("2025-03-05T10:00:00Z", "2025-03-05T11:00:00Z", tags=["other"]),
            busy("2025-03-06T10:00:00Z", "2025-03-06T11:00:00Z", tags=["other", "interview"]),
        )
    )
    member = constrained(Constraint("day", 2, "UTC", frozenset({"interview"})))
    window = (at("2025-03-05T00:00:00Z"), at("2025-03-07T00:00:00Z"))
    available = member_available_set(member, data, Buffer(), ExcludedEvents(), window)
    # Neither day has two interviews: only the events themselves are busy.
    assert len(available) == 4
    member = constrained(Constraint("day", 1, "UTC", frozenset({"interview", "other"})))
    available = member_available_set(member, data, Buffer(), ExcludedEvents(), window)
    # Only the event carrying both tags counts: 6 March is blocked whole.
    assert available == [
        (window[0], at("2025-03-05T08:00:00Z")),
        (at("2025-03-05T09:00:00Z"), at("2025-03-05T10:00:00Z")),
        (at("2025-03-05T11:00:00Z"), at("2025-03-06T00:00:00Z")),
    ]


def test_filtered_events_do_not_count() -> None:
    data = MemberInput(
        (busy("2025-03-05T10:00:00Z", "2025-03-05T11:00:00Z", Transparency.TENTATIVE),)
    )
    member = Member(
        "a", ignore_tentative=True, availability_constraints=(Constraint("day", 1, "UTC"),)
    )
    window = (at("2025-03-05T00:00:00Z"), at("2025-03-06T00:00:00Z"))
    assert member_available_set(member, data, Buffer(), ExcludedEvents(), window) == [window]


def test_event_outside_the_query_still_counts() -> None:
    data = MemberInput((busy("2025-03-05T06:00:00Z", "2025-03-05T07:00:00Z"),))
    member = constrained(Constraint("day", 1, "UTC"))
    request = AvailabilityRequest(
        participants=(Group((member,), 1),),
        required_duration=30 * MINUTE,
        query_periods=(Period(at("2025-03-05T12:00:00Z"), at("2025-03-06T02:00:00Z")),),
    )
    result = solve_availability(request, [[data]])
    # Blocked all of 5 March; free again from midnight.
    assert as_tuples(result) == [(at("2025-03-06T00:00:00Z"), at("2025-03-06T02:00:00Z"), ("a",))]


# --- grids, seconds, formats ------------------------------------------------------------


def single(
    *,
    periods: Sequence[tuple[str, str]] = (("2025-03-04T09:00:00Z", "2025-03-04T12:00:00Z"),),
    busy_times: Sequence[tuple[str, str]] = (),
    duration: int = 30 * MINUTE,
    **options: object,
) -> list[tuple[str, str]]:
    """Solve for one free member; answer as (start, end) Time strings."""
    data = MemberInput(tuple(busy(s, e) for s, e in busy_times))
    request = AvailabilityRequest(
        participants=(Group((Member("a"),), 1),),
        required_duration=duration,
        query_periods=tuple(Period(at(s), at(e)) for s, e in periods),
        **options,  # type: ignore[arg-type]
    )
    result = solve_availability(request, [[data]])
    return [(format_time(s.start), format_time(s.end)) for s in result.slots]


def test_slots_start_on_the_default_15_minute_grid() -> None:
    answer = single(
        periods=[("2025-03-04T09:07:00Z", "2025-03-04T10:30:00Z")], response_format="slots"
    )
    assert answer == [
        ("2025-03-04T09:15:00Z", "2025-03-04T09:45:00Z"),
        ("2025-03-04T09:45:00Z", "2025-03-04T10:15:00Z"),
    ]


def test_overlapping_slots_on_a_custom_grid() -> None:
    answer = single(
        periods=[("2025-03-04T09:07:00Z", "2025-03-04T10:00:00Z")],
        response_format="overlapping_slots",
        start_interval=20 * MINUTE,
    )
    assert answer == [
        ("2025-03-04T09:20:00Z", "2025-03-04T09:50:00Z"),
    ]
    answer = single(
        periods=[("2025-03-04T09:00:00Z", "2025-03-04T10:00:00Z")],
        response_format="overlapping_slots",
        start_interval=10 * MINUTE,
    )
    assert [s for s, _ in answer] == [
        "2025-03-04T09:00:00Z",
        "2025-03-04T09:10:00Z",
        "2025-03-04T09:20:00Z",
        "2025-03-04T09:30:00Z",
    ]


def test_slots_resume_on_the_grid_after_busy_time() -> None:
    answer = single(
        busy_times=[("2025-03-04T09:20:00Z", "2025-03-04T09:50:00Z")],
        response_format="slots",
        periods=[("2025-03-04T09:00:00Z", "2025-03-04T11:00:00Z")],
    )
    assert answer == [
        ("2025-03-04T10:00:00Z", "2025-03-04T10:30:00Z"),
        ("2025-03-04T10:30:00Z", "2025-03-04T11:00:00Z"),
    ]


def test_seconds_in_times_are_kept() -> None:
    answer = single(
        periods=[("2025-03-04T09:00:30Z", "2025-03-04T11:00:00Z")],
        busy_times=[("2025-03-04T09:40:00Z", "2025-03-04T10:05:10Z")],
    )
    assert answer == [
        ("2025-03-04T09:00:30Z", "2025-03-04T09:40:00Z"),
        ("2025-03-04T10:05:10Z", "2025-03-04T11:00:00Z"),
    ]
    answer = single(
        periods=[("2025-03-04T09:00:30Z", "2025-03-04T11:00:00Z")],
        busy_times=[("2025-03-04T09:40:00Z", "2025-03-04T10:05:10Z")],
        response_format="slots",
    )
    # 09:00:30 and 10:05:10 are off the grid: 09:15 meets the busy time, 10:15 is next.
    assert answer == [("2025-03-04T10:15:00Z", "2025-03-04T10:45:00Z")]


def test_seconds_in_duration() -> None:
    answer = single(
        periods=[("2025-03-04T09:00:00Z", "2025-03-04T09:30:00Z")],
        duration=29 * MINUTE + 59,
        response_format="overlapping_slots",
    )
    assert answer == [("2025-03-04T09:00:00Z", "2025-03-04T09:29:59Z")]


def test_query_periods_that_touch_merge() -> None:
    answer = single(
        periods=[
            ("2025-03-04T09:00:00Z", "2025-03-04T09:20:00Z"),
            ("2025-03-04T09:20:00Z", "2025-03-04T09:40:00Z"),
        ]
    )
    assert answer == [("2025-03-04T09:00:00Z", "2025-03-04T09:40:00Z")]


def test_query_slots_with_duplicates_and_no_grid() -> None:
    data = MemberInput((busy("2025-03-04T10:00:00Z", "2025-03-04T10:30:00Z"),))
    starts = ("2025-03-04T09:07:00Z", "2025-03-04T09:07:00Z", "2025-03-04T09:45:00Z")
    request = AvailabilityRequest(
        participants=(Group((Member("a"),), 1),),
        required_duration=15 * MINUTE,
        query_slots=(*(at(s) for s in starts), at("2025-03-04T10:30:00Z")),
        response_format="overlapping_slots",
        start_interval=60 * MINUTE,
    )
    result = solve_availability(request, [[data]])
    assert [format_time(s.start) for s in result.slots] == [
        "2025-03-04T09:07:00Z",
        "2025-03-04T09:45:00Z",
        "2025-03-04T10:30:00Z",
    ]
    assert result.format == "overlapping_slots"


def test_query_slots_answer_as_slots_when_format_is_default() -> None:
    request = AvailabilityRequest(
        participants=(Group((Member("a"),), 1),),
        required_duration=15 * MINUTE,
        query_slots=(at("2025-03-04T09:07:00Z"),),
    )
    result = solve_availability(request, [[MemberInput(())]])
    assert result.format == "slots"
    assert as_tuples(result) == [(at("2025-03-04T09:07:00Z"), at("2025-03-04T09:22:00Z"), ("a",))]


def test_max_results_cuts_the_sorted_answer() -> None:
    answer = single(
        periods=[("2025-03-04T09:00:00Z", "2025-03-04T12:00:00Z")],
        response_format="overlapping_slots",
        max_results=3,
    )
    assert [s for s, _ in answer] == [
        "2025-03-04T09:00:00Z",
        "2025-03-04T09:15:00Z",
        "2025-03-04T09:30:00Z",
    ]


def test_periods_with_start_interval_moved_and_dropped() -> None:
    answer = single(
        periods=[("2025-03-04T09:07:00Z", "2025-03-04T12:00:00Z")],
        busy_times=[
            ("2025-03-04T10:00:00Z", "2025-03-04T10:05:00Z"),
            ("2025-03-04T10:40:00Z", "2025-03-04T11:10:00Z"),
        ],
        start_interval=15 * MINUTE,
    )
    # 09:07-10:00 moves to 09:15; 10:05-10:40 moves to 10:15 and is then too short;
    # 11:10-12:00 moves to 11:15.
    assert answer == [
        ("2025-03-04T09:15:00Z", "2025-03-04T10:00:00Z"),
        ("2025-03-04T11:15:00Z", "2025-03-04T12:00:00Z"),
    ]


def two_members(
    busy_a: Sequence[tuple[str, str]], busy_b: Sequence[tuple[str, str]]
) -> list[MemberInput]:
    return [
        MemberInput(tuple(busy(s, e) for s, e in busy_a)),
        MemberInput(tuple(busy(s, e) for s, e in busy_b)),
    ]


def test_k_of_n_periods_overlap() -> None:
    inputs = two_members(
        [("2025-03-04T10:30:00Z", "2025-03-04T12:00:00Z")],
        [("2025-03-04T09:00:00Z", "2025-03-04T09:30:00Z")],
    )
    request = AvailabilityRequest(
        participants=(Group((Member("a"), Member("b")), 1),),
        required_duration=30 * MINUTE,
        query_periods=(Period(at("2025-03-04T09:00:00Z"), at("2025-03-04T12:00:00Z")),),
    )
    assert as_tuples(solve_availability(request, [inputs])) == [
        (at("2025-03-04T09:00:00Z"), at("2025-03-04T10:30:00Z"), ("a",)),
        (at("2025-03-04T09:30:00Z"), at("2025-03-04T12:00:00Z"), ("b",)),
    ]


def test_k_of_n_with_start_interval_drops_a_period_inside_another() -> None:
    inputs = two_members(
        [("2025-03-04T10:30:00Z", "2025-03-04T12:00:00Z")],
        [("2025-03-04T09:00:00Z", "2025-03-04T09:05:00Z")],
    )
    request = AvailabilityRequest(
        participants=(Group((Member("a"), Member("b")), 1),),
        required_duration=30 * MINUTE,
        query_periods=(Period(at("2025-03-04T09:00:00Z"), at("2025-03-04T12:00:00Z")),),
        start_interval=15 * MINUTE,
    )
    # a: 09:00-10:30 stays; b: 09:05-12:00 moves to 09:15. Neither holds the other.
    # a is busy in 10:30-12:00, so the moved period is b's alone.
    assert as_tuples(solve_availability(request, [inputs])) == [
        (at("2025-03-04T09:00:00Z"), at("2025-03-04T10:30:00Z"), ("a",)),
        (at("2025-03-04T09:15:00Z"), at("2025-03-04T12:00:00Z"), ("b",)),
    ]
    inputs = two_members(
        [("2025-03-04T09:00:00Z", "2025-03-04T09:02:00Z")],
        [("2025-03-04T09:00:00Z", "2025-03-04T09:07:00Z")],
    )
    # a: 09:02-11:00 and b: 09:07-12:00 both move to 09:15; a's then lies inside b's.
    inputs[0] = MemberInput((*inputs[0].busy, busy("2025-03-04T11:00:00Z", "2025-03-04T12:00:00Z")))
    assert as_tuples(solve_availability(request, [inputs])) == [
        (at("2025-03-04T09:15:00Z"), at("2025-03-04T12:00:00Z"), ("b",)),
    ]


def test_participants_include_members_beyond_required() -> None:
    inputs = two_members([], [("2025-03-04T09:00:00Z", "2025-03-04T10:00:00Z")])
    request = AvailabilityRequest(
        participants=(Group((Member("a"), Member("b")), 1),),
        required_duration=60 * MINUTE,
        query_periods=(Period(at("2025-03-04T09:00:00Z"), at("2025-03-04T12:00:00Z")),),
        response_format="slots",
        start_interval=60 * MINUTE,
    )
    assert as_tuples(solve_availability(request, [inputs])) == [
        (at("2025-03-04T09:00:00Z"), at("2025-03-04T10:00:00Z"), ("a",)),
        (at("2025-03-04T10:00:00Z"), at("2025-03-04T11:00:00Z"), ("a", "b")),
        (at("2025-03-04T11:00:00Z"), at("2025-03-04T12:00:00Z"), ("a", "b")),
    ]


def test_sub_in_two_groups_is_judged_per_appearance() -> None:
    # "b" appears first in group 1 (busy there: only its group-1 calendars), then in group 2.
    free = MemberInput(())
    busy_early = MemberInput((busy("2025-03-04T09:00:00Z", "2025-03-04T10:00:00Z"),))
    groups = (
        Group((Member("b"), Member("a")), 1),
        Group((Member("c"), Member("b")), 2),
    )
    inputs = [[busy_early, free], [free, free]]
    request = AvailabilityRequest(
        participants=groups,
        required_duration=60 * MINUTE,
        query_periods=(Period(at("2025-03-04T09:00:00Z"), at("2025-03-04T10:00:00Z")),),
    )
    # Unavailable in group 1, available in group 2: a participant, listed where it first appears.
    assert as_tuples(solve_availability(request, inputs)) == [
        (at("2025-03-04T09:00:00Z"), at("2025-03-04T10:00:00Z"), ("b", "a", "c")),
    ]
    sets = [[[], [(0, 10)]], [[(0, 10)], [(0, 10)]]]
    assert evaluate(groups, sets, 0, 10) == ("b", "a", "c")
    assert evaluate(groups, sets, 0, 11) is None


def test_required_all_is_the_intersection() -> None:
    inputs = two_members(
        [("2025-03-04T10:00:00Z", "2025-03-04T10:30:00Z")],
        [("2025-03-04T11:00:00Z", "2025-03-04T11:15:00Z")],
    )
    request = AvailabilityRequest(
        participants=(Group((Member("a"), Member("b")), 2),),
        required_duration=30 * MINUTE,
        query_periods=(Period(at("2025-03-04T09:00:00Z"), at("2025-03-04T12:00:00Z")),),
    )
    assert [
        (format_time(s.start), format_time(s.end))
        for s in solve_availability(request, [inputs]).slots
    ] == [
        ("2025-03-04T09:00:00Z", "2025-03-04T10:00:00Z"),
        ("2025-03-04T10:30:00Z", "2025-03-04T11:00:00Z"),
        ("2025-03-04T11:15:00Z", "2025-03-04T12:00:00Z"),
    ]


def test_member_statuses_take_the_worst_appearance() -> None:
    groups = (
        Group((Member("a"), Member("b")), 1),
        Group((Member("c"), Member("a"), Member("b")), 1),
    )
    inputs = [
        [MemberInput((), sync_status=SyncStatus.PENDING), MemberInput(())],
        [
            MemberInput(()),
            MemberInput((), sync_status=SyncStatus.DISCONNECTED),
            MemberInput((), sync_status=SyncStatus.PENDING),
        ],
    ]
    request = AvailabilityRequest(
        participants=groups,
        required_duration=30 * MINUTE,
        query_periods=(Period(at("2025-03-04T09:00:00Z"), at("2025-03-04T12:00:00Z")),),
        include_member_statuses=True,
    )
    result = solve_availability(request, inputs)
    assert result.member_statuses == (
        MemberStatus("a", SyncStatus.DISCONNECTED),
        MemberStatus("b", SyncStatus.PENDING),
        MemberStatus("c", SyncStatus.ACTIVE),
    )
    plain = solve_availability(
        AvailabilityRequest(groups, 30 * MINUTE, request.query_periods), inputs
    )
    assert plain.member_statuses is None


def test_no_availability_is_an_empty_answer() -> None:
    answer = single(busy_times=[("2025-03-04T08:00:00Z", "2025-03-04T13:00:00Z")])
    assert answer == []


# --- performance ------------------------------------------------------------------------


def test_large_query_answers_every_format() -> None:
    """35 days, 10 members in k-of-n groups, a 5-minute grid, thousands of busy intervals.
    (Its speed is measured by `make bench`, never asserted here.)"""
    start = at("2025-03-03T00:00:00Z")
    days = 35
    members = [Member(f"m{i}", buffer=Buffer(5 * MINUTE, 5 * MINUTE)) for i in range(10)]
    inputs_by_member = []
    for index in range(10):
        intervals = []
        for hour in range(days * 24):
            # A deterministic scatter of 5- to 40-minute meetings, about 0.6 per hour each.
            if (hour * 7 + index * 13) % 10 < 6:
                offset = ((hour * 31 + index * 17) % 11) * 5 * MINUTE
                length = (1 + (hour + index) % 8) * 5 * MINUTE
                s = start + hour * 3600 + offset
                intervals.append(BusyInterval(s, s + length, Transparency.OPAQUE, "cal"))
        inputs_by_member.append(MemberInput(tuple(intervals)))
    assert sum(len(m.busy) for m in inputs_by_member) > 4000
    groups = (Group(tuple(members[:5]), 3), Group(tuple(members[5:]), 2))
    inputs = [inputs_by_member[:5], inputs_by_member[5:]]
    periods = tuple(
        Period(start + day * 86400 + 8 * 3600, start + day * 86400 + 18 * 3600)
        for day in range(days)
    )
    formats: list[ResponseFormat] = ["overlapping_slots", "slots", "periods"]
    for response_format in formats:
        request = AvailabilityRequest(
            participants=groups,
            required_duration=30 * MINUTE,
            query_periods=periods,
            response_format=response_format,
            start_interval=5 * MINUTE,
            max_results=512,
        )
        result = solve_availability(request, inputs)
        assert 0 < len(result.slots) <= 512
        starts = [(slot.start, slot.end) for slot in result.slots]
        assert starts == sorted(starts)


def test_query_slots_are_all_considered_whatever_the_format() -> None:
    # The API: "When using query_slots ... we'll always consider all provided slots,
    # effectively behaving like overlapping_slots" (`find --slots` picks among them itself).
    from cronoslot.models import Group, Member, MemberInput

    starts = tuple(T0 + minutes * MINUTE for minutes in (0, 30, 60, 90, 120))
    common = {
        "participants": (Group(members=(Member("acc_a"),), required=1),),
        "required_duration": 60 * MINUTE,
        "query_slots": starts,
    }
    inputs = [[MemberInput(busy=())]]
    for response_format in ("slots", "overlapping_slots"):
        answer = solve_availability(
            AvailabilityRequest(**common, response_format=response_format), inputs
        )
        assert [slot.start for slot in answer.slots] == list(starts)
