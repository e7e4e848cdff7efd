"""Generate a deterministic synthetic calendar store and the benchmark's requests.

    .venv/bin/python bench/generate.py OUT --size large [--seed N]

writes ``OUT/store/`` (10 accounts, one folder each, 1-3 calendar files plus
``account.json``), ``OUT/requests/availability.json`` and ``OUT/requests/sequence.json``
(both over the 35 days from ``QUERY_START``, valid for ``--now NOW``) and
``OUT/generator.json`` (version, size, seed: the bench regenerates when they differ).

Events spread over about three years before and one year after ``ANCHOR``, in the mix a
real store has: VTIMEZONE-zoned (London, New York, Berlin), UTC and floating times,
all-day events, tentative (STATUS and PARTSTAT), transparent, declined, cancelled and
out-of-office events, CATEGORIES, and weekly or daily series with INTERVAL, BYDAY, UNTIL,
COUNT, EXDATEs and RECURRENCE-ID overrides (moved and cancelled). Every few accounts have
one Google-style file: UTC times and ``X-WR-TIMEZONE``.

The same size and seed always give byte-identical files (``random.Random(seed)`` only; no
clock, no hash order).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dateutil import rrule

GENERATOR_VERSION = 1
DEFAULT_SEED = 20270301

# The query window lies after NOW (requests must not start in the past) and within the
# 201 days SPEC allows; events reach three years back and one year forward from ANCHOR.
ANCHOR = datetime(2027, 3, 1, tzinfo=UTC)
NOW = "2027-02-22T00:00:00Z"
QUERY_START = ANCHOR
QUERY_DAYS = 35
HISTORY_DAYS = 3 * 365
FUTURE_DAYS = 365


@dataclass(frozen=True)
class Size:
    accounts: int
    events: int  # single events per account
    series: int  # recurring series per account


SIZES = {
    "small": Size(accounts=10, events=200, series=20),
    "medium": Size(accounts=10, events=2_000, series=100),
    "large": Size(accounts=10, events=10_000, series=400),
}

ZONES = ("Europe/London", "America/New_York", "Europe/Berlin")
CATEGORY_NAMES = ("Interview", "1:1", "Focus", "Customer", "Hiring", "Travel")
CALENDAR_NAMES = ("work", "personal", "team")
DTSTAMP = "20270101T000000Z"

VTIMEZONES = {
    "Europe/London": """BEGIN:VTIMEZONE
TZID:Europe/London
BEGIN:DAYLIGHT
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
TZNAME:BST
DTSTART:19810329T010000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
TZNAME:GMT
DTSTART:19961027T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE""",
    "Europe/Berlin": """BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19810329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19961027T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE""",
    "America/New_York": """BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:DAYLIGHT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
