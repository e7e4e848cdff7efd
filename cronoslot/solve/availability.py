"""Availability: periods, slots, overlapping slots and query slots (SPEC 4).

Reads no clock, does no I/O.

Every member appearance gets its available set ``A_m`` once (a normalised interval list);
everything after that is bisection in those lists. The one idea the answers rest on: the
intervals that satisfy a query are closed under taking sub-intervals, so from any start
``a`` there is a furthest end ``reach(a)`` and ``[a, b)`` satisfies exactly when
``a < b <= reach(a)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from ..intervals import Interval, component_end, contains, intersect, normalise
from ..models import (
    DEFAULT_START_INTERVAL,
    AvailabilityRequest,
    AvailabilityResult,
    Buffer,
    ExcludedEvents,
    Group,
    Member,
    MemberInput,
    MemberStatus,
    ResponseFormat,
    Slot,
    SyncStatus,
)
from ..timeutil import grid_ceil
from .layers import filter_busy as filter_busy  # re-exported: part of this module's API
from .layers import member_layers

# Worse statuses win when one account appears more than once.
_STATUS_RANK = {SyncStatus.ACTIVE: 0, SyncStatus.PENDING: 1, SyncStatus.DISCONNECTED: 2}


def member_available_set(
    member: Member, data: MemberInput, buffer: Buffer, excluded: ExcludedEvents, window: Interval
) -> list[Interval]:
    """The member's available set A_m (SPEC 4 steps 1-3) clipped to ``window``, normalised:
    the available time of its layers (``layers.member_layers``). ``buffer`` is the default
    (top-level or step) buffer; ``member.buffer`` overrides it."""
    return member_layers(member, data, buffer, excluded, window).available_set()


def evaluate(
    groups: Sequence[Group], sets: Sequence[Sequence[Sequence[Interval]]], start: int, end: int
) -> tuple[str, ...] | None:
    """Participants (subs in first-appearance order, each once) when every group has at least
    ``required`` members available for ``[start, end)``; None otherwise. ``sets[g][m]`` is the
    available set of member m of group g. Does not check query periods."""
    available_subs: set[str] = set()
    for group, group_sets in zip(groups, sets, strict=True):
        count = 0
        for member, member_set in zip(group.members, group_sets, strict=True):
            if contains(member_set, start, end):
                count += 1
                available_subs.add(member.sub)
        if count < group.required:
            return None
    return tuple(sub for sub in _subs_in_order(groups) if sub in available_subs)


def solve_availability(
    request: AvailabilityRequest, inputs: Sequence[Sequence[MemberInput]]
) -> AvailabilityResult:
    """Answer an availability request; ``inputs[g][m]`` belongs to member m of group g."""
    duration = request.required_duration
    result_format: ResponseFormat = request.response_format
    query_union = request.query_union
    # Query slots always answer with slots; "periods" cannot be asked for with them.
    if request.query_slots is not None and result_format == "periods":
        result_format = "slots"
    member_statuses = (
        _member_statuses(request.participants, inputs) if request.include_member_statuses else None
    )
    if not query_union or duration <= 0:
        return AvailabilityResult(result_format, (), member_statuses)

    window = (query_union[0][0], query_union[-1][1])
    sets = [
        [
            member_available_set(member, data, request.buffer, request.excluded_events, window)
            for member, data in zip(group.members, group_inputs, strict=True)
        ]
        for group, group_inputs in zip(request.participants, inputs, strict=True)
    ]
    search = _Search(request.participants, sets, query_union, duration)
    limit = request.max_results
    spans: list[Interval]
    if request.query_slots is not None:
        spans = search.query_slots(request.query_slots, limit)
    elif result_format == "periods":
        spans = search.periods(request.start_interval, limit)
    else:
        step = request.start_interval or DEFAULT_START_INTERVAL
        overlapping = result_format == "overlapping_slots"
        spans = search.grid_slots(step, overlapping, limit)

    slots: list[Slot] = []
    for start, end in sorted(spans)[:limit]:
        participants = evaluate(request.participants, sets, start, end)
        if participants is None:  # cannot happen: every span was checked to satisfy
            raise AssertionError(f"unsatisfying span {start}-{end}")
        slots.append(Slot(start, end, participants))
    return AvailabilityResult(result_format, tuple(slots), member_statuses)


class _Search:
    """The satisfying intervals of one query, found by ``reach`` over the precomputed sets."""

    def __init__(
        self,
        groups: Sequence[Group],
        sets: Sequence[Sequence[Sequence[Interval]]],
        query_union: Sequence[Interval],
        duration: int,
    ) -> None:
        self.groups = groups
        self.sets = sets
        self.query_union = query_union
        self.duration = duration
        # Points where each group has enough members at all: a cheap superset of every
        # satisfying interval, so grids are only walked where an answer can be.
        possible: list[Interval] = list(query_union)
        for group, group_sets in zip(groups, sets, strict=True):
            possible = intersect(possible, _covered_by_at_least(group_sets, group.required))
        self.possible = possible

    def reach(self, start: int) -> int | None:
        """The furthest ``b`` with ``[start, b)`` satisfying the query, or None when no
        interval starting at ``start`` does."""
        furthest = component_end(self.query_union, start)
        if furthest is None:
            return None
        for group, group_sets in zip(self.groups, self.sets, strict=True):
            ends = [
                end
                for member_set in group_sets
                if (end := component_end(member_set, start)) is not None
            ]
            if len(ends) < group.required:
                return None
            ends.sort(reverse=True)
            furthest = min(furthest, ends[group.required - 1])
        return furthest

    def satisfies(self, start: int) -> bool:
        furthest = self.reach(start)
        return furthest is not None and furthest >= start + self.duration

    def query_slots(self, starts: Iterable[int], limit: int) -> list[Interval]:
        found: list[Interval] = []
        for start in starts:
            if len(found) >= limit:
                break
            if self.satisfies(start):
                found.append((start, start + self.duration))
        return found

    def grid_slots(self, step: int, overlapping: bool, limit: int) -> list[Interval]:
        """Slots on the grid, upwards; without ``overlapping`` a slot starts no earlier than
        the end of the last one taken."""
        found: list[Interval] = []
        last_end: int | None = None
        for possible_start, possible_end in self.possible:
            start = grid_ceil(possible_start, step)
            while start + self.duration <= possible_end:
                if last_end is not None and start < last_end:
                    start = grid_ceil(last_end, step)
                    continue
                if self.satisfies(start):
                    found.append((start, start + self.duration))
                    if len(found) >= limit:
                        return found
                    if not overlapping:
                        last_end = start + self.duration
                start += step
        return found

    def periods(self, step: int | None, limit: int) -> list[Interval]:
        """Maximal satisfying intervals at least ``duration`` long, in (start, end) order; with
        ``step``, starts moved up to the grid as SPEC 4 says."""
        kept: list[Interval] = []
        for start, end in self._maximal_intervals():
            if step is not None:
                start = grid_ceil(start, step)
            if end - start < self.duration:
                continue
            # Maximal intervals come with rising starts and strictly rising ends, so a moved
            # period can only lie inside the next one when both moved to the same start.
            if kept and kept[-1][0] == start:
                kept[-1] = (start, end)
                continue
            if len(kept) >= limit:
                break  # the last kept period can no longer be replaced
            kept.append((start, end))
        return kept

    def _maximal_intervals(self) -> Iterator[Interval]:
        """Every maximal satisfying interval, by rising start (ends rise too).

        A satisfying interval extends to the left until some component starts (of U or of a
        member's set), so maximal ones start at those points; ``[a, reach(a))`` is maximal
        unless an earlier candidate reaches at least as far.
        """
        candidates = {start for start, _ in self.query_union}
        for group_sets in self.sets:
            for member_set in group_sets:
                candidates.update(start for start, _ in member_set)
        furthest_so_far: int | None = None
        for start in sorted(candidates):
            if component_end(self.possible, start) is None:
                continue
            furthest = self.reach(start)
            if furthest is None:
                continue
            if furthest_so_far is None or furthest > furthest_so_far:
                furthest_so_far = furthest
                yield (start, furthest)


def _covered_by_at_least(sets: Sequence[Sequence[Interval]], count: int) -> list[Interval]:
    """The points that lie in at least ``count`` of ``sets``."""
    if count <= 0:
        return [(-(1 << 62), 1 << 62)]
    edges: list[tuple[int, int]] = []
    for member_set in sets:
        for start, end in member_set:
            edges.append((start, 1))
            edges.append((end, -1))
    edges.sort()
    covered: list[Interval] = []
    depth = 0
    opened_at: int | None = None
    for instant, change in edges:
        depth += change
        if depth >= count and opened_at is None:
            opened_at = instant
        elif depth < count and opened_at is not None:
            covered.append((opened_at, instant))
            opened_at = None
    return normalise(covered)


def _subs_in_order(groups: Sequence[Group]) -> list[str]:
    """Every sub once, in the order it first appears in the request."""
    return list(dict.fromkeys(member.sub for group in groups for member in group.members))


def _member_statuses(
    groups: Sequence[Group], inputs: Sequence[Sequence[MemberInput]]
) -> tuple[MemberStatus, ...]:
    """One status per distinct sub in request order: the worst of its appearances."""
    worst: dict[str, SyncStatus] = {}
    for group, group_inputs in zip(groups, inputs, strict=True):
        for member, data in zip(group.members, group_inputs, strict=True):
            current = worst.get(member.sub)
            if current is None or _STATUS_RANK[data.sync_status] > _STATUS_RANK[current]:
                worst[member.sub] = data.sync_status
    return tuple(MemberStatus(sub, status) for sub, status in worst.items())
