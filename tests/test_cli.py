"""The command line, through click's CliRunner, comparing parsed JSON."""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from cronoslot import __version__
from cronoslot.cli.app import cli
from cronoslot.cli.environment import Environment
from cronoslot.errors import ExitCode

from .conftest import SAMPLES as SAMPLES_DIR

NOW = "2027-04-01T00:00:00Z"
ALICE = "acc_5ba21743f408617d1269ea1e"
BOB = "acc_64b17d868090ea21640c914c"
BOARDROOM = "res_5ba21743f408617d12693521"
HUDDLE = "res_5ba21743f4000563a26934ea"
LAB = "res_64b17d868090ea21640ad6e0"


def run(*args: str, stdin: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, env=env, catch_exceptions=False)


def answer(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def error_body(result: Result) -> Any:
    assert result.exit_code == 1, result.output
    return json.loads(result.stderr.strip().splitlines()[-1])


def slot(start: str, end: str, *subs: str) -> dict[str, Any]:
    return {"start": start, "end": end, "participants": [{"sub": s} for s in subs]}


def write_json(path: Path, body: Any) -> str:
    path.write_text(json.dumps(body))
    return str(path)


# --- the sample store answers -------------------------------------------------------------


def test_seed_slots_example(sample_store: Path, sample_request: Path) -> None:
    # Worked by hand in samples/README.md: Alice and Bob share 13:45-17:30 on Thursday
    # (Bob is out of office in the morning) and 11:00-12:00 on Friday; the boardroom is free
    # on Thursday afternoon, only the lab on Friday.
    result = run(
        "availability",
        str(sample_request / "slots.json"),
        "--calendars",
        str(sample_store),
        "--now",
        NOW,
    )
    assert answer(result) == {
        "available_slots": [
            slot("2027-04-22T13:45:00Z", "2027-04-22T14:45:00Z", ALICE, BOB, BOARDROOM),
            slot("2027-04-22T14:45:00Z", "2027-04-22T15:45:00Z", ALICE, BOB, BOARDROOM),
            slot("2027-04-22T15:45:00Z", "2027-04-22T16:45:00Z", ALICE, BOB, BOARDROOM),
            slot("2027-04-23T11:00:00Z", "2027-04-23T12:00:00Z", ALICE, BOB, LAB),
        ]
    }


def test_seed_periods_example(sample_store: Path, sample_request: Path) -> None:
    result = run(
        "availability",
        str(sample_request / "periods.json"),
        "--calendars",
        str(sample_store),
        "--now",
        NOW,
    )
    assert answer(result) == {
        "available_periods": [
            slot("2027-04-22T13:45:00Z", "2027-04-22T17:30:00Z", ALICE, BOB, BOARDROOM),
            slot("2027-04-23T11:00:00Z", "2027-04-23T12:00:00Z", ALICE, BOB, LAB),
        ]
    }


def test_every_sample_request_answers(sample_store: Path, sample_request: Path) -> None:
    for path in sorted(sample_request.glob("*.json")):
        command = "sequence" if "sequence" in json.loads(path.read_text()) else "availability"
        result = run(command, str(path), "--calendars", str(sample_store), "--now", NOW)
        assert result.exit_code == 0, (path.name, result.output)
        json.loads(result.stdout)


def test_store_from_environment_and_stdin(sample_store: Path, sample_request: Path) -> None:
    body = (sample_request / "periods.json").read_text()
    result = run(
        "availability",
        "-",
        "--now",
        NOW,
        stdin=body,
        env={"CRONOSLOT_CALENDARS": str(sample_store)},
    )
    assert len(answer(result)["available_periods"]) == 2
    no_argument = run(
        "availability", "--now", NOW, stdin=body, env={"CRONOSLOT_CALENDARS": str(sample_store)}
    )
    assert answer(no_argument) == answer(result)


def test_table_format_shows_times_in_zone(sample_store: Path, sample_request: Path) -> None:
    result = run(
        "availability",
        str(sample_request / "periods.json"),
        "--calendars",
        str(sample_store),
        "--now",
        NOW,
        "--format",
        "table",
        "--tz",
        "Europe/London",
    )
    assert result.exit_code == 0, result.output
    assert "Thu 22 Apr" in result.stdout and "14:45-18:30 BST" in result.stdout  # 13:45Z
    assert "Alice Martin" in result.stdout  # people by name (account.json)
    assert ALICE not in result.stdout


# --- busy -----------------------------------------------------------------------------------


def test_busy_lists_what_the_loader_sees(sample_store: Path) -> None:
    result = run(
        "busy",
        ALICE,
        "--from",
        "2027-04-23T00:00:00Z",
        "--to",
        "2027-04-24T00:00:00Z",
        "--calendars",
        str(sample_store),
    )
    body = answer(result)
    assert body["sub"] == ALICE
    assert [(b["start"], b["end"], b["transparency"], b["calendar_id"]) for b in body["busy"]] == [
        ("2027-04-23T09:00:00Z", "2027-04-23T10:00:00Z", "opaque", "work"),
        ("2027-04-23T12:15:00Z", "2027-04-23T13:00:00Z", "opaque", "personal"),
        ("2027-04-23T14:30:00Z", "2027-04-23T15:30:00Z", "tentative", "work"),
    ]
    interview, dentist, _ = body["busy"]
    assert interview["event_id"] == "interview_123"
    assert interview["tags"] == ["Interview"]
    assert dentist["summary"] is None  # CLASS:PRIVATE
    shown = run(
        "busy",
        ALICE,
        "--from",
        "2027-04-23T00:00:00Z",
        "--to",
        "2027-04-24T00:00:00Z",
        "--calendars",
        str(sample_store),
        "--show-private",
    )
    assert answer(shown)["busy"][1]["summary"] == "Dentist"


def test_busy_table_and_unknown_account(sample_store: Path) -> None:
    args = ["--from", "2027-04-22T00:00:00Z", "--to", "2027-04-23T00:00:00Z"]
    table = run("busy", BOB, *args, "--calendars", str(sample_store), "--format", "table")
    assert table.exit_code == 0, table.output
    assert "out_of_office" in table.stdout
    missing = run("busy", "acc_nobody", *args, "--calendars", str(sample_store))
    assert missing.exit_code == 2
    assert "acc_nobody" in missing.stderr
    escape = run("busy", "..", *args, "--calendars", str(sample_store))
    assert escape.exit_code == 2
    backwards = run(
        "busy",
        BOB,
        "--from",
        "2027-04-23T00:00:00Z",
        "--to",
        "2027-04-22T00:00:00Z",
        "--calendars",
        str(sample_store),
    )
    assert backwards.exit_code == 2


# --- exit codes and errors ------------------------------------------------------------------


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.stdout


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group under ``group``, found by walking it (not a hand-made list)."""
    paths: list[tuple[str, ...]] = []
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, (*prefix, name)))
    return paths


COMMAND_PATHS = _command_paths(cli)


def test_commands_are_discovered() -> None:
    assert {("availability",), ("sequence",), ("busy",), ("cache", "info")} <= set(COMMAND_PATHS)
    assert {("find",), ("explain",), ("book",), ("sync",), ("source", "add"), ("serve",)} <= set(
        COMMAND_PATHS
    )


def test_each_command_module_is_imported_only_when_its_command_runs() -> None:
    # `cronoslot --version` must not pay for the server, booking or find code.
    code = (
        "import sys; from cronoslot.cli.app import cli; "
        "cli.main(['--version'], standalone_mode=False); "
        "print(sorted(m for m in sys.modules if m.startswith('cronoslot.')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    for module in ("server", "book", "find", "session", "sync", "engine"):
        assert f"'cronoslot.{module}" not in loaded, module


@pytest.mark.parametrize("path", [(), *COMMAND_PATHS], ids=lambda path: " ".join(path) or "-")
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert " ".join(("cronoslot", *path)) in result.stdout.split("Examples:", 1)[1]


def test_top_level_help_lists_every_exit_code() -> None:
    result = run("--help")
    for code in ExitCode:
        assert f"{int(code):>3}  {code.meaning}" in result.stdout


def test_top_level_help_lists_commands() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("availability", "sequence", "busy"):
        assert command in result.stdout


def test_invalid_request_is_exit_1_with_error_body_last(sample_store: Path) -> None:
    result = run(
        "availability",
        "-",
        "--calendars",
        str(sample_store),
        "--now",
        NOW,
        stdin='{"participants": [], "required_duration": {"minutes": 0}}',
    )
    body = error_body(result)
    assert set(body["errors"]) >= {"participants", "required_duration", "query_periods"}
    assert result.stdout == ""


def test_bad_json_is_invalid_json(sample_store: Path) -> None:
    result = run("availability", "-", "--calendars", str(sample_store), "--now", NOW, stdin="{")
    assert error_body(result)["errors"]["request"][0]["key"] == "errors.invalid_json"


def test_unknown_account_is_reported_with_the_rest(sample_store: Path, tmp_path: Path) -> None:
    request = json.loads((Path(sample_store).parent / "requests" / "slots.json").read_text())
    request["participants"][1]["members"][2]["sub"] = "res_nowhere"
    request["max_results"] = 0
    path = write_json(tmp_path / "r.json", request)
    body = error_body(run("availability", path, "--calendars", str(sample_store), "--now", NOW))
    assert body["errors"]["participants[1].members[2].sub"][0]["key"] == "errors.unknown_account"
    assert body["errors"]["max_results"][0]["key"] == "errors.invalid_value"


@pytest.mark.parametrize(
    "args",
    [
        ["availability", "--calendars", "/nonexistent/store", "--now", NOW, "-"],
        ["availability", "/nonexistent/request.json", "--now", NOW],
        ["availability", "--now", "tomorrow", "-"],
        ["availability", "--format", "xml", "-"],
        ["availability", "--tz", "Mars/Olympus", "-"],
        ["availability", "--no-such-option"],
        ["busy"],
    ],
)
def test_usage_errors_are_exit_2(args: list[str], sample_store: Path) -> None:
    result = run(*args, stdin="{}", env={"CRONOSLOT_CALENDARS": str(sample_store)})
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_no_request_and_terminal_stdin_prints_usage(sample_store: Path) -> None:
    class Terminal(io.BytesIO):
        def isatty(self) -> bool:
            return True

    def on_a_terminal(*args: str) -> Result:
        terminal = Environment(stdin=Terminal(b"{}"))
        return CliRunner().invoke(cli, list(args), obj=terminal, catch_exceptions=False)

    result = on_a_terminal("availability", "--calendars", str(sample_store))
    assert result.exit_code == 2
    assert "Usage" in result.stderr
    # An explicit '-' still reads the (terminal) stream.
    explicit = on_a_terminal("availability", "-", "--calendars", str(sample_store), "--now", NOW)
    assert explicit.exit_code == 1


def _store_with(tmp_path: Path, files: dict[str, str]) -> Path:
    store = tmp_path / "store"
    for name, text in files.items():
        path = store / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return store


SIMPLE_REQUEST = {
    "participants": [{"members": [{"sub": "acc_a"}], "required": "all"}],
    "required_duration": {"minutes": 30},
    "query_periods": [{"start": "2027-04-22T09:00:00Z", "end": "2027-04-22T12:00:00Z"}],
}


def test_truncated_calendar_is_exit_3_naming_the_file(tmp_path: Path) -> None:
    store = _store_with(tmp_path, {"acc_a/work.ics": "BEGIN:VCALENDAR\nVERSION:2.0\n"})
    request = write_json(tmp_path / "r.json", SIMPLE_REQUEST)
    result = run("availability", request, "--calendars", str(store), "--now", NOW)
    assert result.exit_code == 3, result.output
    assert "work.ics" in result.stderr
    assert "Traceback" not in result.output


UNKNOWN_TZID = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:odd-zone
DTSTAMP:20270101T000000Z
DTSTART;TZID=Mars/Olympus:20270422T100000
DTEND;TZID=Mars/Olympus:20270422T110000
END:VEVENT
END:VCALENDAR
"""


def test_warning_goes_to_stderr_and_strict_makes_it_fatal(tmp_path: Path) -> None:
    store = _store_with(tmp_path, {"acc_a/work.ics": UNKNOWN_TZID})
    request = write_json(tmp_path / "r.json", SIMPLE_REQUEST)
    lenient = run("availability", request, "--calendars", str(store), "--now", NOW)
    assert lenient.exit_code == 0, lenient.output
    assert any(line.startswith("warning:") for line in lenient.stderr.splitlines())
    # Unknown TZID is read in the calendar's zone (UTC here): 10:00-11:00 is busy.
    assert answer(lenient) == {
        "available_periods": [
            slot("2027-04-22T09:00:00Z", "2027-04-22T10:00:00Z", "acc_a"),
            slot("2027-04-22T11:00:00Z", "2027-04-22T12:00:00Z", "acc_a"),
        ]
    }
    strict = run("availability", request, "--calendars", str(store), "--now", NOW, "--strict")
    assert strict.exit_code == 3, strict.output


def test_strict_turns_unknown_keys_into_errors(tmp_path: Path) -> None:
    store = _store_with(tmp_path, {"acc_a/.keep": ""})
    request = write_json(tmp_path / "r.json", {**SIMPLE_REQUEST, "colour": "blue"})
    lenient = run("availability", request, "--calendars", str(store), "--now", NOW)
    assert lenient.exit_code == 0, lenient.output
    assert "colour" in lenient.stderr
    strict = run("availability", request, "--calendars", str(store), "--now", NOW, "--strict")
    assert error_body(strict)["errors"]["colour"][0]["key"] == "errors.unknown_key"


def test_member_statuses_pending_for_an_empty_account(tmp_path: Path) -> None:
    store = _store_with(tmp_path, {"acc_a/.keep": ""})
    request = write_json(tmp_path / "r.json", {**SIMPLE_REQUEST, "include_member_statuses": True})
    body = answer(run("availability", request, "--calendars", str(store), "--now", NOW))
    assert body["member_statuses"] == [{"sub": "acc_a", "sync_status": "pending"}]
    assert body["available_periods"] == [
        slot("2027-04-22T09:00:00Z", "2027-04-22T12:00:00Z", "acc_a")
    ]


def test_malformed_account_json_is_exit_3(tmp_path: Path) -> None:
    store = _store_with(tmp_path, {"acc_a/account.json": "{not json"})
    request = write_json(tmp_path / "r.json", SIMPLE_REQUEST)
    result = run("availability", request, "--calendars", str(store), "--now", NOW)
    assert result.exit_code == 3, result.output
    assert "account.json" in result.stderr


# --- sequence -------------------------------------------------------------------------------


def step(sequence_id: str, start: str, end: str, *subs: str) -> dict[str, Any]:
    return {"sequence_id": sequence_id, **slot(start, end, *subs)}


def test_interview_loop_sample(sample_store: Path, sample_request: Path) -> None:
    # Worked by hand in samples/README.md: Thursday fails (the lab is closed all day), so the
    # loop runs on Friday; Bob's second step waits until 11:30 because Alice's dentist visit
    # (plus the 15-minute calendar buffer) pushes step 3 to 13:15.
    result = run(
        "sequence",
        str(sample_request / "interview-loop.json"),
        "--calendars",
        str(sample_store),
        "--now",
        NOW,
    )
    body = answer(result)
    assert len(body["sequences"]) == 5
    assert body["sequences"][0] == {
        "sequence": [
            step("interview_1", "2027-04-23T10:00:00Z", "2027-04-23T10:45:00Z", ALICE),
            step("interview_2", "2027-04-23T11:30:00Z", "2027-04-23T12:15:00Z", BOB),
            step("interview_3", "2027-04-23T13:15:00Z", "2027-04-23T14:00:00Z", ALICE, BOARDROOM),
            step("interview_4", "2027-04-23T14:15:00Z", "2027-04-23T15:00:00Z", BOB, LAB),
        ]
    }
    firsts = [option["sequence"][0]["start"] for option in body["sequences"]]
    assert firsts == sorted(firsts) and len(set(firsts)) == 5


def test_sequence_table_and_infeasible_answer(
    sample_store: Path, sample_request: Path, tmp_path: Path
) -> None:
    table = run(
        "sequence",
        str(sample_request / "interview-loop.json"),
        "--calendars",
        str(sample_store),
        "--now",
        NOW,
        "--format",
        "table",
        "--tz",
        "Europe/London",
    )
    assert table.exit_code == 0, table.output
    # One table: a row per option, a column per step, a count line at the end
    assert table.stdout.count("interview_1") == 1 and "11:00-11:45" in table.stdout
    assert table.stdout.rstrip().endswith("5 options")
    request = json.loads((sample_request / "interview-loop.json").read_text())
    request["query_periods"] = [{"start": "2027-04-22T09:00:00Z", "end": "2027-04-22T18:00:00Z"}]
    path = write_json(tmp_path / "thursday.json", request)
    empty = run("sequence", path, "--calendars", str(sample_store), "--now", NOW)
    assert answer(empty) == {"sequences": []}


def test_sequence_validation_errors_are_exit_1(sample_store: Path, tmp_path: Path) -> None:
    request = json.loads((SAMPLES_DIR / "requests" / "interview-loop.json").read_text())
    request["sequence"][1]["sequence_id"] = "interview_1"
    request["sequence"][2]["buffer"] = {
        "before": {"minimum": {"minutes": 30}, "maximum": {"minutes": 10}}
    }
    path = write_json(tmp_path / "bad.json", request)
    body = error_body(run("sequence", path, "--calendars", str(sample_store), "--now", NOW))
    assert body["errors"]["sequence[1].sequence_id"][0]["key"] == "errors.duplicate"
    assert body["errors"]["sequence[2].buffer.before.maximum"][0]["key"] == "errors.invalid_value"


# --- exit codes that keep their promise ------------------------------------------------------


def test_an_internal_failure_is_exit_70_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, sample_store: Path, sample_request: Path
) -> None:
    from cronoslot.session import Session

    def broken(self: Session, body: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(Session, "answer_availability", broken)
    result = run(
        "availability", str(sample_request / "slots.json"), "--calendars", str(sample_store)
    )
    assert result.exit_code == ExitCode.INTERNAL == 70
    assert "please report it" in result.stderr
    assert "Traceback" not in result.output


def _blocked_on_read(pid: int) -> bool:
    try:
        return "pipe" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False


def test_ctrl_c_is_exit_130_not_an_invalid_request(sample_store: Path) -> None:
    # A real process waiting for its request on stdin, interrupted as a terminal would.
    process = subprocess.Popen(
        [sys.executable, "-m", "cronoslot", "availability", "-", "--calendars", str(sample_store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while not _blocked_on_read(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _blocked_on_read(process.pid), "the command never waited for its input"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    finally:
        process.kill()
        process.wait(timeout=20)
    assert process.returncode == ExitCode.INTERRUPTED == 130
    assert b"error: interrupted" in stderr
    assert b"Traceback" not in stderr
