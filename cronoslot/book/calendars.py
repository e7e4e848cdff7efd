"""The store's booking calendars, read once while the store is locked, edited in memory,
and handed to the journal as file changes.

A booking calendar is a ``.ics`` file of an account whose header carries
``X-CRONOSLOT-CALENDAR`` (``events.is_booking_calendar``). Every one of them in the store
is searched for an event id, whatever its calendar id, so that an event id names one
booking in the whole store. A file cronoslot did not create is never rewritten: asking to
book into one is a ``CalendarDataError`` naming it; except the file a sync wrote from a
CalDAV source, cronoslot's own copy of a calendar that ``book`` writes to on the server
too: it becomes a booking calendar (the mark is added) when first booked into.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CalendarDataError
from ..names import valid_name
from ..store.reader import Store
from .events import (
    EventBlock,
    blocks_of,
    is_booking_calendar,
    is_complete,
    mark_calendar,
    new_calendar,
)
from .journal import FileChange

# The calendar header (before the first component) is read from this much of a file;
# a foreign calendar is never read whole.
_HEADER_BYTES = 64 * 1024


def _decode(data: bytes) -> str:
    # surrogateescape: any byte that is not UTF-8 comes back as it was when written.
    return data.decode("utf-8", "surrogateescape")


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


class CalendarChanged(Exception):
    """A booking calendar's file was rewritten (by a sync of its CalDAV source) after a
    booking read it: the booking starts again."""


@dataclass
class BookingCalendar:
    """One booking calendar: where it is, its bytes as read (None: not created yet), and
    its text as edited so far."""

    sub: str
    calendar_id: str
    path: Path
    before: bytes | None
    text: str = field(init=False)

    def __post_init__(self) -> None:
        self.text = new_calendar() if self.before is None else _decode(self.before)

    def change(self) -> FileChange | None:
        """The file change to write, if any. Raises ``CalendarDataError`` for a change to
        a file that was truncated when read (it is never rewritten)."""
        after = _encode(self.text)
        if after == self.before:
            return None
        if self.before is not None and not is_complete(_decode(self.before)):
            raise CalendarDataError(self.path, "is truncated (no END:VCALENDAR); not rewritten")
        return FileChange(self.path, self.before, after)


def _read_header(path: Path) -> bytes:
    with path.open("rb") as stream:
        return stream.read(_HEADER_BYTES)


def is_own_file(path: Path) -> bool:
    """Whether ``path`` is one of cronoslot's booking calendars (a ``.ics`` file, not a
    link, whose header carries the mark)."""
    if path.suffix.lower() != ".ics" or path.is_symlink():
        return False
    try:
        header = _read_header(path)
    except OSError:
        return False
    return is_booking_calendar(_decode(header))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CalendarDataError(path, f"cannot be read: {error.strerror or error}") from None


class BookingCalendars:
    """Every booking calendar of the store, and the ones a booking adds."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.owned: dict[tuple[str, str], BookingCalendar] = {}
        for sub in self._accounts():
            for calendar_id in store.calendar_ids(sub):
                for path in store.calendar_files(sub, calendar_id):
                    if is_own_file(path):
                        self.owned[(sub, calendar_id)] = BookingCalendar(
                            sub, calendar_id, path, _read(path)
                        )

    def _accounts(self) -> list[str]:
        try:
            names = sorted(entry.name for entry in self.store.root.iterdir())
        except OSError as error:
            raise CalendarDataError(self.store.root, f"cannot be listed: {error}") from None
        return [name for name in names if valid_name(name) and self.store.has_account(name)]

    def target(self, sub: str, calendar_id: str) -> BookingCalendar:
        """The booking calendar ``calendar_id`` of ``sub``, created (in memory) when it
        does not exist. Raises ``CalendarDataError`` when that calendar exists and is not
        cronoslot's own, or is truncated."""
        key = (sub, calendar_id)
        if key in self.owned:
            calendar = self.owned[key]
            if not is_complete(calendar.text):
                raise CalendarDataError(
                    calendar.path, "is truncated (no END:VCALENDAR); not rewritten"
                )
            return calendar
        files = self.store.calendar_files(sub, calendar_id)
        foreign = next((path for path in files if path.suffix.lower() == ".ics"), None)
        path = self.store.root / sub / f"{calendar_id}.ics"
        if foreign is None and os.path.lexists(path):
            foreign = path  # a folder, or a link the store does not follow
        if foreign is None:
            calendar = BookingCalendar(sub, calendar_id, path, None)
            self.owned[key] = calendar
            return calendar
        mirror = self._mirror(sub, calendar_id, path) if foreign == path else None
        if mirror == "synced":
            calendar = BookingCalendar(sub, calendar_id, path, _read(path))
            if not is_complete(calendar.text):
                raise CalendarDataError(path, "is truncated (no END:VCALENDAR); not rewritten")
            calendar.text = mark_calendar(calendar.text)
            self.owned[key] = calendar
            return calendar
        if mirror == "not synced":
            raise CalendarDataError(
                path,
                "has a CalDAV source but no sync wrote it; run `cronoslot sync "
                f"{sub}` first, so that it is the server's calendar, then book",
            )
        raise CalendarDataError(
            foreign,
            "was not created by cronoslot, so it is never rewritten; book into another "
            "calendar (--calendar-id)",
        )

    def _mirror(self, sub: str, calendar_id: str, path: Path) -> str | None:
        """``"synced"`` when the file is what a sync wrote from a CalDAV source (cronoslot's
        copy of a collection that booking writes to as well, ``remote``: it may become a
        booking calendar); ``"not synced"`` when it has a CalDAV source that never wrote
        it; None when it has none."""
        from ..sync.sources import SourceKind

        source = self.store.source(sub, calendar_id)
        if source is None or source.kind is not SourceKind.CALDAV:
            return None
        state = self.store.sync_state(sub, calendar_id)
        synced = (
            state is not None
            and state.source == source.fingerprint
            and state.last_success is not None
        )
        regular = path.is_file() and not path.is_symlink()
        return "synced" if synced and regular else "not synced"

    def ids_of(self, sub: str) -> tuple[str, ...]:
        """The calendar ids of the account's booking calendars that exist on disk."""
        return tuple(
            calendar_id
            for (owner, calendar_id), calendar in self.owned.items()
            if owner == sub and calendar.before is not None
        )

    def copies(self, event_id: str) -> list[tuple[BookingCalendar, EventBlock]]:
        """Every VEVENT of ``event_id`` in the booking calendars, as they are now."""
        return [
            (calendar, block)
            for calendar in self.owned.values()
            for block in blocks_of(calendar.text, event_id)
        ]

    def changes(self) -> list[FileChange]:
        """The files whose text differs from what was read, in a stable order."""
        found = (calendar.change() for _, calendar in sorted(self.owned.items()))
        return [change for change in found if change is not None]


__all__ = ["BookingCalendar", "BookingCalendars", "CalendarChanged", "is_own_file"]
