"""One calendar file's busy time over a window: from the cache when it can serve it, else
from the file's bytes through the iCalendar loader, else from the file's last good copy.

The cache (``cronoslot.cache``) stores; this module decides, as khal's ``khalendar`` does
over its ``backend``:

- A file whose size and modification time match the record of its last read, and which has
  not been modified in the last two seconds, is taken to have the recorded content without
  being read again (as make and git do); a file modified more recently is always read and
  hashed.
- The day blocks of the window that are not cached yet are loaded together, with one loader
  call over exactly their span, and stored with the warnings that call gave.
- After a good read the file's bytes are kept as the last good copy of its path. When the
  file later cannot be read or is not iCalendar any more, that copy is served instead, with
  a warning, and the result is ``disconnected`` (SPEC 2).
- Each warning is stored with the blocks it touches (what it concerns: a broken event's
  days, or the whole file), and given again, once, to a window that touches what it
  concerns, naming the file asked about: the rule the loader follows without a cache.

The cache can never make a query fail or change its answer: without it, or when it cannot
answer, the file is read and loaded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import timeutil
from ..cache.blocks import (
    BlockKey,
    BlockRows,
    StoredWarning,
    blocks_span,
    intervals_in_window,
    name_path,
    spans_in_window,
    split_into_blocks,
    stored_warning,
    warning_of,
    window_blocks,
)
from ..errors import CalendarDataError, Warn
from ..intervals import Interval
from ..models import (
    AccountSettings,
    BusyInterval,
    CalendarWarning,
    Transparency,
    ordered_warnings,
)

if TYPE_CHECKING:
    from ..cache import Cache, FileRecord, FileStat

# A file untouched for this long is trusted by its size and modification time.
SETTLED_NS = 2_000_000_000


@dataclass(frozen=True)
class FileBusy:
    """The busy time of one calendar file over a window: its busy intervals that overlap
    the window (sorted by start, end, not clipped) or, from a warm cache when that will do,
    the bare ``spans`` of those intervals per transparency instead. ``disconnected`` when it
    comes from the last good copy because the file itself cannot be used now."""

    intervals: tuple[BusyInterval, ...] = ()
    spans: Mapping[Transparency, Sequence[Interval]] | None = None
    disconnected: bool = False


@dataclass(frozen=True)
class CalendarFile:
    """A calendar file as its account reads it: the calendar id its busy intervals carry,
    and the account's settings (zone, e-mail addresses)."""

    path: Path
    calendar_id: str
    settings: AccountSettings


BytesLoader = Callable[..., list[BusyInterval]]
"""Called as ``cronoslot.ical.loader.load_calendar_bytes`` is: a file's bytes (and
``path``, ``calendar_id``, ``settings``, ``window``, ``warn``, ``on_warning``) -> busy
intervals."""

BytesReader = Callable[[Path], bytes]


class _NeedsContent(Exception):
    """A block is missing and the file's bytes were not read: read them and try again."""


