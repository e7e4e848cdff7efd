"""``--on``: each form, the weekend rule, and bad forms with a clear message."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cronoslot.find.days import DayForm, DaysError, parse_on, resolve_days

MONDAY = date(2027, 4, 19)
TUESDAY = MONDAY + timedelta(days=1)
SATURDAY = MONDAY + timedelta(days=5)


def days(text: str | None, today: date = MONDAY, weekends: bool = False) -> list[str]:
    return [f"{day:%a %d}" for day in resolve_days(parse_on(text), today, weekends)]


def test_default_is_the_next_seven_days_without_the_weekend() -> None:
    assert days(None) == ["Mon 19", "Tue 20", "Wed 21", "Thu 22", "Fri 23"]
    assert days(None, weekends=True) == [
        "Mon 19",
        "Tue 20",
        "Wed 21",
        "Thu 22",
        "Fri 23",
        "Sat 24",
        "Sun 25",
    ]
    # From a Saturday: the weekend is skipped, the next five weekdays follow.
    assert days(None, today=SATURDAY) == ["Mon 26", "Tue 27", "Wed 28", "Thu 29", "Fri 30"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", ["Mon 19"]),
        ("tomorrow", ["Tue 20"]),
        ("TOMORROW", ["Tue 20"]),
        ("mon", ["Mon 19"]),  # the next Monday is today
        ("tue", ["Tue 20"]),
        ("tuesday", ["Tue 20"]),
        ("thurs", ["Thu 22"]),
        ("sun", ["Sun 25"]),  # a day named on its own is kept, weekend or not
        ("tue,wed", ["Tue 20", "Wed 21"]),
        ("wed, tue", ["Tue 20", "Wed 21"]),
        ("this-week", ["Mon 19", "Tue 20", "Wed 21", "Thu 22", "Fri 23"]),
        ("next-week", ["Mon 26", "Tue 27", "Wed 28", "Thu 29", "Fri 30"]),
        ("2027-04-24", ["Sat 24"]),
        ("2027-04-22..2027-04-26", ["Thu 22", "Fri 23", "Mon 26"]),
        ("2027-04-22..2027-04-22", ["Thu 22"]),
        ("today,today,tue", ["Mon 19", "Tue 20"]),
    ],
)
def test_each_form(text: str, expected: list[str]) -> None:
    assert days(text) == expected


def test_weekday_on_that_weekday_is_today_and_weeks_from_a_sunday() -> None:
    sunday = MONDAY + timedelta(days=6)
    assert days("sun", today=sunday) == ["Sun 25"]
    assert days("this-week", today=sunday) == []
    assert days("this-week", today=sunday, weekends=True) == ["Sun 25"]
    assert days("next-week", today=sunday)[0] == "Mon 26"


def test_ranges_keep_weekends_when_asked() -> None:
    assert days("2027-04-22..2027-04-26", weekends=True) == [
        "Thu 22",
        "Fri 23",
        "Sat 24",
        "Sun 25",
        "Mon 26",
    ]


def test_forms_are_values() -> None:
    assert parse_on("tue") == (DayForm(word="tuesday"),)
    assert parse_on(None) == ()
    assert parse_on("2027-04-20") == (DayForm(first=TUESDAY, last=TUESDAY),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tuesdy", "did you mean 'tuesday'"),
        ("tomorow", "did you mean 'tomorrow'"),
        ("nextweek", "did you mean 'next-week'"),
        ("soon", "is not a day: use today, tomorrow"),
        ("th", "is not a day"),  # thursday or... too short to tell
        ("", "an empty day"),
        ("tue,", "an empty day"),
        ("2027-02-30", "2027-02-30 is not a day of the calendar"),
        ("2027-4-20", "is not a day"),
        ("2027-04-26..2027-04-20", "the range ends before it starts"),
        ("2027-04-20..", "'' is not a date"),
        ("2027-01-01..2028-12-31", "a range is at most 366 days"),
    ],
)
def test_bad_forms_say_what_would_do(text: str, message: str) -> None:
    with pytest.raises(DaysError, match=message.replace("(", r"\(").replace(".", r"\.")):
        parse_on(text)
