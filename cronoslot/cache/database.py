"""A persistent cache of busy intervals, and the last good copy of every calendar file.

Parsing iCalendar is slow (about 1.4 s for 5,000 events), while a query asks about a few
weeks of a file that rarely changes. So the cache keeps, in one SQLite file, the busy
intervals of each file in blocks of one UTC day, keyed by everything they
depend on: the file's content hash, the calendar id (it is inside every interval), the
account's zone and e-mail addresses, and the cronoslot version and schema. A query reads the
blocks of its window; blocks not cached yet are loaded together with one loader call over
exactly their span and stored.

An interval is stored in every block it overlaps (a long event that started days before a
window must still be served), marked as "own" in the block it starts in. Served from blocks
B1..Bk, an interval is taken from B1 whatever its start, and from a later block only when it
starts there: each interval is served exactly once, and two identical events stay two.

A file whose size and modification time match the record of its last read, and which has not
been modified in the last few seconds, is taken to have the recorded content without being
read again (as make and git do); a file modified more recently is always read and hashed.

After a good read the file's bytes are kept as the last good copy of its path. When the file
later cannot be read or is not iCalendar any more, that copy is served instead, with a
warning, and the caller reports the member as disconnected (SPEC 2).

The cache can never make a query fail or change its answer: a database that is corrupt,
foreign or of another schema is deleted and rebuilt, and any other database trouble falls
back to loading the file without the cache. Several processes may use it at once (WAL mode,
a busy timeout, short transactions, retries while the database is locked).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from .. import __version__, timeutil
from ..errors import CalendarDataError, Warn
from ..intervals import Interval
from ..models import AccountSettings, BusyInterval, Transparency

DATABASE_NAME = "busy-v4.sqlite3"
SCHEMA = 4
_MAGIC = "cronoslot busy-interval cache"

# Windows beyond these years, or wider than this many blocks, are loaded without the cache:
# they are rare, and storing them would only fill the database.
_FIRST_YEAR = 1800
_LAST_YEAR = 2400
_MAX_BLOCKS = 7305  # twenty years

_BUSY_TIMEOUT_MS = 10_000
_ATTEMPTS = 5

# Stored warnings name the file through this mark, so that a block shared by two files with
# the same content replays each warning with the right file name.
_PATH_MARK = "\x00path\x00"

_TRANSPARENCIES = {transparency.value: transparency for transparency in Transparency}
_NO_TAGS: frozenset[str] = frozenset()

_SCHEMA_SQL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE TABLE copies (
    path TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    saved_at INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE blocks (
    content_hash TEXT NOT NULL,
    calendar_id TEXT NOT NULL,
    variant TEXT NOT NULL,
    block INTEGER NOT NULL,
    interval_count INTEGER NOT NULL,
    intervals TEXT NOT NULL,
    spans TEXT NOT NULL,
    ids TEXT NOT NULL,
    warnings TEXT NOT NULL,
    PRIMARY KEY (content_hash, calendar_id, variant, block)
) WITHOUT ROWID;
"""
_TABLES = frozenset({"meta", "files", "copies", "blocks"})

_T = TypeVar("_T")

# A file untouched for this long is trusted by its size and modification time.
_SETTLED_NS = 2_000_000_000


class _NeedsContent(Exception):
    """A block is missing and the file's bytes were not read: read them and try again."""


# A stored interval: [start, end, transparency, event_uid, event_id, tags, summary, private,
# own] where own is true in the block the interval starts in.
_Row = list[Any]


@dataclass(frozen=True)
class SpanLoad:
    """A file's busy time as bare spans per transparency (see ``Cache.load_spans``)."""

    spans: dict[Transparency, list[Interval]]


class BytesLoader(Protocol):
    """``loader.load_calendar_bytes``: ``load_calendar`` over a file's bytes."""

    def __call__(
        self,
        data: bytes,
        *,
        path: Path,
        calendar_id: str,
        settings: AccountSettings,
        window: Interval,
        warn: Warn,
    ) -> list[BusyInterval]: ...


