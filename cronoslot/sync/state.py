"""What a sync remembers about one source: ``SUB/.sync/CALENDAR_ID.json``.

Beside the sources, never read as a calendar (the store lists only ``*.ics`` and ``*.ifb``
directly in an account folder). It holds what the next conditional GET sends (``etag``,
``last_modified``), when the last attempt and the last success were, and the last attempt's
error (None when it succeeded), all free of secrets: an error is stored as it is shown.
``source`` is the fingerprint of the URL the state belongs to, so that a source given a new
URL starts afresh instead of sending the old URL's ETag.

A state file that cannot be read or parsed counts as no state: the source has then never
synced, as far as anyone can tell, and the next sync writes a good one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .. import timeutil

SYNC_FOLDER = ".sync"


@dataclass(frozen=True)
class SyncState:
    source: str
    etag: str | None = None
    last_modified: str | None = None
    last_attempt: int | None = None
    last_success: int | None = None
    last_error: str | None = None

    @property
    def failing(self) -> bool:
        """Whether the last attempt failed."""
        return self.last_error is not None

    def to_json(self) -> dict[str, Any]:
        body = asdict(self)
        for key in ("last_attempt", "last_success"):
            if body[key] is not None:
                body[key] = timeutil.format_time(body[key])
        return body


def _time(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("not a Time")
    return timeutil.parse_time(value)


def _text(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError("not a string")
    return value


def parse_state(value: Any) -> SyncState | None:
    """The state from the decoded file, or None when it is not a state."""
    if not isinstance(value, dict) or not isinstance(value.get("source"), str):
        return None
    try:
        return SyncState(
            source=value["source"],
            etag=_text(value.get("etag")),
            last_modified=_text(value.get("last_modified")),
            last_attempt=_time(value.get("last_attempt")),
            last_success=_time(value.get("last_success")),
            last_error=_text(value.get("last_error")),
        )
    except (ValueError, timeutil.TimeFormatError):
        return None


def sync_folder(account: Path) -> Path:
    return account / SYNC_FOLDER


def state_path(account: Path, calendar_id: str) -> Path:
    return sync_folder(account) / f"{calendar_id}.json"


def read_state(account: Path, calendar_id: str) -> SyncState | None:
    """The calendar's sync state, or None when it has none (or none that can be read)."""
    try:
        return parse_state(json.loads(state_path(account, calendar_id).read_bytes()))
    except (OSError, ValueError, RecursionError):
        return None


def write_state(account: Path, calendar_id: str, state: SyncState) -> None:
    from ..store.writer import atomic_write

    folder = sync_folder(account)
    folder.mkdir(mode=0o700, exist_ok=True)
    data = (json.dumps(state.to_json(), indent=2) + "\n").encode("utf-8")
    atomic_write(state_path(account, calendar_id), data, mode=0o600)


__all__ = [
    "SYNC_FOLDER",
    "SyncState",
    "parse_state",
    "read_state",
    "state_path",
    "sync_folder",
    "write_state",
]
