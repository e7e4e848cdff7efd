"""Request JSON -> validated request dataclasses, or ``InvalidRequest`` (SPEC 3, 5, 6).

The two queries, their top-level fields and sequence steps. The participants (groups,
members and their options) are parsed by ``participants``, the generic shapes (Time,
Duration, period lists, scalars) by ``fields``. Every parser reports to one ``Checker``
and goes on, so that a request's problems all come back in one ``InvalidRequest``.
"""

from __future__ import annotations

from typing import Unpack, get_args

from ..models import (
    DEFAULT_MAX_RESULTS,
    DEFAULT_START_INTERVAL,
    AvailabilityRequest,
    Buffer,
    ExcludedEvents,
    GapBound,
    Period,
    ResponseFormat,
    SequenceRequest,
    SequenceStep,
    StepBuffer,
)
from .fields import (
    Checker,
    JsonObject,
    StoreView,
    Validation,
    as_bool,
    as_bounded_int,
    as_int,
    as_list,
    as_object,
    as_string,
    decode_body,
    index_path,
    key_path,
    object_with_keys,
    objects_in_list,
    parse_duration,
    parse_periods,
    parse_query_slots,
    present,
)
from .limits import START_INTERVALS
from .participants import parse_buffer, parse_participants

__all__ = ["StoreView", "parse_availability", "parse_sequence"]

RESPONSE_FORMATS: tuple[ResponseFormat, ...] = get_args(ResponseFormat)

AVAILABILITY_KEYS = (
    "participants",
    "required_duration",
    "query_periods",
    "available_periods",
    "query_slots",
    "buffer",
    "response_format",
    "start_interval",
    "max_results",
    "include_member_statuses",
    "excluded_events",
)
SEQUENCE_KEYS = ("query_periods", "available_periods", "sequence", "excluded_events", "max_results")
STEP_KEYS = (
    "sequence_id",
    "ordinal",
    "participants",
    "required_duration",
    "start_interval",
    "buffer",
)


# --- step buffers ---


def _parse_gap_bound(check: Checker, value: object, path: str) -> GapBound:
    """One side of a step buffer: ``{"minimum", "maximum"}`` (both optional), or a plain
    Duration, which is a minimum with no maximum. The keys decide which form it is."""
    obj = as_object(check, value, path)
    if obj is None:
        return GapBound()
    if not present(obj, "minimum", "maximum"):
        return GapBound(minimum=parse_duration(check, obj, path) or 0)
    check.check_keys(obj, ("minimum", "maximum"), path)
    minimum = maximum = None
    if obj.get("minimum") is not None:
        minimum = parse_duration(check, obj["minimum"], key_path(path, "minimum"))
    if obj.get("maximum") is not None:
        maximum_path = key_path(path, "maximum")
        maximum = parse_duration(check, obj["maximum"], maximum_path)
        if maximum is not None and minimum is not None and maximum < minimum:
            check.fail(maximum_path, "invalid_value", "must not be less than the minimum")
    return GapBound(minimum=minimum or 0, maximum=maximum)


def _parse_step_buffer(check: Checker, value: object, path: str) -> StepBuffer:
    if value is None:
        return StepBuffer()
    obj = object_with_keys(check, value, path, ("before", "after"))
    if obj is None:
        return StepBuffer()
    sides = {}
    for side in ("before", "after"):
        raw = obj.get(side)
        sides[side] = (
            GapBound() if raw is None else _parse_gap_bound(check, raw, key_path(path, side))
        )
    return StepBuffer(before=sides["before"], after=sides["after"])


# --- top-level fields ---------------------------------------------------------------------


def _parse_required_duration(check: Checker, value: object, path: str) -> int:
    if value is None:
        check.fail(path, "required", "required")
        return 0
    duration = parse_duration(check, value, path)
    if duration == 0:
        check.fail(path, "invalid_value", "must be greater than zero")
    return duration or 0


