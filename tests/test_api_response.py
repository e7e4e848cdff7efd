from __future__ import annotations

from cronoslot.api.response import availability_json, busy_json, sequence_json
from cronoslot.models import (
    AvailabilityResult,
    BusyInterval,
    MemberStatus,
    SequenceResult,
    SequenceStepResult,
    Slot,
    SyncStatus,
    Transparency,
)
from cronoslot.timeutil import parse_time

T9 = parse_time("2027-04-22T09:00:00Z")


def test_periods_use_available_periods_key() -> None:
    result = AvailabilityResult("periods", (Slot(T9, T9 + 3600, ("a", "b")),))
    assert availability_json(result) == {
        "available_periods": [
            {
                "start": "2027-04-22T09:00:00Z",
                "end": "2027-04-22T10:00:00Z",
                "participants": [{"sub": "a"}, {"sub": "b"}],
            }
        ]
    }


def test_slots_use_available_slots_key_and_member_statuses() -> None:
    result = AvailabilityResult(
        "overlapping_slots",
        (Slot(T9 + 30, T9 + 90, ("a",)),),
        (MemberStatus("a", SyncStatus.ACTIVE), MemberStatus("b", SyncStatus.PENDING)),
    )
    body = availability_json(result)
    assert body["available_slots"][0]["start"] == "2027-04-22T09:00:30Z"
    assert body["member_statuses"] == [
        {"sub": "a", "sync_status": "active"},
        {"sub": "b", "sync_status": "pending"},
    ]


def test_empty_answer_still_has_its_key() -> None:
    assert availability_json(AvailabilityResult("slots", ())) == {"available_slots": []}


def test_sequence_json_shape() -> None:
    step = SequenceStepResult("123", T9, T9 + 3600, ("a",))
    assert sequence_json(SequenceResult(((step,),))) == {
        "sequences": [
            {
                "sequence": [
                    {
                        "sequence_id": "123",
                        "start": "2027-04-22T09:00:00Z",
                        "end": "2027-04-22T10:00:00Z",
                        "participants": [{"sub": "a"}],
                    }
                ]
            }
        ]
    }


def test_busy_json_hides_private_summaries_unless_asked() -> None:
    busy = BusyInterval(
        T9,
        T9 + 60,
        Transparency.TENTATIVE,
        "work",
        "uid-1",
        None,
        frozenset({"B", "A"}),
        "Dentist",
        True,
    )
    hidden = busy_json("acc", [busy])["busy"][0]
    assert hidden == {
        "start": "2027-04-22T09:00:00Z",
        "end": "2027-04-22T09:01:00Z",
        "transparency": "tentative",
        "calendar_id": "work",
        "event_uid": "uid-1",
        "event_id": None,
        "tags": ["A", "B"],
        "summary": None,
    }
    assert busy_json("acc", [busy], show_private=True)["busy"][0]["summary"] == "Dentist"
