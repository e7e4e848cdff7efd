"""``cronoslot find`` through click's CliRunner: it answers exactly what ``availability``
answers for the request it prints, on random groups, days and zones (DST days and
+05:30 / +05:45 included); names, defaults, the clip to now, more than 10 accounts."""

from __future__ import annotations

import io
import json
import random
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cronoslot.cli.app import cli
from cronoslot.cli.environment import Environment

from .conftest import ROOT, SAMPLES

STORE = str(SAMPLES / "calendars")
MONDAY = "2027-04-19T08:00:00Z"
PRIYA = "acc_3f9c1a7e52d84b06a1c4e7d2"
LENA = "acc_8b2e5d0c91f34a7bb6d3c5e1"
THAMES = "res_4a7d2e9f0b1c3e5a7d9f1b3c"
SEVERN = "res_6c1e8a3d5f7b9d2e4a6c8e0f"
ASK = ["--with", "priya,lena", "--any", "1:thames,severn", "--for", "45m", "--on", "tue,wed"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, env=env, catch_exceptions=False)


def on_terminal(*args: str, env: dict[str, str] | None = None) -> tuple[Result, str]:
    """Run with stdout on a (fake) terminal; gives the result and what it printed there."""
    screen = Terminal()
    result = CliRunner().invoke(
        cli, list(args), obj=Environment(stdout=screen), env=env, catch_exceptions=False
    )
    return result, screen.getvalue()


def find(*args: str, env: dict[str, str] | None = None) -> Result:
    return run("find", *args, "--calendars", STORE, "--now", MONDAY, env=env)


