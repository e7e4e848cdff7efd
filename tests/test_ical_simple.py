"""The textual fast path for plain single events: the same busy intervals and warnings as
the icalendar path, and a fall-back to icalendar for anything it does not fully read."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cronoslot.ical.loader as loader
from cronoslot.ical import Shortcuts, load_calendar_bytes
from cronoslot.ical.simple import read_simple_event, split_categories, unescape_text
from cronoslot.ical.text import split_calendar_text
from cronoslot.models import AccountSettings, BusyInterval, Transparency
from cronoslot.timeutil import DAY, get_zone, parse_time

WINDOW = (parse_time("2027-01-01T00:00:00Z"), parse_time("2027-12-31T00:00:00Z"))
ME = "me@example.org"
ACCOUNT = AccountSettings(tzid="Europe/London", emails=(ME,))
LONDON = get_zone("Europe/London")


def t(text: str) -> int:
    return parse_time(text)


def calendar(*event_lines: str, header: tuple[str, ...] = (), newline: str = "\r\n") -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", *header, "BEGIN:VEVENT", *event_lines]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return newline.join(lines).encode("utf-8") + newline.encode()


def load(
    data: bytes,
    fast_events: bool,
    account: AccountSettings = ACCOUNT,
    window: tuple[int, int] = WINDOW,
) -> tuple[list[BusyInterval], list[str]]:
    warnings: list[str] = []
    busy = load_calendar_bytes(
        data,
        path=Path("cal.ics"),
        calendar_id="cal",
        settings=account,
        window=window,
        warn=warnings.append,
        shortcuts=Shortcuts(simple_events=fast_events),
    )
    return busy, warnings


def took_fast_path(data: bytes, account: AccountSettings = ACCOUNT) -> bool:
    raw = next(
        component
        for block in split_calendar_text(data.decode()).calendars
        for component in block.components
        if component.name == "VEVENT"
    )
    emails = frozenset(email.lower() for email in account.emails)
    return read_simple_event(raw, LONDON, False, emails) is not None


def both(data: bytes, account: AccountSettings = ACCOUNT) -> list[BusyInterval]:
    """The busy intervals, checked to be the same (with the same warnings) either way."""
    fast, fast_warnings = load(data, True, account)
    slow, slow_warnings = load(data, False, account)
    assert fast == slow
    assert fast_warnings == slow_warnings
    return fast


def event(*lines: str, start: str = "DTSTART:20270301T100000Z") -> bytes:
    return calendar("UID:e1", start, "DTEND:20270301T110000Z", *lines)


# --- SPEC 2 mapping rows ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ((), Transparency.OPAQUE),
        (("STATUS:CANCELLED",), None),
        (("STATUS:cancelled ",), None),
        ((f"ATTENDEE;PARTSTAT=DECLINED:mailto:{ME}",), None),
        ((f'ATTENDEE;PARTSTAT="DECLINED";CN="Me, Myself; and: I":MAILTO:{ME.upper()}',), None),
        ((f"ATTENDEE;PARTSTAT=DECLINED:mailto:other{ME}",), Transparency.OPAQUE),
        (("TRANSP:TRANSPARENT",), None),
        (("X-MICROSOFT-CDO-BUSYSTATUS:FREE",), None),
        (("TRANSP:TRANSPARENT", "X-MICROSOFT-CDO-BUSYSTATUS:OOF"), None),
        (("STATUS:TENTATIVE",), Transparency.TENTATIVE),
        (("X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE",), Transparency.TENTATIVE),
        ((f"ATTENDEE;PARTSTAT=tentative:{ME}",), Transparency.TENTATIVE),
        (("X-MICROSOFT-CDO-BUSYSTATUS:OOF",), Transparency.OUT_OF_OFFICE),
        (("X-MICROSOFT-CDO-BUSYSTATUS:WORKINGELSEWHERE",), Transparency.WORKING_ELSEWHERE),
        ((f"ATTENDEE:mailto:{ME}",), Transparency.OPAQUE),  # NEEDS-ACTION
        (("STATUS:CONFIRMED", "TRANSP:OPAQUE"), Transparency.OPAQUE),
    ],
)
def test_mapping_rows(lines: tuple[str, ...], expected: Transparency | None) -> None:
    data = event(*lines)
    assert took_fast_path(data)
    busy = both(data)
    assert [interval.transparency for interval in busy] == ([expected] if expected else [])


# --- times -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "span", "header"),
    [
        (
            ("DTSTART:20270301T100000Z", "DTEND:20270301T113000Z"),
            ("2027-03-01T10:00", "2027-03-01T11:30"),
            (),
        ),
        # Floating and all-day: in the account's zone (London is UTC+1 from 28 March).
        (
            ("DTSTART:20270401T100000", "DTEND:20270401T110000"),
            ("2027-04-01T09:00", "2027-04-01T10:00"),
            (),
        ),
        (("DTSTART;TZID=America/New_York:20270301T100000",), None, ()),  # zero length
        (
            ("DTSTART;TZID=America/New_York:20270301T100000", "DURATION:PT90M"),
            ("2027-03-01T15:00", "2027-03-01T16:30"),
            (),
        ),
        (("DTSTART;VALUE=DATE:20270401",), ("2027-03-31T23:00", "2027-04-01T23:00"), ()),
        (("DTSTART:20270401", "DTEND:20270403"), ("2027-03-31T23:00", "2027-04-02T23:00"), ()),
        (("DTSTART:20270401", "DURATION:P2D"), ("2027-03-31T23:00", "2027-04-02T23:00"), ()),
        # DST: an all-day event on the change day lasts 23 hours.
        (("DTSTART;VALUE=DATE:20270328",), ("2027-03-28T00:00", "2027-03-28T23:00"), ()),
        # X-WR-TIMEZONE: floating times are read there, UTC ones stay put.
        (
            ("DTSTART:20270301T100000", "DTEND:20270301T110000"),
            ("2027-03-01T15:00", "2027-03-01T16:00"),
            ("X-WR-TIMEZONE:America/New_York",),
        ),
        (
            ("DTSTART:20270301T100000Z", "DURATION:PT1H"),
            ("2027-03-01T10:00", "2027-03-01T11:00"),
            ("X-WR-TIMEZONE:America/New_York",),
        ),
        # A TZID the file also defines is read as the IANA zone of that name.
        (
            (
                "DTSTART;TZID=Europe/London:20270401T100000",
                "DTEND;TZID=Europe/London:20270401T110000",
            ),
            ("2027-04-01T09:00", "2027-04-01T10:00"),
            (
                "BEGIN:VTIMEZONE",
                "TZID:Europe/London",
                "BEGIN:STANDARD",
                "DTSTART:19700101T000000",
                "TZOFFSETFROM:+0500",
                "TZOFFSETTO:+0500",
                "END:STANDARD",
                "END:VTIMEZONE",
            ),
        ),
    ],
)
def test_time_forms(
    lines: tuple[str, ...], span: tuple[str, str] | None, header: tuple[str, ...]
) -> None:
    data = calendar("UID:e1", *lines, header=header)
    assert took_fast_path(data)
    busy = both(data)
    if span is None:
        assert busy == []
    else:
        assert [(b.start, b.end) for b in busy] == [(t(span[0] + "Z"), t(span[1] + "Z"))]


def test_duration_across_dst_is_wall_clock_like_recurring_ical_events() -> None:
    data = calendar("UID:e1", "DTSTART;TZID=Europe/London:20270328T003000", "DURATION:PT3H")
    assert took_fast_path(data)
    busy = both(data)
    # 00:30 GMT + 3 wall hours = 03:30 BST = 02:30Z (two real hours).
    assert [(b.start, b.end) for b in busy] == [(t("2027-03-28T00:30Z"), t("2027-03-28T02:30Z"))]


def test_out_of_window_and_zero_length_dropped() -> None:
    assert both(calendar("UID:e1", "DTSTART:20280301T100000Z", "DTEND:20280301T110000Z")) == []
    assert both(calendar("UID:e1", "DTSTART:20270301T100000Z", "DURATION:PT0S")) == []
    data = calendar("UID:e1", "DTSTART:20270301T100000Z", "DTEND:20270301T110000Z")
    window = (t("2027-03-01T11:00:00Z"), t("2027-03-02T00:00:00Z"))
    assert load(data, True, window=window) == load(data, False, window=window) == ([], [])


# --- text ------------------------------------------------------------------------------


def test_text_properties_and_escapes() -> None:
    data = event(
        "SUMMARY:Lunch\\, then\\; talk\\nnext\\Nline \\\\ back\\x",
        "X-CRONOSLOT-EVENT-ID:ev\\,1",
        "CATEGORIES:a\\,b, c ,,d\\;e",
        "CATEGORIES:second",
        "CLASS:confidential",
        "DESCRIPTION:anything\\q goes",
    )
    assert took_fast_path(data)
    (interval,) = both(data)
    assert interval.summary == "Lunch, then; talk\nnext\nline \\ back\\x"
    assert interval.event_id == "ev\\,1"  # an unknown X- property is not unescaped
    assert interval.tags == {"a,b", "c", "d;e", "second"}
    assert interval.private
    assert interval.event_uid == "e1"


def test_unescape_helpers() -> None:
    assert unescape_text(r"a\,b\;c\:d\\e\nf\Ng\th\\") == "a,b;c:d\\e\nf\ng\\th\\"
    assert split_categories(r"a\,b,c\\,d") == ["a,b", "c\\", "d"]
    assert split_categories("") == [""]


def test_folded_lines_lf_and_cr_only() -> None:
    lines = (
        "UID:e1",
        "DTSTART:20270301T1\r\n 00000Z",
        "DTEND:20270301T110000Z",
        "SUMMARY:long\r\n\tsummary",
        f'ATTENDEE;CN="A\r\n B";PARTSTAT=TENT\r\n ATIVE:mailto:{ME}',
    )
    for newline in ("\r\n", "\n", "\r"):
        data = calendar(*(line.replace("\r\n", newline) for line in lines), newline=newline)
        assert took_fast_path(data)
        (interval,) = both(data)
        assert interval.summary == "longsummary"
        assert interval.transparency is Transparency.TENTATIVE
        assert (interval.start, interval.end) == (t("2027-03-01T10:00Z"), t("2027-03-01T11:00Z"))


# --- fall-backs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        ("DTSTART;TZID=W. Europe Standard Time:20270301T100000",),
        ("DTSTART;TZID=Nowhere/Special:20270301T100000",),  # unknown: warns
        ("DTSTART:20271301T100000Z",),  # month 13: warns
        ("DTSTART:20270301T100000Z", "DTSTART:20270302T100000Z"),  # two DTSTARTs: warns
        ("DTSTART:20270301T100000Z", "DTEND:20270301T090000Z"),  # ends before: warns
        ("DTSTART:20270301T100000Z", "DURATION:-PT1H"),  # negative: warns
        ("DTSTART:20270301T100000Z", "SEQUENCE:x"),  # bad value: warns
        ("DTSTART:20270301T100000Z", "X-FOO;VALUE=INTEGER:x"),
        ("DTSTART:20270301T100000Z", "RRULE:FREQ=DAILY;COUNT=2"),
        ("DTSTART:20270301T100000Z", "RDATE:20270305T100000Z"),
        ("DTSTART:20270301T100000Z", "BEGIN:VALARM", "TRIGGER:-PT5M", "END:VALARM"),
        ("DTSTART:20270301T100000Z", "GEO:1.0;2.0"),
        ("DTSTART:20270301", "DURATION:PT5H"),
        ("DTSTART:20270301T100000Z", "DTEND:20270301T120000"),
        ("DTSTART;TZID=Europe/London:20270301T100000Z", "DTEND:20270301T120000Z"),
    ],
)
def test_unusual_events_fall_back(lines: tuple[str, ...]) -> None:
    data = calendar("UID:e1", *lines)
    assert not took_fast_path(data)
    both(data)


def test_shared_uid_falls_back() -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:same\r\nSEQUENCE:1\r\nSUMMARY:new\r\n"
        b"DTSTART:20270301T100000Z\r\nDTEND:20270301T110000Z\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:same\r\nSUMMARY:old\r\nDTSTART:20270302T100000Z\r\n"
        b"DTEND:20270302T110000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    busy = both(data)
    assert [interval.summary for interval in busy] == ["new"]


def test_switch_reaches_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = read_simple_event

    def spy(*arguments: object) -> object:
        calls.append(arguments)
        return real(*arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "read_simple_event", spy)
    data = event()
    load(data, False)
    assert calls == []
    load(data, True)
    assert len(calls) == 1


# --- property: fast path on == off -----------------------------------------------------

_TEXT_CHARS = st.sampled_from([*"ab ,;:\\nN\"'^%é", "\\,", "\\;", "\\n", "\\\\"])
_text = st.lists(_TEXT_CHARS, max_size=8).map("".join).map(lambda s: s.replace('"', "'"))
_zones = st.sampled_from(["Z", "floating", "date", "Europe/London", "America/New_York", "UTC"])
# Around the 2027 DST changes (28 March / 31 October in London, 14 March / 7 November in
# New York) and the window edges.
_DAYS = ["20270101", "20270313", "20270314", "20270327", "20270328", "20271031", "20271107"]
_clock = st.sampled_from(["000000", "010000", "013000", "020000", "023000", "100000", "235959"])


def _rare(draw: st.DrawFn, odd: list[str], plain: list[str]) -> str:
    """Mostly a plain value, sometimes one that must make the fast path fall back."""
    return (
        draw(st.sampled_from(odd)) if draw(st.integers(0, 9)) == 0 else draw(st.sampled_from(plain))
    )


def _time_line(name: str, zone: str, day: str, clock: str) -> str:
    if zone == "date":
        return f"{name};VALUE=DATE:{day}" if clock < "05" else f"{name}:{day}"
    if zone == "Z":
        return f"{name}:{day}T{clock}Z"
    if zone == "floating":
        return f"{name}:{day}T{clock}"
    return f"{name};TZID={zone}:{day}T{clock}"


@st.composite
def _events(draw: st.DrawFn) -> tuple[str, str]:
    """The VEVENT's lines (folded, in any order) and its start day."""
    zone = draw(_zones)
    lines = ["UID:" + draw(st.sampled_from(["e1", "e\\,1", "e 1"]))]
    # Around the 2027 DST changes (28 March / 31 October in London, 14 March / 7 November
    # in New York); an end mostly on the same day or a later one.
    day = draw(st.integers(0, len(_DAYS) - 1))
    lines.append(_time_line("DTSTART", zone, _DAYS[day], draw(_clock)))
    end_day = _DAYS[min(max(day + draw(st.sampled_from([0, 0, 1, 2, -1])), 0), 6)]
    end_kind = draw(st.sampled_from(["dtend", "dtend", "duration", "none", "other-zone"]))
    if end_kind == "dtend":
        lines.append(_time_line("DTEND", zone, end_day, draw(_clock)))
    elif end_kind == "other-zone":
        lines.append(_time_line("DTEND", draw(_zones), end_day, draw(_clock)))
    elif end_kind == "duration":
        plain = ["PT1H", "P1D", "PT25H", "P1W", "PT0S", "P1DT2H", "+PT30M", "PT90M"]
        lines.append("DURATION:" + _rare(draw, ["-PT1H", "P1DT", "PT"], plain))
    for _ in range(draw(st.integers(0, 3))):
        lines.append(
            draw(
                st.sampled_from(
                    [
                        "STATUS:" + draw(st.sampled_from(["CANCELLED", "TENTATIVE", "confirmed"])),
                        "TRANSP:" + draw(st.sampled_from(["TRANSPARENT", "OPAQUE"])),
                        "X-MICROSOFT-CDO-BUSYSTATUS:"
                        + draw(st.sampled_from(["FREE", "TENTATIVE", "OOF", "WORKINGELSEWHERE"])),
                        "CLASS:" + draw(st.sampled_from(["PRIVATE", "public", "CONFIDENTIAL"])),
                        "SEQUENCE:" + _rare(draw, ["x", "-1"], ["0", "12"]),
                        "DTSTAMP:" + _rare(draw, ["bad", "20271301T000000Z"], ["20270101T000000Z"]),
                    ]
                )
            )
        )
    for _ in range(draw(st.integers(0, 2))):
        partstat = draw(st.sampled_from(["", ";PARTSTAT=DECLINED", ';PARTSTAT="TENTATIVE"']))
        cn = _rare(draw, [";CN=a^nb", ";CN=a,b"], ["", ";CN=Plain", ';CN="Doe, J; x:y"'])
        who = draw(st.sampled_from([f"mailto:{ME}", ME.upper(), "mailto:other@x.org"]))
        lines.append(f"ATTENDEE{cn}{partstat}:{who}")
    for name in draw(
        st.lists(
            st.sampled_from(["SUMMARY", "CATEGORIES", "X-CRONOSLOT-EVENT-ID", "DESCRIPTION"]),
            max_size=4,
        )
    ):
        lines.append(f"{name}:{draw(_text)}")
    if draw(st.integers(0, 5)) == 0:
        lines.append(draw(st.sampled_from(["RRULE:FREQ=DAILY;COUNT=3", "X-ODD;VALUE=DATE:x"])))
    draw(st.randoms()).shuffle(lines)
    # Fold some lines at a random place.
    folded = []
    for line in lines:
        cut = draw(st.integers(0, len(line)))
        folded.append(line[:cut] + "\r\n " + line[cut:] if 0 < cut < len(line) else line)
    return "\r\n".join(folded), _DAYS[day]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    event=_events(),
    header=st.sampled_from(
        [(), ("X-WR-TIMEZONE:America/New_York",), ("X-WR-TIMEZONE:Europe/London",)]
    ),
    account_zone=st.sampled_from([None, "Europe/London", "America/New_York"]),
    window_offset=st.integers(-3 * DAY, DAY),
    window_length=st.integers(1, 4 * DAY),
    newline=st.sampled_from(["\r\n", "\n"]),
)
def test_fast_path_changes_nothing(
    event: tuple[str, str],
    header: tuple[str, ...],
    account_zone: str | None,
    window_offset: int,
    window_length: int,
    newline: str,
) -> None:
    body, day = event
    text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *header, "BEGIN:VEVENT", body])
    text += "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    data = text.replace("\r\n", newline).encode("utf-8")
    account = AccountSettings(tzid=account_zone, emails=(ME,))
    # Near the event's days, so the pre-filter keeps it and the fast path is exercised.
    start = t(f"{day[:4]}-{day[4:6]}-{day[6:]}T00:00:00Z") + window_offset
    window = (start, start + window_length)
    assert load(data, True, account, window) == load(data, False, account, window)


def test_utc_time_in_the_repeated_hour_of_an_x_wr_timezone_file_keeps_its_instant() -> None:
    # 01:00Z on 31 October 2027 is the second 01:00 in London. Moved into London time and
    # through recurring-ical-events it would lose its fold and come back at 00:00Z: a
    # single event is not moved, so both paths keep 01:00Z (SPEC 2: UTC times never move).
    data = calendar(
        "UID:e1",
        "DTSTART:20271031T010000Z",
        "DTEND:20271031T013000Z",
        header=("X-WR-TIMEZONE:Europe/London",),
    )
    assert took_fast_path(data)
    busy = both(data)
    assert [(b.start, b.end) for b in busy] == [(t("2027-10-31T01:00Z"), t("2027-10-31T01:30Z"))]
