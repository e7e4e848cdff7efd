"""The API's limits as a ``Limits`` object: every relaxable limit refuses by default and
passes with ``NO_API_LIMITS`` (``find``, ``--no-api-limits``); what is not relaxable stays."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from cronoslot.api.limits import API_LIMITS, NO_API_LIMITS, Limits
from cronoslot.api.request import parse_availability, parse_sequence
from cronoslot.cli.app import cli
from cronoslot.errors import InvalidRequest
from cronoslot.timeutil import DAY, format_time

from .conftest import SAMPLES

NOW = 1_800_000_000  # 2027-01-15T08:00:00Z
HOUR = 3600


def at(seconds: int) -> str:
    return format_time(NOW + seconds)


def availability(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "participants": [{"members": [{"sub": "a"}], "required": "all"}],
        "required_duration": {"minutes": 30},
        "query_periods": [{"start": at(HOUR), "end": at(2 * HOUR)}],
    }
    body.update(changes)
    return body


def errors(body: dict[str, Any], limits: Limits, kind: str = "availability") -> dict[str, Any]:
    parse = parse_availability if kind == "availability" else parse_sequence
    try:
        parse(
            json.dumps(body), now=NOW, store=None, strict=False, warn=lambda _: None, limits=limits
        )
    except InvalidRequest as error:
        return {path: [p["key"] for p in problems] for path, problems in error.errors.items()}
    return {}


def members(count: int) -> list[dict[str, Any]]:
    return [{"members": [{"sub": f"acc_{n}"} for n in range(count)], "required": 1}]


def step(sequence_id: str) -> dict[str, Any]:
    return {
        "sequence_id": sequence_id,
        "participants": [{"members": [{"sub": "a"}], "required": "all"}],
        "required_duration": {"minutes": 15},
    }


BEYOND_THE_API = {
    "accounts": (availability(participants=members(11)), "participants", "errors.too_many"),
    "periods": (
        availability(
            query_periods=[{"start": at(n * HOUR), "end": at(n * HOUR + 60)} for n in range(51)]
        ),
        "query_periods",
        "errors.too_many",
    ),
    "query slots": (
        availability(query_periods=None, query_slots=[{"start": at(n * HOUR)} for n in range(51)]),
        "query_slots",
        "errors.too_many",
    ),
    "span": (
        availability(query_periods=[{"start": at(HOUR), "end": at(36 * DAY)}]),
        "query_periods[0].end",
        "errors.max_period_exceeded",
    ),
    "horizon": (
        availability(query_periods=[{"start": at(202 * DAY), "end": at(203 * DAY)}]),
        "query_periods[0].start",
        "errors.max_date_exceeded",
    ),
    "duration": (
        availability(
            required_duration={"hours": 36 * 24},
            query_periods=[{"start": at(HOUR), "end": at(40 * DAY)}],
        ),
        "required_duration",
        "errors.invalid_value",
    ),
    "results": (availability(max_results=513), "max_results", "errors.invalid_value"),
}


@pytest.mark.parametrize("case", sorted(BEYOND_THE_API))
def test_each_relaxable_limit(case: str) -> None:
    body, path, key = BEYOND_THE_API[case]
    assert key in errors(body, API_LIMITS)[path]
    assert errors(body, NO_API_LIMITS) == {}


def test_six_steps() -> None:
    body = {
        "query_periods": [{"start": at(HOUR), "end": at(9 * HOUR)}],
        "sequence": [step(f"s{n}") for n in range(6)],
    }
    assert errors(body, API_LIMITS, "sequence") == {"sequence": ["errors.too_many"]}
    assert errors(body, NO_API_LIMITS, "sequence") == {}


def test_what_is_never_relaxed() -> None:
    for body, path, key in [
        (availability(start_interval={"minutes": 45}), "start_interval", "errors.invalid_value"),
        (availability(max_results=2**31 + 1), "max_results", "errors.invalid_value"),
        (
            availability(query_periods=[{"start": at(-60), "end": at(HOUR)}]),
            "query_periods[0].start",
            "errors.min_date_exceeded",
        ),
        (availability(query_periods=[]), "query_periods", "errors.too_few"),
    ]:
        assert key in errors(body, NO_API_LIMITS)[path]


def test_the_command_line_flag() -> None:
    body = json.loads((SAMPLES / "requests" / "slots.json").read_text())
    body["query_periods"] = [
        {"start": "2027-04-22T09:00:00Z", "end": "2027-04-22T18:00:00Z"},
        {"start": "2027-05-31T09:00:00Z", "end": "2027-05-31T18:00:00Z"},  # 39 days later
    ]
    args = ["availability", "-", "--calendars", str(SAMPLES / "calendars")]
    args += ["--now", "2027-04-01T00:00:00Z"]
    refused = CliRunner().invoke(cli, args, input=json.dumps(body))
    assert refused.exit_code == 1 and "max_period_exceeded" in refused.stderr
    answered = CliRunner().invoke(cli, [*args, "--no-api-limits"], input=json.dumps(body))
    assert answered.exit_code == 0, answered.output
    starts = [slot["start"] for slot in json.loads(answered.stdout)["available_slots"]]
    assert starts[:3] == ["2027-04-22T13:45:00Z", "2027-04-22T14:45:00Z", "2027-04-22T15:45:00Z"]
    assert starts[3].startswith("2027-05-31")
