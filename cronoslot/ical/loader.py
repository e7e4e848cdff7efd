"""The front door: a calendar file's bytes -> busy intervals (SPEC 2).

``load_calendar_bytes`` reads no file (the store does): it takes the bytes and the path
that names them in warnings and errors. How the bytes are read:

1. They are decoded as UTF-8 (a BOM is dropped); text that is not valid UTF-8 is read as
   Latin-1 with a warning, because old exports do that and every byte then decodes.
2. ``text.split_calendar_text`` cuts the text into VCALENDAR blocks and top-level
   components; a file that does not start with ``BEGIN:VCALENDAR`` or is truncated is a
   ``CalendarDataError``.
3. Each block gets its zone (``zones.calendar_zone``); the VEVENTs whose text proves they
   cannot touch the window are dropped (``prefilter.py``).
4. Plain single events are read from their text (``simple.py``); every other component is
   parsed by icalendar on its own (``components.py``), so a broken one is skipped with a
   warning (file, line, UID) and the rest of the file is still used.
5. VEVENTs are expanded into occurrences (``expand.py``) and VFREEBUSY periods read
   (``freebusy.py``); ``busy_rules.py`` says what each makes of the owner's time.

The fast paths of steps 3 and 4 and the series shift of step 5 (``series_shift.py``) are
``Shortcuts``: none changes an answer.
"""

from __future__ import annotations

import dataclasses
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import CalendarDataError, Warn
from ..intervals import Interval
from ..models import AccountSettings, BusyInterval, CalendarWarning, ordered_warnings
from .components import Context, Event, parse_component, parse_event
from .expand import Occurrence, bounds_are_clamped, expand_events, occurrence_interval
from .freebusy import load_freebusy
from .owner import has_attendee_lines, no_emails_warning, owner_emails
from .prefilter import prefilter_components
from .simple import read_simple_event, uid_keys
from .text import NotICalendar, RawCalendar, RawComponent, split_calendar_text
from .zones import ZONELESS_WARNING, calendar_zone, custom_zones, has_zoneless_times


@dataclass(frozen=True)
class Shortcuts:
    """The loader's fast paths; none of them changes an answer (each is tested equal to
    the plain path, on its own and together)."""

    prefilter: bool = True  # drop components whose text proves they cannot touch the window
    shift_series: bool = True  # move long-running daily/weekly series close to the window
    simple_events: bool = True  # read plain single events from their text, without icalendar


PLAIN = Shortcuts(prefilter=False, shift_series=False, simple_events=False)

# icalendar, recurring-ical-events and x-wr-timezone talk through ``warnings`` (guessed
# TZIDs...): that would reach the user's terminal as noise, outside our warning channel.
# ``warnings.catch_warnings`` swaps process-wide state and is not thread-safe (two threads
# interleaving it can leave the "ignore" filter in place for good), so one load at a time
# holds it. Re-entrant: a ``warn`` callback may itself load a calendar.
_QUIET_LIBRARIES = threading.RLock()


