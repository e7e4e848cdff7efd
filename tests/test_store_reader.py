"""The calendar store: paths, account.json, rules and periods (SPEC 1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cronoslot.errors import CalendarDataError, UsageError
from cronoslot.models import AccountSettings, AvailabilityRule, ManagedPeriod, WeeklyPeriod
from cronoslot.store.reader import Store
from cronoslot.timeutil import parse_time


def make_store(tmp_path: Path, files: dict[str, str | Any] | None = None) -> Store:
    """A store under tmp_path/store with the given files (JSON-encoded when not str)."""
    root = tmp_path / "store"
    root.mkdir()
    for name, content in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return Store(root)


# --- names and paths ---------------------------------------------------------------------


def test_missing_root_is_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="nowhere"):
        Store(tmp_path / "nowhere")
    (tmp_path / "file").write_text("")
    with pytest.raises(UsageError, match="file"):
        Store(tmp_path / "file")


def test_store_keeps_root(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    assert store.root == tmp_path / "store"


def test_path_escapes_are_refused(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "cal.ics").write_text("BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    store = make_store(tmp_path, {"acc/cal.ics": ""})
    for name in ("..", "/", "a/b", "../outside", "/tmp", "."):
        assert not store.has_account(name)
        assert not store.has_calendar(name, "cal")
        assert not store.has_calendar("acc", name)
        with pytest.raises(ValueError):
            store.calendar_ids(name)
        with pytest.raises(ValueError):
            store.calendar_files("acc", name)
        with pytest.raises(ValueError):
            store.settings(name)
        with pytest.raises(ValueError):
            store.availability_rules(name)
        with pytest.raises(ValueError):
            store.available_periods(name)


def test_symlinks_out_of_the_store_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.ics").write_text("BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    (outside / "account.json").write_text('{"tzid": "Europe/London"}')
    store = make_store(tmp_path, {"acc/cal.ics": ""})
    root = store.root
    (root / "escaped").symlink_to(outside, target_is_directory=True)
    (root / "acc" / "secret.ics").symlink_to(outside / "secret.ics")
    (root / "acc" / "account.json").symlink_to(outside / "account.json")
    (root / "alias").symlink_to(root / "acc", target_is_directory=True)

    assert not store.has_account("escaped")
    assert store.calendar_ids("escaped") == ()
    assert store.calendar_ids("acc") == ("cal",)
    assert not store.has_calendar("acc", "secret")
    with pytest.raises(CalendarDataError, match="outside"):
        store.settings("acc")
    # A symlink that stays inside the store is fine.
    assert store.has_account("alias") and store.calendar_ids("alias") == ("cal",)


# --- accounts and calendars --------------------------------------------------------------


def test_accounts_and_calendars(tmp_path: Path) -> None:
    store = make_store(
        tmp_path,
        {
            "acc/work.ics": "",
            "acc/work.ifb": "",
            "acc/busy.IFB": "",
            "acc/personal.ics": "",
            "acc/notes.txt": "",
            "acc/bad name.ics": "",
            "acc/account.json": "{}",
            "acc/nested/deep.ics": "",
            "empty/readme.md": "",
        },
    )
    assert store.has_account("acc") and store.has_account("empty")
    assert not store.has_account("nobody")
    assert store.calendar_ids("acc") == ("busy", "personal", "work")
    assert store.calendar_ids("empty") == ()
    assert store.calendar_ids("nobody") == ()
    assert store.has_calendar("acc", "work") and not store.has_calendar("acc", "nested")
    assert not store.has_calendar("nobody", "work")
    root = store.root
    assert store.calendar_files("acc", "work") == (root / "acc/work.ics", root / "acc/work.ifb")
    assert store.calendar_files("acc", "busy") == (root / "acc/busy.IFB",)
    assert store.calendar_files("acc", "missing") == ()


def test_a_directory_named_like_a_calendar_is_not_one(tmp_path: Path) -> None:
    store = make_store(tmp_path, {"acc/folder.ics/inner.ics": ""})
    assert store.calendar_ids("acc") == ()


# --- account.json ------------------------------------------------------------------------


def test_settings_default_when_absent(tmp_path: Path) -> None:
    store = make_store(tmp_path, {"acc/cal.ics": ""})
    assert store.settings("acc") == AccountSettings()
    assert store.settings("nobody") == AccountSettings()


def test_settings_parsed_and_emails_normalised(tmp_path: Path) -> None:
    store = make_store(
        tmp_path,
        {
            "acc/account.json": {
                "tzid": "Europe/London",
                "emails": ["Me@Example.org", "mailto:other@example.org", "MAILTO:Me@example.org"],
                "extra": True,
            }
        },
    )
    assert store.settings("acc") == AccountSettings(
        tzid="Europe/London", emails=("me@example.org", "other@example.org")
    )


def test_settings_nulls_mean_absent(tmp_path: Path) -> None:
    store = make_store(tmp_path, {"acc/account.json": {"tzid": None, "emails": None}})
    assert store.settings("acc") == AccountSettings()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "JSON object"),
        ('{"tzid": "Mars/Base"}', "Mars/Base"),
        ('{"tzid": 5}', "tzid"),
        ('{"emails": "me@example.org"}', "emails"),
        ('{"emails": [1]}', "emails[0]"),
    ],
)
def test_malformed_settings(tmp_path: Path, content: str, message: str) -> None:
    store = make_store(tmp_path, {"acc/account.json": content})
    with pytest.raises(CalendarDataError) as caught:
        store.settings("acc")
    assert caught.value.path.name == "account.json"
    assert message in caught.value.message


def test_settings_read_once(tmp_path: Path) -> None:
    store = make_store(tmp_path, {"acc/account.json": {"tzid": "Europe/Paris"}})
    assert store.settings("acc").tzid == "Europe/Paris"
    (store.root / "acc" / "account.json").write_text("broken")
    assert store.settings("acc").tzid == "Europe/Paris"


# --- availability_rules.json -------------------------------------------------------------

RULES = [
    {
        "availability_rule_id": "default",
        "tzid": "America/Chicago",
        "calendar_ids": ["work"],
        "weekly_periods": [
            {"day": "monday", "start_time": "09:30", "end_time": "12:30"},
            {"day": "Friday", "start_time": "13:00", "end_time": "24:00"},
        ],
    },
    {"availability_rule_id": "weekend", "tzid": "UTC", "weekly_periods": []},
]


def test_rules_parsed(tmp_path: Path) -> None:
    store = make_store(tmp_path, {"acc/availability_rules.json": RULES})
    assert store.availability_rules("acc") == (
        AvailabilityRule(
            "default",
            "America/Chicago",
            (WeeklyPeriod(0, 570, 750), WeeklyPeriod(4, 780, 1440)),
            ("work",),
        ),
        AvailabilityRule("weekend", "UTC", (), None),
    )
    assert store.availability_rule_ids("acc") == frozenset({"default", "weekend"})


def test_rules_default_empty(tmp_path: Path) -> None:
    store = make_store(tmp_path, {"acc/cal.ics": ""})
    assert store.availability_rules("acc") == ()
    assert store.availability_rule_ids("acc") == frozenset()


def rule(**changes: Any) -> list[dict[str, Any]]:
    base: dict[str, Any] = {
        "availability_rule_id": "r",
        "tzid": "Europe/Berlin",
        "weekly_periods": [{"day": "monday", "start_time": "09:00", "end_time": "17:00"}],
    }
    base.update(changes)
    return [base]


def period(**changes: str) -> dict[str, str]:
    base = {"day": "monday", "start_time": "09:00", "end_time": "17:00"}
    base.update(changes)
    return base


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[", "not valid JSON"),
        ({"availability_rule_id": "r"}, "list"),
        (["r"], "[0] must be an object"),
        (rule(tzid="Nowhere/Zone"), "[0].tzid 'Nowhere/Zone'"),
        (rule(tzid=None), "[0].tzid is required"),
        (rule(availability_rule_id=7), "availability_rule_id must be a string"),
        (rule(calendar_ids="work"), "calendar_ids"),
        (rule(weekly_periods={}), "weekly_periods must be a list"),
        (rule(weekly_periods=[period(day="funday")]), "weekly_periods[0].day 'funday'"),
        (rule(weekly_periods=[period(end_time="09:00")]), "is not after start_time"),
        (rule(weekly_periods=[period(end_time="08:00")]), "is not after start_time"),
        (rule(weekly_periods=[period(start_time="24:00")]), "start_time '24:00'"),
        (rule(weekly_periods=[period(start_time="9:00")]), "start_time '9:00'"),
        (rule(weekly_periods=[period(end_time="24:30")]), "end_time '24:30'"),
        (rule(weekly_periods=[period(), "x"]), "weekly_periods[1] must be an object"),
        (rule() + rule(), "duplicate availability_rule_id"),
    ],
)
def test_malformed_rules(tmp_path: Path, content: Any, message: str) -> None:
    store = make_store(tmp_path, {"acc/availability_rules.json": content})
    with pytest.raises(CalendarDataError) as caught:
        store.availability_rules("acc")
    assert caught.value.path.name == "availability_rules.json"
    assert message in caught.value.message


# --- available_periods.json --------------------------------------------------------------


def test_periods_parsed(tmp_path: Path) -> None:
    content = [
        {
            "available_period_id": "p1",
            "start": "2026-03-02T09:00:00Z",
            "end": "2026-03-02T12:00:00Z",
        },
        {"start": "2026-03-03T09:00:00+01:00", "end": "2026-03-03T10:00:00+01:00"},
    ]
    store = make_store(tmp_path, {"acc/available_periods.json": content})
    assert store.available_periods("acc") == (
        ManagedPeriod("p1", parse_time("2026-03-02T09:00:00Z"), parse_time("2026-03-02T12:00:00Z")),
        ManagedPeriod("1", parse_time("2026-03-03T08:00:00Z"), parse_time("2026-03-03T09:00:00Z")),
    )
    assert store.available_periods("nobody") == ()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("nope", "not valid JSON"),
        ({}, "list"),
        ([{"start": "2026-03-02T09:00:00Z"}], "[0].end is required"),
        ([{"start": "2026-03-02 09:00", "end": "2026-03-02T10:00:00Z"}], "[0].start"),
        ([{"start": "2026-03-02T10:00:00Z", "end": "2026-03-02T10:00:00Z"}], "not after"),
        ([{"start": 1, "end": "2026-03-02T10:00:00Z"}], "must be a string"),
    ],
)
def test_malformed_periods(tmp_path: Path, content: Any, message: str) -> None:
    store = make_store(tmp_path, {"acc/available_periods.json": content})
    with pytest.raises(CalendarDataError) as caught:
        store.available_periods("acc")
    assert caught.value.path.name == "available_periods.json"
    assert message in caught.value.message
