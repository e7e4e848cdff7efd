"""Managed availability: weekly rule periods in local time, and available periods (SPEC 5)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from cronoslot.models import AvailabilityRule, ManagedPeriod, WeeklyPeriod
from cronoslot.solve.managed import managed_intervals
from cronoslot.timeutil import DAY, from_datetime, parse_time

MONDAY, SATURDAY, SUNDAY = 0, 5, 6


def at(text: str) -> int:
    return parse_time(text)


def every_day(start_minute: int, end_minute: int) -> tuple[WeeklyPeriod, ...]:
    return tuple(WeeklyPeriod(day, start_minute, end_minute) for day in range(7))


def spans(*pairs: tuple[str, str]) -> list[tuple[int, int]]:
    return [(at(s), at(e)) for s, e in pairs]


def test_wall_clock_times_are_kept_across_the_spring_dst_change() -> None:
    # London moves to BST on Sunday 30 March 2025: 09:00-17:00 stays 09:00-17:00 local.
    rule = AvailabilityRule("work", "Europe/London", every_day(9 * 60, 17 * 60))
    window = (at("2025-03-29T00:00:00Z"), at("2025-04-01T00:00:00Z"))
    assert managed_intervals([rule], [], window) == spans(
        ("2025-03-29T09:00:00Z", "2025-03-29T17:00:00Z"),
        ("2025-03-30T08:00:00Z", "2025-03-30T16:00:00Z"),
        ("2025-03-31T08:00:00Z", "2025-03-31T16:00:00Z"),
    )


def test_wall_clock_times_are_kept_across_the_autumn_dst_change() -> None:
    rule = AvailabilityRule("work", "America/New_York", (WeeklyPeriod(MONDAY, 540, 1020),))
    # New York leaves DST on Sunday 2 November 2025.
    window = (at("2025-10-27T00:00:00Z"), at("2025-11-11T00:00:00Z"))
    assert managed_intervals([rule], [], window) == spans(
        ("2025-10-27T13:00:00Z", "2025-10-27T21:00:00Z"),
        ("2025-11-03T14:00:00Z", "2025-11-03T22:00:00Z"),
        ("2025-11-10T14:00:00Z", "2025-11-10T22:00:00Z"),
    )


def test_end_of_day_runs_to_the_next_local_midnight() -> None:
    rule = AvailabilityRule(
        "late",
        "Europe/London",
        (WeeklyPeriod(SATURDAY, 22 * 60, 1440), WeeklyPeriod(SUNDAY, 0, 1440)),
    )
    window = (at("2025-03-29T00:00:00Z"), at("2025-04-01T00:00:00Z"))
    # Saturday 22:00 to midnight, then all of the 23-hour Sunday: one stretch.
    assert managed_intervals([rule], [], window) == spans(
        ("2025-03-29T22:00:00Z", "2025-03-30T23:00:00Z"),
    )


def test_non_existent_and_doubled_wall_times_read_with_fold_0() -> None:
    zone = ZoneInfo("Europe/London")
    spring = AvailabilityRule("gap", "Europe/London", (WeeklyPeriod(SUNDAY, 90, 180),))
    window = (at("2025-03-29T00:00:00Z"), at("2025-03-31T00:00:00Z"))
    # 01:30 does not exist that night; fold=0 reads it with the GMT offset: 01:30Z.
    start = from_datetime(datetime(2025, 3, 30, 1, 30, tzinfo=zone))
    assert start == at("2025-03-30T01:30:00Z")
    assert managed_intervals([spring], [], window) == [(start, at("2025-03-30T02:00:00Z"))]
    autumn = AvailabilityRule("twice", "Europe/London", (WeeklyPeriod(SUNDAY, 90, 150),))
    window = (at("2025-10-25T00:00:00Z"), at("2025-10-27T00:00:00Z"))
    # 01:30 happens twice on 26 October; fold=0 takes the first (BST): 00:30Z.
    assert managed_intervals([autumn], [], window) == spans(
        ("2025-10-26T00:30:00Z", "2025-10-26T02:30:00Z"),
    )


def test_clipped_to_the_window() -> None:
    rule = AvailabilityRule("work", "UTC", every_day(9 * 60, 17 * 60))
    window = (at("2025-03-04T12:00:00Z"), at("2025-03-05T10:30:00Z"))
    assert managed_intervals([rule], [], window) == spans(
        ("2025-03-04T12:00:00Z", "2025-03-04T17:00:00Z"),
        ("2025-03-05T09:00:00Z", "2025-03-05T10:30:00Z"),
    )


def test_local_day_near_the_window_edge() -> None:
    # Tokyo Tuesday 06:00-08:00 is Monday 21:00-23:00 UTC: found for a Monday-UTC window.
    rule = AvailabilityRule("early", "Asia/Tokyo", (WeeklyPeriod(1, 360, 480),))
    window = (at("2025-03-03T20:00:00Z"), at("2025-03-03T22:00:00Z"))
    assert managed_intervals([rule], [], window) == spans(
        ("2025-03-03T21:00:00Z", "2025-03-03T22:00:00Z"),
    )


def test_union_of_rules_and_available_periods() -> None:
    morning = AvailabilityRule("am", "UTC", (WeeklyPeriod(MONDAY, 9 * 60, 12 * 60),))
    afternoon = AvailabilityRule("pm", "Europe/Berlin", (WeeklyPeriod(MONDAY, 13 * 60, 15 * 60),))
    periods = [
        ManagedPeriod("p1", at("2025-03-03T11:00:00Z"), at("2025-03-03T12:30:00Z")),
        ManagedPeriod("p2", at("2025-03-04T09:00:00Z"), at("2025-03-04T10:00:00Z")),
    ]
    window = (at("2025-03-03T00:00:00Z"), at("2025-03-05T00:00:00Z"))
    # 13:00 Berlin is 12:00Z in March, so the three pieces on Monday join up.
    assert managed_intervals([morning, afternoon], periods, window) == spans(
        ("2025-03-03T09:00:00Z", "2025-03-03T14:00:00Z"),
        ("2025-03-04T09:00:00Z", "2025-03-04T10:00:00Z"),
    )


def test_nothing_gives_nothing() -> None:
    window = (at("2025-03-03T00:00:00Z"), at("2025-03-05T00:00:00Z"))
    assert managed_intervals([], [], window) == []
    assert managed_intervals([AvailabilityRule("empty", "UTC", ())], [], window) == []
    assert managed_intervals([], [], (window[1], window[0])) == []


@settings(max_examples=100, deadline=None)
@given(
    zone=st.sampled_from(["UTC", "Europe/London", "America/New_York", "Australia/Sydney"]),
    day=st.integers(0, 6),
    start_minute=st.integers(0, 1439),
    length=st.integers(1, 1440),
    first_day=st.integers(0, 400),
    days=st.integers(1, 40),
)
def test_each_local_day_gets_its_period(
    zone: str, day: int, start_minute: int, length: int, first_day: int, days: int
) -> None:
    """Against a direct model: for each local date in range with the right weekday, the
    interval between its two wall-clock times."""
    end_minute = min(start_minute + length, 1440)
    rule = AvailabilityRule("r", zone, (WeeklyPeriod(day, start_minute, end_minute),))
    base = at("2025-01-01T00:00:00Z") + first_day * DAY
    window = (base, base + days * DAY)
    tz = ZoneInfo(zone)
    expected = []
    local = datetime.fromtimestamp(base, tz).date() - timedelta(days=2)
    while from_datetime(datetime(local.year, local.month, local.day, tzinfo=tz)) < window[1]:
        if local.weekday() == day:
            midnight = datetime(local.year, local.month, local.day)
            start = from_datetime((midnight + timedelta(minutes=start_minute)).replace(tzinfo=tz))
            end = from_datetime((midnight + timedelta(minutes=end_minute)).replace(tzinfo=tz))
            start, end = max(start, window[0]), min(end, window[1])
            if start < end:
                expected.append((start, end))
        local += timedelta(days=1)
    assert managed_intervals([rule], [], window) == expected
