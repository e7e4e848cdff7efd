"""Small stores and requests for the booking tests: a few accounts, each with one work
calendar holding one meeting (12:00-13:00Z on 2027-04-22), people with e-mail addresses
and a room without."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

NOW = "2027-04-01T00:00:00Z"
DAY = "2027-04-22"
PEOPLE = ("acc_ann", "acc_ben", "acc_cat", "acc_dan")
ROOM = "res_room"
ACCOUNTS = (*PEOPLE, ROOM)

WORK_CALENDAR = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:lunch-{sub}\r
DTSTAMP:20270301T000000Z\r
DTSTART:20270422T120000Z\r
DTEND:20270422T130000Z\r
SUMMARY:Lunch\r
END:VEVENT\r
END:VCALENDAR\r
"""


def email_of(sub: str) -> str:
    return f"{sub.removeprefix('acc_')}@example.com"


def make_store(root: Path, accounts: tuple[str, ...] = ACCOUNTS) -> Path:
    """A store at ``root`` (created) with ``accounts``; returns ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for sub in accounts:
        folder = root / sub
        folder.mkdir()
        settings: dict[str, Any] = {"tzid": "Europe/London"}
        if sub.startswith("acc_"):
            settings["emails"] = [email_of(sub)]
            settings["name"] = sub.removeprefix("acc_").title()
        (folder / "account.json").write_text(json.dumps(settings))
        (folder / "work.ics").write_bytes(WORK_CALENDAR.format(sub=sub).encode())
    return root


def at(clock: str) -> str:
    """``HH:MM`` on the test day, as a Time."""
    return f"{DAY}T{clock}:00Z"


def slot_request(
    subs: tuple[str, ...] = ACCOUNTS,
    *,
    minutes: int = 60,
    response_format: str = "slots",
    **extra: Any,
) -> dict[str, Any]:
    """Everyone in one group (required all), 09:00-17:00 on the test day."""
    return {
        "participants": [{"members": [{"sub": sub} for sub in subs], "required": "all"}],
        "required_duration": {"minutes": minutes},
        "query_periods": [{"start": at("09:00"), "end": at("17:00")}],
        "response_format": response_format,
        **extra,
    }


def loop_request(**extra: Any) -> dict[str, Any]:
    """Two steps: Ann alone, then Ben with the room, 15 to 60 minutes later."""
    return {
        "query_periods": [{"start": at("09:00"), "end": at("17:00")}],
        "sequence": [
            {
                "sequence_id": "loop-1",
                "ordinal": 1,
                "participants": [{"members": [{"sub": "acc_ann"}], "required": "all"}],
                "required_duration": {"minutes": 45},
            },
            {
                "sequence_id": "loop-2",
                "ordinal": 2,
                "participants": [
                    {"members": [{"sub": "acc_ben"}, {"sub": ROOM}], "required": "all"}
                ],
                "required_duration": {"minutes": 30},
                "buffer": {"before": {"minimum": {"minutes": 15}, "maximum": {"minutes": 60}}},
            },
        ],
        **extra,
    }


def slot(start: str, end: str, subs: tuple[str, ...] = ACCOUNTS) -> dict[str, Any]:
    return {"start": at(start), "end": at(end), "participants": [{"sub": s} for s in subs]}


def booking_file(root: Path, sub: str, calendar_id: str = "cronoslot") -> Path:
    return root / sub / f"{calendar_id}.ics"
