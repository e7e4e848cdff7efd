"""The [start, end) algebra against a set-of-points model on small integers."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from cronoslot.intervals import (
    Interval,
    component_end,
    contains,
    intersect,
    normalise,
    subtract,
    total,
    union,
    widen,
)

raw_intervals = st.lists(
    st.tuples(st.integers(-30, 30), st.integers(-30, 30)), max_size=8
)  # may be empty, reversed, overlapping or touching
normalised = raw_intervals.map(normalise)


def points(intervals: list[Interval] | tuple[Interval, ...]) -> set[int]:
    return {p for start, end in intervals for p in range(start, end)}


def is_normalised(intervals: list[Interval]) -> bool:
    return all(start < end for start, end in intervals) and all(
        left[1] < right[0] for left, right in itertools.pairwise(intervals)
    )


@settings(max_examples=200, deadline=None)
@given(raw_intervals)
def test_normalise(raw: list[Interval]) -> None:
    result = normalise(raw)
    assert is_normalised(result)
    assert points(result) == points(raw)
    assert normalise(result) == result


def test_normalise_merges_touching_and_drops_empty() -> None:
    assert normalise([(5, 7), (1, 3), (3, 5), (9, 9), (10, 8)]) == [(1, 7)]


@settings(max_examples=200, deadline=None)
@given(raw_intervals, raw_intervals, raw_intervals)
def test_union(a: list[Interval], b: list[Interval], c: list[Interval]) -> None:
    result = union(a, b, c)
    assert is_normalised(result)
    assert points(result) == points(a) | points(b) | points(c)


@settings(max_examples=200, deadline=None)
@given(normalised, normalised)
def test_intersect(a: list[Interval], b: list[Interval]) -> None:
    result = intersect(a, b)
    assert is_normalised(result)
    assert points(result) == points(a) & points(b)


@settings(max_examples=200, deadline=None)
@given(normalised, normalised)
def test_subtract(a: list[Interval], b: list[Interval]) -> None:
    result = subtract(a, b)
    assert is_normalised(result)
    assert points(result) == points(a) - points(b)


@settings(max_examples=200, deadline=None)
@given(normalised, st.integers(0, 5), st.integers(0, 5))
def test_widen(intervals: list[Interval], before: int, after: int) -> None:
    result = widen(intervals, before, after)
    assert is_normalised(result)
    assert points(result) == {p for s, e in intervals for p in range(s - before, e + after)}


def test_widen_merges_what_it_joins() -> None:
    assert widen([(0, 10), (12, 20)], 1, 1) == [(-1, 21)]
    assert widen([(0, 10), (13, 20)], 1, 1) == [(-1, 11), (12, 21)]


@settings(max_examples=200, deadline=None)
@given(normalised, st.integers(-35, 35), st.integers(1, 20))
def test_contains(intervals: list[Interval], start: int, length: int) -> None:
    end = start + length
    # Inside one component exactly when every point is covered: components never touch.
    assert contains(intervals, start, end) == (set(range(start, end)) <= points(intervals))


@settings(max_examples=200, deadline=None)
@given(normalised, st.integers(-35, 35))
def test_component_end(intervals: list[Interval], instant: int) -> None:
    covered = points(intervals)
    end = component_end(intervals, instant)
    if instant not in covered:
        assert end is None
    else:
        assert end is not None
        assert set(range(instant, end)) <= covered
        assert end not in covered


@settings(max_examples=100, deadline=None)
@given(normalised)
def test_total(intervals: list[Interval]) -> None:
    assert total(intervals) == len(points(intervals))


def test_large_values() -> None:
    big = 1 << 40
    assert contains([(big, big + 10)], big + 2, big + 10)
    assert component_end([(big, big + 10)], big + 9) == big + 10
    assert subtract([(0, big)], [(10, 20)]) == [(0, 10), (20, big)]
