"""The busy-interval cache: same answers as the loader, warm or cold, and robust storage."""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cronoslot.cache import database as cache_module
from cronoslot.cache.database import DATABASE_NAME, Cache, FileLoad, default_cache_dir
from cronoslot.errors import CalendarDataError
from cronoslot.ical.loader import load_calendar, load_calendar_bytes
from cronoslot.intervals import Interval
from cronoslot.models import AccountSettings, BusyInterval, Transparency
from cronoslot.timeutil import HOUR, parse_time

NO_SETTINGS = AccountSettings()
MARCH = (parse_time("2026-03-02T00:00:00Z"), parse_time("2026-04-06T00:00:00Z"))


def t(text: str) -> int:
    return parse_time(text)


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


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def plain(
    path: Path, window: Interval, account: AccountSettings = NO_SETTINGS
) -> list[BusyInterval]:
    return load_calendar(path, calendar_id="cal", settings=account, window=window, warn=_ignore)


def _ignore(message: str) -> None:
    pass


def cached(
    cache: Cache, path: Path, window: Interval, account: AccountSettings = NO_SETTINGS
) -> tuple[FileLoad, list[str]]:
    warnings: list[str] = []
    result = cache.load_file(
        path, calendar_id="cal", settings=account, window=window, warn=warnings.append
    )
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


# --- same answers as the loader --------------------------------------------------------

BASE = datetime(2026, 1, 1, tzinfo=UTC)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


@st.composite
def events(draw: st.DrawFn, index: int) -> str:
    kind = draw(st.sampled_from(["single", "weekly", "allday", "long"]))
    start = BASE + timedelta(hours=draw(st.integers(0, 24 * 240)))
    lines: list[str] = []
    if kind == "allday":
        days = draw(st.integers(1, 40))
        lines += [
            f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{start + timedelta(days=days):%Y%m%d}",
        ]
    else:
        length = (
            timedelta(days=draw(st.integers(20, 120)))
            if kind == "long"
            else timedelta(minutes=30 * draw(st.integers(1, 8)))
        )
        lines += [f"DTSTART:{_stamp(start)}", f"DTEND:{_stamp(start + length)}"]
    if kind == "weekly":
        lines.append(f"RRULE:FREQ=WEEKLY;COUNT={draw(st.integers(1, 30))}")
    flavour = draw(st.sampled_from(["", "TRANSP:TRANSPARENT", "STATUS:TENTATIVE", "CLASS:PRIVATE"]))
    if flavour:
        lines.append(flavour)
    if draw(st.booleans()):
        lines.append("CATEGORIES:work,team")
    lines.append(f"SUMMARY:event {index}")
    return event(f"e{index}", *lines)


@st.composite
def calendars(draw: st.DrawFn) -> str:
    count = draw(st.integers(0, 6))
    return calendar(*(draw(events(index)) for index in range(count)))


windows = st.tuples(st.integers(0, 300 * 24), st.integers(1, 90 * 24)).map(
    lambda pair: (
        int((BASE + timedelta(hours=pair[0])).timestamp()),
        int((BASE + timedelta(hours=pair[0] + pair[1])).timestamp()),
    )
)

_examples = itertools.count()


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=calendars(), window=windows, other=windows)
def test_answers_match_the_loader(
    tmp_path: Path, text: str, window: Interval, other: Interval
) -> None:
    work = tmp_path / f"example-{next(_examples)}"
    path = write(Path(f"{work}.ics"), text)
    cache = Cache(work)
    try:
        expected = plain(path, window)
        assert list(cached(cache, path, window)[0].intervals) == expected  # cold
        assert list(cached(cache, path, window)[0].intervals) == expected  # warm
        # An overlapping window: partly warm, partly loaded now.
        overlapping = (min(window[0], other[0]), max(window[1], other[1]))
        assert list(cached(cache, path, overlapping)[0].intervals) == plain(path, overlapping)
        assert list(cached(cache, path, other)[0].intervals) == plain(path, other)
    finally:
        cache.close()


