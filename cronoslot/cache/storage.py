"""The busy-interval cache: what it stores, and the small operations that read and write it.

Parsing iCalendar is slow (about 1.4 s for 5,000 events), while a query asks about a few
weeks of a file that rarely changes. So the cache keeps, in one SQLite file:

- ``files``: for each calendar path, the size, modification time and content hash it had
  when last read;
- ``blocks``: busy intervals in day blocks (``blocks.py``), keyed by everything they depend
  on (``BlockKey``), with the warnings the loader gave;
- ``copies``: the bytes of each path's last good read, its last good copy.

It only stores: it never reads a calendar file or parses iCalendar, and it does not decide
whether a file is fresh or what to load; ``engine/files.py`` does. Any database trouble
makes an operation answer None (or nothing) rather than fail, so a caller can always go
without the cache.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any, NamedTuple

from .. import __version__
from ..models import AccountSettings
from .blocks import BlockKey, BlockRows, SpanBlock, decode_block, decode_span_block, encode_block
from .database import DATABASE_NAME, SCHEMA, Database, transaction

FileStat = tuple[int, int]
"""A file's size and modification time in nanoseconds."""


class FileRecord(NamedTuple):
    """A calendar path as it was when last read."""

    size: int
    mtime_ns: int
    content_hash: str