class CalendarFiles:
    """Calendar files' busy time, through ``cache`` when there is one.

    ``loader`` and ``reader`` default to ``cronoslot.ical.loader.load_calendar_bytes`` and
    ``cronoslot.store.reader.read_calendar_bytes``, imported only when a file must be read
    or parsed.
    """

    def __init__(
        self,
        cache: Cache | None = None,
        *,
        loader: BytesLoader | None = None,
        reader: BytesReader | None = None,
    ) -> None:
        self.cache = cache
        self.loader = loader
        self.reader = reader

    def busy(self, file: CalendarFile, window: Interval, warn: Warn) -> FileBusy:
        """The busy intervals of ``file`` that overlap ``window``, and the warnings the
        loader gives about it.

        When the file cannot be read or is not (complete) iCalendar and the cache holds a
        last good copy of its path, the copy is used, a warning says so, and the result is
        ``disconnected``; otherwise the ``CalendarDataError`` is raised.
        """
        cache = self.cache
        if cache is None:
            gathered: list[CalendarWarning] = []
            loaded = self._load(self._read(file.path), file, window, gathered.append)
            _replay([stored_warning(w, file.path) for w in gathered], file.path, window, warn)
            return FileBusy(tuple(loaded))
        stat = _stat(file.path)  # before reading: a change while reading then makes it stale
        known_hash = _settled_hash(cache, file.path, stat)
        if known_hash is not None:
            key = _key(cache, known_hash, file)
            try:
                intervals, messages, _ = self._intervals(cache, key, None, file, window)
            except _NeedsContent:
                pass  # some block is missing: read the file after all
            else:
                _replay(messages, file.path, window, warn)
                return FileBusy(tuple(intervals))
        try:
            data = self._read(file.path)
            import hashlib  # not needed when the file is settled and its blocks cached

            key = _key(cache, hashlib.sha256(data).hexdigest(), file)
            intervals, messages, fresh = self._intervals(cache, key, data, file, window)
        except CalendarDataError as error:
            return self._last_good_copy(cache, file, error, window, warn)
        cache.write(file.path, key, fresh, data=data, stat=stat)
        _replay(messages, file.path, window, warn)
        return FileBusy(tuple(intervals))

    def bare_spans(
        self,
        file: CalendarFile,
        window: Interval,
        warn: Warn,
        excluded_ids: frozenset[str] = frozenset(),
    ) -> FileBusy | None:
        """The busy time of ``file`` that overlaps ``window`` as bare spans by transparency
        (no identity, tags or summary), when the cache can serve it as it is: the file is
        settled and recorded, every block of the window is cached, and none of
        ``excluded_ids`` (event UIDs and ids a query excludes) occurs in those blocks.
        Otherwise None, and the caller uses ``busy``. The spans are exactly those of the
        intervals ``busy`` would give."""
        cache = self.cache
        if cache is None:
            return None
        known_hash = _settled_hash(cache, file.path, _stat(file.path))
        needed = window_blocks(window)
        if known_hash is None or needed is None:
            return None
        key = _key(cache, known_hash, file)
        found = cache.read_spans(key, needed[0], needed[-1], with_ids=bool(excluded_ids))
        if found is None or len(found) != len(needed):
            return None
        if any(block.ids and not excluded_ids.isdisjoint(block.ids) for block in found):
            return None
        spans = spans_in_window(found, window)
        if spans is None:
            return None  # an unreadable block: busy will load and rewrite it
        _replay([row for block in found for row in block.warnings], file.path, window, warn)
        return FileBusy(spans=spans)

    def is_warm(self, file: CalendarFile, window: Interval, *, any_calendar: bool = False) -> bool:
        """Whether every block of ``window`` is cached for the file's current content (as
        far as its size and modification time tell; the file is not read), for its
        calendar id or, with ``any_calendar``, for any calendar id."""
        cache = self.cache
        needed = window_blocks(window)
        stat = _stat(file.path)
        if cache is None or needed is None or stat is None:
            return False
        record = _matching_record(cache, file.path, stat)
        if record is None:
            return False
        return cache.has_blocks(
            record.content_hash,
            cache.variant(file.settings),
            needed[0],
            needed[-1],
            None if any_calendar else file.calendar_id,
        )

    # --- the work behind busy ------------------------------------------------------------

    def _intervals(
        self, cache: Cache, key: BlockKey, data: bytes | None, file: CalendarFile, window: Interval
    ) -> tuple[list[BusyInterval], list[StoredWarning], dict[int, BlockRows]]:
        """The intervals of the content ``key`` names overlapping ``window``, the stored
        warnings of its blocks (``_replay`` gives those the window touches), and the new
        blocks to store. Raises what the loader raises, and ``_NeedsContent`` when ``data``
        is None and some block is not cached."""
        needed = window_blocks(window)
        if needed is None:  # a window the cache does not keep: load it whole
            if data is None:
                raise _NeedsContent
            gathered: list[CalendarWarning] = []
            loaded = self._load(data, file, window, gathered.append)
            return loaded, [stored_warning(warning, file.path) for warning in gathered], {}
        stored = cache.read_blocks(key, needed[0], needed[-1])
        missing = [block for block in needed if block not in stored]
        fresh: dict[int, BlockRows] = {}
        if missing:
            if data is None:
                raise _NeedsContent
            low, high = missing[0], missing[-1]
            gathered = []
            loaded = self._load(data, file, blocks_span(low, high), gathered.append)
            by_block = split_into_blocks(loaded, low, high)
            for block in range(low, high + 1):
                if block in stored:
                    continue
                # A block keeps the warnings that concern it (a window within it may ask).
                span = blocks_span(block, block)
                touching = [stored_warning(w, file.path) for w in gathered if w.touches(span)]
                fresh[block] = (by_block.get(block, []), touching)
            stored.update(fresh)
        intervals = intervals_in_window(stored, window, file.calendar_id)
        return intervals, [row for block in needed for row in stored[block][1]], fresh

    def _last_good_copy(
        self,
        cache: Cache,
        file: CalendarFile,
        error: CalendarDataError,
        window: Interval,
        warn: Warn,
    ) -> FileBusy:
        copy = cache.last_good_copy(file.path)
        if copy is None:
            raise error
        key = _key(cache, copy.content_hash, file)
        try:
            intervals, messages, fresh = self._intervals(cache, key, copy.data, file, window)
        except CalendarDataError:
            raise error from None
        cache.write_blocks(key, fresh)
        warn(
            f"{file.path}: {error.message}; using the last good copy from "
            f"{timeutil.format_time(copy.saved_at)}"
        )
        _replay(messages, file.path, window, warn)
        return FileBusy(tuple(intervals), disconnected=True)

    def _read(self, path: Path) -> bytes:
        if self.reader is not None:
            return self.reader(path)
        from ..store.reader import read_calendar_bytes

        return read_calendar_bytes(path)

    def _load(
        self,
        data: bytes,
        file: CalendarFile,
        window: Interval,
        on_warning: Callable[[CalendarWarning], None],
    ) -> list[BusyInterval]:
        loader = self.loader
        if loader is None:
            from ..ical.loader import load_calendar_bytes  # a warm query does not import it

            loader = load_calendar_bytes
        return loader(
            data,
            path=file.path,
            calendar_id=file.calendar_id,
            settings=file.settings,
            window=window,
            # A loader that only knows ``warn`` gives warnings about the whole file.
            warn=lambda message: on_warning(CalendarWarning(message)),
            on_warning=on_warning,
        )