DTSTART:20070311T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
DTSTART:20071104T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE""",
}


def account_sub(index: int) -> str:
    return f"acc_bench_{index:02d}"


def account_email(index: int) -> str:
    return f"person{index:02d}@bench.example"


def fold(line: str) -> list[str]:
    """RFC 5545 folding at 75 characters (the generated text is ASCII)."""
    parts = [line[:75]]
    rest = line[75:]
    while rest:
        parts.append(" " + rest[:74])
        rest = rest[74:]
    return parts


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


class _Writer:
    """Renders the time properties of one calendar file in its chosen style."""

    def __init__(self, zone: str, google: bool) -> None:
        self.zone = zone
        self.google = google

    def time_prop(self, name: str, local: datetime, style: str, tzid: str) -> str:
        """``local`` is a naive wall time in ``tzid``; ``style`` is zoned, utc or floating."""
        if style == "zoned":
            return f"{name};TZID={tzid}:{_stamp(local)}"
        if style == "utc":
            moment = local.replace(tzinfo=ZoneInfo(tzid)).astimezone(UTC)
            return f"{name}:{_stamp(moment)}Z"
        return f"{name}:{_stamp(local)}"


class _AccountGenerator:
    def __init__(self, rng: random.Random, index: int, size: Size) -> None:
        self.rng = rng
        self.index = index
        self.size = size
        self.zone = ZONES[index % len(ZONES)]
        self.email = account_email(index)
        self.uid_counter = itertools.count()

    def uid(self, kind: str) -> str:
        return f"{kind}-{self.index:02d}-{next(self.uid_counter):06d}@bench.example"

    def pick_zone(self) -> str:
        # Mostly the account's own zone, sometimes a colleague's.
        return self.zone if self.rng.random() < 0.7 else self.rng.choice(ZONES)

    def status_lines(self, allow_cancel: bool = True) -> list[str]:
        rng = self.rng
        lines: list[str] = []
        roll = rng.random()
        if roll < 0.05:
            lines.append("STATUS:TENTATIVE")
        elif roll < 0.08 and allow_cancel:
            lines.append("STATUS:CANCELLED")
        elif roll < 0.6:
            lines.append("STATUS:CONFIRMED")
        if rng.random() < 0.08:
            lines.append("TRANSP:TRANSPARENT")
        elif rng.random() < 0.5:
            lines.append("TRANSP:OPAQUE")
        roll = rng.random()
        if roll < 0.03:
            lines.append("X-MICROSOFT-CDO-BUSYSTATUS:OOF")
        elif roll < 0.05:
            lines.append("X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE")
        elif roll < 0.07:
            lines.append("X-MICROSOFT-CDO-BUSYSTATUS:FREE")
        elif roll < 0.08:
            lines.append("X-MICROSOFT-CDO-BUSYSTATUS:WORKINGELSEWHERE")
        elif roll < 0.3:
            lines.append("X-MICROSOFT-CDO-BUSYSTATUS:BUSY")
        if rng.random() < 0.4:
            partstat = rng.choices(
                ("ACCEPTED", "TENTATIVE", "DECLINED", "NEEDS-ACTION"), weights=(70, 10, 10, 10)
            )[0]
            mailto = self.email.upper() if rng.random() < 0.1 else self.email
            lines.append(f"ORGANIZER;CN=Organiser:mailto:boss{rng.randrange(50)}@bench.example")
            lines.append(
                f"ATTENDEE;CN=Person {self.index};ROLE=REQ-PARTICIPANT;PARTSTAT={partstat}:"
                f"mailto:{mailto}"
            )
            for _ in range(rng.randint(0, 3)):
                lines.append(
                    "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:"
                    f"mailto:colleague{rng.randrange(200)}@bench.example"
                )
        if rng.random() < 0.2:
            chosen = rng.sample(CATEGORY_NAMES, rng.randint(1, 2))
            lines.append("CATEGORIES:" + ",".join(chosen))
        if rng.random() < 0.05:
            lines.append("CLASS:PRIVATE")
        return lines

    def single_event(self, writer: _Writer) -> list[str]:
        rng = self.rng
        day = ANCHOR.date() + timedelta(days=rng.randrange(-HISTORY_DAYS, FUTURE_DAYS))
        uid = self.uid("ev")
        lines = [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"DTSTAMP:{DTSTAMP}",
            f"SUMMARY:Meeting {rng.randrange(10_000)}",
        ]
        style_roll = rng.random()
        if style_roll < 0.1:
            # All-day: one or a few days, often marked free.
            days = rng.choice((1, 1, 1, 2, 3, 5))
            lines.append(f"DTSTART;VALUE=DATE:{day:%Y%m%d}")
            lines.append(f"DTEND;VALUE=DATE:{day + timedelta(days=days):%Y%m%d}")
            if rng.random() < 0.5:
                lines.append("TRANSP:TRANSPARENT")
            elif rng.random() < 0.3:
                lines.append("X-MICROSOFT-CDO-BUSYSTATUS:OOF")
        else:
            if writer.google:
                style = "utc"
            elif style_roll < 0.55:
                style = "zoned"
            elif style_roll < 0.9:
                style = "utc"
            else:
                style = "floating"
            tzid = self.zone if writer.google else self.pick_zone()
            start = datetime(
                day.year, day.month, day.day, rng.randint(7, 18), rng.choice((0, 15, 30, 45))
            )
            minutes = rng.choice((15, 30, 30, 30, 45, 60, 60, 90, 120))
            lines.append(writer.time_prop("DTSTART", start, style, tzid))
            if rng.random() < 0.15:
                lines.append(f"DURATION:PT{minutes}M")
            else:
                lines.append(
                    writer.time_prop("DTEND", start + timedelta(minutes=minutes), style, tzid)
                )
            lines.extend(self.status_lines())
        if rng.random() < 0.1:
            lines.append(f"SEQUENCE:{rng.randint(0, 3)}")
        lines.append("END:VEVENT")
        return lines

    def series(self, writer: _Writer) -> list[str]:
        """A recurring series with its EXDATEs and overrides, as several VEVENTs."""
        rng = self.rng
        uid = self.uid("series")
        first_day = ANCHOR.date() + timedelta(days=rng.randrange(-HISTORY_DAYS, 300))
        tzid = self.zone if writer.google else self.pick_zone()
        style = "utc" if writer.google or rng.random() < 0.2 else "zoned"
        if style == "utc" and not writer.google:
            # A plain UTC series repeats at a fixed UTC time: expand it in UTC so that its
            # EXDATEs and RECURRENCE-IDs hit real occurrences across DST changes.
            tzid = "UTC"
        start = datetime(
            first_day.year,
            first_day.month,
            first_day.day,
            rng.randint(8, 17),
            rng.choice((0, 30)),
        )
        minutes = rng.choice((15, 25, 30, 45, 60))
        weekly = rng.random() < 0.7
        parts = ["FREQ=WEEKLY" if weekly else "FREQ=DAILY"]
        interval = rng.choice((1, 1, 2)) if weekly else rng.choice((1, 1, 2, 3))
        if interval > 1:
            parts.append(f"INTERVAL={interval}")
        weekdays = ["MO", "TU", "WE", "TH", "FR"]
        byday: list[str] = []
        if weekly:
            byday = sorted(rng.sample(weekdays, rng.randint(1, 3)), key=weekdays.index)
            parts.append("BYDAY=" + ",".join(byday))
        elif rng.random() < 0.5:
            byday = weekdays
            parts.append("BYDAY=MO,TU,WE,TH,FR")
        end_roll = rng.random()
        until: datetime | None = None
        count: int | None = None
        if end_roll < 0.4:
            until = start + timedelta(days=rng.randint(30, 900))
            until_utc = until.replace(tzinfo=ZoneInfo(tzid)).astimezone(UTC)
            parts.append(f"UNTIL={_stamp(until_utc)}Z")
        elif end_roll < 0.7:
            count = rng.randint(5, 200)
            parts.append(f"COUNT={count}")

        # The wall-clock starts, to pick EXDATEs and RECURRENCE-IDs that really occur.
        rule = rrule.rrule(
            rrule.WEEKLY if weekly else rrule.DAILY,
            dtstart=start,
            interval=interval,
            byweekday=[weekdays.index(day) for day in byday] or None,
            until=until,
            count=count,
        )
        near = rule.between(
            ANCHOR.replace(tzinfo=None) - timedelta(days=20),
            ANCHOR.replace(tzinfo=None) + timedelta(days=60),
        )
        early = list(itertools.islice(rule, 60))
        pool = near if near and rng.random() < 0.8 else early

        master = [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"DTSTAMP:{DTSTAMP}",
            f"SUMMARY:Recurring {rng.choice(('standup', 'sync', 'review', '1:1'))}",
            writer.time_prop("DTSTART", start, style, tzid),
            writer.time_prop("DTEND", start + timedelta(minutes=minutes), style, tzid),
            "RRULE:" + ";".join(parts),
        ]
        master.extend(self.status_lines(allow_cancel=False))
        picked = rng.sample(pool, min(len(pool), rng.randint(0, 5))) if pool else []
        picked.sort()
        exdates = [occurrence for occurrence in picked if rng.random() < 0.5]
        for occurrence in exdates:
            master.append(writer.time_prop("EXDATE", occurrence, style, tzid))
        master.append("END:VEVENT")

        overrides: list[str] = []
        for occurrence in picked:
            if occurrence in exdates:
                continue
            overrides += [
                "BEGIN:VEVENT",
                f"UID:{uid}",
                f"DTSTAMP:{DTSTAMP}",
                writer.time_prop("RECURRENCE-ID", occurrence, style, tzid),
                "SEQUENCE:1",
            ]
            if rng.random() < 0.4:
                overrides += [
                    "SUMMARY:Cancelled occurrence",
                    writer.time_prop("DTSTART", occurrence, style, tzid),
                    writer.time_prop("DTEND", occurrence + timedelta(minutes=minutes), style, tzid),
                    "STATUS:CANCELLED",
                ]
            else:
                moved = occurrence + timedelta(minutes=rng.choice((-120, -60, 30, 60, 180)))
                overrides += [
                    "SUMMARY:Moved occurrence",
                    writer.time_prop("DTSTART", moved, style, tzid),
                    writer.time_prop("DTEND", moved + timedelta(minutes=minutes), style, tzid),
                ]
            overrides.append("END:VEVENT")
        return master + overrides

    def calendars(self) -> dict[str, str]:
        """calendar_id -> file text."""
        rng = self.rng
        count = rng.randint(1, 3)
        names = list(CALENDAR_NAMES[:count])
        google_index = count - 1 if self.index % 4 == 0 else None
        if google_index is not None:
            names[google_index] = "google"
        weights = [rng.randint(1, 5) for _ in names]
        bodies: list[list[str]] = [[] for _ in names]
        writers = [_Writer(self.zone, google=(i == google_index)) for i in range(len(names))]

        def choose() -> int:
            return rng.choices(range(len(names)), weights=weights)[0]

        for _ in range(self.size.series):
            which = choose()
            bodies[which].extend(self.series(writers[which]))
        for _ in range(self.size.events):
            which = choose()
            bodies[which].extend(self.single_event(writers[which]))

        files: dict[str, str] = {}
        for position, name in enumerate(names):
            head = [
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//cronoslot bench//generate.py//EN",
                "CALSCALE:GREGORIAN",
            ]
            if position == google_index:
                head += ["METHOD:PUBLISH", f"X-WR-CALNAME:{name}", f"X-WR-TIMEZONE:{self.zone}"]
            else:
                for zone in ZONES:
                    head.extend(VTIMEZONES[zone].splitlines())
            lines = [*head, *bodies[position], "END:VCALENDAR"]
            files[name] = "".join(part + "\r\n" for line in lines for part in fold(line))
        return files


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def availability_request(accounts: int) -> dict[str, object]:
    """35 days, two groups: the first half of the accounts all required, then k of the rest."""
    subs = [account_sub(index) for index in range(accounts)]
    half = accounts // 2
    return {
        "participants": [
            {"members": [{"sub": sub} for sub in subs[:half]], "required": "all"},
            {
                "members": [{"sub": sub} for sub in subs[half:]],
                "required": max(1, (accounts - half) // 2),
            },
        ],
        "required_duration": {"minutes": 30},
        "query_periods": [
            {
                "start": _iso(QUERY_START),
                "end": _iso(QUERY_START + timedelta(days=QUERY_DAYS)),
            }
        ],
        "buffer": {"before": {"minutes": 10}, "after": {"minutes": 5}},
        "response_format": "slots",
        "start_interval": {"minutes": 15},
        "max_results": 512,
    }


def sequence_request(accounts: int) -> dict[str, object]:
    """Four steps over the same 35 days, 15-60 minutes apart, 2-3 accounts each."""
    subs = [account_sub(index) for index in range(accounts)]
    steps = []
    for step in range(4):
        members = [subs[(step * 2 + offset) % accounts] for offset in range(3 if step % 2 else 2)]
        entry: dict[str, object] = {
            "sequence_id": f"interview_{step + 1}",
            "ordinal": step + 1,
            "participants": [{"members": [{"sub": sub} for sub in members], "required": "all"}],
            "required_duration": {"minutes": 45},
            "start_interval": {"minutes": 15},
        }
        if step > 0:
            entry["buffer"] = {"before": {"minimum": {"minutes": 15}, "maximum": {"minutes": 60}}}
        steps.append(entry)
    return {
        "query_periods": [
            {
                "start": _iso(QUERY_START),
                "end": _iso(QUERY_START + timedelta(days=QUERY_DAYS)),
            }
        ],
        "sequence": steps,
        "max_results": 20,
    }


def generate(out: Path, size: str, seed: int = DEFAULT_SEED) -> Path:
    """Write the store and requests into ``out`` (replacing ``out/store``); return ``out``."""
    spec = SIZES[size]
    # Remove the stamp first so an interrupted run is never taken as current.
    (out / "generator.json").unlink(missing_ok=True)
    store = out / "store"
    if store.exists():
        shutil.rmtree(store)
    store.mkdir(parents=True)
    master = random.Random(seed)
    for index in range(spec.accounts):
        account_rng = random.Random(master.getrandbits(64))
        generator = _AccountGenerator(account_rng, index, spec)
        folder = store / account_sub(index)
        folder.mkdir()
        settings = {"tzid": generator.zone, "emails": [generator.email]}
        (folder / "account.json").write_text(json.dumps(settings) + "\n")
        for name, text in generator.calendars().items():
            (folder / f"{name}.ics").write_bytes(text.encode("ascii"))
    requests = out / "requests"
    requests.mkdir(parents=True, exist_ok=True)
    for name, body in (
        ("availability", availability_request(spec.accounts)),
        ("sequence", sequence_request(spec.accounts)),
    ):
        (requests / f"{name}.json").write_text(json.dumps(body, indent=2) + "\n")
    stamp = {"version": GENERATOR_VERSION, "size": size, "seed": seed, "now": NOW}
    (out / "generator.json").write_text(json.dumps(stamp) + "\n")
    return out


def is_current(out: Path, size: str, seed: int = DEFAULT_SEED) -> bool:
    """True when ``out`` holds a finished store of this generator version, size and seed."""
    try:
        stamp = json.loads((out / "generator.json").read_text())
    except (OSError, ValueError):
        return False
    return bool(stamp == {"version": GENERATOR_VERSION, "size": size, "seed": seed, "now": NOW})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="output directory")
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    options = parser.parse_args()
    generate(options.out, options.size, options.seed)
    print(
        f"{options.size} store in {options.out / 'store'}; requests in {options.out / 'requests'}"
    )
    print(f"use --now {NOW}")


if __name__ == "__main__":
    main()
