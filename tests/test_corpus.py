"""Every public test calendar loads into well-formed busy intervals or fails cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from cronoslot.errors import CalendarDataError
from cronoslot.loader import load_calendar
from cronoslot.models import AccountSettings, BusyInterval
from cronoslot.timeutil import parse_time

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
        busy = load_calendar(
            path,
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
    assert all(str(path) in warning for warning in warnings)
