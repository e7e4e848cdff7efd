"""Small calendars, and loading them plainly or through the cache: shared by the tests of
``cache/`` and of ``engine/files.py``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cronoslot.cache import Cache
from cronoslot.engine.files import CalendarFile, CalendarFiles, FileBusy
from cronoslot.errors import Warn
from cronoslot.ical.loader import load_calendar_bytes
from cronoslot.intervals import Interval
from cronoslot.models import AccountSettings, BusyInterval
from cronoslot.store.reader import read_calendar_bytes
from cronoslot.timeutil import parse_time

NO_SETTINGS = AccountSettings()
MARCH = (parse_time("2026-03-02T00:00:00Z"), parse_time("2026-04-06T00:00:00Z"))
BASE = datetime(2026, 1, 1, tzinfo=UTC)


def t(text: str) -> int:
    return parse_time(text)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def calendar(*events: str) -> str:
    body = "".join(events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//cache//EN\r\n{body}END:VCALENDAR\r\n"


def event(uid: str, *lines: str) -> str:
    inner = "".join(f"{line}\r\n" for line in lines)
    return f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n{inner}END:VEVENT\r\n"


SIMPLE = calendar(
    event("a", "DTSTART:20260305T090000Z", "DTEND:20260305T100000Z", "SUMMARY:A"),
    event("b", "DTSTART:20260320T090000Z", "DTEND:20260320T110000Z", "STATUS:TENTATIVE"),
    # A long event that starts two months before MARCH and ends inside it.
    event("long", "DTSTART:20260110T000000Z", "DTEND:20260304T000000Z"),
)

BROKEN = calendar(
    event("ok", "DTSTART:20260305T090000Z", "DTEND:20260305T100000Z"),
    event("bad", "DTSTART:20260306T090000Z", "DTEND:20260305T100000Z"),
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def _ignore(message: str) -> None:
    pass


def plain(
    path: Path, window: Interval, account: AccountSettings = NO_SETTINGS, warn: Warn = _ignore
) -> list[BusyInterval]:
    """The loader's answer for the file, without any cache."""
    data = read_calendar_bytes(path)
    return load_calendar_bytes(
        data, path=path, calendar_id="cal", settings=account, window=window, warn=warn
    )


def cached(
    source: Cache | CalendarFiles,
    path: Path,
    window: Interval,
    account: AccountSettings = NO_SETTINGS,
) -> tuple[FileBusy, list[str]]:
    """The file's busy time through the cache, and the warnings given."""
    files = source if isinstance(source, CalendarFiles) else CalendarFiles(source)
    warnings: list[str] = []
    result = files.busy(CalendarFile(path, "cal", account), window, warnings.append)
    return result, warnings


class CountingLoader:
    """The real loader, counting calls and remembering their windows."""

    def __init__(self) -> None:
        self.windows: list[Interval] = []

    def __call__(self, data: bytes, **kwargs: object) -> list[BusyInterval]:
        window = kwargs["window"]
        assert isinstance(window, tuple)
        self.windows.append(window)
        return load_calendar_bytes(data, **kwargs)  # type: ignore[arg-type]
