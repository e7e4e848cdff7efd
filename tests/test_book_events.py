"""Managed events as text, and the booking calendar edited without touching other bytes."""

from __future__ import annotations

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cronoslot.book.events import (
    CALENDAR_MARK,
    Attendee,
    EventBlock,
    ManagedEvent,
    blocks_of,
    content_lines,
    escape_text,
    event_blocks,
    event_id_problem,
    event_uid,
    fold,
    is_booking_calendar,
    is_complete,
    mark_calendar,
    new_calendar,
    put_event,
    remove_event,
    render_event,
    split_line,
    with_properties,
)
from cronoslot.ical.loader import load_calendar_bytes
from cronoslot.models import AccountSettings, Transparency
from cronoslot.timeutil import parse_time

START = parse_time("2027-04-22T09:00:00Z")
EVENT = ManagedEvent(
    event_id="call-1",
    start=START,
    end=START + 3600,
    summary="Call",
    description="About things",
    organizer="boss@example.com",
    attendees=(Attendee("ann@example.com", "Ann: Smith, Jr."), Attendee("ben@example.com")),
    sequence=2,
    stamp=parse_time("2027-04-01T00:00:00Z"),
)


def load(text: str, emails: tuple[str, ...] = ()) -> list[object]:
    warnings: list[str] = []
    found = load_calendar_bytes(
        text.encode(),
        path="booking.ics",
        calendar_id="cronoslot",
        settings=AccountSettings(emails=emails),
        window=(0, 2**40),
        warn=warnings.append,
    )
    assert warnings == []
    return list(found)


def test_a_rendered_event_parses_and_loads_as_busy_and_managed() -> None:
    text = put_event(new_calendar(), "call-1", render_event(EVENT))
    (event,) = icalendar.Calendar.from_ical(text.encode()).walk("VEVENT")
    assert str(event["UID"]) == event_uid("call-1")
    assert str(event["X-CRONOSLOT-EVENT-ID"]) == "call-1"
    assert event["SEQUENCE"] == 2
    assert [a.params.get("CN") for a in event["ATTENDEE"]] == ["Ann: Smith, Jr.", None]
    (busy,) = load(text, emails=("ann@example.com",))  # the own NEEDS-ACTION line: busy
    assert (busy.start, busy.end, busy.transparency) == (START, START + 3600, Transparency.OPAQUE)
    assert (busy.event_id, busy.event_uid) == ("call-1", event_uid("call-1"))


def test_uids_are_stable_and_distinct() -> None:
    assert event_uid("a") == event_uid("a") != event_uid("b")


@given(st.text(max_size=300))
def test_folded_lines_are_short_and_unfold_to_the_line(line: str) -> None:
    line = "".join(c for c in line if c not in "\r\n")
    folded = fold("X-TEST:" + line)
    physical = folded.split("\r\n")
    assert physical[-1] == ""
    assert all(len(part.encode()) <= 75 for part in physical)
    assert folded.replace("\r\n ", "").removesuffix("\r\n") == "X-TEST:" + line


@settings(max_examples=200)
@given(st.text(min_size=1, max_size=200))
def test_text_values_read_back_as_written(summary: str) -> None:
    event = ManagedEvent("id", START, START + 60, summary=summary)
    text = put_event(new_calendar(), "id", render_event(event))
    (parsed,) = icalendar.Calendar.from_ical(text.encode()).walk("VEVENT")
    expected = summary.replace("\r\n", "\n").replace("\r", "\n")
    expected = "".join(c for c in expected if c in "\n\t" or c.isprintable())
    assert str(parsed["SUMMARY"]) == expected


def test_escaping() -> None:
    assert escape_text("a;b,c\\d\ne\r\nf\x00") == "a\\;b\\,c\\\\d\\ne\\nf"


def test_event_ids_that_cannot_be_written_raw() -> None:
    assert event_id_problem("interview_1") is None
    assert event_id_problem("ünï: a,b;c") is None
    for bad in ("", " padded", "two\nlines", "tab\there", "x" * 1001):
        assert event_id_problem(bad) is not None


