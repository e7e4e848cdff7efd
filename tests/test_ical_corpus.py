"""Every public test calendar loads into well-formed busy intervals or fails cleanly."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest

from cronoslot.errors import CalendarDataError
from cronoslot.ical import PLAIN, Shortcuts, load_calendar_bytes
from cronoslot.models import AccountSettings, BusyInterval
from cronoslot.timeutil import DAY, parse_time

CORPUS = Path(__file__).parents[2] / "shared" / "corpus"
CORPUS_FILES = sorted(CORPUS.rglob("*.ics")) if CORPUS.is_dir() else []
WIDE_WINDOW = (parse_time("1995-01-01T00:00:00Z"), parse_time("2030-01-01T00:00:00Z"))


@pytest.mark.skipif(not CORPUS_FILES, reason="no corpus beside the repository")
@pytest.mark.parametrize(
    "path", CORPUS_FILES, ids=[str(p.relative_to(CORPUS)) for p in CORPUS_FILES]
)
@pytest.mark.parametrize("tzid", [None, "America/New_York"])
def test_corpus_file_loads_or_fails_cleanly(path: Path, tzid: str | None) -> None:
    warnings: list[str] = []
    try:
        busy = load_calendar_bytes(
            path.read_bytes(),
            path=path,
            calendar_id="corpus",
            settings=AccountSettings(tzid=tzid),
            window=WIDE_WINDOW,
            warn=warnings.append,
        )
    except CalendarDataError as error:
        assert error.path == path
        return
    assert isinstance(busy, list)
    assert all(isinstance(interval, BusyInterval) for interval in busy)
    assert all(interval.start < interval.end for interval in busy)
    assert all(
        interval.start < WIDE_WINDOW[1] and interval.end > WIDE_WINDOW[0] for interval in busy
    )
    assert busy == sorted(busy, key=lambda interval: (interval.start, interval.end))
    assert all(interval.calendar_id == "corpus" for interval in busy)
    # Each names the file, or its folder (an account without "emails": one per account).
    assert all(warning.startswith((f"{path}: ", f"{path.parent}: ")) for warning in warnings)


# --- the fast path answers as the plain one ----------------------------------------------

_DTSTART_DATE = re.compile(rb"^DTSTART[^:\r\n]*:(\d{8})", re.MULTILINE)
_YEARS_LATER = parse_time("2031-06-01T00:00:00Z")


def _windows_around_events(data: bytes) -> list[tuple[int, int]]:
    """35-day windows starting a week before each of the first three DTSTART dates in the
    file, and one window years later."""
    windows: list[tuple[int, int]] = []
    for found in dict.fromkeys(_DTSTART_DATE.findall(data)):
        text = found.decode()
        try:
            day = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        except ValueError:
            continue
        start = parse_time(f"{day.isoformat()}T00:00:00Z") - 7 * DAY
        windows.append((start, start + 35 * DAY))
        if len(windows) == 3:
            break
    windows.append((_YEARS_LATER, _YEARS_LATER + 35 * DAY))
    return windows


# Each shortcut on its own, the others off: they are independent.
ONE_SHORTCUT_EACH = [
    dataclasses.replace(PLAIN, prefilter=True),
    dataclasses.replace(PLAIN, shift_series=True),
    dataclasses.replace(PLAIN, simple_events=True),
]


def _answer(
    data: bytes, path: Path, window: tuple[int, int], tzid: str | None, shortcuts: Shortcuts
) -> list[BusyInterval] | str:
    try:
        return load_calendar_bytes(
            data,
            path=path,
            calendar_id="corpus",
            settings=AccountSettings(tzid=tzid),
            window=window,
            warn=lambda _message: None,
            shortcuts=shortcuts,
        )
    except CalendarDataError as error:
        return f"CalendarDataError: {error}"


@pytest.mark.skipif(not CORPUS_FILES, reason="no corpus beside the repository")
@pytest.mark.parametrize(
    "path", CORPUS_FILES, ids=[str(p.relative_to(CORPUS)) for p in CORPUS_FILES]
)
@pytest.mark.parametrize("tzid", [None, "America/New_York"])
def test_corpus_prefilter_and_fast_path_answer_as_a_full_parse(
    path: Path, tzid: str | None
) -> None:
    data = path.read_bytes()
    for window in _windows_around_events(data):
        plain = _answer(data, path, window, tzid, PLAIN)
        assert _answer(data, path, window, tzid, Shortcuts()) == plain
        assert _answer(data, path, window, tzid, Shortcuts(prefilter=False)) == plain
        for alone in ONE_SHORTCUT_EACH:
            assert _answer(data, path, window, tzid, alone) == plain, alone
