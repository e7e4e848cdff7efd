"""The window pre-filter (``prefilter.py``) and the fast loading paths (``Shortcuts``)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cronoslot.errors import CalendarDataError
from cronoslot.ical import PLAIN, Shortcuts, load_calendar_bytes
from cronoslot.ical.prefilter import might_touch, prefilter_components, read_duration, read_instant
from cronoslot.ical.text import NotICalendar, RawComponent, split_calendar_text
from cronoslot.models import AccountSettings, BusyInterval
from cronoslot.timeutil import DAY, parse_time

# A March 2026 query.
WINDOW = (parse_time("2026-03-01T00:00:00Z"), parse_time("2026-04-05T00:00:00Z"))


def t(text: str) -> int:
    return parse_time(text)


def components(*events: str) -> list[RawComponent]:
    """The components of a calendar holding ``events`` (each a VEVENT's inner lines)."""
    body = "".join(f"BEGIN:VEVENT\n{event.strip()}\nEND:VEVENT\n" for event in events)
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\n{body}END:VCALENDAR\n"
    return split_calendar_text(text).calendars[0].components


def touches(event: str, window: tuple[int, int] = WINDOW) -> bool:
    (raw,) = components(event)
    return might_touch(raw, window)


def kept_uids(*events: str) -> list[str | None]:
    return [raw.uid for raw in prefilter_components(components(*events), WINDOW)]


# --- reading values ----------------------------------------------------------------------


def test_read_instant_forms() -> None:
    assert read_instant("20260301") == (t("2026-03-01T00:00:00Z"), True)
    assert read_instant("20260301T093000") == (t("2026-03-01T09:30:00Z"), False)
    assert read_instant(" 20260301T093000Z ") == (t("2026-03-01T09:30:00Z"), False)
    for bad in ("2026-03-01", "20261301", "20260230", "20260301T250000", "", "20260301T09"):
        assert read_instant(bad) is None


def test_read_duration_forms() -> None:
    assert read_duration("PT1H30M") == 5400
    assert read_duration("P1W") == 7 * DAY
    assert read_duration("P1DT2H") == DAY + 7200
    assert read_duration("+PT0S") == 0
    for bad in ("-PT1H", "P", "PT", "1H", "P1H"):
        assert read_duration(bad) is None


# --- single events -------------------------------------------------------------------------


def test_single_far_past_and_far_future_are_dropped() -> None:
    assert not touches("UID:a\nDTSTART:20250101T090000Z\nDTEND:20250101T100000Z")
    assert not touches("UID:a\nDTSTART:20270101T090000Z\nDTEND:20270101T100000Z")
    assert not touches("UID:a\nDTSTART;TZID=Europe/London:20270101T090000\nDURATION:PT1H")


def test_single_near_or_inside_is_kept() -> None:
    assert touches("UID:a\nDTSTART:20260310T090000Z\nDTEND:20260310T100000Z")
    # Just outside the window as written: a zone can move it inside.
    assert touches("UID:a\nDTSTART;TZID=Pacific/Kiritimati:20260405T080000\nDURATION:PT1H")
    assert touches("UID:a\nDTSTART:20260228T200000\nDTEND:20260228T230000")  # floating


def test_long_event_spanning_the_window_is_kept() -> None:
    assert touches("UID:a\nDTSTART:20250101T090000Z\nDTEND:20270101T100000Z")
    assert touches("UID:a\nDTSTART;VALUE=DATE:20260101\nDURATION:P20W")


def test_all_day_events_near_edges() -> None:
    assert touches("UID:a\nDTSTART;VALUE=DATE:20260228")  # one day: ends at the start
    assert touches("UID:a\nDTSTART;VALUE=DATE:20260405")
    assert not touches("UID:a\nDTSTART;VALUE=DATE:20260220")
    assert not touches("UID:a\nDTSTART;VALUE=DATE:20260410\nDTEND;VALUE=DATE:20260411")


def test_floating_times_near_edges_are_kept_far_ones_dropped() -> None:
    assert touches("UID:a\nDTSTART:20260404T230000\nDTEND:20260405T020000")
    assert touches("UID:a\nDTSTART:20260226T230000\nDTEND:20260227T020000")
    assert not touches("UID:a\nDTSTART:20260220T230000\nDTEND:20260221T020000")


def test_zero_length_without_end_uses_start() -> None:
    assert not touches("UID:a\nDTSTART:20260201T090000Z")
    assert touches("UID:a\nDTSTART:20260301T090000Z")


def test_unreadable_values_are_kept() -> None:
    assert touches("UID:a\nDTSTART:2025-01-01T09:00:00Z\nDTEND:20250101T100000Z")
    assert touches("UID:a\nDTSTART:20251301T090000Z\nDTEND:20250101T100000Z")
    assert touches("UID:a\nDTEND:20250101T100000Z")  # no DTSTART
    assert touches("UID:a\nDTSTART:20250101T090000Z\nDTSTART:20250101T090000Z")
    assert touches("UID:a\nDTSTART:20250101T090000Z\nDTEND:garbage")
    assert touches("UID:a\nDTSTART:20250101T090000Z\nDURATION:-PT1H")
    assert touches("UID:a\nDTSTART:20250101T100000Z\nDTEND:20250101T090000Z")  # end < start


def test_properties_inside_an_alarm_are_not_the_events() -> None:
    event = (
        "UID:a\nDTSTART:20250101T090000Z\nDTEND:20250101T100000Z\n"
        "BEGIN:VALARM\nACTION:DISPLAY\nRDATE:20260310T090000Z\nEND:VALARM"
    )
    assert not touches(event)


# --- series ----------------------------------------------------------------------------------


def test_series_ended_by_until_before_the_window_is_dropped() -> None:
    assert not touches(
        "UID:a\nDTSTART:20230102T090000Z\nDTEND:20230102T100000Z\n"
        "RRULE:FREQ=WEEKLY;UNTIL=20251231T235959Z"
    )
    # UNTIL just before the window: an occurrence can still reach into it.
    assert touches(
        "UID:a\nDTSTART:20230102T090000Z\nDTEND:20230102T100000Z\n"
        "RRULE:FREQ=WEEKLY;UNTIL=20260227T090000Z"
    )
    # Long occurrences reach further than UNTIL.
    assert touches(
        "UID:a\nDTSTART;VALUE=DATE:20230102\nDURATION:P30D\nRRULE:FREQ=MONTHLY;UNTIL=20260201"
    )


def test_series_without_until_or_with_count_or_rdate_is_kept() -> None:
    assert touches("UID:a\nDTSTART:20230102T090000Z\nRRULE:FREQ=WEEKLY")
    assert touches("UID:a\nDTSTART:20230102T090000Z\nRRULE:FREQ=WEEKLY;COUNT=3")
    assert touches(
        "UID:a\nDTSTART:20230102T090000Z\nRRULE:FREQ=WEEKLY;UNTIL=20230201T000000Z\n"
        "RDATE:20260310T090000Z"
    )
    assert touches("UID:a\nDTSTART:20270102T090000Z\nRDATE:20260310T090000Z")
    assert touches("UID:a\nDTSTART:20230102T090000Z\nRRULE:FREQ=WEEKLY;UNTIL=someday")


def test_series_starting_after_the_window_is_dropped() -> None:
    assert not touches("UID:a\nDTSTART:20260501T090000Z\nRRULE:FREQ=DAILY")
    assert touches("UID:a\nDTSTART:20260405T090000Z\nRRULE:FREQ=DAILY")


def test_override_moved_into_the_window_keeps_its_far_series() -> None:
    master = (
        "UID:s\nDTSTART:20230102T090000Z\nDTEND:20230102T100000Z\n"
        "RRULE:FREQ=WEEKLY;UNTIL=20231231T000000Z"
    )
    override = (
        "UID:s\nRECURRENCE-ID:20230109T090000Z\nDTSTART:20260310T090000Z\nDTEND:20260310T100000Z"
    )
    far_single = "UID:x\nDTSTART:20200101T090000Z\nDTEND:20200101T100000Z"
    assert kept_uids(master, far_single, override) == ["s", "s"]
    assert kept_uids(master, far_single) == []


def test_override_of_a_near_series_moved_far_away_is_kept_with_it() -> None:
    master = "UID:s\nDTSTART:20260302T090000Z\nDTEND:20260302T100000Z\nRRULE:FREQ=WEEKLY"
    override = (
        "UID:s\nRECURRENCE-ID:20260309T090000Z\nDTSTART:20290310T090000Z\nDTEND:20290310T100000Z"
    )
    assert kept_uids(override, master) == ["s", "s"]
    # On its own it is kept too: the occurrence it replaces is in the window.
    (raw,) = components(override)
    assert might_touch(raw, WINDOW)


def test_range_override_is_kept() -> None:
    assert touches(
        "UID:s\nRECURRENCE-ID;RANGE=THISANDFUTURE:20230109T090000Z\n"
        "DTSTART:20230110T090000Z\nDTEND:20230110T100000Z"
    )


def test_duplicate_masters_stay_together() -> None:
    near = "UID:d\nSEQUENCE:1\nDTSTART:20260310T090000Z\nDTEND:20260310T100000Z"
    far = "UID:d\nSEQUENCE:2\nDTSTART:20290310T090000Z\nDTEND:20290310T100000Z"
    assert kept_uids(far, near) == ["d", "d"]
    assert kept_uids(near, far) == ["d", "d"]


def test_components_without_uid_are_alone_and_others_are_kept() -> None:
    text = (
        "BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:X\nEND:VTIMEZONE\n"
        "BEGIN:VEVENT\nDTSTART:20200101T090000Z\nEND:VEVENT\n"
        "BEGIN:VEVENT\nDTSTART:20260310T090000Z\nDTEND:20260310T100000Z\nEND:VEVENT\n"
        "BEGIN:VFREEBUSY\nFREEBUSY:20200101T090000Z/PT1H\nEND:VFREEBUSY\n"
        "BEGIN:VTODO\nDTSTART:20200101T090000Z\nEND:VTODO\nEND:VCALENDAR\n"
    )
    raws = split_calendar_text(text).calendars[0].components
    kept = prefilter_components(raws, WINDOW)
    assert [raw.name for raw in kept] == ["VTIMEZONE", "VEVENT", "VFREEBUSY", "VTODO"]
    assert kept[1] is raws[2]


def test_uid_spellings_icalendar_reads_as_one_are_one_group() -> None:
    near = "UID:a\\,b\nDTSTART:20260310T090000Z\nDTEND:20260310T100000Z"
    # A far master with another spelling of the UID stays with the near one.
    far = "UID:a,b\nSEQUENCE:3\nDTSTART:20200101T090000Z\nDTEND:20200101T100000Z"
    assert len(kept_uids(far, near)) == 2


# --- overrides are kept or dropped one by one ----------------------------------------------

NEAR_SERIES = "UID:s\nDTSTART:20260302T090000Z\nDTEND:20260302T100000Z\nRRULE:FREQ=WEEKLY"


def override(replaced: str, start: str, extra: str = "") -> str:
    """An override of series ``s`` (times as ``YYYYMMDDTHHMMSSZ``) lasting an hour."""
    end = start[:9] + f"{int(start[9:11]) + 1:02d}" + start[11:]
    return f"UID:s\nRECURRENCE-ID{extra}:{replaced}\nDTSTART:{start}\nDTEND:{end}"


def test_far_override_of_a_near_series_is_dropped_alone() -> None:
    far = override("20230109T090000Z", "20230110T090000Z")
    near = override("20260309T090000Z", "20260310T150000Z")
    kept = prefilter_components(components(NEAR_SERIES, far, near), WINDOW)
    assert [raw.text.count("RECURRENCE-ID") for raw in kept] == [0, 1]
    assert "20260309T090000Z" in kept[1].text


def test_override_moved_into_or_out_of_the_window_is_kept() -> None:
    moved_in = override("20230109T090000Z", "20260310T090000Z")
    moved_out = override("20260316T090000Z", "20290310T090000Z")
    assert len(prefilter_components(components(NEAR_SERIES, moved_in, moved_out), WINDOW)) == 3


def test_override_is_kept_when_the_masters_length_reaches_the_window() -> None:
    # The replaced occurrence (a 10-day master) would reach into the window.
    long_series = "UID:s\nDTSTART:20260101T090000Z\nDURATION:P10D\nRRULE:FREQ=WEEKLY"
    replaced = override("20260223T090000Z", "20250101T090000Z")
    assert len(prefilter_components(components(long_series, replaced), WINDOW)) == 2


def test_override_is_kept_when_a_master_is_unreadable_or_has_rdate() -> None:
    far = override("20230109T090000Z", "20230110T090000Z")
    for master in (
        "UID:s\nDTSTART:garbage\nRRULE:FREQ=WEEKLY",
        NEAR_SERIES + "\nRDATE;VALUE=PERIOD:20230109T090000Z/P40D",
    ):
        assert len(prefilter_components(components(master, far), WINDOW)) == 2


def test_override_of_another_kind_or_with_range_or_rule_is_kept() -> None:
    for odd in (
        "UID:s\nRECURRENCE-ID;VALUE=DATE:20230109\nDTSTART:20230110T090000Z",
        override("20230109T090000Z", "20230110T090000Z", ";RANGE=THISANDFUTURE"),
        override("20230109T090000Z", "20230110T090000Z") + "\nRRULE:FREQ=DAILY;COUNT=2",
        override("20230109T090000Z", "20230110T090000Z") + "\nRDATE:20230111T090000Z",
    ):
        assert len(prefilter_components(components(NEAR_SERIES, odd), WINDOW)) == 2


def test_overrides_of_one_occurrence_stay_together() -> None:
    # Two overrides of the same occurrence: the higher SEQUENCE wins, so the far one may
    # not go while the near one stays.
    near = override("20230109T090000Z", "20260310T090000Z") + "\nSEQUENCE:1"
    far = override("20230109T090000Z", "20230110T090000Z") + "\nSEQUENCE:2"
    # Written in another zone, within a day: maybe the same instant.
    far_zoned = override("20230109T180000", "20230110T090000Z", ";TZID=Asia/Tokyo")
    assert len(prefilter_components(components(NEAR_SERIES, near, far, far_zoned), WINDOW)) == 4
    # ... and by chains of them.
    chained = override("20230111T080000Z", "20230112T090000Z")
    chained_further = override("20230113T070000Z", "20230114T090000Z")
    unrelated = override("20230120T090000Z", "20230121T090000Z")
    kept = prefilter_components(
        components(NEAR_SERIES, near, chained_further, chained, unrelated), WINDOW
    )
    assert len(kept) == 4 and all("20230120" not in raw.text for raw in kept)


def test_overrides_without_master_are_dropped_when_far() -> None:
    far = override("20230109T090000Z", "20230110T090000Z")
    near = override("20230116T090000Z", "20260310T090000Z")
    kept = prefilter_components(components(far, near), WINDOW)
    assert [raw.text for raw in kept] == [components(near)[0].text]


# --- the loader with and without the fast path -----------------------------------------------


def load_both(
    data: bytes, window: tuple[int, int], tzid: str | None = None
) -> tuple[list[BusyInterval], list[BusyInterval]]:
    """(fast path, plain path) answers for the same bytes."""
    answers = []
    for shortcuts in (Shortcuts(), PLAIN):
        answers.append(
            load_calendar_bytes(
                data,
                path=Path("generated.ics"),
                calendar_id="cal",
                settings=AccountSettings(tzid=tzid),
                window=window,
                warn=lambda _message: None,
                shortcuts=shortcuts,
            )
        )
    return answers[0], answers[1]


def load_file(path: Path, **kwargs: Any) -> list[BusyInterval]:
    return load_calendar_bytes(path.read_bytes(), path=path, **kwargs)


def test_a_files_bytes_load_and_errors_name_its_path(tmp_path: Path) -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260310T090000Z\r\n"
        b"DTEND:20260310T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    path = tmp_path / "a.ics"
    path.write_bytes(data)
    settings_ = AccountSettings()
    from_file = load_file(
        path, calendar_id="c", settings=settings_, window=WINDOW, warn=lambda _m: None
    )
    from_bytes = load_calendar_bytes(
        data, path=path, calendar_id="c", settings=settings_, window=WINDOW, warn=lambda _m: None
    )
    assert from_file == from_bytes
    assert [(b.start, b.end) for b in from_file] == [
        (t("2026-03-10T09:00:00Z"), t("2026-03-10T10:00:00Z"))
    ]
    with pytest.raises(CalendarDataError, match=r"a\.ics"):
        load_calendar_bytes(
            b"not a calendar",
            path=path,
            calendar_id="c",
            settings=settings_,
            window=WINDOW,
            warn=lambda _m: None,
        )


def test_old_weekly_series_is_moved_but_keeps_dst_exdates_and_overrides() -> None:
    # Weekly 09:00 London from 2020, one EXDATE and one override in the window.
    data = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:w\r\n"
        b"DTSTART;TZID=Europe/London:20200106T090000\r\n"
        b"DTEND;TZID=Europe/London:20200106T093000\r\n"
        b"RRULE:FREQ=WEEKLY;INTERVAL=2\r\n"
        b"EXDATE;TZID=Europe/London:20260406T090000\r\n"
        b"END:VEVENT\r\nBEGIN:VEVENT\r\nUID:w\r\n"
        b"RECURRENCE-ID;TZID=Europe/London:20260323T090000\r\n"
        b"DTSTART;TZID=Europe/London:20260331T150000\r\n"
        b"DTEND;TZID=Europe/London:20260331T160000\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    fast, plain = load_both(data, (WINDOW[0], t("2026-04-21T00:00:00Z")))
    assert fast == plain
    assert [(b.start, b.end) for b in fast] == [
        (t("2026-03-09T09:00:00Z"), t("2026-03-09T09:30:00Z")),  # GMT
        # 03-23 moved to the 31st (BST); 04-06 excluded
        (t("2026-03-31T14:00:00Z"), t("2026-03-31T15:00:00Z")),
        (t("2026-04-20T08:00:00Z"), t("2026-04-20T08:30:00Z")),  # 09:00 BST
    ]


# --- generated calendars: the fast path answers as the plain one ---------------------------

ZONES = ["Europe/London", "America/New_York"]
KINDS = ["Europe/London", "America/New_York", "utc", "floating", "date"]
BASE = datetime(2023, 1, 2, 0, 0)


def _utc(moment: datetime, xwr: str | None) -> datetime:
    """A naive wall time of the X-WR-TIMEZONE (else UTC) as UTC."""
    return moment.replace(tzinfo=ZoneInfo(xwr or "UTC")).astimezone(ZoneInfo("UTC"))


def _format(moment: datetime, kind: str, xwr: str | None, name: str) -> str:
    """A DTSTART-like line for a naive local ``moment`` written in ``kind``."""
    if kind == "date":
        return f"{name};VALUE=DATE:{moment:%Y%m%d}"
    if kind == "floating":
        return f"{name}:{moment:%Y%m%dT%H%M%S}"
    if kind == "utc":
        # Google style: local wall time of the X-WR-TIMEZONE, written in UTC.
        return f"{name}:{_utc(moment, xwr):%Y%m%dT%H%M%S}Z"
    return f"{name};TZID={kind}:{moment:%Y%m%dT%H%M%S}"


@st.composite
def series_event(draw: st.DrawFn, uid: str, xwr: str | None) -> list[str]:
    kind = draw(st.sampled_from(KINDS))
    start = BASE + timedelta(
        days=draw(st.integers(0, 3 * 365)), minutes=15 * draw(st.integers(0, 95))
    )
    if kind == "date":
        start = start.replace(hour=0, minute=0)
    frequency = draw(st.sampled_from(["DAILY", "WEEKLY"]))
    interval = draw(st.integers(1, 3))
    period = timedelta(days=interval * (7 if frequency == "WEEKLY" else 1))
    length = (
        timedelta(days=1) if kind == "date" else timedelta(minutes=30 * draw(st.integers(1, 6)))
    )
    rule = f"RRULE:FREQ={frequency};INTERVAL={interval}"
    if frequency == "WEEKLY" and draw(st.booleans()):
        rule += ";BYDAY=" + ",".join(
            draw(st.sets(st.sampled_from(["MO", "TU", "WE", "TH", "FR"]), min_size=1))
        )
    ending = draw(st.sampled_from(["none", "none", "until", "count"]))
    if ending == "until":
        until = start + period * draw(st.integers(0, 300))
        rule += (
            f";UNTIL={until:%Y%m%d}"
            if kind == "date"
            else f";UNTIL={_utc(until, xwr):%Y%m%dT%H%M%S}Z"
        )
    elif ending == "count":
        rule += f";COUNT={draw(st.integers(1, 300))}"
    lines = ["BEGIN:VEVENT", f"UID:{uid}", _format(start, kind, xwr, "DTSTART")]
    lines.append(
        _format(start + length, kind, xwr, "DTEND")
        if draw(st.booleans()) or kind == "date"
        else f"DURATION:PT{int(length.total_seconds())}S"
    )
    lines.append(rule)
    for index in draw(st.lists(st.integers(0, 250), max_size=3)):
        lines.append(_format(start + period * index, kind, xwr, "EXDATE"))
    if draw(st.booleans()):
        lines.append("TRANSP:TRANSPARENT" if draw(st.booleans()) else "STATUS:TENTATIVE")
    lines.append("END:VEVENT")
    for index in draw(st.lists(st.integers(0, 250), max_size=3, unique=True)):
        moved = start + period * index + timedelta(hours=draw(st.integers(-400 * 24, 400 * 24)))
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            _format(start + period * index, kind, xwr, "RECURRENCE-ID"),
            _format(moved, kind, xwr, "DTSTART"),
            _format(moved + length, kind, xwr, "DTEND"),
            "SUMMARY:moved",
            "END:VEVENT",
        ]
    return lines


