"""Each day's window in a zone, and slot starts on the zone's local clock. Pure.

A day's window runs from its working hours' start to their end as wall-clock times of the
zone (a wall time that does not exist or exists twice reads as ``fold=0``), so DST days
last what their wall clock says. A start is *aligned* when the zone's clock reads a
multiple of the step since local midnight (``--every 60m`` gives 09:00 and 10:00 in
Kolkata, not 09:30): that grid is the API's ``start_interval`` (multiples of the step
since 1970-01-01T00:00Z) only when every UTC offset over the windows is a multiple of the
step.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from ..intervals import Interval, normalise
from ..timeutil import DAY, from_datetime, to_datetime

__all__ = [
    "DayWindow",
    "aligned_starts",
    "clipped_union",
    "day_windows",
    "offset_pieces",
    "on_epoch_grid",
]


@dataclass(frozen=True)
class DayWindow:
    """One day's working hours as instants ``[start, end)``."""

    day: date
    start: int
    end: int


def _wall(day: date, minute: int, zone: tzinfo) -> int:
    """The instant of wall time ``minute`` (after midnight; 1440 is the next midnight)."""
    extra, minute = divmod(minute, 24 * 60)
    local = datetime.combine(day + timedelta(days=extra), time(minute // 60, minute % 60))
    return from_datetime(local.replace(tzinfo=zone, fold=0))


def day_windows(
    days: Iterable[date], between: tuple[int, int], zone: tzinfo
) -> tuple[DayWindow, ...]:
    """Each day's window ``between`` (minutes after local midnight) in ``zone``."""
    windows = []
    for day in days:
        start, end = _wall(day, between[0], zone), _wall(day, between[1], zone)
        if end > start:  # a window inside one DST gap is empty
            windows.append(DayWindow(day, start, end))
    return tuple(windows)


def _offset(instant: int, zone: tzinfo) -> int:
    delta = to_datetime(instant).astimezone(zone).utcoffset()
    return 0 if delta is None else int(delta.total_seconds())


def _transition(low: int, high: int, zone: tzinfo) -> int:
    """The first instant in ``(low, high]`` whose offset differs from ``low``'s (which
    ``high``'s does)."""
    before = _offset(low, zone)
    while high - low > 1:
        middle = (low + high) // 2
        if _offset(middle, zone) == before:
            low = middle
        else:
            high = middle
    return high


def offset_pieces(span: Interval, zone: tzinfo) -> Iterator[tuple[int, int, int]]:
    """``span`` cut where the zone's UTC offset changes: ``(start, end, offset)``.

    Offsets are probed at most a day apart (no zone changes its offset twice in a day)."""
    start, end = span
    while start < end:
        offset = _offset(start, zone)
        probe = min(start + DAY, end) - 1
        while probe > start and _offset(probe, zone) != offset:
            probe = _transition(start, probe, zone) - 1
        piece_end = probe + 1
        yield start, piece_end, offset
        start = piece_end


def _aligned_in_piece(start: int, end: int, offset: int, step: int) -> Iterator[int]:
    """Instants in ``[start, end)`` whose wall clock (UTC + ``offset``) reads a multiple of
    ``step`` since local midnight."""
    local, local_end = start + offset, end + offset
    midnight = local - local % DAY
    while midnight < local_end:
        first = max(local, midnight)
        # The first multiple of step since this midnight at or after `first`.
        wall = midnight + -(-(first - midnight) // step) * step
        while wall < min(midnight + DAY, local_end):
            yield wall - offset
            wall += step
        midnight += DAY


def aligned_starts(
    union: Sequence[Interval], duration: int, step: int, zone: tzinfo
) -> tuple[int, ...]:
    """Every aligned start ``a`` with ``[a, a + duration)`` inside one interval of
    ``union`` (normalised), ascending and distinct."""
    found: set[int] = set()
    for start, end in union:
        for piece_start, piece_end, offset in offset_pieces((start, end), zone):
            for instant in _aligned_in_piece(piece_start, piece_end, offset, step):
                if instant + duration <= end:
                    found.add(instant)
    return tuple(sorted(found))


def on_epoch_grid(union: Sequence[Interval], step: int, zone: tzinfo) -> bool:
    """Whether the local grid of ``step`` over ``union`` is the API's ``start_interval``
    grid: ``step`` divides a day and every offset over the union is a multiple of it."""
    if DAY % step:
        return False
    return all(
        offset % step == 0
        for start, end in union
        for _, _, offset in offset_pieces((start, end), zone)
    )


def clipped_union(windows: Iterable[DayWindow], now: int) -> list[Interval]:
    """The windows from ``now`` on, normalised (touching windows merge, as the query's
    periods do)."""
    return normalise((max(window.start, now), window.end) for window in windows)
