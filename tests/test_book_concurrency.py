"""Bookings racing each other, and bookings killed (``kill -9``) at any moment: real
``cronoslot book`` processes over one store."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import icalendar
import pytest

from cronoslot.book.events import ManagedEvent, new_calendar, put_event, render_event
from cronoslot.book.journal import JOURNAL_NAME

from .booking_store import ACCOUNTS, NOW, booking_file, make_store, slot, slot_request
from .conftest import ROOT


def command(store: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "cronoslot", *args, "--calendars", str(store)]


def book(store: Path, request: Path, choice: Path, event_id: str) -> list[str]:
    args = ("book", str(request), str(choice), "--event-id", event_id, "--now", NOW)
    return command(store, *args)


def events_of(store: Path, sub: str) -> list[tuple[str, str]]:
    """(event id, start) of every event in the account's booking calendar; the file must
    parse whole."""
    path = booking_file(store, sub)
    if not path.exists():
        return []
    data = path.read_bytes()
    assert data.rstrip().endswith(b"END:VCALENDAR"), f"{path} is cut short"
    calendar = icalendar.Calendar.from_ical(data)
    return [
        (str(event["X-CRONOSLOT-EVENT-ID"]), event["DTSTART"].dt.isoformat())
        for event in calendar.walk("VEVENT")
    ]


def write(path: Path, body: object) -> Path:
    path.write_text(json.dumps(body))
    return path


def test_eight_bookings_of_one_slot_at_once(tmp_path: Path) -> None:
    store = make_store(tmp_path / "store")
    request = write(tmp_path / "request.json", slot_request())
    choice = write(tmp_path / "choice.json", slot("09:00", "10:00"))
    processes = [
        subprocess.Popen(
            book(store, request, choice, f"race-{number}"),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(8)
    ]
    outcomes = [
        (process.wait(timeout=120), process.communicate(timeout=30)) for process in processes
    ]
    codes = sorted(code for code, _ in outcomes)
    assert codes == [0] + [5] * 7, [err for _, (_, err) in outcomes]
    (winner,) = [out for code, (out, _) in outcomes if code == 0]
    winner_id = json.loads(winner)["booked"][0]["event_id"]
    for sub in ACCOUNTS:
        assert events_of(store, sub) == [(winner_id, "2027-04-22T09:00:00+00:00")], sub


def _wait_for_the_journal(store: Path, process: subprocess.Popen[bytes]) -> None:
    """Until the booking starts writing (its journal appears) or ends; bounded."""
    deadline = time.monotonic() + 60
    journal = store / JOURNAL_NAME
    while time.monotonic() < deadline:
        if journal.exists() or process.poll() is not None:
            return
        time.sleep(0.0002)


@pytest.mark.slow
def test_kill_9_at_any_moment_leaves_the_whole_booking_or_none(tmp_path: Path) -> None:
    store = make_store(tmp_path / "store")  # five participants
    for sub in ACCOUNTS:  # an old booking with a long description: writes take a while
        old = ManagedEvent("old", 1_700_000_000, 1_700_003_600, "Old", "x" * 20_000)
        text = put_event(new_calendar(), "old", render_event(old))
        booking_file(store, sub).write_text(text)
    request = write(tmp_path / "request.json", slot_request())
    choices = [
        write(tmp_path / f"choice-{clock}.json", slot(clock, f"{int(clock[:2]) + 1:02d}:00"))
        for clock in ("09:00", "10:00", "11:00", "14:00", "15:00")
    ]
    # How long one booking lives, to spread the kills over it.
    started = time.monotonic()
    subprocess.run(book(store, request, choices[0], "timing"), cwd=ROOT, check=True, timeout=120)
    lifetime = time.monotonic() - started
    subprocess.run(command(store, "cancel", "timing"), cwd=ROOT, check=True, timeout=120)

    random_source = random.Random(20270422)
    interrupted = 0
    for attempt in range(50):
        choice = random_source.choice(choices)
        process = subprocess.Popen(
            book(store, request, choice, "loop"),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if attempt % 2:
            time.sleep(random_source.uniform(0, lifetime))  # anywhere in its life
        else:
            _wait_for_the_journal(store, process)  # while it writes
            # Mostly within the first milliseconds: writing is quick on a fast disk.
            time.sleep(0.03 * random_source.random() ** 3)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)

        for sub in ACCOUNTS:
            events_of(store, sub)  # every file parses, always
        interrupted += (store / JOURNAL_NAME).exists()
        # The next command that reads the store finishes what the booking left.
        subprocess.run(
            command(store, "busy", "acc_ann", "--from", NOW, "--to", "2027-05-01T00:00:00Z"),
            cwd=ROOT,
            check=True,
            timeout=120,
            stdout=subprocess.DEVNULL,
        )
        assert not (store / JOURNAL_NAME).exists()
        assert not [p for p in store.glob("*/.cronoslot-tmp-*")], "left temporary files"
        seen = {sub: events_of(store, sub) for sub in ACCOUNTS}
        assert len(set(map(tuple, seen.values()))) == 1, (attempt, seen)  # all or none
        assert len(seen["acc_ann"]) <= 2, (attempt, seen)
    # The kills did land while bookings were writing (else this test proves little).
    assert interrupted >= 1
    # The next booking clears what a journal killed while being written left.
    subprocess.run(book(store, request, choices[0], "last"), cwd=ROOT, timeout=120)
    assert not [p for p in store.rglob(".cronoslot-tmp-*")]
