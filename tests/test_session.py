"""The library's front door: ``cronoslot.open(...)`` and its session."""

from __future__ import annotations

import importlib
import json
import pkgutil
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import cronoslot
from cronoslot.cli.app import cli

from .conftest import SAMPLES

NOW = "2027-04-01T00:00:00Z"
STORE = SAMPLES / "calendars"
REQUESTS = sorted((SAMPLES / "requests").glob("*.json"))
ALICE = "acc_5ba21743f408617d1269ea1e"
BUSY_WINDOW = ("2027-04-22T00:00:00Z", "2027-04-24T00:00:00Z")


def kind_of(path: Path) -> str:
    return "sequence" if "sequence" in json.loads(path.read_text()) else "availability"


def cli_answer(*args: str) -> Any:
    result = CliRunner().invoke(cli, [*args, "--calendars", str(STORE)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def library_answers(cal: cronoslot.Session) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for path in REQUESTS:
        method = cal.sequence if kind_of(path) == "sequence" else cal.availability
        answers[path.name] = method(path.read_bytes())
    answers["busy"] = cal.busy(ALICE, *BUSY_WINDOW)
    return answers


@pytest.fixture(scope="module")
def cli_answers() -> dict[str, Any]:
    answers = {
        path.name: cli_answer(kind_of(path), str(path), "--now", NOW, "--no-cache")
        for path in REQUESTS
    }
    answers["busy"] = cli_answer(
        "busy", ALICE, "--from", BUSY_WINDOW[0], "--to", BUSY_WINDOW[1], "--no-cache"
    )
    return answers


@pytest.mark.parametrize("cache", [False, True])
def test_each_method_twice_in_a_row_equals_the_cli(
    cli_answers: dict[str, Any], cache: bool
) -> None:
    with cronoslot.open(STORE, now=NOW, cache=cache) as cal:
        assert library_answers(cal) == cli_answers
        assert library_answers(cal) == cli_answers
        assert cal.warnings == ()


def test_four_threads_at_once_equal_the_cli(cli_answers: dict[str, Any]) -> None:
    with cronoslot.open(STORE, now=NOW) as cal, ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: library_answers(cal), range(8)))
    assert all(result == cli_answers for result in results)


def test_public_names_survive_importing_every_submodule(tmp_path: Path) -> None:
    # `import cronoslot.x` sets the package attribute `x`: a public name equal to a
    # submodule's would be replaced by the module (the old cronoslot.sequence bug).
    before = {name: getattr(cronoslot, name) for name in cronoslot.__all__}
    for module in pkgutil.walk_packages(cronoslot.__path__, "cronoslot."):
        if module.name != "cronoslot.__main__":  # that one runs the command line
            importlib.import_module(module.name)
    assert {name: getattr(cronoslot, name) for name in cronoslot.__all__} == before
    submodules = {module.name for module in pkgutil.iter_modules(cronoslot.__path__)}
    assert not submodules & set(cronoslot.__all__)


def test_sequence_twice_through_the_package() -> None:
    body = (SAMPLES / "requests" / "interview-loop.json").read_bytes()
    with cronoslot.open(STORE, now=NOW, cache=False) as cal:
        first = cal.sequence(body)
        assert cal.sequence(body) == first
    assert callable(cronoslot.open) and not isinstance(cronoslot.open, type(cronoslot))


def test_bodies_as_bytes_text_or_dict_and_now_as_datetime() -> None:
    path = SAMPLES / "requests" / "slots.json"
    with cronoslot.open(STORE, now=datetime(2027, 4, 1, tzinfo=UTC), cache=False) as cal:
        answers = [
            cal.availability(path.read_bytes()),
            cal.availability(path.read_text()),
            cal.availability(json.loads(path.read_text())),
        ]
        result = cal.availability_result(path.read_bytes())
    assert answers[0] == answers[1] == answers[2]
    assert isinstance(result, cronoslot.AvailabilityResult)
    assert len(result.slots) == len(answers[0]["available_slots"])


def test_invalid_requests_raise_with_the_422_body() -> None:
    with cronoslot.open(STORE, now=NOW, cache=False) as cal:
        with pytest.raises(cronoslot.InvalidRequest) as caught:
            cal.availability({"participants": []})
        assert caught.value.body["errors"]["participants"][0]["key"] == "errors.too_few"
        with pytest.raises(cronoslot.InvalidRequest) as not_json:
            cal.availability(b"{not json")
        assert not_json.value.body["errors"]["request"][0]["key"] == "errors.invalid_json"
        with pytest.raises(cronoslot.InvalidRequest):
            cal.availability({"when": datetime(2027, 4, 1, tzinfo=UTC)})