BytesReader = Callable[[Path], bytes]


@dataclass(frozen=True)
class FileLoad:
    """The busy intervals of one file over a window; ``disconnected`` when they come from
    the last good copy because the file itself cannot be used now."""

    intervals: tuple[BusyInterval, ...]
    disconnected: bool = False


class _Untrusted(sqlite3.DatabaseError):
    """The database file is not a cache of this schema: delete it and start again."""


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$CRONOSLOT_CACHE_DIR``, else ``$XDG_CACHE_HOME/cronoslot``, else
    ``~/.cache/cronoslot`` (empty variables count as unset)."""
    environ = os.environ if environ is None else environ
    explicit = environ.get("CRONOSLOT_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "cronoslot"
    home = environ.get("HOME")
    base = Path(home) if home else Path.home()
    return base / ".cache" / "cronoslot"


class Cache:
    """The busy-interval cache in ``directory`` (created with its parents when missing).

    Raises ``OSError`` or ``sqlite3.Error`` when the directory or the database cannot be
    made usable; ``Cache.open`` returns None instead. ``loader`` and ``reader`` default to
    ``loader.load_calendar_bytes`` and ``loader.read_calendar_bytes``; ``version`` to
    ``cronoslot.__version__`` (blocks of another version are never served).
    """

    def __init__(
        self,
        directory: Path | str,
        *,
        loader: BytesLoader | None = None,
        reader: BytesReader | None = None,
        version: str = __version__,
    ) -> None:
        self.directory = Path(directory)
        self.database_path = self.directory / DATABASE_NAME
        self.version = version
        self._loader = loader
        self._reader = reader
        self._lock = threading.RLock()
        self._rebuilt_after_error = False
        self.directory.mkdir(parents=True, exist_ok=True)
        self._connection: sqlite3.Connection | None = self._connect_trusted()

    @classmethod
    def open(
        cls,
        directory: Path | str,
        *,
        loader: BytesLoader | None = None,
        reader: BytesReader | None = None,
        version: str = __version__,
    ) -> Cache | None:
        """The cache in ``directory``, or None when it cannot be used at all."""
        try:
            return cls(directory, loader=loader, reader=reader, version=version)
        except (OSError, sqlite3.Error, _Untrusted):
            return None

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                with suppress(sqlite3.Error):
                    self._connection.close()
                self._connection = None

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def usable(self) -> bool:
        """False once the database failed beyond repair: every load then skips the cache."""
        return self._connection is not None

    # --- loading -----------------------------------------------------------------------

    def load_file(
        self,
        path: Path | str,
        *,
        calendar_id: str,
        settings: AccountSettings,
        window: Interval,
        warn: Warn,
    ) -> FileLoad:
        """The busy intervals of one calendar file that overlap ``window``, sorted by start,
        end, not clipped: what ``loader.load_calendar`` returns, and the warnings it gives.

        When the file cannot be read or is not (complete) iCalendar and a last good copy of
        this path exists, the copy is used, a warning says so, and ``disconnected`` is True;
        without a copy the ``CalendarDataError`` is raised.
        """
        path = Path(path)
        key = os.path.abspath(path)
        stat = _stat(path)  # before reading: a change while reading then makes it stale
        known_hash = self._recorded_hash(key, stat)
        if known_hash is not None:
            try:
                intervals, messages, _ = self._intervals(
                    None, known_hash, path, calendar_id, settings, window
                )
            except _NeedsContent:
                pass  # some block is missing: read the file after all
            else:
                _replay(messages, path, warn)
                return FileLoad(tuple(intervals), disconnected=False)
        try:
            data = self._read(path)
        except CalendarDataError as error:
            return self._load_last_good_copy(path, key, error, calendar_id, settings, window, warn)
        import hashlib  # not needed when the file is settled and its blocks cached

        content_hash = hashlib.sha256(data).hexdigest()
        try:
            intervals, messages, fresh = self._intervals(
                data, content_hash, path, calendar_id, settings, window
            )
        except CalendarDataError as error:
            return self._load_last_good_copy(path, key, error, calendar_id, settings, window, warn)
        self._store(key, stat, content_hash, data, fresh)
        _replay(messages, path, warn)
        return FileLoad(tuple(intervals), disconnected=False)

    def load_spans(
        self,
        path: Path | str,
        *,
        calendar_id: str,
        settings: AccountSettings,
        window: Interval,
        warn: Warn,
        excluded_ids: frozenset[str] = frozenset(),
    ) -> SpanLoad | None:
        """The busy time of the file overlapping ``window`` as bare spans by transparency
        (no identity, tags or summary), when that can be served straight from the cache:
        the file is settled and recorded, every block of the window is cached, and none of
        ``excluded_ids`` (event UIDs and ids a query excludes) occurs in those blocks.
        Otherwise None, and the caller uses ``load_file``. The spans are exactly those of
        the intervals ``load_file`` would return."""
        path = Path(path)
        key = os.path.abspath(path)
        known_hash = self._recorded_hash(key, _stat(path))
        window_blocks = _blocks(window)
        if known_hash is None or window_blocks is None:
            return None
        first, last = window_blocks[0], window_blocks[-1]
        variant = self._variant(settings)
        columns = "block, spans, warnings" + (", ids" if excluded_ids else "")

        def query(connection: sqlite3.Connection) -> list[tuple[Any, ...]]:
            return connection.execute(
                f"SELECT {columns} FROM blocks WHERE content_hash = ? AND calendar_id = ?"
                " AND variant = ? AND block BETWEEN ? AND ? ORDER BY block",
                (known_hash, calendar_id, variant, first, last),
            ).fetchall()

        found = self._run(query)
        if found is None or len(found) != len(window_blocks):
            return None
        window_start, window_end = window
        spans: dict[Transparency, list[Interval]] = {}
        messages: list[str] = []
        try:
            for stored in found:
                if excluded_ids and not excluded_ids.isdisjoint(json.loads(stored[3])):
                    return None
                if stored[2] != "[]":
                    messages.extend(json.loads(stored[2]))
                own, carried = json.loads(stored[1])
                parts = [own, carried] if stored[0] == first else [own]
                edge = stored[0] in (first, last)
                for part in parts:
                    for code, flat in part.items():
                        pairs = zip(flat[::2], flat[1::2], strict=True)
                        target = spans.setdefault(_TRANSPARENCIES[code], [])
                        if edge:
                            target.extend(
                                (start, end)
                                for start, end in pairs
                                if start < window_end and end > window_start
                            )
                        else:
                            target.extend(pairs)
        except (ValueError, KeyError, TypeError):
            return None  # an unreadable block: load_file will load and rewrite it
        _replay(messages, path, warn)
        return SpanLoad(spans)

    def _recorded_hash(self, key: str, stat: tuple[int, int] | None) -> str | None:
        """The recorded content hash of ``key`` when its size and modification time still
        match and it was last modified long enough ago that a same-size rewrite within the
        file system's timestamp granularity cannot hide behind the record."""
        if stat is None or stat[1] > time.time_ns() - _SETTLED_NS:
            return None

        def query(connection: sqlite3.Connection) -> str | None:
            record = connection.execute(
                "SELECT size, mtime_ns, content_hash FROM files WHERE path = ?", (key,)
            ).fetchone()
            if record is None or (record[0], record[1]) != stat:
                return None
            return str(record[2])

        return self._run(query)

    def is_warm(
        self,
        path: Path | str,
        settings: AccountSettings,
        window: Interval,
        *,
        calendar_id: str | None = None,
    ) -> bool:
        """Whether every block of ``window`` is cached for the file's current content (as
        far as its size and modification time tell; the file is not read), for
        ``calendar_id`` or, when None, for any calendar id."""
        window_blocks = _blocks(window)
        stat = _stat(Path(path))
        if window_blocks is None or stat is None:
            return False
        key = os.path.abspath(path)
        variant = self._variant(settings)

        def query(connection: sqlite3.Connection) -> bool:
            record = connection.execute(
                "SELECT size, mtime_ns, content_hash FROM files WHERE path = ?", (key,)
            ).fetchone()
            if record is None or (record[0], record[1]) != stat:
                return False
            sql = (
                "SELECT COUNT(*) FROM blocks WHERE content_hash = ? AND variant = ?"
                " AND block BETWEEN ? AND ?"
            )
            parameters: list[Any] = [record[2], variant, window_blocks[0], window_blocks[-1]]
            if calendar_id is not None:
                sql += " AND calendar_id = ?"
                parameters.append(calendar_id)
            sql += " GROUP BY calendar_id"
            return any(
                count == len(window_blocks) for (count,) in connection.execute(sql, parameters)
            )

        return self._run(query) is True

    # --- maintenance -------------------------------------------------------------------

    def prune(self) -> int:
        """Forget paths that no longer exist and blocks whose content no path has any more;
        the number of rows deleted (0 when the cache is not usable)."""

        def paths(connection: sqlite3.Connection) -> list[str]:
            rows = connection.execute("SELECT path FROM files UNION SELECT path FROM copies")
            return [path for (path,) in rows]

        known = self._run(paths) or []
        gone = [(path,) for path in known if not os.path.exists(path)]

        def delete(connection: sqlite3.Connection) -> int:
            with _transaction(connection):
                before = connection.total_changes
                connection.executemany("DELETE FROM files WHERE path = ?", gone)
                connection.executemany("DELETE FROM copies WHERE path = ?", gone)
                connection.execute(
                    "DELETE FROM blocks WHERE content_hash NOT IN"
                    " (SELECT content_hash FROM files UNION SELECT content_hash FROM copies)"
                )
                return connection.total_changes - before

        return self._run(delete) or 0

    def info(self) -> dict[str, Any]:
        """What the cache holds (after pruning): ``path`` of the database, ``size_bytes``
        (with its write-ahead log), ``files``, ``blocks``, ``intervals``,
        ``last_good_copies``."""
        self.prune()

        def counts(connection: sqlite3.Connection) -> tuple[int, int, int, int]:
            row = connection.execute(
                "SELECT (SELECT COUNT(*) FROM files), (SELECT COUNT(*) FROM blocks),"
                " (SELECT COALESCE(SUM(interval_count), 0) FROM blocks),"
                " (SELECT COUNT(*) FROM copies)"
            ).fetchone()
            return int(row[0]), int(row[1]), int(row[2]), int(row[3])

        files, blocks, intervals, copies = self._run(counts) or (0, 0, 0, 0)
        size = 0
        for suffix in ("", "-wal"):
            with suppress(OSError):
                size += os.path.getsize(f"{self.database_path}{suffix}")
        return {
            "path": str(self.database_path),
            "size_bytes": size,
            "files": files,
            "blocks": blocks,
            "intervals": intervals,
            "last_good_copies": copies,
        }

    def clear(self) -> None:
        """Forget everything: blocks, file records and last good copies."""

        def delete(connection: sqlite3.Connection) -> None:
            with _transaction(connection):
                connection.execute("DELETE FROM blocks")
                connection.execute("DELETE FROM files")
                connection.execute("DELETE FROM copies")

        self._run(delete)
        # Give the space back; another process in a transaction makes VACUUM fail: no matter.
        with self._lock, suppress(sqlite3.Error):
            if self._connection is not None:
                self._connection.execute("VACUUM")

    # --- the work behind load_file -----------------------------------------------------

    def _read(self, path: Path) -> bytes:
        if self._reader is None:
            from ..store.reader import read_calendar_bytes

            self._reader = read_calendar_bytes
        return self._reader(path)

    def _load(
        self,
        data: bytes,
        path: Path,
        calendar_id: str,
        settings: AccountSettings,
        window: Interval,
        warn: Warn,
    ) -> list[BusyInterval]:
        if self._loader is None:
            from ..ical.loader import load_calendar_bytes

            self._loader = load_calendar_bytes
        return self._loader(
            data, path=path, calendar_id=calendar_id, settings=settings, window=window, warn=warn
        )

    def _variant(self, settings: AccountSettings) -> str:
        return json.dumps([self.version, SCHEMA, settings.tzid, list(settings.emails)])

    def _intervals(
        self,
        data: bytes | None,
        content_hash: str,
        path: Path,
        calendar_id: str,
        settings: AccountSettings,
        window: Interval,
    ) -> tuple[list[BusyInterval], list[str], list[tuple[Any, ...]]]:
        """The intervals of ``data`` overlapping ``window``, the warnings to give (with the
        path mark), and the block rows to store. Raises what the loader raises, and
        ``_NeedsContent`` when ``data`` is None and some block is not cached."""
        window_blocks = _blocks(window)
        if window_blocks is None:
            if data is None:
                raise _NeedsContent
            collected: list[str] = []
            loaded = self._load(data, path, calendar_id, settings, window, collected.append)
            return loaded, [_mark(message, path) for message in collected], []

        variant = self._variant(settings)
        first, last = window_blocks[0], window_blocks[-1]

        def query(connection: sqlite3.Connection) -> list[tuple[int, str, str]]:
            return connection.execute(
                "SELECT block, intervals, warnings FROM blocks WHERE content_hash = ?"
                " AND calendar_id = ? AND variant = ? AND block BETWEEN ? AND ?",
                (content_hash, calendar_id, variant, first, last),
            ).fetchall()

        blocks: dict[int, tuple[list[_Row], list[str]]] = {}
        for block, stored_rows, stored_warnings in self._run(query) or ():
            # An unreadable block is loaded again (and overwritten) like a missing one.
            with suppress(ValueError):
                blocks[block] = (json.loads(stored_rows), json.loads(stored_warnings))

        fresh: list[tuple[Any, ...]] = []
        missing = [block for block in window_blocks if block not in blocks]
        if missing and data is None:
            raise _NeedsContent
        if missing and data is not None:
            low, high = missing[0], missing[-1]
            collected = []
            span = (_block_start(low), _block_start(high + 1))
            loaded = self._load(data, path, calendar_id, settings, span, collected.append)
            messages = [_mark(message, path) for message in collected]
            by_block = _split_into_blocks(loaded, low, high)
            encoded_messages = json.dumps(messages)
            for block in range(low, high + 1):
                if block in blocks:
                    continue
                rows = by_block.get(block, [])
                blocks[block] = (rows, messages)
                fresh.append(
                    (
                        content_hash,
                        calendar_id,
                        variant,
                        block,
                        len(rows),
                        json.dumps(rows, separators=(",", ":")),
                        _encode_spans(rows),
                        json.dumps(sorted({i for row in rows for i in (row[3], row[4]) if i})),
                        encoded_messages,
                    )
                )

        window_start, window_end = window
        intervals: list[BusyInterval] = []
        messages_out: list[str] = []
        for block in window_blocks:
            rows, messages = blocks[block]
            messages_out.extend(messages)
            if block in (first, last):
                take_carried = block == first
                intervals.extend(
                    _interval(row, calendar_id)
                    for row in rows
                    if (take_carried or row[8]) and row[0] < window_end and row[1] > window_start
                )
            else:
                # A block inside the window: its own rows start inside the window, so they
                # overlap it; rows carried from earlier blocks were taken there.
                intervals.extend(_interval(row, calendar_id) for row in rows if row[8])
        # Sorted already: rows are stored in the loader's (start, end) order, the first
        # block's rows include those carried from earlier, and a later block's own rows
        # start after every row taken before them.
        return intervals, messages_out, fresh

    def _store(
        self,
        key: str,
        stat: tuple[int, int] | None,
        content_hash: str,
        data: bytes,
        fresh: list[tuple[Any, ...]],
    ) -> None:
        """Record new blocks, the file's stat and hash, and its bytes as the last good copy,
        in one short transaction; prune when the path's content changed."""

        def current(connection: sqlite3.Connection) -> tuple[Any, Any]:
            record = connection.execute(
                "SELECT size, mtime_ns, content_hash FROM files WHERE path = ?", (key,)
            ).fetchone()
            copy = connection.execute(
                "SELECT content_hash FROM copies WHERE path = ?", (key,)
            ).fetchone()
            return record, copy

        known = self._run(current)
        if known is None:
            return
        record, copy = known
        new_record = None if stat is None else (stat[0], stat[1], content_hash)
        record_changed = new_record is not None and tuple(record or ()) != new_record
        copy_changed = copy is None or copy[0] != content_hash
        if not (fresh or record_changed or copy_changed):
            return  # the warm path writes nothing

        def write(connection: sqlite3.Connection) -> None:
            with _transaction(connection):
                connection.executemany(
                    "INSERT OR REPLACE INTO blocks (content_hash, calendar_id, variant, block,"
                    " interval_count, intervals, spans, ids, warnings)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    fresh,
                )
                if record_changed and new_record is not None:
                    connection.execute(
                        "INSERT OR REPLACE INTO files (path, size, mtime_ns, content_hash)"
                        " VALUES (?, ?, ?, ?)",
                        (key, *new_record),
                    )
                if copy_changed:
                    connection.execute(
                        "INSERT OR REPLACE INTO copies (path, content_hash, saved_at, data)"
                        " VALUES (?, ?, ?, ?)",
                        (key, content_hash, int(time.time()), data),
                    )

        self._run(write)
        if copy is not None and copy[0] != content_hash:
            self.prune()  # the old content's blocks are of no use any more

    def _load_last_good_copy(
        self,
        path: Path,
        key: str,
        error: CalendarDataError,
        calendar_id: str,
        settings: AccountSettings,
        window: Interval,
        warn: Warn,
    ) -> FileLoad:
        def query(connection: sqlite3.Connection) -> tuple[str, int, bytes] | None:
            row = connection.execute(
                "SELECT content_hash, saved_at, data FROM copies WHERE path = ?", (key,)
            ).fetchone()
            return None if row is None else (str(row[0]), int(row[1]), bytes(row[2]))

        copy = self._run(query)
        if copy is None:
            raise error
        content_hash, saved_at, data = copy
        try:
            intervals, messages, fresh = self._intervals(
                data, content_hash, path, calendar_id, settings, window
            )
        except CalendarDataError:
            raise error from None
        if fresh:

            def write(connection: sqlite3.Connection) -> None:
                with _transaction(connection):
                    connection.executemany(
                        "INSERT OR REPLACE INTO blocks (content_hash, calendar_id, variant,"
                        " block, interval_count, intervals, spans, ids, warnings)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        fresh,
                    )

            self._run(write)
        warn(
            f"{path}: {error.message}; using the last good copy from "
            f"{timeutil.format_time(saved_at)}"
        )
        _replay(messages, path, warn)
        return FileLoad(tuple(intervals), disconnected=True)

    # --- the database ------------------------------------------------------------------

    def _run(self, operation: Callable[[sqlite3.Connection], _T]) -> _T | None:
        """``operation`` on the database; None when the cache cannot answer (locked for too
        long, or broken: then it is rebuilt once, or given up for this process)."""
        for attempt in range(_ATTEMPTS):
            with self._lock:
                connection = self._connection
                if connection is None:
                    return None
                try:
                    return operation(connection)
                except sqlite3.OperationalError as error:
                    if not _is_busy(error):
                        self._recover()
                        return None
                except sqlite3.DatabaseError:
                    self._recover()
                    return None
                except OSError:
                    return None
            time.sleep(0.02 * (attempt + 1))
        return None

    def _recover(self) -> None:
        """A database error other than a lock: rebuild once, then stop using the cache."""
        self.close()
        if self._rebuilt_after_error:
            return
        self._rebuilt_after_error = True
        try:
            self._delete_database()
            self._connection = self._connect_trusted()
        except (OSError, sqlite3.Error, _Untrusted):
            self._connection = None

    def _delete_database(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with suppress(FileNotFoundError):
                os.unlink(f"{self.database_path}{suffix}")

    def _connect_trusted(self) -> sqlite3.Connection:
        """A connection to a database that is ours, of this schema; an untrusted or
        corrupt one is deleted and made again once."""
        if _looks_truncated(self.database_path):
            self._delete_database()
        try:
            return self._connect_and_check()
        except (sqlite3.DatabaseError, _Untrusted):
            self._delete_database()
        return self._connect_and_check()

    def _connect_and_check(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.database_path,
            timeout=_BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,  # autocommit; transactions are explicit and short
            check_same_thread=False,  # calls are serialised by self._lock
        )
        try:
            connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            _retry_while_busy(lambda: connection.execute("PRAGMA journal_mode = WAL"))
            connection.execute("PRAGMA synchronous = NORMAL")
            _retry_while_busy(lambda: self._check_schema(connection))
        except BaseException:
            connection.close()
            raise
        return connection

    def _check_schema(self, connection: sqlite3.Connection) -> None:
        """Create the tables in an empty database; raise ``_Untrusted`` for one that is not
        this cache. Blocks of another cronoslot version are dropped (copies are kept: the
        bytes of a calendar file do not depend on the version)."""
        if self._meta_matches(connection) is True:
            return
        with _transaction(connection):  # exclusive: two processes must not both create
            verdict = self._meta_matches(connection)
            if verdict is True:
                return
            if verdict is None:
                # Statement by statement: executescript would commit our transaction first.
                for statement in _SCHEMA_SQL.split(";"):
                    if statement.strip():
                        connection.execute(statement)
                connection.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("magic", _MAGIC), ("schema", str(SCHEMA)), ("version", self.version)],
                )
                return
            # Our schema, another version: its blocks are not to be trusted.
            connection.execute("DELETE FROM blocks")
            connection.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('version', ?)", (self.version,)
            )

    def _meta_matches(self, connection: sqlite3.Connection) -> bool | None:
        """True: ours, this version. False: ours, another version. None: an empty database.
        Raises ``_Untrusted`` for anything else."""
        tables = {
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if not tables:
            return None
        if tables != _TABLES:
            raise _Untrusted("foreign tables")
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("magic") != _MAGIC or meta.get("schema") != str(SCHEMA):
            raise _Untrusted("another schema")
        return bool(meta.get("version") == self.version)


# --- helpers ---------------------------------------------------------------------------


@contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE: take the write lock at once, so the busy timeout applies here and
    not as a deadlock error at the first write."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        with suppress(sqlite3.Error):
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _retry_while_busy(operation: Callable[[], object]) -> None:
    for attempt in range(_ATTEMPTS):
        try:
            operation()
            return
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or attempt == _ATTEMPTS - 1:
                raise
        time.sleep(0.02 * (attempt + 1))


def _looks_truncated(database: Path) -> bool:
    """Whether the database file is shorter than its header says. SQLite notices a missing
    page only when it reads it; checking here rebuilds a cut-off file before any use. Only
    when no write-ahead log exists: while one does, the file may lag behind the header."""
    if os.path.exists(f"{database}-wal"):
        return False
    try:
        with open(database, "rb") as handle:
            header = handle.read(100)
            size = os.fstat(handle.fileno()).st_size
    except OSError:
        return False
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return False  # empty, or not SQLite at all: the schema check deals with it
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    # The page count is valid only when the change counter matches "version-valid-for".
    if header[24:28] != header[92:96] or page_count == 0:
        return False
    return size < page_count * page_size


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


# Blocks are UTC days: a query reads and, cold, loads hardly more than its own window (a
# 35-day query with buffers touches 37 of them), and a day is still many events per row.
_BLOCK = timeutil.DAY
_BLOCK_OFFSET = 0


def _block_of(instant: int) -> int:
    return (instant + _BLOCK_OFFSET) // _BLOCK


def _block_start(block: int) -> int:
    return block * _BLOCK - _BLOCK_OFFSET


_FIRST_INSTANT = timeutil.from_datetime(datetime(_FIRST_YEAR, 1, 1, tzinfo=UTC))
_LAST_INSTANT = timeutil.from_datetime(datetime(_LAST_YEAR, 1, 1, tzinfo=UTC))


def _blocks(window: Interval) -> list[int] | None:
    """The day blocks that ``window`` overlaps; None when the window is empty, out of
    range or too wide to be cached."""
    start, end = window
    if start >= end or start < _FIRST_INSTANT or end > _LAST_INSTANT:
        return None
    first, last = _block_of(start), _block_of(end - 1)
    if last - first + 1 > _MAX_BLOCKS:
        return None
    return list(range(first, last + 1))


def _split_into_blocks(intervals: list[BusyInterval], low: int, high: int) -> dict[int, list[_Row]]:
    """Each interval as a row in every block of ``low..high`` it overlaps, in the loader's
    order; ``own`` (the last field) in the block it starts in."""
    by_block: dict[int, list[_Row]] = {}
    for interval in intervals:
        starts_in = _block_of(interval.start)
        ends_in = _block_of(interval.end - 1) if interval.end > interval.start else starts_in
        fields = [
            interval.start,
            interval.end,
            interval.transparency.value,
            interval.event_uid,
            interval.event_id,
            sorted(interval.tags),
            interval.summary,
            interval.private,
        ]
        for block in range(max(starts_in, low), min(ends_in, high) + 1):
            by_block.setdefault(block, []).append([*fields, block == starts_in])
    return by_block


def _encode_spans(rows: list[_Row]) -> str:
    """A block's rows as bare spans: ``[own, carried]``, each ``{transparency: [start, end,
    start, end, ...]}``, in the rows' order."""
    own: dict[str, list[int]] = {}
    carried: dict[str, list[int]] = {}
    for row in rows:
        (own if row[8] else carried).setdefault(row[2], []).extend((row[0], row[1]))
    return json.dumps([own, carried], separators=(",", ":"))


_new_object = object.__new__
_set_attribute = object.__setattr__


def _interval(row: _Row, calendar_id: str) -> BusyInterval:
    # The hot path of a warm query (tens of thousands of rows): filling the frozen
    # dataclass's __dict__ at once is twice as fast as its __init__. The row's fields were
    # written from a BusyInterval by _split_into_blocks, so they are already valid.
    tags = row[5]
    interval = _new_object(BusyInterval)
    _set_attribute(
        interval,
        "__dict__",
        {
            "start": row[0],
            "end": row[1],
            "transparency": _TRANSPARENCIES[row[2]],
            "calendar_id": calendar_id,
            "event_uid": row[3],
            "event_id": row[4],
            "tags": frozenset(tags) if tags else _NO_TAGS,
            "summary": row[6],
            "private": row[7],
        },
    )
    return interval


def _mark(message: str, path: Path) -> str:
    return message.replace(str(path), _PATH_MARK)


def _replay(messages: list[str], path: Path, warn: Warn) -> None:
    """Give each warning once, in order, naming ``path``."""
    for message in dict.fromkeys(messages):
        warn(message.replace(_PATH_MARK, str(path)))


__all__ = [
    "DATABASE_NAME",
    "SCHEMA",
    "BytesLoader",
    "Cache",
    "FileLoad",
    "SpanLoad",
    "default_cache_dir",
]