def _by_transparency(intervals: Iterable[BusyInterval]) -> dict[Transparency, list[Interval]]:
    grouped: dict[Transparency, list[Interval]] = {}
    for busy in intervals:
        grouped.setdefault(busy.transparency, []).append((busy.start, busy.end))
    return {key: sorted(value) for key, value in grouped.items()}


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=calendars(), window=windows, other=windows)
def test_bare_spans_are_the_intervals_spans(
    tmp_path: Path, text: str, window: Interval, other: Interval
) -> None:
    work = tmp_path / f"spans-{next(_examples)}"
    path = write(Path(f"{work}.ics"), text)
    settled = time.time() - 60
    os.utime(path, (settled, settled))
    cache = Cache(work)
    try:
        warnings: list[str] = []
        load = dict(calendar_id="cal", settings=NO_SETTINGS, warn=warnings.append)
        assert cache.load_spans(path, window=window, **load) is None  # nothing cached yet
        expected = plain(path, window)
        cache.load_file(path, window=window, **load)
        bare = cache.load_spans(path, window=window, **load)
        assert bare is not None
        assert {k: sorted(v) for k, v in bare.spans.items() if v} == _by_transparency(expected)
        # A window partly outside what is cached: not served bare.
        if not (window[0] <= other[0] and other[1] <= window[1]):
            blocks_other = cache_module._blocks(other)
            blocks_window = cache_module._blocks(window)
            if blocks_other and blocks_window and not set(blocks_other) <= set(blocks_window):
                assert cache.load_spans(path, window=other, **load) is None
        # An excluded UID that occurs in the window: not served bare.
        uids = {busy.event_uid for busy in expected if busy.event_uid}
        if uids:
            excluded = frozenset({min(uids)})
            assert cache.load_spans(path, window=window, excluded_ids=excluded, **load) is None
        assert (
            cache.load_spans(path, window=window, excluded_ids=frozenset({"not-there"}), **load)
            is not None
        )
    finally:
        cache.close()


def test_long_event_from_an_uncached_month_is_served(tmp_path: Path) -> None:
    path = write(tmp_path / "cal.ics", SIMPLE)
    with Cache(tmp_path / "cache") as cache:
        result, _ = cached(cache, path, MARCH)
        assert [busy.event_uid for busy in result.intervals] == ["long", "a", "b"]
        assert result.disconnected is False


def test_identical_events_stay_two(tmp_path: Path) -> None:
    # No UID: two identical events are two busy intervals (they count twice in constraints).
    twin = "BEGIN:VEVENT\r\nDTSTART:20260227T090000Z\r\nDTEND:20260310T100000Z\r\nEND:VEVENT\r\n"
    path = write(tmp_path / "cal.ics", calendar(twin, twin))
    with Cache(tmp_path / "cache") as cache:
        assert len(cached(cache, path, MARCH)[0].intervals) == 2
        whole = (t("2026-02-01T00:00:00Z"), t("2026-05-01T00:00:00Z"))
        assert len(cached(cache, path, whole)[0].intervals) == 2


def test_warm_loads_do_not_call_the_loader(tmp_path: Path) -> None:
    path = write(tmp_path / "cal.ics", SIMPLE)
    loader = CountingLoader()
    with Cache(tmp_path / "cache", loader=loader) as cache:
        cached(cache, path, MARCH)
        # MARCH is exactly 35 whole days: the loader sees just that.
        assert loader.windows == [MARCH]
        cached(cache, path, MARCH)
        assert len(loader.windows) == 1
        # Days before and after are missing: one call over exactly their span.
        cached(cache, path, (t("2026-02-10T06:00:00Z"), t("2026-05-01T12:00:00Z")))
        assert loader.windows[1] == (t("2026-02-10T00:00:00Z"), t("2026-05-02T00:00:00Z"))
        assert cache.is_warm(path, NO_SETTINGS, MARCH)
        assert cache.is_warm(path, NO_SETTINGS, MARCH, calendar_id="cal")
        assert not cache.is_warm(path, NO_SETTINGS, MARCH, calendar_id="other")
        assert not cache.is_warm(
            path, NO_SETTINGS, (t("2026-05-01T00:00:00Z"), t("2026-07-02T00:00:00Z"))
        )
        assert not cache.is_warm(path, AccountSettings(tzid="Europe/Paris"), MARCH)


