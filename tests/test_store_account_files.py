"""The account files' parsers are pure: a JSON value in, dataclasses out, errors naming
the source they were given (for sync and a server, which validate before writing)."""

from __future__ import annotations

import pytest

from cronoslot.errors import CalendarDataError
from cronoslot.models import AccountSettings, AvailabilityRule, ManagedPeriod, WeeklyPeriod
from cronoslot.store.account_files import parse_periods, parse_rules, parse_settings
from cronoslot.timeutil import parse_time


def test_settings_from_a_value() -> None:
    value = {"tzid": "Europe/London", "emails": ["Alice@Example.org"]}
    assert parse_settings(value, "received") == AccountSettings(
        tzid="Europe/London", emails=("alice@example.org",)
    )


def test_the_name_people_know_an_account_by() -> None:
    assert parse_settings({"name": " Priya Sharma "}, "x").name == "Priya Sharma"
    assert parse_settings({"name": ""}, "x").name is None
    with pytest.raises(CalendarDataError, match="name must be a string"):
        parse_settings({"name": 7}, "x")


def test_rules_from_a_value() -> None:
    value = [
        {
            "availability_rule_id": "work",
            "tzid": "Europe/Berlin",
            "weekly_periods": [{"day": "Friday", "start_time": "09:00", "end_time": "24:00"}],
        }
    ]
    assert parse_rules(value, "received") == (
        AvailabilityRule("work", "Europe/Berlin", (WeeklyPeriod(4, 9 * 60, 24 * 60),), None),
    )


def test_periods_from_a_value() -> None:
    value = [{"start": "2027-04-22T09:00:00Z", "end": "2027-04-22T10:00:00Z"}]
    assert parse_periods(value, "received") == (
        ManagedPeriod("0", parse_time("2027-04-22T09:00:00Z"), parse_time("2027-04-22T10:00:00Z")),
    )


@pytest.mark.parametrize(
    ("parse", "value", "message"),
    [
        (parse_settings, [], "must be a JSON object"),
        (parse_rules, {}, "must be a JSON list of rules"),
        (parse_periods, [{"start": "soon", "end": "later"}], "[0].start 'soon' is not a Time"),
    ],
)
def test_errors_name_the_source(parse: object, value: object, message: str) -> None:
    with pytest.raises(CalendarDataError) as caught:
        parse(value, "PUT /rules")  # type: ignore[operator]
    assert str(caught.value.path) == "PUT /rules"
    assert message in caught.value.message
