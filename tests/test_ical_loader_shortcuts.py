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
from cronoslot.timeutil import parse_time

from .generated_calendars import ACCOUNT_ZONES, calendars, windows

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


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=calendars(), window=windows(), tzid=st.sampled_from(ACCOUNT_ZONES))
def test_fast_path_answers_as_the_plain_path(
    data: bytes, window: tuple[int, int], tzid: str | None
) -> None:
    fast, plain = load_both(data, window, tzid)
    assert fast == plain


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=calendars(),
    window=windows(),
    tzid=st.sampled_from(ACCOUNT_ZONES),
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
