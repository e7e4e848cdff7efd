"""Day windows in a zone (DST days included) and slot starts on the local clock."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from cronoslot.find.windows import (
    aligned_starts,
    clipped_union,
    day_windows,
    offset_pieces,
    on_epoch_grid,
)
from cronoslot.timeutil import HOUR, MINUTE, format_time, parse_time

LONDON = ZoneInfo("Europe/London")
KOLKATA = ZoneInfo("Asia/Kolkata")
KATHMANDU = ZoneInfo("Asia/Kathmandu")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
WHOLE_DAY = (0, 24 * 60)


def hours(window_start: int, window_end: int) -> float:
    return (window_end - window_start) / HOUR


def test_dst_days_last_what_their_wall_clock_says() -> None:
    spring, autumn, plain = date(2027, 3, 28), date(2027, 10, 31), date(2027, 4, 20)
    whole = day_windows([spring, autumn, plain], WHOLE_DAY, LONDON)
    assert [hours(w.start, w.end) for w in whole] == [23, 25, 24]
    working = day_windows([spring, autumn, plain], (9 * 60, 17 * 60), LONDON)
    assert [hours(w.start, w.end) for w in working] == [8, 8, 8]
    # 09:00 is 09:00Z before the change and 08:00Z after it
    assert format_time(working[0].start) == "2027-03-28T08:00:00Z"
    assert format_time(working[1].start) == "2027-10-31T09:00:00Z"
    # Lord Howe moves its clock by 30 minutes (at 02:00): a 23.5-hour day
    (lord_howe,) = day_windows([date(2027, 10, 3)], WHOLE_DAY, LORD_HOWE)
    assert hours(lord_howe.start, lord_howe.end) == 23.5


def test_a_window_inside_a_dst_gap_is_empty() -> None:
    # 01:00-02:00 London does not exist on 28 March: both ends read as fold=0
    assert day_windows([date(2027, 3, 28)], (60, 120), LONDON) == ()


def test_offset_pieces_cut_at_the_change() -> None:
    (window,) = day_windows([date(2027, 3, 28)], WHOLE_DAY, LONDON)
    pieces = list(offset_pieces((window.start, window.end), LONDON))
    assert [(format_time(a), format_time(b), offset) for a, b, offset in pieces] == [
        ("2027-03-28T00:00:00Z", "2027-03-28T01:00:00Z", 0),
        ("2027-03-28T01:00:00Z", "2027-03-28T23:00:00Z", 3600),
    ]


def local_clock(starts: tuple[int, ...], zone: ZoneInfo) -> list[str]:
    from cronoslot.timeutil import to_datetime

    return [f"{to_datetime(start).astimezone(zone):%H:%M}" for start in starts]


def test_hourly_starts_follow_the_local_clock_in_kolkata() -> None:
    (window,) = day_windows([date(2027, 4, 20)], (9 * 60, 13 * 60), KOLKATA)
    union = clipped_union([window], 0)
    starts = aligned_starts(union, HOUR, HOUR, KOLKATA)
    assert local_clock(starts, KOLKATA) == ["09:00", "10:00", "11:00", "12:00"]
    assert format_time(starts[0]) == "2027-04-20T03:30:00Z"
    assert not on_epoch_grid(union, HOUR, KOLKATA)  # the API's grid would give 09:30
    assert on_epoch_grid(union, 30 * MINUTE, KOLKATA)
    assert on_epoch_grid(union, 15 * MINUTE, KATHMANDU)
    assert not on_epoch_grid(union, 30 * MINUTE, KATHMANDU)
    assert not on_epoch_grid(union, 45 * MINUTE, LONDON)  # 45 minutes does not divide a day


def test_starts_of_grids_that_do_not_divide_a_day_restart_at_midnight() -> None:
    union = clipped_union(day_windows([date(2027, 4, 20)], (9 * 60, 12 * 60), KATHMANDU), 0)
    starts = aligned_starts(union, 45 * MINUTE, 45 * MINUTE, KATHMANDU)
    assert local_clock(starts, KATHMANDU) == ["09:00", "09:45", "10:30", "11:15"]


def test_starts_across_a_dst_change_keep_the_local_clock() -> None:
    (window,) = day_windows([date(2027, 3, 28)], WHOLE_DAY, LONDON)
    starts = aligned_starts([(window.start, window.end)], HOUR, HOUR, LONDON)
    assert len(starts) == 23
    assert local_clock(starts, LONDON)[:3] == ["00:00", "02:00", "03:00"]


def test_the_clip_to_now_and_starts_after_it() -> None:
    windows = day_windows([date(2027, 4, 20), date(2027, 4, 21)], (9 * 60, 17 * 60), LONDON)
    now = parse_time("2027-04-20T11:07:31Z")  # 12:07:31 BST
    union = clipped_union(windows, now)
    assert union[0][0] == now and len(union) == 2
    starts = aligned_starts(union, 45 * MINUTE, 15 * MINUTE, LONDON)
    assert local_clock(starts, LONDON)[:2] == ["12:15", "12:30"]
    assert local_clock(starts, LONDON)[-1] == "16:15"  # the last one that ends by 17:00
    assert clipped_union(windows, parse_time("2027-04-22T00:00:00Z")) == []


@pytest.mark.parametrize("zone", [LONDON, KOLKATA, KATHMANDU, LORD_HOWE])
def test_touching_whole_days_merge(zone: ZoneInfo) -> None:
    days = [date(2027, 4, 3), date(2027, 4, 4), date(2027, 4, 5)]
    union = clipped_union(day_windows(days, WHOLE_DAY, zone), 0)
    assert len(union) == 1
