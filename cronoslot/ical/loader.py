"""``.ics`` / ``.ifb`` files -> busy intervals (SPEC 2).

The front door is ``load_calendar`` (one file) and ``load_account`` (the chosen calendars of
one account). How a file is read:

1. The bytes are decoded as UTF-8 (a BOM is dropped); text that is not valid UTF-8 is read
   as Latin-1 with a warning, because old exports do that and every byte then decodes.
2. ``ical_split`` cuts the text into VCALENDAR blocks and top-level components; a file that
   does not start with ``BEGIN:VCALENDAR`` or is truncated is a ``CalendarDataError``.
3. Each component is parsed by icalendar on its own, so a broken one is skipped with a
   warning (file, line, UID) and the rest of the file is still used.
4. VEVENTs are expanded per file with recurring-ical-events; when that fails, again series
   by series (one UID at a time), so one bad series costs only itself.

Time zones: icalendar keeps VTIMEZONE definitions in a process-wide cache keyed by TZID and
never replaces an entry, so two files defining "Customized Time Zone" differently would share
the first definition. The loader therefore re-attaches every TZID to this file's own
definition (or to the IANA zone icalendar resolved), and reads a TZID that is neither as a
floating time in the calendar's zone, with a warning.
"""

from __future__ import annotations

import copy
import dataclasses
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from .. import timeutil
from ..errors import CalendarDataError, Warn
from ..intervals import Interval
from ..models import AccountSettings, BusyInterval, Transparency
from ..names import normalise_email
from ..store.reader import read_calendar_bytes  # moved; load_calendar goes with the ical split
from .prefilter import prefilter_components
from .simple import read_simple_event, transparency_of, uid_keys
from .text import NotICalendar, RawCalendar, RawComponent, split_calendar_text

if TYPE_CHECKING:
    from ..store.reader import Store

# Floating times are compared with the expansion bounds as if they were UTC (LIBRARY-NOTES),
# and a zone is at most 14 hours off UTC: two days of padding is safe; we clip ourselves.
_EXPANSION_PADDING = 2 * timeutil.DAY
# datetime cannot hold every int: expansion bounds outside these years are clamped.
_EARLIEST = timeutil.from_datetime(datetime(1800, 1, 1, tzinfo=UTC))
_LATEST = timeutil.from_datetime(datetime(2400, 1, 1, tzinfo=UTC))

