"""``find``'s small values: durations, working hours, groups, and names of people."""

from __future__ import annotations

import pytest

from cronoslot.find.people import match_account
from cronoslot.find.values import (
    ValueProblem,
    parse_between,
    parse_duration,
    parse_group,
    parse_names,
)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("45m", 45), ("1h", 60), ("1h30m", 90), ("90m", 90), ("90", 90), ("2H", 120), ("5min", 5)],
)
def test_durations(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes * 60


@pytest.mark.parametrize("text", ["", "h", "1.5h", "30s", "-5m", "1m1h", "forty"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueProblem, match="is not a duration like 45m"):
        parse_duration(text)


def test_zero_and_huge_durations() -> None:
    with pytest.raises(ValueProblem, match="longer than zero"):
        parse_duration("0m")
    assert parse_duration("0m", allow_zero=True) == 0
    with pytest.raises(ValueProblem, match="longer than a year"):
        parse_duration("9000h")


def test_working_hours() -> None:
    assert parse_between("09:00-17:00") == (540, 1020)
    assert parse_between("9:30-24:00") == (570, 1440)
    assert parse_between("00:00-24:00") == (0, 1440)
    for text, message in [
        ("17:00-09:00", "the end must be after the start"),
        ("09:00", "is not working hours like 09:00-17:00"),
        ("09:00-25:00", "25:00 is not a time of day"),
        ("09:60-10:00", "09:60 is not a time of day"),
        ("24:00-24:00", "the start must be before 24:00"),
        ("nine-five", "is not working hours"),
    ]:
        with pytest.raises(ValueProblem, match=message):
            parse_between(text)


def test_groups_and_names() -> None:
    assert parse_names("a, b,a") == ("a", "b")
    assert parse_group("2:a,b,c") == (2, ("a", "b", "c"))
    for text, message in [
        ("a,b", "is not a group like 1:room_a"),
        ("x:a,b", "is not a group"),
        ("3:a,b", "N must be between 1 and the 2 members"),
        ("0:a", "N must be between 1"),
        ("2:a,a", "N must be between 1 and the 1 members"),
        ("1:a,,b", "an empty name"),
    ]:
        with pytest.raises(ValueProblem, match=message):
            parse_group(text)


ACCOUNTS = {
    "acc_1": "Priya Sharma",
    "acc_2": "Lena Vogel",
    "acc_3": "Lena Park",
    "res_1": "Thames room",
    "res_2": None,
}


@pytest.mark.parametrize(
    ("token", "sub"),
    [
        ("acc_1", "acc_1"),
        ("res_2", "res_2"),
        ("priya", "acc_1"),
        ("PRIYA SHARMA", "acc_1"),
        ("Sharma", "acc_1"),
        ("thames", "res_1"),
        ("lena vogel", "acc_2"),
        ("park", "acc_3"),
    ],
)
def test_people_by_sub_or_name(token: str, sub: str) -> None:
    assert match_account(token, ACCOUNTS) == sub


def test_people_ambiguous_or_unknown() -> None:
    with pytest.raises(ValueProblem, match=r"'lena' could be Lena Vogel \(acc_2\), Lena Park"):
        match_account("lena", ACCOUNTS)
    with pytest.raises(ValueProblem, match="did you mean 'Priya'"):
        match_account("pryia", ACCOUNTS)
    with pytest.raises(ValueProblem, match="did you mean 'Thames room'"):
        match_account("Thames rom", ACCOUNTS)
    with pytest.raises(ValueProblem, match=r"no account or name 'zzz' in the store$"):
        match_account("zzz", ACCOUNTS)
