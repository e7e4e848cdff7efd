"""Answers -> the API's response JSON. The only module that writes response dicts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..models import AvailabilityResult, BusyInterval, SequenceResult, Slot
from ..timeutil import format_time


def _participants(subs: Iterable[str]) -> list[dict[str, str]]:
    return [{"sub": sub} for sub in subs]


def _slot(slot: Slot) -> dict[str, Any]:
    return {
        "start": format_time(slot.start),
        "end": format_time(slot.end),
        "participants": _participants(slot.participants),
    }


def availability_json(result: AvailabilityResult) -> dict[str, Any]:
    """``available_periods`` for the periods format, ``available_slots`` otherwise."""
    key = "available_periods" if result.format == "periods" else "available_slots"
    body: dict[str, Any] = {key: [_slot(slot) for slot in result.slots]}
    if result.member_statuses is not None:
        body["member_statuses"] = [
            {"sub": status.sub, "sync_status": str(status.sync_status)}
            for status in result.member_statuses
        ]
    return body


def sequence_json(result: SequenceResult) -> dict[str, Any]:
    return {
        "sequences": [
            {
                "sequence": [
                    {
                        "sequence_id": step.sequence_id,
                        "start": format_time(step.start),
                        "end": format_time(step.end),
                        "participants": _participants(step.participants),
                    }
                    for step in option
                ]
            }
            for option in result.sequences
        ]
    }


def busy_json(
    sub: str, intervals: Iterable[BusyInterval], *, show_private: bool = False
) -> dict[str, Any]:
    """What the loader made of an account (``cronoslot busy``)."""
    return {"sub": sub, "busy": [event_json(busy, show_private) for busy in intervals]}


def event_json(busy: BusyInterval, show_private: bool = False) -> dict[str, Any]:
    """One busy interval with its identity; a private event's summary is null unless
    ``show_private``."""
    return {
        "start": format_time(busy.start),
        "end": format_time(busy.end),
        "transparency": str(busy.transparency),
        "calendar_id": busy.calendar_id,
        "event_uid": busy.event_uid,
        "event_id": busy.event_id,
        "tags": sorted(busy.tags),
        "summary": None if busy.private and not show_private else busy.summary,
    }