def _parse_start_interval(check: Checker, value: object, path: str) -> int | None:
    if value is None:
        return None
    interval = parse_duration(check, value, path)
    if interval is not None and interval not in START_INTERVALS:
        check.fail(path, "invalid_value", "must be 5, 10, 15, 20, 30 or 60 minutes")
        return None
    return interval


def _parse_max_results(check: Checker, value: object) -> int:
    if value is None:
        return DEFAULT_MAX_RESULTS
    most = check.limits.results
    return as_bounded_int(check, value, "max_results", 1, most) or DEFAULT_MAX_RESULTS


def _parse_excluded_events(check: Checker, value: object, path: str) -> ExcludedEvents:
    """Objects each naming exactly one of ``event_id`` or ``event_uid``."""
    if value is None:
        return ExcludedEvents()
    event_ids: set[str] = set()
    event_uids: set[str] = set()
    items = as_list(check, value, path) or ()
    for item_path, obj in objects_in_list(check, items, path, ("event_id", "event_uid")):
        id_path, uid_path = key_path(item_path, "event_id"), key_path(item_path, "event_uid")
        has_id, has_uid = obj.get("event_id") is not None, obj.get("event_uid") is not None
        if has_id and has_uid:
            check.fail(uid_path, "exclusive", "give event_id or event_uid, not both")
        elif not has_id and not has_uid:
            check.fail(id_path, "required", "event_id or event_uid is required")
        if has_id and (event_id := as_string(check, obj["event_id"], id_path)) is not None:
            event_ids.add(event_id)
        if has_uid and (event_uid := as_string(check, obj["event_uid"], uid_path)) is not None:
            event_uids.add(event_uid)
    return ExcludedEvents(event_ids=frozenset(event_ids), event_uids=frozenset(event_uids))


def _parse_query_periods(
    check: Checker, obj: JsonObject, *, required: bool
) -> tuple[Period, ...] | None:
    """``query_periods``, or its alias ``available_periods`` (whose errors keep its path)."""
    if obj.get("query_periods") is not None:
        if obj.get("available_periods") is not None:
            check.fail(
                "available_periods", "exclusive", "available_periods is an alias of query_periods"
            )
        return parse_periods(check, obj["query_periods"], "query_periods")
    if obj.get("available_periods") is not None:
        return parse_periods(check, obj["available_periods"], "available_periods")
    if required:
        check.fail("query_periods", "required", "required")
    return None


def _parse_response_format(check: Checker, value: object, *, slots: bool) -> ResponseFormat:
    """The response format; with query slots an absent one is ``overlapping_slots`` (every
    given slot is considered) and ``periods`` is refused."""
    default: ResponseFormat = "overlapping_slots" if slots else "periods"
    if value is None:
        return default
    text = as_string(check, value, "response_format")
    if text is None:
        return default
    for response_format in RESPONSE_FORMATS:
        if text == response_format:
            if slots and response_format == "periods":
                check.fail(
                    "response_format", "invalid_value", "periods cannot be used with query_slots"
                )
                return default
            return response_format
    check.fail("response_format", "invalid_value", "must be periods, slots or overlapping_slots")
    return default


# --- the two queries ----------------------------------------------------------------------


