"""The small values of ``find``'s options, read from what a person types: durations
(``45m``, ``1h30m``), working hours (``09:00-17:00``) and groups (``2:a,b,c``). Pure.
"""

from __future__ import annotations

import re

from ..timeutil import DAY, MINUTE, parse_written_duration

__all__ = ["ValueProblem", "parse_between", "parse_duration", "parse_group", "parse_names"]

_CLOCK_RE = re.compile(r"(?P<hour>\d{1,2}):(?P<minute>\d{2})", re.ASCII)


class ValueProblem(ValueError):
    """An option value that cannot be read; the message says what would be."""


def parse_duration(text: str, *, allow_zero: bool = False) -> int:
    """``45m``, ``1h``, ``1h30m``, ``90m`` or plain minutes (``90``), in seconds: the
    command line's durations (``timeutil.parse_written_duration``) in whole minutes."""
    form = text.strip().lower().replace(" ", "")
    try:
        seconds = int(form) * MINUTE if form.isdigit() else parse_written_duration(form)
    except ValueError:
        seconds = -1
    if seconds < 0 or seconds % MINUTE:
        raise ValueProblem(f"'{text}' is not a duration like 45m, 1h or 1h30m")
    if seconds == 0 and not allow_zero:
        raise ValueProblem(f"'{text}': the duration must be longer than zero")
    if seconds > 366 * DAY:
        raise ValueProblem(f"'{text}' is longer than a year")
    return seconds


def _clock(text: str, whole: str) -> int:
    match = _CLOCK_RE.fullmatch(text.strip())
    if match is None:
        raise ValueProblem(f"'{whole}' is not working hours like 09:00-17:00")
    hour, minute = int(match["hour"]), int(match["minute"])
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        raise ValueProblem(f"'{whole}': {text.strip()} is not a time of day")
    return hour * 60 + minute


def parse_between(text: str) -> tuple[int, int]:
    """Working hours ``HH:MM-HH:MM`` as minutes after local midnight (``24:00`` is the end
    of the day); the end must be after the start."""
    start_text, dash, end_text = text.partition("-")
    if not dash:
        raise ValueProblem(f"'{text}' is not working hours like 09:00-17:00")
    start, end = _clock(start_text, text), _clock(end_text, text)
    if start >= 24 * 60:
        raise ValueProblem(f"'{text}': the start must be before 24:00")
    if end <= start:
        raise ValueProblem(f"'{text}': the end must be after the start (on the same day)")
    return start, end


def parse_names(text: str) -> tuple[str, ...]:
    """``a,b, c`` as names, in order, each once; empty entries are an error."""
    names = [part.strip() for part in text.split(",")]
    if not all(names):
        raise ValueProblem(f"'{text}': an empty name in the list")
    return tuple(dict.fromkeys(names))


def parse_group(text: str) -> tuple[int, tuple[str, ...]]:
    """``N:a,b,c``: N of the members a, b and c are required."""
    count_text, colon, members = text.partition(":")
    if not colon or not count_text.strip().isdigit():
        raise ValueProblem(f"'{text}' is not a group like 1:room_a,room_b (N of these)")
    count = int(count_text)
    names = parse_names(members)
    if not 1 <= count <= len(names):
        raise ValueProblem(f"'{text}': N must be between 1 and the {len(names)} members given")
    return count, names