def decode_calendar_bytes(data: bytes) -> tuple[str, bool]:
    """The text of a calendar file's bytes, and whether it had to be read as Latin-1 (it is
    not UTF-8); a UTF-8 byte order mark is dropped."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("latin-1"), True


def load_calendar_bytes(
    data: bytes,
    *,
    path: Path | str,
    calendar_id: str,
    settings: AccountSettings,
    window: Interval,
    warn: Warn,
    shortcuts: Shortcuts = Shortcuts(),
    on_warning: Callable[[CalendarWarning], None] | None = None,
) -> list[BusyInterval]:
    """Every busy interval of one calendar file's bytes that overlaps ``window``, sorted.

    ``path`` only names the file in warnings and errors. Intervals are not clipped to the
    window (callers count events by their start). Raises ``CalendarDataError`` for bytes
    that are not iCalendar or are truncated; every other problem is a warning.

    The warnings given are those the window touches (``CalendarWarning.touches``: a
    broken event of another month is not this window's business), in the order of
    ``ordered_warnings``: to ``on_warning`` when given (with what each concerns, for a
    cache to give them again to the windows they touch), else to ``warn`` as text.
    ``shortcuts`` changes only the time taken; ``PLAIN`` turns them all off.
    """
    path = Path(path)
    text, latin1 = decode_calendar_bytes(data)
    try:
        split = split_calendar_text(text)
    except NotICalendar as error:
        raise CalendarDataError(path, str(error)) from None
    gathered: list[CalendarWarning] = []

    def file_warning(message: str, line_number: int = 0) -> None:
        gathered.append(CalendarWarning(f"{path}: {message}", line_number))

    if latin1:
        file_warning("not valid UTF-8: read as Latin-1")
    for line in split.stray_lines[:1]:
        file_warning(f"line {line.line_number}: text outside VCALENDAR ignored", line.line_number)
    emails = owner_emails(split.calendars, settings.emails)
    if not emails and has_attendee_lines(split.calendars):
        gathered.append(no_emails_warning(path))

    busy: list[BusyInterval] = []
    zoneless = False
    with _QUIET_LIBRARIES, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for raw_calendar in split.calendars:
            zone = calendar_zone(raw_calendar, settings, file_warning)
            zoneless = zoneless or (not zone.given and has_zoneless_times(raw_calendar))
            context = Context(
                path,
                calendar_id,
                zone.zone,
                zone.from_file,
                emails,
                window,
                gathered.append,
                shortcuts.shift_series,
                zone.given,
            )
            if shortcuts.prefilter:
                raw_calendar = dataclasses.replace(
                    raw_calendar, components=prefilter_components(raw_calendar.components, window)
                )
            busy.extend(_load_block(raw_calendar, context, shortcuts.simple_events))
    if zoneless:
        file_warning(ZONELESS_WARNING)
    busy.sort(key=_interval_order)
    for warning in ordered_warnings(w for w in gathered if w.touches(window)):
        if on_warning is not None:
            on_warning(warning)
        else:
            warn(warning.message)
    return busy


def _interval_order(interval: BusyInterval) -> tuple[object, ...]:
    """Start, end, then every other field: the order does not depend on the order in
    which the events were read (textual fast path or recurring-ical-events)."""
    return (
        interval.start,
        interval.end,
        interval.event_uid or "",
        interval.event_id or "",
        interval.summary or "",
        interval.transparency.value,
        sorted(interval.tags),
        interval.private,
        interval.calendar_id,
    )


def _load_block(
    raw_calendar: RawCalendar, context: Context, simple_events: bool
) -> list[BusyInterval]:
    """The busy intervals of one VCALENDAR block."""
    vtimezones = (
        (raw, component)
        for raw in raw_calendar.components
        if raw.name == "VTIMEZONE" and (component := parse_component(raw, context)) is not None
    )
    zones = custom_zones(vtimezones, context.skip)
    events: list[Event] = []
    busy: list[BusyInterval] = []
    lone = _lone_events(raw_calendar.components, context) if simple_events else set()
    for raw in raw_calendar.components:
        if raw.name == "VEVENT":
            if id(raw) in lone:
                simple = _simple_event_busy(raw, context)
                if simple is not None:
                    busy.extend(simple)
                    continue
            event = parse_event(raw, zones, context)
            if event is not None:
                events.append(event)
        elif raw.name == "VFREEBUSY":
            busy.extend(load_freebusy(raw, context))
    busy.extend(expand_events(events, context))
    return busy


def _lone_events(components: list[RawComponent], context: Context) -> set[int]:
    """The ids of the VEVENTs that may take the textual fast path: each names a UID that
    no other VEVENT of the block may share (one with no UID could be merged with others by
    recurring-ical-events: icalendar reads it). Empty when the expansion bounds are
    clamped (the icalendar path then decides everything)."""
    if bounds_are_clamped(context.window):
        return set()
    keys_of: list[tuple[RawComponent, set[str]]] = []
    seen: dict[str, int] = {}
    for raw in components:
        if raw.name != "VEVENT":
            continue
        keys = uid_keys(raw)
        keys_of.append((raw, keys))
        for key in keys:
            seen[key] = seen.get(key, 0) + 1
    return {
        id(raw)
        for raw, keys in keys_of
        if len(keys) == 1 and all(key and seen[key] == 1 for key in keys)
    }


def _simple_event_busy(raw: RawComponent, context: Context) -> list[BusyInterval] | None:
    """The busy interval (zero or one) of a plain single VEVENT read from its text, as
    the icalendar path would give it; None when the text is not simple enough to be sure
    (the icalendar path then reads it, and warns where it should)."""
    simple = read_simple_event(raw, context.zone, context.zone_from_file, context.emails)
    if simple is None or simple.uid is None:
        return None
    if simple.description is None:
        return []
    try:
        occurrence = Occurrence(None, simple.start, simple.end)
        interval = occurrence_interval(occurrence, simple.description, context)
    except (ValueError, OverflowError):
        return None
    return [interval] if interval is not None else []


__all__ = ["PLAIN", "Shortcuts", "decode_calendar_bytes", "load_calendar_bytes"]
