"""What a booking or a cancellation did, as dataclasses and as the JSON ``book`` and
``cancel`` print. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..timeutil import format_time


@dataclass(frozen=True)
class BookedEvent:
    """One managed event: its id and UID, its times (None only for a cancelled event
    whose times cronoslot cannot read back), the accounts whose calendars hold it (or
    held it, for a cancellation) in request order, and its SEQUENCE."""

    event_id: str
    event_uid: str
    start: int | None
    end: int | None
    subs: tuple[str, ...]
    sequence: int = 0


@dataclass(frozen=True)
class Booking:
    """The events booked (or cancelled); ``dry_run`` when nothing was written; the
    invitation files written."""

    events: tuple[BookedEvent, ...]
    cancelled: bool = False
    dry_run: bool = False
    invites: tuple[Path, ...] = ()


def booking_json(booking: Booking) -> dict[str, Any]:
    """``{"booked": [{"event_id", "event_uid", "start", "end", "subs"}]}`` (``cancelled``
    for a cancellation), with ``"dry_run": true`` and ``"invites": [paths]`` when so."""
    key = "cancelled" if booking.cancelled else "booked"
    body: dict[str, Any] = {
        key: [
            {
                "event_id": event.event_id,
                "event_uid": event.event_uid,
                "start": None if event.start is None else format_time(event.start),
                "end": None if event.end is None else format_time(event.end),
                "subs": list(event.subs),
            }
            for event in booking.events
        ]
    }
    if booking.dry_run:
        body["dry_run"] = True
    if booking.invites:
        body["invites"] = [str(path) for path in booking.invites]
    return body


__all__ = ["BookedEvent", "Booking", "booking_json"]
