"""The loader's ``Shortcuts``: each fast path, alone or together, answers as the plain
path (``PLAIN``); and the series shift (``series_shift.py``)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cronoslot.errors import CalendarDataError
from cronoslot.ical import PLAIN, Shortcuts, load_calendar_bytes
from cronoslot.models import AccountSettings, BusyInterval
from cronoslot.timeutil import DAY, parse_time

FIXTURES = Path(__file__).parent / "fixtures" / "ics"

# A March 2026 query.
WINDOW = (parse_time("2026-03-01T00:00:00Z"), parse_time("2026-04-05T00:00:00Z"))


def t(text: str) -> int:
    return parse_time(text)


# --- the loader with and without the fast path -----------------------------------------------

ALL_ON = Shortcuts()


def load_both(
    data: bytes,
    window: tuple[int, int],
    tzid: str | None = None,
    shortcuts: Shortcuts = ALL_ON,
) -> tuple[list[BusyInterval], list[BusyInterval]]:
    """(``shortcuts``, plain path) answers for the same bytes."""
    answers = []
    for chosen in (shortcuts, PLAIN):
        answers.append(
            load_calendar_bytes(
                data,
                path=Path("generated.ics"),
                calendar_id="cal",
                settings=AccountSettings(tzid=tzid),
                window=window,
                warn=lambda _message: None,
                shortcuts=chosen,
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


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Weekly Monday 10:00 Berlin since 2019; from 1 March 2027 every occurrence moved five
        # weeks on (RANGE=THISANDFUTURE). February keeps its own: 10:00 CET is 09:00Z.
        (
            "2027-02-01",
            "2027-03-01",
            ["2027-02-01T09", "2027-02-08T09", "2027-02-15T09", "2027-02-22T09"],
        ),
        # March's all moved to April and May: none left.
        ("2027-03-01", "2027-04-01", []),
        # April holds 1, 8, 15 and 22 March moved (10:00 CEST is 08:00Z); its own went to May.
        (
            "2027-04-01",
            "2027-05-01",
            ["2027-04-05T08", "2027-04-12T08", "2027-04-19T08", "2027-04-26T08"],
        ),
    ],
)
def test_thisandfuture_override_moves_every_later_occurrence(
    start: str, end: str, expected: list[str]
) -> None:
    from .ical_fixtures import load_fixture, window

    busy, warnings = load_fixture(
        "event_rrule_thisandfuture_old_series.ics",
        window(f"{start}T00:00:00Z", f"{end}T00:00:00Z"),
    )
    assert [(b.start, b.end) for b in busy] == [
        (t(f"{hour}:00:00Z"), t(f"{hour}:00:00Z") + 3600) for hour in expected
    ]
    moved = start >= "2027-03-01"
    assert all(b.summary == ("Weekly, five weeks on" if moved else "Weekly") for b in busy)
    assert warnings == []
    # Each fast path alone answers so too (load_fixture compares all of them with none).
    for alone in ("prefilter", "shift_series", "simple_events"):
        data = (FIXTURES / "event_rrule_thisandfuture_old_series.ics").read_bytes()
        window_ = (t(f"{start}T00:00:00Z"), t(f"{end}T00:00:00Z"))
        fast, plain = load_both(
            data, window_, shortcuts=dataclasses.replace(PLAIN, **{alone: True})
        )
        assert fast == plain == busy


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
    fast, plain = load_both(data, window, tzid, dataclasses.replace(PLAIN, **{alone: True}))
    assert fast == plain


def test_a_broken_event_is_warned_about_only_to_windows_that_touch_it() -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:far\r\nDTSTART:20200101T090000Z\r\n"
        b"DTEND:20200101T100000Z\r\nX-BAD;=broken:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    near = (t("2019-12-30T00:00:00Z"), t("2020-01-02T00:00:00Z"))
    for window, warned in ((WINDOW, False), (near, True)):
        # With the pre-filter the event is not even parsed; without, it is, and the
        # warning is dropped all the same: one rule, whatever the path.
        for shortcuts in (Shortcuts(), PLAIN):
            messages: list[str] = []
            load_calendar_bytes(
                data,
                path=Path("far.ics"),
                calendar_id="c",
                settings=AccountSettings(),
                window=window,
                warn=messages.append,
                shortcuts=shortcuts,
            )
            assert [("UID far" in message) for message in messages] == [True] * warned


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