@st.composite
def single_event(draw: st.DrawFn, uid: str, xwr: str | None) -> list[str]:
    kind = draw(st.sampled_from(KINDS))
    start = BASE + timedelta(
        days=draw(st.integers(0, 4 * 365)), minutes=15 * draw(st.integers(0, 95))
    )
    if kind == "date":
        start = start.replace(hour=0, minute=0)
        length = timedelta(days=draw(st.integers(1, 40)))
    else:
        length = timedelta(minutes=15 * draw(st.integers(0, 400)))
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        _format(start, kind, xwr, "DTSTART"),
        _format(start + length, kind, xwr, "DTEND"),
        "END:VEVENT",
    ]


@st.composite
def calendars(draw: st.DrawFn) -> bytes:
    xwr = draw(st.sampled_from([None, None, *ZONES]))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    if xwr is not None:
        lines.append(f"X-WR-TIMEZONE:{xwr}")
    count = draw(st.integers(1, 6))
    for number in range(count):
        uid = f"e{number}"
        if draw(st.booleans()):
            lines += draw(series_event(uid, xwr))
        else:
            lines += draw(single_event(uid, xwr))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


@st.composite
def windows(draw: st.DrawFn) -> tuple[int, int]:
    start_day = BASE.date() + timedelta(days=draw(st.integers(0, 4 * 365)))
    if draw(st.booleans()):
        # Around a DST change of Europe or the United States (second Sunday of March...).
        year = draw(st.integers(2023, 2026))
        start_day = draw(
            st.sampled_from(
                [date(year, 3, 5), date(year, 3, 25), date(year, 10, 20), date(year, 11, 1)]
            )
        )
    start = t(f"{start_day.isoformat()}T{draw(st.integers(0, 23)):02d}:00:00Z")
    return start, start + draw(st.integers(1, 60)) * DAY


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=calendars(), window=windows(), tzid=st.sampled_from([None, "America/New_York"]))
def test_fast_path_answers_as_the_plain_path(
    data: bytes, window: tuple[int, int], tzid: str | None
) -> None:
    fast, plain = load_both(data, window, tzid)
    assert fast == plain


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=calendars(),
    window=windows(),
    tzid=st.sampled_from([None, "America/New_York"]),
    alone=st.sampled_from(["prefilter", "shift_series", "simple_events"]),
)
def test_each_shortcut_alone_answers_as_the_plain_path(
    data: bytes, window: tuple[int, int], tzid: str | None, alone: str
) -> None:
    answers = [
        load_calendar_bytes(
            data,
            path=Path("generated.ics"),
            calendar_id="cal",
            settings=AccountSettings(tzid=tzid),
            window=window,
            warn=lambda _message: None,
            shortcuts=shortcuts,
        )
        for shortcuts in (dataclasses.replace(PLAIN, **{alone: True}), PLAIN)
    ]
    assert answers[0] == answers[1]


