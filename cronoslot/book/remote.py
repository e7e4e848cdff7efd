"""Booking calendars that live on a CalDAV server: the events a booking changes are also
written there, with preconditions, all or nothing.

A participant's booking calendar ``SUB/CALENDAR_ID.ics`` lives on a server when
``SUB/sources.json`` has a CalDAV source for ``CALENDAR_ID`` (``cronoslot source add SUB
cronoslot URL --caldav``). The local file is then cronoslot's copy of that collection: a
sync writes it from the server (keeping the booking calendar's mark), and a booking
changes it as it changes any booking calendar, and also changes the server:

- Each managed event is one calendar object, named by its UID (``<uid>.ics`` in the
  collection). A new one is PUT with ``If-None-Match: *``; a moved one with ``If-Match``
  and the ETag cronoslot last saw of it; a removed one (``cancel``, or a participant no
  longer in the choice) is DELETEd with ``If-Match``. The ETag last seen is kept in the
  sync snapshot beside the source (``SUB/.sync/CALENDAR_ID.caldav.json``): a sync records
  the ETag of every object it reads, a booking the ETag of every object it writes.
- A refused precondition (412: the object was changed or deleted on the server since
  cronoslot last saw it, or a new one exists already) is a ``BookingConflict``; any other
  failure (the server cannot be reached, does not answer in time, refuses access) a
  ``CalendarServerError``. Either way nothing of the booking stays: the local files are
  rolled back by the journal (``push`` runs inside ``journal.apply``, after the local
  files are written and before the journal is removed), and what was already written to
  servers is taken back, as is a write that got no answer but was carried out all the
  same (the server is asked what it holds). Best effort: what cannot be taken back, or
  may have been written, is named in a warning.
- One writer at a time: the booking holds the store's exclusive lock and, for each such
  calendar, the calendar's sync lock (``cronoslot.sync.locks``), the one a sync of that
  calendar holds while it fetches and writes. A sync that rewrote the file between the
  booking's read and its lock makes the booking start again (``CalendarChanged``).
- A process killed between its first PUT and the end leaves the local files rolled back
  (by the journal, at the next command) but may leave objects on the server; the next
  sync brings them in as bookings, which ``cancel`` or ``book`` can then change.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import BookingConflict, CalendarServerError, UsageError, Warn
from ..sync.caldav_source import Snapshot, read_snapshot, write_snapshot
from ..sync.credentials import credentials_for
from ..sync.feeds import FetchError
from ..sync.locks import LockTimeout, locked
from ..sync.sources import Source, SourceKind
from .caldav_writer import CollectionWriter, PreconditionFailed, Stored, WriteFailed
from .caldav_writer import collection_path as _collection_path
from .calendars import BookingCalendar, BookingCalendars, CalendarChanged
from .events import (
    PRODID,
    EventBlock,
    blocks_of,
    content_lines,
    event_blocks,
    event_uid,
    split_line,
)

# How much longer than a request's timeout a booking waits for a sync of the calendar.
_LOCK_GRACE = 10.0
# Characters a CalDAV server may rewrite in an X- property (it reads it as TEXT: Radicale
# keeps only what comes before a comma), so that the event id would not come back.
_REWRITTEN = frozenset(",;\\")


def object_text(block_text: str) -> str:
    """One calendar object holding the VEVENT block ``block_text`` (times in UTC: no
    VTIMEZONE needed)."""
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{PRODID}\r\n{block_text}END:VCALENDAR\r\n"


def _uid(block: EventBlock) -> str | None:
    return next((value.strip() for name, _, value in block.properties() if name == "UID"), None)


def _uids(text: str) -> Iterator[str]:
    for line in content_lines(text):
        name, _, value = split_line(line)
        if name == "UID":
            yield value.strip()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


@dataclass
class ServerCalendar:
    """One booking calendar that lives on a server, and what cronoslot has seen of it."""

    calendar: BookingCalendar
    account: Path
    source: Source
    writer: CollectionWriter
    snapshot: Snapshot | None = None
    objects: dict[str, str] = field(default_factory=dict)
    etags: dict[str, str] = field(default_factory=dict)
    changed: bool = False

    @property
    def name(self) -> str:
        return f"{self.calendar.sub}/{self.calendar.calendar_id}"

    def load(self) -> None:
        """Read what the last sync or booking saw of the collection (under its lock)."""
        found = read_snapshot(self.account, self.calendar.calendar_id, self.source.fingerprint)
        self.snapshot = found or Snapshot(self.source.fingerprint)
        self.objects = dict(self.snapshot.objects)
        # A weak ETag never matches an If-Match: as good as none.
        self.etags = {
            path: etag for path, etag in self.snapshot.etags.items() if not etag.startswith("W/")
        }

    def path_of(self, uid: str) -> str | None:
        return next((path for path, text in self.objects.items() if uid in _uids(text)), None)

    def remember(self, path: str, text: str | None, etag: str | None) -> None:
        """The object at ``path`` is now ``text`` (None: gone), version ``etag``."""
        self.changed = True
        self.etags.pop(path, None)
        if text is None:
            self.objects.pop(path, None)
            return
        self.objects[path] = text
        if etag is not None:
            self.etags[path] = etag

    def save(self) -> None:
        token = None if self.snapshot is None else self.snapshot.sync_token
        snapshot = Snapshot(self.source.fingerprint, token, self.objects, self.etags)
        write_snapshot(self.account, self.calendar.calendar_id, snapshot)


@dataclass
class Operation:
    """One object to write: ``text`` to PUT (None: DELETE), for event ``event_id``, in
    every calendar of ``calendars`` (one object of one collection; two accounts may share
    a collection). ``path``, ``etag`` (the precondition; None for a new object) and
    ``previous`` (the text last seen, to put back) are resolved under the lock."""

    event_id: str
    uid: str
    text: str | None
    calendars: list[ServerCalendar]
    path: str = ""
    etag: str | None = None
    previous: str | None = None
    stored: Stored | None = None
    # "done"; "uncertain": sent, but no answer came back, so it may have been carried out
    state: Literal["planned", "done", "uncertain"] = "planned"

    @property
    def server(self) -> ServerCalendar:
        return self.calendars[0]

    @property
    def where(self) -> str:
        names = ", ".join(calendar.name for calendar in self.calendars)
        return f"'{self.event_id}' in {names} on {self.server.source.shown}"


class RemoteBooking:
    """The server side of one booking or cancellation (``plan`` makes it)."""

    def __init__(
        self,
        servers: Sequence[ServerCalendar],
        operations: Sequence[Operation],
        *,
        timeout: float,
        note: Warn,
        outcome: str,
    ) -> None:
        self.servers = list(servers)
        self.operations = list(operations)
        self.timeout = timeout
        self.note = note
        self.outcome = outcome  # "nothing was booked", "nothing was cancelled"

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold each calendar's sync lock; raise ``CalendarChanged`` when a file is no
        longer what the booking read. Then read the snapshots and resolve every
        operation's object and precondition."""
        with ExitStack() as stack:
            for server in self.servers:
                stack.callback(server.writer.close)
            for server in self.servers:
                try:
                    wait = self.timeout + _LOCK_GRACE
                    stack.enter_context(locked(server.account, server.calendar.calendar_id, wait))
                except LockTimeout:
                    raise CalendarServerError(
                        f"{server.name}: a sync of it is still running; {self.outcome}, try "
                        "again when it is done"
                    ) from None
                if _read(server.calendar.path) != server.calendar.before:
                    raise CalendarChanged(server.name)
                server.load()
            for operation in self.operations:
                self._resolve(operation)
            yield

    def _resolve(self, operation: Operation) -> None:
        server = operation.server
        known = server.path_of(operation.uid)
        if known is None:
            if operation.text is None:
                return  # never seen on the server: nothing to delete there
            folder = _collection_path(server.source.url)
            operation.path = f"{folder}{operation.uid}.ics"
            return
        operation.path = known
        operation.previous = server.objects[known]
        operation.etag = server.etags.get(known)
        if operation.etag is None:
            raise CalendarServerError(
                f"{operation.where}: cronoslot knows no ETag of it, so it cannot change it "
                f"safely; {self.outcome}. Run `cronoslot sync {server.calendar.sub}`, then "
                "try again"
            )

    # --- writing ---------------------------------------------------------------------------

    def push(self) -> None:
        """Write every operation, or none: on a failure, take back what was written and
        raise ``BookingConflict`` (412) or ``CalendarServerError``. The snapshots record
        what the servers hold in the end."""
        try:
            for operation in self.operations:
                if operation.path:
                    self._run(operation)
        except BaseException:
            self._undo([operation for operation in self.operations if operation.state != "planned"])
            raise
        finally:
            self._save()

    def _remember(self, operation: Operation, text: str | None, etag: str | None) -> None:
        for server in operation.calendars:
            server.remember(operation.path, text, etag)

    def _run(self, operation: Operation) -> None:
        writer = operation.server.writer
        try:
            if operation.text is None:
                writer.delete(operation.path, etag=operation.etag)
                operation.state = "done"
                self._remember(operation, None, None)
                return
            stored = writer.put(operation.path, operation.text, etag=operation.etag)
        except PreconditionFailed:
            raise BookingConflict([self._refused(operation)], outcome=self.outcome) from None
        except WriteFailed as error:
            if error.uncertain:
                operation.state = "uncertain"
            raise CalendarServerError(
                f"{operation.where}: the server did not take it ({error}); {self.outcome}"
            ) from None
        operation.state = "done"
        operation.stored = stored
        self._remember(operation, stored.text or operation.text, stored.etag)

    def _refused(self, operation: Operation) -> str:
        sync = f"run `cronoslot sync {operation.server.calendar.sub}`, then ask again"
        if operation.etag is None:
            return (
                f"{operation.where} exists on the server already (put there by someone "
                f"else, or by an interrupted booking: 412 Precondition Failed); {sync}"
            )
        return (
            f"{operation.where} was changed on the server since cronoslot last saw it "
            f"(412 Precondition Failed); {sync}"
        )

    def _undo(self, done: Sequence[Operation]) -> None:
        """Take back, newest first, what ``done`` wrote; warn about what cannot be."""
        failed = []
        for operation in reversed(done):
            try:
                self._take_back(operation)
            except (PreconditionFailed, WriteFailed) as error:
                reason = str(error) or "changed on the server meanwhile: 412"
                if operation.state == "uncertain":
                    reason = f"no answer, so it may have been written: {reason}"
                failed.append(f"{operation.where} ({reason})")
            except Exception as error:  # whatever it is, the others are still taken back
                failed.append(f"{operation.where} ({type(error).__name__})")
        if failed:
            self.note(
                "these changes were written to a server and could not be taken back: "
                + "; ".join(failed)
                + ". Run `cronoslot sync` for those accounts, then cancel or book them again"
            )

    def _carried_out(self, operation: Operation) -> bool:
        """Whether an operation that got no answer was carried out all the same, asked of
        the server (``WriteFailed`` when it does not answer now either). When it was, its
        ``stored`` is what the server holds."""
        current = operation.server.writer.get(operation.path)
        if operation.text is None:
            return current is None  # gone: the DELETE went through
        if current is None or (current.etag is not None and current.etag == operation.etag):
            return False  # not there, or still the version it was to replace
        if current.text is None or not _same_event(current.text, operation.text):
            return False  # someone else's version: not cronoslot's to take back
        operation.stored = current
        return True

    def _take_back(self, operation: Operation) -> None:
        writer = operation.server.writer
        if operation.state == "uncertain" and not self._carried_out(operation):
            return
        if operation.text is None:  # deleted: put the version last seen back
            if operation.previous is None:
                raise WriteFailed("its text is not known")
            stored = writer.put(operation.path, operation.previous, etag=None)
            self._remember(operation, stored.text or operation.previous, stored.etag)
            return
        stored_etag = None if operation.stored is None else operation.stored.etag
        if operation.etag is None:  # created: delete it (only that version, when known)
            writer.delete(operation.path, etag=stored_etag)
            self._remember(operation, None, None)
            return
        if operation.previous is None or stored_etag is None:
            raise WriteFailed("the server gave no ETag of what was written")
        stored = writer.put(operation.path, operation.previous, etag=stored_etag)
        self._remember(operation, stored.text or operation.previous, stored.etag)

    def _save(self) -> None:
        for server in self.servers:
            if not server.changed:
                continue
            try:
                server.save()
            except OSError as error:
                self.note(
                    f"{server.name}: cannot record the ETags of what was written to its "
                    f"server ({error.strerror or type(error).__name__}); run `cronoslot sync "
                    f"{server.calendar.sub}` before changing these events again"
                )


