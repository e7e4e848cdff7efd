"""``explain`` over a store, through the session: events come whole (with their identity)
even when a warm cache would serve bare spans, the calendars are read over the asked
interval wherever it lies, and the verdict agrees with the session's own answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cronoslot
from cronoslot.explain.reasons import Busy, Verdict

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "explain"
STORE = FIXTURES / "store"
NOW = "2027-05-01T00:00:00Z"


def body(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / "requests" / f"{name}.json").read_text())
    return loaded


def test_a_warm_cache_still_gives_events_whole(tmp_path: Path) -> None:
    request = body("busy")
    with cronoslot.open(STORE, now=NOW, cache=tmp_path / "cache") as cal:
        cal.availability(request)  # fills the cache, spans included
        cal.availability(request)  # a warm run
        found = cal.explain_result(request, at="2027-05-03T12:00:00Z")
    assert isinstance(found, Verdict)
    (reason,) = found.groups[0].members[0].reasons
    assert isinstance(reason, Busy)
    assert reason.event.event_uid == "roadmap@example.com"
    assert reason.event.summary == "Roadmap"


def test_the_interval_is_read_wherever_it_lies() -> None:
    request = body("busy")
    request["query_periods"] = [{"start": "2027-05-03T06:00:00Z", "end": "2027-05-03T09:00:00Z"}]
    with cronoslot.open(STORE, now=NOW, cache=False) as cal:
        found = cal.explain(request, at="2027-05-03T15:00:00Z", show_private=True)
    assert [r["reason"] for r in found["reasons"]] == ["outside_query_periods"]
    member = found["groups"][0]["members"][0]
    assert [(r["reason"], r["event"]["summary"]) for r in member["reasons"]] == [("busy", "Doctor")]


def test_query_slots_requests_get_their_interval_read_too() -> None:
    request = body("busy")
    del request["query_periods"]
    del request["response_format"]
    request["query_slots"] = [{"start": "2027-05-03T06:00:00Z"}]
    with cronoslot.open(STORE, now=NOW, cache=False) as cal:
        found = cal.explain(request, at="2027-05-03T12:00:00Z")
    assert found["reasons"] == [
        {
            "reason": "outside_query_periods",
            "nearest": [{"start": "2027-05-03T06:00:00Z", "end": "2027-05-03T07:00:00Z"}],
        },
        {
            "reason": "off_grid",
            "start_interval_seconds": None,
            "earlier": "2027-05-03T06:00:00Z",
            "later": None,
        },
    ]
    assert found["groups"][0]["members"][0]["reasons"][0]["event"]["event_uid"] == (
        "roadmap@example.com"
    )


def test_every_start_the_session_offers_is_available_and_no_other() -> None:
    request = body("bottleneck")
    request["required_duration"] = {"minutes": 60}
    request["response_format"] = "overlapping_slots"
    with cronoslot.open(STORE, now=NOW, cache=False) as cal:
        offered = {slot["start"] for slot in cal.availability(request)["available_slots"]}
        assert offered
        for minutes in range(0, 5 * 60, 15):
            start = f"2027-05-03T{7 + minutes // 60:02d}:{minutes % 60:02d}:00Z"
            found = cal.explain(request, at=start)
            assert found["available"] == (start in offered), start


def test_a_sequence_body_is_recognised() -> None:
    with cronoslot.open(STORE, now=NOW, cache=False) as cal:
        found = cal.explain(json.dumps(body("sequence_gap")))
    assert found["explain"] == "sequence_diagnosis"
