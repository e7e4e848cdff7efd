"""Booking and cancelling: check, then write, under the store's exclusive lock.

``book``: validate the request (through the session, as a query would) and the choice
against it (``choice``); then, holding the store exclusively, re-run the query for
exactly the chosen starts with the ids being booked excluded, and also ask whether any
participant already has another of cronoslot's bookings then (a request may not read the
booking calendars, so its own answer cannot be the only guard against double-booking). Any
event no longer available is a ``BookingConflict`` and nothing is written. Otherwise each
event is put into the booking calendar of each of its participants (moved when the id
exists, SEQUENCE + 1; unchanged when nothing about it changed), taken out of calendars of
accounts no longer in it, and every changed file is written through the journal, all or
nothing. Invitations are written last.

A booking calendar that lives on a CalDAV server (a CalDAV source of that calendar) gets
its changed events written there too, inside the same all-or-nothing write (``remote``):
a precondition the server refuses is a ``BookingConflict``, a server that cannot be
written a ``CalendarServerError``, and either way nothing of the booking stays. When a
sync rewrote such a calendar between the read and the write, the booking starts again
(at most ``_ATTEMPTS`` times).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..api.fields import decode_body
from ..errors import BookingConflict, CalendarServerError, InvalidRequest, UsageError, Warn
from ..ical.simple import unescape_text
from ..models import AvailabilityRequest, Group, Member
from ..names import normalise_email, valid_name
from ..store.reader import Store
from ..store.writer import atomic_write
from ..sync.sources import SourceKind
from ..timeutil import format_time
from . import itip, journal, lock
from .calendars import BookingCalendar, BookingCalendars, CalendarChanged
from .choice import ChosenEvent, read_choice
from .events import (
    Attendee,
    EventBlock,
    ManagedEvent,
    event_uid,
    put_event,
    remove_event,
    render_event,
)
from .results import BookedEvent, Booking

if TYPE_CHECKING:
    from ..session import Body, Session

DEFAULT_CALENDAR_ID = "cronoslot"
DEFAULT_TIMEOUT = 30.0
_ATTEMPTS = 3
_EMAIL = re.compile(r"[^\s@:;,<>\"]+@[^\s@:;,<>\"]+")


@dataclass(frozen=True)
class BookingOptions:
    """How to book: ``event_id`` names a slot's event (a sequence's events are its
    ``sequence_id``s); ``summary``, ``description`` and ``organizer`` go into each event;
    ``calendar_id`` is the booking calendar of each participant; ``invite_dir`` receives
    one iTIP file per event; ``dry_run`` checks everything and writes nothing;
    ``timeout`` bounds each request to a booking calendar's CalDAV server."""

    event_id: str | None = None
    summary: str | None = None
    description: str | None = None
    organizer: str | None = None
    calendar_id: str = DEFAULT_CALENDAR_ID
    invite_dir: Path | None = None
    dry_run: bool = False
    timeout: float = DEFAULT_TIMEOUT


def _organizer(address: str | None) -> str | None:
    if address is None:
        return None
    normalised = normalise_email(address)
    if _EMAIL.fullmatch(normalised) is None:
        raise UsageError(f"organizer {address!r} is not an e-mail address")
    return normalised


def _prepare_invite_dir(directory: Path | None) -> None:
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create --invite-dir {directory}: {error.strerror}") from None


