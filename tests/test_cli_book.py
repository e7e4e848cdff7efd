"""``cronoslot book`` and ``cronoslot cancel`` on the command line: the pipeline, exit
codes, tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cronoslot.cli.app import cli

from .booking_store import ACCOUNTS, NOW, ROOM, at, booking_file, loop_request, make_store, slot
from .booking_store import slot_request as make_slot_request


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return make_store(tmp_path / "store")


def run(store: Path, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(
        cli, [*args, "--calendars", str(store)], input=stdin, catch_exceptions=False
    )


def write(path: Path, body: Any) -> str:
    path.write_text(json.dumps(body))
    return str(path)


def last_line(result: Result) -> Any:
    return json.loads(result.stderr.strip().splitlines()[-1])


def test_the_pipeline_sequence_jq_book(store: Path, tmp_path: Path) -> None:
    loop = write(tmp_path / "loop.json", loop_request())
    answer = run(store, "sequence", loop, "--now", NOW)
    option = json.dumps(json.loads(answer.stdout)["sequences"][0])
    result = run(store, "book", loop, "-", "--now", NOW, stdin=option)
    assert result.exit_code == 0, result.output
    booked = json.loads(result.stdout)["booked"]
    assert [b["event_id"] for b in booked] == ["loop-1", "loop-2"]
    assert booked[1]["subs"] == ["acc_ben", ROOM]
    assert set(booked[0]) == {"event_id", "event_uid", "start", "end", "subs"}
    again = json.loads(run(store, "sequence", loop, "--now", NOW).stdout)["sequences"]
    assert json.loads(option) not in again


def test_a_slot_then_a_conflict_exits_5(store: Path, tmp_path: Path) -> None:
    request = write(tmp_path / "slots.json", make_slot_request())
    choice = write(tmp_path / "choice.json", slot("09:00", "10:00"))
    first = run(store, "book", request, choice, "--event-id", "a", "--now", NOW)
    assert first.exit_code == 0, first.output
    second = run(store, "book", request, choice, "--event-id", "b", "--now", NOW)
    assert second.exit_code == 5
    assert "no longer available" in second.stderr
    assert "nothing was booked" in second.stderr
    assert second.stdout == ""
    for sub in ACCOUNTS:
        assert booking_file(store, sub).read_text().count("BEGIN:VEVENT") == 1


@pytest.mark.parametrize(
    ("choice", "options", "path"),
    [
        (slot("09:00", "10:00"), [], "event_id"),  # a slot without --event-id
        (slot("09:00", "09:45"), ["--event-id", "x"], "choice.end"),  # wrong duration
        (slot("09:05", "10:05"), ["--event-id", "x"], "choice.start"),  # off the grid
        (slot("07:00", "08:00"), ["--event-id", "x"], "choice.start"),  # outside the periods
        (
            {**slot("09:00", "10:00"), "participants": [{"sub": "acc_zed"}]},
            ["--event-id", "x"],
            "choice.participants[0].sub",
        ),  # not in the request
        (
            {**slot("09:00", "10:00"), "participants": [{"sub": "acc_ann"}]},
            ["--event-id", "x"],
            "choice.participants",
        ),  # the group needs everyone
        ({"available_slots": []}, ["--event-id", "x"], "choice"),  # a whole answer
        ({"sequence": []}, ["--event-id", "x"], "choice"),  # the other query's item
    ],
)
def test_a_choice_that_is_not_an_answer_exits_1(
    store: Path, tmp_path: Path, choice: Any, options: list[str], path: str
) -> None:
    request = write(tmp_path / "slots.json", make_slot_request())
    result = run(store, "book", request, "-", "--now", NOW, *options, stdin=json.dumps(choice))
    assert result.exit_code == 1, result.output
    assert path in last_line(result)["errors"]
    assert not any(booking_file(store, sub).exists() for sub in ACCOUNTS)


def test_an_unknown_sequence_id_exits_1(store: Path, tmp_path: Path) -> None:
    loop = write(tmp_path / "loop.json", loop_request())
    option = {
        "sequence": [
            {**slot("09:00", "09:45", ("acc_ann",)), "sequence_id": "loop-1"},
            {**slot("10:00", "10:30", ("acc_ben", ROOM)), "sequence_id": "loop-9"},
        ]
    }
    result = run(store, "book", loop, "-", "--now", NOW, stdin=json.dumps(option))
    assert result.exit_code == 1
    errors = last_line(result)["errors"]
    assert errors["choice.sequence[1].sequence_id"][0]["key"] == "errors.invalid_value"
    assert errors["choice.sequence"][0]["key"] == "errors.too_few"  # loop-2 is missing


def test_gaps_outside_the_buffers_exit_1(store: Path, tmp_path: Path) -> None:
    loop = write(tmp_path / "loop.json", loop_request())
    option = {
        "sequence": [
            {**slot("09:00", "09:45", ("acc_ann",)), "sequence_id": "loop-1"},
            {**slot("14:00", "14:30", ("acc_ben", ROOM)), "sequence_id": "loop-2"},
        ]
    }
    result = run(store, "book", loop, "-", "--now", NOW, stdin=json.dumps(option))
    assert result.exit_code == 1
    assert "choice.sequence[1].start" in last_line(result)["errors"]


def test_usage_errors_exit_2(store: Path, tmp_path: Path) -> None:
    request = write(tmp_path / "slots.json", make_slot_request())
    both = run(store, "book", "-", "-", "--now", NOW, stdin="{}")
    assert both.exit_code == 2
    missing = run(store, "book", request, str(tmp_path / "nope.json"), "--now", NOW)
    assert missing.exit_code == 2
    assert "cannot read CHOICE" in missing.stderr
    no_organizer = run(
        store,
        *("book", request, "-", "--event-id", "x", "--now", NOW),
        *("--invite-dir", str(tmp_path / "invites")),
        stdin=json.dumps(slot("09:00", "10:00")),
    )
    assert no_organizer.exit_code == 2
    assert "--organizer" in no_organizer.stderr


def test_a_calendar_cronoslot_did_not_create_exits_3(store: Path, tmp_path: Path) -> None:
    booking_file(store, "acc_ann").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    request = write(tmp_path / "slots.json", make_slot_request())
    choice = json.dumps(slot("09:00", "10:00"))
    result = run(store, "book", request, "-", "--event-id", "x", "--now", NOW, stdin=choice)
    assert result.exit_code == 3
    assert "cronoslot.ics" in result.stderr and "--calendar-id" in result.stderr


def test_cancel_and_an_unknown_id(store: Path, tmp_path: Path) -> None:
    request = write(tmp_path / "slots.json", make_slot_request())
    choice = json.dumps(slot("09:00", "10:00"))
    run(store, "book", request, "-", "--event-id", "call", "--now", NOW, stdin=choice)
    cancelled = run(store, "cancel", "call")
    assert cancelled.exit_code == 0
    assert json.loads(cancelled.stdout)["cancelled"][0]["start"] == at("09:00")
    again = run(store, "cancel", "call")
    assert again.exit_code == 1
    assert last_line(again)["errors"]["event_id"][0]["key"] == "errors.unknown_event"


def test_table_and_dry_run(store: Path, tmp_path: Path) -> None:
    request = write(tmp_path / "slots.json", make_slot_request())
    choice = json.dumps(slot("09:00", "10:00"))
    options = ("--event-id", "call", "--now", NOW, "--dry-run", "--format", "table")
    result = run(store, "book", request, "-", *options, "--tz", "Europe/London", stdin=choice)
    assert result.exit_code == 0, result.output
    assert "Would book" in result.stdout
    assert "2027-04-22 10:00" in result.stdout  # 09:00Z in London summer time
    assert not any(booking_file(store, sub).exists() for sub in ACCOUNTS)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
CHOICE_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "start": st.sampled_from([at("09:00"), at("09:07"), "x"]) | JSON,
        "end": st.sampled_from([at("10:00"), at("10:07")]) | JSON,
        "participants": st.lists(st.fixed_dictionaries({"sub": st.sampled_from(ACCOUNTS)})) | JSON,
        "sequence": JSON,
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(choice=CHOICE_LIKE | JSON, event_id=st.none() | st.text(max_size=20))
def test_no_choice_makes_a_traceback(
    store: Path, tmp_path: Path, choice: Any, event_id: str | None
) -> None:
    request = write(tmp_path / "slots.json", make_slot_request())
    options = [] if event_id is None else ["--event-id", event_id]
    result = run(store, "book", request, "-", "--now", NOW, *options, stdin=json.dumps(choice))
    assert result.exit_code in (0, 1, 2, 5), result.output
    assert "Traceback" not in result.output