def test_broken_event_far_from_the_window_is_not_parsed_so_not_warned() -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:far\r\nDTSTART:20200101T090000Z\r\n"
        b"DTEND:20200101T100000Z\r\nATTENDEE;=broken\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    messages: dict[bool, list[str]] = {True: [], False: []}
    for prefilter in (True, False):
        load_calendar_bytes(
            data,
            path=Path("far.ics"),
            calendar_id="c",
            settings=AccountSettings(),
            window=WINDOW,
            warn=messages[prefilter].append,
            shortcuts=Shortcuts(prefilter=prefilter),
        )
    assert messages[True] == []
    assert len(messages[False]) == 1 and "UID far" in messages[False][0]


def test_shifting_moves_old_daily_and_weekly_series_by_whole_periods() -> None:
    import icalendar

    from cronoslot.ical.series_shift import shifted_series

    def parsed(lines: str) -> Any:
        return icalendar.Event.from_ical(f"BEGIN:VEVENT\r\n{lines}END:VEVENT\r\n".encode())

    def shifted(lines: str) -> tuple[Any, Any]:
        moved = shifted_series(parsed(lines), WINDOW[0], ZoneInfo("UTC"))
        return moved["DTSTART"].dt, (moved["DTEND"].dt if "DTEND" in moved else None)

    start, end = shifted(
        "DTSTART;TZID=Europe/London:20200106T090000\r\n"
        "DTEND;TZID=Europe/London:20200106T093000\r\nRRULE:FREQ=WEEKLY;INTERVAL=2\r\n"
    )
    london = ZoneInfo("Europe/London")
    assert isinstance(start, datetime) and isinstance(end, datetime)
    assert (start.hour, start.minute, start.tzinfo) == (9, 0, london)  # wall time kept
    assert (start.date() - date(2020, 1, 6)).days % 14 == 0
    assert end - start == timedelta(minutes=30)
    assert timedelta(days=7) < datetime(2026, 3, 1, tzinfo=london) - start < timedelta(days=22)
    # COUNT, MONTHLY and recent series are left as they are.
    for lines in (
        "DTSTART:20200106T090000Z\r\nRRULE:FREQ=WEEKLY;COUNT=400\r\n",
        "DTSTART:20200106T090000Z\r\nRRULE:FREQ=MONTHLY\r\n",
        "DTSTART:20260223T090000Z\r\nRRULE:FREQ=DAILY\r\n",
        "DTSTART:20200106T090000Z\r\nRDATE:20260310T090000Z\r\nRRULE:FREQ=DAILY\r\n",
    ):
        assert shifted(lines)[0] == parsed(lines)["DTSTART"].dt


