"""One file's busy time through the cache (``engine/files.py``): the same answers as the
loader, warm or cold, bare spans when they will do, and the last good copy."""

from __future__ import annotations

import itertools
import os
import re
import sqlite3
import time
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cronoslot.cache import Cache
from cronoslot.cache.blocks import window_blocks
from cronoslot.engine.files import CalendarFile, CalendarFiles, FileBusy
from cronoslot.errors import CalendarDataError
from cronoslot.intervals import Interval
from cronoslot.models import AccountSettings, BusyInterval, Transparency
from cronoslot.timeutil import DAY, HOUR

from .calendar_files import (
    BASE,
    BROKEN,
    MARCH,
    NO_SETTINGS,
    SIMPLE,
    CountingLoader,
    cached,
    calendar,
    event,
    plain,
    stamp,
    t,
    write,
)
from .generated_calendars import ACCOUNT_ZONES
from .generated_calendars import calendars as hard_calendars
from .generated_calendars import windows as hard_windows

# --- same answers as the loader --------------------------------------------------------


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
        lines += [f"DTSTART:{stamp(start)}", f"DTEND:{stamp(start + length)}"]
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
    files = CalendarFiles(cache)
    try:
        warnings: list[str] = []
        file = CalendarFile(path, "cal", NO_SETTINGS)
        assert files.bare_spans(file, window, warnings.append) is None  # nothing cached yet
        expected = plain(path, window)
        files.busy(file, window, warnings.append)
        bare = files.bare_spans(file, window, warnings.append)
        assert bare is not None and bare.spans is not None
        assert {k: sorted(v) for k, v in bare.spans.items() if v} == _by_transparency(expected)
        # A window partly outside what is cached: not served bare.
        if not (window[0] <= other[0] and other[1] <= window[1]):
            blocks_other = window_blocks(other)
            blocks_window = window_blocks(window)
            if blocks_other and blocks_window and not set(blocks_other) <= set(blocks_window):
                assert files.bare_spans(file, other, warnings.append) is None
        # An excluded UID that occurs in the window: not served bare.
        uids = {busy.event_uid for busy in expected if busy.event_uid}
        if uids:
            excluded = frozenset({min(uids)})
            assert files.bare_spans(file, window, warnings.append, excluded) is None
        not_there = frozenset({"not-there"})
        assert files.bare_spans(file, window, warnings.append, not_there) is not None
    finally:
        cache.close()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=hard_calendars(),
    windows_=st.lists(hard_windows(), min_size=2, max_size=3),
    tzid=st.sampled_from(ACCOUNT_ZONES),
)
def test_hard_calendars_answer_as_the_loader_through_every_cache_path(
    tmp_path: Path, data: bytes, windows_: list[Interval], tzid: str | None
) -> None:
    # The loader's hard cases (THISANDFUTURE, overrides across the window's edges,
    # EXDATEs and RDATEs in other zones, Google rules...): cold, warm and bare spans give
    # the loader's answer and warnings, whatever window filled the cache before.
    work = tmp_path / f"hard-{next(_examples)}"
    path = Path(f"{work}.ics")
    path.write_bytes(data)
    settled = time.time() - 60
    os.utime(path, (settled, settled))
    account = AccountSettings(tzid=tzid)
    file = CalendarFile(path, "cal", account)
    with Cache(work) as cache:
        files = CalendarFiles(cache)
        for window in (*windows_, *windows_):
            expected_warnings: list[str] = []
            expected = plain(path, window, account, warn=expected_warnings.append)
            result, warnings = cached(files, path, window, account)
            assert list(result.intervals) == expected and warnings == expected_warnings
            spans_warnings: list[str] = []
            bare = files.bare_spans(file, window, spans_warnings.append)
            assert bare is not None and bare.spans is not None
            assert {k: sorted(v) for k, v in bare.spans.items() if v} == _by_transparency(expected)
            assert spans_warnings == expected_warnings


