"""Generated calendars and windows (hypothesis strategies) for the tests that compare the
loader's paths: its fast paths with its plain path, and the loader with a plain reference.

The calendars hold what real exports hold and the fast paths must not get wrong: series
daily, weekly and monthly, zoned, UTC (Google style, with X-WR-TIMEZONE), floating and
all-day, with UNTIL in UTC against zoned or floating starts, COUNT, EXDATEs and RDATEs in
other zones than their series, RECURRENCE-ID overrides moved a little or far (across the
window's edges), RANGE=THISANDFUTURE overrides, and single events. Windows lie years
before and after the events' starts, and across DST changes in both hemispheres.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from cronoslot.timeutil import DAY, parse_time

ZONES = ["Europe/London", "America/New_York", "Australia/Sydney"]
KINDS = [*ZONES, "utc", "floating", "date"]
BASE = datetime(2023, 1, 2, 0, 0)
ACCOUNT_ZONES = [None, "America/New_York", "Australia/Sydney"]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _utc(moment: datetime, xwr: str | None) -> datetime:
    """A naive wall time of the X-WR-TIMEZONE (else UTC) as UTC."""
    return moment.replace(tzinfo=ZoneInfo(xwr or "UTC")).astimezone(ZoneInfo("UTC"))


def time_line(moment: datetime, kind: str, xwr: str | None, name: str) -> str:
    """A DTSTART-like line for a naive local ``moment`` written in ``kind``."""
    if kind == "date":
        return f"{name};VALUE=DATE:{moment:%Y%m%d}"
    if kind == "floating":
        return f"{name}:{moment:%Y%m%dT%H%M%S}"
    if kind == "utc":
        # Google style: local wall time of the X-WR-TIMEZONE, written in UTC.
        return f"{name}:{_utc(moment, xwr):%Y%m%dT%H%M%S}Z"
    return f"{name};TZID={kind}:{moment:%Y%m%dT%H%M%S}"


def _other_kind(draw: st.DrawFn, kind: str) -> str:
    """The series' own kind mostly; now and then another (a date-time one for date-times)."""
    if kind == "date" or draw(st.integers(0, 3)) != 0:
        return kind
    return draw(st.sampled_from([k for k in KINDS if k != "date"]))


def _kind_and_start(draw: st.DrawFn, years: int) -> tuple[str, datetime]:
    """How the times are written, and a start (a local wall time) within ``years``."""
    kind = draw(st.sampled_from(KINDS))
    start = BASE + timedelta(
        days=draw(st.integers(0, years * 365)), minutes=15 * draw(st.integers(0, 95))
    )
    return kind, start.replace(hour=0, minute=0) if kind == "date" else start