def test_other_windows_bypass_blocks(tmp_path: Path) -> None:
    path = write(tmp_path / "cal.ics", SIMPLE)
    with Cache(tmp_path / "cache") as cache:
        for window in [(MARCH[1], MARCH[0]), (0, 2**40)]:  # empty, and far too wide
            assert list(cached(cache, path, window)[0].intervals) == plain(path, window)
        assert cache.info()["blocks"] == 0


# --- keys and invalidation -------------------------------------------------------------


def _block_hashes(cache: Cache) -> set[str]:
    with sqlite3.connect(cache.database_path) as connection:
        return {row[0] for row in connection.execute("SELECT content_hash FROM blocks")}


def test_a_changed_file_is_loaded_again_and_old_blocks_go(tmp_path: Path) -> None:
    path = write(tmp_path / "cal.ics", SIMPLE)
    with Cache(tmp_path / "cache") as cache:
        cached(cache, path, MARCH)
        old_hashes = _block_hashes(cache)
        changed = calendar(event("new", "DTSTART:20260310T120000Z", "DTEND:20260310T130000Z"))
        write(path, changed)
        os.utime(path, ns=(1, 1))  # a different mtime, whatever the clock's resolution
        assert not cache.is_warm(path, NO_SETTINGS, MARCH)
        result, _ = cached(cache, path, MARCH)
        assert [busy.event_uid for busy in result.intervals] == ["new"]
        assert _block_hashes(cache).isdisjoint(old_hashes)
        assert cache.is_warm(path, NO_SETTINGS, MARCH)


def test_account_settings_are_part_of_the_key(tmp_path: Path) -> None:
    text = calendar(
        event("floating", "DTSTART:20260310T090000", "DTEND:20260310T100000"),
        event(
            "declined",
            "DTSTART:20260311T090000Z",
            "DTEND:20260311T100000Z",
            "ATTENDEE;PARTSTAT=DECLINED:mailto:me@example.com",
        ),
    )
    path = write(tmp_path / "cal.ics", text)
    accounts = [
        AccountSettings(),
        AccountSettings(tzid="America/New_York"),
        AccountSettings(tzid="America/New_York", emails=("me@example.com",)),
        AccountSettings(),
    ]
    with Cache(tmp_path / "cache") as cache:
        answers = []
        for account in accounts:
            result, _ = cached(cache, path, MARCH, account)
            assert list(result.intervals) == plain(path, MARCH, account)
            answers.append(result.intervals)
        assert answers[0] != answers[1] != answers[2]
        assert answers[3] == answers[0]


def test_blocks_of_another_version_are_not_trusted(tmp_path: Path) -> None:
    path = write(tmp_path / "cal.ics", SIMPLE)
    marker = BusyInterval(MARCH[0], MARCH[0] + HOUR, Transparency.OPAQUE, "cal", "marker")

    def fake_loader(data: bytes, **kwargs: object) -> list[BusyInterval]:
        return [marker]

    with Cache(tmp_path / "cache", loader=fake_loader, version="0.0.0-old") as old:
        assert cached(old, path, MARCH)[0].intervals == (marker,)
    with Cache(tmp_path / "cache", loader=fake_loader, version="0.0.0-old") as same:
        assert cached(same, path, MARCH)[0].intervals == (marker,)  # served from the cache
    with Cache(tmp_path / "cache") as current:
        assert list(cached(current, path, MARCH)[0].intervals) == plain(path, MARCH)
        assert current.info()["last_good_copies"] == 1  # the bytes survive an upgrade


