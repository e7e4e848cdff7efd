"""The real client: pycronofy, Cronofy's Python SDK, pointed at ``cronoslot serve``.

Its answers must be exactly what the CLI prints for the body pycronofy sent (captured with
its response hook), and, where pycronofy sends the whole sample, for the sample itself.
pycronofy drops what its methods have no parameter for (``excluded_events``,
``include_member_statuses``, a sequence's ``max_results``) and reads ``available_periods``
unless ``response_format`` is ``slots`` or ``overlapping_slots``: the tests pin both down,
as README says.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from cronoslot.cli.app import cli

from .conftest import SAMPLES
from .server_process import ServerProcess

pycronofy = pytest.importorskip("pycronofy")
pytest.importorskip("starlette")
from pycronofy.exceptions import PyCronofyRequestError  # noqa: E402

NOW = "2027-04-01T00:00:00Z"
TOKEN = "pycronofy-test-token"
REQUESTS = SAMPLES / "requests"
AVAILABILITY_PARAMETERS = (
    "participants",
    "required_duration",
    "start_interval",
    "buffer",
    "response_format",
    "query_slots",
    "max_results",
)
# Samples whose every field pycronofy sends (query_periods under its alias).
SENT_WHOLE = ("slots", "overlapping_slots", "periods")


def cli_output(command: str, body: bytes) -> Any:
    arguments = [command, "-", "--calendars", str(SAMPLES / "calendars"), "--now", NOW]
    result = CliRunner().invoke(cli, [*arguments, "--no-cache"], input=body)
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        return json.loads(result.stderr.strip().splitlines()[-1])
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    scratch = tmp_path_factory.mktemp("pycronofy")
    (scratch / "tokens").write_text(TOKEN + "\n")
    args = ["--calendars", str(SAMPLES / "calendars"), "--token-file", str(scratch / "tokens")]
    args += ["--workers", "2", "--now", NOW, "--cache-dir", str(scratch / "cache")]
    process = ServerProcess(args, scratch / "server.log").start()
    yield process
    process.stop()


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The bodies pycronofy sends, through its response hook."""
    bodies: list[bytes] = []

    def keep(response: Any, *args: Any, **kwargs: Any) -> Any:
        bodies.append(response.request.body)
        return response

    monkeypatch.setattr(pycronofy.settings, "REQUEST_HOOK", {"response": keep})
    return bodies


def client_for(server: ServerProcess, token: str = TOKEN) -> Any:
    client = pycronofy.Client(access_token=token)
    client.request_handler.base_url = server.url
    return client


def availability_arguments(sample: dict[str, Any]) -> dict[str, Any]:
    arguments = {key: sample[key] for key in AVAILABILITY_PARAMETERS if key in sample}
    if "query_periods" in sample:
        arguments["available_periods"] = sample["query_periods"]
    return arguments


@pytest.mark.parametrize("name", ["slots", "overlapping_slots", "periods", "constraints"])
def test_availability_is_what_the_cli_prints(
    server: ServerProcess, sent: list[bytes], name: str
) -> None:
    sample_bytes = (REQUESTS / f"{name}.json").read_bytes()
    sample = json.loads(sample_bytes)
    answer = client_for(server).availability(**availability_arguments(sample))
    element = "available_periods" if "response_format" not in sample else "available_slots"
    body = json.loads(sent[-1])
    assert "available_periods" in body and "query_periods" not in body
    assert body["buffer"] == sample.get("buffer", {})  # always sent, `{}` when not given
    assert answer == cli_output("availability", sent[-1])[element]
    if name in SENT_WHOLE:
        assert answer == cli_output("availability", sample_bytes)[element]
    assert answer  # the samples have answers: an empty list would compare too easily


def test_fields_pycronofy_has_no_parameter_for_are_not_sent(
    server: ServerProcess, sent: list[bytes]
) -> None:
    sample = json.loads((REQUESTS / "reschedule.json").read_text())
    arguments = availability_arguments(sample)
    answer = client_for(server).availability(**arguments)
    body = json.loads(sent[-1])
    assert "excluded_events" in sample and "excluded_events" not in body
    assert answer == cli_output("availability", sent[-1])["available_slots"]


