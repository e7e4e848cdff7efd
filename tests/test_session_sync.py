"""The session's sync side: ``max_age``, ``Session.sync`` arguments, and queries that never
touch the network without ``--sync``."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

import cronoslot
from cronoslot.engine.queries import used_calendars


def store_with_source(tmp_path: Path) -> Path:
    store = tmp_path / "calendars"
    (store / "acc_a").mkdir(parents=True)
    (store / "acc_a" / "sources.json").write_text(
        json.dumps({"sources": [{"calendar_id": "work", "url": "https://example.org/w.ics"}]})
    )
    (store / "acc_a" / "home.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    return store


REQUEST = {
    "participants": [{"members": [{"sub": "acc_a", "calendar_ids": ["work"]}], "required": "all"}],
    "required_duration": {"minutes": 30},
    "query_periods": [{"start": "2027-04-22T09:00:00Z", "end": "2027-04-22T12:00:00Z"}],
    "include_member_statuses": True,
}


def test_max_age_forms(tmp_path: Path) -> None:
    store = store_with_source(tmp_path)
    for given, seconds in (("90m", 5400), (3600, 3600), (timedelta(days=7), 604800), (None, None)):
        with cronoslot.open(store, max_age=given, cache=False) as cal:
            assert cal.max_age == seconds
    for bad in ("soon", 0, -5, True, 1.5):
        with pytest.raises(cronoslot.UsageError):
            cronoslot.open(store, max_age=bad)  # type: ignore[arg-type]


def test_a_source_calendar_exists_before_its_first_sync(tmp_path: Path) -> None:
    store = store_with_source(tmp_path)
    warnings: list[str] = []
    with cronoslot.open(
        store, now="2027-04-01T00:00:00Z", cache=False, warn=warnings.append
    ) as cal:
        request = cal.parse_availability(REQUEST)
        assert used_calendars(request, cal._store()) == [("acc_a", "work")]
        answer = cal.answer_availability(request)
    assert answer.member_statuses is not None
    assert [str(s.sync_status) for s in answer.member_statuses] == ["pending"]
    assert any("acc_a/work" in warning for warning in warnings)
    assert all("w.ics" not in warning for warning in warnings)


def test_sync_arguments(tmp_path: Path) -> None:
    store = store_with_source(tmp_path)
    with cronoslot.open(store, cache=False) as cal:
        with pytest.raises(cronoslot.UsageError):
            cal.sync(["acc_nobody"])
        with pytest.raises(cronoslot.UsageError):
            cal.sync(["../etc"])
        with pytest.raises(cronoslot.UsageError):
            cal.sync(timeout=0)
        assert cal.sync(calendars=[("acc_a", "home")]) == ()


def test_a_query_never_imports_the_network_code(tmp_path: Path) -> None:
    store = store_with_source(tmp_path)
    code = f"""
import sys, cronoslot
with cronoslot.open({str(store)!r}, now="2027-04-01T00:00:00Z", cache=False, warn=print) as cal:
    cal.availability({REQUEST!r})
    cal.busy("acc_a", "2027-04-22T00:00:00Z", "2027-04-23T00:00:00Z")
loaded = [m for m in ("cronoslot.sync.feeds", "cronoslot.sync.runner", "caldav", "http.client")
          if m in sys.modules]
assert loaded == [], loaded
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_ages_are_on_the_real_clock_not_on_now(tmp_path: Path) -> None:
    import time

    from cronoslot import timeutil
    from cronoslot.sync.sources import Source
    from cronoslot.sync.state import SyncState, write_state

    store = store_with_source(tmp_path)
    (store / "acc_a" / "work.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    real = int(time.time())
    source = Source("acc_a", "work", "https://example.org/w.ics")
    write_state(store / "acc_a", "work", SyncState(source.fingerprint, last_success=real - 3600))
    day = 86400
    now = real - real % day + 30 * day  # a request's now a month from today
    request = {
        **REQUEST,
        "query_periods": [
            {"start": timeutil.format_time(now + day), "end": timeutil.format_time(now + 2 * day)}
        ],
    }
    warnings: list[str] = []
    with cronoslot.open(
        store, now=timeutil.format_time(now), cache=False, warn=warnings.append
    ) as cal:
        answer = cal.availability(request)
    assert answer["member_statuses"] == [{"sub": "acc_a", "sync_status": "active"}], warnings
    with cronoslot.open(store, now=timeutil.format_time(now), cache=False, max_age="30m") as cal:
        answer = cal.availability(request)
    assert answer["member_statuses"][0]["sync_status"] == "disconnected"
    assert any("1h old" in warning for warning in cal.warnings)
