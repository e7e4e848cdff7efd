"""An invalid request's problems for people: paths, and "did you mean" for near misses;
on a terminal, printed before the 422 JSON line, which stays last on stderr."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from cronoslot.api.hints import problem_lines
from cronoslot.errors import InvalidRequest
from cronoslot.session import Session

from .conftest import SAMPLES

STORE = SAMPLES / "calendars"
NOW = "2027-04-19T08:00:00Z"
PERIOD = [{"start": "2027-04-20T09:00:00Z", "end": "2027-04-20T12:00:00Z"}]


def problems(body: dict[str, object], kind: str = "availability") -> list[str]:
    text = json.dumps(body)
    with Session(STORE, now=NOW, cache=False, warn=lambda _: None) as session:
        try:
            if kind == "availability":
                session.parse_availability(text)
            else:
                session.parse_sequence(text)
        except InvalidRequest as error:
            return problem_lines(error.errors, text, kind, session.accounts())  # type: ignore[arg-type]
    raise AssertionError("the request was valid")


def member(sub: str, **options: object) -> dict[str, object]:
    return {"members": [{"sub": sub, **options}], "required": "all"}


def test_near_miss_values() -> None:
    lines = problems(
        {
            "participants": [
                member("Priya Sharma"),
                member("acc_3f9c1a7e52d84b06a1c4e7d"),
                {
                    "members": [
                        {
                            "sub": "lena",
                            "ignored_extended_transparencies": ["out_of_ofice"],
                            "availability_constraints": [
                                {"period": "dya", "limit": 1, "tzid": "Europe/Londn"}
                            ],
                        }
                    ],
                    "required": "All",
                },
            ],
            "required_duration": {"minutes": 30},
            "response_format": "slot",
            "query_periods": PERIOD,
        }
    )
    assert lines == [
        "participants[0].members[0].sub: a sub is ASCII letters, digits and _ - . @ only, "
        "never . or .. (invalid_value); did you mean 'acc_3f9c1a7e52d84b06a1c4e7d2' "
        "(Priya Sharma)?",
        "participants[1].members[0].sub: no account acc_3f9c1a7e52d84b06a1c4e7d "
        "(unknown_account); did you mean 'acc_3f9c1a7e52d84b06a1c4e7d2'?",
        "participants[2].members[0].sub: no account lena (unknown_account); "
        "did you mean 'acc_8b2e5d0c91f34a7bb6d3c5e1' (Lena Vogel)?",
        "participants[2].members[0].availability_constraints[0].period: must be day or week "
        "(invalid_value); did you mean 'day'?",
        "participants[2].members[0].availability_constraints[0].tzid: not a known IANA time "
        "zone (invalid_value); did you mean 'Europe/London'?",
        "participants[2].members[0].ignored_extended_transparencies[0]: must be out_of_office, "
        "working_elsewhere or tentative (invalid_value); did you mean 'out_of_office'?",
        'participants[2].required: must be "all" or a number of members (invalid_value); '
        "did you mean 'all'?",
        "response_format: must be periods, slots or overlapping_slots (invalid_value); "
        "did you mean 'slots'?",
    ]


def test_a_misspelt_key_and_a_request_of_the_other_kind() -> None:
    lines = problems(
        {
            "participants": [member("res_4a7d2e9f0b1c3e5a7d9f1b3c")],
            "required_duraton": {"minutes": 30},
            "query_periods": PERIOD,
        }
    )
    assert lines == [
        "required_duration: required (required); did you mean 'required_duration' where it "
        "says 'required_duraton'?"
    ]
    loop = json.loads((SAMPLES / "requests" / "interview-loop.json").read_text())
    lines = problems(loop)
    assert lines[0] == (
        "this looks like a Sequenced Availability request (it has 'sequence'): "
        "did you mean 'cronoslot sequence'?"
    )
    slots = json.loads((SAMPLES / "requests" / "slots.json").read_text())
    assert problems(slots, "sequence")[0].startswith(
        "this looks like an Availability request (it has 'participants', no 'sequence')"
    )


def test_bad_json_has_no_hints() -> None:
    errors = {"request": [{"key": "errors.invalid_json", "description": "not valid JSON"}]}
    assert problem_lines(errors, "{", "availability") == ["request: not valid JSON (invalid_json)"]


def test_on_a_terminal_the_list_comes_first_and_the_json_line_last(tmp_path: Path) -> None:
    request = tmp_path / "r.json"
    request.write_text(json.dumps({"participants": [member("priya")], "response_format": "slot"}))
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "cronoslot", "availability", str(request), "--now", NOW],
        stdout=subprocess.PIPE,
        stderr=secondary,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "CRONOSLOT_CALENDARS": str(STORE)},
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert process.wait(timeout=60) == 1
    assert process.stdout is not None and process.stdout.read() == b""
    lines = b"".join(chunks).decode().replace("\r\n", "\n").strip().splitlines()
    assert lines[0] == "error: the availability request is invalid:"
    wanted = (
        "  participants[0].members[0].sub: no account priya (unknown_account); "
        "did you mean 'acc_3f9c1a7e52d84b06a1c4e7d2' (Priya Sharma)?"
    )
    assert wanted in lines
    assert "  required_duration: required (required)" in lines
    body = json.loads(lines[-1])
    assert set(body["errors"]) == {
        "participants[0].members[0].sub",
        "required_duration",
        "query_periods",
        "response_format",
    }


def test_in_a_pipe_only_the_json_line(tmp_path: Path) -> None:
    request = tmp_path / "r.json"
    request.write_text(json.dumps({"response_format": "slot"}))
    result = subprocess.run(
        [sys.executable, "-m", "cronoslot", "availability", str(request), "--now", NOW],
        capture_output=True,
        text=True,
        env={**os.environ, "CRONOSLOT_CALENDARS": str(STORE)},
        timeout=60,
    )
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    json.loads(result.stderr)