# --- warnings --------------------------------------------------------------------------


BROKEN = calendar(
    event("ok", "DTSTART:20260305T090000Z", "DTEND:20260305T100000Z"),
    event("bad", "DTSTART:20260306T090000Z", "DTEND:20260305T100000Z"),
)


def test_warnings_are_replayed_when_warm(tmp_path: Path) -> None:
    path = write(tmp_path / "cal.ics", BROKEN)
    expected: list[str] = []
    load_calendar(path, calendar_id="cal", settings=NO_SETTINGS, window=MARCH, warn=expected.append)
    assert expected
    with Cache(tmp_path / "cache") as cache:
        cold = cached(cache, path, MARCH)[1]
        warm = cached(cache, path, MARCH)[1]
        assert cold == warm == list(dict.fromkeys(expected))
        # The same bytes under another name: warnings name that file.
        other = write(tmp_path / "other.ics", BROKEN)
        assert cache.is_warm(path, NO_SETTINGS, MARCH)
        again = cached(cache, other, MARCH)[1]
        assert again == [message.replace(str(path), str(other)) for message in warm]


# --- last good copy --------------------------------------------------------------------


def test_a_truncated_file_is_served_from_the_last_good_copy(tmp_path: Path) -> None:
    path = write(tmp_path / "cal.ics", SIMPLE)
    with Cache(tmp_path / "cache") as cache:
        good, _ = cached(cache, path, MARCH)
        write(path, SIMPLE[: len(SIMPLE) // 2])
        with pytest.raises(CalendarDataError):
            plain(path, MARCH)
        served, warnings = cached(cache, path, MARCH)
        assert served.disconnected is True
        assert served.intervals == good.intervals
        assert len(warnings) == 1
        assert warnings[0].startswith(f"{path}: ")
        assert "using the last good copy from 20" in warnings[0]
        # Months never cached are loaded from the stored bytes.
        later = (t("2026-01-05T00:00:00Z"), t("2026-01-20T00:00:00Z"))
        served_later, _ = cached(cache, path, later)
        assert served_later.disconnected
        assert [busy.event_uid for busy in served_later.intervals] == ["long"]
        # A file that has gone is served from the copy too.
        path.unlink()
        assert cached(cache, path, MARCH)[0].disconnected


def test_without_a_copy_the_error_stands(tmp_path: Path) -> None:
    path = write(tmp_path / "cal.ics", SIMPLE[: len(SIMPLE) // 2])
    with Cache(tmp_path / "cache") as cache:
        with pytest.raises(CalendarDataError):
            cached(cache, path, MARCH)
        with pytest.raises(CalendarDataError):
            cached(cache, tmp_path / "missing.ics", MARCH)
        write(path, "not a calendar\r\n")
        with pytest.raises(CalendarDataError):
            cached(cache, path, MARCH)


# --- robust storage --------------------------------------------------------------------


def _fill(directory: Path, path: Path) -> None:
    with Cache(directory) as cache:
        cached(cache, path, (t("2026-01-01T00:00:00Z"), t("2027-01-01T00:00:00Z")))


def _assert_works(directory: Path, path: Path) -> None:
    cache = Cache.open(directory)
    assert cache is not None
    with cache:
        for _ in range(2):
            assert list(cached(cache, path, MARCH)[0].intervals) == plain(path, MARCH)
        assert cache.info()["blocks"] >= 2


def test_a_corrupt_database_is_rebuilt(tmp_path: Path) -> None:
    path = write(tmp_path / "cal.ics", SIMPLE)
    directory = tmp_path / "cache"
    directory.mkdir()
    (directory / DATABASE_NAME).write_bytes(os.urandom(8192))
    _assert_works(directory, path)


def test_a_foreign_database_is_rebuilt(tmp_path: Path) -> None:
    path = write(tmp_path / "cal.ics", SIMPLE)
    directory = tmp_path / "cache"
    directory.mkdir()
    with sqlite3.connect(directory / DATABASE_NAME) as connection:
        connection.execute("CREATE TABLE blocks (x)")
        connection.execute("INSERT INTO blocks VALUES (1)")
    _assert_works(directory, path)
    with sqlite3.connect(directory / DATABASE_NAME) as connection:
        assert connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()


def test_another_schema_is_rebuilt(tmp_path: Path) -> None:
    path = write(tmp_path / "cal.ics", SIMPLE)
    directory = tmp_path / "cache"
    _fill(directory, path)
    with sqlite3.connect(directory / DATABASE_NAME) as connection:
        connection.execute("UPDATE meta SET value = '999' WHERE key = 'schema'")
    _assert_works(directory, path)


def test_a_truncated_database_is_rebuilt(tmp_path: Path) -> None:
    # Many months of many events: the database spans many pages.
    many = [
        event(
            f"e{day}",
            f"DTSTART:{_stamp(BASE + timedelta(days=day))}",
            f"DTEND:{_stamp(BASE + timedelta(days=day, hours=1))}",
            f"SUMMARY:{'x' * 200}",
        )
        for day in range(365)
    ]
    path = write(tmp_path / "cal.ics", calendar(*many))
    directory = tmp_path / "cache"
    _fill(directory, path)
    database = directory / DATABASE_NAME
    size = database.stat().st_size
    with database.open("r+b") as handle:
        handle.truncate(size // 3)
    with Cache(directory) as cache:
        assert cache.info()["blocks"] == 0  # nothing of the cut-off file is kept
    _assert_works(directory, path)


def test_a_database_that_breaks_while_open_falls_back(tmp_path: Path) -> None:
    path = write(tmp_path / "cal.ics", SIMPLE)
    garbage = write(tmp_path / "garbage", "x" * 4096)
    with Cache(tmp_path / "cache") as cache:
        cache._connection = sqlite3.connect(garbage, isolation_level=None)
        assert list(cached(cache, path, MARCH)[0].intervals) == plain(path, MARCH)
        assert cache.usable  # rebuilt
        assert list(cached(cache, path, MARCH)[0].intervals) == plain(path, MARCH)


def test_a_directory_that_cannot_be_made_gives_no_cache(tmp_path: Path) -> None:
    blocker = write(tmp_path / "file", "")
    assert Cache.open(blocker / "cache") is None
    assert Cache.open(blocker) is None


_WORKER = """
import json, sys
from pathlib import Path
from cronoslot.cache.database import Cache
from cronoslot.models import AccountSettings
directory, windows, *paths = sys.argv[1:]
cache = Cache(Path(directory))
answers = []
for start, end in json.loads(windows):
    for path in paths:
        result = cache.load_file(Path(path), calendar_id="cal", settings=AccountSettings(),
                                 window=(start, end), warn=lambda message: None)
        answers.append([[b.start, b.end, b.event_uid] for b in result.intervals])
print(json.dumps(answers))
"""


def test_two_processes_at_once(tmp_path: Path) -> None:
    paths = []
    for number in range(4):
        events_text = [
            event(
                f"f{number}-{day}",
                f"DTSTART:{_stamp(BASE + timedelta(days=day, hours=number))}",
                f"DTEND:{_stamp(BASE + timedelta(days=day, hours=number + 2))}",
            )
            for day in range(0, 200, 3)
        ]
        paths.append(write(tmp_path / f"cal{number}.ics", calendar(*events_text)))
    windows = [MARCH, (t("2026-02-15T00:00:00Z"), t("2026-06-01T00:00:00Z")), MARCH]
    expected = [
        [[b.start, b.end, b.event_uid] for b in plain(path, window)]
        for window in windows
        for path in paths
    ]
    command = [sys.executable, "-c", _WORKER, str(tmp_path / "cache"), json.dumps(windows)]
    command += [str(path) for path in paths]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        assert json.loads(out) == expected
    with Cache(tmp_path / "cache") as cache:
        assert cache.info()["files"] == 4
        assert all(cache.is_warm(path, NO_SETTINGS, MARCH) for path in paths)


# --- maintenance -----------------------------------------------------------------------


def test_prune_info_and_clear(tmp_path: Path) -> None:
    keep = write(tmp_path / "keep.ics", SIMPLE)
    gone = write(tmp_path / "gone.ics", BROKEN)
    with Cache(tmp_path / "cache") as cache:
        cached(cache, keep, MARCH)
        cached(cache, gone, MARCH)
        info = cache.info()
        assert info["path"] == str(tmp_path / "cache" / DATABASE_NAME)
        assert info["size_bytes"] > 0
        # MARCH is 35 day blocks, for each file.
        assert (info["files"], info["last_good_copies"], info["blocks"]) == (2, 2, 70)
        # Stored rows: SIMPLE's long event is in both days it overlaps (2 and 3 March), its
        # two others once each; BROKEN has one good event.
        assert info["intervals"] == 4 + 1
        gone.unlink()
        assert cache.prune() > 0
        info = cache.info()
        assert (info["files"], info["last_good_copies"], info["blocks"]) == (1, 1, 35)
        cache.clear()
        info = cache.info()
        assert (info["files"], info["blocks"], info["intervals"], info["last_good_copies"]) == (
            0,
            0,
            0,
            0,
        )
        assert not cache.is_warm(keep, NO_SETTINGS, MARCH)


def test_default_cache_dir() -> None:
    assert default_cache_dir({"CRONOSLOT_CACHE_DIR": "/x/y", "XDG_CACHE_HOME": "/z"}) == Path(
        "/x/y"
    )
    assert default_cache_dir({"XDG_CACHE_HOME": "/z"}) == Path("/z/cronoslot")
    assert default_cache_dir({"HOME": "/home/me"}) == Path("/home/me/.cache/cronoslot")
    assert default_cache_dir({"XDG_CACHE_HOME": "", "HOME": "/h"}) == Path("/h/.cache/cronoslot")


def test_day_blocks_cover_windows() -> None:
    blocks = cache_module._blocks((t("2026-03-01T23:00:00Z"), t("2026-03-03T00:00:00Z")))
    assert blocks is not None and len(blocks) == 2
    assert cache_module._block_start(blocks[0]) == t("2026-03-01T00:00:00Z")
    assert cache_module._block_start(blocks[1]) == t("2026-03-02T00:00:00Z")
    assert cache_module._blocks((5, 5)) is None


def test_settled_files_are_trusted_by_stat_and_changes_are_seen(tmp_path: Path) -> None:
    path = write(tmp_path / "cal.ics", SIMPLE)
    long_ago = time.time() - 3600
    os.utime(path, (long_ago, long_ago))
    reads: list[Path] = []

    def reader(target: Path) -> bytes:
        reads.append(target)
        return target.read_bytes()

    with Cache(tmp_path / "cache", reader=reader) as cache:
        first = cached(cache, path, MARCH)[0]
        assert len(reads) == 1
        assert cached(cache, path, MARCH)[0] == first
        assert len(reads) == 1  # settled, same size and time: not read again
        # Another window with uncached weeks reads the file after all.
        cached(cache, path, (t("2026-05-04T00:00:00Z"), t("2026-05-11T00:00:00Z")))
        assert len(reads) == 2
        # A rewrite (new modification time) is read and served.
        path.write_text(SIMPLE.replace("20260305T09", "20260306T09"))
        changed = cached(cache, path, MARCH)[0]
        assert len(reads) == 3
        assert list(changed.intervals) == load_calendar(
            path, calendar_id="cal", settings=NO_SETTINGS, window=MARCH, warn=lambda m: None
        )