# --- ical_split against the line-by-line splitter it replaced ------------------------------
# The plain splitter, as it was, is the reference: the regex one must give the same
# components, lines, line numbers, problems and errors.

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NAME_END = re.compile(r"[;:]")
TOP_LEVEL_COMPONENTS = frozenset({"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE"})


class ReferenceError_(ValueError):
    pass


# --- the reference: the line-by-line splitter, as it was ----------------------------------


@dataclass
class RefLine:
    """One unfolded content line and the physical line (1-based) where it starts."""

    text: str
    line_number: int

    @property
    def name(self) -> str:
        """The property name, upper-cased (the text before the first ``;`` or ``:``)."""
        match = _NAME_END.search(self.text)
        end = match.start() if match is not None else len(self.text)
        return self.text[:end].strip().upper()

    @property
    def value(self) -> str:
        """The text after the first ``:`` outside a quoted parameter value."""
        quoted = False
        for position, character in enumerate(self.text):
            if character == '"':
                quoted = not quoted
            elif character == ":" and not quoted:
                return self.text[position + 1 :]
        return ""


@dataclass
class RefComponent:
    """A top-level component's lines, BEGIN to END, with what is structurally wrong with it."""

    name: str
    lines: list[RefLine]
    problem: str | None = None  # set when the component's BEGIN/END nesting is broken

    @property
    def line_number(self) -> int:
        return self.lines[0].line_number

    @property
    def uid(self) -> str | None:
        """The first UID line directly in the component (read without icalendar, so a
        warning can name it even when the component does not parse)."""
        depth = 0
        for line in self.lines[1:]:
            name = line.name
            if name == "BEGIN":
                depth += 1
            elif name == "END":
                depth -= 1
            elif name == "UID" and depth == 0:
                return line.value.strip() or None
        return None

    def to_bytes(self) -> bytes:
        """The component as iCalendar bytes (already unfolded) for icalendar."""
        return "".join(line.text + "\r\n" for line in self.lines).encode("utf-8")


