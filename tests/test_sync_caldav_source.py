"""CalDAV objects written as one VCALENDAR, and the snapshot kept beside the sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cronoslot.book.events import is_booking_calendar
from cronoslot.ical.text import split_calendar_text
from cronoslot.sync.caldav_source import Snapshot, merge_objects, read_snapshot, write_snapshot

ZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
    "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
)


def obj(uid: str, tzid: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        + ZONE.format(tzid=tzid)
        + f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART;TZID={tzid}:20270422T100000\r\n"
        "DESCRIPTION:a long line that was folded at seventy-five octets by the se\r\n rver\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def test_one_vcalendar_with_each_vtimezone_once() -> None:
    objects = {
        "/c/b.ics": obj("b", "Zone/One"),
        "/c/a.ics": obj("a", "Zone/One"),
        "/c/c.ics": obj("c", "Zone/Two"),
        "/c/bad.ics": "<html>not a calendar</html>",
    }
    data, left_out = merge_objects(objects)
    assert left_out == 1
    split = split_calendar_text(data.decode())
    [calendar] = split.calendars
    names = [component.name for component in calendar.components]
    assert names == ["VTIMEZONE", "VTIMEZONE", "VEVENT", "VEVENT", "VEVENT"]
    assert [c.uid for c in calendar.components if c.name == "VEVENT"] == ["a", "b", "c"]
    assert "by the server" in data.decode()
    assert merge_objects(dict(reversed(objects.items())))[0] == data  # order-independent


def test_snapshot_round_trip_and_another_url(tmp_path: Path) -> None:
    snapshot = Snapshot("abcd1234", "token-1", {"/c/a.ics": obj("a", "Z")})
    write_snapshot(tmp_path, "team", snapshot)
    assert read_snapshot(tmp_path, "team", "abcd1234") == snapshot
    assert read_snapshot(tmp_path, "team", "ffff0000") is None
    assert read_snapshot(tmp_path, "other", "abcd1234") is None


def test_etags_round_trip_and_a_snapshot_without_them_lists_everything_again(
    tmp_path: Path,
) -> None:
    objects = {"/c/a.ics": obj("a", "Z"), "/c/b.ics": obj("b", "Z")}
    snapshot = Snapshot("abcd1234", "token-1", objects, {"/c/a.ics": '"e-a"'})
    write_snapshot(tmp_path, "team", snapshot)
    assert read_snapshot(tmp_path, "team", "abcd1234") == snapshot
    path = tmp_path / ".sync" / "team.caldav.json"
    older = json.loads(path.read_text())
    del older["etags"]  # as written before ETags were kept
    path.write_text(json.dumps(older))
    found = read_snapshot(tmp_path, "team", "abcd1234")
    assert found == Snapshot("abcd1234", None, objects, {})


def test_a_booking_calendar_stays_one() -> None:
    objects = {"/c/a.ics": obj("a", "Zone/One")}
    assert not is_booking_calendar(merge_objects(objects)[0].decode())
    marked, _ = merge_objects(objects, booking=True)
    assert is_booking_calendar(marked.decode())
    [calendar] = split_calendar_text(marked.decode()).calendars
    assert [c.name for c in calendar.components] == ["VTIMEZONE", "VEVENT"]


def test_a_password_never_goes_over_plain_http_to_another_host() -> None:
    from cronoslot.sync.caldav_source import fetch_collection
    from cronoslot.sync.feeds import Credentials, FetchError
    from cronoslot.sync.sources import Source, SourceKind

    source = Source("acc_a", "work", "http://calendar.example.com/dav/work/", SourceKind.CALDAV)
    with pytest.raises(FetchError, match="plain http"):
        fetch_collection(source, Credentials("ann", "s3cret"), None, 5.0)
