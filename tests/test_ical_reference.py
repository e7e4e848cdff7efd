"""The loader against a plain reference (``reference_loader.py``: icalendar, recurring-
ical-events and cronoslot's own mapping, the obvious way), window by window, over every
file of ``../shared/corpus/`` and over generated calendars with the hard cases
(``generated_calendars.py``).

Any difference must be one of the documented fixes of the plain path below: for each
event UID whose busy intervals differ, some fix must claim it. Each fix is checked by hand
on its own fixtures elsewhere (named in its entry).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cronoslot.errors import CalendarDataError
from cronoslot.ical import load_calendar_bytes
from cronoslot.ical.zones import zone_by_name
from cronoslot.models import AccountSettings, BusyInterval
from cronoslot.timeutil import DAY, format_time, parse_time

from .conftest import CORPUS
from .generated_calendars import ACCOUNT_ZONES, calendars, windows
from .reference_loader import ReferenceAnswer, reference_busy

CORPUS_FILES = sorted(CORPUS.rglob("*.ics")) if CORPUS.is_dir() else []
_SKIPPED = re.compile(r"skipped V\w+ \((?:UID (.*?)|no UID)\):")
_ALL_TIME = (parse_time("1800-01-03T00:00:00Z"), parse_time("2399-12-29T00:00:00Z"))


@dataclass
class Case:
    """One file over one window, as the fixes see it."""

    components: list[Any]  # the file's VEVENTs and VTIMEZONEs, parsed by icalendar
    x_wr_timezone: Any  # the usable X-WR-TIMEZONE's zone, or None
    warnings: list[str]  # the loader's

    def of(self, uid: str | None) -> list[Any]:
        return [c for c in self.components if c.name == "VEVENT" and _uid(c) == uid]


def _uid(component: Any) -> str | None:
    uid = component.get("UID")
    return str(uid) if uid is not None else None


_TIMES = ("DTSTART", "DTEND", "RDATE", "EXDATE", "RECURRENCE-ID")


def _values(component: Any, names: tuple[str, ...] = _TIMES) -> list[Any]:
    """The date and date-time values of the component's time properties."""
    values = []
    for name in names:
        found = component.get(name)
        for prop in found if isinstance(found, list) else [found] if found is not None else []:
            for holder in getattr(prop, "dts", [prop]) if not hasattr(prop, "dt") else [prop]:
                value = holder.dt
                values.extend(value if isinstance(value, tuple) else [value])
    return [value for value in values if isinstance(value, date)]


def _is_utc(value: Any) -> bool:
    return isinstance(value, datetime) and value.tzinfo is not None and value.tzname() == "UTC"


# --- the documented fixes of the plain path ------------------------------------------------


def broken_component_skipped(case: Case, uid: str | None) -> bool:
    """SPEC 2 "Broken input": a component that cannot be used (an end before its start,
    a bad value) is skipped, with a warning; recurring-ical-events reads it anyway, or
    the libraries refuse the whole file. (test_ical_loader: broken components)"""
    return any(_SKIPPED.search(w) and f"(UID {uid})" in w for w in case.warnings)


def each_end_by_spec_2(case: Case, uid: str | None) -> bool:
    """SPEC 2 "Time zones": a floating time (or an unknown TZID) is read in the calendar's
    zone, beside zoned times too. recurring-ical-events reads a floating end in the start's
    zone (and the other way round), and a floating series beside a zoned EXDATE or
    RECURRENCE-ID as UTC. (test_ical_zones: one end floating or unknown)"""
    values = [v for c in case.of(uid) for v in _values(c) if isinstance(v, datetime)]
    return any(v.tzinfo is None for v in values) and any(v.tzinfo is not None for v in values)


def google_weekdays_kept(case: Case, uid: str | None) -> bool:
    """SPEC 2, X-WR-TIMEZONE: a series whose UTC-written start falls on another local date
    keeps its local weekdays (the rule's day parts, and dates in RDATE, EXDATE and
    RECURRENCE-ID, move with the start; x-wr-timezone moves the start only), and a rule
    that cannot follow (BYMONTHDAY=31, BYSETPOS, BYHOUR...) is read in UTC, as written.
    (test_ical_google)"""
    zone = case.x_wr_timezone
    if zone is None:
        return False
    for component in case.of(uid):
        start = component.get("DTSTART")
        if "RRULE" in component and start is not None and _is_utc(start.dt):
            moved = start.dt.astimezone(zone).date() != start.dt.date()
            rule = component["RRULE"] if not isinstance(component["RRULE"], list) else {}
            wall_clock = any(part in rule for part in ("BYHOUR", "BYMINUTE", "BYSECOND"))
            sub_daily = str(rule.get("FREQ", [""])[0]) in ("HOURLY", "MINUTELY", "SECONDLY")
            if moved or wall_clock or sub_daily:
                return True
    return False