def test_without_a_cache_the_file_is_read_and_loaded(tmp_path: Path) -> None:
    path = write(tmp_path / "cal.ics", BROKEN)
    expected_warnings: list[str] = []
    expected = plain(path, MARCH, warn=expected_warnings.append)
    result, warnings = cached(CalendarFiles(), path, MARCH)
    assert result == FileBusy(tuple(expected))
    assert warnings == expected_warnings
    file = CalendarFile(path, "cal", NO_SETTINGS)
    assert CalendarFiles().bare_spans(file, MARCH, warnings.append) is None
    assert not CalendarFiles().is_warm(file, MARCH, any_calendar=True)
    with pytest.raises(CalendarDataError):
        cached(CalendarFiles(), tmp_path / "missing.ics", MARCH)


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
    with Cache(tmp_path / "cache") as cache:
        files = CalendarFiles(cache, loader=loader)
        cached(files, path, MARCH)
        # MARCH is exactly 35 whole days: the loader sees just that.
        assert loader.windows == [MARCH]
        cached(files, path, MARCH)
        assert len(loader.windows) == 1
        # Days before and after are missing: one call over exactly their span.
        cached(files, path, (t("2026-02-10T06:00:00Z"), t("2026-05-01T12:00:00Z")))
        assert loader.windows[1] == (t("2026-02-10T00:00:00Z"), t("2026-05-02T00:00:00Z"))
        file = CalendarFile(path, "cal", NO_SETTINGS)
        assert files.is_warm(file, MARCH, any_calendar=True)
        assert files.is_warm(file, MARCH)
        assert not files.is_warm(CalendarFile(path, "other", NO_SETTINGS), MARCH)
        assert files.is_warm(CalendarFile(path, "other", NO_SETTINGS), MARCH, any_calendar=True)
        later = (t("2026-05-01T00:00:00Z"), t("2026-07-02T00:00:00Z"))
        assert not files.is_warm(file, later, any_calendar=True)
        paris = AccountSettings(tzid="Europe/Paris")
        assert not files.is_warm(CalendarFile(path, "cal", paris), MARCH, any_calendar=True)


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
        files = CalendarFiles(cache)
        cached(cache, path, MARCH)
        old_hashes = _block_hashes(cache)
        changed = calendar(event("new", "DTSTART:20260310T120000Z", "DTEND:20260310T130000Z"))
        write(path, changed)
        os.utime(path, ns=(1, 1))  # a different mtime, whatever the clock's resolution
        file = CalendarFile(path, "cal", NO_SETTINGS)
        assert not files.is_warm(file, MARCH, any_calendar=True)
        result, _ = cached(cache, path, MARCH)
        assert [busy.event_uid for busy in result.intervals] == ["new"]
        assert _block_hashes(cache).isdisjoint(old_hashes)
        assert files.is_warm(file, MARCH, any_calendar=True)


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

    with Cache(tmp_path / "cache", version="0.0.0-old") as old:
        assert cached(CalendarFiles(old, loader=fake_loader), path, MARCH)[0].intervals == (marker,)
    with Cache(tmp_path / "cache", version="0.0.0-old") as same:
        # Served from the cache.
        assert cached(CalendarFiles(same, loader=fake_loader), path, MARCH)[0].intervals == (
            marker,
        )
    with Cache(tmp_path / "cache") as current:
        assert list(cached(current, path, MARCH)[0].intervals) == plain(path, MARCH)
        assert current.info()["last_good_copies"] == 1  # the bytes survive an upgrade


# --- warnings --------------------------------------------------------------------------


def test_warnings_are_replayed_when_warm(tmp_path: Path) -> None:
    path = write(tmp_path / "cal.ics", BROKEN)
    expected: list[str] = []
    plain(path, MARCH, warn=expected.append)
    assert expected
    with Cache(tmp_path / "cache") as cache:
        cold = cached(cache, path, MARCH)[1]
        warm = cached(cache, path, MARCH)[1]
        assert cold == warm == list(dict.fromkeys(expected))
        # The same bytes under another name: warnings name that file.
        other = write(tmp_path / "other.ics", BROKEN)
        assert CalendarFiles(cache).is_warm(CalendarFile(path, "cal", NO_SETTINGS), MARCH)
        again = cached(cache, other, MARCH)[1]
        assert again == [message.replace(str(path), str(other)) for message in warm]


FIXTURES = Path(__file__).parent / "fixtures" / "ics"