@st.composite
def foreign_calendars(draw: st.DrawFn) -> str:
    """A booking calendar with hand-made content around the events: any line endings,
    folded lines, other events, a VALARM."""
    newline = draw(st.sampled_from(["\r\n", "\n"]))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//hand//EN", "X-CRONOSLOT-CALENDAR:x"]
    for index in range(draw(st.integers(0, 3))):
        note = draw(st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=30))
        lines += [
            "BEGIN:VEVENT",
            f"UID:own-{index}",
            "DTSTART:20270423T090000Z",
            f"X-NOTE:{note}",
            " folded continuation",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return newline.join(lines) + draw(st.sampled_from([newline, ""]))


@settings(max_examples=100)
@given(foreign_calendars(), st.integers(0, 3))
def test_putting_and_removing_keeps_every_other_byte(text: str, moves: int) -> None:
    assert is_booking_calendar(text) and is_complete(text)
    edited = put_event(text, "call-1", render_event(EVENT))
    assert [b.event_id for b in event_blocks(edited)].count("call-1") == 1
    for minute in range(moves):
        moved = ManagedEvent("call-1", START + 60 * minute, START + 3600, "Moved")
        edited = put_event(edited, "call-1", render_event(moved))
        assert len(blocks_of(edited, "call-1")) == 1
    assert is_complete(edited)
    assert remove_event(edited, "call-1") == text


def test_duplicate_copies_are_merged_into_one() -> None:
    block = render_event(EVENT)
    text = new_calendar().replace("END:VCALENDAR", block + block + "END:VCALENDAR")
    merged = put_event(text, "call-1", block)
    assert merged.count("BEGIN:VEVENT") == 1


def test_what_a_booking_calendar_is() -> None:
    assert is_booking_calendar(new_calendar())
    assert not is_booking_calendar("")
    assert not is_booking_calendar("BEGIN:VCALENDAR\r\nPRODID:x\r\nEND:VCALENDAR\r\n")
    inside_an_event = (
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nX-CRONOSLOT-CALENDAR:x\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    assert not is_booking_calendar(inside_an_event)
    assert not is_complete(new_calendar()[:-15])


def test_blocks_read_their_own_properties_not_an_alarms() -> None:
    block = render_event(EVENT).replace(
        "END:VEVENT",
        "BEGIN:VALARM\r\nSEQUENCE:99\r\nX-CRONOSLOT-EVENT-ID:no\r\nEND:VALARM\r\nEND:VEVENT",
    )
    (found,) = event_blocks(new_calendar().replace("END:VCALENDAR", block + "END:VCALENDAR"))
    assert (found.event_id, found.sequence, found.start, found.finish) == (
        "call-1",
        2,
        START,
        START + 3600,
    )
    later = render_event(ManagedEvent(**{**EVENT.__dict__, "stamp": EVENT.stamp + 99}))
    assert EventBlock.of(later).signature() == EventBlock.of(render_event(EVENT)).signature()


def test_with_properties_replaces_and_adds() -> None:
    block = render_event(ManagedEvent("x", START, START + 60, "S"))
    changed = with_properties(block, {"STATUS": "CANCELLED", "X-NEW": "1"})
    lines = changed.split("\r\n")
    assert "STATUS:CANCELLED" in lines and "STATUS:CONFIRMED" not in lines
    assert lines[-3:] == ["X-NEW:1", "END:VEVENT", ""]


def test_marking_a_calendar_keeps_every_other_byte() -> None:
    synced = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//cronoslot//sync//EN\nEND:VCALENDAR\n"
    marked = mark_calendar(synced)
    assert is_booking_calendar(marked) and not is_booking_calendar(synced)
    mark = f"{CALENDAR_MARK}:bookings\n"
    assert marked == synced.replace("BEGIN:VCALENDAR\n", "BEGIN:VCALENDAR\n" + mark)
    assert mark_calendar(marked) == marked
    for not_a_calendar in ("", "BEGIN:VEVENT\r\nEND:VEVENT\r\n", "BEGIN:VCALENDAR"):
        with pytest.raises(ValueError):
            mark_calendar(not_a_calendar)


def test_a_signature_ignores_the_order_of_lines_and_parameters_and_the_folding() -> None:
    event = render_event(
        ManagedEvent(
            "call",
            0,
            3600,
            "A summary long enough to be folded at seventy-five octets, with a comma",
            attendees=(Attendee("ann@example.com", "Ann, Smith"), Attendee("ben@example.com")),
        )
    )
    lines = content_lines(event)
    # As a CalDAV server may give it back: lines sorted, parameters sorted, not folded.
    middle = []
    for line in sorted(lines[1:-1]):
        name, parameters, value = split_line(line)
        if name == "ATTENDEE":
            line = f"{name};{';'.join(sorted(parameters.split(';', 1)[1].split(';')))}"
            line = f"{line};{parameters.split(';', 1)[0]}:{value}"
        middle.append(line)
    served = "\n".join([lines[0], *middle, lines[-1]]) + "\n"
    assert served != event
    assert EventBlock.of(served).signature() == EventBlock.of(event).signature()
    moved = served.replace("DTSTART:19700101T000000Z", "DTSTART:19700101T010000Z")
    assert EventBlock.of(moved).signature() != EventBlock.of(event).signature()