class LastGoodCopy(NamedTuple):
    """The bytes of a path's last good read, and when (seconds since the epoch) they were
    saved."""

    content_hash: str
    saved_at: int
    data: bytes


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
    made usable; ``Cache.open`` returns None instead. Blocks written by another ``version``
    (default ``cronoslot.__version__``) are never served.
    """

    def __init__(self, directory: Path | str, *, version: str = __version__) -> None:
        self.directory = Path(directory)
        self.database_path = self.directory / DATABASE_NAME
        self.version = version
        self.directory.mkdir(parents=True, exist_ok=True)
        self.database = Database(self.database_path, version)

    @classmethod
    def open(cls, directory: Path | str, *, version: str = __version__) -> Cache | None:
        """The cache in ``directory``, or None when it cannot be used at all."""
        try:
            return cls(directory, version=version)
        except (OSError, sqlite3.Error):
            return None

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def usable(self) -> bool:
        """False once the database failed beyond repair: every operation then answers
        nothing, and callers go without the cache."""
        return self.database.usable

    def variant(self, settings: AccountSettings) -> str:
        """The part of a ``BlockKey`` that says how the blocks were loaded."""
        return json.dumps([self.version, SCHEMA, settings.tzid, list(settings.emails)])

    # --- reading -----------------------------------------------------------------------

    def file_record(self, path: Path | str) -> FileRecord | None:
        """How ``path`` was when last stored, or None."""
        row = self._first_row(
            "SELECT size, mtime_ns, content_hash FROM files WHERE path = ?", os.path.abspath(path)
        )
        return None if row is None else FileRecord(int(row[0]), int(row[1]), str(row[2]))

    def read_blocks(self, key: BlockKey, first: int, last: int) -> dict[int, BlockRows]:
        """The stored blocks of ``key`` among ``first..last``; an unreadable block is left
        out, like a missing one."""

        def query(connection: sqlite3.Connection) -> list[tuple[int, str, str]]:
            return connection.execute(
                "SELECT block, intervals, warnings FROM blocks WHERE content_hash = ?"
                " AND calendar_id = ? AND variant = ? AND block BETWEEN ? AND ?",
                (key.content_hash, key.calendar_id, key.variant, first, last),
            ).fetchall()

        found: dict[int, BlockRows] = {}
        for block, intervals, warnings in self.database.run(query) or ():
            with suppress(ValueError):
                found[block] = decode_block(intervals, warnings)
        return found

    def read_spans(
        self, key: BlockKey, first: int, last: int, *, with_ids: bool = False
    ) -> list[SpanBlock] | None:
        """The stored blocks of ``key`` among ``first..last`` for bare spans, in order, with
        their event UIDs and ids when ``with_ids``; None when some block's warnings or ids are
        unreadable, or the cache cannot answer."""
        columns = "block, spans, warnings" + (", ids" if with_ids else "")

        def query(connection: sqlite3.Connection) -> list[tuple[Any, ...]]:
            return connection.execute(
                f"SELECT {columns} FROM blocks WHERE content_hash = ? AND calendar_id = ?"
                " AND variant = ? AND block BETWEEN ? AND ? ORDER BY block",
                (key.content_hash, key.calendar_id, key.variant, first, last),
            ).fetchall()

        found = self.database.run(query)
        if found is None:
            return None
        try:
            return [
                decode_span_block(row[0], row[1], row[2], row[3] if with_ids else None)
                for row in found
            ]
        except (ValueError, TypeError):
            return None

    def has_blocks(
        self, content_hash: str, variant: str, first: int, last: int, calendar_id: str | None
    ) -> bool:
        """Whether every block ``first..last`` of this content and variant is stored, for
        ``calendar_id`` or, when None, for some calendar id."""
        sql = (
            "SELECT COUNT(*) FROM blocks WHERE content_hash = ? AND variant = ?"
            " AND block BETWEEN ? AND ?"
        )
        parameters: list[Any] = [content_hash, variant, first, last]
        if calendar_id is not None:
            sql += " AND calendar_id = ?"
            parameters.append(calendar_id)
        sql += " GROUP BY calendar_id"

        def query(connection: sqlite3.Connection) -> bool:
            counts = connection.execute(sql, parameters)
            return any(count == last - first + 1 for (count,) in counts)

        return self.database.run(query) is True

    def last_good_copy(self, path: Path | str) -> LastGoodCopy | None:
        """The bytes of ``path``'s last good read, or None."""
        row = self._first_row(
            "SELECT content_hash, saved_at, data FROM copies WHERE path = ?", os.path.abspath(path)
        )
        return None if row is None else LastGoodCopy(str(row[0]), int(row[1]), bytes(row[2]))

    def _first_row(self, sql: str, *parameters: object) -> tuple[Any, ...] | None:
        """The first row ``sql`` selects; None when there is none or the cache cannot
        answer."""

        def query(connection: sqlite3.Connection) -> tuple[Any, ...] | None:
            row: tuple[Any, ...] | None = connection.execute(sql, parameters).fetchone()
            return row

        return self.database.run(query)

    # --- writing -----------------------------------------------------------------------

    def write(
        self,
        path: Path | str,
        key: BlockKey,
        blocks: Mapping[int, BlockRows],
        *,
        data: bytes,
        stat: FileStat | None,
    ) -> None:
        """After a good read of ``path`` (``data``, of ``key.content_hash``, with ``stat``
        taken before reading): store the new ``blocks``, the file's record and its last good
        copy, in one short transaction, writing nothing that is stored already; then prune
        when the path's content changed."""
        name = os.path.abspath(path)

        def current(connection: sqlite3.Connection) -> tuple[Any, Any]:
            record = connection.execute(
                "SELECT size, mtime_ns, content_hash FROM files WHERE path = ?", (name,)
            ).fetchone()
            copy = connection.execute(
                "SELECT content_hash FROM copies WHERE path = ?", (name,)
            ).fetchone()
            return record, copy

        known = self.database.run(current)
        if known is None:
            return
        record, copy = known
        new_record = None if stat is None else (stat[0], stat[1], key.content_hash)
        record_changed = new_record is not None and tuple(record or ()) != new_record
        copy_changed = copy is None or copy[0] != key.content_hash
        if not (blocks or record_changed or copy_changed):
            return  # the warm path writes nothing

        encoded = _encode(key, blocks)  # before the transaction: keep it short

        def write(connection: sqlite3.Connection) -> None:
            with transaction(connection):
                _insert(connection, encoded)
                if record_changed and new_record is not None:
                    connection.execute(
                        "INSERT OR REPLACE INTO files (path, size, mtime_ns, content_hash)"
                        " VALUES (?, ?, ?, ?)",
                        (name, *new_record),
                    )
                if copy_changed:
                    connection.execute(
                        "INSERT OR REPLACE INTO copies (path, content_hash, saved_at, data)"
                        " VALUES (?, ?, ?, ?)",
                        (name, key.content_hash, int(time.time()), data),
                    )

        self.database.run(write)
        if copy is not None and copy[0] != key.content_hash:
            self.prune()  # the old content's blocks are of no use any more

    def write_blocks(self, key: BlockKey, blocks: Mapping[int, BlockRows]) -> None:
        """Store new ``blocks`` of ``key`` alone (loaded from a last good copy)."""
        if not blocks:
            return
        encoded = _encode(key, blocks)

        def write(connection: sqlite3.Connection) -> None:
            with transaction(connection):
                _insert(connection, encoded)

        self.database.run(write)

    # --- maintenance -------------------------------------------------------------------

    def prune(self) -> int:
        """Forget paths that no longer exist and blocks whose content no path has any more;
        the number of rows deleted (0 when the cache is not usable)."""

        def paths(connection: sqlite3.Connection) -> list[str]:
            rows = connection.execute("SELECT path FROM files UNION SELECT path FROM copies")
            return [path for (path,) in rows]

        known = self.database.run(paths) or []
        gone = [(path,) for path in known if not os.path.exists(path)]

        def delete(connection: sqlite3.Connection) -> int:
            with transaction(connection):
                before = connection.total_changes
                connection.executemany("DELETE FROM files WHERE path = ?", gone)
                connection.executemany("DELETE FROM copies WHERE path = ?", gone)
                connection.execute(
                    "DELETE FROM blocks WHERE content_hash NOT IN"
                    " (SELECT content_hash FROM files UNION SELECT content_hash FROM copies)"
                )
                return connection.total_changes - before

        return self.database.run(delete) or 0

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

        files, blocks, intervals, copies = self.database.run(counts) or (0, 0, 0, 0)
        return {
            "path": str(self.database_path),
            "size_bytes": self.database.size_bytes(),
            "files": files,
            "blocks": blocks,
            "intervals": intervals,
            "last_good_copies": copies,
        }

    def clear(self) -> None:
        """Forget everything: blocks, file records and last good copies."""

        def delete(connection: sqlite3.Connection) -> None:
            with transaction(connection):
                connection.execute("DELETE FROM blocks")
                connection.execute("DELETE FROM files")
                connection.execute("DELETE FROM copies")

        self.database.run(delete)
        self.database.vacuum()  # give the space back


def _encode(key: BlockKey, blocks: Mapping[int, BlockRows]) -> list[tuple[Any, ...]]:
    return [
        (key.content_hash, key.calendar_id, key.variant, block, *encode_block(*stored))
        for block, stored in blocks.items()
    ]


def _insert(connection: sqlite3.Connection, encoded: list[tuple[Any, ...]]) -> None:
    connection.executemany(
        "INSERT OR REPLACE INTO blocks (content_hash, calendar_id, variant, block,"
        " interval_count, intervals, spans, ids, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        encoded,
    )
