"""``cronoslot serve`` over raw HTTP: a real server process on a free loopback port.

Every reply is checked for tracebacks; answers are compared with what the CLI prints for
the same request.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cronoslot.cli.app import cli

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
from cronoslot.server.app import AccessLog
from cronoslot.server.auth import Tokens
from cronoslot.server.settings import ServerSettings

from .conftest import SAMPLES
from .server_process import Reply, ServerProcess, worker_pids

NOW = "2027-04-01T00:00:00Z"
TOKEN = "t0ken-of-the-file"
OTHER_TOKEN = "another-token"
ENV_TOKEN = "token-from-the-environment"
BROKEN = "acc_broken"
WARNED = "acc_with_a_broken_event"
REQUESTS = sorted((SAMPLES / "requests").glob("*.json"))
ONE_MIB = 1024 * 1024


def path_of(body: dict[str, Any]) -> str:
    return "/v1/sequenced_availability" if "sequence" in body else "/v1/availability"


def cli_answer(store: Path, request: Path) -> Any:
    command = "sequence" if "sequence" in json.loads(request.read_text()) else "availability"
    result = CliRunner().invoke(
        cli, [command, str(request), "--calendars", str(store), "--now", NOW, "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def cli_error_body(store: Path, body: bytes) -> Any:
    result = CliRunner().invoke(
        cli,
        ["availability", "-", "--calendars", str(store), "--now", NOW, "--no-cache"],
        input=body,
    )
    assert result.exit_code == 1, result.output
    return json.loads(result.stderr.strip().splitlines()[-1])


def checked(reply: Reply) -> Reply:
    """Every reply: JSON, and never a traceback."""
    assert b"Traceback" not in reply.body
    assert reply.headers["content-type"].startswith("application/json")
    json.loads(reply.body)
    return reply


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample store, and an account whose one calendar is not iCalendar."""
    root = tmp_path_factory.mktemp("server-store") / "calendars"
    shutil.copytree(SAMPLES / "calendars", root)
    (root / BROKEN).mkdir()
    (root / BROKEN / "work.ics").write_text("this is not a calendar\n")
    (root / WARNED).mkdir()
    (root / WARNED / "work.ics").write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//server//EN\r\n"
        "BEGIN:VEVENT\r\nUID:no-start@test\r\nDTSTAMP:20270101T000000Z\r\n"
        "DTEND:20270422T100000Z\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:fine@test\r\nDTSTAMP:20270101T000000Z\r\n"
        "DTSTART:20270422T090000Z\r\nDTEND:20270422T100000Z\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    return root


