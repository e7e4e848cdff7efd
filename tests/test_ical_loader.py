"""The loader: iCalendar files -> busy intervals (SPEC 2).

Files are read as the engine reads them: the store's ``read_calendar_bytes`` (which turns
a file that cannot be read into a ``CalendarDataError``), then ``load_calendar_bytes``.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import threading
import warnings as python_warnings
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cronoslot.ical as ical
from cronoslot.errors import CalendarDataError
from cronoslot.ical import load_calendar_bytes
from cronoslot.ical.zones import ZONELESS_WARNING
from cronoslot.models import AccountSettings, BusyInterval, Transparency
from cronoslot.store.reader import read_calendar_bytes
from cronoslot.timeutil import HOUR, parse_time

FIXTURES = Path(__file__).parent / "fixtures" / "ics"
WINDOW = (parse_time("2026-01-01T00:00:00Z"), parse_time("2027-01-01T00:00:00Z"))
NO_SETTINGS = AccountSettings()


def t(text: str) -> int:
    return parse_time(text)


def load_file(path: Path, **kwargs: Any) -> list[BusyInterval]:
    """``load_calendar_bytes`` on the file's bytes, read by the store."""
    return load_calendar_bytes(read_calendar_bytes(path), path=path, **kwargs)


def load(
    name: str | Path,
    account: AccountSettings = NO_SETTINGS,
    window: tuple[int, int] = WINDOW,
) -> tuple[list[BusyInterval], list[str]]:
    warnings: list[str] = []
    path = name if isinstance(name, Path) else FIXTURES / name
    busy = load_file(path, calendar_id="cal", settings=account, window=window, warn=warnings.append)
    return busy, warnings


def by_uid(busy: list[BusyInterval]) -> dict[str | None, list[BusyInterval]]:
    grouped: dict[str | None, list[BusyInterval]] = defaultdict(list)
    for interval in busy:
        grouped[interval.event_uid].append(interval)
    return dict(grouped)


def spans(intervals: list[BusyInterval]) -> list[tuple[int, int]]:
    return [(interval.start, interval.end) for interval in intervals]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- SPEC 2 mapping table ----------------------------------------------------------------


def test_mapping_rows_first_match_wins() -> None:
    busy, warnings = load("event_transparency_rows.ics")
    kinds = {uid: [i.transparency for i in items] for uid, items in by_uid(busy).items()}
    assert kinds == {
        "status-tentative": [Transparency.TENTATIVE],  # tentative row comes before OOF
        "cdo-tentative": [Transparency.TENTATIVE],
        "cdo-oof": [Transparency.OUT_OF_OFFICE],
        "cdo-workingelsewhere": [Transparency.WORKING_ELSEWHERE],
        "opaque": [Transparency.OPAQUE],
    }
    # cancelled, transparent, transparent+OOF and CDO FREE are all free
    assert warnings == []


def test_mapping_keeps_times_and_calendar_id() -> None:
    busy, _ = load("event_transparency_rows.ics")
    opaque = by_uid(busy)["opaque"][0]
    assert (opaque.start, opaque.end) == (t("2026-03-10T10:00:00Z"), t("2026-03-10T11:00:00Z"))
    assert opaque.calendar_id == "cal"
    assert opaque.event_id is None and not opaque.managed


ME = AccountSettings(emails=("me@example.org", "me2@example.org"))


def test_declined_attendee_is_free_case_and_mailto_insensitive() -> None:
    busy, _ = load("event_attendee_partstat.ics", ME)
    grouped = by_uid(busy)
    assert "declined-upper-mailto" not in grouped  # MAILTO:Me@Example.ORG
    assert "declined-then-transparent" not in grouped  # no mailto: in the ATTENDEE value
    assert grouped["declined-other-address"][0].transparency is Transparency.OPAQUE
    assert grouped["tentative-second-address"][0].transparency is Transparency.TENTATIVE
    assert grouped["no-partstat"][0].transparency is Transparency.OPAQUE  # NEEDS-ACTION


def test_account_emails_given_with_mailto_still_match() -> None:
    account = AccountSettings(emails=("MAILTO:ME@example.org",))
    busy, _ = load("event_attendee_partstat.ics", account)
    assert "declined-upper-mailto" not in by_uid(busy)


