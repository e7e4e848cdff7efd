"""Malformed requests thrown at the command line: a clean answer or a clean error, never a
traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cronoslot.cli.app import cli

from .conftest import SAMPLES

STORE = str(SAMPLES / "calendars")
NOW = "2027-04-01T00:00:00Z"
BASE = json.loads((SAMPLES / "requests" / "slots.json").read_text())
SEQUENCE_BASE = json.loads((SAMPLES / "requests" / "interview-loop.json").read_text())

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**40), max_value=2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(
        ["2027-04-22T09:00:00Z", "2027-04-22T09:00Z", "all", "periods", "slots", "acc_x", ".."]
    ),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["minutes", "hours", "start", "end", "sub", "members", "required"])
            | st.text(max_size=8),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = json.loads(json.dumps(value))
    target = copy
    for step in path[:-1]:
        target = target[step]
    if new is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = new
    return copy


_DELETE = object()


@st.composite
def mutated(draw: st.DrawFn, base: Any) -> Any:
    request = base
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(request)
        path = draw(st.sampled_from(paths))
        new = draw(json_values | st.just(_DELETE)) if path else draw(json_values)
        request = _replace(request, path, new)
    return request


def _invoke(command: str, body: bytes) -> None:
    result = CliRunner().invoke(cli, [command, "-", "--calendars", STORE, "--now", NOW], input=body)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        body,
        result.exception,
    )
    assert result.exit_code in (0, 1), (body, result.output)
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert "errors" in json.loads(result.stderr.strip().splitlines()[-1])
    else:
        json.loads(result.stdout)


_FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FUZZ
@given(mutated(BASE))
def test_mutated_availability_requests(request: Any) -> None:
    _invoke("availability", json.dumps(request).encode())


@_FUZZ
@given(mutated(SEQUENCE_BASE))
def test_mutated_sequence_requests(request: Any) -> None:
    _invoke("sequence", json.dumps(request).encode())


@_FUZZ
@given(st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()))
def test_arbitrary_bodies(body: bytes) -> None:
    _invoke("availability", body)
    _invoke("sequence", body)


def test_sample_requests_are_valid_under_the_fuzz_harness() -> None:
    _invoke("availability", json.dumps(BASE).encode())
    _invoke("sequence", json.dumps(SEQUENCE_BASE).encode())


def test_path_helper_sees_every_node() -> None:
    assert len(_paths({"a": [1, {"b": 2}]})) == 5
    assert Path(STORE).is_dir()
