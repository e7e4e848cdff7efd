"""Loading the fixtures of ``fixtures/ics`` (each named after the case it holds) for the
tests of ``cronoslot.ical``: every answer is the same with the fast paths and without."""

from __future__ import annotations

from pathlib import Path

from cronoslot.ical import PLAIN, Shortcuts, load_calendar_bytes
from cronoslot.models import AccountSettings, BusyInterval
from cronoslot.timeutil import format_time, parse_time

FIXTURES = Path(__file__).parent / "fixtures" / "ics"


def window(start: str, end: str) -> tuple[int, int]:
    return parse_time(start), parse_time(end)


def load_fixture(
    name: str,
    span: tuple[int, int],
    *,
    tzid: str | None = None,
    emails: tuple[str, ...] = (),
) -> tuple[list[BusyInterval], list[str]]:
    """The fixture's busy intervals over ``span`` and the warnings, checked to be the same
    with every fast path and with none."""
    path = FIXTURES / name
    answers = []
    for shortcuts in (Shortcuts(), PLAIN):
        warnings: list[str] = []
        busy = load_calendar_bytes(
            path.read_bytes(),
            path=path,
            calendar_id="cal",
            settings=AccountSettings(tzid=tzid, emails=emails),
            window=span,
            warn=warnings.append,
            shortcuts=shortcuts,
        )
        answers.append((busy, warnings))
    assert answers[0] == answers[1]
    return answers[0]


def times(busy: list[BusyInterval]) -> list[tuple[str, str]]:
    """Each interval as ``(start, end)`` in the API's ``...Z`` form."""
    return [(format_time(interval.start), format_time(interval.end)) for interval in busy]


def hours(day_starts: list[str], length_minutes: int) -> list[tuple[str, str]]:
    """``(start, end)`` pairs for starts written by hand (``2027-01-03T22:00``)."""
    return [
        (
            format_time(parse_time(f"{start}:00Z")),
            format_time(parse_time(f"{start}:00Z") + 60 * length_minutes),
        )
        for start in day_starts
    ]