def test_attendee_partstat_ignored_without_account_emails() -> None:
    busy, _ = load("event_attendee_partstat.ics")
    grouped = by_uid(busy)
    assert grouped["declined-upper-mailto"][0].transparency is Transparency.TENTATIVE
    assert grouped["tentative-second-address"][0].transparency is Transparency.OPAQUE


# --- VFREEBUSY ---------------------------------------------------------------------------


def test_freebusy_fbtypes_and_comma_lists() -> None:
    busy, warnings = load("freebusy_fbtypes.ics")
    assert warnings == []
    periods = [(i.start, i.end, i.transparency, i.event_uid, i.event_id) for i in busy]
    opaque, tentative = Transparency.OPAQUE, Transparency.TENTATIVE
    assert periods == [
        (t("2026-03-02T09:00:00Z"), t("2026-03-02T10:00:00Z"), opaque, "fb-1", None),
        (t("2026-03-03T09:00:00Z"), t("2026-03-03T10:00:00Z"), opaque, "fb-1", None),
        (t("2026-03-04T09:00:00Z"), t("2026-03-04T10:00:00Z"), opaque, "fb-1", None),
        (t("2026-03-05T09:00:00Z"), t("2026-03-05T10:00:00Z"), tentative, "fb-1", None),
        (t("2026-03-06T09:00:00Z"), t("2026-03-06T09:30:00Z"), tentative, "fb-1", None),
        # FBTYPE=FREE on 03-07 gives nothing; an unknown FBTYPE is busy
        (t("2026-03-08T09:00:00Z"), t("2026-03-08T10:00:00Z"), opaque, "fb-1", None),
        (
            t("2026-03-09T09:00:00Z"),
            t("2026-03-09T10:00:00Z"),
            opaque,
            "event-beside-freebusy",
            None,
        ),
    ]


def test_ifb_file_without_uid() -> None:
    busy, _ = load("busy_file.ifb")
    assert spans(busy) == [(t("2026-03-02T09:00:00Z"), t("2026-03-02T10:00:00Z"))]
    assert busy[0].event_uid is None and busy[0].event_id is None


# --- time zones --------------------------------------------------------------------------


def test_google_x_wr_timezone_weekly_stays_at_local_time_across_dst() -> None:
    busy, warnings = load("google_x_wr_timezone_weekly.ics", AccountSettings(tzid="Europe/Paris"))
    assert warnings == []
    standup = by_uid(busy)["weekly-standup@google.com"]
    # 09:00 New York: EST (UTC-5) on 2 March, EDT (UTC-4) after 8 March.
    assert spans(standup) == [
        (t("2026-03-02T09:00:00-05:00"), t("2026-03-02T09:30:00-05:00")),
        (t("2026-03-09T09:00:00-04:00"), t("2026-03-09T09:30:00-04:00")),
        (t("2026-03-16T09:00:00-04:00"), t("2026-03-16T09:30:00-04:00")),
    ]


def test_x_wr_timezone_reads_floating_and_all_day_in_that_zone() -> None:
    busy, _ = load("google_x_wr_timezone_weekly.ics", AccountSettings(tzid="Europe/Paris"))
    grouped = by_uid(busy)
    lunch = grouped["floating-lunch@google.com"]
    assert spans(lunch) == [(t("2026-03-02T12:00:00-05:00"), t("2026-03-02T13:00:00-05:00"))]
    offsite = grouped["all-day@google.com"]
    assert spans(offsite) == [(t("2026-03-03T00:00:00-05:00"), t("2026-03-04T00:00:00-05:00"))]


def test_unusable_x_wr_timezone_is_ignored_with_a_warning() -> None:
    busy, warnings = load("x_wr_timezone_unknown.ics", AccountSettings(tzid="Asia/Tokyo"))
    assert len(warnings) == 1
    assert "x_wr_timezone_unknown.ics" in warnings[0] and "Mars/Olympus_Mons" in warnings[0]
    assert spans(busy) == [(t("2026-03-02T09:00:00+09:00"), t("2026-03-02T10:00:00+09:00"))]


def test_floating_times_read_in_account_zone_keep_wall_time_across_dst() -> None:
    busy, _ = load("event_dt_floating_weekly.ics", AccountSettings(tzid="America/New_York"))
    grouped = by_uid(busy)
    assert spans(grouped["floating-weekly"]) == [
        (t("2026-03-02T09:00:00-05:00"), t("2026-03-02T10:00:00-05:00")),
        (t("2026-03-09T09:00:00-04:00"), t("2026-03-09T10:00:00-04:00")),
    ]
    # The account's zone never moves a UTC-written time.
    assert spans(grouped["utc-written"]) == [(t("2026-03-03T09:00:00Z"), t("2026-03-03T10:00:00Z"))]


