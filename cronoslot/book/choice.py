"""A choice, checked against the request it answers: which events to book.

A choice is one item of cronoslot's own answer to a request: a slot ``{"start", "end",
"participants"}`` of an Availability answer, or an option ``{"sequence": [...]}`` of a
Sequenced one. It is an answer to the request when each event lies in the query periods
(or is one of the ``query_slots``), on the grid, exactly ``required_duration`` long, its
participants are members of the request (of that step) and, on their own, still satisfy
every group (``required``), and a sequence holds every step once with the gaps its buffers
allow. Anything else is ``InvalidRequest`` at a ``choice...`` path, every problem at once.

Whether the time is *still* free is not decided here: each event carries the request that
re-runs the query for exactly its start (``check``), which booking answers under the
store's lock. Pure: no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from ..api.fields import (
    Checker,
    JsonObject,
    as_list,
    as_string,
    key_path,
    objects_in_list,
    parse_time_value,
)
from ..errors import UsageError, Warn
from ..intervals import Interval
from ..models import (
    DEFAULT_START_INTERVAL,
    AvailabilityRequest,
    ExcludedEvents,
    Group,
    SequenceRequest,
    SequenceStep,
)
from ..solve.sequence import calendar_buffer, gap_between, running_order
from .events import event_id_problem

_SLOT_KEYS = ("start", "end", "participants")
_STEP_KEYS = ("sequence_id", *_SLOT_KEYS)
_WHOLE_ANSWERS = {
    "available_slots": ".available_slots[0]",
    "available_periods": ".available_periods[0]",
    "sequences": ".sequences[0]",
}


@dataclass(frozen=True)
class ChosenEvent:
    """One event to book: its id, times and participants (in request order), and the
    request that re-runs the query for exactly its start (``check``), with every event id
    being booked excluded so that a reschedule does not block itself."""

    event_id: str
    start: int
    end: int
    participants: tuple[str, ...]
    check: AvailabilityRequest


def _minutes(seconds: int) -> str:
    return f"{seconds // 60} minutes" if seconds % 60 == 0 else f"{seconds} seconds"


def _inside(union: Sequence[Interval], start: int, end: int) -> bool:
    return any(low <= start and end <= high for low, high in union)


@dataclass
class _Event:
    """What one slot or step of the choice says, before its checks are known good."""

    event_id: str
    start: int
    end: int
    participants: tuple[str, ...]


def _read_times(check: Checker, obj: JsonObject, path: str) -> tuple[int, int] | None:
    start = parse_time_value(check, obj.get("start"), key_path(path, "start"))
    end = parse_time_value(check, obj.get("end"), key_path(path, "end"))
    return None if start is None or end is None else (start, end)


def _read_participants(
    check: Checker, value: object, path: str, groups: Sequence[Group]
) -> tuple[str, ...] | None:
    """The chosen subs, in request order; each must be a member of ``groups``, and on
    their own they must still satisfy every group's ``required``."""
    if value is None:
        check.fail(path, "required", "required")
        return None
    items = as_list(check, value, path)
    if items is None:
        return None
    members = [member.sub for group in groups for member in group.members]
    chosen: set[str] = set()
    good = True
    read = 0
    for item_path, obj in objects_in_list(check, items, path, ("sub",)):
        read += 1
        sub_path = key_path(item_path, "sub")
        if obj.get("sub") is None:
            check.fail(sub_path, "required", "required")
            good = False
            continue
        sub = as_string(check, obj["sub"], sub_path)
        if sub is None:
            good = False
        elif sub not in members:
            check.fail(sub_path, "invalid_value", "not a participant of the request")
            good = False
        elif sub in chosen:
            check.fail(sub_path, "duplicate", "already chosen")
            good = False
        else:
            chosen.add(sub)
    if not good or read != len(items):
        return None
    for number, group in enumerate(groups, 1):
        subs = [member.sub for member in group.members]
        if sum(sub in chosen for sub in subs) < group.required:
            check.fail(
                path,
                "too_few",
                f"group {number} needs {group.required} of {', '.join(subs)}",
            )
            return None
    return tuple(sub for sub in dict.fromkeys(members) if sub in chosen)