# Properties whose values may carry a TZID parameter.
_ZONED_PROPERTIES = ("DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "EXDATE", "RDATE")

_CDO_BUSY_STATUS = "X-MICROSOFT-CDO-BUSYSTATUS"
_EVENT_ID = "X-CRONOSLOT-EVENT-ID"


# --- reading the file ------------------------------------------------------------------


def decode_calendar_bytes(data: bytes) -> tuple[str, bool]:
    """The text of a calendar file's bytes, and whether it had to be read as Latin-1 (it is
    not UTF-8); a UTF-8 byte order mark is dropped."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("latin-1"), True


def read_calendar_text(path: Path) -> tuple[str, bool]:
    """The file's text, and whether it had to be read as Latin-1 (it is not UTF-8).

    Raises ``CalendarDataError`` when the file cannot be read.
    """
    return decode_calendar_bytes(read_calendar_bytes(path))


def load_calendar(
    path: Path,
    *,
    calendar_id: str,
    settings: AccountSettings,
    window: Interval,
    warn: Warn,
    prefilter: bool = True,
    fast: bool = True,
    fast_events: bool = True,
) -> list[BusyInterval]:
    """Every busy interval of one calendar file that overlaps ``window``, sorted by start, end.

    Intervals are not clipped to the window (callers count events by their start).
    Raises ``CalendarDataError`` for a file that is unreadable, not iCalendar, or truncated.
    ``prefilter``, ``fast`` and ``fast_events`` are as for ``load_calendar_bytes``.
    """
    path = Path(path)
    return load_calendar_bytes(
        read_calendar_bytes(path),
        path=path,
        calendar_id=calendar_id,
        settings=settings,
        window=window,
        warn=warn,
        prefilter=prefilter,
        fast=fast,
        fast_events=fast_events,
    )


def load_calendar_bytes(
    data: bytes,
    *,
    path: Path,
    calendar_id: str,
    settings: AccountSettings,
    window: Interval,
    warn: Warn,
    prefilter: bool = True,
    fast: bool = True,
    fast_events: bool = True,
) -> list[BusyInterval]:
    """``load_calendar`` on bytes already read (a cached copy of the file); ``path`` only
    names the file in warnings and errors.

    The answer does not depend on ``prefilter``, ``fast`` and ``fast_events``; only the
    time taken does (and warnings about broken events that cannot touch the window).
    ``prefilter`` skips, before parsing, VEVENT series whose text shows they cannot touch
    the window (``window.py``); ``fast`` (default) moves the start of long-running daily
    and weekly series close to the window before expanding them; ``fast_events`` reads
    plain single events (one VEVENT with its UID, no recurrence) from their text instead
    of parsing them with icalendar (``fast_event.py``). ``fast=False`` turns all three
    off: the plain path.
    """
    path = Path(path)
    text, latin1 = decode_calendar_bytes(data)
    try:
        split = split_calendar_text(text)
    except NotICalendar as error:
        raise CalendarDataError(path, str(error)) from None
    if latin1:
        warn(f"{path}: not valid UTF-8: read as Latin-1")
    for line in split.stray_lines[:1]:
        warn(f"{path}: line {line.line_number}: text outside VCALENDAR ignored")

    emails = frozenset(settings.emails)  # normalised by the store
    busy: list[BusyInterval] = []
    with warnings.catch_warnings():
        # icalendar and recurring-ical-events talk through ``warnings`` (guessed TZIDs...):
        # that would reach the user's terminal as noise, outside our warning channel.
        warnings.simplefilter("ignore")
        for raw_calendar in split.calendars:
            zone, zone_from_file = _calendar_zone(raw_calendar, path, settings, warn)
            context = _Context(
                path,
                calendar_id,
                zone,
                zone_from_file,
                emails,
                window,
                warn,
                shift_series=fast,
                read_simple_events=fast and fast_events,
            )
            if prefilter and fast:
                raw_calendar = dataclasses.replace(
                    raw_calendar, components=prefilter_components(raw_calendar.components, window)
                )
            busy.extend(_load_calendar_block(raw_calendar, context))
    busy.sort(key=_interval_order)
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


def load_account(
    store: Store,
    sub: str,
    calendar_ids: tuple[str, ...] | list[str],
    window: Interval,
    warn: Warn,
) -> tuple[BusyInterval, ...]:
    """The busy intervals of the given calendars of one account (every file of each), read
    with the account's settings, sorted by start, end, then calendar_id."""
    settings = store.settings(sub)
    busy: list[BusyInterval] = []
    for calendar_id in calendar_ids:
        for path in store.calendar_files(sub, calendar_id):
            busy.extend(
                load_calendar(
                    path, calendar_id=calendar_id, settings=settings, window=window, warn=warn
                )
            )
    busy.sort(key=lambda interval: (interval.start, interval.end, interval.calendar_id))
    return tuple(busy)


# --- one VCALENDAR block ---------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    path: Path
    calendar_id: str
    zone: tzinfo  # where floating times, dates and unknown TZIDs are read
    zone_from_file: bool  # a usable X-WR-TIMEZONE: normalise the file as x-wr-timezone does
    emails: frozenset[str]
    window: Interval
    warn: Warn
    shift_series: bool = False  # move long-running daily/weekly series up to the window
    read_simple_events: bool = False  # read plain single events without icalendar

    def skip(self, raw: RawComponent, reason: str, line_number: int | None = None) -> None:
        uid = raw.uid
        who = f"UID {uid}" if uid else "no UID"
        where = line_number if line_number is not None else raw.line_number
        self.warn(f"{self.path}: line {where}: skipped {raw.name} ({who}): {reason}")


@dataclass
class _Event:
    """A parsed VEVENT and what the series logic needs to know of it."""

    raw: RawComponent
    component: Any  # icalendar.Event
    uid: str | None
    is_override: bool
    sequence: int
    event_id: str | None


def _calendar_zone(
    raw: RawCalendar, path: Path, settings: AccountSettings, warn: Warn
) -> tuple[tzinfo, bool]:
    """The calendar's zone: a usable X-WR-TIMEZONE, else the account's tzid, else UTC."""
    for line in raw.properties:
        if line.name != "X-WR-TIMEZONE":
            continue
        name = line.value.strip()
        zone = _zone_by_name(name)
        if zone is not None:
            return zone, True
        warn(
            f"{path}: line {line.line_number}: X-WR-TIMEZONE {name!r} is not a known zone: ignored"
        )
        break
    if settings.tzid and timeutil.is_zone(settings.tzid):
        return timeutil.get_zone(settings.tzid), False
    return UTC, False


def _zone_by_name(name: str) -> ZoneInfo | None:
    """An IANA zone, or the IANA zone of a Windows zone name (as icalendar maps them)."""
    if timeutil.is_zone(name):
        return timeutil.get_zone(name)
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    olson = WINDOWS_TO_OLSON.get(name)
    if isinstance(olson, str) and timeutil.is_zone(olson):
        return timeutil.get_zone(olson)
    return None


def _load_calendar_block(raw_calendar: RawCalendar, context: _Context) -> list[BusyInterval]:
    custom_zones = _custom_zones(raw_calendar, context)
    events: list[_Event] = []
    busy: list[BusyInterval] = []
    lone = _lone_events(raw_calendar.components, context)
    for raw in raw_calendar.components:
        if raw.name == "VEVENT":
            if id(raw) in lone:
                simple = _simple_event_busy(raw, context)
                if simple is not None:
                    busy.extend(simple)
                    continue
            event = _parse_event(raw, custom_zones, context)
            if event is not None:
                events.append(event)
        elif raw.name == "VFREEBUSY":
            busy.extend(_load_freebusy(raw, context))
    busy.extend(_expand_events(events, context))
    return busy


def _lone_events(components: list[RawComponent], context: _Context) -> set[int]:
    """The ids of the VEVENTs that may take the textual fast path: each names a UID that
    no other VEVENT of the block may share (one with no UID could be merged with others by
    recurring-ical-events: icalendar reads it). Empty when the fast path is off or the
    expansion bounds are clamped (the icalendar path then decides everything)."""
    window_start, window_end = context.window
    if not context.read_simple_events or not (
        window_start - _EXPANSION_PADDING >= _EARLIEST
        and window_end + _EXPANSION_PADDING <= _LATEST
    ):
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


def _simple_event_busy(raw: RawComponent, context: _Context) -> list[BusyInterval] | None:
    """The busy interval (zero or one) of a plain single VEVENT read from its text, as
    the icalendar path would give it; None when the text is not simple enough to be sure
    (the icalendar path then reads it, and warns where it should)."""
    simple = read_simple_event(raw, context.zone, context.zone_from_file, context.emails)
    if simple is None or simple.uid is None:
        return None
    if simple.transparency is None:
        return []
    try:
        description = _Description(
            transparency=simple.transparency,
            event_uid=simple.uid,
            event_id=simple.event_id,
            tags=simple.tags,
            summary=simple.summary,
            private=simple.private,
        )
        interval = _occurrence_interval(
            _Occurrence(None, simple.start, simple.end), description, context
        )
    except (ValueError, OverflowError):
        return None
    return [interval] if interval is not None else []


def _parse_component(raw: RawComponent, context: _Context) -> Any | None:
    """The component parsed by icalendar, or None (with a warning) when it is unusable."""
    import icalendar

    if raw.problem is not None:
        context.skip(raw, raw.problem)
        return None
    try:
        component = icalendar.Component.from_ical(raw.to_bytes())
    except Exception as error:  # icalendar raises many types on bad input
        context.skip(raw, f"does not parse: {error}", _first_bad_line(raw))
        return None
    errors = getattr(component, "errors", [])
    if errors:
        name, message = errors[0]
        line_number = _line_of_property(raw, name) if name else _first_bad_line(raw)
        context.skip(raw, f"bad {name or 'content line'}: {message}", line_number)
        return None
    return component


def _line_of_property(raw: RawComponent, name: str, occurrence: int = 0) -> int | None:
    """The line of the ``occurrence``-th (0: first) ``name`` property of the component."""
    seen = 0
    for line in raw.lines:
        if line.name == name.upper():
            if seen == occurrence:
                return line.line_number
            seen += 1
    return None


def _first_bad_line(raw: RawComponent) -> int | None:
    """The first line icalendar cannot split into name, parameters and value."""
    from icalendar.parser import Contentline

    for line in raw.lines:
        try:
            cast(Any, Contentline)(line.text).parts()
        except Exception:
            return line.line_number
    return None


def _custom_zones(raw_calendar: RawCalendar, context: _Context) -> dict[str, tzinfo]:
    """This block's VTIMEZONE definitions of TZIDs that are not known zone names."""
    from icalendar.timezone import tzp

    zones: dict[str, tzinfo] = {}
    for raw in raw_calendar.components:
        if raw.name != "VTIMEZONE":
            continue
        component = _parse_component(raw, context)
        if component is None:
            continue
        try:
            tzid = str(component["TZID"])
            if _zone_by_name(tzid) is not None:
                continue  # an IANA or Windows name: the real zone is used
            zones[tzid] = tzp.create_timezone(component)
        except Exception as error:
            context.skip(raw, f"time zone cannot be used: {error}")
    return zones


# --- VEVENT ----------------------------------------------------------------------------


def _parse_event(
    raw: RawComponent, custom_zones: dict[str, tzinfo], context: _Context
) -> _Event | None:
    component = _parse_component(raw, context)
    if component is None:
        return None
    try:
        _rezone(component, raw, custom_zones, context)
        problem = _check_event(component, context)
    except Exception as error:
        problem = (f"bad value: {error}", None, 0)
    if problem is not None:
        reason, name, occurrence = problem
        line_number = _line_of_property(raw, name, occurrence) if name else None
        context.skip(raw, reason, line_number)
        return None
    uid = _text_value(component.get("UID"))
    try:
        sequence = int(str(_first(component.get("SEQUENCE")) or 0))
    except ValueError:
        sequence = 0
    return _Event(
        raw=raw,
        component=component,
        uid=uid,
        is_override="RECURRENCE-ID" in component,
        sequence=sequence,
        event_id=_text_value(component.get(_EVENT_ID)),
    )


def _rezone(
    component: Any, raw: RawComponent, custom_zones: dict[str, tzinfo], context: _Context
) -> None:
    """Attach each TZID to this file's definition; make unknown TZIDs floating, with a warning."""
    unknown: set[str] = set()
    for name in _ZONED_PROPERTIES:
        for prop in _as_list(component.get(name)):
            params = getattr(prop, "params", None)
            tzid = params.get("TZID") if params is not None else None
            if not tzid:
                continue
            tzid = str(tzid)
            zone = custom_zones.get(tzid) or custom_zones.get(tzid.strip("/"))
            if zone is None:
                # Resolve known names ourselves: icalendar's process-wide zone cache may hold
                # another file's custom definition under a Windows or IANA name.
                zone = _zone_by_name(tzid)
            if zone is None:
                resolved = _first_tzinfo(prop)
                if resolved is None or isinstance(resolved, ZoneInfo | timezone):
                    continue  # dates only, or a zone icalendar knows by name
                unknown.add(tzid)
            _replace_zone(prop, zone)
    # A TZID icalendar could not resolve leaves a naive value: that is "unknown" too.
    for name in _ZONED_PROPERTIES:
        for prop in _as_list(component.get(name)):
            params = getattr(prop, "params", None)
            tzid = params.get("TZID") if params is not None else None
            if tzid and str(tzid) not in custom_zones and _has_naive_datetime(prop):
                unknown.add(str(tzid))
    for tzid in sorted(unknown):
        zone_name = getattr(context.zone, "key", None) or str(context.zone)
        uid = raw.uid
        who = f"UID {uid}" if uid else "no UID"
        context.warn(
            f"{context.path}: line {_line_of_property(raw, 'DTSTART') or raw.line_number}: "
            f"{raw.name} ({who}): unknown TZID {tzid!r}: read in {zone_name}"
        )


def _values(prop: Any) -> list[Any]:
    """The raw ``.dt`` holders of a date-time property (one, or several for EXDATE/RDATE)."""
    dts = getattr(prop, "dts", None)
    if dts is not None:
        return list(dts)
    return [prop] if hasattr(prop, "dt") else []


def _first_tzinfo(prop: Any) -> tzinfo | None:
    for holder in _values(prop):
        value = holder.dt
        if isinstance(value, tuple):
            value = value[0]
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.tzinfo
    return None


def _has_naive_datetime(prop: Any) -> bool:
    for holder in _values(prop):
        value = holder.dt
        if isinstance(value, tuple):
            value = value[0]
        if isinstance(value, datetime) and value.tzinfo is None:
            return True
    return False


def _replace_zone(prop: Any, zone: tzinfo | None) -> None:
    """Keep the written wall-clock times, in ``zone`` (None: floating)."""

    def rezoned(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.replace(tzinfo=zone)
        if isinstance(value, tuple):
            return tuple(rezoned(part) for part in value)
        return value

    for holder in _values(prop):
        holder.dt = rezoned(holder.dt)


def _check_event(component: Any, context: _Context) -> tuple[str, str | None, int] | None:
    """Why the VEVENT cannot be used, with the property at fault and which of its lines
    (0: the first), or None when it can."""
    start_prop = component.get("DTSTART")
    if start_prop is None:
        return "no DTSTART", None, 0
    if isinstance(start_prop, list):
        return "two DTSTARTs", "DTSTART", 1
    start = _instant(start_prop.dt, context.zone)
    end_prop = component.get("DTEND")
    if isinstance(end_prop, list):
        return "two DTENDs", "DTEND", 1
    if end_prop is not None:
        if _instant(end_prop.dt, context.zone) < start:
            return "ends before it starts", "DTEND", 0
    else:
        duration = _first(component.get("DURATION"))
        length = getattr(duration, "dt", None)
        if isinstance(length, timedelta) and length < timedelta():
            return "negative DURATION", "DURATION", 0
    return None


def _expand_events(events: list[_Event], context: _Context) -> list[BusyInterval]:
    """Every occurrence of the file's events that overlaps the window, as busy intervals."""
    series: dict[object, list[_Event]] = {}
    for index, event in enumerate(events):
        key: object = event.uid if event.uid is not None else index
        series.setdefault(key, []).append(event)
    chosen: dict[object, list[_Event]] = {key: _dedupe(members) for key, members in series.items()}

    masters_event_id = {
        key: next((e.event_id for e in members if not e.is_override), None)
        for key, members in chosen.items()
    }
    try:
        occurrences = list(_occurrences([e for m in chosen.values() for e in m], context))
    except Exception:
        # Some series does not expand: redo it one series at a time to find and skip it.
        occurrences = []
        for members in chosen.values():
            try:
                occurrences.extend(_occurrences(members, context))
            except Exception as error:
                master = next((e for e in members if not e.is_override), members[0])
                line_number = _line_of_property(master.raw, "RRULE")
                context.skip(master.raw, f"recurrence does not expand: {error}", line_number)

    busy: list[BusyInterval] = []
    # Every occurrence of one component shares its properties: read them once.
    described: dict[int, _Description | None] = {}
    for occurrence in occurrences:
        key = id(occurrence.component)
        if key not in described:
            uid = _text_value(occurrence.component.get("UID"))
            fallback_id = masters_event_id.get(uid) if uid is not None else None
            described[key] = _describe(occurrence.component, fallback_id, context)
        description = described[key]
        if description is not None:
            interval = _occurrence_interval(occurrence, description, context)
            if interval is not None:
                busy.append(interval)
    return busy


def _dedupe(members: list[_Event]) -> list[_Event]:
    """Of several masters with one UID keep the highest SEQUENCE, then the first in the file."""
    masters = [e for e in members if not e.is_override]
    if len(masters) <= 1:
        return members
    best = masters[0]
    for candidate in masters[1:]:
        if candidate.sequence > best.sequence:
            best = candidate
    return [e for e in members if e.is_override or e is best]


def _occurrences(events: list[_Event], context: _Context) -> Iterator[_Occurrence]:
    import icalendar
    import recurring_ical_events
    import x_wr_timezone

    calendar = icalendar.Calendar()
    singles = icalendar.Calendar()
    recurring_uids = {
        event.uid for event in events if "RRULE" in event.component or "RDATE" in event.component
    }
    for event in events:
        if context.zone_from_file and event.uid not in recurring_uids:
            # Only series need x-wr-timezone's move into the calendar's zone (to repeat at
            # the same wall time across DST). A single event keeps its UTC instant: moved,
            # a time in the repeated hour of a DST change would lose its ``fold`` in
            # recurring-ical-events and come back an hour early. Its floating times and
            # dates are read in the calendar's zone all the same.
            singles.add_component(event.component)
        else:
            calendar.add_component(event.component)
    if context.zone_from_file:
        calendar = x_wr_timezone.to_standard(calendar, timezone=context.zone)
        for component in singles.subcomponents:
            calendar.add_component(component)
    window_start, window_end = context.window
    low_instant = max(window_start - _EXPANSION_PADDING, _EARLIEST)
    low = timeutil.to_datetime(low_instant)
    high = timeutil.to_datetime(min(window_end + _EXPANSION_PADDING, _LATEST))
    if high <= low:
        return iter(())
    if context.shift_series:
        # After x-wr-timezone: the wall times moved are the ones the series repeats in.
        shifted = icalendar.Calendar()
        for component in calendar.subcomponents:
            shifted.add_component(_shifted_series(component, low_instant, context.zone))
        calendar = shifted
    return iter(_expanded(recurring_ical_events.of(calendar), low, high))


@dataclass(frozen=True)
class _Occurrence:
    """One occurrence: the component it comes from (the override's own for a moved
    occurrence, else the series' master) and its own start and end."""

    component: Any  # icalendar.Event, shared by every occurrence of it: read only
    start: date
    end: date


# recurring-ical-events' private method listing occurrences without copying components.
_PRIVATE_OCCURRENCES = "_occurrences_between"


def _expanded(query: Any, low: datetime, high: datetime) -> list[_Occurrence]:
    """The occurrences of ``query`` (a recurring-ical-events query) between the bounds.

    The public ``between`` copies each occurrence's component to write its DTSTART, DTEND,
    RECURRENCE-ID and SEQUENCE (and drop DURATION) into it: most of the expansion time for
    nothing, as the interval only needs the start and end, which the occurrence holds, and
    properties none of those copies change. recurring-ical-events 3.8 exposes the
    occurrences through ``_occurrences_between``; when a version does not (private API),
    the public way is used.
    """
    between = getattr(query, _PRIVATE_OCCURRENCES, None)
    if between is not None:
        found = between(low, high)
        if all(hasattr(o, "_adapter") and hasattr(o, "start") for o in found):
            occurrences: list[_Occurrence] = []
            for occurrence in found:
                component = getattr(occurrence._adapter, "_component", None)
                if component is None:
                    break
                occurrences.append(_Occurrence(component, occurrence.start, occurrence.end))
            else:
                return occurrences
    public: list[_Occurrence] = []
    for component in query.between(low, high):
        start = component["DTSTART"].dt
        end_prop = component.get("DTEND")
        public.append(_Occurrence(component, start, end_prop.dt if end_prop is not None else start))
    return public


# How far before the expansion start (and the length of one occurrence) a moved DTSTART
# lands: more than any DST or zone difference between wall-clock and absolute days.
_SHIFT_MARGIN = 7 * timeutil.DAY
_SHIFT_PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7}


def _shifted_series(component: Any, expansion_start: int, zone: tzinfo) -> Any:
    """A copy of a daily or weekly series whose DTSTART (and DTEND) moved forward by whole
    rule periods to shortly before ``expansion_start``; the component itself when that is
    not safe or not useful.

    Expansion cost grows with the rule iterations from DTSTART, and a series started years
    ago would pay for every week since. Moving DTSTART by whole periods (INTERVAL days or
    weeks, in wall time so DST is kept) leaves every later occurrence where it was, so
    EXDATEs and RECURRENCE-IDs still name the same instants. The moved DTSTART itself is
    always an occurrence for recurring-ical-events, even when the rule would not produce
    it: it lies more than its length plus a week before ``expansion_start``, so it is never
    returned. COUNT (counted from DTSTART), BYSETPOS (picked per period), RDATE and EXRULE
    keep the series as it is, as does a DTEND in another zone than DTSTART (its distance
    to DTSTART would change across DST).
    """
    if getattr(component, "name", None) != "VEVENT":
        return component
    if any(name in component for name in ("RECURRENCE-ID", "RDATE", "EXRULE")):
        return component
    rule = component.get("RRULE")
    if rule is None or isinstance(rule, list) or "COUNT" in rule or "BYSETPOS" in rule:
        return component
    frequency = str(_first(rule.get("FREQ")) or "").upper()
    if frequency not in _SHIFT_PERIOD_DAYS:
        return component
    try:
        interval = int(str(_first(rule.get("INTERVAL")) or 1))
    except ValueError:
        return component
    start_prop = component.get("DTSTART")
    end_prop = component.get("DTEND")
    if interval < 1 or start_prop is None or isinstance(start_prop, list):
        return component
    if isinstance(end_prop, list):
        return component
    start = start_prop.dt
    if not isinstance(start, date):
        return component
    try:
        start_instant = _instant(start, zone)
        if end_prop is not None:
            end = end_prop.dt
            if type(end) is not type(start):
                return component
            if isinstance(start, datetime) and getattr(end, "tzinfo", None) is not start.tzinfo:
                return component
            length = _instant(end, zone) - start_instant
        else:
            duration = getattr(_first(component.get("DURATION")), "dt", None)
            if isinstance(duration, timedelta):
                length = int(duration.total_seconds())
            elif duration is None:
                length = 0 if isinstance(start, datetime) else timeutil.DAY
            else:
                return component
        period_days = interval * _SHIFT_PERIOD_DAYS[frequency]
        target = expansion_start - max(length, 0) - _SHIFT_MARGIN
        periods = (target - start_instant) // (period_days * timeutil.DAY)
        if periods <= 0:
            return component
        moved = timedelta(days=periods * period_days)
        shifted = copy.copy(component)  # shares every property but the two replaced
        shifted["DTSTART"] = _moved_property(start_prop, moved)
        if end_prop is not None:
            shifted["DTEND"] = _moved_property(end_prop, moved)
    except (ValueError, OverflowError, TypeError):
        return component
    return shifted


def _moved_property(prop: Any, moved: timedelta) -> Any:
    """A copy of a DTSTART/DTEND property whose value is ``moved`` later in wall time
    (aware arithmetic keeps the zone and the wall clock)."""
    copied = copy.copy(prop)
    copied.dt = prop.dt + moved
    return copied


@dataclass(frozen=True)
class _Description:
    """What a busy interval takes from its component, the same for all its occurrences."""

    transparency: Transparency
    event_uid: str | None
    event_id: str | None
    tags: frozenset[str]
    summary: str | None
    private: bool


def _describe(
    component: Any, master_event_id: str | None, context: _Context
) -> _Description | None:
    """The component's busy-interval properties; None when it does not make anyone busy."""
    transparency = _event_transparency(component, context.emails)
    if transparency is None:
        return None
    own_event_id = _text_value(component.get(_EVENT_ID))
    return _Description(
        transparency=transparency,
        event_uid=_text_value(component.get("UID")),
        event_id=own_event_id if own_event_id is not None else master_event_id,
        tags=_categories(component),
        summary=_text_value(component.get("SUMMARY")),
        private=_upper(component.get("CLASS")) in ("PRIVATE", "CONFIDENTIAL"),
    )


def _occurrence_interval(
    occurrence: _Occurrence, description: _Description, context: _Context
) -> BusyInterval | None:
    start = _instant(occurrence.start, context.zone)
    end = _instant(occurrence.end, context.zone)
    window_start, window_end = context.window
    if end <= start or end <= window_start or start >= window_end:
        return None
    return BusyInterval(
        start=start,
        end=end,
        transparency=description.transparency,
        calendar_id=context.calendar_id,
        event_uid=description.event_uid,
        event_id=description.event_id,
        tags=description.tags,
        summary=description.summary,
        private=description.private,
    )


def _event_transparency(occurrence: Any, emails: frozenset[str]) -> Transparency | None:
    """SPEC 2's table (``fast_event.transparency_of``) on a parsed component."""
    return transparency_of(
        _upper(occurrence.get("STATUS")),
        _upper(occurrence.get(_CDO_BUSY_STATUS)),
        _upper(occurrence.get("TRANSP")),
        _account_partstats(occurrence, emails),
    )


def _account_partstats(occurrence: Any, emails: frozenset[str]) -> set[str]:
    """The PARTSTATs of the ATTENDEE lines that are the account's own addresses."""
    if not emails:
        return set()
    partstats: set[str] = set()
    for attendee in _as_list(occurrence.get("ATTENDEE")):
        if normalise_email(str(attendee)) in emails:
            params = getattr(attendee, "params", {})
            partstats.add(str(params.get("PARTSTAT", "NEEDS-ACTION")).strip().upper())
    return partstats


def _categories(occurrence: Any) -> frozenset[str]:
    tags: set[str] = set()
    for prop in _as_list(occurrence.get("CATEGORIES")):
        values = getattr(prop, "cats", None)
        for value in values if values is not None else [prop]:
            tag = str(value).strip()
            if tag:
                tags.add(tag)
    return frozenset(tags)


# --- VFREEBUSY -------------------------------------------------------------------------


def _load_freebusy(raw: RawComponent, context: _Context) -> list[BusyInterval]:
    component = _parse_component(raw, context)
    if component is None:
        return []
    uid = _text_value(component.get("UID"))
    window_start, window_end = context.window
    busy: list[BusyInterval] = []
    for period in _as_list(component.get("FREEBUSY")):
        params = getattr(period, "params", {})
        fbtype = str(params.get("FBTYPE", "BUSY")).strip().upper()
        if fbtype == "FREE":
            continue
        transparency = Transparency.TENTATIVE if fbtype == "BUSY-TENTATIVE" else Transparency.OPAQUE
        try:
            start_value, end_or_length = period.dt
            start = _instant(start_value, context.zone)
            if isinstance(end_or_length, timedelta):
                end = start + int(end_or_length.total_seconds())
            else:
                end = _instant(end_or_length, context.zone)
        except Exception as error:
            context.skip(raw, f"bad FREEBUSY period: {error}", _line_of_property(raw, "FREEBUSY"))
            continue
        if end < start:
            line = _line_of_property(raw, "FREEBUSY")
            context.warn(f"{context.path}: line {line}: FREEBUSY period ends before it starts")
            continue
        if end <= start or end <= window_start or start >= window_end:
            continue
        busy.append(
            BusyInterval(
                start=start,
                end=end,
                transparency=transparency,
                calendar_id=context.calendar_id,
                event_uid=uid,
            )
        )
    return busy


# --- values ----------------------------------------------------------------------------


def _instant(value: object, zone: tzinfo) -> int:
    """A DTSTART-like value as an instant: floating times and dates are read in ``zone``
    (a date is that day's local midnight; a wall time that does not exist follows fold=0)."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            value = value.replace(tzinfo=zone)
        return timeutil.from_datetime(value)
    if isinstance(value, date):
        return timeutil.from_datetime(datetime.combine(value, time(), tzinfo=zone))
    raise ValueError(f"not a date or date-time: {value!r}")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def _first(value: Any) -> Any:
    values = _as_list(value)
    return values[0] if values else None


def _text_value(value: Any) -> str | None:
    """A text property as ``str`` (the first when repeated); None when absent or empty."""
    first = _first(value)
    if first is None:
        return None
    text = str(first)
    return text if text else None


def _upper(value: Any) -> str:
    first = _first(value)
    return str(first).strip().upper() if first is not None else ""


__all__ = [
    "decode_calendar_bytes",
    "load_account",
    "load_calendar",
    "load_calendar_bytes",
    "read_calendar_bytes",
    "read_calendar_text",
]