@dataclass
class RefCalendar:
    """One VCALENDAR block: its own properties and its top-level components in file order."""

    line_number: int
    properties: list[RefLine] = field(default_factory=list)
    components: list[RefComponent] = field(default_factory=list)

    def property_value(self, name: str) -> str | None:
        for line in self.properties:
            if line.name == name:
                return line.value
        return None


@dataclass
class RefSplit:
    calendars: list[RefCalendar]
    stray_lines: list[RefLine]  # non-blank text outside every VCALENDAR


def reference_unfold(text: str) -> list[RefLine]:
    """Physical lines joined where a line starting with a space or tab continues the last."""
    logical: list[RefLine] = []
    for index, physical in enumerate(_LINE_BREAK.split(text), start=1):
        if physical[:1] in (" ", "\t") and logical:
            logical[-1].text += physical[1:]
        else:
            logical.append(RefLine(physical, index))
    return logical


def _begin_end(line: RefLine) -> tuple[str, str] | None:
    """``("BEGIN", "VEVENT")`` for a BEGIN/END line, else None."""
    first = line.text[:1]
    if first not in ("B", "b", "E", "e") and not first.isspace():
        return None  # most lines: decided without working out the name
    name = line.name
    if name in ("BEGIN", "END") and line.text[len(name) :].lstrip().startswith(":"):
        return name, line.value.strip().upper()
    return None


