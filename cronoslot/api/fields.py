"""The JSON shapes both queries share (SPEC 3): the body itself, paths, scalars, Time,
Duration, and lists of periods or slots.

Every parser here takes a raw JSON value and its path, reports what is wrong with it to a
``Checker`` and returns its best reading (or None) so that validation can go on and report
every problem at once. A caller builds its dataclass only once the checker has no errors.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from typing import NoReturn, NotRequired, Protocol, TypedDict

from ..errors import CalendarDataError, ErrorBody, InvalidRequest, Warn
from ..models import Period
from ..timeutil import DAY, MINUTE, TimeFormatError, parse_time
from .limits import API_LIMITS, INT_LIMIT, Limits

JsonObject = dict[str, object]


def key_path(path: str, key: str) -> str:
    """The path of ``key`` inside the object at ``path`` (``a.b``; a top-level key alone)."""
    return f"{path}.{key}" if path else key


def index_path(path: str, index: int) -> str:
    """The path of entry ``index`` of the list at ``path`` (``a[0]``)."""
    return f"{path}[{index}]"


def is_json_int(value: object) -> bool:
    """A JSON integer: ``True``, ``30.0`` and ``"30"`` are not."""
    return isinstance(value, int) and not isinstance(value, bool)


# --- the body -----------------------------------------------------------------------------


def _invalid_json(description: str) -> NoReturn:
    problems = ErrorCollector()
    problems.add("request", "invalid_json", description)
    problems.raise_if_any()
    raise AssertionError("unreachable")  # pragma: no cover


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"number out of range: {text}")
    return number


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, object]]) -> JsonObject:
    # The JSON RFC leaves duplicate names undefined; a request that says two things about
    # one field is ambiguous, so it is refused rather than silently read one way.
    obj: JsonObject = {}
    for key, value in pairs:
        if key in obj:
            raise _DuplicateKey(f"duplicate key {json.dumps(key)}")
        obj[key] = value
    return obj


def _has_lone_surrogate(document: object) -> bool:
    """True when a string or key holds a ``\\udXXX`` escape that is no Unicode character
    (it could not be written back as UTF-8)."""
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            texts: Iterable[str] = (value,)
        elif isinstance(value, dict):
            texts = value.keys()
            pending.extend(value.values())
        elif isinstance(value, list):
            texts = ()
            pending.extend(value)
        else:
            continue
        for text in texts:
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


def decode_body(body: bytes | str) -> JsonObject:
    """The request body as a JSON object, or ``InvalidRequest`` with ``invalid_json``.

    Refused: bytes that are not UTF-8, text that is not JSON, ``NaN``/``Infinity``,
    numbers the decoder cannot hold, duplicate keys, lone surrogate escapes, nesting too deep
    to read, and any document that is not an object. A leading byte-order mark is allowed.
    """
    if isinstance(body, bytes | bytearray):
        try:
            text = bytes(body).decode("utf-8")
        except UnicodeDecodeError as error:
            _invalid_json(f"the request is not UTF-8 (byte {error.start})")
    else:
        text = body
    text = text.removeprefix("\ufeff")
    try:
        document = json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as error:
        _invalid_json(f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}")
    except _DuplicateKey as error:
        _invalid_json(f"not valid JSON: {error}")
    except ValueError as error:  # NaN, Infinity, 1e999, integers of thousands of digits
        _invalid_json(f"not valid JSON: {error}")
    except RecursionError:
        _invalid_json("not valid JSON: nested too deeply")
    if not isinstance(document, dict):
        _invalid_json("the request must be a JSON object")
    if _has_lone_surrogate(document):
        _invalid_json("not valid JSON: a string holds an unpaired surrogate")
    return document


class ErrorCollector:
    """Gathers validation problems so that every one is reported at once."""

    def __init__(self) -> None:
        self.errors: ErrorBody = {}

    def add(self, path: str, name: str, description: str) -> None:
        entry = {"key": f"errors.{name}", "description": description}
        bucket = self.errors.setdefault(path or "request", [])
        if entry not in bucket:
            bucket.append(entry)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidRequest(self.errors)


# --- the checker --------------------------------------------------------------------------


class StoreView(Protocol):
    """The only things validation asks of the calendar store (for ``unknown_*`` errors)."""

    def has_account(self, sub: str) -> bool: ...

    def has_calendar(self, sub: str, calendar_id: str) -> bool: ...

    def availability_rule_ids(self, sub: str) -> frozenset[str]: ...


def _printable(text: str) -> str:
    """``text`` safe for a one-line warning: control characters escaped."""
    return text if text.isprintable() else json.dumps(text)[1:-1]


class Validation(TypedDict):
    """What a validation run is given: the clock, the store to ask (None: none), whether
    unknown keys are errors, where warnings go, and the limits (the API's by default)."""

    now: int
    store: StoreView | None
    strict: bool
    warn: Warn
    limits: NotRequired[Limits]


class Checker:
    """What one validation run shares: the clock, the store, the limits, the error collector
    and how to treat unknown keys."""

    def __init__(
        self,
        *,
        now: int,
        store: StoreView | None,
        strict: bool,
        warn: Warn,
        limits: Limits = API_LIMITS,
    ) -> None:
        self.now = now
        self.store = store
        self.strict = strict
        self.warn = warn
        self.limits = limits
        self.problems = ErrorCollector()
        self.store_error: CalendarDataError | None = None
        self._accounts: dict[str, bool] = {}
        self._rule_ids: dict[str, frozenset[str] | None] = {}

    def fail(self, path: str, name: str, description: str) -> None:
        self.problems.add(path, name, description)

    def check_keys(self, obj: JsonObject, known: Iterable[str], path: str) -> None:
        """Warn about (or, strict, reject) every key of ``obj`` not in ``known``. A key whose
        value is null is like an absent key and passes silently."""
        known_keys = set(known)
        for key, value in obj.items():
            if key in known_keys or value is None:
                continue
            unknown = key_path(path, key)
            if self.strict:
                self.fail(unknown, "unknown_key", "unknown key")
            else:
                self.warn(f"unknown key '{_printable(unknown)}' ignored")

    # The store is asked only about valid names, each at most once per run.

    def account_exists(self, sub: str) -> bool | None:
        """Whether the store has ``sub``; None when there is no store to ask."""
        if self.store is None:
            return None
        if sub not in self._accounts:
            self._accounts[sub] = self.store.has_account(sub)
        return self._accounts[sub]

    def calendar_exists(self, sub: str, calendar_id: str) -> bool:
        return self.store is None or self.store.has_calendar(sub, calendar_id)

    def rule_ids(self, sub: str) -> frozenset[str] | None:
        """The account's availability rule ids; None without a store or when its rules file
        is broken (remembered in ``store_error``, raised if the request is otherwise valid,
        so that an invalid request is still reported as one)."""
        if self.store is None:
            return None
        if sub not in self._rule_ids:
            try:
                self._rule_ids[sub] = self.store.availability_rule_ids(sub)
            except CalendarDataError as error:
                self.store_error = self.store_error or error
                self._rule_ids[sub] = None
        return self._rule_ids[sub]

    def finish(self) -> None:
        """Raise ``InvalidRequest`` with every problem found, else the store's error if any."""
        self.problems.raise_if_any()
        if self.store_error is not None:
            raise self.store_error


def present(obj: JsonObject, *keys: str) -> bool:
    """Whether any of ``keys`` has a value (null counts as absent)."""
    return any(obj.get(key) is not None for key in keys)


# --- scalars ------------------------------------------------------------------------------


def as_object(check: Checker, value: object, path: str) -> JsonObject | None:
    if isinstance(value, dict):
        return value
    check.fail(path, "invalid_type", "must be an object")
    return None


def object_with_keys(
    check: Checker, value: object, path: str, keys: Iterable[str]
) -> JsonObject | None:
    """``value`` as an object whose other keys are reported as unknown; None (reported)
    when it is not an object."""
    obj = as_object(check, value, path)
    if obj is not None:
        check.check_keys(obj, keys, path)
    return obj


def objects_in_list(
    check: Checker, items: Iterable[object], path: str, keys: Iterable[str]
) -> Iterator[tuple[str, JsonObject]]:
    """Each entry of a list that is an object (``object_with_keys``), with its path."""
    for index, raw in enumerate(items):
        item_path = index_path(path, index)
        obj = object_with_keys(check, raw, item_path, keys)
        if obj is not None:
            yield item_path, obj


def as_list(check: Checker, value: object, path: str) -> list[object] | None:
    if isinstance(value, list):
        return value
    check.fail(path, "invalid_type", "must be an array")
    return None


def as_string(check: Checker, value: object, path: str) -> str | None:
    if isinstance(value, str):
        return value
    check.fail(path, "invalid_type", "must be a string")
    return None


def as_bool(check: Checker, value: object, path: str, default: bool = False) -> bool:
    """A JSON boolean; null or absent is ``default``."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    check.fail(path, "invalid_type", "must be true or false")
    return default


def as_int(check: Checker, value: object, path: str) -> int | None:
    """A JSON integer within ±2^31."""
    if not is_json_int(value):
        check.fail(path, "invalid_type", "must be a whole number")
        return None
    assert isinstance(value, int)
    if abs(value) > INT_LIMIT:
        check.fail(path, "invalid_value", "is out of range")
        return None
    return value


def as_bounded_int(
    check: Checker, value: object, path: str, low: int, high: int | None
) -> int | None:
    number = as_int(check, value, path)
    if number is None:
        return None
    if number < low or (high is not None and number > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        check.fail(path, "invalid_value", f"must be {bounds}")
        return None
    return number


# --- Time and Duration --------------------------------------------------------------------


def parse_time_value(check: Checker, value: object, path: str) -> int | None:
    """A Time (SPEC 3); a missing one is ``required``."""
    if value is None:
        check.fail(path, "required", "required")
        return None
    if not isinstance(value, str):
        check.fail(path, "invalid_type", "must be a Time string")
        return None
    try:
        return parse_time(value)
    except TimeFormatError:
        check.fail(path, "invalid_time_format", "not a recognized time format")
        return None


def check_date(check: Checker, instant: int, path: str) -> None:
    """A Time must lie between now and 201 days after now (the horizon), both included."""
    horizon = check.limits.horizon
    if instant < check.now:
        check.fail(path, "min_date_exceeded", "must not be before now")
    elif horizon is not None and instant > check.now + horizon:
        check.fail(path, "max_date_exceeded", f"more than {horizon // DAY} days after now")


def check_span(check: Checker, instant: int, earliest: int, path: str) -> None:
    span = check.limits.span
    if span is not None and instant > earliest + span:
        check.fail(
            path, "max_period_exceeded", f"more than {span // DAY} days after the earliest start"
        )


def parse_duration(check: Checker, value: object, path: str) -> int | None:
    """A Duration in seconds; every problem is reported at the Duration's own path."""
    obj = as_object(check, value, path)
    if obj is None:
        return None
    check.check_keys(obj, ("minutes", "hours"), path)
    hours, minutes = obj.get("hours"), obj.get("minutes")
    for part in (hours, minutes):
        if part is not None and not is_json_int(part):
            check.fail(path, "invalid_type", "minutes and hours must be whole numbers")
            return None
    assert hours is None or isinstance(hours, int)
    assert minutes is None or isinstance(minutes, int)
    problem = None
    if (hours or 0) < 0 or (minutes or 0) < 0:
        problem = "must not be negative"
    elif hours is not None and minutes is not None and minutes >= 60:
        problem = "minutes must be less than 60 beside hours"
    else:
        total = (hours or 0) * 3600 + (minutes or 0) * MINUTE
        longest = check.limits.duration
        if longest is not None and total > longest:
            problem = f"must not exceed {longest // DAY} days"
    if problem is not None:
        check.fail(path, "invalid_value", problem)
        return None
    return total


# --- lists of periods and slots ----------------------------------------------------------


def _check_length(check: Checker, items: list[object], path: str, noun: str) -> None:
    if not items:
        check.fail(path, "too_few", f"at least 1 {noun} is required")
    elif check.limits.periods is not None and len(items) > check.limits.periods:
        check.fail(path, "too_many", f"at most {check.limits.periods} {noun}s are allowed")


def parse_periods(check: Checker, value: object, path: str) -> tuple[Period, ...]:
    """1 to 50 ``{"start", "end"}`` periods: query periods or a member's available periods.

    Starts and ends must lie between now and 201 days later and at most 35 days after the
    list's earliest start; each end at least 1 minute after its start.
    """
    items = as_list(check, value, path)
    if items is None:
        return ()
    _check_length(check, items, path, "period")
    times: list[tuple[int, str]] = []  # every readable Time, for the date checks
    periods: list[Period] = []
    starts: list[int] = []
    for item_path, obj in objects_in_list(check, items, path, ("start", "end")):
        start_path, end_path = key_path(item_path, "start"), key_path(item_path, "end")
        start = parse_time_value(check, obj.get("start"), start_path)
        end = parse_time_value(check, obj.get("end"), end_path)
        if start is not None:
            times.append((start, start_path))
            starts.append(start)
        if end is not None:
            times.append((end, end_path))
        if start is not None and end is not None:
            if end - start < MINUTE:
                check.fail(end_path, "invalid_time_pair", "must be at least 1 minute after start")
            else:
                periods.append(Period(start, end))
    earliest = min(starts, default=None)
    for instant, time_path in times:
        check_date(check, instant, time_path)
        if earliest is not None:
            check_span(check, instant, earliest, time_path)
    return tuple(periods)


def parse_query_slots(check: Checker, value: object, path: str) -> tuple[int, ...]:
    """1 to 50 ``{"start"}`` slots, as distinct ascending starts. Each start must lie between
    now and 201 days later, and at most 35 days after the earliest one."""
    items = as_list(check, value, path)
    if items is None:
        return ()
    _check_length(check, items, path, "query slot")
    starts: list[tuple[int, str]] = []
    for item_path, obj in objects_in_list(check, items, path, ("start",)):
        start_path = key_path(item_path, "start")
        start = parse_time_value(check, obj.get("start"), start_path)
        if start is not None:
            starts.append((start, start_path))
    earliest = min((start for start, _ in starts), default=None)
    for start, start_path in starts:
        check_date(check, start, start_path)
        if earliest is not None:
            check_span(check, start, earliest, start_path)
    return tuple(sorted({start for start, _ in starts}))