@pytest.fixture(scope="module")
def server(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    scratch = tmp_path_factory.mktemp("server")
    tokens = scratch / "tokens.txt"
    tokens.write_text(f"# the app's tokens\n{TOKEN}\n\n{OTHER_TOKEN}\n")
    env = {**os.environ, "CRONOSLOT_TOKEN": ENV_TOKEN}
    args = ["--calendars", str(store), "--token-file", str(tokens), "--workers", "2"]
    args += ["--now", NOW, "--cache-dir", str(scratch / "cache")]
    process = ServerProcess(args, scratch / "server.log", env=env).start()
    yield process
    process.stop()
    log = process.log()
    assert "Traceback" not in log
    for secret in (TOKEN, OTHER_TOKEN, ENV_TOKEN):
        assert secret not in log


def query(server: ServerProcess, body: bytes, path: str = "/v1/availability", **kw: Any) -> Reply:
    headers = kw.pop("headers", auth())
    return checked(server.request("POST", path, body, headers))


# --- answers ------------------------------------------------------------------------------


def test_health_needs_no_token(server: ServerProcess) -> None:
    reply = checked(server.request("GET", "/healthz"))
    assert (reply.status, reply.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize("request_path", REQUESTS, ids=lambda path: path.stem)
def test_every_sample_answers_as_the_cli_does(
    server: ServerProcess, store: Path, request_path: Path
) -> None:
    body = json.loads(request_path.read_text())
    reply = query(server, request_path.read_bytes(), path_of(body))
    assert reply.status == 200
    assert reply.headers["content-type"] == "application/json; charset=utf-8"
    assert reply.json() == cli_answer(store, request_path)


def test_the_seeds_content_type_with_charset_is_json(server: ServerProcess) -> None:
    headers = {**auth(), "Content-Type": "application/json; charset=utf-8"}
    reply = query(server, (SAMPLES / "requests" / "slots.json").read_bytes(), headers=headers)
    assert reply.status == 200


def test_what_pycronofy_sends_is_understood(server: ServerProcess, store: Path) -> None:
    # `available_periods` for query_periods, an empty buffer, null start intervals.
    loop = json.loads((SAMPLES / "requests" / "interview-loop.json").read_text())
    loop["available_periods"] = loop.pop("query_periods")
    for step in loop["sequence"]:
        step.setdefault("buffer", {})
        step.setdefault("start_interval", None)
    reply = query(server, json.dumps(loop).encode(), "/v1/sequenced_availability")
    assert reply.status == 200
    assert reply.json() == cli_answer(store, SAMPLES / "requests" / "interview-loop.json")


# --- errors -------------------------------------------------------------------------------


def test_an_invalid_request_is_422_with_the_cli_error_body(
    server: ServerProcess, store: Path
) -> None:
    for body in (b'{"participants": []}', b'{"participants": [], "required_duration": 5}'):
        reply = query(server, body)
        assert reply.status == 422
        assert reply.json() == cli_error_body(store, body)
        assert "participants" in reply.json()["errors"]


def test_a_body_that_is_not_json_is_422(server: ServerProcess) -> None:
    reply = query(server, b"{not json")
    assert reply.status == 422
    assert list(reply.json()["errors"]) == ["request"]


def test_unusable_calendar_data_is_500_naming_the_account_and_calendar(
    server: ServerProcess, store: Path
) -> None:
    body = {
        "participants": [{"members": [{"sub": BROKEN}], "required": "all"}],
        "required_duration": {"minutes": 30},
        "query_periods": [{"start": "2027-04-22T09:00:00Z", "end": "2027-04-22T17:00:00Z"}],
    }
    reply = query(server, json.dumps(body).encode())
    assert reply.status == 500
    answer = reply.json()
    assert answer["error"] == "calendar_data"
    assert (answer["sub"], answer["calendar_id"], answer["file"]) == (
        BROKEN,
        "work",
        f"{BROKEN}/work.ics",
    )
    assert f"{BROKEN}/work.ics" in answer["description"]
    assert str(store) not in reply.body.decode()  # nothing of the server's own paths


def test_calendar_warnings_are_logged_once_per_worker(server: ServerProcess, store: Path) -> None:
    body = {
        "participants": [{"members": [{"sub": WARNED}], "required": "all"}],
        "required_duration": {"minutes": 30},
        "query_periods": [{"start": "2027-04-22T08:00:00Z", "end": "2027-04-22T12:00:00Z"}],
    }
    for _ in range(6):
        reply = query(server, json.dumps(body).encode())
        assert reply.status == 200
    periods = [(p["start"][11:16], p["end"][11:16]) for p in reply.json()["available_periods"]]
    assert periods == [("08:00", "09:00"), ("10:00", "12:00")]  # the good event counts
    warnings = [line for line in server.log().splitlines() if "no-start@test" in line]
    assert 1 <= len(warnings) <= 2  # two workers, each saying it once
    assert all(line.startswith("warning: ") for line in warnings)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": "Bearer"},
    ],
    ids=["none", "wrong", "basic", "longer", "empty"],
)
def test_without_an_accepted_token_it_is_401(
    server: ServerProcess, headers: dict[str, str]
) -> None:
    body = (SAMPLES / "requests" / "slots.json").read_bytes()
    reply = query(server, body, headers={**headers, "Content-Type": "application/json"})
    assert reply.status == 401
    assert reply.headers["www-authenticate"].startswith("Bearer")
    assert TOKEN not in reply.body.decode()