@st.composite
def series_event(draw: st.DrawFn, uid: str, xwr: str | None) -> list[str]:
    kind, start = _kind_and_start(draw, 3)
    frequency = draw(st.sampled_from(["DAILY", "WEEKLY", "WEEKLY", "MONTHLY"]))
    interval = draw(st.integers(1, 3))
    period = timedelta(
        days=interval * {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 30}[frequency]
    )  # about a month: for EXDATEs and overrides, which may then miss (that is fine too)
    length = (
        timedelta(days=1) if kind == "date" else timedelta(minutes=30 * draw(st.integers(1, 6)))
    )
    rule = f"RRULE:FREQ={frequency};INTERVAL={interval}"
    # Google writes a rule for its UTC start: its days are those of the UTC dates.
    utc_days = (_utc(start, xwr).date() - start.date()).days if kind == "utc" else 0
    if frequency == "WEEKLY" and draw(st.booleans()):
        local_days = draw(st.sets(st.sampled_from(WEEKDAYS), min_size=1))
        rule += ";BYDAY=" + ",".join(
            WEEKDAYS[(WEEKDAYS.index(day) + utc_days) % 7] for day in sorted(local_days)
        )
    if frequency == "MONTHLY" and draw(st.booleans()):
        rule += f";BYMONTHDAY={draw(st.sampled_from([1, 2, 15, 28, 30, 31, -1])) + utc_days}"
    ending = draw(st.sampled_from(["none", "none", "until", "count"]))
    if ending == "until":
        until = start + period * draw(st.integers(0, 300))
        rule += (
            f";UNTIL={until:%Y%m%d}"
            if kind == "date"
            else f";UNTIL={_utc(until, xwr if kind == 'utc' else None):%Y%m%dT%H%M%S}Z"
        )
    elif ending == "count":
        rule += f";COUNT={draw(st.integers(1, 300))}"
    lines = ["BEGIN:VEVENT", f"UID:{uid}", time_line(start, kind, xwr, "DTSTART")]
    lines.append(
        time_line(start + length, kind, xwr, "DTEND")
        if draw(st.booleans()) or kind == "date"
        else f"DURATION:PT{int(length.total_seconds())}S"
    )
    lines.append(rule)
    for index in draw(st.lists(st.integers(0, 250), max_size=3)):
        # An EXDATE in the series' zone, or another's (the same wall time: another instant).
        lines.append(time_line(start + period * index, _other_kind(draw, kind), xwr, "EXDATE"))
    if draw(st.integers(0, 3)) == 0:
        extra = (
            start + period * draw(st.integers(0, 250)) + timedelta(hours=draw(st.integers(-30, 30)))
        )
        if kind == "date":
            extra = extra.replace(hour=0, minute=0)
        lines.append(time_line(extra, _other_kind(draw, kind), xwr, "RDATE"))
    if draw(st.booleans()):
        lines.append("TRANSP:TRANSPARENT" if draw(st.booleans()) else "STATUS:TENTATIVE")
    lines.append("END:VEVENT")
    moves = st.one_of(st.integers(-400 * 24, 400 * 24), st.integers(-72, 72))
    for index in draw(st.lists(st.integers(0, 250), max_size=3, unique=True)):
        moved = start + period * index + timedelta(hours=draw(moves))
        recurrence_id = time_line(start + period * index, kind, xwr, "RECURRENCE-ID")
        if draw(st.integers(0, 4)) == 0:
            recurrence_id = recurrence_id.replace(
                "RECURRENCE-ID", "RECURRENCE-ID;RANGE=THISANDFUTURE", 1
            )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            recurrence_id,
            time_line(moved, kind, xwr, "DTSTART"),
            time_line(moved + length, kind, xwr, "DTEND"),
            "SUMMARY:moved",
            "END:VEVENT",
        ]
    return lines


@st.composite
def single_event(draw: st.DrawFn, uid: str, xwr: str | None) -> list[str]:
    kind, start = _kind_and_start(draw, 4)
    if kind == "date":
        length = timedelta(days=draw(st.integers(1, 40)))
    else:
        length = timedelta(minutes=15 * draw(st.integers(0, 400)))
    end_kind = _other_kind(draw, kind)  # an end in another zone than the start, now and then
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        time_line(start, kind, xwr, "DTSTART"),
        time_line(start + length, end_kind, xwr, "DTEND"),
        "END:VEVENT",
    ]


@st.composite
def calendars(draw: st.DrawFn) -> bytes:
    xwr = draw(st.sampled_from([None, None, *ZONES]))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    if xwr is not None:
        lines.append(f"X-WR-TIMEZONE:{xwr}")
    count = draw(st.integers(1, 6))
    for number in range(count):
        uid = f"e{number}"
        if draw(st.booleans()):
            lines += draw(series_event(uid, xwr))
        else:
            lines += draw(single_event(uid, xwr))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def _dst_changes(year: int) -> list[date]:
    """Days around the DST changes of Europe and the United States (March, October,
    November) and of Australia (April, October)."""
    return [
        date(year, 3, 5),
        date(year, 3, 25),
        date(year, 4, 1),
        date(year, 10, 1),
        date(year, 10, 20),
        date(year, 11, 1),
    ]


@st.composite
def windows(draw: st.DrawFn) -> tuple[int, int]:
    choice = draw(st.integers(0, 3))
    if choice == 0:
        # Around a DST change, in either hemisphere.
        start_day = draw(st.sampled_from(_dst_changes(draw(st.integers(2023, 2026)))))
    elif choice == 1:
        # Years before the events, or years after them.
        start_day = draw(st.sampled_from([date(2019, 6, 1), date(2030, 2, 1), date(2034, 9, 1)]))
    else:
        start_day = BASE.date() + timedelta(days=draw(st.integers(0, 4 * 365)))
    start = parse_time(f"{start_day.isoformat()}T{draw(st.integers(0, 23)):02d}:00:00Z")
    return start, start + draw(st.integers(1, 60)) * DAY


__all__ = ["ACCOUNT_ZONES", "calendars", "time_line", "windows"]
