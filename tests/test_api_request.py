"""Request validation (SPEC 3, 5, 6): every error name at its exact path, aliases,
leniency, boundaries, and that nothing but ``InvalidRequest`` ever escapes."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cronoslot.api.request import parse_availability, parse_sequence
from cronoslot.errors import CalendarDataError, InvalidRequest
from cronoslot.models import (
    AvailabilityRequest,
    Buffer,
    Constraint,
    GapBound,
    Period,
    SequenceRequest,
    StepBuffer,
    Transparency,
)
from cronoslot.timeutil import DAY, HOUR, MINUTE, format_time, parse_time

NOW = parse_time("2026-04-01T00:00:00Z")
DAY1 = NOW + DAY  # 2026-04-02T00:00:00Z


def at(offset: int) -> str:
    """The Time ``offset`` seconds after NOW."""
    return format_time(NOW + offset)


class FakeStore:
    """A StoreView over a dict: sub -> (calendar ids, availability rule ids)."""

    def __init__(self, accounts: dict[str, tuple[set[str], set[str]]]) -> None:
        self.accounts = accounts
        self.broken: set[str] = set()
        self.asked: list[tuple[str, ...]] = []

    def has_account(self, sub: str) -> bool:
        self.asked.append(("account", sub))
        return sub in self.accounts

    def has_calendar(self, sub: str, calendar_id: str) -> bool:
        self.asked.append(("calendar", sub, calendar_id))
        return calendar_id in self.accounts[sub][0]

    def availability_rule_ids(self, sub: str) -> frozenset[str]:
        self.asked.append(("rules", sub))
        if sub in self.broken:
            raise CalendarDataError(f"{sub}/availability_rules.json", "not a list")
        return frozenset(self.accounts[sub][1])


def make_store() -> FakeStore:
    accounts = {f"acc{i}": ({"work", "home"}, {"default", "weekend"}) for i in range(12)}
    accounts["alice"] = ({"work", "home"}, {"default"})
    accounts["bob"] = ({"cal_1"}, set())
    return FakeStore(accounts)


def period(start: int, end: int) -> dict[str, str]:
    return {"start": at(start), "end": at(end)}


def availability(**fields: Any) -> dict[str, Any]:
    """A valid availability body with ``fields`` replaced (a value of ``...`` removes it)."""
    body: dict[str, Any] = {
        "participants": [{"members": [{"sub": "alice"}], "required": "all"}],
        "required_duration": {"minutes": 30},
        "query_periods": [period(DAY + 9 * HOUR, DAY + 17 * HOUR)],
    }
    body.update(fields)
    return {key: value for key, value in body.items() if value is not ...}


def step(sequence_id: str = "a", **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sequence_id": sequence_id,
        "participants": [{"members": [{"sub": "alice"}], "required": "all"}],
        "required_duration": {"minutes": 60},
    }
    body.update(fields)
    return {key: value for key, value in body.items() if value is not ...}


def sequence(*steps: dict[str, Any], **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "query_periods": [period(DAY + 9 * HOUR, DAY + 17 * HOUR)],
        "sequence": list(steps) or [step("a"), step("b")],
    }
    body.update(fields)
    return {key: value for key, value in body.items() if value is not ...}


def parse(
    body: Any, *, strict: bool = False, store: Any = "default", raw: bool = False
) -> tuple[AvailabilityRequest, list[str]]:
    warnings: list[str] = []
    text = body if raw else json.dumps(body)
    request = parse_availability(
        text,
        now=NOW,
        store=make_store() if store == "default" else store,
        strict=strict,
        warn=warnings.append,
    )
    return request, warnings


def parse_seq(
    body: Any, *, strict: bool = False, store: Any = "default"
) -> tuple[SequenceRequest, list[str]]:
    warnings: list[str] = []
    request = parse_sequence(
        json.dumps(body),
        now=NOW,
        store=make_store() if store == "default" else store,
        strict=strict,
        warn=warnings.append,
    )
    return request, warnings


def errors_of(body: Any, *, seq: bool = False, **kwargs: Any) -> dict[str, list[str]]:
    """The error names by path (``errors.`` prefix removed)."""
    with pytest.raises(InvalidRequest) as info:
        if seq:
            parse_seq(body, **kwargs)
        else:
            parse(body, **kwargs)
    errors = info.value.errors
    for entries in errors.values():
        for entry in entries:
            assert entry["key"].startswith("errors.")
            assert entry["description"]
    return {path: [entry["key"][7:] for entry in entries] for path, entries in errors.items()}


def only(body: Any, path: str, name: str, **kwargs: Any) -> None:
    """``body`` fails with exactly one error: ``name`` at ``path``."""
    assert errors_of(body, **kwargs) == {path: [name]}


# --- valid requests -----------------------------------------------------------------------


def test_minimal_request() -> None:
    request, warnings = parse(availability())
    assert warnings == []
    assert request.required_duration == 30 * MINUTE
    assert request.query_periods == (Period(DAY1 + 9 * HOUR, DAY1 + 17 * HOUR),)
    assert request.query_slots is None
    assert request.response_format == "periods"
    assert request.start_interval is None
    assert request.max_results == 20
    assert request.buffer == Buffer()
    assert request.include_member_statuses is False
    (group,) = request.participants
    assert group.required == 1
    (member,) = group.members
    assert member.sub == "alice"
    assert member.buffer is None
    assert member.calendar_ids is None
    assert member.availability_rule_ids is None
    assert member.available_periods is None


def test_every_option_is_read() -> None:
    body = availability(
        participants=[
            {
                "members": [
                    {
                        "sub": "alice",
                        "available_periods": [period(DAY + 9 * HOUR, DAY + 12 * HOUR)],
                        "calendar_ids": ["work", "home", "work"],
                        "buffer": {"before": {"minutes": 10}, "after": {"hours": 1, "minutes": 5}},
                        "managed_availability": True,
                        "availability_rule_ids": ["default"],
                        "only_managed_events": True,
                        "ignore_tentative": True,
                        "ignored_extended_transparencies": ["out_of_office", "tentative"],
                        "availability_constraints": [
                            {"period": "day", "tzid": "Europe/London", "limit": 2},
                            {
                                "period": "week",
                                "limit": 3,
                                "tags": {"private": [{"value": "Interview"}, {"value": "X"}]},
                            },
                        ],
                    },
                    {"sub": "bob"},
                ],
                "required": 1,
            }
        ],
        required_duration={"hours": 1},
        buffer={"before": {"minutes": 30}, "after": {"minutes": 15}},
        response_format="overlapping_slots",
        start_interval={"minutes": 30},
        max_results=512,
        include_member_statuses=True,
        excluded_events=[{"event_id": "e1"}, {"event_uid": "u1"}],
    )
    request, warnings = parse(body)
    assert warnings == []
    assert request.required_duration == HOUR
    assert request.buffer == Buffer(before=30 * MINUTE, after=15 * MINUTE)
    assert request.response_format == "overlapping_slots"
    assert request.start_interval == 30 * MINUTE
    assert request.max_results == 512
    assert request.include_member_statuses is True
    assert request.excluded_events.event_ids == {"e1"}
    assert request.excluded_events.event_uids == {"u1"}
    (group,) = request.participants
    assert group.required == 1
    alice, bob = group.members
    assert alice.available_periods == (Period(DAY1 + 9 * HOUR, DAY1 + 12 * HOUR),)
    assert alice.calendar_ids == ("work", "home")
    assert alice.buffer == Buffer(before=10 * MINUTE, after=65 * MINUTE)
    assert alice.managed_availability and alice.only_managed_events and alice.ignore_tentative
    assert alice.availability_rule_ids == ("default",)
    assert alice.ignored_extended_transparencies == {
        Transparency.OUT_OF_OFFICE,
        Transparency.TENTATIVE,
    }
    assert alice.availability_constraints == (
        Constraint(period="day", limit=2, tzid="Europe/London"),
        Constraint(period="week", limit=3, tags=frozenset({"Interview", "X"})),
    )
    assert bob.sub == "bob"


def test_bytes_body_and_byte_order_mark() -> None:
    text = json.dumps(availability())
    for body in (text.encode(), b"\xef\xbb\xbf" + text.encode(), "\ufeff" + text):
        request = parse_availability(body, now=NOW, store=None, strict=False, warn=print)
        assert request.required_duration == 30 * MINUTE


# --- invalid_json -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b'{"required_duration": }',
        b"\xff\xfe{}",
        b'{"a": "\xc3\x28"}',
        b"[]",
        b"42",
        b'"text"',
        b"null",
        b'{"max_results": NaN}',
        b'{"max_results": Infinity}',
        b'{"max_results": -Infinity}',
        b'{"max_results": 1e999}',
        b'{"max_results": ' + b"9" * 5000 + b"}",
        b'{"max_results": 1, "max_results": 2}',
        b'{"participants": [{"members": [{"sub": "a", "sub": "b"}]}]}',
        b'{"x": "\\ud800"}',
        b'{"\\udfff": 1}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": 1} {"b": 2}',
    ],
)
@pytest.mark.parametrize("parser", [parse_availability, parse_sequence])
def test_invalid_json(body: bytes, parser: Any) -> None:
    with pytest.raises(InvalidRequest) as info:
        parser(body, now=NOW, store=None, strict=False, warn=print)
    assert list(info.value.errors) == ["request"]
    (entry,) = info.value.errors["request"]
    assert entry["key"] == "errors.invalid_json"
    assert info.value.body == {"errors": info.value.errors}


# --- required -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (availability(required_duration=...), "required_duration"),
        (availability(required_duration=None), "required_duration"),
        (availability(participants=...), "participants"),
        (availability(query_periods=...), "query_periods"),
        (availability(query_periods=None, query_slots=None), "query_periods"),
        (availability(query_periods=[{"end": at(DAY)}]), "query_periods[0].start"),
        (availability(query_periods=[{"start": at(DAY), "end": None}]), "query_periods[0].end"),
        (availability(query_slots=[{}], query_periods=...), "query_slots[0].start"),
        (
            availability(participants=[{"members": [{"sub": "alice"}]}]),
            "participants[0].required",
        ),
        (availability(participants=[{"required": 1}]), "participants[0].members"),
        (
            availability(participants=[{"members": [{}], "required": 1}]),
            "participants[0].members[0].sub",
        ),
        (availability(excluded_events=[{}]), "excluded_events[0].event_id"),
        (
            availability(
                participants=[
                    {
                        "members": [{"sub": "alice", "availability_constraints": [{"limit": 1}]}],
                        "required": 1,
                    }
                ]
            ),
            "participants[0].members[0].availability_constraints[0].period",
        ),
        (
            availability(
                participants=[
                    {
                        "members": [
                            {"sub": "alice", "availability_constraints": [{"period": "week"}]}
                        ],
                        "required": 1,
                    }
                ]
            ),
            "participants[0].members[0].availability_constraints[0].limit",
        ),
        (
            availability(
                participants=[
                    {
                        "members": [
                            {
                                "sub": "alice",
                                "availability_constraints": [{"period": "day", "limit": 1}],
                            }
                        ],
                        "required": 1,
                    }
                ]
            ),
            "participants[0].members[0].availability_constraints[0].tzid",
        ),
        (
            availability(
                participants=[
                    {
                        "members": [
                            {
                                "sub": "alice",
                                "availability_constraints": [
                                    {"period": "week", "limit": 1, "tags": {"private": [{}]}}
                                ],
                            }
                        ],
                        "required": 1,
                    }
                ]
            ),
            "participants[0].members[0].availability_constraints[0].tags.private[0].value",
        ),
    ],
)
def test_required(body: dict[str, Any], path: str) -> None:
    only(body, path, "required")


# --- invalid_type -------------------------------------------------------------------------


def member_body(**fields: Any) -> dict[str, Any]:
    """An availability body whose single member has ``fields`` besides ``sub: alice``."""
    return availability(participants=[{"members": [{"sub": "alice", **fields}], "required": 1}])


MEMBER = "participants[0].members[0]"


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (availability(required_duration={"minutes": 30.0}), "required_duration"),
        (availability(required_duration={"minutes": "30"}), "required_duration"),
        (availability(required_duration={"minutes": True}), "required_duration"),
        (availability(required_duration={"hours": 1.5}), "required_duration"),
        (availability(required_duration=30), "required_duration"),
        (availability(required_duration="PT30M"), "required_duration"),
        (availability(query_periods={"start": at(DAY), "end": at(2 * DAY)}), "query_periods"),
        (availability(query_periods=["x"]), "query_periods[0]"),
        (availability(query_periods=[{"start": 1, "end": at(DAY)}]), "query_periods[0].start"),
        (availability(participants={"members": []}), "participants"),
        (availability(participants=[[]]), "participants[0]"),
        (
            availability(participants=[{"members": "alice", "required": 1}]),
            "participants[0].members",
        ),
        (availability(participants=[{"members": ["alice"], "required": 1}]), f"{MEMBER}"),
        (
            availability(participants=[{"members": [{"sub": 7}], "required": 1}]),
            f"{MEMBER}.sub",
        ),
        (
            availability(participants=[{"members": [{"sub": "alice"}], "required": True}]),
            "participants[0].required",
        ),
        (
            availability(participants=[{"members": [{"sub": "alice"}], "required": 1.0}]),
            "participants[0].required",
        ),
        (availability(max_results="20"), "max_results"),
        (availability(max_results=20.0), "max_results"),
        (availability(max_results=True), "max_results"),
        (availability(include_member_statuses="true"), "include_member_statuses"),
        (availability(include_member_statuses=1), "include_member_statuses"),
        (availability(response_format=["slots"]), "response_format"),
        (availability(buffer=[]), "buffer"),
        (availability(buffer={"before": 10}), "buffer.before"),
        (availability(start_interval=15), "start_interval"),
        (availability(excluded_events={"event_id": "x"}), "excluded_events"),
        (availability(excluded_events=["x"]), "excluded_events[0]"),
        (availability(excluded_events=[{"event_id": 5}]), "excluded_events[0].event_id"),
        (availability(excluded_events=[{"event_uid": []}]), "excluded_events[0].event_uid"),
        (member_body(managed_availability="yes"), f"{MEMBER}.managed_availability"),
        (member_body(only_managed_events=0), f"{MEMBER}.only_managed_events"),
        (member_body(ignore_tentative="false"), f"{MEMBER}.ignore_tentative"),
        (member_body(calendar_ids="work"), f"{MEMBER}.calendar_ids"),
        (member_body(calendar_ids=["work", 3]), f"{MEMBER}.calendar_ids[1]"),
        (member_body(availability_rule_ids="default"), f"{MEMBER}.availability_rule_ids"),
        (member_body(availability_rule_ids=[None]), f"{MEMBER}.availability_rule_ids[0]"),
        (member_body(available_periods={}), f"{MEMBER}.available_periods"),
        (member_body(buffer={"after": "PT5M"}), f"{MEMBER}.buffer.after"),
        (
            member_body(ignored_extended_transparencies="tentative"),
            f"{MEMBER}.ignored_extended_transparencies",
        ),
        (
            member_body(ignored_extended_transparencies=[True]),
            f"{MEMBER}.ignored_extended_transparencies[0]",
        ),
        (member_body(availability_constraints={}), f"{MEMBER}.availability_constraints"),
        (member_body(availability_constraints=[1]), f"{MEMBER}.availability_constraints[0]"),
        (
            member_body(availability_constraints=[{"period": "week", "limit": "3"}]),
            f"{MEMBER}.availability_constraints[0].limit",
        ),
        (
            member_body(availability_constraints=[{"period": 1, "limit": 3}]),
            f"{MEMBER}.availability_constraints[0].period",
        ),
        (
            member_body(availability_constraints=[{"period": "day", "tzid": 0, "limit": 3}]),
            f"{MEMBER}.availability_constraints[0].tzid",
        ),
        (
            member_body(availability_constraints=[{"period": "week", "limit": 3, "tags": []}]),
            f"{MEMBER}.availability_constraints[0].tags",
        ),
        (
            member_body(
                availability_constraints=[{"period": "week", "limit": 3, "tags": {"private": {}}}]
            ),
            f"{MEMBER}.availability_constraints[0].tags.private",
        ),
        (
            member_body(
                availability_constraints=[
                    {"period": "week", "limit": 3, "tags": {"private": [{"value": 1}]}}
                ]
            ),
            f"{MEMBER}.availability_constraints[0].tags.private[0].value",
        ),
    ],
)
def test_invalid_type(body: dict[str, Any], path: str) -> None:
    only(body, path, "invalid_type")


# --- invalid_value ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (availability(required_duration={"minutes": -5}), "required_duration"),
        (availability(required_duration={"hours": -1}), "required_duration"),
        (availability(required_duration={"hours": 1, "minutes": 60}), "required_duration"),
        (availability(required_duration={"hours": 0, "minutes": 90}), "required_duration"),
        (availability(required_duration={"hours": 35 * 24, "minutes": 1}), "required_duration"),
        (availability(required_duration={"minutes": 35 * 24 * 60 + 1}), "required_duration"),
        (availability(required_duration={"minutes": 2**31 + 1}), "required_duration"),
        (availability(required_duration={"minutes": 0}), "required_duration"),
        (availability(required_duration={}), "required_duration"),
        (availability(start_interval={"minutes": 7}), "start_interval"),
        (availability(start_interval={"minutes": 0}), "start_interval"),
        (availability(start_interval={"hours": 2}), "start_interval"),
        (availability(buffer={"before": {"minutes": -1}}), "buffer.before"),
        (availability(max_results=0), "max_results"),
        (availability(max_results=513), "max_results"),
        (availability(max_results=-(2**40)), "max_results"),
        (availability(response_format="Slots"), "response_format"),
        (availability(response_format="available_slots"), "response_format"),
        (
            availability(participants=[{"members": [{"sub": "alice"}], "required": "any"}]),
            "participants[0].required",
        ),
        (
            availability(participants=[{"members": [{"sub": "alice"}], "required": 0}]),
            "participants[0].required",
        ),
        (
            availability(participants=[{"members": [{"sub": "alice"}], "required": 2}]),
            "participants[0].required",
        ),
        (
            availability(participants=[{"members": [{"sub": "alice"}], "required": -1}]),
            "participants[0].required",
        ),
        (
            availability(
                participants=[{"members": [{"sub": "alice"}, {"sub": "bob"}], "required": 3}]
            ),
            "participants[0].required",
        ),
        (
            availability(participants=[{"members": [{"sub": "../etc"}], "required": 1}]),
            f"{MEMBER}.sub",
        ),
        (availability(participants=[{"members": [{"sub": "."}], "required": 1}]), f"{MEMBER}.sub"),
        (availability(participants=[{"members": [{"sub": ".."}], "required": 1}]), f"{MEMBER}.sub"),
        (availability(participants=[{"members": [{"sub": ""}], "required": 1}]), f"{MEMBER}.sub"),
        (
            availability(participants=[{"members": [{"sub": "ålice"}], "required": 1}]),
            f"{MEMBER}.sub",
        ),
        (
            availability(participants=[{"members": [{"sub": "a b"}], "required": 1}]),
            f"{MEMBER}.sub",
        ),
        (
            availability(participants=[{"members": [{"sub": "x" * 201}], "required": 1}]),
            f"{MEMBER}.sub",
        ),
        (member_body(calendar_ids=["work", "a/b"]), f"{MEMBER}.calendar_ids[1]"),
        (member_body(calendar_ids=["..", "work"]), f"{MEMBER}.calendar_ids[0]"),
        (
            member_body(ignored_extended_transparencies=["opaque"]),
            f"{MEMBER}.ignored_extended_transparencies[0]",
        ),
        (
            member_body(availability_constraints=[{"period": "month", "limit": 1}]),
            f"{MEMBER}.availability_constraints[0].period",
        ),
        (
            member_body(availability_constraints=[{"period": "week", "limit": 0}]),
            f"{MEMBER}.availability_constraints[0].limit",
        ),
        (
            member_body(availability_constraints=[{"period": "week", "limit": 2**31 + 1}]),
            f"{MEMBER}.availability_constraints[0].limit",
        ),
        (
            member_body(
                availability_constraints=[{"period": "day", "tzid": "Mars/Base", "limit": 1}]
            ),
            f"{MEMBER}.availability_constraints[0].tzid",
        ),
        (
            member_body(
                availability_constraints=[
                    {"period": "week", "limit": 1, "tags": {"public": [{"value": "x"}]}}
                ]
            ),
            f"{MEMBER}.availability_constraints[0].tags.public",
        ),
    ],
)
def test_invalid_value(body: dict[str, Any], path: str) -> None:
    only(body, path, "invalid_value")


def test_integer_limits_are_plus_minus_two_to_the_31() -> None:
    step_at = "sequence[0].ordinal"
    for ordinal in (2**31, -(2**31), 0):
        request, _ = parse_seq(sequence(step("a", ordinal=ordinal)))
        assert request.steps[0].ordinal == ordinal
    for ordinal in (2**31 + 1, -(2**31) - 1, 2**63):
        only(sequence(step("a", ordinal=ordinal)), step_at, "invalid_value", seq=True)
    request, _ = parse(member_body(availability_constraints=[{"period": "week", "limit": 2**31}]))
    assert request.participants[0].members[0].availability_constraints[0].limit == 2**31


# --- Time and dates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2026-04-02 09:00:00Z",
        "2026-04-02t09:00:00Z",
        "2026-04-02T09:00:00z",
        "20260402T090000Z",
        "2026-04-02T09:00:00",
        "2026-04-02T09:00:00.5Z",
        "2026-04-02T09:00:00+0100",
        "2026-04-02",
        "2026-02-30T09:00:00Z",
        "2026-04-02T25:00:00Z",
        "",
    ],
)
def test_invalid_time_format(text: str) -> None:
    body = availability(query_periods=[{"start": text, "end": at(DAY + 17 * HOUR)}])
    only(body, "query_periods[0].start", "invalid_time_format")


def test_time_forms_accepted() -> None:
    body = availability(
        query_periods=[
            {"start": "2026-04-02T09:00Z", "end": "2026-04-02T10:00:00.000Z"},
            {"start": "2026-04-02T12:00:00+02:00", "end": "2026-04-02T06:30:00-05:00"},
        ]
    )
    request, _ = parse(body)
    assert request.query_periods == (
        Period(DAY1 + 9 * HOUR, DAY1 + 10 * HOUR),
        Period(DAY1 + 10 * HOUR, DAY1 + 11 * HOUR + 30 * MINUTE),
    )


@pytest.mark.parametrize("length", [0, 59, -HOUR])
def test_invalid_time_pair_at_end(length: int) -> None:
    body = availability(query_periods=[period(DAY, DAY + length)])
    only(body, "query_periods[0].end", "invalid_time_pair")


def test_one_minute_period_is_allowed() -> None:
    request, _ = parse(availability(query_periods=[period(DAY, DAY + MINUTE)]))
    assert request.query_periods == (Period(DAY1, DAY1 + MINUTE),)


def test_min_date_exceeded() -> None:
    only(
        availability(query_periods=[period(-1, HOUR)]),
        "query_periods[0].start",
        "min_date_exceeded",
    )
    request, _ = parse(availability(query_periods=[period(0, HOUR)]))  # now itself is allowed
    assert request.query_periods == (Period(NOW, NOW + HOUR),)


def test_max_date_exceeded_on_start_and_end() -> None:
    limit = 201 * DAY
    request, _ = parse(availability(query_periods=[period(limit - HOUR, limit)]))
    assert request.query_periods == (Period(NOW + limit - HOUR, NOW + limit),)
    only(
        availability(query_periods=[period(limit - HOUR, limit + 1)]),
        "query_periods[0].end",
        "max_date_exceeded",
    )
    assert errors_of(availability(query_periods=[period(limit + 1, limit + HOUR)])) == {
        "query_periods[0].start": ["max_date_exceeded"],
        "query_periods[0].end": ["max_date_exceeded"],
    }


def test_max_period_exceeded() -> None:
    span = 35 * DAY
    request, _ = parse(availability(query_periods=[period(DAY, DAY + span)]))
    assert request.query_periods == (Period(DAY1, DAY1 + span),)
    only(
        availability(query_periods=[period(DAY, DAY + span + 1)]),
        "query_periods[0].end",
        "max_period_exceeded",
    )
    # Measured from the earliest start of the list, whatever the order.
    body = availability(
        query_periods=[period(DAY + span + 1, DAY + span + HOUR), period(DAY, DAY + HOUR)]
    )
    assert errors_of(body) == {
        "query_periods[0].start": ["max_period_exceeded"],
        "query_periods[0].end": ["max_period_exceeded"],
    }


def test_member_available_periods_get_the_same_checks() -> None:
    body = member_body(available_periods=[period(-HOUR, 0), period(DAY, DAY)])
    assert errors_of(body) == {
        f"{MEMBER}.available_periods[0].start": ["min_date_exceeded"],
        f"{MEMBER}.available_periods[1].end": ["invalid_time_pair"],
    }


def test_query_slot_dates() -> None:
    span = 35 * DAY
    body = availability(
        query_periods=...,
        query_slots=[{"start": at(DAY + span)}, {"start": at(DAY)}, {"start": at(DAY)}],
    )
    request, _ = parse(body)
    assert request.query_slots == (DAY1, DAY1 + span)
    body["query_slots"].append({"start": at(DAY + span + 1)})
    body["query_slots"].append({"start": at(201 * DAY + 1)})
    assert errors_of(body) == {
        "query_slots[3].start": ["max_period_exceeded"],
        "query_slots[4].start": ["max_date_exceeded", "max_period_exceeded"],
    }
    body = availability(query_periods=..., query_slots=[{"start": at(0)}, {"start": at(-1)}])
    only(body, "query_slots[1].start", "min_date_exceeded")


# --- too_few / too_many -------------------------------------------------------------------


def periods(count: int) -> list[dict[str, str]]:
    return [period(DAY + index * HOUR, DAY + index * HOUR + MINUTE) for index in range(count)]


@pytest.mark.parametrize(
    ("count", "error"), [(0, "too_few"), (1, None), (50, None), (51, "too_many")]
)
def test_list_lengths(count: int, error: str | None) -> None:
    slots = [{"start": item["start"]} for item in periods(count)]
    cases = [
        (availability(query_periods=periods(count)), "query_periods"),
        (availability(available_periods=periods(count), query_periods=...), "available_periods"),
        (availability(query_periods=..., query_slots=slots), "query_slots"),
        (member_body(available_periods=periods(count)), f"{MEMBER}.available_periods"),
    ]
    for body, path in cases:
        if error is None:
            parse(body)
        else:
            only(body, path, error)


def test_participants_and_members_too_few() -> None:
    only(availability(participants=[]), "participants", "too_few")
    only(
        availability(participants=[{"members": [], "required": "all"}]),
        "participants[0].members",
        "too_few",
    )


def group_of(subs: list[str]) -> dict[str, Any]:
    return {"members": [{"sub": sub} for sub in subs], "required": 1}


def test_ten_accounts_allowed_eleven_too_many() -> None:
    ten = [f"acc{i}" for i in range(10)]
    # A sub in several groups counts once.
    request, _ = parse(availability(participants=[group_of(ten[:6]), group_of(ten[4:])]))
    assert len(request.participants) == 2
    eleven = [*ten, "acc10"]
    only(
        availability(participants=[group_of(eleven[:6]), group_of(eleven[6:])]),
        "participants",
        "too_many",
    )


# --- duplicate, exclusive ---------------------------------------------------------------


def test_duplicate_sub_in_a_group_at_each_later_repeat() -> None:
    body = availability(participants=[group_of(["alice", "bob", "alice", "alice"])])
    assert errors_of(body) == {
        "participants[0].members[2].sub": ["duplicate"],
        "participants[0].members[3].sub": ["duplicate"],
    }
    # The same sub in two groups is fine.
    request, _ = parse(availability(participants=[group_of(["alice"]), group_of(["alice", "bob"])]))
    assert [len(group.members) for group in request.participants] == [1, 2]


def test_exclusive_query_slots() -> None:
    body = availability(query_slots=[{"start": at(DAY)}])
    only(body, "query_slots", "exclusive")
    body = availability(
        query_periods=..., available_periods=periods(1), query_slots=[{"start": at(DAY)}]
    )
    only(body, "query_slots", "exclusive")


def test_exclusive_available_periods_beside_query_periods() -> None:
    only(availability(available_periods=periods(1)), "available_periods", "exclusive")


def test_exclusive_excluded_event() -> None:
    body = availability(excluded_events=[{"event_id": "a"}, {"event_id": "b", "event_uid": "c"}])
    only(body, "excluded_events[1].event_uid", "exclusive")


# --- the store ----------------------------------------------------------------------------


def test_unknown_account() -> None:
    only(
        availability(participants=[group_of(["alice", "nobody"])]),
        "participants[0].members[1].sub",
        "unknown_account",
    )


def test_unknown_calendar_at_its_entry() -> None:
    only(
        member_body(calendar_ids=["work", "nope", "home"]),
        f"{MEMBER}.calendar_ids[1]",
        "unknown_calendar",
    )


def test_unknown_availability_rule_at_its_entry() -> None:
    body = member_body(managed_availability=True, availability_rule_ids=["default", "gone"])
    only(body, f"{MEMBER}.availability_rule_ids[1]", "unknown_availability_rule")


def test_unknown_account_hides_its_calendars_and_rules() -> None:
    store = make_store()
    body = availability(
        participants=[
            {
                "members": [
                    {"sub": "ghost", "calendar_ids": ["x"], "availability_rule_ids": ["y"]},
                    {"sub": "a/b", "calendar_ids": ["x"]},
                ],
                "required": 1,
            }
        ]
    )
    assert errors_of(body, store=store) == {
        "participants[0].members[0].sub": ["unknown_account"],
        "participants[0].members[1].sub": ["invalid_value"],
    }
    # Invalid names are never looked up; an unknown account's calendars and rules neither.
    assert store.asked == [("account", "ghost")]


def test_invalid_calendar_id_is_never_looked_up() -> None:
    store = make_store()
    only(
        member_body(calendar_ids=["../../etc/passwd"]),
        f"{MEMBER}.calendar_ids[0]",
        "invalid_value",
        store=store,
    )
    assert store.asked == [("account", "alice")]


def test_without_a_store_nothing_is_looked_up() -> None:
    body = member_body(calendar_ids=["x"], availability_rule_ids=["y"])
    body["participants"][0]["members"].append({"sub": "nobody"})
    request, _ = parse(body, store=None)
    assert [member.sub for member in request.participants[0].members] == ["alice", "nobody"]


def test_rules_file_error_propagates() -> None:
    store = make_store()
    store.broken.add("alice")
    with pytest.raises(CalendarDataError):
        parse(member_body(availability_rule_ids=["default"]), store=store)
    # No rule ids to check: the rules file is not read.
    parse(member_body(availability_rule_ids=[]), store=store)
    assert store.asked.count(("rules", "alice")) == 1


def test_invalid_request_wins_over_a_broken_rules_file() -> None:
    store = make_store()
    store.broken.add("alice")
    body = member_body(availability_rule_ids=["default"])
    body["max_results"] = 0
    only(body, "max_results", "invalid_value", store=store)


# --- unknown keys -------------------------------------------------------------------------


UNKNOWN_KEYS_BODY = availability(
    colour="blue",
    participants=[
        {
            "members": [
                {
                    "sub": "alice",
                    "nickname": "Al",
                    "buffer": {"before": {"minutes": 5, "seconds": 3}},
                    "available_periods": [{**period(DAY, DAY + HOUR), "label": "x"}],
                    "availability_constraints": [
                        {
                            "period": "week",
                            "limit": 1,
                            "why": 1,
                            "tags": {"private": [{"value": "a", "colour": "red"}]},
                        }
                    ],
                }
            ],
            "required": 1,
            "name": "g",
        }
    ],
    query_periods=[{**period(DAY, DAY + HOUR), "tz": "UTC"}],
    excluded_events=[{"event_id": "e", "note": "n"}],
    ignored=None,  # a null value is the same as no key at all
)
UNKNOWN_KEY_PATHS = [
    "colour",
    "participants[0].name",
    "participants[0].members[0].nickname",
    "participants[0].members[0].buffer.before.seconds",
    "participants[0].members[0].available_periods[0].label",
    "participants[0].members[0].availability_constraints[0].why",
    "participants[0].members[0].availability_constraints[0].tags.private[0].colour",
    "query_periods[0].tz",
    "excluded_events[0].note",
]


def test_unknown_keys_are_warnings() -> None:
    request, warnings = parse(UNKNOWN_KEYS_BODY)
    assert sorted(warnings) == sorted(f"unknown key '{path}' ignored" for path in UNKNOWN_KEY_PATHS)
    assert request.participants[0].members[0].buffer == Buffer(before=5 * MINUTE)


def test_unknown_keys_are_errors_when_strict() -> None:
    errors = errors_of(UNKNOWN_KEYS_BODY, strict=True)
    assert errors == {path: ["unknown_key"] for path in UNKNOWN_KEY_PATHS}


def test_unknown_key_in_slot_and_duration() -> None:
    body = availability(
        query_periods=...,
        query_slots=[{"start": at(DAY), "end": at(DAY + HOUR)}],
        required_duration={"minutes": 30, "secs": 1},
    )
    request, warnings = parse(body)
    assert request.query_slots == (DAY1,)
    assert sorted(warnings) == [
        "unknown key 'query_slots[0].end' ignored",
        "unknown key 'required_duration.secs' ignored",
    ]


def test_warning_escapes_control_characters() -> None:
    _, warnings = parse(availability(**{"bad\nkey": 1}))
    assert warnings == ["unknown key 'bad\\nkey' ignored"]


# --- aliases and leniency -----------------------------------------------------------------


def test_available_periods_alias() -> None:
    request, warnings = parse(availability(query_periods=..., available_periods=periods(2)))
    assert warnings == []
    assert request.query_periods == (
        Period(DAY1, DAY1 + MINUTE),
        Period(DAY1 + HOUR, DAY1 + HOUR + MINUTE),
    )


def test_alias_errors_keep_the_alias_path() -> None:
    body = availability(query_periods=..., available_periods=[period(DAY, DAY)])
    only(body, "available_periods[0].end", "invalid_time_pair")
    body = availability(query_periods=None, available_periods=[period(DAY, DAY)])
    only(body, "available_periods[0].end", "invalid_time_pair")


def test_null_equals_absent() -> None:
    body = availability(
        buffer=None,
        response_format=None,
        start_interval=None,
        max_results=None,
        include_member_statuses=None,
        excluded_events=None,
        query_slots=None,
        available_periods=None,
        participants=[
            {
                "members": [
                    {
                        "sub": "alice",
                        "available_periods": None,
                        "calendar_ids": None,
                        "buffer": None,
                        "managed_availability": None,
                        "availability_rule_ids": None,
                        "only_managed_events": None,
                        "ignore_tentative": None,
                        "ignored_extended_transparencies": None,
                        "availability_constraints": [
                            {"period": "week", "limit": 1, "tzid": None, "tags": None}
                        ],
                    }
                ],
                "required": "all",
            }
        ],
        required_duration={"minutes": 30, "hours": None},
    )
    request, warnings = parse(body, strict=True)
    assert warnings == []
    assert (
        request
        == parse(
            availability(
                participants=[
                    {
                        "members": [
                            {
                                "sub": "alice",
                                "availability_constraints": [{"period": "week", "limit": 1}],
                            }
                        ],
                        "required": "all",
                    }
                ]
            )
        )[0]
    )


def test_empty_buffers_mean_no_buffer() -> None:
    request, _ = parse({**member_body(buffer={}), "buffer": {}})
    assert request.buffer == Buffer()
    assert request.participants[0].members[0].buffer is None
    request, _ = parse(member_body(buffer={"before": None, "after": None}))
    assert request.participants[0].members[0].buffer is None
    # A zero buffer of its own is still the member's own.
    request, _ = parse(member_body(buffer={"after": {"minutes": 0}}))
    assert request.participants[0].members[0].buffer == Buffer()


def test_empty_duration_is_zero() -> None:
    request, _ = parse(availability(buffer={"before": {}, "after": {"hours": 1}}))
    assert request.buffer == Buffer(before=0, after=HOUR)


def test_duration_of_exactly_35_days() -> None:
    request, _ = parse(availability(buffer={"before": {"hours": 840}, "after": {"minutes": 50400}}))
    assert request.buffer == Buffer(before=35 * DAY, after=35 * DAY)


def test_start_interval_values() -> None:
    for minutes in (5, 10, 15, 20, 30, 60):
        request, _ = parse(availability(start_interval={"minutes": minutes}))
        assert request.start_interval == minutes * MINUTE
    request, _ = parse(availability(start_interval={"hours": 1}))
    assert request.start_interval == HOUR


def test_query_slots_leniency() -> None:
    base = availability(
        query_periods=..., query_slots=[{"start": at(DAY + HOUR)}, {"start": at(DAY)}]
    )
    request, _ = parse({**base, "start_interval": {"minutes": 30}})
    assert request.query_slots == (DAY1, DAY1 + HOUR)
    assert request.query_periods is None
    assert request.start_interval is None  # validated, then ignored
    assert request.response_format == "overlapping_slots"
    only({**base, "start_interval": {"minutes": 7}}, "start_interval", "invalid_value")
    only({**base, "response_format": "periods"}, "response_format", "invalid_value")
    request, _ = parse({**base, "response_format": "slots"})
    assert request.response_format == "slots"


def test_tags_forms() -> None:
    for tags, expected in [
        (None, set()),
        ({}, set()),
        ({"private": []}, set()),
        ({"private": None}, set()),
        ({"private": [{"value": "Interview"}, {"value": "Interview"}]}, {"Interview"}),
    ]:
        request, _ = parse(
            member_body(availability_constraints=[{"period": "week", "limit": 1, "tags": tags}])
        )
        assert request.participants[0].members[0].availability_constraints[0].tags == expected


def test_week_constraint_ignores_tzid() -> None:
    body = member_body(
        availability_constraints=[{"period": "week", "limit": 1, "tzid": "Nowhere/X"}]
    )
    request, _ = parse(body)
    assert request.participants[0].members[0].availability_constraints[0] == Constraint(
        period="week", limit=1
    )


def test_required_all_is_resolved_and_bounds() -> None:
    request, _ = parse(
        availability(participants=[{**group_of(["alice", "bob"]), "required": "all"}])
    )
    assert request.participants[0].required == 2
    request, _ = parse(availability(participants=[{**group_of(["alice", "bob"]), "required": 2}]))
    assert request.participants[0].required == 2


# --- every problem at once ----------------------------------------------------------------


def test_all_errors_at_once() -> None:
    body = {
        "participants": [group_of(["alice", "nobody"])],
        "required_duration": {"minutes": 30.0},
        "query_periods": [period(-HOUR, HOUR), period(DAY, DAY)],
        "max_results": 1000,
        "response_format": "lots",
    }
    assert errors_of(body) == {
        "participants[0].members[1].sub": ["unknown_account"],
        "required_duration": ["invalid_type"],
        "query_periods[0].start": ["min_date_exceeded"],
        "query_periods[1].end": ["invalid_time_pair"],
        "max_results": ["invalid_value"],
        "response_format": ["invalid_value"],
    }


# --- sequences ----------------------------------------------------------------------------


def test_sequence_seed_shape() -> None:
    bound = {"minimum": {"minutes": 30}, "maximum": {"minutes": 60}}
    first = step(
        "123",
        ordinal=2,
        participants=[{"members": [{"sub": "alice", "calendar_ids": ["work"]}], "required": "all"}],
        start_interval={"minutes": 60},
        buffer={"before": bound, "after": {"minimum": {"minutes": 15}, "maximum": {"minutes": 30}}},
    )
    second = step(
        "456",
        ordinal=1,
        participants=[
            {"members": [{"sub": "bob", "available_periods": periods(2)}], "required": "all"}
        ],
    )
    request, warnings = parse_seq(sequence(first, second, excluded_events=[{"event_uid": "u"}]))
    assert warnings == []
    assert [s.sequence_id for s in request.steps] == ["123", "456"]  # request order
    one, two = request.steps
    assert one.ordinal == 2 and two.ordinal == 1
    assert one.start_interval == HOUR
    assert two.start_interval == 15 * MINUTE  # the default
    assert one.buffer == StepBuffer(
        before=GapBound(30 * MINUTE, HOUR), after=GapBound(15 * MINUTE, 30 * MINUTE)
    )
    assert two.buffer == StepBuffer()
    assert one.required_duration == HOUR
    assert one.participants[0].members[0].calendar_ids == ("work",)
    assert request.max_results == 20
    assert request.excluded_events.event_uids == {"u"}
    assert request.query_periods == (Period(DAY1 + 9 * HOUR, DAY1 + 17 * HOUR),)


def test_step_buffer_forms() -> None:
    for buffer, expected in [
        ({}, StepBuffer()),
        (None, StepBuffer()),
        ({"before": {"minutes": 30}}, StepBuffer(before=GapBound(30 * MINUTE))),
        ({"after": {}}, StepBuffer()),
        ({"after": {"maximum": {"minutes": 10}}}, StepBuffer(after=GapBound(0, 10 * MINUTE))),
        ({"after": {"minimum": None, "hours": 1}}, StepBuffer(after=GapBound(HOUR))),
        (
            {"before": {"minimum": {"minutes": 10}, "maximum": {"minutes": 10}}},
            StepBuffer(before=GapBound(10 * MINUTE, 10 * MINUTE)),
        ),
    ]:
        request, warnings = parse_seq(sequence(step("a", buffer=buffer)))
        assert warnings == []
        assert request.steps[0].buffer == expected


def test_step_buffer_errors() -> None:
    body = sequence(
        step("a", buffer={"before": {"minimum": {"minutes": 30}, "maximum": {"minutes": 20}}}),
        step("b", buffer={"after": {"minimum": {"minutes": -1}}}),
        step("c", buffer={"after": {"minimum": {"minutes": 5}, "minutes": 5}}),
        step("d", buffer={"before": 5, "after": {"maximum": 5}}),
    )
    assert errors_of(body, seq=True, strict=True) == {
        "sequence[0].buffer.before.maximum": ["invalid_value"],
        "sequence[1].buffer.after.minimum": ["invalid_value"],
        "sequence[2].buffer.after.minutes": ["unknown_key"],
        "sequence[3].buffer.before": ["invalid_type"],
        "sequence[3].buffer.after.maximum": ["invalid_type"],
    }


def test_sequence_errors() -> None:
    assert errors_of({}, seq=True) == {"query_periods": ["required"], "sequence": ["required"]}
    only(sequence(sequence=[]), "sequence", "too_few", seq=True)
    only(sequence(sequence=[step(str(i)) for i in range(6)]), "sequence", "too_many", seq=True)
    parse_seq(sequence(sequence=[step(str(i)) for i in range(5)]))
    only(sequence(sequence={}), "sequence", "invalid_type", seq=True)
    only(sequence(sequence=[1]), "sequence[0]", "invalid_type", seq=True)
    body = sequence(step("a"), step("b"), step("a"), step("a"))
    assert errors_of(body, seq=True) == {
        "sequence[2].sequence_id": ["duplicate"],
        "sequence[3].sequence_id": ["duplicate"],
    }
    only(sequence(step(...)), "sequence[0].sequence_id", "required", seq=True)
    only(sequence(step(123)), "sequence[0].sequence_id", "invalid_type", seq=True)  # type: ignore[arg-type]
    only(sequence(step("")), "sequence[0].sequence_id", "invalid_value", seq=True)
    only(sequence(step("a", ordinal="1")), "sequence[0].ordinal", "invalid_type", seq=True)
    only(sequence(step("a", participants=...)), "sequence[0].participants", "required", seq=True)
    only(
        sequence(step("a", required_duration=...)),
        "sequence[0].required_duration",
        "required",
        seq=True,
    )
    only(
        sequence(step("a", required_duration={"minutes": 0})),
        "sequence[0].required_duration",
        "invalid_value",
        seq=True,
    )
    only(
        sequence(step("a", start_interval={"minutes": 45})),
        "sequence[0].start_interval",
        "invalid_value",
        seq=True,
    )
    only(
        sequence(step("a", participants=[group_of(["alice", "alice"])])),
        "sequence[0].participants[0].members[1].sub",
        "duplicate",
        seq=True,
    )
    only(
        sequence(step("a", participants=[group_of(["alice", "ghost"])])),
        "sequence[0].participants[0].members[1].sub",
        "unknown_account",
        seq=True,
    )
    only(
        sequence(query_periods=[period(-1, HOUR)]),
        "query_periods[0].start",
        "min_date_exceeded",
        seq=True,
    )
    only(sequence(max_results=0), "max_results", "invalid_value", seq=True)
    only(sequence(excluded_events=[{}]), "excluded_events[0].event_id", "required", seq=True)


def test_sequence_accounts_counted_per_step() -> None:
    ten = [f"acc{i}" for i in range(10)]
    other_ten = [f"acc{i}" for i in range(2, 12)]
    parse_seq(
        sequence(
            step("a", participants=[group_of(ten)]), step("b", participants=[group_of(other_ten)])
        )
    )
    eleven = [f"acc{i}" for i in range(11)]
    only(
        sequence(step("a"), step("b", participants=[group_of(eleven[:5]), group_of(eleven[5:])])),
        "sequence[1].participants",
        "too_many",
        seq=True,
    )


def test_sequence_query_period_alias_and_exclusive() -> None:
    request, _ = parse_seq(sequence(query_periods=..., available_periods=periods(1)))
    assert request.query_periods == (Period(DAY1, DAY1 + MINUTE),)
    only(sequence(available_periods=periods(1)), "available_periods", "exclusive", seq=True)
    only(
        sequence(query_periods=..., available_periods=[]), "available_periods", "too_few", seq=True
    )


def test_availability_only_keys_are_unknown_in_a_sequence() -> None:
    extra = {
        "participants": [group_of(["alice"])],
        "required_duration": {"minutes": 30},
        "buffer": {},
        "response_format": "slots",
        "query_slots": [{"start": at(DAY)}],
        "start_interval": {"minutes": 15},
        "include_member_statuses": True,
    }
    request, warnings = parse_seq(sequence(**extra))
    assert sorted(warnings) == sorted(f"unknown key '{key}' ignored" for key in extra)
    assert len(request.steps) == 2
    assert errors_of(sequence(**extra), seq=True, strict=True) == {
        key: ["unknown_key"] for key in extra
    }
    # Availability-only keys inside a step are unknown there too.
    _, warnings = parse_seq(sequence(step("a", response_format="slots")))
    assert warnings == ["unknown key 'sequence[0].response_format' ignored"]


def test_sequence_members_take_availability_options() -> None:
    member = {
        "sub": "alice",
        "buffer": {"before": {"minutes": 5}},
        "managed_availability": True,
        "availability_rule_ids": ["default"],
        "ignore_tentative": True,
    }
    request, warnings = parse_seq(
        sequence(step("a", participants=[{"members": [member], "required": 1}]))
    )
    assert warnings == []
    parsed = request.steps[0].participants[0].members[0]
    assert parsed.buffer == Buffer(before=5 * MINUTE)
    assert parsed.availability_rule_ids == ("default",)
    assert parsed.managed_availability and parsed.ignore_tentative


# --- nothing else escapes -----------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["all", "periods", "slots", "day", "week", at(DAY), at(DAY + HOUR), "alice"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "start",
                    "end",
                    "minutes",
                    "hours",
                    "sub",
                    "members",
                    "required",
                    "minimum",
                    "maximum",
                    "before",
                    "after",
                    "private",
                    "value",
                    "x",
                ]
            )
            | st.text(max_size=5),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_paths(child, (*prefix, index)))
    return found


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    document = copy.deepcopy(document)
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return document


VALID_AVAILABILITY = member_body(
    buffer={"before": {"minutes": 5}},
    calendar_ids=["work"],
    availability_rule_ids=["default"],
    available_periods=periods(2),
    ignored_extended_transparencies=["tentative"],
    availability_constraints=[
        {"period": "day", "tzid": "UTC", "limit": 1, "tags": {"private": [{"value": "a"}]}}
    ],
)
VALID_AVAILABILITY.update(excluded_events=[{"event_id": "x"}], start_interval={"minutes": 15})
VALID_SEQUENCE = sequence(
    step("a", buffer={"before": {"minimum": {"minutes": 5}, "maximum": {"hours": 1}}}),
    step("b", ordinal=1, participants=VALID_AVAILABILITY["participants"]),
)


def _only_request_or_invalid(parser: Any, body: Any, strict: bool) -> None:
    try:
        result = parser(body, now=NOW, store=make_store(), strict=strict, warn=lambda _: None)
    except InvalidRequest as error:
        assert error.errors
        json.dumps(error.body)
        return
    assert isinstance(result, AvailabilityRequest | SequenceRequest)


@settings(max_examples=150, deadline=None)
@given(document=json_values, strict=st.booleans())
def test_random_json_never_crashes(document: Any, strict: bool) -> None:
    for parser in (parse_availability, parse_sequence):
        _only_request_or_invalid(parser, json.dumps(document), strict)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), replacement=json_values, strict=st.booleans())
def test_mutated_requests_never_crash(data: st.DataObject, replacement: Any, strict: bool) -> None:
    for parser, valid in (
        (parse_availability, VALID_AVAILABILITY),
        (parse_sequence, VALID_SEQUENCE),
    ):
        path = data.draw(st.sampled_from(_paths(valid)))
        _only_request_or_invalid(parser, json.dumps(_replace(valid, path, replacement)), strict)


@settings(max_examples=100, deadline=None)
@given(body=st.binary(max_size=40))
def test_random_bytes_never_crash(body: bytes) -> None:
    for parser in (parse_availability, parse_sequence):
        _only_request_or_invalid(parser, body, False)


def test_the_valid_fuzz_seeds_are_valid() -> None:
    parse(VALID_AVAILABILITY)
    parse_seq(VALID_SEQUENCE)
