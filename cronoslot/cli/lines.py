"""``--format lines``: one line per answer, for people (and ``grep``).

``Tue 23 Mar  12:00-12:45 GMT  Priya Sharma, Thames room``: the local day, local times
without seconds, the zone's abbreviation, and people by name. A sequence option is one
line, its steps side by side. Plain text (no rich): tables and grids reuse these pieces.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import IO

from ..models import AvailabilityResult, SequenceResult
from ..timeutil import get_zone, to_datetime

__all__ = [
    "availability_lines",
    "clock_span",
    "day_label",
    "local",
    "names_of",
    "sequence_lines",
    "write_lines",
]

NO_AVAILABILITY = "No availability in the query periods."
NO_SEQUENCE = "No sequence fits the query periods."


def local(instant: int, zone: str | None) -> datetime:
    """``instant`` as a datetime in ``zone`` (UTC when None)."""
    moment = to_datetime(instant)
    return moment.astimezone(get_zone(zone)) if zone else moment


def day_label(moment: datetime) -> str:
    """``Tue 23 Mar`` (the day of the month padded, so that lines align)."""
    return f"{moment:%a} {moment.day:>2} {moment:%b}"


def _abbreviation(moment: datetime) -> str:
    return moment.tzname() or "UTC"


def clock_span(start: int, end: int, zone: str | None, *, with_zone: bool = True) -> str:
    """``12:00-12:45 GMT``; an end on a later day carries its day, and a zone whose
    abbreviation changes within the span shows both."""
    first, last = local(start, zone), local(end, zone)
    ending = f"{last:%H:%M}"
    if last.date() != first.date():
        at_midnight = last.hour == 0 and last.minute == 0
        next_day = (last.date() - first.date()).days == 1
        ending = "24:00" if at_midnight and next_day else f"{day_label(last)} {last:%H:%M}"
    text = f"{first:%H:%M}-{ending}"
    if not with_zone:
        return text
    abbreviations = dict.fromkeys((_abbreviation(first), _abbreviation(last)))
    return f"{text} {'/'.join(abbreviations)}"


def names_of(subs: Iterable[str], names: Mapping[str, str]) -> str:
    """People by name (their ``sub`` where they have none), comma-separated."""
    return ", ".join(names.get(sub, sub) for sub in subs)


def availability_lines(
    result: AvailabilityResult, zone: str | None, names: Mapping[str, str]
) -> list[str]:
    lines = [
        f"{day_label(local(slot.start, zone))}  {clock_span(slot.start, slot.end, zone)}  "
        f"{names_of(slot.participants, names)}"
        for slot in result.slots
    ]
    if result.member_statuses:
        statuses = ", ".join(
            f"{names.get(status.sub, status.sub)} {status.sync_status}"
            for status in result.member_statuses
        )
        lines.append(f"Member statuses: {statuses}")
    return lines


def sequence_lines(result: SequenceResult, zone: str | None, names: Mapping[str, str]) -> list[str]:
    """One line per option: the first step's day, then each step's times and people,
    ``|`` between steps."""
    lines = []
    for option in result.sequences:
        day = local(option[0].start, zone)
        steps = []
        for index, step in enumerate(option):
            span = clock_span(step.start, step.end, zone, with_zone=index == 0)
            start = local(step.start, zone)
            if start.date() != day.date():
                span = f"{day_label(start)} {span}"
            steps.append(f"{span}  {names_of(step.participants, names)}")
        lines.append(f"{day_label(day)}  " + " | ".join(steps))
    return lines


def write_lines(lines: list[str], empty: str, stream: IO[str]) -> None:
    """The lines, or ``empty`` when there are none."""
    for line in lines or [empty]:
        stream.write(line + "\n")
