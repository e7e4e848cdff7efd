"""The one file writer: atomic, durable, with the permissions asked for, nothing left
behind; a process killed while writing leaves the old file or the new one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cronoslot.store.writer import atomic_write, is_temporary


def test_writes_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "work.ics"
    atomic_write(target, b"old")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert [path.name for path in tmp_path.iterdir()] == ["work.ics"]


def test_mode_is_applied_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        atomic_write(tmp_path / "sources.json", b"{}", mode=0o600)
    finally:
        os.umask(previous)
    assert (tmp_path / "sources.json").stat().st_mode & 0o777 == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "work.ics"
    target.write_bytes(b"old")
    (tmp_path / "blocker").mkdir()
    with pytest.raises(OSError):
        atomic_write(tmp_path / "blocker", b"cannot replace a folder")
    assert target.read_bytes() == b"old"
    assert not [path for path in tmp_path.iterdir() if is_temporary(path.name)]


WRITER = """
import sys
from cronoslot.store.writer import atomic_write
target, size = sys.argv[1], int(sys.argv[2])
print("ready", flush=True)
n = 0
while True:
    n += 1
    atomic_write(target, (b"%d:" % n) * (size // 8))
"""


@pytest.mark.slow
def test_kill_9_mid_write_leaves_a_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "big.ics"
    atomic_write(target, b"0:" * (4_000_000 // 8))
    for _ in range(10):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target), "4000000"], stdout=subprocess.PIPE
        )
        assert process.stdout is not None
        assert process.stdout.readline() == b"ready\n"
        time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=20)
        data = target.read_bytes()
        first = data.split(b":", 1)[0]
        assert data == (first + b":") * (4_000_000 // 8), "a torn file"


def test_remove_leftovers_removes_only_the_targets_temporary_files(tmp_path: Path) -> None:
    from cronoslot.store.writer import remove_leftovers

    target = tmp_path / "cronoslot.ics"
    mine = tmp_path / ".cronoslot-tmp-cronoslot.ics.a1b2c3d4e5f6"
    other = tmp_path / ".cronoslot-tmp-work.ics.a1b2c3d4e5f6"
    for path in (target, mine, other):
        path.write_bytes(b"x")
    assert remove_leftovers(target) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, other.name])
