"""Time parsing and formatting, grids and ISO weeks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cronoslot.timeutil import (
    DAY,
    WEEK,
    TimeFormatError,
    format_local,
    format_time,
    from_datetime,
    get_zone,
    grid_ceil,
    is_zone,
    iso_week_start,
    parse_time,
    to_datetime,
)

NINE = 1741078800  # 2025-03-04T09:00:00Z


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-04T09:00:00Z", NINE),
        ("2025-03-04T09:00Z", NINE),  # seconds may be left out
        ("2025-03-04T09:00:00.000Z", NINE),  # a zero fraction is fine
        ("2025-03-04T09:00:00.0Z", NINE),
        ("2025-03-04T10:00:00+01:00", NINE),
        ("2025-03-04T04:30:00-04:30", NINE),
        ("2025-03-04T09:00:00+00:00", NINE),
        ("2025-03-04T09:00:00-00:00", NINE),
        ("2025-03-04T09:00:07Z", NINE + 7),
        ("2025-03-05T00:30:00+15:30", NINE),
        ("1970-01-01T00:00:00Z", 0),
    ],
)
def test_parse_time_accepts(text: str, expected: int) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-04T09:00:00.5Z",  # a non-zero fraction
        "2025-03-04T09:00:00.000001Z",
        "2025-03-04t09:00:00Z",  # lower-case t
        "2025-03-04T09:00:00z",  # lower-case z
        "2025-03-04 09:00:00Z",  # a space
        "2025-03-04T09:00:00",  # no zone
        "20250304T090000Z",  # basic format
        "2025-03-04T0900Z",
        "2025-03-04T09Z",
        "2025-03-04",
        "2025-02-30T09:00:00Z",  # no such date
        "2025-13-01T09:00:00Z",
        "2025-03-04T24:00:00Z",
        "2025-03-04T09:60:00Z",
        "2025-03-04T09:00:60Z",
        "2025-03-04T09:00:00+24:00",
        "2025-03-04T09:00:00+01:60",
        "2025-03-04T09:00:00+0100",
        "2025-03-04T09:00:00Z\n",
        " 2025-03-04T09:00:00Z",
        "2025-03-04T09:00:00.Z",
        "",
    ],
)
def test_parse_time_rejects(text: str) -> None:
    with pytest.raises(TimeFormatError):
        parse_time(text)


def test_parse_time_rejects_non_ascii_digits() -> None:
    with pytest.raises(TimeFormatError):
        parse_time("２０２５-03-04T09:00:00Z")  # full-width digits


def test_format_time() -> None:
    assert format_time(NINE) == "2025-03-04T09:00:00Z"
    assert format_time(NINE + 7) == "2025-03-04T09:00:07Z"
    assert format_time(0) == "1970-01-01T00:00:00Z"
    assert format_time(-1) == "1969-12-31T23:59:59Z"


@settings(max_examples=200, deadline=None)
@given(st.integers(-(10**9), 4 * 10**9), st.integers(-23 * 60 - 59, 23 * 60 + 59))
def test_round_trip(instant: int, offset_minutes: int) -> None:
    assert parse_time(format_time(instant)) == instant
    # The same instant written in any offset parses back to it.
    zone = timezone(timedelta(minutes=offset_minutes))
    local = to_datetime(instant).astimezone(zone)
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    text = local.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{hours:02d}:{minutes:02d}"
    assert parse_time(text) == instant


def test_from_datetime_and_to_datetime() -> None:
    assert from_datetime(datetime(2025, 3, 4, 9, tzinfo=UTC)) == NINE
    assert from_datetime(datetime(2025, 3, 4, 9, 0, 0, 999999, tzinfo=UTC)) == NINE
    assert to_datetime(NINE) == datetime(2025, 3, 4, 9, tzinfo=UTC)
    with pytest.raises(ValueError):
        from_datetime(datetime(2025, 3, 4, 9))


def test_zones() -> None:
    assert is_zone("Europe/London")
    assert not is_zone("Mars/Olympus")
    assert not is_zone("../etc/passwd")
    assert not is_zone("/etc/localtime")
    assert not is_zone("")
    assert not is_zone(3)
    with pytest.raises(KeyError):
        get_zone("Nowhere/Special")
    assert format_local(NINE, "Europe/Berlin") == "2025-03-04 10:00:00 CET"
    assert format_local(NINE, None) == "2025-03-04 09:00:00 UTC"


@pytest.mark.parametrize(
    ("instant", "step", "expected"),
    [
        (NINE, 900, NINE),
        (NINE + 1, 900, NINE + 900),
        (NINE + 7 * 60, 900, NINE + 900),
        (NINE + 899, 900, NINE + 900),
        (NINE + 20 * 60, 3600, NINE + 3600),
        (-1, 900, 0),
        (-900, 900, -900),
        (-901, 900, -900),
    ],
)
def test_grid_ceil(instant: int, step: int, expected: int) -> None:
    assert grid_ceil(instant, step) == expected


@settings(max_examples=200, deadline=None)
@given(st.integers(-(10**10), 10**10), st.sampled_from([300, 600, 900, 1200, 1800, 3600]))
def test_grid_ceil_is_the_first_grid_instant_at_or_after(instant: int, step: int) -> None:
    result = grid_ceil(instant, step)
    assert result % step == 0
    assert instant <= result < instant + step


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2025-03-03T00:00:00Z", "2025-03-03T00:00:00Z"),  # Monday midnight itself
        ("2025-03-09T23:59:59Z", "2025-03-03T00:00:00Z"),  # the last second of Sunday
        ("2025-03-10T00:00:00Z", "2025-03-10T00:00:00Z"),
        ("1970-01-01T00:00:00Z", "1969-12-29T00:00:00Z"),  # a Thursday
        ("2021-01-01T12:00:00Z", "2020-12-28T00:00:00Z"),  # ISO week 53 of 2020
    ],
)
def test_iso_week_start(text: str, monday: str) -> None:
    assert format_time(iso_week_start(parse_time(text))) == monday


@settings(max_examples=200, deadline=None)
@given(st.integers(-(10**10), 10**10))
def test_iso_week_start_matches_isocalendar(instant: int) -> None:
    start = iso_week_start(instant)
    assert start <= instant < start + WEEK
    assert start % DAY == 0
    moment = to_datetime(start)
    assert moment.isoweekday() == 1
    assert moment.isocalendar()[:2] == to_datetime(instant).isocalendar()[:2]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90m", 5400),
        ("1h30m", 5400),
        ("24h", 86400),
        ("7d", 604800),
        ("1w2d", 777600),
        ("45s", 45),
        ("5min", 300),
        (" 2H ", 7200),
    ],
)
def test_written_durations(text: str, seconds: int) -> None:
    from cronoslot.timeutil import parse_written_duration

    assert parse_written_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "h", "90", "1m1h", "1.5h", "-1h", "1 h", "1y", "١h"])
def test_written_durations_refused(text: str) -> None:
    from cronoslot.timeutil import parse_written_duration

    with pytest.raises(ValueError, match="is not a duration"):
        parse_written_duration(text)
