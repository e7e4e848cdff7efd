"""The engine: which calendars and rules each member uses, and loading each calendar once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cronoslot.engine import queries as engine
from cronoslot.ical import loader
from cronoslot.models import (
    AvailabilityRequest,
    Constraint,
    ExcludedEvents,
    Group,
    Member,
    Period,
    Transparency,
)
from cronoslot.store.reader import Store
from cronoslot.timeutil import parse_time

T = parse_time


def event(uid: str, start: str, end: str, extra: str = "") -> str:
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20270101T000000Z\n"
        f"DTSTART:{start}\nDTEND:{end}\n{extra}END:VEVENT\n"
    )


def calendar(*events: str) -> str:
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n" + "".join(events) + "END:VCALENDAR\n"
    )


RULES = [
    {
        "availability_rule_id": "work_rule",
        "tzid": "UTC",
        "calendar_ids": ["work", "gone"],
        "weekly_periods": [{"day": "thursday", "start_time": "09:00", "end_time": "17:00"}],
    }
]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    account = tmp_path / "acc_a"
    account.mkdir()
    (account / "work.ics").write_text(
        calendar(event("w1", "20270422T100000Z", "20270422T110000Z", "CATEGORIES:Interview\n"))
    )
    (account / "personal.ics").write_text(
        calendar(
            event("p1", "20270422T130000Z", "20270422T140000Z"),
            # Monday of the same ISO week, far outside the query: still counted.
            event("p2", "20270419T080000Z", "20270419T083000Z", "CATEGORIES:Interview\n"),
        )
    )
    (account / "availability_rules.json").write_text(json.dumps(RULES))
    return Store(tmp_path)


def request(*members: Member, **options: object) -> AvailabilityRequest:
    return AvailabilityRequest(
        participants=(Group(members=members, required=len(members)),),
        required_duration=30 * 60,
        query_periods=(Period(T("2027-04-22T08:00:00Z"), T("2027-04-22T18:00:00Z")),),
        **options,  # type: ignore[arg-type]
    )


def periods(result: engine.AvailabilityResult) -> list[tuple[int, int]]:
    return [(slot.start, slot.end) for slot in result.slots]


def hours(*pairs: tuple[str, str]) -> list[tuple[int, int]]:
    return [(T(f"2027-04-22T{a}:00Z"), T(f"2027-04-22T{b}:00Z")) for a, b in pairs]


def test_all_calendars_without_managed_availability(store: Store) -> None:
    result = engine.availability(request(Member("acc_a")), store, warn=lambda m: None)
    assert periods(result) == hours(("08:00", "10:00"), ("11:00", "13:00"), ("14:00", "18:00"))


def test_managed_availability_uses_the_rules_calendars_and_warns_of_missing_ones(
    store: Store,
) -> None:
    warnings: list[str] = []
    result = engine.availability(
        request(Member("acc_a", managed_availability=True)), store, warn=warnings.append
    )
    # Only work.ics counts (the rule names it); the rule's hours narrow the day.
    assert periods(result) == hours(("09:00", "10:00"), ("11:00", "17:00"))
    assert sum("gone" in warning for warning in warnings) == 1  # once, not per pass


def test_calendar_ids_win_over_rules(store: Store) -> None:
    member = Member("acc_a", managed_availability=True, calendar_ids=("personal",))
    result = engine.availability(request(member), store, warn=lambda m: None)
    assert periods(result) == hours(("09:00", "13:00"), ("14:00", "17:00"))
    nothing = Member("acc_a", calendar_ids=())
    result = engine.availability(request(nothing), store, warn=lambda m: None)
    assert periods(result) == hours(("08:00", "18:00"))


def test_no_chosen_rules_means_no_availability(store: Store) -> None:
    member = Member("acc_a", managed_availability=True, availability_rule_ids=())
    assert engine.availability(request(member), store, warn=lambda m: None).slots == ()


def test_constraint_counts_events_outside_the_query(store: Store) -> None:
    limited = Member(
        "acc_a",
        availability_constraints=(Constraint("week", limit=2, tags=frozenset({"Interview"})),),
    )
    assert engine.availability(request(limited), store, warn=lambda m: None).slots == ()
    loose = Member(
        "acc_a",
        availability_constraints=(Constraint("week", limit=3, tags=frozenset({"Interview"})),),
    )
    assert engine.availability(request(loose), store, warn=lambda m: None).slots != ()


def test_each_calendar_is_loaded_once(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = loader.load_calendar_bytes

    def counting(data: bytes, **kwargs: object) -> list[loader.BusyInterval]:
        path = kwargs["path"]
        assert isinstance(path, Path)
        calls.append(path.name)
        return real(data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_calendar_bytes", counting)
    twice = AvailabilityRequest(
        participants=(
            Group(members=(Member("acc_a"),), required=1),
            Group(members=(Member("acc_a", ignore_tentative=True),), required=1),
        ),
        required_duration=1800,
        query_periods=(Period(T("2027-04-22T08:00:00Z"), T("2027-04-22T18:00:00Z")),),
    )
    engine.availability(twice, store, warn=lambda m: None)
    assert sorted(calls) == ["personal.ics", "work.ics"]


def test_busy_lists_every_calendar_sorted(store: Store) -> None:
    intervals = engine.busy(
        store, "acc_a", T("2027-04-22T00:00:00Z"), T("2027-04-23T00:00:00Z"), warn=lambda m: None
    )
    assert [(b.event_uid, b.calendar_id) for b in intervals] == [("w1", "work"), ("p1", "personal")]


FIXTURES = Path(__file__).parent / "fixtures" / "ics"


def test_busy_merges_an_accounts_calendars_with_its_settings(tmp_path: Path) -> None:
    # Every calendar (.ics and .ifb files) of the account, read with account.json's tzid
    # (floating times land in New York), sorted by start, end, calendar_id.
    account = tmp_path / "acc"
    account.mkdir()
    (account / "work.ics").write_bytes((FIXTURES / "event_dt_floating_weekly.ics").read_bytes())
    (account / "work.ifb").write_bytes((FIXTURES / "busy_file.ifb").read_bytes())
    (account / "home.ics").write_bytes((FIXTURES / "event_lengths.ics").read_bytes())
    (account / "account.json").write_text('{"tzid": "America/New_York"}')
    warnings: list[str] = []
    window = (T("2026-03-02T00:00:00Z"), T("2026-03-10T00:00:00Z"))
    busy = engine.busy(Store(tmp_path), "acc", *window, warn=warnings.append)
    rows = [(i.start, i.calendar_id, i.event_uid) for i in busy]
    assert rows == [
        (T("2026-03-02T09:00:00Z"), "work", None),  # free/busy period from work.ifb
        (T("2026-03-02T10:00:00Z"), "home", "duration"),
        (T("2026-03-02T09:00:00-05:00"), "work", "floating-weekly"),
        (T("2026-03-03T09:00:00Z"), "work", "utc-written"),
        (T("2026-03-09T09:00:00-04:00"), "work", "floating-weekly"),
    ]
    assert busy == sorted(busy, key=lambda i: (i.start, i.end, i.calendar_id))
    assert warnings == []


def test_parallel_loading_answers_as_sequential(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from cronoslot.api import request as query
    from cronoslot.cache import Cache
    from cronoslot.engine import loading

    from .conftest import SAMPLES

    monkeypatch.setattr(loading, "_PARALLEL_MIN_BYTES", 0)  # parallel even for small files
    store = Store(SAMPLES / "calendars")
    body = (SAMPLES / "requests" / "periods.json").read_bytes()
    parsed = query.parse_availability(
        body, now=T("2027-04-01T00:00:00Z"), store=store, strict=False, warn=lambda m: None
    )
    sequential = engine.availability(parsed, store, lambda m: None, engine.LoadOptions(workers=1))
    parallel = engine.availability(parsed, store, lambda m: None, engine.LoadOptions(workers=2))
    assert parallel == sequential
    cache_dir = tmp_path / "cache"
    cache = Cache.open(cache_dir)
    assert cache is not None
    with_cache = engine.LoadOptions(cache=cache, workers=2)
    assert engine.availability(parsed, store, lambda m: None, with_cache) == sequential
    assert engine.availability(parsed, store, lambda m: None, with_cache) == sequential
    cache.close()


def _settled_store(tmp_path: Path) -> Store:
    import os
    import time

    account = tmp_path / "store" / "acc_b"
    account.mkdir(parents=True)
    (account / "work.ics").write_text(
        calendar(
            event("t1", "20270422T090000Z", "20270422T100000Z", "STATUS:TENTATIVE\n"),
            event("o1", "20270422T110000Z", "20270422T120000Z", "X-MICROSOFT-CDO-BUSYSTATUS:OOF\n"),
            event(
                "m1",
                "20270422T130000Z",
                "20270422T140000Z",
                "X-CRONOSLOT-EVENT-ID:managed_1\nCATEGORIES:Interview\n",
            ),
            event("p1", "20270422T150000Z", "20270422T153000Z", "CATEGORIES:Interview\n"),
        )
    )
    settled = time.time() - 60
    os.utime(account / "work.ics", (settled, settled))
    return Store(tmp_path / "store")


@pytest.mark.parametrize(
    "member, excluded",
    [
        (Member("acc_b"), ExcludedEvents()),
        (Member("acc_b", ignore_tentative=True), ExcludedEvents()),
        (
            Member(
                "acc_b", ignored_extended_transparencies=frozenset({Transparency.OUT_OF_OFFICE})
            ),
            ExcludedEvents(),
        ),
        (Member("acc_b"), ExcludedEvents(event_uids=frozenset({"p1"}))),
        (Member("acc_b"), ExcludedEvents(event_ids=frozenset({"managed_1"}))),
        (Member("acc_b"), ExcludedEvents(event_uids=frozenset({"elsewhere"}))),
        (Member("acc_b", only_managed_events=True), ExcludedEvents()),
        (
            Member("acc_b", availability_constraints=(Constraint("day", 2, "UTC"),)),
            ExcludedEvents(),
        ),
    ],
)
def test_warm_cache_answers_as_no_cache(
    tmp_path: Path, member: Member, excluded: ExcludedEvents
) -> None:
    from cronoslot.cache import Cache

    store = _settled_store(tmp_path)
    asked = request(member, excluded_events=excluded)
    plain = engine.availability(asked, store, lambda m: None)
    cache_dir = tmp_path / "cache"
    for _ in range(3):  # cold, then warm (bare spans where they will do), then warm again
        cache = Cache.open(cache_dir)
        assert cache is not None
        options = engine.LoadOptions(cache=cache)
        assert engine.availability(asked, store, lambda m: None, options) == plain
        cache.close()


def test_warm_cache_serves_bare_spans_when_they_will_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cronoslot.cache import Cache
    from cronoslot.engine.files import CalendarFiles

    store = _settled_store(tmp_path)
    served: list[bool] = []
    real = CalendarFiles.bare_spans

    def spying(self: CalendarFiles, *args: object, **kwargs: object) -> object:
        result = real(self, *args, **kwargs)  # type: ignore[arg-type]
        served.append(result is not None)
        return result

    monkeypatch.setattr(CalendarFiles, "bare_spans", spying)
    cache = Cache.open(tmp_path / "cache")
    assert cache is not None
    options = engine.LoadOptions(cache=cache)
    engine.availability(request(Member("acc_b")), store, lambda m: None, options)
    engine.availability(request(Member("acc_b")), store, lambda m: None, options)
    assert served == [False, True]
    constrained = Member("acc_b", availability_constraints=(Constraint("week", 5),))
    engine.availability(request(constrained), store, lambda m: None, options)
    assert served == [False, True]  # constraints need events whole: no bare spans asked for
    cache.close()


_STATUS_LINES = [
    "",
    "STATUS:TENTATIVE\n",
    "TRANSP:TRANSPARENT\n",
    "X-MICROSOFT-CDO-BUSYSTATUS:OOF\n",
]


@st.composite
def generated_store(draw: st.DrawFn) -> dict[str, str]:
    """Two accounts, one or two calendars each, a handful of events around 22 April 2027."""
    files: dict[str, str] = {}
    uid = 0
    for sub in ("acc_x", "acc_y"):
        for name in draw(st.sampled_from([["a"], ["a", "b"]])):
            events = []
            for _ in range(draw(st.integers(0, 6))):
                uid += 1
                start = T("2027-04-22T06:00:00Z") + draw(st.integers(0, 48)) * 900
                length = draw(st.integers(1, 16)) * 900
                extra = draw(st.sampled_from(_STATUS_LINES))
                if draw(st.booleans()):
                    extra += "RRULE:FREQ=DAILY;COUNT=3\n"
                events.append(event(f"u{uid}", _ics(start), _ics(start + length), extra))
            files[f"{sub}/{name}.ics"] = calendar(*events)
    return files


def _ics(instant: int) -> str:
    from cronoslot.timeutil import format_time

    return format_time(instant).replace("-", "").replace(":", "")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    files=generated_store(),
    required=st.sampled_from([1, 2]),
    ignore_tentative=st.booleans(),
    exclude=st.sampled_from([None, "u1", "u3"]),
    response_format=st.sampled_from(["periods", "slots", "overlapping_slots"]),
)
def test_answers_with_and_without_cache_are_identical(
    tmp_path_factory: pytest.TempPathFactory,
    files: dict[str, str],
    required: int,
    ignore_tentative: bool,
    exclude: str | None,
    response_format: str,
) -> None:
    import os
    import time

    from cronoslot.cache import Cache

    root = tmp_path_factory.mktemp("store")
    settled = time.time() - 60
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        os.utime(path, (settled, settled))
    store = Store(root)
    members = (Member("acc_x", ignore_tentative=ignore_tentative), Member("acc_y"))
    asked = AvailabilityRequest(
        participants=(Group(members=members, required=required),),
        required_duration=30 * 60,
        query_periods=(Period(T("2027-04-22T08:00:00Z"), T("2027-04-23T20:00:00Z")),),
        response_format=response_format,  # type: ignore[arg-type]
        excluded_events=ExcludedEvents(event_uids=frozenset({exclude} if exclude else set())),
        max_results=512,
    )
    plain = engine.availability(asked, store, lambda m: None)
    cache_dir = tmp_path_factory.mktemp("cache")
    for _ in range(2):  # cold, then warm
        cache = Cache.open(cache_dir)
        assert cache is not None
        options = engine.LoadOptions(cache=cache)
        assert engine.availability(asked, store, lambda m: None, options) == plain
        cache.close()
