"""Syncs racing each other and queries: two ``cronoslot sync`` processes at once and a query
during a sync all succeed, no reader ever sees half a file, and a sync killed at any moment
leaves each file old or new."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cronoslot.sync.registry import add_source, new_source

from .sync_servers import FeedServer, feed_server_fixture  # noqa: F401 (a fixture)

NOW = "2027-04-01T00:00:00Z"
SECRET = "private-9f8e7d6c5b4a39281706f5e4d3c2b1a0"


def calendar(version: str, events: int) -> bytes:
    """A calendar of ``events`` events, the first at 10:00Z (version A) or 09:00Z (B)."""
    hour = "10" if version == "A" else "09"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    lines += [
        "BEGIN:VEVENT",
        f"UID:first-{version}",
        f"DTSTART:20270422T{hour}0000Z",
        f"DTEND:20270422T{hour}3000Z",
        "END:VEVENT",
    ]
    for number in range(events):
        day = 1 + number % 28
        lines += [
            "BEGIN:VEVENT",
            f"UID:filler-{number}",
            f"DTSTART:202601{day:02d}T120000Z",
            f"DTEND:202601{day:02d}T130000Z",
            f"DESCRIPTION:{'filler text ' * 20}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def cronoslot(*args: str, store: Path, server: FeedServer) -> subprocess.Popen[str]:
    env = {**os.environ, "SSL_CERT_FILE": str(server.certificate)}
    command = [sys.executable, "-m", "cronoslot", *args, "--calendars", str(store)]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def setup_sources(server: FeedServer, store: Path, prefix: str, count: int) -> list[str]:
    subs = []
    for number in range(count):
        sub = f"acc_{prefix}{number}"
        name = f"{prefix}-{number}"
        (server.root / f"{name}.ics").write_bytes(calendar("A", 3000))
        url = server.http(f"/feed/{SECRET}/{name}.ics")
        add_source(store, new_source(sub, "work", url))
        subs.append(sub)
    return subs


class Reader(threading.Thread):
    """Reads a calendar file over and over; records every content that is neither version."""

    def __init__(self, path: Path, allowed: set[bytes]) -> None:
        super().__init__(daemon=True)
        self.path, self.allowed = path, allowed
        self.stop = threading.Event()
        self.reads = 0
        self.bad: list[int] = []

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                data = self.path.read_bytes()
            except FileNotFoundError:
                continue
            self.reads += 1
            if data not in self.allowed:
                self.bad.append(len(data))
            time.sleep(0.002)  # leave the processes under test some CPU


def request_file(tmp_path: Path, sub: str) -> Path:
    path = tmp_path / f"{sub}.json"
    path.write_text(
        json.dumps(
            {
                "participants": [{"members": [{"sub": sub}], "required": "all"}],
                "required_duration": {"minutes": 30},
                "query_periods": [{"start": "2027-04-22T08:00:00Z", "end": "2027-04-22T12:00:00Z"}],
                "include_member_statuses": True,
            }
        )
    )
    return path


def race(server: FeedServer, store: Path, tmp_path: Path, prefix: str, rounds: int) -> None:
    subs = setup_sources(server, store, prefix, 4)
    first = cronoslot("sync", store=store, server=server)
    assert finish(first)[0] == 0
    allowed = {calendar("A", 3000), calendar("B", 3000)}
    reader = Reader(store / subs[0] / "work.ics", allowed)
    reader.start()
    request = request_file(tmp_path, subs[0])
    try:
        for number in range(rounds):
            version = "B" if number % 2 == 0 else "A"
            for index in range(4):
                (server.root / f"{prefix}-{index}.ics").write_bytes(calendar(version, 3000))
            syncs = [cronoslot("sync", store=store, server=server) for _ in range(2)]
            query = cronoslot(
                "availability", str(request), "--now", NOW, store=store, server=server
            )
            for process in syncs:
                code, out, err = finish(process)
                assert code == 0, err
                assert {s["status"] for s in json.loads(out)["sources"]} <= {"updated", "unchanged"}
                assert SECRET not in out + err
            code, out, err = finish(query)
            assert code == 0, err
            first_free = json.loads(out)["available_periods"][0]["end"]
            assert first_free in ("2027-04-22T09:00:00Z", "2027-04-22T10:00:00Z")
            for sub in subs:
                assert (store / sub / "work.ics").read_bytes() == calendar(version, 3000)
                state = json.loads((store / sub / ".sync" / "work.json").read_text())
                assert state["last_error"] is None
    finally:
        reader.stop.set()
        reader.join(timeout=10)
    assert reader.reads > 0
    assert reader.bad == []


def test_two_syncs_and_a_query_at_once_all_succeed(feed_server: FeedServer, tmp_path: Path) -> None:
    store = tmp_path / "calendars"
    store.mkdir()
    race(feed_server, store, tmp_path, "race", rounds=1)


@pytest.mark.slow
def test_many_racing_rounds(feed_server: FeedServer, tmp_path: Path) -> None:
    store = tmp_path / "calendars"
    store.mkdir()
    race(feed_server, store, tmp_path, "many", rounds=12)


@pytest.mark.slow
def test_a_sync_killed_at_any_moment_leaves_the_file_old_or_new(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    store = tmp_path / "calendars"
    store.mkdir()
    [sub] = setup_sources(feed_server, store, "killed", 1)
    versions = (calendar("A", 3000), calendar("B", 20000))
    (feed_server.root / "killed-0.ics").write_bytes(versions[0])
    assert finish(cronoslot("sync", store=store, server=feed_server))[0] == 0
    for attempt in range(16):
        # Each try fetches the other version, and is killed a little later than the last.
        (feed_server.root / "killed-0.ics").write_bytes(versions[(attempt + 1) % 2])
        process = cronoslot("sync", store=store, server=feed_server)
        time.sleep(0.03 * attempt)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert (store / sub / "work.ics").read_bytes() in versions
    # The calendars the store lists are whole; leftovers are only hidden temporary files.
    names = [p.name for p in (store / sub).iterdir()]
    assert [n for n in names if n.endswith(".ics") and not n.startswith(".")] == ["work.ics"]
