"""Booking calendars that live on a CalDAV server, against a real Radicale server (started
by the tests on a loopback port, no authentication): each booked event is one object on
the server, put with ``If-None-Match: *``, moved with ``If-Match``, deleted with
``If-Match``; a change made on the server behind cronoslot's back makes the next write a
conflict (exit 5) and leaves nothing changed; a server that cannot be reached fails the
booking whole (exit 4); a sync brings the events back without duplicates."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import icalendar
import pytest
from click.testing import CliRunner, Result

import cronoslot
from cronoslot.book import remote
from cronoslot.book.caldav_writer import CollectionWriter
from cronoslot.book.events import event_uid, is_booking_calendar, mark_calendar
from cronoslot.cli.app import cli
from cronoslot.sync.sources import Source, SourceKind

from .booking_store import NOW, at, booking_file, make_store, slot, slot_request
from .sync_servers import (  # noqa: F401 (fixtures)
    DavStub,
    Radicale,
    dav_stub_fixture,
    free_port,
    radicale_fixture,
)

pytest.importorskip("caldav")

PAIR = ("acc_ann", "acc_ben")
UID = event_uid("call")


@pytest.fixture(autouse=True)
def no_netrc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's own ~/.netrc is never read."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))


@pytest.fixture(scope="module")
def principal(radicale: Radicale) -> Iterator[Any]:
    """The tests' own caldav client, as another calendar app (once: its first request
    takes a second)."""
    from caldav.davclient import DAVClient

    dav = DAVClient(url=radicale.url, username="tester", password="any")
    yield dav.principal()
    dav.close()


@pytest.fixture
def collections(principal: Any, request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """A new calendar collection on the server for Ann and one for Ben (per test)."""
    base = request.node.name.replace("[", "-").replace("]", "")[:30]
    made = {
        sub: principal.make_calendar(name=f"{base}-{sub}", cal_id=f"{base}-{sub}") for sub in PAIR
    }
    yield made
    for collection in made.values():
        collection.delete()


@pytest.fixture
def store(tmp_path: Path, collections: dict[str, Any]) -> Path:
    """The booking store, Ann's and Ben's booking calendars on the server."""
    root = make_store(tmp_path / "store")
    for sub, collection in collections.items():
        add_source(root, sub, str(collection.url))
    return root


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, dict[str, str]]]:
    """Every request the caldav client sends (to the real server), with its headers."""
    from caldav.davclient import DAVClient

    found: list[tuple[str, str, dict[str, str]]] = []
    original = DAVClient.request

    def spy(self: Any, url: Any, method: str = "GET", body: Any = "", headers: Any = None) -> Any:
        found.append((method, str(url), dict(headers or {})))
        return original(self, url, method, body, headers)

    monkeypatch.setattr(DAVClient, "request", spy)
    return found


def add_source(store: Path, sub: str, url: str, *extra: str) -> None:
    added = CliRunner().invoke(
        cli, ["source", "add", sub, "cronoslot", url, "--caldav", *extra, "--calendars", str(store)]
    )
    assert added.exit_code == 0, added.output


def run(store: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--calendars", str(store)], catch_exceptions=False)


def book(store: Path, tmp_path: Path, start: str, end: str, *extra: str) -> Result:
    request = tmp_path / "request.json"
    request.write_text(json.dumps(slot_request(PAIR)))
    choice = tmp_path / "choice.json"
    choice.write_text(json.dumps(slot(start, end, PAIR)))
    return run(store, "book", str(request), str(choice), "--event-id", "call", "--now", NOW, *extra)


def on_server(collection: Any) -> dict[str, tuple[str, Any]]:
    """The server's objects of the collection, read back with caldav: by UID, the object's
    ETag and its VEVENT."""
    found = {}
    for obj in collection.objects_by_sync_token(load_objects=True):
        if obj.data is None:  # listed, but gone when loaded
            continue
        event = icalendar.Calendar.from_ical(obj.data).walk("VEVENT")[0]
        found[str(event["UID"])] = (obj.etag, event)
    return found


def server_start(collection: Any) -> str:
    (_, event), *_ = on_server(collection).values()
    return str(event.decoded("DTSTART").strftime("%H:%M"))


def local_files(store: Path) -> dict[str, bytes]:
    """Every calendar file of the store, by path."""
    return {str(path.relative_to(store)): path.read_bytes() for path in store.glob("*/*.ics")}


def changed_behind_cronoslots_back(collection: Any, start: str, end: str) -> None:
    """Someone moves the event on the server (with caldav, as another client would)."""
    obj = collection.event_by_uid(UID)
    obj.load()
    event = obj.icalendar_component
    event["DTSTART"].dt = event["DTSTART"].dt.replace(hour=int(start[:2]))
    event["DTEND"].dt = event["DTEND"].dt.replace(hour=int(end[:2]))
    obj.save()


def conditions(sent: list[tuple[str, str, dict[str, str]]]) -> list[tuple[str, str]]:
    """(method, precondition) of every write cronoslot sent."""
    found = []
    for method, _, headers in sent:
        if method in ("PUT", "DELETE"):
            condition = [f"{name}: {value}" for name, value in headers.items() if "Match" in name]
            found.append((method, condition[0] if condition else "none"))
    return found


# --- book ----------------------------------------------------------------------------------


def test_a_booking_puts_one_object_per_event_named_by_its_uid(
    store: Path, tmp_path: Path, collections: dict[str, Any], sent: list[Any]
) -> None:
    result = book(store, tmp_path, "09:00", "10:00")
    assert result.exit_code == 0, result.output
    assert conditions(sent) == [("PUT", "If-None-Match: *")] * 2
    assert all(url.endswith(f"/{UID}.ics") for method, url, _ in sent if method == "PUT")
    for sub, collection in collections.items():
        [(uid, (etag, event))] = on_server(collection).items()
        assert uid == UID
        assert str(event["X-CRONOSLOT-EVENT-ID"]) == "call"
        assert event.decoded("DTSTART").isoformat() == "2027-04-22T09:00:00+00:00"
        # The ETag cronoslot keeps is the server's own.
        snapshot = json.loads((store / sub / ".sync" / "cronoslot.caldav.json").read_text())
        assert list(snapshot["etags"].values()) == [etag]
        assert is_booking_calendar(booking_file(store, sub).read_text())


def test_a_reschedule_moves_the_object_with_if_match(
    store: Path, tmp_path: Path, collections: dict[str, Any], sent: list[Any]
) -> None:
    assert book(store, tmp_path, "09:00", "10:00").exit_code == 0
    first = [etag for c in collections.values() for etag, _ in on_server(c).values()]
    sent.clear()
    moved = book(store, tmp_path, "10:00", "11:00")
    assert moved.exit_code == 0, moved.output
    assert conditions(sent) == [("PUT", f"If-Match: {etag}") for etag in first]
    for collection, first_etag in zip(collections.values(), first, strict=True):
        [(etag, event)] = on_server(collection).values()
        assert event.decoded("DTSTART").isoformat() == "2027-04-22T10:00:00+00:00"
        assert event["SEQUENCE"] == 1
        assert etag != first_etag


def test_a_change_on_the_server_makes_the_next_reschedule_a_conflict_and_nothing_changes(
    store: Path, tmp_path: Path, collections: dict[str, Any], sent: list[Any]
) -> None:
    assert book(store, tmp_path, "09:00", "10:00").exit_code == 0
    [(ann_etag, _)] = on_server(collections["acc_ann"]).values()
    [(ben_etag, _)] = on_server(collections["acc_ben"]).values()
    changed_behind_cronoslots_back(collections["acc_ben"], "14:00", "15:00")
    files = local_files(store)
    ann_before = on_server(collections["acc_ann"])

    sent.clear()
    refused = book(store, tmp_path, "10:00", "11:00")
    assert refused.exit_code == 5, refused.output
    # Ann's moved, Ben's refused (412), Ann's put back over the version just written.
    writes = conditions(sent)
    assert writes[:2] == [("PUT", f"If-Match: {ann_etag}"), ("PUT", f"If-Match: {ben_etag}")]
    assert len(writes) == 3 and writes[2][0] == "PUT"
    assert writes[2][1] not in ("none", f"If-Match: {ann_etag}")
    assert "acc_ben/cronoslot" in refused.stderr
    assert "changed on the server since cronoslot last saw it" in refused.stderr
    assert "nothing was booked" in refused.stderr
    # Nothing changed: not the local files, not Ann's object (moved, then put back),
    # not what the other client wrote on Ben's.
    assert local_files(store) == files
    [(_, ann)] = on_server(collections["acc_ann"]).values()
    [(_, ann_was)] = ann_before.values()
    assert ann.decoded("DTSTART") == ann_was.decoded("DTSTART")
    assert server_start(collections["acc_ben"]) == "14:00"
    # Once a sync has shown cronoslot the change, moving the event is not refused (Ann's
    # ETag is the one of the version put back).
    assert run(store, "sync").exit_code == 0
    again = book(store, tmp_path, "10:00", "11:00")
    assert again.exit_code == 0, again.output
    assert server_start(collections["acc_ben"]) == "10:00"
    assert server_start(collections["acc_ann"]) == "10:00"


def test_after_a_sync_the_server_change_is_seen_and_the_reschedule_goes_through(
    store: Path, tmp_path: Path, collections: dict[str, Any]
) -> None:
    assert book(store, tmp_path, "09:00", "10:00").exit_code == 0
    changed_behind_cronoslots_back(collections["acc_ben"], "14:00", "15:00")
    synced = run(store, "sync")
    assert synced.exit_code == 0, synced.output
    ben = booking_file(store, "acc_ben").read_text()
    assert is_booking_calendar(ben)
    assert "DTSTART:20270422T140000Z" in ben
    # The sync keeps the ETag of the version it read: the one the reschedule sends.
    [(etag, _)] = on_server(collections["acc_ben"]).values()
    snapshot = json.loads((store / "acc_ben" / ".sync" / "cronoslot.caldav.json").read_text())
    assert list(snapshot["etags"].values()) == [etag]
    moved = book(store, tmp_path, "10:00", "11:00")
    assert moved.exit_code == 0, moved.output
    assert server_start(collections["acc_ben"]) == "10:00"


def test_a_sync_brings_the_bookings_back_without_duplicates(
    store: Path, tmp_path: Path, sent: list[Any]
) -> None:
    assert book(store, tmp_path, "09:00", "10:00").exit_code == 0
    synced = run(store, "sync")
    assert synced.exit_code == 0, synced.output
    for sub in PAIR:
        text = booking_file(store, sub).read_text()
        assert is_booking_calendar(text)  # still cronoslot's own
        assert text.count("BEGIN:VEVENT") == 1
        assert "X-CRONOSLOT-EVENT-ID:call" in text.replace("\r\n ", "").replace("\n ", "")
    busy = run(store, "busy", "acc_ann", "--from", at("00:00"), "--to", at("23:00"))
    booked = [b for b in json.loads(busy.stdout)["busy"] if b["calendar_id"] == "cronoslot"]
    assert [(b["event_id"], b["start"]) for b in booked] == [("call", at("09:00"))]
    # Booking the same choice again changes nothing, here or on the server.
    files = local_files(store)
    sent.clear()
    again = book(store, tmp_path, "09:00", "10:00")
    assert again.exit_code == 0, again.output
    assert conditions(sent) == []
    assert local_files(store) == files
    with cronoslot.open(store, now=NOW, cache=False) as cal:
        answer = cal.availability(slot_request(PAIR))
    assert at("09:00") not in [s["start"] for s in answer["available_slots"]]


def test_a_synced_calendar_becomes_a_booking_calendar_when_first_booked_into(
    tmp_path: Path, collections: dict[str, Any]
) -> None:
    store = make_store(tmp_path / "store")
    ann = collections["acc_ann"]
    ann.save_event(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        "UID:standup\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270422T150000Z\r\n"
        "DTEND:20270422T153000Z\r\nSUMMARY:Standup\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    add_source(store, "acc_ann", str(ann.url))
    assert run(store, "sync").exit_code == 0
    assert not is_booking_calendar(booking_file(store, "acc_ann").read_text())

    result = book(store, tmp_path, "09:00", "10:00")
    assert result.exit_code == 0, result.output
    text = booking_file(store, "acc_ann").read_text()
    assert is_booking_calendar(text)
    assert "UID:standup" in text and f"UID:{UID}" in text
    assert set(on_server(ann)) == {"standup", UID}

    assert run(store, "sync").exit_code == 0
    text = booking_file(store, "acc_ann").read_text()
    assert is_booking_calendar(text)
    assert text.count("BEGIN:VEVENT") == 2
    with cronoslot.open(store, now=NOW, cache=False) as cal:
        busy = cal.busy("acc_ann", at("00:00"), at("23:00"))["busy"]
    assert [b["start"] for b in busy if b["calendar_id"] == "cronoslot"] == [
        at("09:00"),
        at("15:00"),
    ]


def test_a_file_no_sync_wrote_is_not_booked_into_until_synced(tmp_path: Path) -> None:
    store = make_store(tmp_path / "store")
    hand_made = booking_file(store, "acc_ann")
    hand_made.write_bytes((store / "acc_ann" / "work.ics").read_bytes())
    add_source(store, "acc_ann", "https://dav.example.org/dav/ann/", "--replace")
    refused = book(store, tmp_path, "09:00", "10:00")
    assert refused.exit_code == 3, refused.output
    assert "run `cronoslot sync acc_ann` first" in refused.stderr
    assert hand_made.read_bytes() == (store / "acc_ann" / "work.ics").read_bytes()


def test_a_new_event_that_exists_on_the_server_already_is_a_conflict(
    store: Path, tmp_path: Path, collections: dict[str, Any]
) -> None:
    collections["acc_ben"].save_event(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{UID}\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270422T160000Z\r\n"
        "DTEND:20270422T163000Z\r\nSUMMARY:Someone else's\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    files = local_files(store)
    refused = book(store, tmp_path, "09:00", "10:00")
    assert refused.exit_code == 5, refused.output
    assert "exists on the server already" in refused.stderr
    assert local_files(store) == files
    assert on_server(collections["acc_ann"]) == {}  # Ann's was put, then taken back
    assert server_start(collections["acc_ben"]) == "16:00"


def test_a_participant_no_longer_in_the_choice_has_the_object_deleted(
    store: Path, tmp_path: Path, collections: dict[str, Any], sent: list[Any]
) -> None:
    either = slot_request(PAIR)
    either["participants"][0]["required"] = 1
    request = tmp_path / "either.json"
    request.write_text(json.dumps(either))
    for subs in (PAIR, ("acc_ann",)):
        choice = tmp_path / "choice.json"
        choice.write_text(json.dumps(slot("09:00", "10:00", subs)))
        if len(subs) == 1:
            [(ben_etag, _)] = on_server(collections["acc_ben"]).values()
            sent.clear()
        result = run(store, "book", str(request), str(choice), "--event-id", "call", "--now", NOW)
        assert result.exit_code == 0, result.output
    writes = conditions(sent)
    assert [method for method, _ in writes] == ["PUT", "DELETE"]
    assert writes[0][1].startswith("If-Match: ")  # Ann's moved (SEQUENCE + 1)
    assert writes[1] == ("DELETE", f"If-Match: {ben_etag}")
    assert on_server(collections["acc_ben"]) == {}
    assert set(on_server(collections["acc_ann"])) == {UID}


# --- cancel --------------------------------------------------------------------------------


def test_cancel_deletes_the_objects_with_if_match(
    store: Path, tmp_path: Path, collections: dict[str, Any], sent: list[Any]
) -> None:
    assert book(store, tmp_path, "09:00", "10:00").exit_code == 0
    etags = [etag for c in collections.values() for etag, _ in on_server(c).values()]
    sent.clear()
    cancelled = run(store, "cancel", "call")
    assert cancelled.exit_code == 0, cancelled.output
    assert conditions(sent) == [("DELETE", f"If-Match: {etag}") for etag in etags]
    assert all(on_server(collection) == {} for collection in collections.values())
    assert all("BEGIN:VEVENT" not in booking_file(store, sub).read_text() for sub in PAIR)


def test_cancel_of_an_event_changed_on_the_server_is_a_conflict(
    store: Path, tmp_path: Path, collections: dict[str, Any]
) -> None:
    assert book(store, tmp_path, "09:00", "10:00").exit_code == 0
    changed_behind_cronoslots_back(collections["acc_ben"], "14:00", "15:00")
    files = local_files(store)
    refused = run(store, "cancel", "call")
    assert refused.exit_code == 5, refused.output
    assert "nothing was cancelled" in refused.stderr
    assert local_files(store) == files
    assert server_start(collections["acc_ann"]) == "09:00"  # deleted, then put back
    assert server_start(collections["acc_ben"]) == "14:00"


# --- servers that cannot be written -------------------------------------------------------


def test_a_server_that_cannot_be_reached_fails_the_booking_whole(
    tmp_path: Path, collections: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = make_store(tmp_path / "store")
    add_source(store, "acc_ann", str(collections["acc_ann"].url))
    nobody = f"http://127.0.0.1:{free_port()}/dav/private-token-0123456789abcdef/"
    monkeypatch.setenv("BEN_PASSWORD", "s3cret-password-of-ben")
    add_source(store, "acc_ben", nobody, "--username", "ben", "--password-env", "BEN_PASSWORD")
    files = local_files(store)

    failed = book(store, tmp_path, "09:00", "10:00", "--timeout", "5")
    assert failed.exit_code == 4, failed.output
    assert "acc_ben/cronoslot" in failed.stderr
    assert "cannot connect" in failed.stderr
    assert "nothing was booked" in failed.stderr
    for secret in ("private-token-0123456789abcdef", "s3cret-password-of-ben"):
        assert secret not in failed.output
    assert local_files(store) == files
    assert on_server(collections["acc_ann"]) == {}  # put, then deleted again
    assert "taken back" not in failed.stderr  # a refused connection wrote nothing


def test_without_the_caldav_extra_the_error_names_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = make_store(tmp_path / "store")
    add_source(store, "acc_ann", "https://dav.example.org/dav/ann/")
    monkeypatch.setitem(sys.modules, "caldav.davclient", None)  # importing it now fails
    failed = book(store, tmp_path, "09:00", "10:00")
    assert failed.exit_code == 4, failed.output
    assert "pip install 'cronoslot[caldav]'" in failed.stderr
    assert not booking_file(store, "acc_ann").exists()


def test_a_server_that_does_not_answer_times_out(tmp_path: Path) -> None:
    # A real process that accepts connections and never answers.
    silent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import socket, time\n"
            "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(8)\n"
            "print(s.getsockname()[1], flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert silent.stdout is not None
        port = int(silent.stdout.readline())
        store = make_store(tmp_path / "store")
        add_source(store, "acc_ann", f"http://127.0.0.1:{port}/dav/ann/")
        failed = book(store, tmp_path, "09:00", "10:00", "--timeout", "1")
    finally:
        silent.kill()
        silent.wait(timeout=10)
    assert failed.exit_code == 4, failed.output
    assert "no answer within 1s" in failed.stderr
    # The PUT may have been carried out: asked again, the server does not answer either.
    assert "'call' in acc_ann/cronoslot" in failed.stderr
    assert "no answer, so it may have been written" in failed.stderr
    assert not booking_file(store, "acc_ann").exists()
    assert not booking_file(store, "acc_ben").exists()


def test_a_write_carried_out_without_an_answer_is_found_and_taken_back(
    tmp_path: Path, dav_stub: DavStub
) -> None:
    store = make_store(tmp_path / "store")
    add_source(store, "acc_ann", dav_stub.url("/slow/ann/"))  # stores, answers 3s later
    failed = book(store, tmp_path, "09:00", "10:00", "--timeout", "1")
    assert failed.exit_code == 4, failed.output
    assert "no answer within 1s" in failed.stderr
    assert "taken back" not in failed.stderr  # it was: no warning
    assert not booking_file(store, "acc_ann").exists()
    source = Source("acc_ann", "cronoslot", dav_stub.url("/slow/ann/"), SourceKind.CALDAV)
    assert CollectionWriter(source, None, 5).get(f"/slow/ann/{UID}.ics") is None


def test_a_missing_password_variable_fails_before_anything_is_written(
    store: Path, tmp_path: Path, collections: dict[str, Any]
) -> None:
    add_source(
        store,
        "acc_ann",
        str(collections["acc_ann"].url),
        "--replace",
        "--username",
        "ann",
        "--password-env",
        "ANN_DAV_PASSWORD_UNSET",
    )
    failed = book(store, tmp_path, "09:00", "10:00")
    assert failed.exit_code == 4, failed.output
    assert "ANN_DAV_PASSWORD_UNSET is not set" in failed.stderr
    assert not booking_file(store, "acc_ann").exists()
    assert all(on_server(collection) == {} for collection in collections.values())


def test_an_event_id_a_server_would_rewrite_is_refused(store: Path, tmp_path: Path) -> None:
    request = tmp_path / "request.json"
    request.write_text(json.dumps(slot_request(PAIR)))
    choice = tmp_path / "choice.json"
    choice.write_text(json.dumps(slot("09:00", "10:00", PAIR)))
    refused = run(store, "book", str(request), str(choice), "--event-id", "a, b", "--now", NOW)
    assert refused.exit_code == 2, refused.output
    assert "servers rewrite" in refused.stderr
    assert not booking_file(store, "acc_ann").exists()


def test_what_cannot_be_taken_back_is_named_in_a_warning(tmp_path: Path, dav_stub: DavStub) -> None:
    store = make_store(tmp_path / "store")
    add_source(store, "acc_ann", dav_stub.url("/once/ann/"))  # takes one write, then fails
    add_source(store, "acc_ben", f"http://127.0.0.1:{free_port()}/ben/")
    failed = book(store, tmp_path, "09:00", "10:00", "--timeout", "5")
    assert failed.exit_code == 4, failed.output
    assert "could not be taken back: 'call' in acc_ann/cronoslot" in failed.stderr
    assert "HTTP 500" in failed.stderr
    assert not booking_file(store, "acc_ann").exists()  # the local files are rolled back


def test_a_sync_that_rewrites_the_calendar_meanwhile_makes_the_booking_start_again(
    store: Path, tmp_path: Path, collections: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cronoslot.sync.locks import locked

    ann = booking_file(store, "acc_ann")
    synced = mark_calendar(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//cronoslot//sync//EN\r\nBEGIN:VEVENT\r\n"
        "UID:standup\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270422T150000Z\r\n"
        "DTEND:20270422T153000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    entered = []

    def a_sync_got_there_first(account: Path, name: str, wait: float) -> Any:
        if not entered:  # between the booking's read and its lock, a sync wrote the file
            ann.write_text(synced)
        entered.append(name)
        return locked(account, name, wait)

    monkeypatch.setattr(remote, "locked", a_sync_got_there_first)
    result = book(store, tmp_path, "09:00", "10:00")
    assert result.exit_code == 0, result.output
    assert len(entered) == 3  # Ann's (changed: start again), then Ann's and Ben's
    text = ann.read_text()
    assert "UID:standup" in text and f"UID:{UID}" in text
    assert set(on_server(collections["acc_ann"])) == {UID}
