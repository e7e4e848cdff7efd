"""The cache's SQLite file: ours, of this schema, shared safely by several processes.

A database that is corrupt, cut off, foreign or of another schema is deleted and made again;
blocks written by another cronoslot version are dropped. Several processes may use the file
at once (WAL mode, a busy timeout, short ``BEGIN IMMEDIATE`` transactions, retries while it
is locked). Any other trouble while in use rebuilds the file once, then gives the cache up for
this process: ``Database.run`` then answers None and callers go without it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

DATABASE_NAME = "busy-v4.sqlite3"
SCHEMA = 5
_MAGIC = "cronoslot busy-interval cache"

_BUSY_TIMEOUT_MS = 10_000
_ATTEMPTS = 5

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


class Untrusted(sqlite3.DatabaseError):
    """The database file is not a cache of this schema: delete it and start again."""


class Database:
    """The cache database at ``path`` (its folder must exist), for cronoslot ``version``.

    Raises ``OSError`` or ``sqlite3.Error`` when it cannot be made usable.
    """

    def __init__(self, path: Path, version: str) -> None:
        self.path = path
        self.version = version
        self._lock = threading.RLock()
        self._rebuilt_after_error = False
        self._connection: sqlite3.Connection | None = self._connect_trusted()

    @property
    def usable(self) -> bool:
        """False once the database failed beyond repair."""
        return self._connection is not None

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                with suppress(sqlite3.Error):
                    self._connection.close()
                self._connection = None

    def run(self, operation: Callable[[sqlite3.Connection], _T]) -> _T | None:
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

    def vacuum(self) -> None:
        """Give free pages back to the file system; another process in a transaction makes
        VACUUM fail: no matter."""
        with self._lock, suppress(sqlite3.Error):
            if self._connection is not None:
                self._connection.execute("VACUUM")

    def size_bytes(self) -> int:
        """The database's size on disk, with its write-ahead log."""
        size = 0
        for suffix in ("", "-wal"):
            with suppress(OSError):
                size += os.path.getsize(f"{self.path}{suffix}")
        return size

    def _recover(self) -> None:
        """A database error other than a lock: rebuild once, then stop using the cache."""
        self.close()
        if self._rebuilt_after_error:
            return
        self._rebuilt_after_error = True
        try:
            self._delete()
            self._connection = self._connect_trusted()
        except (OSError, sqlite3.Error):
            self._connection = None

    def _delete(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with suppress(FileNotFoundError):
                os.unlink(f"{self.path}{suffix}")

    def _connect_trusted(self) -> sqlite3.Connection:
        """A connection to a database that is ours, of this schema; an untrusted or
        corrupt one is deleted and made again once."""
        if _looks_truncated(self.path):
            self._delete()
        try:
            return self._connect_and_check()
        except sqlite3.DatabaseError:  # Untrusted too
            self._delete()
        return self._connect_and_check()

    def _connect_and_check(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.path,
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
        """Create the tables in an empty database; raise ``Untrusted`` for one that is not
        this cache. Blocks of another cronoslot version are dropped (copies are kept: the
        bytes of a calendar file do not depend on the version)."""
        if self._meta_matches(connection) is True:
            return
        with transaction(connection):  # exclusive: two processes must not both create
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
        Raises ``Untrusted`` for anything else."""
        tables = {
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if not tables:
            return None
        if tables != _TABLES:
            raise Untrusted("foreign tables")
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("magic") != _MAGIC or meta.get("schema") != str(SCHEMA):
            raise Untrusted("another schema")
        return bool(meta.get("version") == self.version)


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[None]:
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
