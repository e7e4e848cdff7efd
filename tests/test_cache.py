"""The busy-interval cache (``cronoslot.cache``): robust storage shared by processes, its
small operations, maintenance, day blocks, and that it only stores."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from cronoslot.cache import DATABASE_NAME, BlockKey, Cache, FileRecord, default_cache_dir
from cronoslot.cache.blocks import (
    block_start,
    blocks_span,
    spans_in_window,
    split_into_blocks,
    window_blocks,
)
from cronoslot.engine.files import CalendarFile, CalendarFiles
from cronoslot.models import BusyInterval, Transparency

from .calendar_files import (
    BASE,
    BROKEN,
    MARCH,
    NO_SETTINGS,
    SIMPLE,
    cached,
    calendar,
    event,
    plain,
    stamp,
    t,
    write,
)

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
            f"DTSTART:{stamp(BASE + timedelta(days=day))}",
            f"DTEND:{stamp(BASE + timedelta(days=day, hours=1))}",
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
        cache.database._connection = sqlite3.connect(garbage, isolation_level=None)
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
from cronoslot.cache import Cache
from cronoslot.engine.files import CalendarFile, CalendarFiles
from cronoslot.models import AccountSettings
directory, windows, *paths = sys.argv[1:]
files = CalendarFiles(Cache(Path(directory)))
answers = []
for start, end in json.loads(windows):
    for path in paths:
        file = CalendarFile(Path(path), "cal", AccountSettings())
        result = files.busy(file, (start, end), lambda message: None)
        answers.append([[b.start, b.end, b.event_uid] for b in result.intervals])
print(json.dumps(answers))
"""


def test_two_processes_at_once(tmp_path: Path) -> None:
    paths = []
    for number in range(4):
        events_text = [
            event(
                f"f{number}-{day}",
                f"DTSTART:{stamp(BASE + timedelta(days=day, hours=number))}",
                f"DTEND:{stamp(BASE + timedelta(days=day, hours=number + 2))}",
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
        files = CalendarFiles(cache)
        assert all(files.is_warm(CalendarFile(path, "cal", NO_SETTINGS), MARCH) for path in paths)


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
        keep_file = CalendarFile(keep, "cal", NO_SETTINGS)
        assert not CalendarFiles(cache).is_warm(keep_file, MARCH, any_calendar=True)


def test_default_cache_dir() -> None:
    assert default_cache_dir({"CRONOSLOT_CACHE_DIR": "/x/y", "XDG_CACHE_HOME": "/z"}) == Path(
        "/x/y"
    )
    assert default_cache_dir({"XDG_CACHE_HOME": "/z"}) == Path("/z/cronoslot")
    assert default_cache_dir({"HOME": "/home/me"}) == Path("/home/me/.cache/cronoslot")
    assert default_cache_dir({"XDG_CACHE_HOME": "", "HOME": "/h"}) == Path("/h/.cache/cronoslot")


def test_day_blocks_cover_windows() -> None:
    blocks = window_blocks((t("2026-03-01T23:00:00Z"), t("2026-03-03T00:00:00Z")))
    assert blocks is not None and len(blocks) == 2
    assert block_start(blocks[0]) == t("2026-03-01T00:00:00Z")
    assert block_start(blocks[1]) == t("2026-03-02T00:00:00Z")
    assert window_blocks((5, 5)) is None


# --- the storage operations ------------------------------------------------------------


def test_storage_operations_round_trip(tmp_path: Path) -> None:
    path = write(tmp_path / "cal.ics", SIMPLE)
    first, last = 20000, 20002
    busy = BusyInterval(block_start(first) + 60, block_start(last) + 60, Transparency.OPAQUE, "cal")
    rows = split_into_blocks([busy], first, last)
    warning = ["\x00path\x00: a warning", 3, [[busy.start, None]]]
    blocks = {block: (rows.get(block, []), [warning]) for block in (first, last)}
    with Cache(tmp_path / "cache") as cache:
        key = BlockKey("hash", "cal", cache.variant(NO_SETTINGS))
        assert cache.file_record(path) is None
        assert cache.last_good_copy(path) is None
        cache.write(path, key, blocks, data=b"bytes", stat=(5, 7))
        assert cache.file_record(path) == FileRecord(5, 7, "hash")
        copy = cache.last_good_copy(path)
        assert copy is not None and (copy.content_hash, copy.data) == ("hash", b"bytes")
        assert cache.read_blocks(key, first, last) == blocks
        assert not cache.has_blocks("hash", key.variant, first, last, None)  # one is missing
        cache.write_blocks(key, {first + 1: (rows[first + 1], [])})
        assert cache.has_blocks("hash", key.variant, first, last, None)
        assert cache.has_blocks("hash", key.variant, first, last, "cal")
        assert not cache.has_blocks("hash", key.variant, first, last, "other")
        spans = cache.read_spans(key, first, last, with_ids=True)
        assert spans is not None and [block.block for block in spans] == [first, first + 1, last]
        assert spans[0].ids == frozenset() and spans[0].warnings == [warning]
        whole = blocks_span(first, last)
        assert spans_in_window(spans, whole) == {Transparency.OPAQUE: [(busy.start, busy.end)]}
        # An unreadable block is left out of read_blocks, and gives no bare spans.
        with sqlite3.connect(cache.database_path) as connection:
            connection.execute(
                "UPDATE blocks SET intervals = 'x', spans = 'x' WHERE block = ?", (last,)
            )
        assert set(cache.read_blocks(key, first, last)) == {first, first + 1}
        spans = cache.read_spans(key, first, last)
        assert spans is not None and spans_in_window(spans, whole) is None
        with sqlite3.connect(cache.database_path) as connection:
            connection.execute("UPDATE blocks SET ids = 'x' WHERE block = ?", (last,))
        assert cache.read_spans(key, first, last, with_ids=True) is None
