"""Day blocks, and how the busy intervals of a block are stored and served again.

The cache keeps a file's busy intervals in blocks of one UTC day: a query reads and, cold,
loads hardly more than its own window (a 35-day query with buffers touches 37 of them), and a
day is still many events per row.

An interval is stored in every block it overlaps (a long event that started days before a
window must still be served), marked as "own" in the block it starts in. Served from blocks
B1..Bk, an interval is taken from B1 whatever its start, and from a later block only when it
starts there: each interval is served exactly once, and two identical events stay two.

Everything here is pure: arithmetic, encoding and decoding.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from .. import timeutil
from ..intervals import Interval, overlaps
from ..models import BusyInterval, CalendarWarning, Transparency

_BLOCK = timeutil.DAY

# Windows beyond these years, or wider than this many blocks, are loaded without the cache:
# they are rare, and storing them would only fill the database.
_FIRST_INSTANT = timeutil.from_datetime(datetime(1800, 1, 1, tzinfo=UTC))
_LAST_INSTANT = timeutil.from_datetime(datetime(2400, 1, 1, tzinfo=UTC))
_MAX_BLOCKS = 7305  # twenty years

# Stored warnings name the file (or, at their start, its folder) through these marks, so
# that a block shared by two files with the same content replays each warning with the
# right names.
_PATH_MARK = "\x00path\x00"
_FOLDER_MARK = "\x00folder\x00"

_TRANSPARENCIES = {transparency.value: transparency for transparency in Transparency}
_NO_TAGS: frozenset[str] = frozenset()

Row = list[Any]
"""A stored interval: [start, end, transparency, event_uid, event_id, tags, summary, private,
own], where own is true in the block the interval starts in."""

StoredWarning = list[Any]
"""A warning as stored: [message (path-marked), line, reach], the reach a list of [low,
high] pairs (null: unbounded) or null (the whole file); see ``CalendarWarning``."""

BlockRows = tuple[list[Row], list[StoredWarning]]
"""A block's rows, in the loader's order, and the warnings of the load that made it that
touch the block."""

Spans = dict[Transparency, list[Interval]]


class BlockKey(NamedTuple):
    """What a file's blocks depend on: its content, the calendar id (it is inside every
    interval) and ``variant``, the account settings and cronoslot version they were loaded
    with."""

    content_hash: str
    calendar_id: str
    variant: str


class SpanBlock(NamedTuple):
    """A block as read for bare spans: its ``spans`` as stored (decoded by
    ``spans_in_window``), its warnings, and the event UIDs and ids in it (None when not
    read). A tuple: a warm query reads thousands of them."""

    block: int
    spans: str
    warnings: list[StoredWarning]
    ids: frozenset[str] | None


def block_of(instant: int) -> int:
    return instant // _BLOCK


def block_start(block: int) -> int:
    return block * _BLOCK


def window_blocks(window: Interval) -> list[int] | None:
    """The day blocks that ``window`` overlaps; None when the window is empty, out of
    range or too wide to be cached."""
    start, end = window
    if start >= end or start < _FIRST_INSTANT or end > _LAST_INSTANT:
        return None
    first, last = block_of(start), block_of(end - 1)
    if last - first + 1 > _MAX_BLOCKS:
        return None
    return list(range(first, last + 1))


def blocks_span(low: int, high: int) -> Interval:
    """The instants of blocks ``low..high``."""
    return (block_start(low), block_start(high + 1))


# --- encoding ----------------------------------------------------------------------------


def split_into_blocks(intervals: list[BusyInterval], low: int, high: int) -> dict[int, list[Row]]:
    """Each interval as a row in every block of ``low..high`` it overlaps, in the loader's
    order; ``own`` (the last field) in the block it starts in."""
    by_block: dict[int, list[Row]] = {}
    for interval in intervals:
        starts_in = block_of(interval.start)
        ends_in = block_of(interval.end - 1) if interval.end > interval.start else starts_in
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


def encode_block(rows: list[Row], warnings: list[StoredWarning]) -> tuple[int, str, str, str, str]:
    """A block's columns: interval_count, intervals, spans, ids, warnings."""
    return (
        len(rows),
        json.dumps(rows, separators=(",", ":")),
        _encode_spans(rows),
        json.dumps(sorted({i for row in rows for i in (row[3], row[4]) if i})),
        json.dumps(warnings),
    )


def _encode_spans(rows: list[Row]) -> str:
    """A block's rows as bare spans: ``[own, carried]``, each ``{transparency: [start, end,
    start, end, ...]}``, in the rows' order."""
    own: dict[str, list[int]] = {}
    carried: dict[str, list[int]] = {}
    for row in rows:
        (own if row[8] else carried).setdefault(row[2], []).extend((row[0], row[1]))
    return json.dumps([own, carried], separators=(",", ":"))


