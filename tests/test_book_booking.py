"""Booking through the session: the round trip, reschedules, conflicts, all-or-nothing,
files cronoslot did not create, and the bytes around the events."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import icalendar
import pytest

import cronoslot
from cronoslot.book.booking import Booker, BookingOptions
from cronoslot.book.journal import JOURNAL_NAME, write_calendar
from cronoslot.timeutil import parse_time

from .booking_store import (
    ACCOUNTS,
    NOW,
    PEOPLE,
    ROOM,
    at,
    booking_file,
    loop_request,
    make_store,
    slot,
    slot_request,
)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return make_store(tmp_path / "store")


@pytest.fixture
def cal(store: Path) -> Iterator[cronoslot.Session]:
    with cronoslot.open(store, now=NOW, cache=False) as session:
        yield session


def events_in(path: Path) -> list[Any]:
    """The VEVENTs of a booking calendar, parsed by icalendar ([] when it does not exist)."""
    if not path.exists():
        return []
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return list(calendar.walk("VEVENT"))


def starts(cal: cronoslot.Session, request: dict[str, Any]) -> list[str]:
    return [s["start"] for s in cal.availability(request)["available_slots"]]


def snapshot(store: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(store)): path.read_bytes()
        for path in sorted(store.rglob("*"))
        if path.is_file()
    }


def test_the_round_trip(cal: cronoslot.Session, store: Path) -> None:
    request = slot_request()
    assert starts(cal, request)[0] == at("09:00")

    answer = cal.book(request, slot("09:00", "10:00"), event_id="call")
    (booked,) = answer["booked"]
    assert booked["event_id"] == "call"
    assert (booked["start"], booked["end"]) == (at("09:00"), at("10:00"))
    assert booked["subs"] == list(ACCOUNTS)
    for sub in ACCOUNTS:
        (event,) = events_in(booking_file(store, sub))
        assert str(event["X-CRONOSLOT-EVENT-ID"]) == "call"
        assert str(event["UID"]) == booked["event_uid"]
        assert event["SEQUENCE"] == 0
        assert str(event["STATUS"]) == "CONFIRMED"

    # The slot is taken; excluding the booking offers it again.
    assert at("09:00") not in starts(cal, request)
    excluded = slot_request(excluded_events=[{"event_id": "call"}])
    assert at("09:00") in starts(cal, excluded)

    # Booking the id again at another time moves it, everywhere.
    cal.book(request, slot("14:00", "15:00"), event_id="call")
    for sub in ACCOUNTS:
        (event,) = events_in(booking_file(store, sub))
        assert event["DTSTART"].dt.isoformat() == "2027-04-22T14:00:00+00:00"
        assert event["SEQUENCE"] == 1
    assert at("09:00") in starts(cal, request)
    assert at("14:00") not in starts(cal, request)

    seen = cal.busy("acc_ann", at("00:00"), at("23:00"))["busy"]
    mine = [b for b in seen if b["calendar_id"] == "cronoslot"]
    assert [(b["event_id"], b["start"]) for b in mine] == [("call", at("14:00"))]

    cancelled = cal.cancel("call")["cancelled"]
    assert [(c["event_id"], c["start"], c["subs"]) for c in cancelled] == [
        ("call", at("14:00"), list(ACCOUNTS))
    ]
    assert all(events_in(booking_file(store, sub)) == [] for sub in ACCOUNTS)
    assert at("14:00") in starts(cal, request)


def test_a_sequence_books_one_event_per_step_for_its_participants(
    cal: cronoslot.Session, store: Path
) -> None:
    option = cal.sequence(loop_request())["sequences"][0]
    booked = cal.book(loop_request(), option)["booked"]
    assert [(b["event_id"], b["subs"]) for b in booked] == [
        ("loop-1", ["acc_ann"]),
        ("loop-2", ["acc_ben", ROOM]),
    ]
    assert [str(e["X-CRONOSLOT-EVENT-ID"]) for e in events_in(booking_file(store, "acc_ann"))] == [
        "loop-1"
    ]
    for sub in ("acc_ben", ROOM):
        (event,) = events_in(booking_file(store, sub))
        assert str(event["X-CRONOSLOT-EVENT-ID"]) == "loop-2"
    assert not booking_file(store, "acc_cat").exists()
    # The same loop is not offered again.
    again = cal.sequence(loop_request())["sequences"]
    assert option not in again


def test_attendees_organizer_and_texts(cal: cronoslot.Session, store: Path) -> None:
    cal.book(
        slot_request(),
        slot("09:00", "10:00"),
        event_id="call",
        summary="Kick-off; phase 1, \\ all",
        description="Line one\nline two",
        organizer="Boss@Example.com",
    )
    (event,) = events_in(booking_file(store, "acc_ann"))
    assert str(event["SUMMARY"]) == "Kick-off; phase 1, \\ all"
    assert str(event["DESCRIPTION"]) == "Line one\nline two"
    assert str(event["ORGANIZER"]) == "mailto:boss@example.com"
    attendees = sorted(str(a) for a in event["ATTENDEE"])
    # The room has no e-mail: it holds the event, but is no attendee.
    assert attendees == sorted(f"mailto:{s.removeprefix('acc_')}@example.com" for s in PEOPLE)
    assert all(a.params["RSVP"] == "TRUE" for a in event["ATTENDEE"])
    assert event["DTSTART"].dt.utcoffset().total_seconds() == 0


def test_a_reschedule_keeps_what_it_is_not_given(cal: cronoslot.Session, store: Path) -> None:
    request = slot_request()
    cal.book(request, slot("09:00", "10:00"), event_id="call", summary="Call", organizer="o@x.org")
    cal.book(request, slot("10:00", "11:00"), event_id="call")
    (event,) = events_in(booking_file(store, "acc_ann"))
    assert (str(event["SUMMARY"]), str(event["ORGANIZER"])) == ("Call", "mailto:o@x.org")
    cal.book(request, slot("10:00", "11:00"), event_id="call", summary="Renamed")
    (event,) = events_in(booking_file(store, "acc_ann"))
    assert str(event["SUMMARY"]) == "Renamed"
    assert event["SEQUENCE"] == 2


def test_a_reschedule_leaves_accounts_no_longer_in_the_choice(
    cal: cronoslot.Session, store: Path
) -> None:
    cal.book(slot_request(), slot("09:00", "10:00"), event_id="call")
    fewer = ("acc_ann", ROOM)
    cal.book(slot_request(fewer), slot("09:00", "10:00", fewer), event_id="call")
    for sub in ACCOUNTS:
        held = [str(e["X-CRONOSLOT-EVENT-ID"]) for e in events_in(booking_file(store, sub))]
        assert held == (["call"] if sub in fewer else []), sub
    assert at("09:00") in starts(cal, slot_request(("acc_ben", "acc_cat")))


def test_booking_the_same_choice_twice_changes_nothing(cal: cronoslot.Session, store: Path) -> None:
    cal.book(slot_request(), slot("09:00", "10:00"), event_id="call")
    before = snapshot(store)
    answer = cal.book(slot_request(), slot("09:00", "10:00"), event_id="call")
    assert answer["booked"][0]["start"] == at("09:00")
    assert snapshot(store) == before


def test_a_taken_time_is_a_conflict_and_nothing_is_written(
    cal: cronoslot.Session, store: Path
) -> None:
    cal.book(slot_request(), slot("09:00", "10:00"), event_id="first")
    before = snapshot(store)
    with pytest.raises(cronoslot.BookingConflict) as caught:
        cal.book(slot_request(), slot("09:00", "10:00"), event_id="second")
    assert caught.value.exit_code == cronoslot.ExitCode.CONFLICT == 5
    assert "'second'" in str(caught.value)
    # Busy in a calendar of its own (lunch) is a conflict too.
    with pytest.raises(cronoslot.BookingConflict):
        cal.book(slot_request(), slot("12:00", "13:00"), event_id="third")
    assert snapshot(store) == before


def test_the_booking_calendars_guard_requests_that_do_not_read_them(
    cal: cronoslot.Session, store: Path
) -> None:
    # The request reads only the work calendars, so its own answer ignores bookings...
    request = slot_request()
    for member in request["participants"][0]["members"]:
        member["calendar_ids"] = ["work"]
    cal.book(request, slot("09:00", "10:00"), event_id="first")
    assert at("09:00") in starts(cal, request)
    # ...but book still refuses to double-book anyone.
    with pytest.raises(cronoslot.BookingConflict, match="acc_ann"):
        cal.book(request, slot("09:00", "10:00"), event_id="second")


def test_a_calendar_cronoslot_did_not_create_is_never_rewritten(
    cal: cronoslot.Session, store: Path
) -> None:
    foreign = booking_file(store, "acc_cat")
    foreign.write_bytes((store / "acc_cat" / "work.ics").read_bytes())
    before = snapshot(store)
    with pytest.raises(cronoslot.CalendarDataError) as caught:
        cal.book(slot_request(), slot("09:00", "10:00"), event_id="call")
    assert caught.value.path == foreign
    assert "not created by cronoslot" in str(caught.value)
    assert snapshot(store) == before
    # Another booking calendar is fine.
    cal.book(slot_request(), slot("09:00", "10:00"), event_id="call", calendar_id="bookings")
    assert events_in(booking_file(store, "acc_cat", "bookings"))


def test_other_bytes_of_a_booking_calendar_stay_as_they_were(
    cal: cronoslot.Session, store: Path
) -> None:
    cal.book(slot_request(), slot("09:00", "10:00"), event_id="first")
    path = booking_file(store, "acc_ann")
    made = path.read_bytes()
    # A person adds an event of their own, with LF line breaks, a folded line and a byte
    # that is not UTF-8.
    own = (
        b"BEGIN:VEVENT\nUID:mine\nDTSTAMP:20270301T000000Z\nDTSTART:20270423T090000Z\n"
        b"DTEND:20270423T100000Z\nSUMMARY:Dentist \xe9\nX-NOTE:a long line\n  folded here\n"
        b"END:VEVENT\n"
    )
    edited = made.replace(b"END:VCALENDAR", own + b"END:VCALENDAR")
    path.write_bytes(edited)
    cal.book(slot_request(), slot("10:00", "11:00"), event_id="second")
    cal.cancel("first")
    cal.book(slot_request(), slot("14:00", "15:00"), event_id="second")
    cal.cancel("second")
    assert path.read_bytes() == edited.replace(_block(made, b"first"), b"")


def _block(text: bytes, event_id: bytes) -> bytes:
    start = text.index(b"BEGIN:VEVENT")
    end = text.index(b"END:VEVENT\r\n") + len(b"END:VEVENT\r\n")
    assert b"X-CRONOSLOT-EVENT-ID:" + event_id in text[start:end]
    return text[start:end]


class FailingWriter:
    """Writes files as booking does, but fails on the ``fail_at``-th file."""

    def __init__(self, fail_at: int) -> None:
        self.fail_at = fail_at
        self.calls = 0

    def __call__(self, path: Path, data: bytes) -> None:
        self.calls += 1
        if self.calls == self.fail_at:
            raise OSError(28, "No space left on device")
        write_calendar(path, data)


@pytest.mark.parametrize("first_booking", [True, False])
def test_a_failed_write_restores_the_files_already_written(
    cal: cronoslot.Session, store: Path, first_booking: bool
) -> None:
    if not first_booking:
        cal.book(slot_request(), slot("09:00", "10:00"), event_id="call")
    before = snapshot(store)
    writer = FailingWriter(fail_at=3)
    booker = Booker(cal, now=parse_time(NOW), note=print, write=writer)
    with pytest.raises(OSError, match="No space"):
        booker.book(slot_request(), slot("14:00", "15:00"), BookingOptions(event_id="call"))
    assert writer.calls == 3
    assert snapshot(store) == before
    assert not (store / JOURNAL_NAME).exists()


def test_a_dry_run_writes_nothing(cal: cronoslot.Session, store: Path) -> None:
    before = snapshot(store)
    answer = cal.book(slot_request(), slot("09:00", "10:00"), event_id="call", dry_run=True)
    assert answer["dry_run"] is True
    assert answer["booked"][0]["subs"] == list(ACCOUNTS)
    assert snapshot(store) == before


def test_a_query_right_after_a_booking_sees_it_through_the_cache(
    store: Path, tmp_path: Path
) -> None:
    with cronoslot.open(store, now=NOW, cache=tmp_path / "cache") as cal:
        request = slot_request()
        cal.book(request, slot("09:00", "10:00"), event_id="call")
        assert at("09:00") not in starts(cal, request)
        size = booking_file(store, "acc_ann").stat().st_size
        # Moved within the cache's settling time, to a file of the very same size.
        cal.book(request, slot("10:00", "11:00"), event_id="call")
        assert booking_file(store, "acc_ann").stat().st_size == size
        assert at("09:00") in starts(cal, request)
        assert at("10:00") not in starts(cal, request)
        cal.cancel("call")
        assert at("10:00") in starts(cal, request)


def test_an_interrupted_booking_is_rolled_back_by_the_next_query(
    cal: cronoslot.Session, store: Path
) -> None:
    from cronoslot.book import journal

    cal.book(slot_request(), slot("09:00", "10:00"), event_id="call")
    before = snapshot(store)
    # A booking that moves the event, killed after its second file.
    paths = [booking_file(store, sub) for sub in ACCOUNTS]
    moved = [p.read_bytes().replace(b"T090000Z", b"T140000Z") for p in paths]
    changes = [
        journal.FileChange(p, p.read_bytes(), after) for p, after in zip(paths, moved, strict=True)
    ]
    journal.begin(store, changes)
    for change in changes[:2]:
        write_calendar(change.path, change.after)

    assert at("09:00") not in starts(cal, slot_request())
    assert snapshot(store) == before
    assert any("interrupted booking" in w for w in cal.warnings)


def test_not_an_answer_is_an_invalid_request(cal: cronoslot.Session, store: Path) -> None:
    with pytest.raises(cronoslot.InvalidRequest) as caught:
        cal.book(slot_request(), slot("09:00", "09:30"))
    assert set(caught.value.errors) == {"event_id", "choice.end"}
    with pytest.raises(cronoslot.InvalidRequest) as caught:
        cal.book(slot_request(), "not json", event_id="x")
    assert caught.value.errors["choice"][0]["key"] == "errors.invalid_json"
    with pytest.raises(cronoslot.InvalidRequest) as caught:
        cal.book({"participants": []}, slot("09:00", "10:00"), event_id="x")
    assert "participants" in caught.value.errors
    with pytest.raises(cronoslot.InvalidRequest) as caught:
        cal.cancel("nothing-booked")
    assert caught.value.errors["event_id"][0]["key"] == "errors.unknown_event"
    assert not any(booking_file(store, sub).exists() for sub in ACCOUNTS)


def test_usage_errors(cal: cronoslot.Session, tmp_path: Path) -> None:
    with pytest.raises(cronoslot.UsageError, match="organizer"):
        cal.book(slot_request(), slot("09:00", "10:00"), event_id="x", invite_dir=tmp_path / "i")
    with pytest.raises(cronoslot.UsageError, match="e-mail"):
        cal.book(slot_request(), slot("09:00", "10:00"), event_id="x", organizer="nobody")
    with pytest.raises(cronoslot.UsageError, match="calendar id"):
        cal.book(slot_request(), slot("09:00", "10:00"), event_id="x", calendar_id="../etc")
    with pytest.raises(cronoslot.UsageError, match="sequence_id"):
        cal.book(loop_request(), {"sequence": []}, event_id="x")


def test_invitations_are_written_for_every_event(cal: cronoslot.Session, tmp_path: Path) -> None:
    invites = tmp_path / "invites"
    option = cal.sequence(loop_request())["sequences"][0]
    answer = cal.book(loop_request(), option, organizer="hr@example.com", invite_dir=invites)
    assert sorted(Path(p).name for p in answer["invites"]) == ["loop-1.ics", "loop-2.ics"]
    request = icalendar.Calendar.from_ical((invites / "loop-2.ics").read_bytes())
    assert str(request["METHOD"]) == "REQUEST"
    (event,) = request.walk("VEVENT")
    assert str(event["UID"]) == answer["booked"][1]["event_uid"]
    assert str(event["ATTENDEE"]) == "mailto:ben@example.com"  # the room has no e-mail

    cancelled = cal.cancel("loop-2", invite_dir=invites)
    assert cancelled["invites"] == [str(invites / "loop-2.ics")]
    message = icalendar.Calendar.from_ical((invites / "loop-2.ics").read_bytes())
    assert str(message["METHOD"]) == "CANCEL"
    (event,) = message.walk("VEVENT")
    assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CANCELLED", 1)
    assert str(event["UID"]) == answer["booked"][1]["event_uid"]


def test_event_ids_of_any_text_round_trip_through_the_loader(
    cal: cronoslot.Session, store: Path
) -> None:
    event_id = 'odd id: a,b;c "quoted" \\ back — ünïcødé ' + "x" * 90
    request = slot_request(("acc_ann",))
    cal.book(request, slot("09:00", "10:00", ("acc_ann",)), event_id=event_id)
    seen = cal.busy("acc_ann", at("00:00"), at("23:00"))["busy"]
    assert [b["event_id"] for b in seen if b["calendar_id"] == "cronoslot"] == [event_id]
    assert at("09:00") in starts(cal, {**request, "excluded_events": [{"event_id": event_id}]})
    cal.cancel(event_id)
    assert json.dumps(events_in(booking_file(store, "acc_ann"))) == "[]"
    with pytest.raises(cronoslot.InvalidRequest):
        cal.book(request, slot("09:00", "10:00", ("acc_ann",)), event_id="two\nlines")


def test_a_max_age_does_not_make_booking_calendars_stale(
    cal: cronoslot.Session, store: Path
) -> None:
    # --max-age ages hand-made files by their modification time; cronoslot's own booking
    # calendar is as fresh as its last booking, however long ago that was.
    cal.book(slot_request(), slot("09:00", "10:00"), event_id="call")
    long_ago = parse_time("2026-01-01T00:00:00Z")
    for sub in ACCOUNTS:
        for name in ("work.ics", "cronoslot.ics"):
            os.utime(store / sub / name, (long_ago, long_ago))
    request = slot_request(include_member_statuses=True)
    with cronoslot.open(store, now=NOW, cache=False, max_age="24h") as aged:
        statuses = aged.availability(request)["member_statuses"]
        warned = aged.warnings
    assert {status["sync_status"] for status in statuses} == {"disconnected"}  # work.ics
    assert any("/work: its file is" in message for message in warned)
    assert not any("/cronoslot:" in message for message in warned)
    for sub in ACCOUNTS:
        (store / sub / "work.ics").unlink()  # only the booking calendar is left
    with cronoslot.open(store, now=NOW, cache=False, max_age="24h") as aged:
        statuses = aged.availability(request)["member_statuses"]
        assert aged.warnings == ()
    assert {status["sync_status"] for status in statuses} == {"active"}