def google_range_kept(case: Case, uid: str | None) -> bool:
    """x-wr-timezone drops the parameters of the RECURRENCE-IDs it reads in the zone (UTC
    or floating ones), so a
    RANGE=THISANDFUTURE override becomes a plain one: cronoslot keeps the RANGE.
    (test_ical_loader_shortcuts: THISANDFUTURE)"""
    return case.x_wr_timezone is not None and any(
        "RANGE" in c["RECURRENCE-ID"].params and _rewritten_by_x_wr_timezone(c["RECURRENCE-ID"].dt)
        for c in case.of(uid)
        if "RECURRENCE-ID" in c
    )


def _rewritten_by_x_wr_timezone(value: Any) -> bool:
    """x-wr-timezone reads UTC and floating date-times in the zone."""
    return isinstance(value, datetime) and (value.tzinfo is None or _is_utc(value))


def google_single_event_keeps_its_instant(case: Case, uid: str | None) -> bool:
    """A single event of an X-WR-TIMEZONE file keeps its UTC instant: read in the zone by
    x-wr-timezone, a time in the repeated hour of a DST change loses its ``fold`` in
    recurring-ical-events and comes back an hour early. (google.py)"""
    zone = case.x_wr_timezone
    if zone is None:
        return False
    for component in case.of(uid):
        for value in _values(component, ("DTSTART", "DTEND")):
            if _is_utc(value):
                local = value.astimezone(zone)
                if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
                    return True
    return False


def known_zone_names_are_those_zones(case: Case, uid: str | None) -> bool:
    """A TZID naming a known zone (IANA, or Windows as icalendar maps them) is that zone,
    whatever VTIMEZONE the file gives the name: icalendar keeps one definition per name
    for the whole process, another file's perhaps. (test_ical_loader: custom zones)"""
    defined = {str(c["TZID"]) for c in case.components if c.name == "VTIMEZONE" and "TZID" in c}
    names = {
        str(prop.params["TZID"])
        for component in case.of(uid)
        for name in _TIMES
        for prop in (lambda p: p if isinstance(p, list) else [p] if p is not None else [])(
            component.get(name)
        )
        if "TZID" in getattr(prop, "params", {})
    }
    return any(name in defined and zone_by_name(name) is not None for name in names)


FIXES: list[Callable[[Case, str | None], bool]] = [
    broken_component_skipped,
    each_end_by_spec_2,
    google_weekdays_kept,
    google_range_kept,
    google_single_event_keeps_its_instant,
    known_zone_names_are_those_zones,
]
"""Differences per event UID that the loader is right to have (SPEC 2 amended)."""

# Whole files: a bare VEVENT or VFREEBUSY (icalendar's test files) is not a calendar
# file (SPEC 2: exit 3), though icalendar reads one; a file with one line icalendar cannot
# parse is refused whole by it, while the loader skips that component with a warning.


# --- the comparison --------------------------------------------------------------------------


def _key(interval: BusyInterval) -> tuple[Any, ...]:
    return (
        interval.start,
        interval.end,
        interval.transparency.value,
        interval.event_uid,
        interval.event_id,
        tuple(sorted(interval.tags)),
        interval.summary,
        interval.private,
    )


def compare(
    data: bytes,
    tzid: str | None,
    window: tuple[int, int],
    name: str,
    reference_of: Callable[..., ReferenceAnswer] = reference_busy,
) -> None:
    """The loader's answer for one window equals the reference's but for documented fixes."""
    settings_ = AccountSettings(tzid=tzid)
    warnings: list[str] = []
    try:
        ours: list[BusyInterval] | None = _load(data, name, settings_, window, warnings)
    except CalendarDataError:
        ours = None
    try:
        reference: ReferenceAnswer | None = reference_of(data, settings_, window)
    except Exception:
        reference = None
    where = f"{name}, tzid {tzid}, window from {format_time(window[0])}"
    if ours is None:
        assert reference is not None and _bare_component(data), f"{where}: refused"
        return
    if reference is None:
        # icalendar refused the whole file for one bad line: the loader skips the component
        # it is in (and says so to the windows it concerns), or ignores it as a property
        # of the calendar it does not use.
        if _bad_calendar_property(data):
            return
        everything: list[str] = []
        _load(data, name, settings_, _ALL_TIME, everything)
        assert any(_SKIPPED.search(w) for w in everything), f"{where}: reference failed"
        return
    mine = Counter(_key(b) for b in ours)
    theirs = Counter(_key(b) for b in reference.busy)
    differing = {key[3] for key in (mine - theirs) + (theirs - mine)}
    if not differing:
        return
    case = _case(data, warnings)
    for uid in differing:
        claimed = [fix.__name__ for fix in FIXES if fix(case, uid)]
        assert claimed or uid in reference.skipped, (
            f"{where}: UID {uid}: ours {sorted(k[:2] for k in mine if k[3] == uid)} "
            f"reference {sorted(k[:2] for k in theirs if k[3] == uid)}"
        )