class Booker:
    """Books and cancels through a session (its validation and its query path)."""

    def __init__(
        self, session: Session, *, now: int, note: Warn, write: journal.Writer | None = None
    ) -> None:
        self.session = session
        self.root = Path(session.root)
        self.now = now
        self.note = note
        self.write = write or journal.write_calendar

    # --- book -----------------------------------------------------------------------------

    def book(self, request: Body, choice: Body, options: BookingOptions) -> Booking:
        """Raises ``InvalidRequest`` (the request, or a choice that does not answer it),
        ``BookingConflict`` (no longer available, or changed on a CalDAV server: nothing
        written), ``CalendarServerError`` (a CalDAV server that cannot be written: nothing
        written), ``UsageError``, and ``CalendarDataError`` (a calendar that cannot be read
        or must not be written)."""
        organizer = _organizer(options.organizer)
        if not valid_name(options.calendar_id):
            raise UsageError(f"{options.calendar_id!r} is not a valid calendar id")
        body = decode_body(request) if isinstance(request, bytes | str) else dict(request)
        parsed = (
            self.session.parse_sequence(body)
            if "sequence" in body
            else self.session.parse_availability(body)
        )
        chosen = _choice_object(choice)
        events = read_choice(parsed, chosen, event_id=options.event_id, warn=self.note)
        if not options.dry_run:
            _prepare_invite_dir(options.invite_dir)
        return _again(lambda: self._book(events, options, organizer), "booked")

    def _book(
        self, events: Sequence[ChosenEvent], options: BookingOptions, organizer: str | None
    ) -> Booking:
        guard = lock.shared if options.dry_run else lock.exclusive
        with guard(self.root, self.note):
            calendars = BookingCalendars(Store(self.root))
            for event in events:
                for sub in event.participants:
                    calendars.target(sub, options.calendar_id)
            self._check(events, calendars)
            planned = [self._put(event, calendars, options, organizer) for event in events]
            booked = tuple(event for event, _ in planned)
            if options.invite_dir is not None and any(not event.organizer for _, event in planned):
                raise UsageError("--invite-dir needs --organizer EMAIL: invitations name one")
            ids = [event.event_id for event in events]
            write = self._writer(calendars, ids, options.timeout, "nothing was booked")
            if options.dry_run:
                return Booking(booked, dry_run=True)
            write()
            messages = [(event.event_id, event.uid, render_event(event)) for _, event in planned]
            invites = self._invite(options.invite_dir, messages, "REQUEST")
        return Booking(booked, invites=invites)

    def _check(self, events: Sequence[ChosenEvent], calendars: BookingCalendars) -> None:
        """Raise ``BookingConflict`` naming every event that is no longer available."""
        conflicts = []
        for event in events:
            result = self.session.answer_availability(event.check)
            when = f"'{event.event_id}' ({format_time(event.start)} to {format_time(event.end)})"
            if not result.slots:
                conflicts.append(f"{when} is no longer available")
                continue
            free = set(result.slots[0].participants)
            busy = [sub for sub in event.participants if sub not in free]
            busy += [sub for sub in self._booked_elsewhere(event, calendars) if sub not in busy]
            if busy:
                conflicts.append(f"{when}: {', '.join(busy)} no longer available")
        if conflicts:
            raise BookingConflict(conflicts)

    def _booked_elsewhere(self, event: ChosenEvent, calendars: BookingCalendars) -> list[str]:
        """The participants whose booking calendars hold another booking at the time,
        asked as a query of their booking calendars alone."""
        members = tuple(
            Member(sub, calendar_ids=ids)
            for sub in event.participants
            if (ids := calendars.ids_of(sub))
        )
        if not members:
            return []
        request = AvailabilityRequest(
            participants=(Group(members=members, required=1),),
            required_duration=event.end - event.start,
            query_slots=(event.start,),
            response_format="overlapping_slots",
            excluded_events=event.check.excluded_events,
        )
        result = self.session.answer_availability(request)
        free = set(result.slots[0].participants) if result.slots else set()
        return [member.sub for member in members if member.sub not in free]

    def _event(
        self,
        chosen: ChosenEvent,
        store: Store,
        options: BookingOptions,
        organizer: str | None,
        before: EventBlock | None,
    ) -> ManagedEvent:
        """The event to write: an ATTENDEE per participant with an e-mail; the summary,
        description and organizer given, else those of the booking it moves (``before``),
        else the event id as the summary."""
        attendees = []
        for sub in chosen.participants:
            settings = store.settings(sub)
            emails = [email for email in settings.emails if _EMAIL.fullmatch(email)]
            if emails:
                attendees.append(Attendee(emails[0], settings.name))
        kept = _texts(before)
        return ManagedEvent(
            event_id=chosen.event_id,
            start=chosen.start,
            end=chosen.end,
            summary=options.summary or kept.get("SUMMARY") or chosen.event_id,
            description=options.description or kept.get("DESCRIPTION"),
            organizer=organizer or kept.get("ORGANIZER"),
            attendees=tuple(attendees),
            sequence=0 if before is None else before.sequence,
            stamp=self.now,
        )

    def _put(
        self,
        chosen: ChosenEvent,
        calendars: BookingCalendars,
        options: BookingOptions,
        organizer: str | None,
    ) -> tuple[BookedEvent, ManagedEvent]:
        """Put one event into its participants' booking calendars (in memory), out of the
        others; returns what was booked and the event written."""
        copies = calendars.copies(chosen.event_id)
        targets = [calendars.target(sub, options.calendar_id) for sub in chosen.participants]
        latest = max((block for _, block in copies), key=_sequence, default=None)
        event = self._event(chosen, calendars.store, options, organizer, latest)
        text = render_event(event)
        if not _unchanged(copies, targets, text):
            if copies:
                event = replace(event, sequence=event.sequence + 1)
                text = render_event(event)
            for calendar, _ in copies:
                if not any(calendar is target for target in targets):
                    calendar.text = remove_event(calendar.text, chosen.event_id)
            for target in targets:
                target.text = put_event(target.text, chosen.event_id, text)
        subs = chosen.participants
        booked = BookedEvent(
            event.event_id, event.uid, event.start, event.end, subs, event.sequence
        )
        return booked, event

    # --- cancel ---------------------------------------------------------------------------

    def cancel(
        self, event_id: str, invite_dir: Path | None, *, timeout: float = DEFAULT_TIMEOUT
    ) -> Booking:
        """Take event ``event_id`` out of every booking calendar (and off the CalDAV
        servers of those that live on one). Raises ``InvalidRequest`` (``unknown_event``)
        when none holds it; ``BookingConflict`` and ``CalendarServerError`` as ``book``."""
        _prepare_invite_dir(invite_dir)
        return _again(lambda: self._cancel(event_id, invite_dir, timeout), "cancelled")

    def _cancel(self, event_id: str, invite_dir: Path | None, timeout: float) -> Booking:
        with lock.exclusive(self.root, self.note):
            calendars = BookingCalendars(Store(self.root))
            copies = calendars.copies(event_id)
            if not copies:
                raise InvalidRequest(
                    {
                        "event_id": [
                            {
                                "key": "errors.unknown_event",
                                "description": "no booking calendar holds this event id",
                            }
                        ]
                    }
                )
            latest = max((block for _, block in copies), key=_sequence)
            if invite_dir is not None and not _has(latest, "ORGANIZER"):
                raise UsageError(
                    f"'{event_id}' was booked without --organizer: there is no invitation "
                    "to cancel (leave out --invite-dir)"
                )
            for calendar, _ in copies:
                calendar.text = remove_event(calendar.text, event_id)
            self._writer(calendars, [event_id], timeout, "nothing was cancelled")()
            message = itip.cancelled(latest.text, sequence=latest.sequence + 1, stamp=self.now)
            uid = _uid(latest) or event_uid(event_id)
            invites = self._invite(invite_dir, [(event_id, uid, message)], "CANCEL")
        subs = tuple(dict.fromkeys(calendar.sub for calendar, _ in copies))
        cancelled = BookedEvent(
            event_id, uid, latest.start, latest.finish, subs, latest.sequence + 1
        )
        return Booking((cancelled,), cancelled=True, invites=invites)

    # --- writing --------------------------------------------------------------------------

    def _writer(
        self, calendars: BookingCalendars, event_ids: Sequence[str], timeout: float, outcome: str
    ) -> Callable[[], None]:
        """What writes the changes made to ``calendars``, all or nothing: the files through
        the journal and, for calendars that live on a CalDAV server, the events there
        (planned now: missing credentials and event ids a server would not give back are
        errors before anything is written)."""
        changes = calendars.changes()

        def files_only() -> None:
            journal.apply(self.root, changes, write=self.write)

        if not _on_a_server(calendars):
            return files_only
        from . import remote

        server_side = remote.plan(
            calendars, event_ids, timeout=timeout, note=self.note, outcome=outcome
        )

        def files_and_servers() -> None:
            with server_side.held():
                journal.apply(self.root, changes, write=self.write, then=server_side.push)

        return files_and_servers

    # --- invitations ----------------------------------------------------------------------

    def _invite(
        self,
        directory: Path | None,
        messages: Sequence[tuple[str, str, str]],
        method: itip.Method,
    ) -> tuple[Path, ...]:
        """Write one iTIP file per (event id, UID, VEVENT text) into ``directory``."""
        if directory is None:
            return ()
        written = []
        for event_id, uid, text in messages:
            path = directory / itip.file_name(event_id, uid)
            try:
                atomic_write(path, itip.invitation(text, method).encode("utf-8"))
            except OSError as error:
                raise UsageError(
                    f"the calendars are written, but not the invitation {path}: "
                    f"{error.strerror or error}; run the same command again to write it"
                ) from None
            written.append(path)
        return tuple(written)