def reference_split(text: str) -> RefSplit:
    """Cut ``text`` into VCALENDAR blocks and their top-level components.

    Raises ``ReferenceError_`` when the first non-blank line is not ``BEGIN:VCALENDAR`` or a
    VCALENDAR is not closed before the end of the text (a truncated file). A component whose
    nesting is broken is kept with ``problem`` set, so the caller can warn and skip it.
    """
    lines = reference_unfold(text)
    calendars: list[RefCalendar] = []
    stray: list[RefLine] = []
    calendar: RefCalendar | None = None
    component: RefComponent | None = None
    stack: list[str] = []  # open component names inside ``component``

    for line in lines:
        if not line.text.strip():
            continue
        marker = _begin_end(line)
        if calendar is None:
            if marker == ("BEGIN", "VCALENDAR"):
                calendar = RefCalendar(line.line_number)
                calendars.append(calendar)
            elif not calendars:
                raise ReferenceError_(
                    f"not an iCalendar file: line {line.line_number} is not BEGIN:VCALENDAR"
                )
            else:
                stray.append(line)
            continue

        if component is None:
            if marker == ("END", "VCALENDAR"):
                calendar = None
            elif marker is not None and marker[0] == "BEGIN":
                component = RefComponent(marker[1], [line])
                stack = [marker[1]]
            else:
                calendar.properties.append(line)  # a stray END here is harmless: ignored
            continue

        if marker is None:
            component.lines.append(line)
            continue
        kind, name = marker
        if kind == "BEGIN" and (name in TOP_LEVEL_COMPONENTS or name == "VCALENDAR"):
            # The open component was never closed: keep it as broken and start afresh.
            component.problem = f"no END:{component.name}"
            calendar.components.append(component)
            component = RefComponent(name, [line])
            stack = [name]
        elif kind == "BEGIN":
            component.lines.append(line)
            stack.append(name)
        elif name == "VCALENDAR":
            component.problem = f"no END:{component.name}"
            calendar.components.append(component)
            component = None
            calendar = None
        elif name in stack:
            component.lines.append(line)
            if stack[-1] != name:
                component.problem = f"END:{name} closes unclosed BEGIN:{stack[-1]}"
            del stack[stack.index(name) :]
            if not stack:
                calendar.components.append(component)
                component = None
        else:
            component.lines.append(line)
            component.problem = f"END:{name} without BEGIN:{name}"

    if calendar is not None:
        raise ReferenceError_("truncated: no END:VCALENDAR at the end of the file")
    if not calendars:
        raise ReferenceError_("not an iCalendar file: it is empty")
    return RefSplit(calendars, stray)