def test_floating_times_without_any_zone_are_utc() -> None:
    busy, _ = load("event_dt_floating_weekly.ics")
    assert by_uid(busy)["floating-weekly"][0].start == t("2026-03-02T09:00:00Z")


def test_floating_event_near_window_edge_uses_local_time() -> None:
    # 09:00 in Tokyo is 00:00Z: a window starting at 00:30Z must not include it ...
    account = AccountSettings(tzid="Asia/Tokyo")
    window = (t("2026-03-02T00:30:00Z"), t("2026-03-02T02:00:00Z"))
    busy, _ = load("event_dt_floating_weekly.ics", account, window)
    assert spans(busy) == [(t("2026-03-02T00:00:00Z"), t("2026-03-02T01:00:00Z"))]
    # ... as it overlaps; one ending at 00:00Z must not.
    window = (t("2026-03-01T20:00:00Z"), t("2026-03-02T00:00:00Z"))
    busy, _ = load("event_dt_floating_weekly.ics", account, window)
    assert busy == []


def test_all_day_events_in_account_zone_and_23_hours_across_dst() -> None:
    busy, _ = load("event_d_all_day.ics", AccountSettings(tzid="America/New_York"))
    grouped = by_uid(busy)
    dst_day = grouped["all-day-dst"][0]
    assert (dst_day.start, dst_day.end) == (
        t("2026-03-08T00:00:00-05:00"),
        t("2026-03-09T00:00:00-04:00"),
    )
    assert dst_day.end - dst_day.start == 23 * HOUR
    no_end = grouped["all-day-no-end"][0]  # a date start without DTEND lasts one day
    assert (no_end.start, no_end.end) == (
        t("2026-03-10T00:00:00-04:00"),
        t("2026-03-11T00:00:00-04:00"),
    )
    two_days = grouped["all-day-two-days"][0]
    assert two_days.end - two_days.start == 48 * HOUR


def test_all_day_25_hours_when_clocks_go_back() -> None:
    busy, _ = load("event_d_all_day.ics", AccountSettings(tzid="America/New_York"))
    fall_back = by_uid(busy)["all-day-fall-back"][0]
    assert fall_back.start == t("2026-11-01T00:00:00-04:00")
    assert fall_back.end - fall_back.start == 25 * HOUR


def test_all_day_without_any_zone_is_utc_midnight() -> None:
    busy, _ = load("event_d_all_day.ics")
    day = by_uid(busy)["all-day-dst"][0]
    assert (day.start, day.end) == (t("2026-03-08T00:00:00Z"), t("2026-03-09T00:00:00Z"))


def test_unknown_tzid_warns_and_reads_in_calendar_zone() -> None:
    busy, warnings = load("event_dt_unknown_tzid.ics", AccountSettings(tzid="Europe/Lisbon"))
    assert len(warnings) == 1
    assert "event_dt_unknown_tzid.ics" in warnings[0]
    assert "Nowhere/Special" in warnings[0] and "unknown-tzid" in warnings[0]
    grouped = by_uid(busy)
    assert spans(grouped["unknown-tzid"]) == [
        (t("2026-03-02T09:00:00Z"), t("2026-03-02T10:00:00Z"))  # Lisbon is UTC+0 in March
    ]
    assert grouped["iana-tzid"][0].start == t("2026-03-03T09:00:00+01:00")
    assert grouped["windows-tzid"][0].start == t("2026-03-04T09:00:00+01:00")


def test_unknown_tzid_with_account_zone_new_york() -> None:
    busy, _ = load("event_dt_unknown_tzid.ics", AccountSettings(tzid="America/New_York"))
    assert by_uid(busy)["unknown-tzid"][0].start == t("2026-03-02T09:00:00-05:00")


def test_custom_vtimezone_definitions_do_not_leak_between_files() -> None:
    plus_one, _ = load("event_dt_custom_vtimezone_plus_one.ics")
    plus_five, _ = load("event_dt_custom_vtimezone_plus_five.ics")
    assert plus_one[0].start == t("2026-03-02T09:00:00+01:00")
    assert plus_five[0].start == t("2026-03-02T09:00:00+05:00")


