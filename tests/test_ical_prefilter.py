"""The window pre-filter (``prefilter.py``): dropping, before parsing, the VEVENTs whose
text proves they cannot touch the window."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from cronoslot.ical.prefilter import might_touch, prefilter_components, read_duration, read_instant
from cronoslot.ical.text import RawComponent, split_calendar_text
from cronoslot.timeutil import DAY, parse_time

from .test_ical_text import RefLine

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


def test_an_end_before_the_start_is_kept_near_its_start_only() -> None:
    # Written in zones, the end may still be after the start (a day apart at most): the
    # parser decides, and warns, when a window is within days of it.
    end_before_start = "UID:a\nDTSTART:20260320T100000Z\nDTEND:20260320T090000Z"
    assert touches(end_before_start)
    assert not touches(end_before_start.replace("202603", "202501"))
    zoned = (
        "UID:a\nDTSTART;TZID=Asia/Tokyo:20260405T100000\nDTEND;TZID=Europe/London:20260405T090000"
    )
    assert touches(zoned)  # 01:00Z to 08:00Z on 5 April, the last day of the window


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


# --- quick readings against the plain ones they replaced -----------------------------------

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
    if 0 < fold < len(body) and body[fold - 1] not in "\r\n":
        # (After a line break the fold would run across a blank line and join two lines.)
        body = body[:fold] + breaks + " " + body[fold:]
    tail = "X-Y:1\rX-Z:2" + breaks if lone_cr_elsewhere else ""
    text = breaks.join(["BEGIN:VCALENDAR", body, tail + "END:VCALENDAR", ""])
    from cronoslot.ical.prefilter import _top_level_properties

    for raw in split_calendar_text(text).calendars[0].components:
        assert _top_level_properties(raw) == _reference_properties(raw)