# --- planning ------------------------------------------------------------------------------


def _server_calendar(
    calendars: BookingCalendars, calendar: BookingCalendar, timeout: float, outcome: str
) -> ServerCalendar | None:
    source = calendars.store.source(calendar.sub, calendar.calendar_id)
    if source is None or source.kind is not SourceKind.CALDAV:
        return None
    account = calendars.store.account_dir(calendar.sub)
    if account is None:
        return None
    try:
        writer = CollectionWriter(source, credentials_for(source), timeout)
    except (FetchError, WriteFailed) as error:
        raise CalendarServerError(
            f"{calendar.sub}/{calendar.calendar_id}: its CalDAV server {source.shown} cannot "
            f"be written: {error}; {outcome}"
        ) from None
    return ServerCalendar(calendar, account, source, writer)


def _first(blocks: list[EventBlock]) -> EventBlock | None:
    return blocks[0] if blocks else None


def _same_event(served: str, written: str) -> bool:
    """Whether the server's object holds the event as written (whatever order the server
    gives its lines in)."""
    ours, theirs = event_blocks(written), event_blocks(served)
    return bool(ours and theirs) and ours[0].signature() == theirs[0].signature()


def _intended(server: ServerCalendar, event_ids: Iterable[str]) -> Iterator[Operation]:
    """What this booking changes in the calendar, object by object."""
    calendar = server.calendar
    before_text = "" if calendar.before is None else calendar.before.decode("utf-8", "replace")
    for event_id in event_ids:
        before = _first(blocks_of(before_text, event_id))
        after = _first(blocks_of(calendar.text, event_id))
        if after is None and before is None:
            continue
        if after is not None and before is not None and after.signature() == before.signature():
            continue
        if after is not None and _REWRITTEN & set(event_id):
            raise UsageError(
                f"the event id {event_id!r} cannot be written to the CalDAV server of "
                f"{server.name}: servers rewrite ',', ';' and '\\' in it, so it would not "
                "come back; choose an id without them"
            )
        block = after if after is not None else before
        uid = (_uid(block) if block is not None else None) or event_uid(event_id)
        text = None if after is None else object_text(after.text)
        yield Operation(event_id, uid, text, [server])


def plan(
    calendars: BookingCalendars,
    event_ids: Sequence[str],
    *,
    timeout: float,
    note: Warn,
    outcome: str = "nothing was booked",
) -> RemoteBooking:
    """The server writes of the changes made to ``calendars`` (in memory) for
    ``event_ids`` (nothing is sent yet). Raises ``CalendarServerError`` when a server's
    credentials are missing or the caldav extra is, ``UsageError`` for an event id a
    server would not give back."""
    servers: list[ServerCalendar] = []
    operations: dict[tuple[str, str], Operation] = {}
    for _, calendar in sorted(calendars.owned.items()):
        if calendar.change() is None:
            continue
        server = _server_calendar(calendars, calendar, timeout, outcome)
        if server is None:
            continue
        servers.append(server)
        for operation in _intended(server, event_ids):
            # One object of a collection that two accounts share is written once.
            key = (server.source.url, operation.uid)
            if key in operations:
                operations[key].calendars.append(server)
            else:
                operations[key] = operation
    return RemoteBooking(
        servers, list(operations.values()), timeout=timeout, note=note, outcome=outcome
    )


__all__ = [
    "CalendarChanged",
    "Operation",
    "RemoteBooking",
    "ServerCalendar",
    "object_text",
    "plan",
]