def _check_place(
    check: Checker,
    path: str,
    times: tuple[int, int],
    duration: int,
    union: Sequence[Interval],
    grid: int | None,
    where: str = "inside the query periods",
) -> None:
    start, end = times
    if end - start != duration:
        check.fail(
            key_path(path, "end"),
            "invalid_value",
            f"must be the start plus the required duration ({_minutes(duration)})",
        )
        return
    if not _inside(union, start, end):
        check.fail(key_path(path, "start"), "invalid_value", f"not {where}")
    elif grid is not None and start % grid != 0:
        check.fail(key_path(path, "start"), "invalid_value", f"not on the {_minutes(grid)} grid")


def _refuse_other_shapes(check: Checker, choice: JsonObject, *, sequence: bool) -> bool:
    """False (reported) when the choice is a whole answer or an item of the other query."""
    for key, item in _WHOLE_ANSWERS.items():
        if key in choice:
            check.fail("choice", "invalid_value", f"a whole answer: choose one item ({item})")
            return False
    if sequence and "sequence" not in choice:
        check.fail(
            "choice",
            "invalid_value",
            'REQUEST is a Sequenced query: the choice is an option {"sequence": [...]}',
        )
        return False
    if not sequence and "sequence" in choice:
        check.fail(
            "choice",
            "invalid_value",
            'REQUEST is an Availability query: the choice is a slot {"start", "end", ...}',
        )
        return False
    return True


def _read_slot(
    check: Checker, request: AvailabilityRequest, choice: JsonObject, event_id: str | None
) -> _Event | None:
    check.check_keys(choice, _SLOT_KEYS, "choice")
    if event_id is None:
        check.fail("event_id", "required", "booking a slot needs an event id (--event-id)")
    elif (problem := event_id_problem(event_id)) is not None:
        check.fail("event_id", "invalid_value", problem)
    times = _read_times(check, choice, "choice")
    if times is not None:
        duration = request.required_duration
        if request.query_slots is not None:
            slots = [(start, start + duration) for start in request.query_slots]
            _check_place(check, "choice", times, duration, slots, None, "one of the query_slots")
        else:
            grid = request.start_interval
            if grid is None and request.response_format != "periods":
                grid = DEFAULT_START_INTERVAL
            _check_place(check, "choice", times, duration, request.query_union, grid)
    participants = _read_participants(
        check, choice.get("participants"), "choice.participants", request.participants
    )
    if times is None or participants is None or event_id is None:
        return None
    return _Event(event_id, times[0], times[1], participants)


def _read_step(
    check: Checker,
    request: SequenceRequest,
    path: str,
    obj: JsonObject,
    steps: dict[str, SequenceStep],
    seen: set[str],
) -> _Event | None:
    sequence_id = None
    id_path = key_path(path, "sequence_id")
    if obj.get("sequence_id") is None:
        check.fail(id_path, "required", "required")
    else:
        sequence_id = as_string(check, obj["sequence_id"], id_path)
    step = None
    if sequence_id is not None:
        step = steps.get(sequence_id)
        if step is None:
            check.fail(id_path, "invalid_value", "no step of the request has this sequence_id")
        elif sequence_id in seen:
            check.fail(id_path, "duplicate", "this step is already chosen")
            step = None
        elif (problem := event_id_problem(sequence_id)) is not None:
            check.fail(id_path, "invalid_value", f"cannot be an event id: {problem}")
        seen.add(sequence_id)
    times = _read_times(check, obj, path)
    if step is None or times is None:
        return None
    _check_place(
        check, path, times, step.required_duration, request.query_union, step.start_interval
    )
    participants = _read_participants(
        check, obj.get("participants"), key_path(path, "participants"), step.participants
    )
    if participants is None:
        return None
    return _Event(step.sequence_id, times[0], times[1], participants)


