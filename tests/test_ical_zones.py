"""Time zones (``zones.py``): SPEC 2 reads every floating time, date and unknown TZID in
the calendar's zone, whatever the event's other times are in, and says so when that zone
is UTC for want of any. Expected times are worked out by hand in the comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from cronoslot.ical.zones import ZONELESS_WARNING

from .conftest import CORPUS
from .ical_fixtures import hours, load_fixture, times, window

ONE_END = "event_dt_one_end_floating_or_unknown.ics"
MARCH = window("2027-03-01T00:00:00Z", "2027-04-01T00:00:00Z")


def test_an_unknown_start_zone_is_the_calendars_not_the_ends() -> None:
    # 09:00 in Mars/Olympus_Mons (unknown) to 10:00 New York (EST, -5): with a New York
    # account the start is 09:00 New York, 14:00Z; the end 15:00Z. A floating end 10:00
    # after a start at 14:00 London (GMT): 10:00 New York is 15:00Z.
    busy, warnings = load_fixture(ONE_END, MARCH, tzid="America/New_York")
    assert times(busy) == hours(["2027-03-10T14:00", "2027-03-11T14:00"], 60)
    assert len(warnings) == 1
    assert "unknown TZID 'Mars/Olympus_Mons': read in America/New_York" in warnings[0]


def test_without_any_zone_the_unknown_start_and_floating_end_are_utc() -> None:
    # No X-WR-TIMEZONE, no tzid: the start is 09:00Z, the end still 15:00Z (New York).
    # The floating end is 10:00Z, before its 14:00Z start: that event cannot be used.
    busy, warnings = load_fixture(ONE_END, MARCH)
    assert times(busy) == [("2027-03-10T09:00:00Z", "2027-03-10T15:00:00Z")]
    assert len(warnings) == 3
    zoneless, unknown, skipped = warnings  # by line: the file first
    assert "unknown TZID 'Mars/Olympus_Mons': read in UTC" in unknown
    assert 'no X-WR-TIMEZONE in the file, no "tzid" in account.json' in unknown
    assert "skipped VEVENT (UID floating-end): ends before it starts" in skipped
    assert zoneless.endswith(ZONELESS_WARNING)


def test_floating_series_meets_zoned_exdate_and_recurrence_id_at_their_instants() -> None:
    # New York account. "floating-weekly": 09:00 New York (14:00Z) on 4, 11, 18, 25
    # January; the EXDATE 14:00 London (14:00Z) removes the 11th, the override of 14:00
    # London on the 18th moves it to 12:00 New York (17:00Z). "zoned-weekly": 15:00 London
    # on 4, 11, 18 January; its floating EXDATE 10:00 New York (15:00Z) removes the 11th.
    busy, warnings = load_fixture(
        "event_dt_floating_series_zoned_exdate_and_override.ics",
        window("2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z"),
        tzid="America/New_York",
    )
    assert times(busy) == hours(
        [
            "2027-01-04T14:00",  # floating-weekly
            "2027-01-04T15:00",  # zoned-weekly
            "2027-01-18T15:00",  # zoned-weekly
            "2027-01-18T17:00",  # floating-weekly, moved
            "2027-01-25T14:00",  # floating-weekly
        ],
        60,
    )
    assert warnings == []


def test_all_day_without_any_zone_is_utc_and_warned_once_per_file() -> None:
    # An Outlook export with no account.json: the day off is 10 March, 00:00Z to 00:00Z;
    # the zoned event (W. Europe, CET) 08:00Z.
    busy, warnings = load_fixture("outlook_all_day_without_zone.ics", MARCH)
    assert times(busy) == [
        ("2027-03-10T00:00:00Z", "2027-03-11T00:00:00Z"),
        ("2027-03-11T08:00:00Z", "2027-03-11T09:00:00Z"),
    ]
    assert len(warnings) == 1
    assert warnings[0].endswith(ZONELESS_WARNING) and '"tzid" in account.json' in warnings[0]
    # With the account's zone: Berlin's midnight (CET, +1) and no warning.
    busy, warnings = load_fixture("outlook_all_day_without_zone.ics", MARCH, tzid="Europe/Berlin")
    assert times(busy)[0] == ("2027-03-09T23:00:00Z", "2027-03-10T23:00:00Z")
    assert warnings == []


def test_zoned_times_only_need_no_zone() -> None:
    busy, warnings = load_fixture(
        "leading_blanks_before_vcalendar.ics",
        window("2022-10-01T00:00:00Z", "2022-11-01T00:00:00Z"),
    )
    assert len(busy) == 1 and warnings == []


WINDOWS_QUOTED = CORPUS / "node-ical" / "windows-quoted-tz-rrule.ics"


@pytest.mark.skipif(not WINDOWS_QUOTED.is_file(), reason="no corpus beside the repository")
@pytest.mark.parametrize(
    ("tzid", "start", "zone_said"),
    [("America/New_York", "16:00", "America/New_York"), (None, "12:00", "UTC")],
)
def test_node_ical_windows_quoted_tzid_is_read_where_the_warning_says(
    tzid: str | None, start: str, zone_said: str
) -> None:
    # DTSTART;TZID="(UTC-05:00) Eastern Time (US and Canada)" (unknown) 12:00 on 6 July
    # 2015, DTEND 13:00 Los Angeles (PDT, 20:00Z), daily, 10 times. The start is 12:00 in
    # the account's zone (EDT: 16:00Z) or, without one, 12:00Z. The EXDATEs, 12:00 Los
    # Angeles on the 8th and the 10th, name those days' occurrences by their wall time
    # (recurring-ical-events' reading, which the plain reference shares).
    from cronoslot.ical import load_calendar_bytes
    from cronoslot.models import AccountSettings

    warnings: list[str] = []
    busy = load_calendar_bytes(
        WINDOWS_QUOTED.read_bytes(),
        path=Path("windows-quoted-tz-rrule.ics"),
        calendar_id="cal",
        settings=AccountSettings(tzid=tzid),
        window=window("2015-07-01T00:00:00Z", "2015-08-01T00:00:00Z"),
        warn=warnings.append,
    )
    days = [6, 7, 9, 11, 12, 13, 14, 15]
    assert times(busy) == [
        (f"2015-07-{day:02d}T{start}:00Z", f"2015-07-{day:02d}T20:00:00Z") for day in days
    ]
    assert len(warnings) == 1 and f"read in {zone_said}" in warnings[0]