def test_warnings_go_to_the_windows_they_concern_cold_and_warm(tmp_path: Path) -> None:
    # A fine event on 5 March, a broken one (its end before its start) on 20 March: a
    # query of 2-7 March is not told about the broken event, whatever filled the cache.
    path = tmp_path / "cal.ics"
    path.write_bytes((FIXTURES / "broken_event_on_another_day.ics").read_bytes())
    early = (t("2026-03-02T00:00:00Z"), t("2026-03-07T00:00:00Z"))
    on_the_20th = (t("2026-03-20T10:00:00Z"), t("2026-03-20T11:00:00Z"))
    windows = [early, on_the_20th, MARCH]
    expected: dict[Interval, list[str]] = {}
    for window in windows:
        expected[window] = []
        plain(path, window, warn=expected[window].append)
    assert expected[early] == []
    assert len(expected[MARCH]) == 1 and "UID broken-on-the-20th" in expected[MARCH][0]
    assert expected[on_the_20th] == expected[MARCH]
    for order in itertools.permutations(windows):
        with Cache(tmp_path / f"cache-{windows.index(order[0])}{windows.index(order[1])}") as cache:
            for window in (*order, *order):  # cold, then warm
                assert cached(cache, path, window)[1] == expected[window], order
            files = CalendarFiles(cache)
            file = CalendarFile(path, "cal", NO_SETTINGS)
            os.utime(path, ns=(time.time_ns() - 10**10,) * 2)  # settled: bare spans will do
            for window in windows:
                warnings: list[str] = []
                cached(cache, path, window)
                assert files.bare_spans(file, window, warnings.append) is not None
                assert warnings == expected[window]


# (not_icalendar.ics has no calendar to look at: it is tested as an error.)
FIXTURE_FILES = sorted(set(FIXTURES.glob("*.ics")) - {FIXTURES / "not_icalendar.ics"})


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=[path.name for path in FIXTURE_FILES])
def test_every_fixture_answers_the_same_cold_and_warm(fixture: Path, tmp_path: Path) -> None:
    # Each case of fixtures/ics, over a month around each of its first starts, through the
    # cache cold and warm, as the loader answers without it (busy time and warnings).
    data = fixture.read_bytes()
    path = tmp_path / fixture.name
    path.write_bytes(data)
    unfolded = re.sub(rb"(?:\r?\n)+[ \t]", b"", data)
    days = sorted(set(re.findall(rb"DTSTART[^:\r\n]*:\s*(\d{8})", unfolded)))[:2]
    assert days, "a fixture with no start to look at"
    starts = [t(f"{d[:4].decode()}-{d[4:6].decode()}-{d[6:].decode()}T00:00:00Z") for d in days]
    accounts = [NO_SETTINGS, AccountSettings(tzid="America/New_York")]
    with Cache(tmp_path / "cache") as cache:
        for start, account in itertools.product(starts, accounts):
            window = (start - 3 * DAY, start + 28 * DAY)
            expected: list[str] = []
            try:
                answer = plain(path, window, account, warn=expected.append)
            except CalendarDataError:
                continue  # not iCalendar, or truncated: tested with the last good copy
            for _ in ("cold", "warm"):
                result, warnings = cached(cache, path, window, account)
                assert list(result.intervals) == answer
                assert warnings == expected


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


# --- trusting a settled file -----------------------------------------------------------


def test_settled_files_are_trusted_by_stat_and_changes_are_seen(tmp_path: Path) -> None:
    path = write(tmp_path / "cal.ics", SIMPLE)
    long_ago = time.time() - 3600
    os.utime(path, (long_ago, long_ago))
    reads: list[Path] = []

    def reader(target: Path) -> bytes:
        reads.append(target)
        return target.read_bytes()

    with Cache(tmp_path / "cache") as cache:
        files = CalendarFiles(cache, reader=reader)
        first = cached(files, path, MARCH)[0]
        assert len(reads) == 1
        assert cached(files, path, MARCH)[0] == first
        assert len(reads) == 1  # settled, same size and time: not read again
        # Another window with uncached weeks reads the file after all.
        cached(files, path, (t("2026-05-04T00:00:00Z"), t("2026-05-11T00:00:00Z")))
        assert len(reads) == 2
        # A rewrite (new modification time) is read and served.
        path.write_text(SIMPLE.replace("20260305T09", "20260306T09"))
        changed = cached(files, path, MARCH)[0]
        assert len(reads) == 3
        assert list(changed.intervals) == plain(path, MARCH)