@pytest.mark.parametrize("token", [TOKEN, OTHER_TOKEN, ENV_TOKEN])
def test_every_token_of_the_file_and_the_environment_is_accepted(
    server: ServerProcess, token: str
) -> None:
    body = (SAMPLES / "requests" / "periods.json").read_bytes()
    reply = query(server, body, headers=auth(token) | {"Authorization": f"bearer {token}"})
    assert reply.status == 200


@pytest.mark.parametrize(
    "content_type", [None, "application/x-www-form-urlencoded", "text/plain", "application/xml"]
)
def test_a_body_that_is_not_declared_json_is_415(
    server: ServerProcess, content_type: str | None
) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    reply = query(server, (SAMPLES / "requests" / "slots.json").read_bytes(), headers=headers)
    assert reply.status == 415


def _read_reply(sock: socket.socket) -> tuple[int, bytes]:
    """Read a whole reply from a socket whose server closes it after replying."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_a_declared_body_over_the_limit_is_413_before_it_is_sent(server: ServerProcess) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        head = (
            f"POST /v1/availability HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {50 * ONE_MIB}\r\n\r\n"
        )
        # Only a sliver of the announced 50 MiB is ever sent: the reply cannot have waited.
        sock.sendall(head.encode() + b"{" + b" " * 1000)
        status, body = _read_reply(sock)
    assert status == 413
    assert json.loads(body)["error"] == "too_large"


def test_a_chunked_body_is_cut_off_past_the_limit(server: ServerProcess) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        head = (
            f"POST /v1/availability HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        sock.sendall(head.encode())
        chunk = b" " * 65536
        for _ in range(ONE_MIB // len(chunk)):
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        # One byte over the limit, and never the end of the body. (Everything sent is read,
        # so closing the connection after the reply is not a reset that could lose it.)
        sock.sendall(b"1\r\n \r\n")
        status, body = _read_reply(sock)
    assert status == 413
    assert b"Traceback" not in body


def test_a_body_at_the_limit_is_read(server: ServerProcess) -> None:
    body = (SAMPLES / "requests" / "periods.json").read_bytes()
    padded = body + b" " * (ONE_MIB - len(body))  # JSON allows trailing whitespace
    assert query(server, padded).status == 200


def test_unknown_paths_are_404(server: ServerProcess) -> None:
    paths = [("GET", "/"), ("POST", "/v1/free_busy"), ("GET", "/v1/availability/x")]
    for method, path in [*paths, ("POST", "/v1/availability/"), ("GET", "/healthz/")]:
        reply = checked(server.request(method, path, None, auth()))
        assert reply.status == 404, path


def test_unknown_paths_need_a_token_too(server: ServerProcess) -> None:
    assert checked(server.request("GET", "/v1/unknown")).status == 401


@pytest.mark.parametrize("path", ["/v1/availability", "/v1/sequenced_availability"])
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_query_paths_answer_only_post(server: ServerProcess, path: str, method: str) -> None:
    reply = checked(server.request(method, path, None, auth()))
    assert reply.status == 405
    assert reply.headers["allow"] == "POST"


def test_one_access_line_per_request_without_tokens_or_bodies(tmp_path: Path) -> None:
    # A server of its own: no earlier request's line can arrive late into the count.
    (tmp_path / "tokens").write_text(TOKEN + "\n")
    args = ["--calendars", str(SAMPLES / "calendars"), "--token-file", str(tmp_path / "tokens")]
    args += ["--workers", "1", "--now", NOW, "--cache-dir", str(tmp_path / "cache")]
    server = ServerProcess(args, tmp_path / "server.log").start()
    try:
        secret_body = (SAMPLES / "requests" / "slots.json").read_bytes()
        query(server, secret_body)
        query(server, secret_body, headers=auth("wrong-token"))
        checked(server.request("GET", "/nowhere?token=query-secret", None, auth()))
        checked(server.request("GET", "/healthz"))
        server.wait_for_access_lines(4)
        time.sleep(0.3)  # a second line for any of them would come now
        lines = server.access_lines()
    finally:
        server.stop()
    new = [line.split() for line in lines]
    assert [(w[1], w[2], w[3]) for w in new] == [
        ("POST", "/v1/availability", "200"),
        ("POST", "/v1/availability", "401"),
        ("GET", "/nowhere", "404"),
        ("GET", "/healthz", "200"),
    ]
    assert all(w[4].endswith("ms") and float(w[4][:-2]) >= 0 for w in new)
    log = server.log()
    for secret in (TOKEN, "wrong-token", "query-secret", "participants"):
        assert secret not in log
    assert "uvicorn" not in log.lower()  # its own access log is off


def test_a_killed_worker_costs_at_most_the_queries_it_held(server: ServerProcess) -> None:
    assert server.process is not None
    workers = worker_pids(server.process.pid)
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)
    body = (SAMPLES / "requests" / "slots.json").read_bytes()
    statuses = []
    for _ in range(10):
        reply = query(server, body)
        statuses.append(reply.status)
        if reply.status == 500:
            assert reply.json()["error"] == "internal"
    assert statuses[-1] == 200
    assert set(statuses) <= {200, 500}
    deadline = time.monotonic() + 30
    while len(worker_pids(server.process.pid)) != 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers[0] not in worker_pids(server.process.pid)
    assert "a worker process died; starting new workers" in server.log()


# --- other servers ------------------------------------------------------------------------


def test_past_the_request_timeout_it_is_503(tmp_path: Path) -> None:
    args = ["--calendars", str(SAMPLES / "calendars"), "--no-auth", "--workers", "1"]
    args += ["--now", NOW, "--request-timeout", "0.001", "--cache-dir", str(tmp_path / "c")]
    server = ServerProcess(args, tmp_path / "server.log").start()
    try:
        body = (SAMPLES / "requests" / "interview-loop.json").read_bytes()
        reply = query(server, body, "/v1/sequenced_availability", headers=auth())
        assert reply.status == 503
        assert reply.json()["error"] == "timeout"
        assert checked(server.request("GET", "/healthz")).status == 200
    finally:
        server.stop()


def test_no_auth_on_loopback_answers_without_a_token_and_stops_cleanly(tmp_path: Path) -> None:
    args = ["--calendars", str(SAMPLES / "calendars"), "--no-auth", "--workers", "1"]
    args += ["--now", NOW, "--cache-dir", str(tmp_path / "c")]
    server = ServerProcess(args, tmp_path / "server.log").start()
    try:
        request = SAMPLES / "requests" / "slots.json"
        headers = {"Content-Type": "application/json"}
        reply = query(server, request.read_bytes(), headers=headers)
        assert reply.status == 200
        assert reply.json() == cli_answer(SAMPLES / "calendars", request)
        assert server.process is not None
        workers = worker_pids(server.process.pid)
        assert len(workers) == 1
    finally:
        status = server.stop()
    assert status in (0, -signal.SIGTERM)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    assert "Traceback" not in server.log()
    assert "leaked" not in server.log()
    assert server.log().splitlines()[-1] == "cronoslot serve: stopped"


# --- in this process: the last guard -----------------------------------------------------


def test_an_unexpected_failure_is_a_generic_500_with_details_only_in_the_log() -> None:
    async def failing_app(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("secret detail of the failure")

    log: list[str] = []
    settings = ServerSettings(calendars=SAMPLES / "calendars", tokens=Tokens(["x"]))
    guarded = AccessLog(failing_app, settings, log.append)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/v1/availability", "headers": []}
    asyncio.run(guarded(scope, receive, send))
    assert sent[0]["status"] == 500
    body = sent[1]["body"]
    assert json.loads(body)["error"] == "internal"
    assert b"secret detail" not in body and b"Traceback" not in body
    details = "\n".join(log)
    assert "secret detail of the failure" in details and "Traceback" in details
    assert next(line for line in log if line.startswith("access: ")).split()[1:4] == [
        "POST",
        "/v1/availability",
        "500",
    ]