def test_query_slots_need_response_format_slots(server: ServerProcess, sent: list[bytes]) -> None:
    sample = json.loads((REQUESTS / "query_slots.json").read_text())
    client = client_for(server)
    # Without response_format pycronofy reads "available_periods" from an answer that has
    # "available_slots" (the server answers query slots as overlapping_slots).
    with pytest.raises(KeyError):
        client.availability(**availability_arguments(sample))
    answer = client.availability(**availability_arguments(sample), response_format="slots")
    assert answer == cli_output("availability", sent[-1])["available_slots"]
    assert answer


def test_sequenced_availability_is_what_the_cli_prints(
    server: ServerProcess, sent: list[bytes]
) -> None:
    sample_bytes = (REQUESTS / "interview-loop.json").read_bytes()
    sample = json.loads(sample_bytes)
    answer = client_for(server).sequenced_availability(
        sequence=sample["sequence"], available_periods=sample["query_periods"]
    )
    body = json.loads(sent[-1])
    assert all({"start_interval", "buffer"} <= set(step) for step in body["sequence"])
    assert "max_results" not in body  # pycronofy drops it: the default, 20, applies
    assert answer == cli_output("sequence", sent[-1])["sequences"]
    expected = cli_output("sequence", sample_bytes)["sequences"]
    assert len(expected) == sample["max_results"] < len(answer)
    assert answer[: sample["max_results"]] == expected


def test_steps_without_a_start_interval_are_sent_as_null(
    server: ServerProcess, sent: list[bytes]
) -> None:
    sample = json.loads((REQUESTS / "interview-loop.json").read_text())
    steps = [
        {k: v for k, v in step.items() if k != "start_interval"} for step in sample["sequence"]
    ]
    answer = client_for(server).sequenced_availability(
        sequence=steps, available_periods=sample["query_periods"]
    )
    body = json.loads(sent[-1])
    assert [step["start_interval"] for step in body["sequence"]] == [None] * len(steps)
    assert answer == cli_output("sequence", sent[-1])["sequences"]
    assert answer


def test_an_invalid_request_raises_with_the_422_body(
    server: ServerProcess, sent: list[bytes]
) -> None:
    with pytest.raises(PyCronofyRequestError) as raised:
        client_for(server).availability(
            participants=[],
            required_duration=-30,
            available_periods=[{"start": "2027-04-22T09:00:00Z", "end": "2027-04-22T08:00:00Z"}],
        )
    response = raised.value.response
    assert response.status_code == 422
    assert response.json() == cli_output("availability", sent[-1])
    assert {"participants", "required_duration"} <= set(response.json()["errors"])


def test_a_wrong_token_raises_401(server: ServerProcess) -> None:
    sample = json.loads((REQUESTS / "periods.json").read_text())
    with pytest.raises(PyCronofyRequestError) as raised:
        client_for(server, token="not-the-token").availability(**availability_arguments(sample))
    assert raised.value.response.status_code == 401
    assert "not-the-token" not in raised.value.response.text


def test_the_log_holds_no_token(server: ServerProcess) -> None:
    sample = json.loads((REQUESTS / "periods.json").read_text())
    client_for(server).availability(**availability_arguments(sample))
    assert server.wait_for_access_lines(1)
    assert TOKEN not in server.log()


def test_the_readme_example(server: ServerProcess, sent: list[bytes]) -> None:
    # README's call as written: members as plain subs, the duration in minutes.
    period = {"start": "2027-04-22T09:00:00Z", "end": "2027-04-22T18:00:00Z"}
    slots = client_for(server).availability(
        participants=[
            {
                "members": ["acc_5ba21743f408617d1269ea1e", "acc_64b17d868090ea21640c914c"],
                "required": "all",
            }
        ],
        required_duration=60,
        available_periods=[period],
        response_format="slots",
    )
    body = json.loads(sent[-1])
    assert body["participants"][0]["members"][0] == {"sub": "acc_5ba21743f408617d1269ea1e"}
    assert body["required_duration"] == {"minutes": 60}
    assert slots == cli_output("availability", sent[-1])["available_slots"]
    assert slots