# --- the comparison ------------------------------------------------------------------------


def _new(text: str) -> object:
    try:
        result = split_calendar_text(text)
    except NotICalendar as error:
        return ("error", str(error))
    return (
        [
            (
                calendar.line_number,
                [(line.text, line.line_number) for line in calendar.properties],
                [
                    (
                        raw.name,
                        raw.problem,
                        raw.to_bytes(),
                        raw.line_number,
                        raw.uid,
                        [(line.text, line.line_number) for line in raw.lines],
                    )
                    for raw in calendar.components
                ],
            )
            for calendar in result.calendars
        ],
        [(line.text, line.line_number) for line in result.stray_lines],
    )


def _reference(text: str) -> object:
    try:
        result = reference_split(text)
    except ReferenceError_ as error:
        return ("error", str(error))
    return (
        [
            (
                calendar.line_number,
                [(line.text, line.line_number) for line in calendar.properties],
                [
                    (
                        raw.name,
                        raw.problem,
                        raw.to_bytes(),
                        raw.line_number,
                        raw.uid,
                        [(line.text, line.line_number) for line in raw.lines],
                    )
                    for raw in calendar.components
                ],
            )
            for calendar in result.calendars
        ],
        [(line.text, line.line_number) for line in result.stray_lines],
    )


_PIECES = [
    "BEGIN:VCALENDAR",
    "END:VCALENDAR",
    "BEGIN:VEVENT",
    "END:VEVENT",
    "BEGIN:VALARM",
    "END:VALARM",
    "begin : vtodo",
    "END:VTODO",
    "BEGIN;X=1:VEVENT",
    "BEG",
    "IN:VEVENT",
    "UID:a\\,b",
    "UID:x",
    "DTSTART:20260310T090000Z",
    'X-A;P="a:b":c',
    "",
    " ",
    "\t",
    " continued",
    "\tIN:VEVENT",
    "E",
    "ND:VEVENT",
    "junk",
    "\x0cBEGIN:VEVENT",
    "BEGIN:",
]


@settings(max_examples=200, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_PIECES), max_size=30),
    breaks=st.lists(st.sampled_from(["\r\n", "\n", "\r"]), min_size=30, max_size=30),
    wrap=st.booleans(),
)
def test_split_answers_as_the_line_by_line_reference(
    pieces: list[str], breaks: list[str], wrap: bool
) -> None:
    if wrap:
        pieces = ["BEGIN:VCALENDAR", *pieces, "END:VCALENDAR"]
    text = "".join(piece + brk for piece, brk in zip(pieces, breaks + breaks, strict=False))
    assert _new(text) == _reference(text)


def test_split_answers_as_the_reference_on_folded_blank_lines() -> None:
    text = (
        "BEGIN:VCALENDAR\nVERSION\n\n :2.0\nBEGIN:VEVENT\nUID\n\n :1\r\n\r\n END:VEVENT\n"
        "END:VEVENT\nEND:VCALENDAR\n"
    )
    assert _new(text) == _reference(text)


@settings(max_examples=150, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_PIECES), max_size=30),
    breaks=st.one_of(
        st.lists(st.sampled_from(["\r\n", "\n"]), min_size=30, max_size=30),
        st.lists(st.just("\r\n"), min_size=30, max_size=30),
    ),
)
def test_split_answers_as_the_reference_without_lone_cr(
    pieces: list[str], breaks: list[str]
) -> None:
    # Without a lone CR the splitter takes its quicker LF-only searches.
    pieces = ["BEGIN:VCALENDAR", *pieces, "END:VCALENDAR"]
    text = "".join(piece + brk for piece, brk in zip(pieces, breaks + breaks, strict=False))
    assert _new(text) == _reference(text)


# --- quick readings against the plain ones they replaced -----------------------------------

_FOLD = re.compile(r"(?:\r\n|\r|\n)[ \t]")


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="\r\n \tBa:", max_size=40))
def test_unfolding_is_the_plain_fold_removal(text: str) -> None:
    from cronoslot.ical.text import _unfold_text

    assert _unfold_text(text) == _FOLD.sub("", text)