def test_custom_tzid_not_defined_in_this_file_is_unknown(tmp_path: Path) -> None:
    load("event_dt_custom_vtimezone_plus_one.ics")  # icalendar caches the definition
    text = (FIXTURES / "event_dt_custom_vtimezone_plus_one.ics").read_text()
    without_zone = text[: text.index("BEGIN:VTIMEZONE")] + "END:VCALENDAR\n"
    busy, warnings = load(write(tmp_path, "no_zone.ics", without_zone.encode()))
    assert busy[0].start == t("2026-03-02T09:00:00Z")
    assert any("Customized Time Zone" in warning for warning in warnings)


# --- recurrences -------------------------------------------------------------------------


def test_exdate_and_rdate_including_periods() -> None:
    busy, warnings = load("event_rrule_exdate_rdate.ics")
    assert warnings == []
    assert spans(busy) == [
        (t("2026-03-02T09:00:00Z"), t("2026-03-02T09:30:00Z")),
        # 03-03 is excluded by EXDATE
        (t("2026-03-04T09:00:00Z"), t("2026-03-04T09:30:00Z")),
        (t("2026-03-05T09:00:00Z"), t("2026-03-05T09:30:00Z")),
        (t("2026-03-10T09:00:00Z"), t("2026-03-10T09:30:00Z")),  # RDATE
        (t("2026-03-11T12:00:00Z"), t("2026-03-11T15:00:00Z")),  # RDATE PERIOD with end
        (t("2026-03-12T12:00:00Z"), t("2026-03-12T14:00:00Z")),  # RDATE PERIOD with duration
    ]


def test_recurrence_id_overrides() -> None:
    busy, warnings = load("event_recurrence_id_overrides.ics")
    assert warnings == []
    rows = [(i.start, i.end, i.transparency, i.event_id, i.summary, i.tags) for i in busy]
    opaque, tentative = Transparency.OPAQUE, Transparency.TENTATIVE
    master_tags = frozenset({"master-tag"})
    assert rows == [
        (
            t("2026-03-02T10:00:00Z"),
            t("2026-03-02T11:00:00Z"),
            opaque,
            "evt-42",
            "Master",
            master_tags,
        ),
        # moved and made tentative; content is the override's own, identity the series'
        (
            t("2026-03-03T15:00:00Z"),
            t("2026-03-03T17:00:00Z"),
            tentative,
            "evt-42",
            "Moved",
            frozenset(),
        ),
        # 03-04 cancelled; 03-05 carries its own event id
        (
            t("2026-03-05T10:00:00Z"),
            t("2026-03-05T10:30:00Z"),
            opaque,
            "evt-own",
            None,
            frozenset(),
        ),
    ]
    assert {i.event_uid for i in busy} == {"series"}


def test_duplicate_uid_higher_sequence_then_first_in_file() -> None:
    busy, _ = load("event_duplicate_uid_sequence.ics")
    grouped = by_uid(busy)
    assert [i.summary for i in grouped["dup-seq"]] == ["new"]
    assert [i.summary for i in grouped["dup-tie"]] == ["first"]


def test_recurring_series_outside_window_is_not_returned() -> None:
    window = (t("2026-03-04T00:00:00Z"), t("2026-03-05T00:00:00Z"))
    busy, _ = load("event_rrule_exdate_rdate.ics", window=window)
    assert spans(busy) == [(t("2026-03-04T09:00:00Z"), t("2026-03-04T09:30:00Z"))]


def test_intervals_overlapping_window_edge_are_not_clipped() -> None:
    window = (t("2026-03-11T13:00:00Z"), t("2026-03-11T14:00:00Z"))
    busy, _ = load("event_rrule_exdate_rdate.ics", window=window)
    assert spans(busy) == [(t("2026-03-11T12:00:00Z"), t("2026-03-11T15:00:00Z"))]


# --- lengths, content --------------------------------------------------------------------


def test_duration_and_zero_length_dropped() -> None:
    busy, warnings = load("event_lengths.ics")
    assert warnings == []
    assert spans(busy) == [(t("2026-03-02T10:00:00Z"), t("2026-03-02T11:30:00Z"))]


