"""The sync state file: written with mode 0600, read back, and unreadable means none."""

from __future__ import annotations

import stat
from pathlib import Path

from cronoslot.sync.state import SyncState, read_state, state_path, write_state


def test_round_trip(tmp_path: Path) -> None:
    state = SyncState("abcd1234", '"e1"', "Tue, 01 Jan 2030 00:00:00 GMT", 100, 90, "HTTP 500")
    write_state(tmp_path, "work", state)
    assert read_state(tmp_path, "work") == state
    assert stat.S_IMODE(state_path(tmp_path, "work").stat().st_mode) == 0o600
    assert state.failing


def test_missing_or_broken_state_is_none(tmp_path: Path) -> None:
    assert read_state(tmp_path, "work") is None
    path = state_path(tmp_path, "work")
    path.parent.mkdir()
    for text in ("{", "[]", '{"source": 1}', '{"source": "a", "last_success": "yesterday"}'):
        path.write_text(text)
        assert read_state(tmp_path, "work") is None
