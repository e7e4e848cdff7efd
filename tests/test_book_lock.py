"""The store's lock: exclusive for booking, shared for reading, gone with its process."""

from __future__ import annotations

import select
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import cronoslot
from cronoslot.book.lock import exclusive, shared

from .booking_store import NOW, make_store
from .conftest import ROOT, SAMPLES

HOLDER = """
import sys, time
from cronoslot.book.lock import exclusive
with exclusive(sys.argv[1], print):
    print("locked", flush=True)
    time.sleep(120)
"""


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return make_store(tmp_path / "store", ("acc_ann",))


@pytest.fixture
def holder(store: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the store exclusively."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert child.stdout is not None
        ready, _, _ = select.select([child.stdout], [], [], 30)
        assert ready and child.stdout.readline().strip() == "locked"
        yield child
    finally:
        child.kill()
        child.wait(timeout=30)


def waits_for(holder: subprocess.Popen[str], work: Callable[[], object]) -> None:
    """``work`` does not finish while ``holder`` lives, and does once it is killed."""
    done = threading.Event()

    def run() -> None:
        work()
        done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert not done.wait(0.5), "finished while another process held the store"
    holder.kill()  # kill -9: the lock goes with the process
    holder.wait(timeout=30)
    assert done.wait(30)
    thread.join(30)


def test_a_booking_waits_for_the_holder_and_not_beyond_its_death(
    store: Path, holder: subprocess.Popen[str]
) -> None:
    def book() -> None:
        with exclusive(store, print):
            pass

    waits_for(holder, book)


def test_a_query_waits_while_a_booking_writes(store: Path, holder: subprocess.Popen[str]) -> None:
    def query() -> None:
        with cronoslot.open(store, now=NOW, cache=False) as cal:
            cal.busy("acc_ann", "2027-04-22T00:00:00Z", "2027-04-23T00:00:00Z")

    waits_for(holder, query)


def test_the_lock_is_reentrant_within_a_call(store: Path) -> None:
    with exclusive(store, print), shared(store, print), exclusive(store, print):
        pass
    with shared(store, print), pytest.raises(RuntimeError):  # noqa: SIM117
        with exclusive(store, print):
            pass


def test_queries_create_nothing_in_the_store() -> None:
    store = SAMPLES / "calendars"
    before = sorted(str(p) for p in store.rglob("*"))
    with cronoslot.open(store, now=NOW, cache=False) as cal:
        cal.availability((SAMPLES / "requests" / "slots.json").read_bytes())
    assert sorted(str(p) for p in store.rglob("*")) == before
