"""The participants of a request (SPEC 3, 4): groups, members and each member's options
(calendars, rules, buffers, constraints, transparencies).

Every parser reports to the ``Checker`` and goes on, so that every problem of a request
comes back at once; the store is asked only whether accounts, calendars and rules exist.
"""

from __future__ import annotations

from collections.abc import Callable

from ..models import (
    EXTENDED_TRANSPARENCIES,
    Buffer,
    Constraint,
    Group,
    Member,
    Period,
    Transparency,
)
from ..names import valid_name
from ..timeutil import is_zone
from .fields import (
    Checker,
    as_bool,
    as_bounded_int,
    as_list,
    as_object,
    as_string,
    index_path,
    is_json_int,
    key_path,
    object_with_keys,
    objects_in_list,
    parse_duration,
    parse_periods,
    present,
)

__all__ = ["MEMBER_KEYS", "parse_buffer", "parse_participants"]

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


def parse_buffer(check: Checker, value: object, path: str) -> Buffer | None:
    """A ``{"before": Duration, "after": Duration}`` buffer; None when absent or empty."""
    if value is None:
        return None
    obj = object_with_keys(check, value, path, ("before", "after"))
    if obj is None or not present(obj, "before", "after"):
        return None
    sides = {}
    for side in ("before", "after"):
        raw = obj.get(side)
        sides[side] = 0 if raw is None else parse_duration(check, raw, key_path(path, side))
    return Buffer(before=sides["before"] or 0, after=sides["after"] or 0)


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
        items = as_list(check, raw, context_path) or ()
        for item_path, tag in objects_in_list(check, items, context_path, ("value",)):
            value_path = key_path(item_path, "value")
            if tag.get("value") is None:
                check.fail(value_path, "required", "required")
                continue
            text = as_string(check, tag["value"], value_path)
            if text is not None:
                tags.add(text)
    return frozenset(tags)


def _parse_constraint(check: Checker, value: object, path: str) -> Constraint | None:
    obj = object_with_keys(check, value, path, ("period", "limit", "tzid", "tags"))
    if obj is None:
        return None
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
    obj = object_with_keys(check, value, path, MEMBER_KEYS)
    if obj is None:
        return None

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
        buffer=parse_buffer(check, obj.get("buffer"), at("buffer")),
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
    obj = object_with_keys(check, value, path, ("members", "required"))
    if obj is None:
        return None
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


def parse_participants(check: Checker, value: object, path: str) -> tuple[Group, ...]:
    """At least one group, and at most 10 distinct accounts over all of them (unless the
    checker's limits say otherwise)."""
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
    most = check.limits.accounts
    if most is not None and len(accounts) > most:
        check.fail(path, "too_many", f"at most {most} accounts are allowed")
    return tuple(groups)
