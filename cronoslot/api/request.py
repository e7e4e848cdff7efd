"""Request JSON -> validated request dataclasses, or ``InvalidRequest`` (SPEC 3, 5, 6).

One small parser per JSON shape (member, group, participants, constraint, buffer, step),
shared by both queries; the generic shapes (Time, Duration, period lists, scalars) live in
``query_fields``. Every parser reports to one ``Checker`` and goes on, so that a request's
problems all come back in one ``InvalidRequest``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import get_args

from ..errors import Warn
from ..models import (
    DEFAULT_MAX_RESULTS,
    DEFAULT_START_INTERVAL,
    EXTENDED_TRANSPARENCIES,
    AvailabilityRequest,
    Buffer,
    Constraint,
    ExcludedEvents,
    GapBound,
    Group,
    Member,
    Period,
    ResponseFormat,
    SequenceRequest,
    SequenceStep,
    StepBuffer,
    Transparency,
)
from ..names import valid_name
from ..timeutil import MINUTE, is_zone
from .fields import (
    Checker,
    JsonObject,
    StoreView,
    as_bool,
    as_bounded_int,
    as_int,
    as_list,
    as_object,
    as_string,
    decode_body,
    index_path,
    is_json_int,
    key_path,
    parse_duration,
    parse_periods,
    parse_query_slots,
)

__all__ = ["StoreView", "parse_availability", "parse_sequence"]

MAX_ACCOUNTS = 10
MAX_STEPS = 5
MAX_RESULTS = 512
START_INTERVALS = frozenset(minutes * MINUTE for minutes in (5, 10, 15, 20, 30, 60))
RESPONSE_FORMATS: tuple[ResponseFormat, ...] = get_args(ResponseFormat)

MEMBER_KEYS = (
    "sub",
    "available_periods",
    "calendar_ids",
    "buffer",
    "managed_availability",
    "availability_rule_ids",
    "only_managed_events",
    "ignore_tentative",
    "ignored_extended_transparencies",
    "availability_constraints",
)
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


# --- names and the store ------------------------------------------------------------------


def _parse_name(check: Checker, value: object, path: str, what: str) -> str | None:
    """A ``sub`` or ``calendar_id`` that is safe to look up in the store."""
    text = as_string(check, value, path)
    if text is None:
        return None
    if not valid_name(text):
        check.fail(
            path,
            "invalid_value",
            f"a {what} is ASCII letters, digits and _ - . @ only, never . or ..",
        )
        return None
    return text


def _parse_id_list(
    check: Checker,
    value: object,
    path: str,
    read_item: Callable[[object, str], str | None],
    is_unknown: Callable[[str], tuple[str, str] | None],
) -> tuple[str, ...] | None:
    """A list of ids (null: None), each read by ``read_item``; an id for which
    ``is_unknown`` gives an (error name, description) is reported at its entry; repeats
    count once."""
    if value is None:
        return None
    items = as_list(check, value, path)
    if items is None:
        return None
    ids: list[str] = []
    for index, raw in enumerate(items):
        entry_path = index_path(path, index)
        item = read_item(raw, entry_path)
        if item is None:
            continue
        problem = is_unknown(item)
        if problem is not None:
            check.fail(entry_path, *problem)
        if item not in ids:
            ids.append(item)
    return tuple(ids)


def _parse_calendar_ids(
    check: Checker, value: object, path: str, sub: str | None, account_known: bool
) -> tuple[str, ...] | None:
    def is_unknown(calendar_id: str) -> tuple[str, str] | None:
        if sub is not None and account_known and not check.calendar_exists(sub, calendar_id):
            return "unknown_calendar", f"no calendar {calendar_id} for {sub}"
        return None

    return _parse_id_list(
        check,
        value,
        path,
        lambda raw, entry_path: _parse_name(check, raw, entry_path, "calendar_id"),
        is_unknown,
    )


def _parse_rule_ids(
    check: Checker, value: object, path: str, sub: str | None, account_known: bool
) -> tuple[str, ...] | None:
    """``availability_rule_ids``: null chooses every rule, ``[]`` none (SPEC 5)."""

    def is_unknown(rule_id: str) -> tuple[str, str] | None:
        if sub is not None and account_known:
            known = check.rule_ids(sub)
            if known is not None and rule_id not in known:
                return "unknown_availability_rule", f"no availability rule {rule_id} for {sub}"
        return None

    return _parse_id_list(
        check, value, path, lambda raw, entry_path: as_string(check, raw, entry_path), is_unknown
    )


# --- buffers ------------------------------------------------------------------------------


def _present(obj: JsonObject, *keys: str) -> bool:
    return any(obj.get(key) is not None for key in keys)


def _parse_buffer(check: Checker, value: object, path: str) -> Buffer | None:
    """A ``{"before": Duration, "after": Duration}`` buffer; None when absent or empty."""
    if value is None:
        return None
    obj = as_object(check, value, path)
    if obj is None:
        return None
    check.check_keys(obj, ("before", "after"), path)
    if not _present(obj, "before", "after"):
        return None
    sides = {}
    for side in ("before", "after"):
        raw = obj.get(side)
        sides[side] = 0 if raw is None else parse_duration(check, raw, key_path(path, side))
    return Buffer(before=sides["before"] or 0, after=sides["after"] or 0)


def _parse_gap_bound(check: Checker, value: object, path: str) -> GapBound:
    """One side of a step buffer: ``{"minimum", "maximum"}`` (both optional), or a plain
    Duration, which is a minimum with no maximum. The keys decide which form it is."""
    obj = as_object(check, value, path)
    if obj is None:
        return GapBound()
    if not _present(obj, "minimum", "maximum"):
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
    obj = as_object(check, value, path)
    if obj is None:
        return StepBuffer()
    check.check_keys(obj, ("before", "after"), path)
    sides = {}
    for side in ("before", "after"):
        raw = obj.get(side)
        sides[side] = (
            GapBound() if raw is None else _parse_gap_bound(check, raw, key_path(path, side))
        )
    return StepBuffer(before=sides["before"], after=sides["after"])


# --- members ------------------------------------------------------------------------------


def _parse_tags(check: Checker, value: object, path: str) -> frozenset[str]:
    """``null``, ``{}``, ``{"private": []}`` or ``{"private": [{"value": "X"}, ...]}``."""
    if value is None:
        return frozenset()
    obj = as_object(check, value, path)
    if obj is None:
        return frozenset()
    tags: set[str] = set()
    for context, raw in obj.items():
        context_path = key_path(path, context)
        if raw is None:
            continue
        if context != "private":
            check.fail(context_path, "invalid_value", "only the private tag context is supported")
            continue
        items = as_list(check, raw, context_path)
        for index, item in enumerate(items or ()):
            item_path = index_path(context_path, index)
            tag = as_object(check, item, item_path)
            if tag is None:
                continue
            check.check_keys(tag, ("value",), item_path)
            value_path = key_path(item_path, "value")
            if tag.get("value") is None:
                check.fail(value_path, "required", "required")
                continue
            text = as_string(check, tag["value"], value_path)
            if text is not None:
                tags.add(text)
    return frozenset(tags)


def _parse_constraint(check: Checker, value: object, path: str) -> Constraint | None:
    obj = as_object(check, value, path)
    if obj is None:
        return None
    check.check_keys(obj, ("period", "limit", "tzid", "tags"), path)
    period_path, limit_path, tzid_path = (
        key_path(path, key) for key in ("period", "limit", "tzid")
    )
    period = None
    if obj.get("period") is None:
        check.fail(period_path, "required", "required")
    else:
        period = as_string(check, obj["period"], period_path)
        if period is not None and period not in ("day", "week"):
            check.fail(period_path, "invalid_value", "must be day or week")
            period = None
    limit = None
    if obj.get("limit") is None:
        check.fail(limit_path, "required", "required")
    else:
        limit = as_bounded_int(check, obj["limit"], limit_path, 1, None)
    tzid = None
    if period != "week":  # a week is an ISO week in UTC: its tzid is ignored
        raw_tzid = obj.get("tzid")
        if raw_tzid is None:
            if period == "day":
                check.fail(tzid_path, "required", "required for a day constraint")
        else:
            tzid = as_string(check, raw_tzid, tzid_path)
            if tzid is not None and not is_zone(tzid):
                check.fail(tzid_path, "invalid_value", "not a known IANA time zone")
                tzid = None
    tags = _parse_tags(check, obj.get("tags"), key_path(path, "tags"))
    if period is None or limit is None:
        return None
    return Constraint(
        period="day" if period == "day" else "week",
        limit=limit,
        tzid=tzid if period == "day" else None,
        tags=tags,
    )


def _parse_transparencies(check: Checker, value: object, path: str) -> frozenset[Transparency]:
    if value is None:
        return frozenset()
    items = as_list(check, value, path)
    chosen: set[Transparency] = set()
    allowed = {str(kind) for kind in EXTENDED_TRANSPARENCIES}
    for index, raw in enumerate(items or ()):
        entry_path = index_path(path, index)
        text = as_string(check, raw, entry_path)
        if text is None:
            continue
        if text not in allowed:
            check.fail(
                entry_path,
                "invalid_value",
                "must be out_of_office, working_elsewhere or tentative",
            )
            continue
        chosen.add(Transparency(text))
    return frozenset(chosen)


def _parse_member(check: Checker, value: object, path: str) -> Member | None:
    """One member; its ``sub`` is "" when missing or invalid (never a valid name)."""
    obj = as_object(check, value, path)
    if obj is None:
        return None
    check.check_keys(obj, MEMBER_KEYS, path)

    def at(key: str) -> str:
        return key_path(path, key)

    sub: str | None = None
    if obj.get("sub") is None:
        check.fail(at("sub"), "required", "required")
    else:
        sub = _parse_name(check, obj["sub"], at("sub"), "sub")
    account_known = False
    if sub is not None:
        exists = check.account_exists(sub)
        if exists is False:
            check.fail(at("sub"), "unknown_account", f"no account {sub}")
        account_known = bool(exists)

    available_periods: tuple[Period, ...] | None = None
    if obj.get("available_periods") is not None:
        available_periods = parse_periods(check, obj["available_periods"], at("available_periods"))

    constraints: list[Constraint] = []
    raw_constraints = obj.get("availability_constraints")
    if raw_constraints is not None:
        constraints_path = at("availability_constraints")
        for index, raw in enumerate(as_list(check, raw_constraints, constraints_path) or ()):
            constraint = _parse_constraint(check, raw, index_path(constraints_path, index))
            if constraint is not None:
                constraints.append(constraint)

    return Member(
        sub=sub or "",
        available_periods=available_periods,
        calendar_ids=_parse_calendar_ids(
            check, obj.get("calendar_ids"), at("calendar_ids"), sub, account_known
        ),
        buffer=_parse_buffer(check, obj.get("buffer"), at("buffer")),
        managed_availability=as_bool(
            check, obj.get("managed_availability"), at("managed_availability")
        ),
        availability_rule_ids=_parse_rule_ids(
            check, obj.get("availability_rule_ids"), at("availability_rule_ids"), sub, account_known
        ),
        only_managed_events=as_bool(
            check, obj.get("only_managed_events"), at("only_managed_events")
        ),
        ignore_tentative=as_bool(check, obj.get("ignore_tentative"), at("ignore_tentative")),
        ignored_extended_transparencies=_parse_transparencies(
            check, obj.get("ignored_extended_transparencies"), at("ignored_extended_transparencies")
        ),
        availability_constraints=tuple(constraints),
    )


def _parse_required(check: Checker, value: object, path: str, size: int | None) -> int | None:
    """``"all"`` (resolved to the group's size) or an integer from 1 to the group's size."""
    if value is None:
        check.fail(path, "required", "required")
        return None
    if isinstance(value, str):
        if value != "all":
            check.fail(path, "invalid_value", 'must be "all" or a number of members')
            return None
        return size
    if not is_json_int(value):
        check.fail(path, "invalid_type", 'must be "all" or a whole number')
        return None
    return as_bounded_int(check, value, path, 1, size)


def _parse_group(check: Checker, value: object, path: str) -> Group | None:
    obj = as_object(check, value, path)
    if obj is None:
        return None
    check.check_keys(obj, ("members", "required"), path)
    members_path = key_path(path, "members")
    members: list[Member] = []
    size: int | None = None
    if obj.get("members") is None:
        check.fail(members_path, "required", "required")
    else:
        items = as_list(check, obj["members"], members_path)
        if items is not None:
            size = len(items) or None  # an empty group is too_few, not a bound for required
            if not items:
                check.fail(members_path, "too_few", "at least 1 member is required")
            seen: set[str] = set()
            for index, raw in enumerate(items):
                member_path = index_path(members_path, index)
                member = _parse_member(check, raw, member_path)
                if member is None:
                    continue
                if member.sub in seen:
                    check.fail(
                        key_path(member_path, "sub"), "duplicate", "already a member of this group"
                    )
                elif member.sub:
                    seen.add(member.sub)
                members.append(member)
    # With no readable member list the size is unknown: only the lower bound is checked.
    required = _parse_required(check, obj.get("required"), key_path(path, "required"), size)
    if required is None:
        return None
    return Group(members=tuple(members), required=required)


def _parse_participants(check: Checker, value: object, path: str) -> tuple[Group, ...]:
    """At least one group, and at most 10 distinct accounts over all of them."""
    if value is None:
        check.fail(path, "required", "required")
        return ()
    items = as_list(check, value, path)
    if items is None:
        return ()
    if not items:
        check.fail(path, "too_few", "at least 1 group is required")
    groups: list[Group] = []
    for index, raw in enumerate(items):
        group = _parse_group(check, raw, index_path(path, index))
        if group is not None:
            groups.append(group)
    accounts = {member.sub for group in groups for member in group.members if member.sub}
    if len(accounts) > MAX_ACCOUNTS:
        check.fail(path, "too_many", f"at most {MAX_ACCOUNTS} accounts are allowed")
    return tuple(groups)


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
    return as_bounded_int(check, value, "max_results", 1, MAX_RESULTS) or DEFAULT_MAX_RESULTS


def _parse_excluded_events(check: Checker, value: object, path: str) -> ExcludedEvents:
    """Objects each naming exactly one of ``event_id`` or ``event_uid``."""
    if value is None:
        return ExcludedEvents()
    event_ids: set[str] = set()
    event_uids: set[str] = set()
    for index, raw in enumerate(as_list(check, value, path) or ()):
        item_path = index_path(path, index)
        obj = as_object(check, raw, item_path)
        if obj is None:
            continue
        check.check_keys(obj, ("event_id", "event_uid"), item_path)
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


def parse_availability(
    body: bytes | str, *, now: int, store: StoreView | None, strict: bool, warn: Warn
) -> AvailabilityRequest:
    """Validate an Availability query body (SPEC 3).

    Raises ``InvalidRequest`` carrying every problem found; ``CalendarDataError`` when an
    account's availability rules cannot be read and the request is otherwise valid.
    """
    obj = decode_body(body)
    check = Checker(now=now, store=store, strict=strict, warn=warn)
    check.check_keys(obj, AVAILABILITY_KEYS, "")

    participants = _parse_participants(check, obj.get("participants"), "participants")
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
    buffer = _parse_buffer(check, obj.get("buffer"), "buffer") or Buffer()
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
    obj = as_object(check, value, path)
    if obj is None:
        return None
    check.check_keys(obj, STEP_KEYS, path)

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
    participants = _parse_participants(check, obj.get("participants"), at("participants"))
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


def parse_sequence(
    body: bytes | str, *, now: int, store: StoreView | None, strict: bool, warn: Warn
) -> SequenceRequest:
    """Validate a Sequenced Availability query body (SPEC 3 and 6); steps stay in request
    order. Raises like ``parse_availability``."""
    obj = decode_body(body)
    check = Checker(now=now, store=store, strict=strict, warn=warn)
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
            elif len(items) > MAX_STEPS:
                check.fail("sequence", "too_many", f"at most {MAX_STEPS} steps are allowed")
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
