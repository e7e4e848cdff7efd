"""Explanations -> JSON with stable keys (README, "Why not? cronoslot explain"). The only
module that writes explanation dicts. Times are ``...Z``; lengths are whole seconds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..api.response import event_json
from ..intervals import Interval
from ..timeutil import format_time
from .reasons import (
    Bottleneck,
    BufferReach,
    Busy,
    ConstraintLimit,
    Diagnosis,
    Explanation,
    GroupVerdict,
    InThePast,
    NotOffered,
    OffGrid,
    OutsideAvailablePeriods,
    OutsideManagedAvailability,
    OutsideQueryPeriods,
    Reason,
    SequenceDiagnosis,
    Verdict,
)


def explanation_json(explanation: Explanation, *, show_private: bool = False) -> dict[str, Any]:
    """The JSON of a verdict, a diagnosis or a sequence diagnosis; summaries of private
    events are null unless ``show_private``."""
    if isinstance(explanation, Verdict):
        return verdict_json(explanation, show_private=show_private)
    if isinstance(explanation, Diagnosis):
        return diagnosis_json(explanation)
    return sequence_diagnosis_json(explanation)


def verdict_json(verdict: Verdict, *, show_private: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {"explain": "interval"}
    if verdict.sequence_id is not None:
        body["sequence_id"] = verdict.sequence_id
    body.update(
        {
            "start": format_time(verdict.start),
            "end": format_time(verdict.end),
            "available": verdict.available,
            "participants": None
            if verdict.participants is None
            else [{"sub": sub} for sub in verdict.participants],
            "reasons": [reason_json(reason, show_private) for reason in verdict.reasons],
            "groups": [_group_json(group, show_private) for group in verdict.groups],
            "notes": [_note_json(note) for note in verdict.notes],
        }
    )
    return body


def _group_json(group: GroupVerdict, show_private: bool) -> dict[str, Any]:
    return {
        "required": group.required,
        "available": group.available_count,
        "satisfied": group.satisfied,
        "members": [
            {
                "sub": member.sub,
                "name": member.name,
                "available": member.available,
                "reasons": [reason_json(reason, show_private) for reason in member.reasons],
            }
            for member in group.members
        ],
    }


def reason_json(reason: Reason, show_private: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {"reason": reason.kind}
    if isinstance(reason, Busy):
        body["event"] = event_json(reason.event, show_private)
    elif isinstance(reason, BufferReach):
        body.update(
            {
                "event": event_json(reason.event, show_private),
                "side": reason.side,
                "buffer_seconds": reason.buffer,
                "gap_seconds": reason.gap,
                "by_seconds": reason.short_by,
            }
        )
    elif isinstance(reason, OutsideAvailablePeriods | OutsideQueryPeriods):
        body["nearest"] = _periods(reason.nearest)
    elif isinstance(reason, OutsideManagedAvailability):
        body.update(
            {
                "availability_rule_ids": [
                    rule.availability_rule_id for rule in reason.sources.rules
                ],
                "available_period_ids": [
                    period.available_period_id for period in reason.sources.periods
                ],
                "nearest": [
                    {**_period(piece), "from": list(sources)}
                    for piece, sources in zip(reason.nearest, reason.nearest_sources, strict=True)
                ],
            }
        )
    elif isinstance(reason, ConstraintLimit):
        block = reason.block
        body.update(
            {
                "period": block.constraint.period,
                "tzid": block.constraint.tzid if block.constraint.period == "day" else None,
                "tags": sorted(block.constraint.tags),
                "limit": block.constraint.limit,
                **_period(block.span),
                "counted": [event_json(event, show_private) for event in block.counted],
            }
        )
    elif isinstance(reason, OffGrid):
        body.update(
            {
                "start_interval_seconds": reason.step,
                "earlier": _time(reason.earlier),
                "later": _time(reason.later),
            }
        )
    elif isinstance(reason, InThePast):
        body["now"] = format_time(reason.now)
    return body


def _note_json(note: NotOffered) -> dict[str, Any]:
    return {
        "note": note.kind,
        "why": note.why,
        "offered": None if note.offered is None else _period(note.offered),
    }


def diagnosis_json(diagnosis: Diagnosis) -> dict[str, Any]:
    body: dict[str, Any] = {"explain": "diagnosis"}
    if diagnosis.sequence_id is not None:
        body["sequence_id"] = diagnosis.sequence_id
    body.update(
        {
            "required_duration_seconds": diagnosis.duration,
            "start_interval_seconds": diagnosis.grid,
            "query_seconds": diagnosis.query_seconds,
            "answers": diagnosis.answers,
            "offered": diagnosis.offered,
            "members": [
                {
                    "group": share.group,
                    "sub": share.sub,
                    "name": share.name,
                    "available_seconds": share.available,
                    "start_times": share.start_times,
                    "losses": dict(share.losses),
                }
                for share in diagnosis.members
            ],
            "bottlenecks": _bottlenecks(diagnosis.bottlenecks),
        }
    )
    return body


def sequence_diagnosis_json(diagnosis: SequenceDiagnosis) -> dict[str, Any]:
    gap = diagnosis.gap
    return {
        "explain": "sequence_diagnosis",
        "answers": diagnosis.answers,
        "offered": diagnosis.offered,
        "steps": [
            {"sequence_id": sequence_id, "feasible_starts": count}
            for sequence_id, count in diagnosis.steps
        ],
        "blocked_step": None if diagnosis.blocked is None else diagnosis_json(diagnosis.blocked),
        "gap": None
        if gap is None
        else {
            "after": gap.after,
            "before": gap.before,
            "minimum_seconds": gap.minimum,
            "maximum_seconds": gap.maximum,
            "closest_seconds": gap.closest,
        },
        "bottlenecks": _bottlenecks(diagnosis.bottlenecks),
    }


def _bottlenecks(bottlenecks: Iterable[Bottleneck]) -> list[dict[str, Any]]:
    return [
        {
            "sub": bottleneck.sub,
            "name": bottleneck.name,
            "answers_without": bottleneck.answers_without,
            "adds": bottleneck.adds,
        }
        for bottleneck in bottlenecks
    ]


def _period(interval: Interval) -> dict[str, str]:
    return {"start": format_time(interval[0]), "end": format_time(interval[1])}


def _periods(intervals: Iterable[Interval]) -> list[dict[str, str]]:
    return [_period(interval) for interval in intervals]


def _time(instant: int | None) -> str | None:
    return None if instant is None else format_time(instant)
