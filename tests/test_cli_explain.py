"""``cronoslot explain`` and ``availability --explain`` through click's CliRunner: a fixture
and a golden text line for each reason kind, the JSON keys, the errors."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cronoslot.cli.app import cli
from cronoslot.cli.environment import Environment
from cronoslot.errors import ExitCode

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "explain"
STORE = str(FIXTURES / "store")
NOW = "2027-05-01T00:00:00Z"


def request(name: str) -> str:
    return str(FIXTURES / "requests" / f"{name}.json")


def explain(name: str, *args: str, now: str = NOW) -> Result:
    return CliRunner().invoke(
        cli,
        ["explain", request(name), "--calendars", STORE, "--now", now, "--no-cache", *args],
        catch_exceptions=False,
    )


def text(name: str, *args: str, now: str = NOW) -> list[str]:
    result = explain(name, "--format", "text", "--tz", "Europe/Berlin", *args, now=now)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


# One request per reason kind, named after it; times in Berlin (UTC+2 in May).
GOLDEN = [
    (
        "busy",
        ["--at", "2027-05-03T12:00:00Z"],
        '  Lena Fischer is busy: "Roadmap" (Work, tentative) 14:00-15:00',
    ),
    (
        "buffer",
        ["--at", "2027-05-03T09:00:00Z"],
        '  Lena Fischer needs 15 min free before the slot: "Standup" (Work, opaque) 10:00-10:50'
        " ends 10 min before it (5 min short)",
    ),
    (
        "outside_available_periods",
        ["--at", "2027-05-03T11:00:00Z"],
        "  Lena Fischer is outside their available periods (nearest: 09:00-12:00)",
    ),
    (
        "outside_managed_availability",
        ["--at", "2027-05-03T11:00:00Z"],
        "  Priya Sharma is outside their managed availability (rules: mornings; available"
        " periods: 1; nearest: 09:00-12:00 (mornings), 16:00-17:00 (extra))",
    ),
    (
        "constraint_limit",
        ["--at", "2027-05-03T13:00:00Z"],
        "  Omar Haddad has reached the limit of 2 events tagged Interview per day"
        ' (Europe/Berlin) on Mon 3 May 2027: "Interview A" (Work, opaque) 09:00-10:00;'
        ' "Interview B" (Work, opaque) 11:00-12:00',
    ),
    (
        "outside_query_periods",
        ["--at", "2027-05-03T16:30:00Z"],
        "18:30-19:30 is outside the query periods (nearest: 08:00-18:00).",
    ),
    (
        "off_grid",
        ["--at", "2027-05-03T10:07:00Z"],
        "12:07 is not on the 15 min grid (nearest starts: 12:00, 12:15).",
    ),
    (
        "bottleneck",
        [],
        "  Omar Haddad: 3 more start times (3 instead of 0)",
    ),
    (
        "sequence_gap",
        [],
        "Every step has feasible starts, but no interview_2 start comes 0 min to 30 min after"
        " the end of a reachable interview_1 (the closest is 6h).",
    ),
]


@pytest.mark.parametrize(("name", "args", "line"), GOLDEN, ids=[case[0] for case in GOLDEN])
def test_golden_line(name: str, args: list[str], line: str) -> None:
    assert line in text(name, *args)


def test_in_the_past() -> None:
    lines = text("in_the_past", "--at", "2027-05-03T09:00:00Z", now="2027-05-03T10:00:00Z")
    assert lines[:3] == [
        "Mon 3 May 2027 11:00-12:00 (Europe/Berlin) is not available.",
        "11:00-12:00 is outside the query periods (nearest: 12:00-18:00).",
        "11:00 is in the past (now is Mon 3 May 2027 12:00).",
    ]


def test_a_whole_verdict() -> None:
    assert text("busy", "--at", "2027-05-03T12:00:00Z") == [
        "Mon 3 May 2027 14:00-15:00 (Europe/Berlin) is not available.",
        "Group 1 (1 member): 0 available, not satisfied.",
        '  Lena Fischer is busy: "Roadmap" (Work, tentative) 14:00-15:00',
    ]
    assert text("busy", "--at", "2027-05-03T10:00:00Z") == [
        "Mon 3 May 2027 12:00-13:00 (Europe/Berlin) is available.",
        "Group 1 (1 member): 1 available, satisfied.",
        "  Lena Fischer is available.",
    ]


def test_private_summaries_need_show_private() -> None:
    hidden = "  Lena Fischer is busy: a private event (Work, opaque) 17:00-18:00"
    shown = '  Lena Fischer is busy: "Doctor" (Work, opaque) 17:00-18:00'
    assert hidden in text("busy", "--at", "2027-05-03T15:00:00Z")
    assert shown in text("busy", "--at", "2027-05-03T15:00:00Z", "--show-private")
    body = json.loads(explain("busy", "--at", "2027-05-03T15:00:00Z", "--format", "json").stdout)
    assert body["groups"][0]["members"][0]["reasons"][0]["event"]["summary"] is None


def event(uid: str, start: str, end: str, summary: str, **extra: Any) -> dict[str, Any]:
    found = {
        "start": start,
        "end": end,
        "transparency": "opaque",
        "calendar_id": "Work",
        "event_uid": uid,
        "event_id": None,
        "tags": [],
        "summary": summary,
    }
    found.update(extra)
    return found


def test_json_is_the_default_off_a_terminal() -> None:
    result = explain("buffer", "--at", "2027-05-03T09:00:00Z")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "explain": "interval",
        "start": "2027-05-03T09:00:00Z",
        "end": "2027-05-03T10:00:00Z",
        "available": False,
        "participants": None,
        "reasons": [],
        "groups": [
            {
                "required": 1,
                "available": 0,
                "satisfied": False,
                "members": [
                    {
                        "sub": "acc_lena",
                        "name": "Lena Fischer",
                        "available": False,
                        "reasons": [
                            {
                                "reason": "buffer",
                                "event": event(
                                    "standup@example.com",
                                    "2027-05-03T08:00:00Z",
                                    "2027-05-03T08:50:00Z",
                                    "Standup",
                                ),
                                "side": "before",
                                "buffer_seconds": 900,
                                "gap_seconds": 600,
                                "by_seconds": 300,
                            }
                        ],
                    }
                ],
            }
        ],
        "notes": [],
    }


def reasons_json(name: str, at: str, now: str = NOW) -> list[dict[str, Any]]:
    result = explain(name, "--at", at, "--format", "json", now=now)
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    return [*body["reasons"], *body["groups"][0]["members"][0]["reasons"]]


def test_json_keys_of_each_reason_kind() -> None:
    managed = reasons_json("outside_managed_availability", "2027-05-03T11:00:00Z")
    assert managed == [
        {
            "reason": "outside_managed_availability",
            "availability_rule_ids": ["mornings"],
            "available_period_ids": ["extra"],
            "nearest": [
                {
                    "start": "2027-05-03T07:00:00Z",
                    "end": "2027-05-03T10:00:00Z",
                    "from": ["mornings"],
                },
                {"start": "2027-05-03T14:00:00Z", "end": "2027-05-03T15:00:00Z", "from": ["extra"]},
            ],
        }
    ]
    limit = reasons_json("constraint_limit", "2027-05-03T13:00:00Z")
    counted = [
        event(
            "interview-a@example.com",
            "2027-05-03T07:00:00Z",
            "2027-05-03T08:00:00Z",
            "Interview A",
            tags=["Interview"],
        ),
        event(
            "interview-b@example.com",
            "2027-05-03T09:00:00Z",
            "2027-05-03T10:00:00Z",
            "Interview B",
            tags=["Interview"],
        ),
    ]
    assert limit == [
        {
            "reason": "constraint_limit",
            "period": "day",
            "tzid": "Europe/Berlin",
            "tags": ["Interview"],
            "limit": 2,
            "start": "2027-05-02T22:00:00Z",
            "end": "2027-05-03T22:00:00Z",
            "counted": counted,
        }
    ]
    assert reasons_json("outside_available_periods", "2027-05-03T11:00:00Z") == [
        {
            "reason": "outside_available_periods",
            "nearest": [{"start": "2027-05-03T07:00:00Z", "end": "2027-05-03T10:00:00Z"}],
        }
    ]
    assert reasons_json("off_grid", "2027-05-03T10:07:00Z") == [
        {
            "reason": "off_grid",
            "start_interval_seconds": 900,
            "earlier": "2027-05-03T10:00:00Z",
            "later": "2027-05-03T10:15:00Z",
        }
    ]
    past = reasons_json("in_the_past", "2027-05-03T09:00:00Z", now="2027-05-03T10:00:00Z")
    assert past == [
        {
            "reason": "outside_query_periods",
            "nearest": [{"start": "2027-05-03T10:00:00Z", "end": "2027-05-03T16:00:00Z"}],
        },
        {"reason": "in_the_past", "now": "2027-05-03T10:00:00Z"},
    ]


def test_diagnosis_json() -> None:
    result = explain("bottleneck", "--format", "json")
    assert json.loads(result.stdout) == {
        "explain": "diagnosis",
        "required_duration_seconds": 9000,
        "start_interval_seconds": 900,
        "query_seconds": 18000,
        "answers": 0,
        "offered": 0,
        "members": [
            {
                "group": 0,
                "sub": "acc_lena",
                "name": "Lena Fischer",
                "available_seconds": 15000,
                "start_times": 3,
                "losses": {"busy": 3000},
            },
            {
                "group": 0,
                "sub": "acc_omar",
                "name": "Omar Haddad",
                "available_seconds": 10800,
                "start_times": 0,
                "losses": {"busy": 7200},
            },
        ],
        "bottlenecks": [
            {"sub": "acc_omar", "name": "Omar Haddad", "answers_without": 3, "adds": 3}
        ],
    }


def test_sequence_diagnosis_json() -> None:
    body = json.loads(explain("sequence_gap", "--format", "json").stdout)
    assert body["explain"] == "sequence_diagnosis"
    assert body["steps"] == [
        {"sequence_id": "interview_1", "feasible_starts": 1},
        {"sequence_id": "interview_2", "feasible_starts": 1},
    ]
    assert body["blocked_step"] is None
    assert body["gap"] == {
        "after": "interview_1",
        "before": "interview_2",
        "minimum_seconds": 0,
        "maximum_seconds": 1800,
        "closest_seconds": 21600,
    }
    assert [b["sub"] for b in body["bottlenecks"]] == ["acc_omar", "acc_lena"]


def test_a_step_verdict() -> None:
    lines = text("sequence_gap", "--step", "interview_2", "--at", "2027-05-03T13:00:00Z")
    assert lines == [
        "interview_2 at Mon 3 May 2027 15:00-16:00 (Europe/Berlin) is available.",
        "Group 1 (1 member): 1 available, satisfied.",
        "  Lena Fischer is available.",
        "The step works here, but no sequence in the answer uses this start.",
    ]


def test_availability_explain_prints_the_diagnosis_of_an_empty_answer() -> None:
    def run(name: str) -> Result:
        args = ["availability", request(name), "--calendars", STORE, "--now", NOW, "--explain"]
        return CliRunner().invoke(cli, [*args, "--no-cache"], catch_exceptions=False)

    empty = run("bottleneck")
    assert empty.exit_code == 0
    assert json.loads(empty.stdout) == {"available_slots": []}
    assert "No start time works (2h30 long, on a 15 min grid)." in empty.stderr.splitlines()
    assert "  Omar Haddad: 3 more start times (3 instead of 0)" in empty.stderr.splitlines()
    answered = run("busy")
    assert json.loads(answered.stdout)["available_slots"]
    assert answered.stderr == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--step", "nope"], "no step 'nope' (its steps: interview_1, interview_2)"),
        (["--at", "2027-05-03T13:00:00Z"], "needs the step it is for"),
    ],
)
def test_sequence_usage_errors(args: list[str], message: str) -> None:
    result = explain("sequence_gap", *args)
    assert result.exit_code == ExitCode.USAGE
    assert message in result.stderr


def test_bad_at_is_a_usage_error() -> None:
    result = explain("busy", "--at", "tomorrow")
    assert result.exit_code == ExitCode.USAGE
    assert "--at" in result.stderr


def test_an_invalid_request_is_the_422_body(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"participants": []}')
    result = CliRunner().invoke(
        cli, ["explain", str(bad), "--calendars", STORE, "--now", NOW, "--no-cache"]
    )
    assert result.exit_code == ExitCode.INVALID_REQUEST
    assert "participants" in json.loads(result.stderr.splitlines()[-1])["errors"]


def test_text_is_the_default_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    args = ["explain", request("busy"), "--calendars", STORE, "--now", NOW, "--no-cache"]
    result = CliRunner().invoke(
        cli, [*args, "--at", "2027-05-03T12:00:00Z"], obj=Environment(stdout=screen)
    )
    assert result.exit_code == 0, result.output
    assert '  Lena Fischer is busy: "Roadmap" (Work, tentative) 12:00-13:00' in (
        screen.getvalue().splitlines()
    )
