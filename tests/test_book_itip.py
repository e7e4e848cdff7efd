"""Invitations: iTIP messages that icalendar (and so Google, Outlook, Apple) can read."""

from __future__ import annotations

import icalendar

from cronoslot.book.events import Attendee, ManagedEvent, render_event
from cronoslot.book.itip import cancelled, file_name, invitation
from cronoslot.timeutil import parse_time

START = parse_time("2027-04-22T09:00:00Z")
EVENT = ManagedEvent(
    event_id="interview_1",
    start=START,
    end=START + 2700,
    summary="Interview",
    organizer="hr@example.com",
    attendees=(Attendee("ann@example.com", "Ann"), Attendee("ben@example.com")),
    sequence=3,
    stamp=parse_time("2027-04-01T00:00:00Z"),
)


def parse(text: str) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(text.encode())
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_a_request_carries_method_organizer_attendees_and_uid() -> None:
    calendar, event = parse(invitation(render_event(EVENT), "REQUEST"))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["ORGANIZER"]) == "mailto:hr@example.com"
    assert [str(a) for a in event["ATTENDEE"]] == [
        "mailto:ann@example.com",
        "mailto:ben@example.com",
    ]
    assert all(a.params["RSVP"] == "TRUE" for a in event["ATTENDEE"])
    assert str(event["UID"]) == EVENT.uid
    assert event["SEQUENCE"] == 3
    assert event["DTSTART"].dt.utcoffset().total_seconds() == 0


def test_a_cancellation_is_the_same_event_cancelled_one_sequence_later() -> None:
    later = parse_time("2027-04-02T00:00:00Z")
    message = invitation(cancelled(render_event(EVENT), sequence=4, stamp=later), "CANCEL")
    calendar, event = parse(message)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CANCELLED", 4)
    assert event["DTSTAMP"].dt.isoformat() == "2027-04-02T00:00:00+00:00"
    assert str(event["UID"]) == EVENT.uid
    assert str(event["ORGANIZER"]) == "mailto:hr@example.com"
    assert len(event["ATTENDEE"]) == 2


def test_file_names_are_safe() -> None:
    assert file_name("interview_1", "uid") == "interview_1.ics"
    assert file_name("../../etc/passwd", "cronoslot-1234") == "cronoslot-1234.ics"