def mark_path(message: str, path: Path) -> str:
    """A warning as stored: the file's name replaced by the path mark, and a leading name
    of its folder (a warning about the account) by the folder mark."""
    message = message.replace(str(path), _PATH_MARK)
    folder = f"{path.parent}: "
    if message.startswith(folder):
        message = _FOLDER_MARK + message[len(folder) - 2 :]
    return message


def name_path(message: str, path: Path) -> str:
    """A stored warning naming ``path`` (and its folder)."""
    return message.replace(_PATH_MARK, str(path)).replace(_FOLDER_MARK, str(path.parent))


def stored_warning(warning: CalendarWarning, path: Path) -> StoredWarning:
    """A loader's warning about ``path`` as stored."""
    reach = None if warning.reach is None else [list(span) for span in warning.reach]
    return [mark_path(warning.message, path), warning.line, reach]


def warning_of(stored: StoredWarning) -> CalendarWarning:
    """A stored warning, still path-marked. Raises ``ValueError`` when it is not what
    ``stored_warning`` writes."""
    try:
        message, line, reach = stored
        spans = None if reach is None else tuple((low, high) for low, high in reach)
    except (TypeError, ValueError):
        raise ValueError(f"not a stored warning: {stored!r}") from None
    if not isinstance(message, str) or not isinstance(line, int):
        raise ValueError(f"not a stored warning: {stored!r}")
    if spans is not None and not all(
        (low is None or isinstance(low, int)) and (high is None or isinstance(high, int))
        for low, high in spans
    ):
        raise ValueError(f"not a stored warning: {stored!r}")
    return CalendarWarning(message, line, spans)


# --- decoding ----------------------------------------------------------------------------


def decode_block(intervals: str, warnings: str) -> BlockRows:
    """Raises ``ValueError`` for text that is not JSON, or warnings not as stored."""
    stored: list[StoredWarning] = json.loads(warnings)
    for warning in stored:
        warning_of(warning)
    return json.loads(intervals), stored


def decode_span_block(block: int, spans: str, warnings: str, ids: str | None) -> SpanBlock:
    """Raises ``ValueError`` or ``TypeError`` for warnings or ids that are not JSON lists."""
    stored: list[StoredWarning] = [] if warnings == "[]" else list(json.loads(warnings))
    for warning in stored:
        warning_of(warning)
    return SpanBlock(block, spans, stored, None if ids is None else frozenset(json.loads(ids)))


def intervals_in_window(
    blocks: Mapping[int, BlockRows], window: Interval, calendar_id: str
) -> list[BusyInterval]:
    """The intervals overlapping ``window`` from ``blocks``, which hold every block of the
    window; sorted by start, end, as the loader gives them."""
    first, last = block_of(window[0]), block_of(window[1] - 1)
    intervals: list[BusyInterval] = []
    for block in range(first, last + 1):
        rows = blocks[block][0]
        if block in (first, last):
            take_carried = block == first
            intervals.extend(
                _interval(row, calendar_id)
                for row in rows
                if (take_carried or row[8]) and overlaps(row[0], row[1], window)
            )
        else:
            # A block inside the window: its own rows start inside the window, so they
            # overlap it; rows carried from earlier blocks were taken there.
            intervals.extend(_interval(row, calendar_id) for row in rows if row[8])
    # Sorted already: rows are stored in the loader's (start, end) order, the first
    # block's rows include those carried from earlier, and a later block's own rows
    # start after every row taken before them.
    return intervals


def spans_in_window(blocks: Sequence[SpanBlock], window: Interval) -> Spans | None:
    """The bare spans overlapping ``window`` from ``blocks``: every block of the window, in
    order. The spans are exactly those of the intervals ``intervals_in_window`` gives. None
    when a block is not what ``encode_block`` writes."""
    first, last = blocks[0].block, blocks[-1].block
    spans: Spans = {}
    try:
        for stored in blocks:
            own, carried = json.loads(stored.spans)
            parts = [own, carried] if stored.block == first else [own]
            edge = stored.block in (first, last)
            for part in parts:
                for code, flat in part.items():
                    pairs = zip(flat[::2], flat[1::2], strict=True)
                    target = spans.setdefault(_TRANSPARENCIES[code], [])
                    if edge:
                        target.extend(pair for pair in pairs if overlaps(*pair, window))
                    else:
                        target.extend(pairs)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return spans


_new_object = object.__new__
_set_attribute = object.__setattr__


def _interval(row: Row, calendar_id: str) -> BusyInterval:
    # The hot path of a warm query (tens of thousands of rows): filling the frozen
    # dataclass's __dict__ at once is twice as fast as its __init__. The row's fields were
    # written from a BusyInterval by split_into_blocks, so they are already valid.
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