def _load(
    data: bytes,
    name: str,
    settings_: AccountSettings,
    window: tuple[int, int],
    warnings: list[str],
) -> list[BusyInterval]:
    return load_calendar_bytes(
        data,
        path=Path(name),
        calendar_id="cal",
        settings=settings_,
        window=window,
        warn=warnings.append,
    )


def _bad_calendar_property(data: bytes) -> bool:
    """Whether a line of a VCALENDAR's own (outside its components) does not parse."""
    from icalendar.parser import Contentline

    depth = 0
    for line in re.split(r"\r\n|\r|\n", data.decode("utf-8", "replace")):
        name = line.split(":", 1)[0].strip().upper()
        if name == "BEGIN":
            depth += 1
        elif name == "END":
            depth -= 1
        elif depth == 1 and line.strip() and line[:1] not in " \t":
            try:
                Contentline(line).parts()
            except ValueError:
                return True
    return False


def _bare_component(data: bytes) -> bool:
    first = data.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0].strip().upper()
    return first in (b"BEGIN:VEVENT", b"BEGIN:VFREEBUSY", b"BEGIN:VTODO")


def _case(data: bytes, warnings: list[str]) -> Case:
    import icalendar

    calendars_ = icalendar.Calendar.from_ical(data, multiple=True)
    components = [c for calendar in calendars_ for c in calendar.walk() if c.name != "VCALENDAR"]
    zone = None
    for calendar in calendars_:
        name = calendar.get("X-WR-TIMEZONE")
        if name is not None and zone_by_name(str(name).strip()) is not None:
            zone = zone_by_name(str(name).strip())
    return Case(components, zone, warnings)


# --- over the corpus -------------------------------------------------------------------------

_DTSTART_DATE = re.compile(rb"^[ \t]*DTSTART[^:\r\n]*:(\d{8})", re.MULTILINE)


def corpus_windows(data: bytes) -> list[tuple[int, int]]:
    """35-day windows: from a week before each of the first three DTSTART dates; three
    years before and after the first; and across the DST changes of both hemispheres (5
    March to 9 April, 1 October to 5 November) in its year and the next."""
    days: list[date] = []
    for found in dict.fromkeys(_DTSTART_DATE.findall(data)):
        try:
            days.append(date(int(found[:4]), int(found[4:6]), int(found[6:8])))
        except ValueError:
            continue
    starts = [parse_time(f"{day.isoformat()}T00:00:00Z") - 7 * DAY for day in days[:3]]
    if days:
        first = parse_time(f"{days[0].isoformat()}T00:00:00Z")
        starts += [first - 3 * 365 * DAY, first + 3 * 365 * DAY]
        for year in (days[0].year, days[0].year + 1):
            starts += [parse_time(f"{year:04d}-03-05T00:00:00Z")]
            starts += [parse_time(f"{year:04d}-10-01T00:00:00Z")]
    return [(start, start + 35 * DAY) for start in starts]


@pytest.mark.skipif(not CORPUS_FILES, reason="no corpus beside the repository")
@pytest.mark.parametrize(
    "path", CORPUS_FILES, ids=[str(p.relative_to(CORPUS)) for p in CORPUS_FILES]
)
def test_corpus_file_answers_as_the_reference(path: Path) -> None:
    data = path.read_bytes()
    for tzid in ACCOUNT_ZONES:
        for window in corpus_windows(data):
            compare(data, tzid, window, str(path.relative_to(CORPUS)))


# --- over generated calendars ------------------------------------------------------------------


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=calendars(), window=windows(), tzid=st.sampled_from(ACCOUNT_ZONES))
def test_generated_calendar_answers_as_the_reference(
    data: bytes, window: tuple[int, int], tzid: str | None
) -> None:
    compare(data, tzid, window, "generated.ics")


def test_a_difference_no_fix_claims_fails() -> None:
    # The comparison can fail: a reference that reads the event half an hour earlier.
    text = (
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20270310T090000Z\r\n"
        "DTEND:20270310T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    earlier = text.replace("T090000Z", "T083000Z").encode()

    def reference(data: bytes, settings_: AccountSettings, window: tuple[int, int]) -> Any:
        return reference_busy(earlier, settings_, window)

    march = (parse_time("2027-03-01T00:00:00Z"), parse_time("2027-04-01T00:00:00Z"))
    compare(text.encode(), None, march, "same.ics")
    with pytest.raises(AssertionError, match="UID a"):
        compare(text.encode(), None, march, "changed.ics", reference)