def test_categories_tags_class_private_and_summary() -> None:
    busy, _ = load("event_categories_class.ics")
    grouped = by_uid(busy)
    tagged = grouped["tagged-private"][0]
    assert tagged.tags == frozenset({"Interview", "onsite", "Urgent"})
    assert tagged.private and tagged.summary == "Dentist"
    assert grouped["confidential"][0].private
    assert grouped["confidential"][0].summary is None
    public = grouped["public"][0]
    assert not public.private and public.tags == frozenset() and public.summary == "Standup"


# --- broken input ------------------------------------------------------------------------


def test_broken_components_are_skipped_with_file_line_and_uid() -> None:
    busy, warnings = load("broken_components_skipped.ics")
    assert sorted({i.event_uid for i in busy}) == ["good-after", "good-before"]
    expected = {
        "bad-line": "line 12",
        "bad-value": "line 18",
        "two-dtstarts": "line 23",
        "no-dtstart": "line 26",
        "end-before-start": "line 33",
        "bad-rrule": "line 39",
    }
    assert len(warnings) == len(expected)
    for uid, line in expected.items():
        matching = [w for w in warnings if f"UID {uid})" in w]
        assert len(matching) == 1, (uid, warnings)
        assert "broken_components_skipped.ics" in matching[0]
        assert f"{line}:" in matching[0], (uid, matching[0])


def test_truncated_file_is_calendar_data_error() -> None:
    with pytest.raises(CalendarDataError) as caught:
        load("truncated.ics")
    assert caught.value.path.name == "truncated.ics"
    assert "truncated" in caught.value.message


def test_non_icalendar_file_is_calendar_data_error() -> None:
    with pytest.raises(CalendarDataError) as caught:
        load("not_icalendar.ics")
    assert caught.value.path.name == "not_icalendar.ics"
    assert "not an iCalendar file" in caught.value.message


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\x89PNG\r\n\x1a\n\x00\x00"])
def test_empty_or_binary_file_is_calendar_data_error(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(CalendarDataError):
        load(write(tmp_path, "odd.ics", content))


def test_missing_file_and_directory_are_calendar_data_errors(tmp_path: Path) -> None:
    with pytest.raises(CalendarDataError) as caught:
        load(tmp_path / "missing.ics")
    assert "missing.ics" in str(caught.value)
    (tmp_path / "folder.ics").mkdir()
    with pytest.raises(CalendarDataError) as caught:
        load(tmp_path / "folder.ics")
    assert "directory" in caught.value.message


def test_path_below_a_file_is_calendar_data_error(tmp_path: Path) -> None:
    parent = write(tmp_path, "plain", b"")
    with pytest.raises(CalendarDataError) as caught:
        load(parent / "cal.ics")
    assert "cannot be read" in caught.value.message


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions")
def test_unreadable_file_is_calendar_data_error(tmp_path: Path) -> None:
    path = write(tmp_path, "secret.ics", (FIXTURES / "busy_file.ifb").read_bytes())
    path.chmod(0)
    try:
        with pytest.raises(CalendarDataError) as caught:
            load(path)
        assert "permission" in caught.value.message
    finally:
        path.chmod(0o600)


EVENT_LINES = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "BEGIN:VEVENT",
    "UID:folded",
    "DTSTART:20260302T1000",
    " 00Z",
    "DTEND:20260302T110000Z",
    "SUMMARY:Caf\u00e9 with a long",
    "\t title",
    "END:VEVENT",
    "END:VCALENDAR",
]


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_line_endings_folding_and_bom(tmp_path: Path, newline: str, bom: bytes) -> None:
    data = bom + newline.join(EVENT_LINES).encode("utf-8") + newline.encode()
    busy, warnings = load(write(tmp_path, "folded.ics", data))
    assert warnings == []
    assert spans(busy) == [(t("2026-03-02T10:00:00Z"), t("2026-03-02T11:00:00Z"))]
    assert busy[0].summary == "Café with a long title"


def test_latin1_file_is_read_with_a_warning(tmp_path: Path) -> None:
    data = "\n".join(EVENT_LINES).encode("latin-1")
    busy, warnings = load(write(tmp_path, "latin1.ics", data))
    assert busy[0].summary == "Café with a long title"
    assert len(warnings) == 1 and "latin1.ics" in warnings[0] and "UTF-8" in warnings[0]


