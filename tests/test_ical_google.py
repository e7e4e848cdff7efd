"""Google's X-WR-TIMEZONE exports (``google.py``) and moving a rule by whole days
(``day_shift.py``): a series written in UTC keeps its local wall time and its local
weekdays. Expected times are worked out by hand in the comments."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .ical_fixtures import hours, load_fixture, times, window

SYDNEY = "google_x_wr_timezone_sydney_weekday_standup.ics"
NEW_YORK = "google_x_wr_timezone_new_york_evening_call.ics"


def test_sydney_morning_series_keeps_its_weekdays() -> None:
    # DTSTART 2027-01-03 22:00Z is Monday 4 January 09:00 in Sydney (AEDT, +11), and the
    # rule written for the UTC day (SU..TH) means Monday to Friday there. The EXDATE
    # 2027-01-06 22:00Z is Thursday 7 January.
    busy, warnings = load_fixture(SYDNEY, window("2027-01-03T00:00:00Z", "2027-01-12T00:00:00Z"))
    assert times(busy) == hours(
        [
            "2027-01-03T22:00",  # Mon 4
            "2027-01-04T22:00",  # Tue 5
            "2027-01-05T22:00",  # Wed 6
            "2027-01-07T22:00",  # Fri 8 (Thu 7 excluded; no Saturday, no Sunday)
            "2027-01-10T22:00",  # Mon 11
            "2027-01-11T22:00",  # Tue 12
        ],
        15,
    )
    assert warnings == []


def test_sydney_series_stays_at_nine_after_dst_ends() -> None:
    # Sydney leaves DST on Sunday 4 April 2027: 09:00 is 22:00Z before, 23:00Z after.
    busy, _ = load_fixture(SYDNEY, window("2027-04-01T00:00:00Z", "2027-04-08T00:00:00Z"))
    assert times(busy) == hours(
        [
            "2027-04-01T22:00",  # Fri 2 April, AEDT
            "2027-04-04T23:00",  # Mon 5, AEST
            "2027-04-05T23:00",  # Tue 6
            "2027-04-06T23:00",  # Wed 7
            "2027-04-07T23:00",  # Thu 8
        ],
        15,
    )


def test_new_york_evening_series_with_rdate_exdate_and_override() -> None:
    # DTSTART 2027-01-05 00:30Z is Monday 4 January 19:30 in New York (EST, -5), and
    # BYDAY=TU (the UTC day) means Mondays there. The EXDATE written as the date
    # 2027-01-12 (the UTC day of Monday 11's call) moves with it; the RDATE
    # 2027-01-15 00:30Z is Thursday 14 at 19:30; Monday 18 is moved an hour later.
    busy, warnings = load_fixture(NEW_YORK, window("2027-01-04T00:00:00Z", "2027-01-27T00:00:00Z"))
    assert times(busy) == hours(
        [
            "2027-01-05T00:30",  # Mon 4
            "2027-01-15T00:30",  # Thu 14 (RDATE); Mon 11 excluded
            "2027-01-19T01:30",  # Mon 18, moved to 20:30
            "2027-01-26T00:30",  # Mon 25
        ],
        60,
    )
    assert [interval.summary for interval in busy][2] == "Call an hour later"
    assert warnings == []


def test_new_york_evening_series_across_dst() -> None:
    # New York enters DST on 14 March 2027: Monday 19:30 EDT is 23:30Z, a Monday in UTC
    # too (read as written, BYDAY=TU would give Tuesday 00:30Z, Monday 20:30 there).
    busy, _ = load_fixture(NEW_YORK, window("2027-03-14T00:00:00Z", "2027-03-24T00:00:00Z"))
    assert times(busy) == hours(["2027-03-15T23:30", "2027-03-22T23:30"], 60)


def test_a_rule_that_cannot_follow_its_start_is_read_in_utc_with_a_warning() -> None:
    # Monthly on the 30th of the UTC month, from 30 January 22:00Z (31 January in
    # Sydney): the 31st of every Sydney month would skip months the UTC rule keeps, so the
    # series is read as written: 22:00Z on 30 January, 30 March and 30 April (no February).
    busy, warnings = load_fixture(
        "google_x_wr_timezone_rule_read_in_utc.ics",
        window("2027-01-01T00:00:00Z", "2027-05-01T00:00:00Z"),
    )
    assert times(busy) == hours(["2027-01-30T22:00", "2027-03-30T22:00", "2027-04-30T22:00"], 60)
    assert len(warnings) == 1
    assert "line 10: VEVENT (UID month-end@google.com)" in warnings[0]
    assert "X-WR-TIMEZONE Australia/Sydney" in warnings[0] and "read in UTC" in warnings[0]


# --- moved_rule: exactly, or not at all -----------------------------------------------------


def _rule(text: str) -> Any:
    from icalendar.prop import vRecur

    return vRecur.from_ical(text)


def _moved(text: str, days: int, utc_start: date) -> str | None:
    from cronoslot.ical.day_shift import moved_rule

    moved = moved_rule(_rule(text), days, utc_start)
    return None if moved is None else moved.to_ical().decode()


SUNDAY = date(2027, 1, 3)


@pytest.mark.parametrize(
    ("rule", "days", "start", "expected"),
    [
        ("FREQ=WEEKLY;BYDAY=SU,MO,TU,WE,TH", 1, SUNDAY, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("FREQ=WEEKLY;BYDAY=MO", -1, SUNDAY, "FREQ=WEEKLY;BYDAY=SU"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=SA", 1, SUNDAY, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;WKST=TU"),
        ("FREQ=DAILY;BYDAY=MO,FR;WKST=SU", 1, SUNDAY, "FREQ=DAILY;BYDAY=TU,SA;WKST=MO"),
        ("FREQ=MONTHLY;BYMONTHDAY=14,-3", 1, SUNDAY, "FREQ=MONTHLY;BYMONTHDAY=15,-2"),
        ("FREQ=YEARLY;BYYEARDAY=100", -1, SUNDAY, "FREQ=YEARLY;BYYEARDAY=99"),
        ("FREQ=MONTHLY", 1, date(2027, 1, 14), "FREQ=MONTHLY"),  # the 15th locally
        ("FREQ=YEARLY;BYMONTH=3", 1, date(2027, 3, 9), "FREQ=YEARLY;BYMONTH=3"),
        ("FREQ=YEARLY", 1, date(2027, 1, 31), "FREQ=YEARLY"),  # 1 February every year
        ("FREQ=MONTHLY;BYDAY=WE", -1, SUNDAY, "FREQ=MONTHLY;BYDAY=TU"),  # every Wednesday
        # UNTIL is an instant: it stays as written.
        (
            "FREQ=WEEKLY;BYDAY=SA;UNTIL=20270301T000000Z",
            1,
            SUNDAY,
            "FREQ=WEEKLY;UNTIL=20270301T000000Z;BYDAY=SU",
        ),
        # Nothing moves: only wall-clock parts and sub-daily frequencies are refused.
        ("FREQ=MONTHLY;BYDAY=1MO;BYSETPOS=1", 0, SUNDAY, "FREQ=MONTHLY;BYDAY=1MO;BYSETPOS=1"),
    ],
)
def test_rules_moved_exactly(rule: str, days: int, start: date, expected: str) -> None:
    assert _moved(rule, days, start) == expected


@pytest.mark.parametrize(
    ("rule", "days", "start"),
    [
        ("FREQ=MONTHLY;BYMONTHDAY=30", 1, SUNDAY),  # the 31st is not in every month
        ("FREQ=MONTHLY;BYMONTHDAY=1", -1, SUNDAY),  # the day before is another month's
        ("FREQ=MONTHLY;BYMONTHDAY=-1", 1, SUNDAY),
        ("FREQ=MONTHLY;BYDAY=1MO", 1, SUNDAY),  # the first Tuesday is not Monday + 1
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-1", 1, SUNDAY),
        ("FREQ=YEARLY;BYWEEKNO=20", 1, SUNDAY),
        ("FREQ=WEEKLY;BYDAY=MO;BYMONTH=3", 1, SUNDAY),  # Tuesday 1 April after Monday 31 March
        ("FREQ=MONTHLY;BYDAY=MO;BYMONTH=3", 1, SUNDAY),
        ("FREQ=MONTHLY;INTERVAL=2;BYDAY=MO", 1, SUNDAY),
        ("FREQ=MONTHLY", 1, date(2027, 1, 31)),  # 1 February, then 1 March...
        ("FREQ=MONTHLY", 1, date(2027, 1, 28)),  # the 29th
        ("FREQ=YEARLY", 1, date(2027, 2, 28)),  # 1 March, or 29 February in leap years
        ("FREQ=YEARLY", 1, date(2027, 12, 31)),  # another year
        ("FREQ=YEARLY;BYYEARDAY=365", 1, SUNDAY),
        ("FREQ=DAILY;BYHOUR=9,17", 0, SUNDAY),  # UTC hours
        ("FREQ=HOURLY;INTERVAL=6", 0, SUNDAY),
        ("FREQ=WEEKLY;BYDAY=MO;RSCALE=GREGORIAN", 1, SUNDAY),
    ],
)
def test_rules_that_cannot_be_moved_exactly(rule: str, days: int, start: date) -> None:
    assert _moved(rule, days, start) is None


@pytest.mark.parametrize("days", [-1, 1])
def test_moved_weekly_rules_give_the_written_days_moved(days: int) -> None:
    # Brute force: the moved rule from the moved start gives the written days, moved.
    from datetime import datetime, timedelta

    from dateutil.rrule import rrulestr

    for rule in ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU", "FREQ=DAILY;INTERVAL=3;BYDAY=FR,SA,SU"):
        for offset in range(7):
            start = datetime(2027, 1, 3, 22) + timedelta(days=offset)
            moved = _moved(rule, days, start.date())
            assert moved is not None
            written = rrulestr(f"{rule};COUNT=40", dtstart=start)
            local = rrulestr(f"{moved};COUNT=40", dtstart=start + timedelta(days=days))
            assert [moment + timedelta(days=days) for moment in written] == list(local)


# --- generated Google series: local weekdays and wall time, whatever the zone --------------

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@settings(max_examples=80, deadline=None)
@given(
    zone_name=st.sampled_from(["Australia/Sydney", "America/New_York", "Asia/Tokyo", "UTC"]),
    day=st.integers(0, 700),
    minute=st.integers(0, 24 * 4 - 1),
    local_days=st.sets(st.sampled_from(WEEKDAYS), min_size=1),
    window_day=st.integers(0, 900),
)
def test_google_weekly_series_fall_on_their_local_days_at_their_wall_time(
    zone_name: str, day: int, minute: int, local_days: set[str], window_day: int
) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from cronoslot.ical import load_calendar_bytes
    from cronoslot.models import AccountSettings
    from cronoslot.timeutil import DAY, from_datetime

    zone = ZoneInfo(zone_name)
    local_start = datetime(2026, 1, 1) + timedelta(days=day, minutes=15 * minute)
    utc_start = local_start.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))
    shift = (utc_start.date() - local_start.date()).days
    written_days = sorted(WEEKDAYS[(WEEKDAYS.index(d) + shift) % 7] for d in local_days)
    text = (
        f"BEGIN:VCALENDAR\r\nX-WR-TIMEZONE:{zone_name}\r\nBEGIN:VEVENT\r\nUID:g\r\n"
        f"DTSTART:{utc_start:%Y%m%dT%H%M%SZ}\r\nDURATION:PT30M\r\n"
        f"RRULE:FREQ=WEEKLY;BYDAY={','.join(written_days)}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    first = from_datetime(datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))) + window_day * DAY
    span = (first, first + 21 * DAY)
    busy = load_calendar_bytes(
        text.encode(),
        path="google.ics",
        calendar_id="cal",
        settings=AccountSettings(),
        window=span,
        warn=lambda message: None,
    )
    # A plain model: the start, and every later local day whose weekday is chosen, at the
    # start's wall time (fold 0 where it is ambiguous or missing), overlapping the window.
    expected = []
    moment = local_start
    while from_datetime(moment.replace(tzinfo=zone)) < span[1]:
        begin = from_datetime(moment.replace(tzinfo=zone))
        chosen = moment == local_start or WEEKDAYS[moment.weekday()] in local_days
        if chosen and begin + 1800 > span[0]:
            expected.append((begin, begin + 1800))
        moment += timedelta(days=1)
    assert [(b.start, b.end) for b in busy] == expected