def _reference_begin_end(text: str) -> tuple[str, str] | None:
    name = RefLine(text, 1).name
    if name in ("BEGIN", "END") and text[len(name) :].lstrip().startswith(":"):
        return name, RefLine(text, 1).value.strip().upper()
    return None


@settings(max_examples=200, deadline=None)
@given(
    text=st.one_of(
        st.sampled_from(_PIECES),
        st.text(alphabet='BEGINDbegindVA-: ;"\t\x0c', max_size=14),
        st.builds(
            lambda kind, name: f"{kind}:{name}",
            st.sampled_from(["BEGIN", "END", "Begin", "end", "BEGıN"]),
            st.text(alphabet="VEVNTALRMvent- :", max_size=8),
        ),
    )
)
def test_begin_end_reads_as_the_plain_reading(text: str) -> None:
    from cronoslot.ical.text import _begin_end

    assert _begin_end(text) == _reference_begin_end(text)


_DATE_TIME_REF = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?")


def _reference_read_instant(text: str) -> tuple[int, bool] | None:
    match = _DATE_TIME_REF.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second = match.groups()
    try:
        days = date(int(year), int(month), int(day)).toordinal() - date(1970, 1, 1).toordinal()
    except ValueError:
        return None
    if hour is None:
        return days * 86400, True
    hours, minutes, seconds = int(hour), int(minute), int(second)
    if hours > 23 or minutes > 59 or seconds > 60:
        return None
    return days * 86400 + hours * 3600 + minutes * 60 + seconds, False


@settings(max_examples=200, deadline=None)
@given(
    text=st.one_of(
        st.builds(
            lambda day, time, zulu, pad: f"{pad}{day.strftime('%Y%m%d')}{time}{zulu}{pad}",
            st.dates(),
            st.sampled_from(["", "T000000", "T235960", "T240000", "T126000", "T090061"]),
            st.sampled_from(["", "Z", "z"]),
            st.sampled_from(["", " ", "\t"]),
        ),
        st.text(alphabet="0123456789T Z\u0663", min_size=8, max_size=17),
        st.sampled_from(["00000000", "20260230", "20261301", "20260100", "\u0662" * 8]),
    )
)
def test_read_instant_reads_as_the_plain_reading(text: str) -> None:
    assert read_instant(text) == _reference_read_instant(text)


_READ_LINE_REF = re.compile(
    r"[\r\n]([^\S\r\n]*(BEGIN|END|DTSTART|DTEND|DURATION|RRULE|RDATE|RECURRENCE-ID|UID)"
    r"[^\S\r\n]*(?:[;:][^\r\n]*)?)(?=[\r\n]|\Z)",
    re.IGNORECASE,
)


def _reference_properties(raw: RawComponent) -> dict[str, list[tuple[str, str]]]:
    """``window._top_level_properties`` as it was (line by line, no quick reading)."""
    properties: dict[str, list[tuple[str, str]]] = {}
    depth = 0
    for match in _READ_LINE_REF.finditer(raw.text):
        name = match.group(2).upper()
        if name == "BEGIN":
            depth += 1
            continue
        if name == "END":
            depth -= 1
            continue
        if depth != 0:
            continue
        text = match.group(1)
        value = RefLine(text, 1).value
        head = text[: len(text) - len(value) - 1] if value else text
        parameters = head[len(name) :] if head.upper().startswith(name) else head
        properties.setdefault(name, []).append((parameters.upper(), value))
    return properties


_PROPERTY_NAMES = [
    "DTSTART",
    "dtstart",
    "DtEnd",
    "DTEND",
    "DURATION",
    "RRULE",
    "RDATE",
    "RECURRENCE-ID",
    "Recurrence-Id",
    "UID",
    "uıd",
    "SUMMARY",
    "EXDATE",
    "DTSTARTX",
]
_PARAMETERS = ["", ";TZID=Europe/London", ";VALUE=DATE", ";RANGE=THISANDFUTURE", ';X="a:b"', " "]
_VALUES = ["20260310T090000Z", "20260310", "PT1H", "FREQ=DAILY;UNTIL=20260320", "", "a:b", "u1"]


@st.composite
def property_lines(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(["BEGIN:VALARM", "END:VALARM", "begin :x", "END", "  UID"]))
    lead = draw(st.sampled_from(["", "", "", " "]))
    name = draw(st.sampled_from(_PROPERTY_NAMES))
    parameters = draw(st.sampled_from(_PARAMETERS))
    separator = draw(st.sampled_from([":", ":", ":", "", " :"]))
    value = draw(st.sampled_from(_VALUES))
    return f"{lead}{name}{parameters}{separator}{value}"


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(property_lines(), max_size=12),
    fold=st.integers(0, 40),
    breaks=st.sampled_from(["\r\n", "\n", "\r"]),
    lone_cr_elsewhere=st.booleans(),
)
def test_properties_read_as_the_plain_reading(
    lines: list[str], fold: int, breaks: str, lone_cr_elsewhere: bool
) -> None:
    body = breaks.join(["BEGIN:VEVENT", *lines, "END:VEVENT"])
    body = body[:fold] + breaks + " " + body[fold:] if fold < len(body) else body
    tail = "X-Y:1\rX-Z:2" + breaks if lone_cr_elsewhere else ""
    text = breaks.join(["BEGIN:VCALENDAR", body, tail + "END:VCALENDAR", ""])
    from cronoslot.ical.prefilter import _top_level_properties

    for raw in split_calendar_text(text).calendars[0].components:
        assert _top_level_properties(raw) == _reference_properties(raw)
