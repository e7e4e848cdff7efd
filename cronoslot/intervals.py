"""Half-open ``[start, end)`` interval algebra over integer instants.

A *normalised* interval list is sorted, holds no empty interval, and no two of its
intervals overlap or touch. Every function here takes and returns normalised lists unless
it says otherwise, so no caller ever handles overlaps.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

Interval = tuple[int, int]


def normalise(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort, drop empty intervals, and merge overlapping or touching ones."""
    result: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if result and start <= result[-1][1]:
            if end > result[-1][1]:
                result[-1] = (result[-1][0], end)
        else:
            result.append((start, end))
    return result


def union(*lists: Iterable[Interval]) -> list[Interval]:
    return normalise(i for items in lists for i in items)


def intersect(left: Sequence[Interval], right: Sequence[Interval]) -> list[Interval]:
    """The common part of two normalised lists."""
    result: list[Interval] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i][0], right[j][0])
        end = min(left[i][1], right[j][1])
        if start < end:
            result.append((start, end))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return result


def subtract(base: Sequence[Interval], removed: Sequence[Interval]) -> list[Interval]:
    """``base`` minus ``removed`` (both normalised)."""
    result: list[Interval] = []
    j = 0
    for start, end in base:
        cursor = start
        while j < len(removed) and removed[j][1] <= cursor:
            j += 1
        k = j
        while k < len(removed) and removed[k][0] < end:
            if removed[k][0] > cursor:
                result.append((cursor, removed[k][0]))
            cursor = max(cursor, removed[k][1])
            if cursor >= end:
                break
            k += 1
        if cursor < end:
            result.append((cursor, end))
    return result


def widen(intervals: Iterable[Interval], before: int, after: int) -> list[Interval]:
    """Each interval ``[s, e)`` grown to ``[s - before, e + after)``, normalised."""
    # An empty interval blocks nothing, so it must not grow into a real one.
    return normalise((start - before, end + after) for start, end in intervals if end > start)


def component_end(intervals: Sequence[Interval], instant: int) -> int | None:
    """The end of the component of ``intervals`` that holds ``instant``, or None."""
    index = bisect_right(intervals, (instant, _INFINITY)) - 1
    if index >= 0 and intervals[index][0] <= instant < intervals[index][1]:
        return intervals[index][1]
    return None


def contains(intervals: Sequence[Interval], start: int, end: int) -> bool:
    """True when ``[start, end)`` lies inside one component of ``intervals``."""
    index = bisect_right(intervals, (start, _INFINITY)) - 1
    return index >= 0 and intervals[index][0] <= start and end <= intervals[index][1]


def overlaps(start: int, end: int, window: Interval) -> bool:
    """True when ``[start, end)`` and ``window`` share an instant (the one test of "does
    this touch the window"; an empty interval touches nothing)."""
    return start < window[1] and end > window[0] and start < end


def total(intervals: Iterable[Interval]) -> int:
    return sum(end - start for start, end in intervals)


_INFINITY = 1 << 62