def _key(cache: Cache, content_hash: str, file: CalendarFile) -> BlockKey:
    return BlockKey(content_hash, file.calendar_id, cache.variant(file.settings))


def _stat(path: Path) -> FileStat | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def _matching_record(cache: Cache, path: Path, stat: FileStat) -> FileRecord | None:
    """The cache's record of ``path`` when its size and modification time still match."""
    record = cache.file_record(path)
    if record is None or (record.size, record.mtime_ns) != stat:
        return None
    return record


def _settled_hash(cache: Cache, path: Path, stat: FileStat | None) -> str | None:
    """The recorded content hash of ``path`` when its size and modification time still
    match and it was last modified long enough ago that a same-size rewrite within the
    file system's timestamp granularity cannot hide behind the record."""
    if stat is None or stat[1] > time.time_ns() - SETTLED_NS:
        return None
    record = _matching_record(cache, path, stat)
    return None if record is None else record.content_hash


def _replay(rows: list[StoredWarning], path: Path, window: Interval, warn: Warn) -> None:
    """Give the stored warnings that ``window`` touches, each once, in order, naming
    ``path``: what the loader gives for the window without a cache."""
    warnings = (warning_of(row) for row in rows)
    for warning in ordered_warnings(w for w in warnings if w.touches(window)):
        warn(name_path(warning.message, path))
