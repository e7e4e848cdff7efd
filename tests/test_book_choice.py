"""A choice checked against its request: what is an answer, and the request that checks
it again."""

from __future__ import annotations

import json
from typing import Any

import pytest

import cronoslot
from cronoslot.api.request import parse_availability, parse_sequence
from cronoslot.book.choice import read_choice
from cronoslot.models import AvailabilityRequest, Buffer, SequenceRequest
from cronoslot.timeutil import parse_time

from .booking_store import NOW, ROOM, at, loop_request, slot, slot_request
from .conftest import SAMPLES


def parsed(body: dict[str, Any]) -> AvailabilityRequest | SequenceRequest:
    parse = parse_sequence if "sequence" in body else parse_availability
    return parse(json.dumps(body), now=parse_time(NOW), store=None, strict=False, warn=print)


def problems(body: dict[str, Any], choice: Any, event_id: str | None = "x") -> dict[str, Any]:
    with pytest.raises(cronoslot.InvalidRequest) as caught:
        read_choice(parsed(body), choice, event_id=event_id, warn=print)
    return {path: [e["key"] for e in errors] for path, errors in caught.value.errors.items()}


def test_a_slot_and_the_request_that_checks_it() -> None:
    request = slot_request(
        excluded_events=[{"event_id": "old"}], buffer={"before": {"minutes": 10}}
    )
    (event,) = read_choice(parsed(request), slot("09:00", "10:00"), event_id="call", warn=print)
    assert (event.event_id, event.start, event.end) == (
        "call",
        parse_time(at("09:00")),
        parse_time(at("10:00")),
    )
    check = event.check
    assert check.query_slots == (event.start,)
    assert check.query_periods is None
    assert check.response_format == "overlapping_slots"
    assert check.buffer == Buffer(before=600)
    assert check.excluded_events.event_ids == {"old", "call"}


def test_a_sequence_option_and_its_steps_checks() -> None:
    option = {
        "sequence": [  # in any order
            {**slot("10:00", "10:30", (ROOM, "acc_ben")), "sequence_id": "loop-2"},
            {**slot("09:00", "09:45", ("acc_ann",)), "sequence_id": "loop-1"},
        ]
    }
    first, second = read_choice(parsed(loop_request()), option, event_id=None, warn=print)
    assert (first.event_id, second.event_id) == ("loop-1", "loop-2")
    assert second.participants == ("acc_ben", ROOM)  # request order
    assert second.check.buffer == Buffer(before=15 * 60)  # the step's calendar buffer
    assert second.check.required_duration == 30 * 60
    assert second.check.excluded_events.event_ids == {"loop-1", "loop-2"}


def test_k_of_n_groups_take_the_chosen_members() -> None:
    request = {
        **slot_request(("acc_ann",)),
        "participants": [
            {"members": [{"sub": "acc_ann"}], "required": "all"},
            {"members": [{"sub": ROOM}, {"sub": "res_other"}], "required": 1},
        ],
    }
    (event,) = read_choice(
        parsed(request), slot("09:00", "10:00", ("acc_ann", ROOM)), event_id="x", warn=print
    )
    assert event.participants == ("acc_ann", ROOM)
    assert problems(request, slot("09:00", "10:00", ("acc_ann",))) == {
        "choice.participants": ["errors.too_few"]
    }


def test_query_slots_and_grids() -> None:
    given = {**slot_request(), "query_slots": [{"start": at("09:10")}], "query_periods": None}
    given.pop("response_format")
    assert read_choice(parsed(given), slot("09:10", "10:10"), event_id="x", warn=print)
    assert problems(given, slot("09:00", "10:00")) == {"choice.start": ["errors.invalid_value"]}
    # Periods without a grid: any start inside them.
    periods = slot_request(response_format="periods")
    assert read_choice(parsed(periods), slot("09:07", "10:07"), event_id="x", warn=print)
    assert problems(slot_request(), slot("09:07", "10:07")) == {
        "choice.start": ["errors.invalid_value"]
    }
    grid = slot_request(start_interval={"minutes": 30})
    assert problems(grid, slot("09:15", "10:15")) == {"choice.start": ["errors.invalid_value"]}


def test_every_problem_at_once() -> None:
    choice = {"start": "tomorrow", "participants": [{"sub": "acc_ann"}, {"sub": "acc_ann"}, {}]}
    assert problems(slot_request(), choice, event_id=None) == {
        "event_id": ["errors.required"],
        "choice.start": ["errors.invalid_time_format"],
        "choice.end": ["errors.required"],
        "choice.participants[1].sub": ["errors.duplicate"],
        "choice.participants[2].sub": ["errors.required"],
    }
    option = {
        "sequence": [
            {**slot("09:00", "09:45", ("acc_ann",)), "sequence_id": "loop-1"},
            {**slot("09:00", "09:45", ("acc_ann",)), "sequence_id": "loop-1"},
        ]
    }
    assert problems(loop_request(), option, event_id=None) == {
        "choice.sequence[1].sequence_id": ["errors.duplicate"],
        "choice.sequence": ["errors.too_few"],
    }


@pytest.mark.parametrize(
    "path", sorted((SAMPLES / "requests").glob("*.json")), ids=lambda p: p.name
)
def test_every_item_of_an_answer_is_an_answer(path: Any) -> None:
    body = json.loads(path.read_text())
    with cronoslot.open(SAMPLES / "calendars", now=NOW, cache=False) as cal:
        if "sequence" in body:
            items = cal.sequence(body)["sequences"]
        else:
            answer = cal.availability(body)
            items = answer.get("available_slots") or []
            duration = cal.parse_availability(body).required_duration
            # A period is booked as its first required_duration.
            for period in answer.get("available_periods", []):
                end = parse_time(period["start"]) + duration
                items.append({**period, "end": cronoslot.timeutil.format_time(end)})
        request = parsed(body)
    assert items
    event_id = None if "sequence" in body else "x"
    for item in items:
        events = read_choice(request, item, event_id=event_id, warn=print)
        for event in events:
            assert event.check.query_slots == (event.start,)