def test_unclosed_component_is_skipped_and_rest_used(tmp_path: Path) -> None:
    lines = [*EVENT_LINES[:3], "UID:open", "DTSTART:20260301T100000Z", *EVENT_LINES[2:]]
    busy, warnings = load(write(tmp_path, "open.ics", "\n".join(lines).encode()))
    assert [i.event_uid for i in busy] == ["folded"]
    assert len(warnings) == 1 and "UID open" in warnings[0] and "line 3" in warnings[0]


def test_several_vcalendars_in_one_file(tmp_path: Path) -> None:
    one = "\n".join(EVENT_LINES)
    two = one.replace("UID:folded", "UID:second").replace("20260302", "20260303")
    busy, _ = load(write(tmp_path, "two.ics", (one + "\n" + two + "\n").encode()))
    assert [i.event_uid for i in busy] == ["folded", "second"]


# --- invariants --------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(
    start=st.integers(min_value=WINDOW[0] - 30 * 86400, max_value=WINDOW[1]),
    length=st.integers(min_value=0, max_value=60 * 86400),
)
def test_result_is_sorted_and_overlaps_window(start: int, length: int) -> None:
    window = (start, start + length)
    busy, _ = load("event_rrule_exdate_rdate.ics", window=window)
    full, _ = load("event_rrule_exdate_rdate.ics")
    assert busy == sorted(busy, key=lambda i: (i.start, i.end))
    assert busy == [i for i in full if i.start < window[1] and i.end > window[0]]


# --- series that do not expand, zones that must not leak, the private expansion API ------


