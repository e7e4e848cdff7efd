"""``FindQuery`` -> the Availability request: its shape, the clip to now, and its slot
starts against a brute-force model that walks every minute on the local clock."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cronoslot.errors import UsageError
from cronoslot.find import FindGroup, FindPlan, FindQuery, parse_on, plan
from cronoslot.find.days import resolve_days
from cronoslot.models import Buffer
from cronoslot.timeutil import MINUTE, from_datetime, parse_time, to_datetime

MONDAY_0800Z = parse_time("2027-04-19T08:00:00Z")
PEOPLE = (FindGroup(("acc_a", "acc_b")), FindGroup(("res_1", "res_2", "res_3"), 1))


def query(**changes: object) -> FindQuery:
    base: dict[str, object] = {"groups": PEOPLE, "duration": 45 * MINUTE, "zone": "Europe/London"}
    base.update(changes)
    return FindQuery(**base)  # type: ignore[arg-type]


def test_the_request_of_a_simple_question() -> None:
    found = plan(query(on=parse_on("tue,wed"), buffer=Buffer(before=600)), MONDAY_0800Z)
    assert found.body == {
        "participants": [
            {"members": [{"sub": "acc_a"}, {"sub": "acc_b"}], "required": "all"},
            {"members": [{"sub": "res_1"}, {"sub": "res_2"}, {"sub": "res_3"}], "required": 1},
        ],
        "required_duration": {"minutes": 45},
        "buffer": {"before": {"minutes": 10}},
        "query_periods": [
            {"start": "2027-04-20T08:00:00Z", "end": "2027-04-20T16:00:00Z"},
            {"start": "2027-04-21T08:00:00Z", "end": "2027-04-21T16:00:00Z"},
        ],
        "start_interval": {"minutes": 15},
        "response_format": "slots",
        "max_results": 20,
    }
    assert not found.local_grid


def test_managed_members_and_periods_without_a_grid_of_the_api() -> None:
    found = plan(
        query(
            managed=frozenset({"acc_a"}),
            response_format="periods",
            every=60 * MINUTE,
            zone="Asia/Kolkata",
        ),
        MONDAY_0800Z,
    )
    assert found.body is not None
    assert found.body["participants"][0]["members"] == [
        {"sub": "acc_a", "managed_availability": True},
        {"sub": "acc_b"},
    ]
    # Periods keep query_periods; the local grid is not the API's, so none is sent.
    assert "query_periods" in found.body and "start_interval" not in found.body
    assert not found.local_grid


def test_a_grid_the_api_cannot_write_becomes_query_slots() -> None:
    found = plan(query(every=60 * MINUTE, zone="Asia/Kolkata", on=parse_on("tue")), MONDAY_0800Z)
    assert found.local_grid and found.body is not None
    starts = [slot["start"] for slot in found.body["query_slots"]]
    # 09:00 to 16:00 Kolkata (the last start that ends by 17:00): XX:30Z
    assert starts[0] == "2027-04-20T03:30:00Z" and starts[-1] == "2027-04-20T10:30:00Z"
    assert len(starts) == 8 and "query_periods" not in found.body


def test_the_clip_to_now() -> None:
    now = parse_time("2027-04-20T11:07:00Z")  # 12:07 BST on Tuesday
    found = plan(query(on=parse_on("today")), now)
    assert found.union == ((now, parse_time("2027-04-20T16:00:00Z")),)
    # Too little left for the duration: nothing to search, no request
    late = plan(query(on=parse_on("today")), parse_time("2027-04-20T15:30:00Z"))
    assert late.union == () and late.body is None and late.days == (date(2027, 4, 20),)


def test_no_day_to_search_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="before today"):
        plan(query(on=parse_on("2027-04-01")), MONDAY_0800Z)
    saturday = parse_time("2027-04-24T08:00:00Z")
    with pytest.raises(UsageError, match="weekend days"):
        plan(query(on=parse_on("this-week")), saturday)
    assert plan(query(on=parse_on("this-week"), weekends=True), saturday).body is not None


# --- the slot starts, against a model ---------------------------------------------------

ZONES = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/St_Johns",
]
# Days around the 2027 changes: US 14 March, EU 28 March, Lord Howe and Chatham 4 April.
ON_FORMS = [
    "today",
    "tomorrow",
    "sun",
    "tue",
    "this-week",
    "next-week",
    "2027-03-14",
    "2027-03-28",
    "2027-04-04",
    "2027-03-12..2027-03-16",
    "2027-03-26..2027-03-29",
    "2027-04-02..2027-04-05",
]


def effective_starts(found: FindPlan) -> list[int]:
    """The starts the request considers: its query slots, or its grid in its periods."""
    body = found.body
    assert body is not None
    if "query_slots" in body:
        return [parse_time(slot["start"]) for slot in body["query_slots"]]
    step = body["start_interval"]["minutes"] * MINUTE
    duration = found.query.duration
    return [
        start
        for low, high in found.union
        for start in range(-(-low // step) * step, high - duration + 1, step)
    ]


def model_starts(found: FindPlan) -> list[int]:
    """Every minute whose local clock is on the grid and whose slot lies, minute by minute,
    in a requested day's working hours, from now on."""
    query = found.query
    zone = ZoneInfo(query.zone)
    days = set(
        resolve_days(query.on, to_datetime(found.now).astimezone(zone).date(), query.weekends)
    )
    low = min(window.start for window in found.windows) - 3600
    high = max(window.end for window in found.windows) + 3600

    def searched(minute: int) -> bool:
        moment = to_datetime(minute).astimezone(zone)
        clock = moment.hour * 60 + moment.minute
        return (
            minute >= found.now
            and moment.date() in days
            and query.between[0] <= clock < query.between[1]
        )

    first = -(-low // MINUTE) * MINUTE
    inside = {minute for minute in range(first, high, MINUTE) if searched(minute)}
    every = query.every // MINUTE
    starts = []
    for minute in sorted(inside):
        moment = to_datetime(minute).astimezone(zone)
        if (moment.hour * 60 + moment.minute) % every:
            continue
        if all(m in inside for m in range(minute, minute + query.duration, MINUTE)):
            starts.append(minute)
    return starts


def on_the_hour_or_after_4(minutes: int) -> bool:
    # Window edges at 00:00/24:00 or from 04:00: no zone here changes its clock there.
    return minutes in (0, 1440) or minutes >= 240


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    zone=st.sampled_from(ZONES),
    now=st.datetimes(datetime(2027, 3, 8), datetime(2027, 4, 3)),
    on=st.lists(st.sampled_from(ON_FORMS), min_size=0, max_size=2),
    between=st.tuples(
        st.integers(0, 95).map(lambda q: q * 15), st.integers(1, 96).map(lambda q: q * 15)
    ).filter(lambda b: b[0] < b[1] and all(on_the_hour_or_after_4(m) for m in b)),
    every=st.sampled_from([5, 10, 15, 20, 30, 45, 60, 90]),
    duration=st.sampled_from([15, 30, 45, 60, 120]),
    weekends=st.booleans(),
    response_format=st.sampled_from(["slots", "overlapping_slots"]),
)
def test_starts_are_the_local_grid_in_the_days_hours(
    zone: str,
    now: datetime,
    on: list[str],
    between: tuple[int, int],
    every: int,
    duration: int,
    weekends: bool,
    response_format: str,
) -> None:
    moment = from_datetime(now.replace(tzinfo=ZoneInfo("UTC")))
    question = query(
        zone=zone,
        on=parse_on(",".join(on)) if on else (),
        between=between,
        every=every * MINUTE,
        duration=duration * MINUTE,
        weekends=weekends,
        response_format=response_format,
    )
    try:
        found = plan(question, moment)
    except UsageError:
        return  # every day asked for is over, or only weekend days: nothing to model
    if found.body is None:
        assert model_starts(found) == []
        return
    assert effective_starts(found) == model_starts(found)
    if not found.local_grid:
        assert every in (5, 10, 15, 20, 30, 60)


def test_a_dst_day_in_the_model_and_the_plan() -> None:
    found = plan(
        query(zone="Europe/London", on=parse_on("2027-03-28"), between=(0, 1440), every=3600),
        parse_time("2027-03-27T00:00:00Z"),
    )
    assert len(effective_starts(found)) == 23 == len(model_starts(found))
    assert found.windows[0].end - found.windows[0].start == 23 * 3600
