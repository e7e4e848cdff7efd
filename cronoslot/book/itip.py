"""Invitations: iTIP messages (RFC 5546) for the calendars cronoslot does not write.

One file per event, ready to mail or import into Google or Outlook: ``METHOD:REQUEST``
with the very VEVENT the booking calendars hold (same UID and SEQUENCE, an ATTENDEE per
participant with an e-mail, ``RSVP=TRUE``), or ``METHOD:CANCEL`` with the event marked
cancelled and its SEQUENCE one higher. Pure: no I/O.
"""

from __future__ import annotations

from typing import Literal

from ..names import valid_name
from .events import PRODID, fold, ical_time, with_properties

Method = Literal["REQUEST", "CANCEL"]


def invitation(block_text: str, method: Method) -> str:
    """A whole iTIP message carrying one VEVENT block."""
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    head.append(f"METHOD:{method}")
    return "".join(fold(line) for line in head) + block_text + fold("END:VCALENDAR")


def cancelled(block_text: str, *, sequence: int, stamp: int) -> str:
    """The VEVENT of a cancellation: ``STATUS:CANCELLED``, the next SEQUENCE, a new
    DTSTAMP; every other line as the booked event had it."""
    replacements = {
        "STATUS": "CANCELLED",
        "SEQUENCE": str(sequence),
        "DTSTAMP": ical_time(stamp),
    }
    return with_properties(block_text, replacements)


def file_name(event_id: str, event_uid: str) -> str:
    """The invitation's file name: the event id when it is a safe file name, else the UID
    (which always is)."""
    return f"{event_id if valid_name(event_id) else event_uid}.ics"


__all__ = ["Method", "cancelled", "file_name", "invitation"]
