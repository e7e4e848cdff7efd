"""Whose ATTENDEE lines are the account's (``owner.py``): ``emails``, else a Google
export's X-WR-CALNAME address; and the warning when an account has neither."""

from __future__ import annotations

from cronoslot.ical.owner import has_attendee_lines
from cronoslot.ical.text import split_calendar_text
from cronoslot.models import Transparency

from .ical_fixtures import FIXTURES, load_fixture, window

CALNAME = "google_x_wr_calname_owner_address.ics"
NO_EMAILS = "attendee_lines_without_account_emails.ics"
MARCH = window("2027-03-01T00:00:00Z", "2027-04-01T00:00:00Z")


def test_x_wr_calname_address_is_the_owners_when_account_json_gives_none() -> None:
    # Alice declined the 10 March meeting, is tentative on the 11th (as Alice@Example.com)
    # and accepted the 12th: the first is free, the second tentative.
    busy, warnings = load_fixture(CALNAME, MARCH)
    assert [(b.event_uid, b.transparency) for b in busy] == [
        ("maybe@google.com", Transparency.TENTATIVE),
        ("accepted@google.com", Transparency.OPAQUE),
    ]
    assert warnings == []


def test_account_emails_win_over_x_wr_calname() -> None:
    busy, warnings = load_fixture(CALNAME, MARCH, emails=("bob@example.com",))
    assert [(b.event_uid, b.transparency) for b in busy] == [
        ("declined@google.com", Transparency.OPAQUE),  # Bob accepted it
        ("maybe@google.com", Transparency.OPAQUE),
        ("accepted@google.com", Transparency.OPAQUE),
    ]
    assert warnings == []


def test_attendee_lines_without_any_address_are_warned_about() -> None:
    busy, warnings = load_fixture(NO_EMAILS, MARCH)
    assert [b.event_uid for b in busy] == ["invited", "reminder"]  # the decline is not seen
    assert len(warnings) == 1
    folder = str(FIXTURES)
    assert warnings[0].startswith(f"{folder}: events carry ATTENDEE lines")
    assert '"emails"' in warnings[0] and "declined invitations count as busy" in warnings[0]
    busy, warnings = load_fixture(NO_EMAILS, MARCH, emails=("me@example.com",))
    assert [b.event_uid for b in busy] == ["reminder"] and warnings == []


def test_an_e_mail_alarms_attendee_is_not_an_invitation() -> None:
    text = (FIXTURES / NO_EMAILS).read_text()
    invited = text[text.index("BEGIN:VEVENT") : text.index("END:VEVENT") + len("END:VEVENT\r\n")]
    alarm_only = text.replace(invited, "")
    assert has_attendee_lines(split_calendar_text(text).calendars)
    assert not has_attendee_lines(split_calendar_text(alarm_only).calendars)


def test_x_wr_calname_that_is_not_an_address_lends_nothing() -> None:
    from cronoslot.ical.owner import calendar_name_address

    def name(value: str) -> str | None:
        text = f"BEGIN:VCALENDAR\r\nX-WR-CALNAME:{value}\r\nEND:VCALENDAR\r\n"
        return calendar_name_address(split_calendar_text(text).calendars[0])

    assert name("Alice@Example.com") == "alice@example.com"
    assert name("mailto:alice@example.com") == "alice@example.com"
    for not_an_address in ("Work", "Alice Example <alice@example.com>", "a@b", "@example.com"):
        assert name(not_an_address) is None


def test_managed_events_attendee_lines_are_not_invitations() -> None:
    # A room's booking calendar: cronoslot's own events invite people, the room has no
    # e-mail address, and nothing the room could decline is lost.
    booked = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-CRONOSLOT-CALENDAR:1\r\nBEGIN:VEVENT\r\n"
        "UID:call@cronoslot\r\nX-CRONOSLOT-EVENT-ID:call\r\nDTSTART:20270422T090000Z\r\n"
        "DTEND:20270422T100000Z\r\nATTENDEE;RSVP=TRUE:mailto:ann@example.com\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert not has_attendee_lines(split_calendar_text(booked).calendars)
    invited = booked.replace("X-CRONOSLOT-EVENT-ID:call\r\n", "")
    assert has_attendee_lines(split_calendar_text(invited).calendars)
