"""The baseline: an availability query answered the obvious way, with no cronoslot code.

    .venv/bin/python bench/naive.py STORE REQUEST

For each account of the request it parses every calendar file of the account with
``icalendar.Calendar.from_ical``, expands it with
``recurring_ical_events.of(calendar).between(start, end)`` over the query window, keeps
the occurrences that are not cancelled or transparent as busy time (widened by the
request's top-level buffer), subtracts that from the query periods, combines the members
of each group (``"all"``: intersection; ``k``: covered by at least k members), intersects
the groups and prints ``{"available_periods": [...]}`` for periods at least
``required_duration`` long. It reads the request's ``participants``, ``query_periods``,
``required_duration`` and ``buffer`` and nothing else: it is the cost floor of doing the
work naively, not a second implementation of SPEC.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

Interval = tuple[int, int]


def parse_time(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def format_time(instant: int) -> str:
    return datetime.fromtimestamp(instant, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def minutes(duration: dict[str, int] | None) -> int:
    if not duration:
        return 0
    return 60 * (60 * duration.get("hours", 0) + duration.get("minutes", 0))


def to_epoch(value: date | datetime, zone: ZoneInfo) -> int:
    # Dates and floating times are read in the account's zone.
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return int(value.timestamp())


def normalise(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif start < end:
            merged.append((start, end))
    return merged


def subtract(base: list[Interval], cuts: list[Interval]) -> list[Interval]:
    result: list[Interval] = []
    for start, end in base:
        cursor = start
        for cut_start, cut_end in cuts:
            if cut_end <= cursor or cut_start >= end:
                continue
            if cut_start > cursor:
                result.append((cursor, cut_start))
            cursor = max(cursor, cut_end)
        if cursor < end:
            result.append((cursor, end))
    return result


def at_least(sets: list[list[Interval]], count: int) -> list[Interval]:
    """The time covered by at least ``count`` of the sets (a sweep over their edges)."""
    edges: list[tuple[int, int]] = []
    for intervals in sets:
        for start, end in intervals:
            edges += [(start, 1), (end, -1)]
    edges.sort()
    result: list[Interval] = []
    depth = 0
    opened = 0
    for instant, change in edges:
        before = depth
        depth += change
        if before < count <= depth:
            opened = instant
        elif depth < count <= before:
            result.append((opened, instant))
    return normalise(result)


def busy_of(account: Path, window: Interval, before: int, after: int) -> list[Interval]:
    settings: dict[str, Any] = {}
    if (account / "account.json").exists():
        settings = json.loads((account / "account.json").read_text())
    zone = ZoneInfo(settings.get("tzid") or "UTC")
    # Floating times are compared with the bounds as if UTC: pad by a day.
    start = datetime.fromtimestamp(window[0], UTC) - timedelta(days=1)
    end = datetime.fromtimestamp(window[1], UTC) + timedelta(days=1)
    busy: list[Interval] = []
    for path in sorted(account.glob("*.ics")):
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        for event in recurring_ical_events.of(calendar).between(start, end):
            if str(event.get("STATUS", "")).upper() == "CANCELLED":
                continue
            if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
                continue
            event_start = to_epoch(event["DTSTART"].dt, zone)
            event_end = to_epoch(event["DTEND"].dt, zone) if "DTEND" in event else event_start
            if event_end > event_start:
                busy.append((event_start - after, event_end + before))
    return normalise(busy)


def main() -> None:
    store, request_path = Path(sys.argv[1]), Path(sys.argv[2])
    request = json.loads(request_path.read_text())
    query = normalise(
        [(parse_time(p["start"]), parse_time(p["end"])) for p in request["query_periods"]]
    )
    buffer = request.get("buffer") or {}
    before, after = minutes(buffer.get("before")), minutes(buffer.get("after"))
    window = (query[0][0], query[-1][1])
    free_by_sub: dict[str, list[Interval]] = {}
    answer = query
    for group in request["participants"]:
        member_sets = []
        for member in group["members"]:
            sub = member["sub"]
            if sub not in free_by_sub:
                free_by_sub[sub] = subtract(query, busy_of(store / sub, window, before, after))
            member_sets.append(free_by_sub[sub])
        required = group.get("required", "all")
        count = len(member_sets) if required == "all" else int(required)
        answer = subtract(answer, subtract(query, at_least(member_sets, count)))
    duration = minutes(request["required_duration"])
    periods = [
        {"start": format_time(start), "end": format_time(end)}
        for start, end in answer
        if end - start >= duration
    ]
    json.dump({"available_periods": periods}, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