def _store_with(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / "store" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path / "store"


REQUEST = {
    "participants": [{"members": [{"sub": "acc_a"}], "required": "all"}],
    "required_duration": {"minutes": 30},
    "query_periods": [{"start": "2027-04-22T09:00:00Z", "end": "2027-04-22T12:00:00Z"}],
}

UNKNOWN_TZID = (
    "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\nBEGIN:VEVENT\nUID:odd\n"
    "DTSTAMP:20270101T000000Z\nDTSTART;TZID=Mars/Olympus:20270422T100000\n"
    "DTEND;TZID=Mars/Olympus:20270422T110000\nEND:VEVENT\nEND:VCALENDAR\n"
)


def test_unusable_calendar_data_names_the_file(tmp_path: Path) -> None:
    store = _store_with(tmp_path, {"acc_a/work.ics": "BEGIN:VCALENDAR\nVERSION:2.0\n"})
    with (
        cronoslot.open(store, now=NOW, cache=False) as cal,
        pytest.raises(cronoslot.CalendarDataError) as caught,
    ):
        cal.availability(REQUEST)
    assert caught.value.path.name == "work.ics"
    assert caught.value.exit_code == cronoslot.ExitCode.CALENDAR_DATA


def test_warnings_are_collected_or_given_to_warn(tmp_path: Path) -> None:
    store = _store_with(tmp_path, {"acc_a/work.ics": UNKNOWN_TZID})
    body = {**REQUEST, "colour": "blue"}
    with cronoslot.open(store, now=NOW, cache=False) as cal:
        cal.availability(body)
        collected = cal.warnings
    assert any("colour" in message for message in collected)
    assert any("Mars/Olympus" in message for message in collected)
    given: list[str] = []
    with cronoslot.open(store, now=NOW, cache=False, warn=given.append) as cal:
        cal.availability(body)
        assert cal.warnings == ()
    assert given == list(collected)


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    store = _store_with(tmp_path, {"acc_a/work.ics": UNKNOWN_TZID})
    with cronoslot.open(store, now=NOW, cache=False, strict=True) as cal:
        with pytest.raises(cronoslot.InvalidRequest) as unknown_key:
            cal.availability({**REQUEST, "colour": "blue"})
        assert unknown_key.value.body["errors"]["colour"][0]["key"] == "errors.unknown_key"
        with pytest.raises(cronoslot.StrictWarning) as strict:
            cal.availability(REQUEST)
    assert isinstance(strict.value, cronoslot.CalendarDataError)
    assert "Mars/Olympus" in str(strict.value)


def _period_request(start: datetime, minutes: int) -> dict[str, Any]:
    end = start + timedelta(minutes=minutes)
    period = {"start": f"{start:%Y-%m-%dT%H:%M:%SZ}", "end": f"{end:%Y-%m-%dT%H:%M:%SZ}"}
    return {**REQUEST, "query_periods": [period]}


def test_now_none_reads_the_clock_at_each_call(tmp_path: Path) -> None:
    store = _store_with(tmp_path, {"acc_a/.keep": ""})
    next_hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
    with cronoslot.open(store, cache=False) as cal:
        assert cal.now is None
        soon = cal.availability(_period_request(next_hour, 60))
        with pytest.raises(cronoslot.InvalidRequest) as caught:
            cal.availability(_period_request(next_hour - timedelta(days=2), 60))
    assert soon["available_periods"][0]["participants"] == [{"sub": "acc_a"}]
    assert caught.value.body["errors"]["query_periods[0].start"][0]["key"] == (
        "errors.min_date_exceeded"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda cal: cal.busy("../etc", *BUSY_WINDOW), "not a valid account name"),
        (lambda cal: cal.busy("acc_nobody", *BUSY_WINDOW), "no account"),
        (lambda cal: cal.busy(ALICE, BUSY_WINDOW[1], BUSY_WINDOW[0]), "after the start"),
        (lambda cal: cal.busy(ALICE, "tomorrow", BUSY_WINDOW[1]), "not a Time"),
        (lambda cal: cal.busy(ALICE, datetime(2027, 4, 22), BUSY_WINDOW[1]), "aware"),
    ],
)
def test_bad_busy_arguments_are_usage_errors(call: Any, message: str) -> None:
    with (
        cronoslot.open(STORE, now=NOW, cache=False) as cal,
        pytest.raises(cronoslot.UsageError, match=message),
    ):
        call(cal)


def test_a_missing_store_or_a_bad_now_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(cronoslot.UsageError, match="does not exist"):
        cronoslot.open(tmp_path / "nowhere")
    with pytest.raises(cronoslot.UsageError, match="not a Time"):
        cronoslot.open(STORE, now="next tuesday")