def _check_gaps(
    check: Checker, request: SequenceRequest, events: dict[str, tuple[str, _Event]]
) -> None:
    """Consecutive steps (in running order) must be as far apart as their buffers say."""
    ordered = [request.steps[index] for index in running_order(request.steps)]
    for previous, following in pairwise(ordered):
        _, before = events[previous.sequence_id]
        path, after = events[following.sequence_id]
        minimum, maximum = gap_between(previous, following)
        gap = after.start - before.end
        if gap < minimum or (maximum is not None and gap > maximum):
            most = f" and at most {_minutes(maximum)}" if maximum is not None else ""
            check.fail(
                key_path(path, "start"),
                "invalid_value",
                f"must start at least {_minutes(minimum)}{most} after "
                f"'{previous.sequence_id}' ends",
            )


def _read_option(
    check: Checker, request: SequenceRequest, choice: JsonObject
) -> list[_Event] | None:
    check.check_keys(choice, ("sequence",), "choice")
    items = as_list(check, choice["sequence"], "choice.sequence")
    if items is None:
        return None
    steps = {step.sequence_id: step for step in request.steps}
    seen: set[str] = set()
    events: dict[str, tuple[str, _Event]] = {}
    complete = True
    for path, obj in objects_in_list(check, items, "choice.sequence", _STEP_KEYS):
        event = _read_step(check, request, path, obj, steps, seen)
        if event is None:
            complete = False
        else:
            events[event.event_id] = (path, event)
    missing = [sequence_id for sequence_id in steps if sequence_id not in seen]
    if missing:
        check.fail("choice.sequence", "too_few", f"misses the steps {', '.join(missing)}")
    if not complete or missing or len(events) != len(items):
        return None
    _check_gaps(check, request, events)
    return [events[step.sequence_id][1] for step in request.steps]


def _check_request(
    request: AvailabilityRequest | SequenceStep, start: int, excluded: ExcludedEvents
) -> AvailabilityRequest:
    """The request that asks exactly whether ``start`` is still available."""
    if isinstance(request, AvailabilityRequest):
        return replace(
            request,
            query_periods=None,
            query_slots=(start,),
            response_format="overlapping_slots",
            start_interval=None,
            include_member_statuses=False,
            excluded_events=excluded,
        )
    return AvailabilityRequest(
        participants=request.participants,
        required_duration=request.required_duration,
        query_slots=(start,),
        buffer=calendar_buffer(request),
        response_format="overlapping_slots",
        excluded_events=excluded,
    )


def read_choice(
    request: AvailabilityRequest | SequenceRequest,
    choice: JsonObject,
    *,
    event_id: str | None,
    warn: Warn,
) -> tuple[ChosenEvent, ...]:
    """The events a choice books, in request order (a sequence's in its steps' order).

    Raises ``InvalidRequest`` when the choice is not an answer to ``request`` (every
    problem at once), ``UsageError`` for ``event_id`` given with a sequence option (its
    steps' ``sequence_id`` name the events).
    """
    check = Checker(now=0, store=None, strict=False, warn=warn)
    sequence = isinstance(request, SequenceRequest)
    read: list[_Event] | None = None
    if sequence and event_id is not None:
        raise UsageError("--event-id is for a slot: a sequence's events are its sequence_ids")
    if _refuse_other_shapes(check, choice, sequence=sequence):
        if isinstance(request, SequenceRequest):
            read = _read_option(check, request, choice)
        else:
            slot = _read_slot(check, request, choice, event_id)
            read = None if slot is None else [slot]
    check.finish()
    assert read is not None  # the checker raised otherwise
    booked = frozenset(event.event_id for event in read)
    excluded = replace(
        request.excluded_events, event_ids=request.excluded_events.event_ids | booked
    )
    sources: list[AvailabilityRequest | SequenceStep]
    if isinstance(request, SequenceRequest):
        by_id = {step.sequence_id: step for step in request.steps}
        sources = [by_id[event.event_id] for event in read]
    else:
        sources = [request]
    return tuple(
        ChosenEvent(
            event_id=event.event_id,
            start=event.start,
            end=event.end,
            participants=event.participants,
            check=_check_request(source, event.start, excluded),
        )
        for event, source in zip(read, sources, strict=True)
    )


__all__ = ["ChosenEvent", "read_choice"]