def test_series_that_does_not_expand_is_skipped_alone(tmp_path: Path) -> None:
    lines = [
        *EVENT_LINES[:-1],
        "BEGIN:VEVENT",
        "UID:chinese-new-year",
        "DTSTART;VALUE=DATE:20260217",
        "RRULE:RSCALE=CHINESE;FREQ=YEARLY",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:negative",
        "DTSTART:20260304T100000Z",
        "DURATION:-PT1H",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    busy, warnings = load(write(tmp_path, "rscale.ics", "\n".join(lines).encode()))
    assert [i.event_uid for i in busy] == ["folded"]
    warnings = [w for w in warnings if ZONELESS_WARNING not in w]  # the all-day date
    assert len(warnings) == 2
    assert any("UID chinese-new-year" in w and "line 14:" in w for w in warnings), warnings
    assert any("UID negative" in w and "line 19:" in w for w in warnings), warnings


CUSTOM_WINDOWS_NAMED_ZONE = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//cronoslot tests//EN
BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16010101T000000
TZOFFSETFROM:+0500
TZOFFSETTO:+0500
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:custom-windows
DTSTART;TZID=W. Europe Standard Time:20260304T090000
DTEND;TZID=W. Europe Standard Time:20260304T100000
END:VEVENT
END:VCALENDAR
"""


def test_another_files_definition_of_a_known_name_does_not_leak(tmp_path: Path) -> None:
    # icalendar caches VTIMEZONEs process-wide; a file that (oddly) defines a Windows name
    # must not change how the next file reads that name.
    load(write(tmp_path, "odd.ics", CUSTOM_WINDOWS_NAMED_ZONE))
    busy, warnings = load("event_dt_unknown_tzid.ics", AccountSettings(tzid="Europe/Lisbon"))
    assert len(warnings) == 1
    assert by_uid(busy)["windows-tzid"][0].start == t("2026-03-04T09:00:00+01:00")


def test_expansion_without_private_occurrences_answers_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The loader reads occurrences through recurring-ical-events' private
    # ``_occurrences_between``; without it, the public ``between`` gives the same answer.
    import icalendar
    import recurring_ical_events

    data = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:w\r\nSUMMARY:weekly\r\nCATEGORIES:a,b\r\n"
        b"DTSTART;TZID=Europe/London:20260302T090000\r\nDURATION:PT30M\r\n"
        b"RRULE:FREQ=WEEKLY;COUNT=6\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:w\r\n"
        b"RECURRENCE-ID;TZID=Europe/London:20260309T090000\r\nSUMMARY:moved\r\n"
        b"DTSTART;TZID=Europe/London:20260310T150000\r\n"
        b"DTEND;TZID=Europe/London:20260310T160000\r\nSTATUS:TENTATIVE\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:d\r\nDTSTART;VALUE=DATE:20260320\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )

    def answer() -> list[BusyInterval]:
        return load_calendar_bytes(
            data,
            path=Path("x.ics"),
            calendar_id="c",
            settings=AccountSettings(tzid="Europe/London"),
            window=(parse_time("2026-03-01T00:00:00Z"), parse_time("2026-04-20T00:00:00Z")),
            warn=lambda _m: None,
        )

    from cronoslot.ical import expand

    private = answer()
    assert hasattr(recurring_ical_events.of(icalendar.Calendar()), expand._PRIVATE_OCCURRENCES)
    monkeypatch.setattr(expand, "_PRIVATE_OCCURRENCES", "no_such_method")
    public = answer()
    assert private == public
    assert len(private) == 7
    assert [b.summary for b in private].count("moved") == 1


# --- the package's front door ------------------------------------------------------------


def test_public_api_and_signature() -> None:
    assert {"load_calendar_bytes", "decode_calendar_bytes", "Shortcuts", "PLAIN"} <= set(
        ical.__all__
    )
    parameters = inspect.signature(ical.load_calendar_bytes).parameters
    assert list(parameters) == [
        "data",
        "path",
        "calendar_id",
        "settings",
        "window",
        "warn",
        "shortcuts",
        "on_warning",
    ]
    assert all(p.kind is p.KEYWORD_ONLY for name, p in parameters.items() if name != "data")
    assert parameters["shortcuts"].default == ical.Shortcuts()
    assert ical.Shortcuts(prefilter=False, shift_series=False, simple_events=False) == ical.PLAIN


def test_importing_the_package_loads_no_parser() -> None:
    heavy = ["icalendar", "recurring_ical_events", "x_wr_timezone", "cronoslot.store"]
    code = f"import sys, cronoslot.ical; print([m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_path_may_be_a_string() -> None:
    data = (FIXTURES / "busy_file.ifb").read_bytes()
    kwargs: dict[str, Any] = {
        "calendar_id": "cal",
        "settings": NO_SETTINGS,
        "window": WINDOW,
        "warn": lambda _m: None,
    }
    as_text = load_calendar_bytes(data, path=str(FIXTURES / "busy_file.ifb"), **kwargs)
    assert as_text == load_file(FIXTURES / "busy_file.ifb", **kwargs)
    with pytest.raises(CalendarDataError) as caught:
        load_calendar_bytes(b"nothing", path="named.ics", **kwargs)
    assert caught.value.path == Path("named.ics")


# --- several threads at once -------------------------------------------------------------

THREADED = [
    ("google_x_wr_timezone_weekly.ics", AccountSettings(tzid="Europe/Paris")),
    ("event_dt_unknown_tzid.ics", AccountSettings(tzid="Europe/Lisbon")),
    ("event_dt_custom_vtimezone_plus_one.ics", NO_SETTINGS),
    ("event_dt_custom_vtimezone_plus_five.ics", NO_SETTINGS),
    ("broken_components_skipped.ics", NO_SETTINGS),
    ("event_recurrence_id_overrides.ics", NO_SETTINGS),
    ("freebusy_fbtypes.ics", NO_SETTINGS),
]


def test_threads_answer_as_one_thread_and_leave_warning_filters_alone() -> None:
    expected = {name: load(name, account) for name, account in THREADED}
    filters_before = list(python_warnings.filters)
    start = threading.Barrier(8)

    def run(round_: int) -> list[tuple[list[BusyInterval], list[str]]]:
        start.wait()
        order = THREADED[round_ % len(THREADED) :] + THREADED[: round_ % len(THREADED)]
        return [load(name, account) for name, account in order for _ in range(2)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        rounds = list(pool.map(run, range(8)))
    for round_, answers in enumerate(rounds):
        order = THREADED[round_ % len(THREADED) :] + THREADED[: round_ % len(THREADED)]
        names = [name for name, _ in order for _ in range(2)]
        assert answers == [expected[name] for name in names]
    assert python_warnings.filters == filters_before


def test_a_warn_callback_may_load_another_calendar() -> None:
    # The loader holds a lock while parsing; a callback that loads again must not hang.
    inner: list[list[BusyInterval]] = []

    def warn(_message: str) -> None:
        inner.append(load("busy_file.ifb")[0])

    busy = load_file(
        FIXTURES / "event_dt_unknown_tzid.ics",
        calendar_id="cal",
        settings=NO_SETTINGS,
        window=WINDOW,
        warn=warn,
    )
    assert len(busy) == 3 and len(inner) == 1 and len(inner[0]) == 1