def parse_availability(body: bytes | str, **validation: Unpack[Validation]) -> AvailabilityRequest:
    """Validate an Availability query body (SPEC 3) at ``now`` against ``store``, within
    ``limits`` (the API's by default).

    Raises ``InvalidRequest`` carrying every problem found; ``CalendarDataError`` when an
    account's availability rules cannot be read and the request is otherwise valid.
    """
    obj = decode_body(body)
    check = Checker(**validation)
    check.check_keys(obj, AVAILABILITY_KEYS, "")

    participants = parse_participants(check, obj.get("participants"), "participants")
    required_duration = _parse_required_duration(
        check, obj.get("required_duration"), "required_duration"
    )
    has_slots = obj.get("query_slots") is not None
    query_periods = _parse_query_periods(check, obj, required=not has_slots)
    query_slots: tuple[int, ...] | None = None
    if has_slots:
        if query_periods is not None:
            check.fail("query_slots", "exclusive", "give query_periods or query_slots, not both")
        query_slots = parse_query_slots(check, obj["query_slots"], "query_slots")
    buffer = parse_buffer(check, obj.get("buffer"), "buffer") or Buffer()
    response_format = _parse_response_format(check, obj.get("response_format"), slots=has_slots)
    start_interval = _parse_start_interval(check, obj.get("start_interval"), "start_interval")
    max_results = _parse_max_results(check, obj.get("max_results"))
    include_member_statuses = as_bool(
        check, obj.get("include_member_statuses"), "include_member_statuses"
    )
    excluded_events = _parse_excluded_events(check, obj.get("excluded_events"), "excluded_events")

    check.finish()
    return AvailabilityRequest(
        participants=participants,
        required_duration=required_duration,
        query_periods=None if has_slots else query_periods,
        query_slots=query_slots,
        buffer=buffer,
        response_format=response_format,
        # Validated above, but a grid means nothing for given slots.
        start_interval=None if has_slots else start_interval,
        max_results=max_results,
        include_member_statuses=include_member_statuses,
        excluded_events=excluded_events,
    )


def _parse_step(
    check: Checker, value: object, path: str, seen_ids: set[str]
) -> SequenceStep | None:
    obj = object_with_keys(check, value, path, STEP_KEYS)
    if obj is None:
        return None

    def at(key: str) -> str:
        return key_path(path, key)

    sequence_id = None
    if obj.get("sequence_id") is None:
        check.fail(at("sequence_id"), "required", "required")
    else:
        sequence_id = as_string(check, obj["sequence_id"], at("sequence_id"))
        if sequence_id == "":
            check.fail(at("sequence_id"), "invalid_value", "must not be empty")
            sequence_id = None
        elif sequence_id is not None:
            if sequence_id in seen_ids:
                check.fail(at("sequence_id"), "duplicate", "already used by an earlier step")
            seen_ids.add(sequence_id)
    ordinal = None if obj.get("ordinal") is None else as_int(check, obj["ordinal"], at("ordinal"))
    participants = parse_participants(check, obj.get("participants"), at("participants"))
    required_duration = _parse_required_duration(
        check, obj.get("required_duration"), at("required_duration")
    )
    start_interval = _parse_start_interval(check, obj.get("start_interval"), at("start_interval"))
    buffer = _parse_step_buffer(check, obj.get("buffer"), at("buffer"))
    if sequence_id is None:
        return None
    return SequenceStep(
        sequence_id=sequence_id,
        participants=participants,
        required_duration=required_duration,
        ordinal=ordinal,
        start_interval=start_interval or DEFAULT_START_INTERVAL,
        buffer=buffer,
    )


def parse_sequence(body: bytes | str, **validation: Unpack[Validation]) -> SequenceRequest:
    """Validate a Sequenced Availability query body (SPEC 3 and 6); steps stay in request
    order. Raises like ``parse_availability``."""
    obj = decode_body(body)
    check = Checker(**validation)
    check.check_keys(obj, SEQUENCE_KEYS, "")

    query_periods = _parse_query_periods(check, obj, required=True)
    steps: list[SequenceStep] = []
    if obj.get("sequence") is None:
        check.fail("sequence", "required", "required")
    else:
        items = as_list(check, obj["sequence"], "sequence")
        if items is not None:
            if not items:
                check.fail("sequence", "too_few", "at least 1 step is required")
            elif check.limits.steps is not None and len(items) > check.limits.steps:
                most = check.limits.steps
                check.fail("sequence", "too_many", f"at most {most} steps are allowed")
            seen_ids: set[str] = set()
            for index, raw in enumerate(items):
                step = _parse_step(check, raw, index_path("sequence", index), seen_ids)
                if step is not None:
                    steps.append(step)
    max_results = _parse_max_results(check, obj.get("max_results"))
    excluded_events = _parse_excluded_events(check, obj.get("excluded_events"), "excluded_events")

    check.finish()
    return SequenceRequest(
        query_periods=query_periods or (),
        steps=tuple(steps),
        max_results=max_results,
        excluded_events=excluded_events,
    )
