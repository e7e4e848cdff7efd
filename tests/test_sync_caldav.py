"""CalDAV sources against a real Radicale server (started by the tests on a loopback port,
no authentication, a temporary storage folder), filled through the ``caldav`` package:
sync, change and delete events on the server, sync again (incrementally, with the sync
token), and the answers follow."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import cronoslot
from cronoslot.cli.app import cli

from .sync_servers import Radicale, radicale_fixture  # noqa: F401 (a fixture)

pytest.importorskip("caldav")

NOW = "2027-04-01T00:00:00Z"
SUB = "acc_c"
LONDON = (
    "BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n"
    "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nTZNAME:BST\r\n"
    "DTSTART:19810329T010000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nTZNAME:GMT\r\n"
    "DTSTART:19961027T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
)


def event(uid: str, start: str, end: str) -> str:
    """An event in London time (11:00 BST is 10:00Z in April)."""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + LONDON + "BEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20270101T000000Z\r\n"
        f"DTSTART;TZID=Europe/London:{start}\r\nDTEND;TZID=Europe/London:{end}\r\n"
        "SUMMARY:Meeting\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


REQUEST = {
    "participants": [{"members": [{"sub": SUB}], "required": "all"}],
    "required_duration": {"minutes": 30},
    "query_periods": [{"start": "2027-04-22T09:00:00Z", "end": "2027-04-22T14:00:00Z"}],
    "include_member_statuses": True,
}


@pytest.fixture
def calendar(radicale: Radicale, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A new calendar collection on the server (one per test), made through caldav."""
    from caldav.davclient import DAVClient

    client = DAVClient(url=radicale.url, username="tester", password="any")
    name = request.node.name.replace("[", "-").replace("]", "")[:40]
    collection = client.principal().make_calendar(name=name, cal_id=name)
    yield collection
    collection.delete()
    client.close()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    folder = tmp_path / "calendars"
    folder.mkdir()
    return folder


def periods(store: Path) -> tuple[list[tuple[str, str]], list[dict[str, str]]]:
    with cronoslot.open(store, now=NOW, cache=False, warn=lambda message: None) as cal:
        answer = cal.availability(REQUEST)
    found = [(p["start"], p["end"]) for p in answer["available_periods"]]
    return found, answer["member_statuses"]


def test_a_collection_syncs_incrementally_and_the_answers_follow(
    calendar: Any, store: Path
) -> None:
    first = calendar.save_event(event("one", "20270422T110000", "20270422T120000"))
    calendar.save_event(event("two", "20270422T130000", "20270422T133000"))
    url = str(calendar.url)
    added = CliRunner().invoke(
        cli, ["source", "add", SUB, "team", url, "--caldav", "--calendars", str(store)]
    )
    assert added.exit_code == 0, added.output

    synced = CliRunner().invoke(cli, ["sync", "--calendars", str(store)])
    assert synced.exit_code == 0, synced.output
    assert json.loads(synced.stdout)["sources"][0]["status"] == "updated"
    written = (store / SUB / "team.ics").read_text()
    assert written.count("BEGIN:VCALENDAR") == 1
    assert written.count("BEGIN:VTIMEZONE") == 1  # once per TZID, though both events carry it
    assert written.count("BEGIN:VEVENT") == 2
    found, statuses = periods(store)
    assert statuses == [{"sub": SUB, "sync_status": "active"}]
    assert found == [
        ("2027-04-22T09:00:00Z", "2027-04-22T10:00:00Z"),
        ("2027-04-22T11:00:00Z", "2027-04-22T12:00:00Z"),
        ("2027-04-22T12:30:00Z", "2027-04-22T14:00:00Z"),
    ]

    # Move the first meeting an hour later, on the server.
    first.data = event("one", "20270422T100000", "20270422T110000")
    first.save()
    with cronoslot.open(store, cache=False) as cal:
        [outcome] = cal.sync()
    assert outcome.status == "updated", outcome
    assert outcome.detail == "incremental: 1 changed, 0 removed"
    found, _ = periods(store)
    assert found[0] == ("2027-04-22T10:00:00Z", "2027-04-22T12:00:00Z")

    # Nothing changed: nothing written.
    with cronoslot.open(store, cache=False) as cal:
        [outcome] = cal.sync()
    assert (outcome.status, outcome.detail) == ("unchanged", "incremental: 0 changed, 0 removed")

    # Delete it on the server.
    first.delete()
    with cronoslot.open(store, cache=False) as cal:
        [outcome] = cal.sync()
    assert outcome.detail == "incremental: 0 changed, 1 removed"
    found, _ = periods(store)
    assert found == [
        ("2027-04-22T09:00:00Z", "2027-04-22T12:00:00Z"),
        ("2027-04-22T12:30:00Z", "2027-04-22T14:00:00Z"),
    ]
    snapshot = (store / SUB / ".sync" / "team.caldav.json").stat().st_mode & 0o777
    assert snapshot == 0o600


def test_a_missing_collection_fails_and_keeps_the_file(
    radicale: Radicale, calendar: Any, store: Path
) -> None:
    calendar.save_event(event("one", "20270422T110000", "20270422T120000"))
    url = str(calendar.url)
    CliRunner().invoke(
        cli, ["source", "add", SUB, "team", url, "--caldav", "--calendars", str(store)]
    )
    assert CliRunner().invoke(cli, ["sync", "--calendars", str(store)]).exit_code == 0
    before = (store / SUB / "team.ics").read_bytes()
    calendar.delete()
    failed = CliRunner().invoke(cli, ["sync", "--calendars", str(store)])
    assert failed.exit_code == 4, failed.output
    assert (store / SUB / "team.ics").read_bytes() == before
    _, statuses = periods(store)
    assert statuses == [{"sub": SUB, "sync_status": "disconnected"}]
    calendar.save()  # the fixture deletes it again


def test_without_the_caldav_extra_the_error_names_the_install_command(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "https://dav.example.org/calendars/c/team/"
    CliRunner().invoke(
        cli, ["source", "add", SUB, "team", url, "--caldav", "--calendars", str(store)]
    )
    monkeypatch.setitem(sys.modules, "caldav", None)  # import caldav now fails
    failed = CliRunner().invoke(cli, ["sync", "--calendars", str(store)])
    assert failed.exit_code == 4
    assert "pip install 'cronoslot[caldav]'" in json.loads(failed.stdout)["sources"][0]["error"]
