"""The one mapping of errors to statuses and bodies."""

from __future__ import annotations

import json
from pathlib import Path

from cronoslot.errors import CalendarDataError, InvalidRequest, UsageError
from cronoslot.server import responses

ROOT = Path("stores/calendars")


def mapped(error: BaseException, root: Path = ROOT) -> tuple[int, dict[str, object], list[str]]:
    log: list[str] = []
    status, body = responses.for_error(error, root, log.append)
    return status, json.loads(body), log


def test_an_invalid_request_is_422_with_the_api_body() -> None:
    errors = {"required_duration": [{"key": "errors.required", "description": "required"}]}
    status, body, log = mapped(InvalidRequest(errors))
    assert (status, body, log) == (422, {"errors": errors}, [])


def test_calendar_data_names_the_account_and_calendar() -> None:
    error = CalendarDataError(ROOT / "acc_x" / "Work.ICS", "is not iCalendar")
    status, body, log = mapped(error)
    assert status == 500
    assert body["error"] == "calendar_data"
    assert (body["sub"], body["calendar_id"], body["file"]) == ("acc_x", "Work", "acc_x/Work.ICS")
    assert "acc_x/Work.ICS: is not iCalendar" in str(body["description"])
    assert "stores" not in json.dumps(body)  # the store's own path stays on the server
    assert any("acc_x/Work.ICS" in line for line in log)


def test_an_account_file_names_the_account_and_no_calendar() -> None:
    status, body, _ = mapped(CalendarDataError(ROOT / "acc_x" / "account.json", "bad tzid"))
    assert (status, body["sub"], body["calendar_id"], body["file"]) == (
        500,
        "acc_x",
        None,
        "acc_x/account.json",
    )


def test_a_path_given_another_way_is_found_in_the_store(tmp_path: Path) -> None:
    (tmp_path / "store" / "acc_y").mkdir(parents=True)
    relative_root = tmp_path / "store" / "acc_y" / ".."
    error = CalendarDataError(tmp_path / "store" / "acc_y" / "home.ifb", "truncated")
    _, body, _ = mapped(error, relative_root)
    assert (body["sub"], body["calendar_id"]) == ("acc_y", "home")


def test_a_path_outside_the_store_shows_only_its_name() -> None:
    _, body, _ = mapped(CalendarDataError(Path("/etc/secret/thing.ics"), "points outside"))
    assert body["file"] == "thing.ics" and body["sub"] is None
    assert "/etc" not in json.dumps(body)


def test_a_store_that_is_gone_is_500_without_its_path() -> None:
    status, body, log = mapped(UsageError("calendar store /srv/private/cal does not exist"))
    assert (status, body["error"]) == (500, "store_unavailable")
    assert "/srv/private" not in json.dumps(body)
    assert any("/srv/private" in line for line in log)


def test_anything_else_is_a_generic_500_and_a_traceback_in_the_log() -> None:
    try:
        raise KeyError("internal secret")
    except KeyError as error:
        status, body, log = mapped(error)
    assert status == 500
    assert body == json.loads(responses.internal()[1])
    assert "secret" not in json.dumps(body)
    assert "Traceback" in log[0] and "internal secret" in log[0]


def test_bodies_are_compact_utf8_json() -> None:
    status, body = responses.answer({"sub": "acc_ü", "n": [1, 2]})
    assert status == 200
    assert body == '{"sub":"acc_ü","n":[1,2]}'.encode()


def test_every_canned_reply_is_an_error_body() -> None:
    for status, body in (
        responses.unauthorized(),
        responses.not_found(),
        responses.method_not_allowed(),
        responses.too_large(10),
        responses.unsupported_type(),
        responses.timed_out(0.5),
        responses.internal(),
    ):
        assert status >= 400
        assert set(json.loads(body)) == {"error", "description"}
