"""Explanations as short sentences a coordinator can act on (``explain --format text``).

People are named by ``account.json``'s ``name`` (else their ``sub``); times are shown in
``--tz`` (UTC without it), as a clock time on the asked day and with the date otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from ..explain import reasons as why
from ..intervals import Interval
from ..models import BusyInterval
from ..timeutil import get_zone, to_datetime


@dataclass(frozen=True)
class Clock:
    """Shows instants in ``zone``; clock times alone on ``day`` (a local date)."""

    zone: str | None
    day: date | None = None

    def local(self, instant: int) -> datetime:
        moment = to_datetime(instant)
        return moment.astimezone(get_zone(self.zone)) if self.zone else moment

    def date(self, instant: int) -> str:
        local = self.local(instant)
        return f"{local:%a} {local.day} {local:%b %Y}"

    def time(self, instant: int) -> str:
        local = self.local(instant)
        clock = f"{local:%H:%M}" + (f":{local:%S}" if local.second else "")
        if local.date() == self.day:
            return clock
        return f"{local:%a} {local.day} {local:%b} {clock}"

    def span(self, interval: Interval) -> str:
        return f"{self.time(interval[0])}-{self.time(interval[1])}"

    def spans(self, intervals: Iterable[Interval]) -> str:
        return ", ".join(self.span(interval) for interval in intervals) or "none"


def length(seconds: int) -> str:
    """``1h``, ``1h30``, ``45 min``, ``30s``, ``2 days 1h``."""
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day" + ("s" if days > 1 else ""))
    if hours:
        parts.append(f"{hours}h{minutes:02d}" if minutes else f"{hours}h")
    elif minutes:
        parts.append(f"{minutes} min")
    if secs:
        parts.append(f"{secs}s")
    if not parts:
        parts.append("0 min")
    return ("-" if seconds < 0 else "") + " ".join(parts)


def render(explanation: why.Explanation, zone: str | None, *, show_private: bool = False) -> str:
    """The whole explanation as text, one sentence a line."""
    if isinstance(explanation, why.Verdict):
        lines = verdict_lines(explanation, zone, show_private)
    elif isinstance(explanation, why.Diagnosis):
        lines = diagnosis_lines(explanation)
    else:
        lines = sequence_lines(explanation)
    return "\n".join(lines)


# --- the verdict ------------------------------------------------------------------------


def verdict_lines(verdict: why.Verdict, zone: str | None, show_private: bool) -> Iterator[str]:
    clock = Clock(zone, Clock(zone).local(verdict.start).date())
    when = f"{clock.date(verdict.start)} {clock.span((verdict.start, verdict.end))}"
    what = f"{verdict.sequence_id} at {when}" if verdict.sequence_id else when
    zone_name = zone or "UTC"
    if verdict.available:
        yield f"{what} ({zone_name}) is available."
    else:
        yield f"{what} ({zone_name}) is not available."
    for reason in verdict.reasons:
        yield request_reason_line(reason, verdict, clock)
    for number, group in enumerate(verdict.groups, 1):
        size = len(group.members)
        if size == 1:
            needed = "1 member"
        else:
            needed = f"all {size}" if group.required == size else f"{group.required} of {size}"
            needed += " needed"
        state = "satisfied" if group.satisfied else "not satisfied"
        yield f"Group {number} ({needed}): {group.available_count} available, {state}."
        for member in group.members:
            who = member.name or member.sub
            if member.available:
                yield f"  {who} is available."
            for member_reason in member.reasons:
                yield "  " + member_reason_line(who, member_reason, clock, show_private)
    for note in verdict.notes:
        yield note_line(note, clock)


def request_reason_line(reason: why.RequestReason, verdict: why.Verdict, clock: Clock) -> str:
    start = clock.time(verdict.start)
    if isinstance(reason, why.OutsideQueryPeriods):
        interval = clock.span((verdict.start, verdict.end))
        return f"{interval} is outside the query periods (nearest: {clock.spans(reason.nearest)})."
    if isinstance(reason, why.OffGrid):
        nearest = ", ".join(clock.time(t) for t in (reason.earlier, reason.later) if t is not None)
        if reason.step is None:
            return f"{start} is not one of the query slots (nearest: {nearest or 'none'})."
        return f"{start} is not on the {length(reason.step)} grid (nearest starts: {nearest})."
    assert isinstance(reason, why.InThePast)
    return f"{start} is in the past (now is {clock.date(reason.now)} {clock.time(reason.now)})."


def member_reason_line(who: str, reason: why.MemberReason, clock: Clock, show_private: bool) -> str:
    if isinstance(reason, why.Busy):
        return f"{who} is busy: {event_text(reason.event, clock, show_private)}"
    if isinstance(reason, why.BufferReach):
        event = event_text(reason.event, clock, show_private)
        if reason.side == "before":
            where = f"ends {length(reason.gap)} before it" if reason.gap else "ends as it starts"
        else:
            where = f"starts {length(reason.gap)} after it" if reason.gap else "starts as it ends"
        return (
            f"{who} needs {length(reason.buffer)} free {reason.side} the slot: {event} "
            f"{where} ({length(reason.short_by)} short)"
        )
    if isinstance(reason, why.OutsideAvailablePeriods):
        return f"{who} is outside their available periods (nearest: {clock.spans(reason.nearest)})"
    if isinstance(reason, why.OutsideManagedAvailability):
        rules = ", ".join(rule.availability_rule_id for rule in reason.sources.rules) or "none"
        periods = len(reason.sources.periods)
        nearest = ", ".join(
            clock.span(piece) + (f" ({', '.join(sources)})" if sources else "")
            for piece, sources in zip(reason.nearest, reason.nearest_sources, strict=True)
        )
        return (
            f"{who} is outside their managed availability (rules: {rules}; "
            f"available periods: {periods}; nearest: {nearest or 'none'})"
        )
    assert isinstance(reason, why.ConstraintLimit)
    block = reason.block
    constraint = block.constraint
    tagged = f" tagged {', '.join(sorted(constraint.tags))}" if constraint.tags else ""
    if constraint.period == "day":
        where = f"per day ({constraint.tzid or 'UTC'}) on {_day_of(block.span[0], constraint.tzid)}"
    else:
        where = f"per week, in the week of {Clock(None).date(block.span[0])}"
    counted = "; ".join(event_text(event, clock, show_private) for event in block.counted)
    events = "event" if constraint.limit == 1 else "events"
    return f"{who} has reached the limit of {constraint.limit} {events}{tagged} {where}: {counted}"


def _day_of(instant: int, zone: str | None) -> str:
    return Clock(zone).date(instant)


def event_text(event: BusyInterval, clock: Clock, show_private: bool) -> str:
    """``"Roadmap" (work, tentative) 14:00-15:00``."""
    if event.private and not show_private:
        title = "a private event"
    elif event.summary:
        title = f'"{event.summary}"'
    else:
        title = "an event with no summary"
    where = ", ".join(part for part in (event.calendar_id, str(event.transparency)) if part)
    return f"{title} ({where}) {clock.span((event.start, event.end))}"


def note_line(note: why.NotOffered, clock: Clock) -> str:
    offered = "" if note.offered is None else clock.span(note.offered)
    if note.why == "overlaps_offered_slot":
        return (
            f"It works, but the answer offers {offered}, which overlaps it "
            "(slots never overlap; overlapping_slots lists every start)."
        )
    if note.why == "beyond_max_results":
        return "It works, but the answer reaches max_results before it."
    if note.why == "before_grid_start":
        shown = f" (the answer offers {offered})" if offered else ""
        return f"It works, but periods start on the start_interval grid{shown}."
    return "The step works here, but no sequence in the answer uses this start."


# --- diagnoses ----------------------------------------------------------------------------


def diagnosis_lines(diagnosis: why.Diagnosis, indent: str = "") -> Iterator[str]:
    grid = "the query slots" if diagnosis.grid is None else f"a {length(diagnosis.grid)} grid"
    of = f"{length(diagnosis.duration)} long, on {grid}"
    step = f"{diagnosis.sequence_id}: " if diagnosis.sequence_id else ""
    if diagnosis.answers == 0:
        yield f"{indent}{step}No start time works ({of})."
    else:
        works = "start time works" if diagnosis.answers == 1 else "start times work"
        yield (
            f"{indent}{step}{diagnosis.answers} {works} ({of}); "
            f"the answer offers {diagnosis.offered}."
        )
    query = diagnosis.query_seconds
    yield f"{indent}Each member alone, in {length(query)} of query periods:"
    for share in diagnosis.members:
        who = share.name or share.sub
        percent = round(100 * share.available / query) if query else 0
        losses = ", ".join(f"{_LOSS_NAMES[kind]} {length(secs)}" for kind, secs in share.losses)
        yield (
            f"{indent}  {who}: free {length(share.available)} ({percent}%), "
            f"{share.start_times} {_unit('start times', share.start_times)}"
            + (f"; {losses}" if losses else "")
        )
    yield from bottleneck_lines(diagnosis.bottlenecks, "start times", diagnosis.answers, indent)


_LOSS_NAMES = {
    "outside_available_periods": "outside available periods",
    "outside_managed_availability": "outside managed availability",
    "busy": "busy",
    "buffer": "buffers",
    "constraint_limit": "limits reached",
}


def bottleneck_lines(
    bottlenecks: Iterable[why.Bottleneck], unit: str, answers: int, indent: str = ""
) -> Iterator[str]:
    found = list(bottlenecks)
    if not found:
        yield f"{indent}No bottleneck: treating any one member as always available adds no {unit}."
        return
    yield f"{indent}Bottlenecks (each treated as always available):"
    for bottleneck in found:
        who = bottleneck.name or bottleneck.sub
        yield (
            f"{indent}  {who}: {bottleneck.adds} more {_unit(unit, bottleneck.adds)} "
            f"({bottleneck.answers_without} instead of {answers})"
        )


def _unit(unit: str, count: int) -> str:
    """``start times``/``sequences`` in the singular for one."""
    if count != 1:
        return unit
    return unit.removesuffix("s")


def sequence_lines(diagnosis: why.SequenceDiagnosis) -> Iterator[str]:
    counts = ", ".join(f"{sequence_id} {count}" for sequence_id, count in diagnosis.steps)
    if diagnosis.answers:
        fit = "sequence fits" if diagnosis.answers == 1 else "sequences fit"
        yield f"{diagnosis.answers} {fit}; the answer offers {diagnosis.offered}."
    else:
        yield "No sequence fits."
    yield f"Feasible starts per step: {counts}."
    if diagnosis.blocked is not None:
        yield f"{diagnosis.blocked.sequence_id} has no feasible start:"
        yield from diagnosis_lines(diagnosis.blocked, indent="  ")
    gap = diagnosis.gap
    if gap is not None:
        allowed = length(gap.minimum) + (
            f" to {length(gap.maximum)}" if gap.maximum is not None else " or more"
        )
        closest = "" if gap.closest is None else f" (the closest is {length(gap.closest)})"
        yield (
            f"Every step has feasible starts, but no {gap.before} start comes {allowed} after "
            f"the end of a reachable {gap.after}{closest}."
        )
    yield from bottleneck_lines(diagnosis.bottlenecks, "sequences", diagnosis.answers)