def _again(attempt: Callable[[], Booking], done: str) -> Booking:
    """Run ``attempt`` again when a sync rewrote a booking calendar on a CalDAV server
    while it was being booked (``remote.CalendarChanged``)."""
    for _ in range(_ATTEMPTS - 1):
        try:
            return attempt()
        except CalendarChanged:
            continue
    try:
        return attempt()
    except CalendarChanged as changed:
        raise CalendarServerError(
            f"{changed}: a sync kept rewriting this booking calendar; nothing was {done}, try again"
        ) from None


def _on_a_server(calendars: BookingCalendars) -> bool:
    """Whether a booking calendar this booking changes lives on a CalDAV server."""
    store = calendars.store
    return any(
        calendar.change() is not None
        and (source := store.source(calendar.sub, calendar.calendar_id)) is not None
        and source.kind is SourceKind.CALDAV
        for calendar in calendars.owned.values()
    )


def _choice_object(choice: Body) -> dict[str, object]:
    """The choice as a JSON object; bad JSON is ``invalid_json`` at ``choice``."""
    if not isinstance(choice, bytes | str):
        return dict(choice)
    try:
        return decode_body(choice)
    except InvalidRequest as error:
        raise InvalidRequest({"choice": error.errors.get("request", [])}) from None


def _unchanged(
    copies: Sequence[tuple[BookingCalendar, EventBlock]],
    targets: Sequence[BookingCalendar],
    text: str,
) -> bool:
    """Whether every target holds exactly this event once, and no other calendar does."""
    if len(copies) != len(targets):
        return False
    if {id(calendar) for calendar, _ in copies} != {id(target) for target in targets}:
        return False
    wanted = EventBlock.of(text).signature()
    return all(block.signature() == wanted for _, block in copies)


def _sequence(block: EventBlock) -> int:
    return block.sequence


def _texts(block: EventBlock | None) -> dict[str, str]:
    """SUMMARY, DESCRIPTION (unescaped) and ORGANIZER (an address) of a booked event."""
    if block is None:
        return {}
    found: dict[str, str] = {}
    for name, _, value in block.properties():
        if name in ("SUMMARY", "DESCRIPTION") and name not in found:
            found[name] = unescape_text(value)
        elif name == "ORGANIZER" and name not in found:
            address = normalise_email(value)
            if _EMAIL.fullmatch(address):
                found[name] = address
    return found


def _has(block: EventBlock, name: str) -> bool:
    return any(prop == name for prop, _, _ in block.properties())


def _uid(block: EventBlock) -> str | None:
    return next((value for name, _, value in block.properties() if name == "UID"), None)


__all__ = ["DEFAULT_CALENDAR_ID", "Booker", "BookingOptions"]
