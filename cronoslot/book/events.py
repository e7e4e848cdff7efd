"""Managed events as iCalendar text, and the booking calendar edited as text.

A booking calendar is cronoslot's own file (``SUB/cronoslot.ics``), marked by the
calendar property ``X-CRONOSLOT-CALENDAR``. Events are put in and taken out by splicing
the text: everything outside the VEVENT blocks being changed (other events, a person's own
additions, line endings, folding) stays byte for byte as it was. Nothing here parses with
icalendar, and nothing reads or writes a file.

An event's identity is its ``X-CRONOSLOT-EVENT-ID`` (written raw: the loader does not
unescape X- properties, so an id must hold no control characters) and a ``UID`` derived
from it, so every copy and every invitation of one booking share one UID.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from ..ical.busy_rules import EVENT_ID

CALENDAR_MARK = "X-CRONOSLOT-CALENDAR"
"""The calendar property that makes a file cronoslot's own booking calendar."""

PRODID = "-//cronoslot//bookings//EN"
MAX_EVENT_ID_LENGTH = 1000

_UID_NAMESPACE = uuid.UUID("0b6c7f4e-2a51-5c39-9d1e-63a1c0f2b7d4")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_FOLD = re.compile(r"(?:\r\n|\r|\n)[ \t]")
_UTC_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z")
_FOLD_OCTETS = 75
CRLF = "\r\n"


def event_uid(event_id: str) -> str:
    """The stable UID of the managed event ``event_id``."""
    return f"cronoslot-{uuid.uuid5(_UID_NAMESPACE, event_id)}"


def event_id_problem(event_id: str) -> str | None:
    """Why ``event_id`` cannot name a managed event, or None when it can."""
    if not event_id or event_id != event_id.strip():
        return "must not be empty or start or end with a space"
    if len(event_id) > MAX_EVENT_ID_LENGTH:
        return f"must be at most {MAX_EVENT_ID_LENGTH} characters"
    if not all(character.isprintable() for character in event_id):
        return "must not hold line breaks or other control characters"
    return None


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str | None = None


@dataclass(frozen=True)
class ManagedEvent:
    """What cronoslot writes for one booked slot or sequence step."""

    event_id: str
    start: int
    end: int
    summary: str
    description: str | None = None
    organizer: str | None = None
    attendees: tuple[Attendee, ...] = ()
    sequence: int = 0
    stamp: int = 0  # DTSTAMP: when it was written

    @property
    def uid(self) -> str:
        return event_uid(self.event_id)


# --- writing ------------------------------------------------------------------------------