def answer(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- what a coordinator sees ------------------------------------------------------------


def test_the_readme_opens_with_this_and_it_prints_this() -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```console\n", 1)[1].split("```", 1)[0]
    command, *shown = block.strip().splitlines()
    command = command.removeprefix("$ ")
    while command.endswith("\\"):
        command = command[:-1] + shown.pop(0).strip()
    args = command.split()[1:]
    assert args[0] == "find"
    result, screen = on_terminal(*args, env={"CRONOSLOT_CALENDARS": STORE})
    assert result.exit_code == 0, result.output
    assert screen.splitlines() == shown
    assert shown[0] == "Tue 20 Apr  12:00-12:45 BST  Priya Sharma, Lena Vogel, Thames room"


def test_lines_on_a_terminal_json_in_a_pipe() -> None:
    result, screen = on_terminal("find", *ASK, "--calendars", STORE, "--now", MONDAY)
    assert result.exit_code == 0 and result.stdout == ""
    assert screen.splitlines() == [
        "Tue 20 Apr  12:00-12:45 BST  Priya Sharma, Lena Vogel, Thames room",
        "Tue 20 Apr  14:00-14:45 BST  Priya Sharma, Lena Vogel, Severn room",
        "Wed 21 Apr  14:30-15:15 BST  Priya Sharma, Lena Vogel, Thames room, Severn room",
    ]
    body = answer(find(*ASK))
    assert [slot["start"] for slot in body["available_slots"]] == [
        "2027-04-20T11:00:00Z",
        "2027-04-20T13:00:00Z",
        "2027-04-21T13:30:00Z",
    ]
    assert body["available_slots"][0]["participants"] == [
        {"sub": PRIYA},
        {"sub": LENA},
        {"sub": THAMES},
    ]


def test_the_zone_is_tz_else_the_variable_else_the_first_members() -> None:
    # Priya's account says Europe/London, Lena's Europe/Berlin.
    def first_start(*args: str, env: dict[str, str] | None = None) -> str:
        return str(answer(find(*args, env=env))["available_slots"][0]["start"])

    london = first_start("--with", "priya", "--for", "1h", "--on", "tue")
    berlin = first_start("--with", "lena", "--for", "1h", "--on", "tue")
    assert london == "2027-04-20T09:30:00Z"  # 10:30 London, after her hiring sync
    assert berlin == "2027-04-20T07:00:00Z"  # 09:00 Berlin
    variable = {"CRONOSLOT_TZ": "Europe/London"}
    assert first_start("--with", "lena", "--for", "1h", "--on", "tue", env=variable) == (
        "2027-04-20T08:30:00Z"  # 09:30 London, after her standup
    )
    assert first_start("--with", "lena", "--for", "1h", "--on", "tue", "--tz", "UTC") == (
        "2027-04-20T11:00:00Z"  # after her design review, 09:30-11:00 UTC
    )
    bad = find("--with", "lena", "--for", "1h", env={"CRONOSLOT_TZ": "Mars/Olympus"})
    assert bad.exit_code == 2 and "$CRONOSLOT_TZ 'Mars/Olympus'" in bad.stderr


def test_the_clip_to_now_leaves_the_rest_of_today() -> None:
    now = "2027-04-20T11:07:00Z"  # 12:07 London, Tuesday
    args = [*ASK[:6], "--on", "today", "--calendars", STORE, "--now", now]
    slots = answer(run("find", *args))["available_slots"]
    assert [slot["start"] for slot in slots] == ["2027-04-20T11:15:00Z", "2027-04-20T13:00:00Z"]
    periods = answer(run("find", *args, "--periods"))["available_periods"]
    assert periods[0]["start"] == "2027-04-20T11:15:00Z"  # moved up to the 15-minute grid
    late = [*args[:-1], "2027-04-20T16:30:00Z"]
    result, screen = on_terminal("find", *late)
    assert result.exit_code == 0
    assert screen == (
        "No time left to search on Tue 20 Apr (09:00-17:00 Europe/London) after Tue 20 Apr 17:30.\n"
    )
    assert answer(run("find", *late)) == {"available_slots": []}
    request = run("find", *late, "--format", "request")
    assert request.exit_code == 2 and "No request to print" in request.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--for", "45m"], "give at least one --with or --any"),
        (["--with", "priya", "--for", "45m", "--on", "tuesdy"], "did you mean 'tuesday'"),
        (["--with", "priya", "--for", "forty"], "'forty' is not a duration like 45m"),
        (["--with", "priya", "--for", "1h", "--between", "17:00-09:00"], "end must be after"),
        (["--with", "pryia", "--for", "1h"], "did you mean 'Priya'"),
        (["--any", "3:thames,severn", "--for", "1h"], "N must be between 1 and the 2"),
        (["--any", "2:thames,Thames room", "--for", "1h"], "only 1 different members"),
        (["--with", "priya", "--for", "1h", "--tz", "Europe/Londn"], "not an IANA time zone"),
        (["--with", "priya", "--for", "1h", "--on", "2027-04-01"], "before today"),
        (["--with", "priya", "--for", "1h", "--every", "0m"], "longer than zero"),
        (["--with", "priya", "--for", "1h", "--format", "xml"], "Invalid value for '--format'"),
    ],
)
def test_usage_errors_say_what_is_wrong(args: list[str], message: str) -> None:
    result = find(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_help_shows_five_examples() -> None:
    result = run("find", "--help")
    examples = result.stdout.split("Examples:", 1)[1].split("Options:", 1)[0]
    assert len(re.findall(r"^    cronoslot find ", examples, re.M)) == 5


# --- the request it prints, and limits --------------------------------------------------


def test_the_request_is_beyond_the_api_when_it_must_be(tmp_path: Path) -> None:
    # An hourly grid in Kolkata cannot be the API's start_interval: 8 starts a day, as
    # query_slots; over a week, more than the API's 50.
    args = ["--with", "priya", "--for", "1h", "--every", "60m", "--tz", "Asia/Kolkata"]
    printed = find(*args, "--on", "next-week", "--format", "request")
    assert printed.exit_code == 0
    body = json.loads(printed.stdout)
    assert len(body["query_slots"]) == 40
    assert body["response_format"] == "overlapping_slots"  # find --slots picks among them
    assert "beyond the API's limits (query_slots: at most 50" not in printed.stderr
    printed = find(*args, "--on", "2027-04-26..2027-05-09", "--format", "request")
    assert "warning: this request is beyond the API's limits (query_slots: at most 50" in (
        printed.stderr
    )
    path = tmp_path / "request.json"
    path.write_text(printed.stdout)
    refused = run("availability", str(path), "--calendars", STORE, "--now", MONDAY)
    assert refused.exit_code == 1 and "errors.too_many" in refused.stderr
    relaxed = run(
        "availability", str(path), "--calendars", STORE, "--now", MONDAY, "--no-api-limits"
    )
    found = answer(find(*args, "--on", "2027-04-26..2027-05-09", "--format", "json"))
    # Hourly one-hour slots never overlap: find's pick keeps them all, up to --limit (20);
    # the printed request asks for every start's answer.
    assert answer(relaxed)["available_slots"][:20] == found["available_slots"]
    assert len(found["available_slots"]) == 20


def _store_with_interviewers(root: Path, count: int) -> list[str]:
    """``count`` interviewers, each busy a different hour of Tuesday 20 April (UTC)."""
    subs = []
    for index in range(count):
        sub = f"acc_interviewer_{index:02d}"
        folder = root / sub
        folder.mkdir(parents=True)
        (folder / "account.json").write_text(json.dumps({"name": f"Interviewer {index}"}))
        hour = 9 + index % 8
        (folder / "work.ics").write_text(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
            f"UID:{sub}@x\r\nDTSTAMP:20270101T000000Z\r\n"
            f"DTSTART:20270420T{hour:02d}0000Z\r\nDTEND:20270420T{hour + 1:02d}0000Z\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        subs.append(sub)
    return subs


def test_any_2_of_15_and_40_accounts(tmp_path: Path) -> None:
    subs = _store_with_interviewers(tmp_path / "store", 40)
    base = ["--calendars", str(tmp_path / "store"), "--now", MONDAY, "--tz", "UTC"]
    common = ["--for", "1h", "--on", "tue", "--every", "60m", "--overlapping", *base]
    # Interviewers 0 and 8 are both busy 09:00, 1 and 9 at 10:00...: any 2 of the first
    # 15 are free every hour, yet 2 of {0, 8} only when neither is busy.
    result = answer(run("find", "--any", "2:" + ",".join(subs[:15]), *common))
    assert [slot["start"][11:16] for slot in result["available_slots"]] == [
        f"{hour:02d}:00" for hour in range(9, 17)
    ]
    for slot in result["available_slots"]:
        hour = int(slot["start"][11:13])
        free = [s for i, s in enumerate(subs[:15]) if 9 + i % 8 != hour]
        assert [p["sub"] for p in slot["participants"]] == free
    pair = answer(run("find", "--any", f"2:{subs[0]},{subs[8]}", *common))
    assert "09:00" not in [slot["start"][11:16] for slot in pair["available_slots"]]
    everyone = answer(run("find", "--with", ",".join(subs), *common))
    assert everyone == {"available_slots": []}
    all_but_busy = answer(run("find", "--any", "35:" + ",".join(subs), *common))
    assert len(all_but_busy["available_slots"]) == 8  # 5 busy each hour: 35 of 40 free


# --- find equals availability on the request it prints ----------------------------------

ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu"]
ZONES += ["Australia/Lord_Howe", "Europe/Berlin"]
ACCOUNTS = [f"acc_{name}" for name in ("ana", "ben", "cai", "dee", "eli", "fay", "gus", "hal")]
ACCOUNT_ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", None]


@pytest.fixture(scope="module")
def random_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight accounts with random busy and tentative time from 1 March to 30 April 2027
    (over the DST changes of New York, Europe and Lord Howe)."""
    root = tmp_path_factory.mktemp("random_store")
    chance = random.Random(10)
    start = datetime(2027, 3, 1)
    for index, sub in enumerate(ACCOUNTS):
        folder = root / sub
        folder.mkdir()
        tzid = ACCOUNT_ZONES[index % len(ACCOUNT_ZONES)]
        (folder / "account.json").write_text(json.dumps({"tzid": tzid, "name": sub[4:].title()}))
        events = []
        for number in range(160):
            begin = start + timedelta(minutes=15 * chance.randrange(0, 61 * 96))
            end = begin + timedelta(minutes=15 * chance.randrange(1, 12))
            status = "STATUS:TENTATIVE\r\n" if chance.random() < 0.2 else ""
            events.append(
                f"BEGIN:VEVENT\r\nUID:{sub}-{number}@x\r\nDTSTAMP:20270101T000000Z\r\n"
                f"DTSTART:{begin:%Y%m%dT%H%M%S}Z\r\nDTEND:{end:%Y%m%dT%H%M%S}Z\r\n{status}"
                "END:VEVENT\r\n"
            )
        (folder / "busy.ics").write_text(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
            + "".join(events)
            + "END:VCALENDAR\r\n"
        )
    return root


@st.composite
def questions(draw: st.DrawFn) -> list[str]:
    args: list[str] = []
    pool = list(ACCOUNTS)
    for _ in range(draw(st.integers(1, 3))):
        members = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique=True))
        if draw(st.booleans()):
            args += ["--with", ",".join(members)]
        else:
            args += ["--any", f"{draw(st.integers(1, len(members)))}:{','.join(members)}"]
    args += ["--for", f"{draw(st.sampled_from([15, 30, 45, 60, 90, 120]))}m"]
    args += ["--tz", draw(st.sampled_from(ZONES))]
    on = draw(
        st.sampled_from(
            [
                None,
                "today",
                "tomorrow",
                "tue,thu",
                "next-week",
                "2027-03-14",
                "2027-03-26..2027-03-30",
                "2027-04-04",
                "2027-03-13..2027-03-15",
            ]
        )
    )
    if on:
        args += ["--on", on]
    start = draw(st.integers(0, 20))
    end = draw(st.integers(start + 1, 24))
    args += [
        "--between",
        f"{start:02d}:00-{end:02d}:{draw(st.sampled_from(['00', '30'])) if end < 24 else '00'}",
    ]
    args += ["--every", f"{draw(st.sampled_from([5, 10, 15, 20, 30, 45, 60]))}m"]
    if draw(st.booleans()):
        args += ["--weekends"]
    if draw(st.integers(0, 3)) == 0:
        args += ["--buffer", f"{draw(st.sampled_from([5, 15, 30]))}m"]
    if draw(st.integers(0, 3)) == 0:
        args += ["--after", f"{draw(st.sampled_from([0, 10]))}m"]
    args += [draw(st.sampled_from(["--slots", "--periods", "--overlapping"]))]
    args += ["--limit", str(draw(st.sampled_from([1, 3, 20, 200])))]
    day = draw(st.integers(0, 40))
    minute = draw(st.integers(0, 24 * 60 - 1))
    now = datetime(2027, 3, 10) + timedelta(days=day, minutes=minute)
    args += ["--now", f"{now:%Y-%m-%dT%H:%M}:{draw(st.sampled_from(['00', '17']))}Z"]
    return args


# Derandomized: the same examples every run, so the check below that enough answers were
# compared cannot flake.
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(question=questions())
def test_find_equals_availability_on_the_request_it_prints(
    question: list[str], random_store: Path
) -> None:
    store = ["--calendars", str(random_store)]
    found = run("find", *question, *store, "--format", "json")
    printed = run("find", *question, *store, "--format", "request")
    if found.exit_code == 2:  # no day to search (all over, or only weekend days)
        assert printed.exit_code == 2
        return
    body = answer(found)
    if printed.exit_code == 2:  # no time left today: nothing was searched
        assert "No request to print" in printed.stderr
        assert not any(body.values())
        return
    assert printed.exit_code == 0, printed.output
    now = question[question.index("--now") + 1]
    again = answer(
        run("availability", "-", *store, "--now", now, "--no-api-limits", stdin=printed.stdout)
    )
    if "--slots" in question and "query_slots" in json.loads(printed.stdout):
        # The API answers every query slot; `find --slots` takes non-overlapping ones.
        limit = int(question[question.index("--limit") + 1])
        taken: list[dict[str, Any]] = []
        for slot in again["available_slots"]:
            if len(taken) < limit and (not taken or slot["start"] >= taken[-1]["end"]):
                taken.append(slot)
        again = {**again, "available_slots": taken}
    assert again == body
    COMPARED.append(sum(len(v) for v in body.values()))


COMPARED: list[int] = []


def test_the_property_compared_answers() -> None:
    # Runs after the property (file order): most examples must have compared answers.
    if COMPARED:
        assert len(COMPARED) >= 20 and sum(COMPARED) >= 100, COMPARED


def test_managed_binds_those_with_rules_only() -> None:
    # Alice's rule: 09:00-17:00 London on Fridays, Bob's 04:00-14:00 New York; the rooms
    # have no rules, and --managed must not make them never available.
    args = ["--with", "alice,bob", "--any", "1:lab,boardroom", "--for", "1h", "--on"]
    args += ["2027-04-23", "--between", "07:00-20:00", "--tz", "Europe/London"]
    args += ["--calendars", STORE, "--now", "2027-04-01T00:00:00Z", "--format", "json"]
    free = answer(run("find", *args))["available_slots"]
    managed = answer(run("find", *args, "--managed"))["available_slots"]
    assert free[0]["start"] == "2027-04-23T06:00:00Z"  # 07:00 London
    assert managed[0]["start"] == "2027-04-23T08:00:00Z"  # 09:00 London, Alice's rule
    assert all(
        s["start"] >= "2027-04-23T08:00:00Z" and s["end"] <= "2027-04-23T16:00:00Z" for s in managed
    )
    request = json.loads(run("find", *args[:-2], "--managed", "--format", "request").stdout)
    members = [m for group in request["participants"] for m in group["members"]]
    assert [m.get("managed_availability", False) for m in members] == [True, True, False, False]


def test_the_system_zone_comes_from_tz_first(monkeypatch: pytest.MonkeyPatch) -> None:
    from cronoslot.cli.find import system_zone
    from cronoslot.timeutil import is_zone

    monkeypatch.setenv("TZ", ":Asia/Kathmandu")
    assert system_zone() == "Asia/Kathmandu"
    monkeypatch.setenv("TZ", "Nowhere/Special")
    assert is_zone(system_zone())  # /etc/localtime, /etc/timezone, else UTC
    # An account with no tzid and no $CRONOSLOT_TZ: the system's zone
    monkeypatch.setenv("TZ", "Asia/Kathmandu")
    monkeypatch.delenv("CRONOSLOT_TZ", raising=False)
    body = json.loads(find("--with", "boardroom", "--for", "1h", "--format", "request").stdout)
    body_tz = find(
        "--with", "boardroom", "--for", "1h", "--tz", "Asia/Kathmandu", "--format", "request"
    )
    assert body == json.loads(body_tz.stdout)