def ical_time(instant: int) -> str:
    """``20270422T090000Z``: a UTC DATE-TIME."""
    return datetime.fromtimestamp(instant, UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped;
    other control characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(c for c in text if c == "\n" or c == "\t" or c.isprintable())
    return kept.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _parameter(value: str) -> str:
    """A parameter value: quoted when it holds ``: ; ,``; quotes and controls dropped."""
    cleaned = "".join(c for c in value if c.isprintable() and c != '"')
    return f'"{cleaned}"' if any(c in cleaned for c in ":;,") else cleaned


def fold(line: str) -> str:
    """One content line folded at 75 octets (never inside a UTF-8 character), with CRLF."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    limit = _FOLD_OCTETS
    for character in line:
        width = len(character.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, _FOLD_OCTETS - 1  # the leading space counts
        current.append(character)
        size += width
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces) + CRLF


def render_event(event: ManagedEvent, *, status: str = "CONFIRMED") -> str:
    """The VEVENT block of ``event``, CRLF line endings, folded."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{ical_time(event.stamp)}",
        f"DTSTART:{ical_time(event.start)}",
        f"DTEND:{ical_time(event.end)}",
        f"SEQUENCE:{event.sequence}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.organizer:
        lines.append(f"ORGANIZER:mailto:{event.organizer}")
    for attendee in event.attendees:
        name = f";CN={_parameter(attendee.name)}" if attendee.name else ""
        lines.append(
            f"ATTENDEE{name};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE"
            f":mailto:{attendee.email}"
        )
    lines += [f"STATUS:{status}", "TRANSP:OPAQUE", f"{EVENT_ID}:{event.event_id}", "END:VEVENT"]
    return "".join(fold(line) for line in lines)


def new_calendar() -> str:
    """An empty booking calendar, marked as cronoslot's own."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    lines += [f"{CALENDAR_MARK}:bookings", "END:VCALENDAR"]
    return "".join(fold(line) for line in lines)


# --- reading ------------------------------------------------------------------------------


def _physical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line with its line break) of every physical line."""
    for match in _LINE.finditer(text):
        if match.start() == len(text):
            return
        yield match.start(), match.group()


def content_lines(text: str) -> list[str]:
    """The unfolded content lines of ``text``, without line breaks or empty lines."""
    return [line for line in re.split(r"\r\n|\r|\n", _FOLD.sub("", text)) if line]


def split_line(line: str) -> tuple[str, str, str]:
    """(upper-case name, parameters, value) of a content line; the value starts at the
    first ``:`` outside a quoted parameter."""
    quoted = False
    for index, character in enumerate(line):
        if character == '"':
            quoted = not quoted
        elif character == ":" and not quoted:
            head, value = line[:index], line[index + 1 :]
            name, _, parameters = head.partition(";")
            return name.strip().upper(), parameters, value
    return line.strip().upper(), "", ""


def _marker(line_with_break: str) -> str:
    return line_with_break.rstrip("\r\n").strip().upper()


def is_booking_calendar(text: str) -> bool:
    """Whether ``text`` is cronoslot's own booking calendar: its first VCALENDAR carries
    ``X-CRONOSLOT-CALENDAR`` before any component."""
    started = False
    for line in content_lines(text):
        name, _, value = split_line(line)
        if name == "BEGIN":
            if started:
                return False
            if value.strip().upper() != "VCALENDAR":
                return False
            started = True
        elif name == "END":
            return False
        elif started and name == CALENDAR_MARK:
            return True
    return False


def mark_calendar(text: str) -> str:
    """The calendar text made a booking calendar: the mark inserted after its first line
    (``BEGIN:VCALENDAR``), every other byte as it was; unchanged when already marked."""
    if is_booking_calendar(text):
        return text
    _, line = next(_physical_lines(text), (0, ""))
    line_break = line[len(line.rstrip("\r\n")) :]
    if _marker(line) != "BEGIN:VCALENDAR" or not line_break:
        raise ValueError("does not start with a BEGIN:VCALENDAR line")
    return text[: len(line)] + f"{CALENDAR_MARK}:bookings{line_break}" + text[len(line) :]


def is_complete(text: str) -> bool:
    """Whether the text ends with ``END:VCALENDAR`` (a truncated file is never edited)."""
    lines = content_lines(text)
    return bool(lines) and _marker(lines[-1]) == "END:VCALENDAR"


@dataclass(frozen=True)
class EventBlock:
    """A top-level VEVENT of a calendar text: where it is (``[begin, end)`` offsets, its
    last line break included), its text, and what booking needs of it."""

    begin: int
    end: int
    text: str
    event_id: str | None
    sequence: int
    start: int | None
    finish: int | None

    @classmethod
    def of(cls, text: str) -> EventBlock:
        """A VEVENT block on its own (as ``render_event`` makes it)."""
        return _block(text, 0, len(text))

    def properties(self) -> list[tuple[str, str, str]]:
        """The VEVENT's own properties (not those of a VALARM inside it), unfolded."""
        found = []
        depth = 0
        for line in content_lines(self.text)[1:-1]:
            name, parameters, value = split_line(line)
            if name == "BEGIN":
                depth += 1
            elif name == "END":
                depth -= 1
            elif depth == 0:
                found.append((name, parameters, value))
        return found

    def signature(self) -> tuple[tuple[str, tuple[str, ...], str], ...]:
        """The content lines but DTSTAMP, in any order and with their parameters in any
        order: two blocks with one signature say the same (a CalDAV server may give an
        event back with its lines and parameters reordered, and refolded)."""
        lines = []
        for line in content_lines(self.text):
            name, parameters, value = split_line(line)
            if name != "DTSTAMP":
                lines.append((name, tuple(sorted(_parameters(parameters))), value))
        return tuple(sorted(lines))


def _parameters(parameters: str) -> list[str]:
    """The parameters of a content line (``CN="A; B";ROLE=CHAIR``), split outside quotes."""
    found: list[str] = []
    current: list[str] = []
    quoted = False
    for character in parameters:
        if character == '"':
            quoted = not quoted
        elif character == ";" and not quoted:
            found.append("".join(current))
            current = []
            continue
        current.append(character)
    if current or found:
        found.append("".join(current))
    return found


def _utc_instant(value: str) -> int | None:
    match = _UTC_TIME.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    try:
        return int(datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp())
    except ValueError:
        return None


def _block(text: str, begin: int, end: int) -> EventBlock:
    raw = text[begin:end]
    partial = EventBlock(begin, end, raw, None, 0, None, None)
    values: dict[str, str] = {}
    for name, _, value in partial.properties():
        values.setdefault(name, value)
    sequence = values.get("SEQUENCE", "0").strip()
    return EventBlock(
        begin=begin,
        end=end,
        text=raw,
        event_id=values.get(EVENT_ID) or None,
        sequence=int(sequence) if sequence.isdigit() else 0,
        start=_utc_instant(values.get("DTSTART", "")),
        finish=_utc_instant(values.get("DTEND", "")),
    )


def event_blocks(text: str) -> list[EventBlock]:
    """Every top-level VEVENT of the calendar text, in order."""
    blocks: list[EventBlock] = []
    begin: int | None = None
    depth = 0
    for offset, line in _physical_lines(text):
        marker = _marker(line)
        if begin is None:
            if marker == "BEGIN:VEVENT":
                begin, depth = offset, 0
            continue
        if marker.startswith("BEGIN:"):
            depth += 1
        elif marker.startswith("END:"):
            if depth == 0 and marker == "END:VEVENT":
                blocks.append(_block(text, begin, offset + len(line)))
                begin = None
            else:
                depth -= 1
    return blocks


def blocks_of(text: str, event_id: str) -> list[EventBlock]:
    return [block for block in event_blocks(text) if block.event_id == event_id]


# --- editing ------------------------------------------------------------------------------


def _calendar_end(text: str) -> int:
    """Where the last ``END:VCALENDAR`` line starts."""
    found = None
    for offset, line in _physical_lines(text):
        if _marker(line) == "END:VCALENDAR":
            found = offset
    if found is None:
        raise ValueError("no END:VCALENDAR")
    return found


def remove_event(text: str, event_id: str) -> str:
    """The text without any VEVENT of ``event_id``; every other byte as it was."""
    for block in reversed(blocks_of(text, event_id)):
        text = text[: block.begin] + text[block.end :]
    return text


def put_event(text: str, event_id: str, block_text: str) -> str:
    """The text with ``block_text`` in place of the first VEVENT of ``event_id`` (later
    copies removed), or added at the end of the calendar when it has none."""
    existing = blocks_of(text, event_id)
    if not existing:
        end = _calendar_end(text)  # the start of a line: the block fits in before it
        return text[:end] + block_text + text[end:]
    for block in reversed(existing[1:]):
        text = text[: block.begin] + text[block.end :]
    first = existing[0]
    return text[: first.begin] + block_text + text[first.end :]


def with_properties(block_text: str, replacements: dict[str, str]) -> str:
    """A VEVENT block with the given properties' values replaced (or added before
    ``END:VEVENT``), every other line as it was; used to make a cancellation."""
    lines = content_lines(block_text)
    out: list[str] = []
    depth = 0
    done: set[str] = set()
    for line in lines[1:-1]:
        name = split_line(line)[0]
        if name == "BEGIN":
            depth += 1
        elif name == "END":
            depth -= 1
        elif depth == 0 and name in replacements:
            if name not in done:
                out.append(f"{name}:{replacements[name]}")
                done.add(name)
            continue
        out.append(line)
    out += [f"{name}:{value}" for name, value in replacements.items() if name not in done]
    return "".join(fold(line) for line in [lines[0], *out, lines[-1]])


__all__ = [
    "CALENDAR_MARK",
    "PRODID",
    "Attendee",
    "EventBlock",
    "ManagedEvent",
    "blocks_of",
    "escape_text",
    "event_blocks",
    "event_id_problem",
    "event_uid",
    "fold",
    "ical_time",
    "is_booking_calendar",
    "is_complete",
    "mark_calendar",
    "new_calendar",
    "put_event",
    "remove_event",
    "render_event",
    "with_properties",
]
