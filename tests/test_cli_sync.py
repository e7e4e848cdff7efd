"""``cronoslot source`` and ``cronoslot sync`` against a real HTTP(S) feed server of the
tests' own (``feed_server.py``): conditional GETs, and every way a feed can fail. Each
failure: exit 4, the previous file byte-identical, the member ``disconnected`` with a
warning in the next query, and no secret in any output."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cronoslot.cli.app import cli

from .sync_servers import FeedServer, feed_server_fixture  # noqa: F401 (a fixture)

NOW = "2027-04-01T00:00:00Z"
SECRET = "private-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
QUERY_SECRET = "k3yZ9fQ2LmW8pR4tV6xA"
SUB = "acc_a"

CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:meeting-1\r\nDTSTART:20270422T100000Z\r\n"
    "DTEND:20270422T110000Z\r\nSUMMARY:Planning\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)
MOVED = CALENDAR.replace("T100000Z", "T093000Z")
REQUEST = {
    "participants": [{"members": [{"sub": SUB}], "required": "all"}],
    "required_duration": {"minutes": 30},
    "query_periods": [{"start": "2027-04-22T09:00:00Z", "end": "2027-04-22T12:00:00Z"}],
    "include_member_statuses": True,
}


def run(server: FeedServer, *args: str) -> Result:
    env = {"SSL_CERT_FILE": str(server.certificate), "HOME": str(server.root.parent)}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def feed_path(name: str) -> str:
    return f"/feed/{SECRET}/{name}.ics?token={QUERY_SECRET}"


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        assert SECRET not in text
        assert QUERY_SECRET not in text
        assert "token=" not in text


def query(server: FeedServer, store: Path, tmp_path: Path, *extra: str) -> tuple[Any, Result]:
    request = tmp_path / "request.json"
    request.write_text(json.dumps(REQUEST))
    result = run(
        server, "availability", str(request), "--calendars", str(store), "--now", NOW, *extra
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result


def sync_json(result: Result) -> list[dict[str, Any]]:
    sources: list[dict[str, Any]] = json.loads(result.stdout)["sources"]
    return sources


@pytest.fixture
def store(tmp_path: Path) -> Path:
    folder = tmp_path / "calendars"
    folder.mkdir()
    return folder


def serve(server: FeedServer, name: str, text: str) -> None:
    (server.root / f"{name}.ics").write_bytes(text.encode())
    (server.root / f"{name}.ics.mode").unlink(missing_ok=True)


def misbehave(server: FeedServer, name: str, mode: str) -> None:
    (server.root / f"{name}.ics.mode").write_text(mode)


def add_and_sync(server: FeedServer, store: Path, name: str, url: str) -> Result:
    added = run(server, "source", "add", SUB, "work", url, "--calendars", str(store))
    assert added.exit_code == 0, added.output
    assert_no_secret(added.output)
    return run(server, "sync", "--calendars", str(store))


# --- the happy path -------------------------------------------------------------------------


def test_a_feed_syncs_answers_and_says_unchanged_with_a_conditional_get(
    feed_server: FeedServer, store: Path, tmp_path: Path
) -> None:
    name = "happy"
    serve(feed_server, name, CALENDAR)
    synced = add_and_sync(feed_server, store, name, feed_server.http(feed_path(name)))
    assert synced.exit_code == 0, synced.output
    [outcome] = sync_json(synced)
    assert outcome["status"] == "updated" and outcome["error"] is None
    assert outcome["last_success"] is not None
    assert (store / SUB / "work.ics").read_bytes() == CALENDAR.encode()
    assert stat.S_IMODE((store / SUB / "sources.json").stat().st_mode) == 0o600

    body, result = query(feed_server, store, tmp_path)
    assert body["member_statuses"] == [{"sub": SUB, "sync_status": "active"}]
    assert [p["end"] for p in body["available_periods"]] == [
        "2027-04-22T10:00:00Z",
        "2027-04-22T12:00:00Z",
    ]
    assert "warning" not in result.stderr

    again = run(feed_server, "sync", "--calendars", str(store))
    assert again.exit_code == 0 and sync_json(again)[0]["status"] == "unchanged"
    last = [r for r in feed_server.requests() if str(r["path"]).endswith(f"/{name}.ics")][-1]
    assert last["status"] == 304 and last["if_none_match"]

    serve(feed_server, name, MOVED)
    changed = run(feed_server, "sync", SUB, "--calendars", str(store))
    assert sync_json(changed)[0]["status"] == "updated"
    body, _ = query(feed_server, store, tmp_path)
    assert body["available_periods"][0]["end"] == "2027-04-22T09:30:00Z"
    assert_no_secret(synced.output, again.output, changed.output)


def test_webcal_https_gzip_and_a_few_redirects_are_fine(
    feed_server: FeedServer, store: Path
) -> None:
    name = "webcal"
    serve(feed_server, name, CALENDAR)
    url = feed_server.https(f"/redirect/3/gzip/{SECRET}/{name}.ics").replace("https", "webcal")
    synced = add_and_sync(feed_server, store, name, url)
    assert synced.exit_code == 0, synced.output
    assert (store / SUB / "work.ics").read_bytes() == CALENDAR.encode()


def test_the_table_format_and_source_list_hide_secrets(
    feed_server: FeedServer, store: Path
) -> None:
    name = "listed"
    serve(feed_server, name, CALENDAR)
    add_and_sync(feed_server, store, name, feed_server.http(feed_path(name)))
    table = run(feed_server, "sync", "--calendars", str(store), "--format", "table")
    listed = run(feed_server, "source", "list", "--calendars", str(store))
    listed_table = run(
        feed_server, "source", "list", "--calendars", str(store), "--format", "table"
    )
    assert table.exit_code == listed.exit_code == listed_table.exit_code == 0
    assert "unchanged" in table.stdout
    assert_no_secret(table.output, listed.output, listed_table.output)
    [entry] = json.loads(listed.stdout)["sources"]
    assert entry["url"].startswith("http://127.0.0.1:") and entry["last_error"] is None
    shown = run(feed_server, "source", "list", "--calendars", str(store), "--show-secrets")
    assert SECRET in shown.stdout


# --- every way a feed can fail -----------------------------------------------------------------

FAILURES = {
    "500": ("status 500", "HTTP 500"),
    "404": ("status 404", "HTTP 404"),
    "401": ("auth someone s3cret", "HTTP 401"),
    "timeout": ("slow 6", "timed out"),
    "cut-short": ("cut", "cut short"),
    "garbage": ("garbage", "not whole iCalendar"),
    "oversize": ("big 101", "100 MiB"),
    "oversize-declared": ("bigdeclared", "100 MiB"),
    "redirect-loop": ("loop", "more than 5 redirects"),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_a_failing_feed_keeps_the_last_good_file_and_disconnects_the_member(
    case: str, feed_server: FeedServer, store: Path, tmp_path: Path
) -> None:
    mode, expected = FAILURES[case]
    name = f"fails-{case}"
    serve(feed_server, name, CALENDAR)
    assert add_and_sync(feed_server, store, name, feed_server.http(feed_path(name))).exit_code == 0
    before = (store / SUB / "work.ics").read_bytes()

    misbehave(feed_server, name, mode)
    failed = run(feed_server, "sync", "--calendars", str(store), "--timeout", "1.5")
    assert failed.exit_code == 4, failed.output
    [outcome] = sync_json(failed)
    assert outcome["status"] == "failed" and expected in outcome["error"]
    assert outcome["last_success"] is not None
    assert (store / SUB / "work.ics").read_bytes() == before
    assert [p.name for p in (store / SUB).iterdir() if p.name.startswith(".cronoslot")] == []

    body, result = query(feed_server, store, tmp_path)
    assert body["member_statuses"] == [{"sub": SUB, "sync_status": "disconnected"}]
    warning = result.stderr
    assert f"{SUB}/work" in warning and "last sync failed" in warning and " old" in warning
    # The last good file still answers.
    assert body["available_periods"][0]["end"] == "2027-04-22T10:00:00Z"
    state = (store / SUB / ".sync" / "work.json").read_text()
    assert_no_secret(failed.output, result.output, state)


def test_an_https_to_http_redirect_is_refused(
    feed_server: FeedServer, store: Path, tmp_path: Path
) -> None:
    # A real TLS server (a certificate made by the test) redirecting to plain http.
    name = "downgrade"
    serve(feed_server, name, CALENDAR)
    synced = add_and_sync(feed_server, store, name, feed_server.https(feed_path(name)))
    assert synced.exit_code == 0, synced.output
    misbehave(feed_server, name, "to-http")
    failed = run(feed_server, "sync", "--calendars", str(store))
    assert failed.exit_code == 4
    assert "from https to http" in sync_json(failed)[0]["error"]
    assert (store / SUB / "work.ics").read_bytes() == CALENDAR.encode()
    body, _ = query(feed_server, store, tmp_path)
    assert body["member_statuses"][0]["sync_status"] == "disconnected"
    assert_no_secret(failed.output)


def test_credentials_come_from_the_named_variable_and_are_never_stored(
    feed_server: FeedServer, store: Path
) -> None:
    name = "private"
    serve(feed_server, name, CALENDAR)
    misbehave(feed_server, name, "auth alice pa55w0rd-XYZ")
    url = feed_server.http(feed_path(name))
    added = run(
        feed_server, "source", "add", SUB, "work", url, "--username", "alice",
        "--password-env", "FEED_PASSWORD", "--calendars", str(store),
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    missing = run(feed_server, "sync", "--calendars", str(store))
    assert missing.exit_code == 4
    assert "FEED_PASSWORD is not set" in sync_json(missing)[0]["error"]
    env = {"SSL_CERT_FILE": str(feed_server.certificate), "FEED_PASSWORD": "pa55w0rd-XYZ"}
    synced = CliRunner().invoke(cli, ["sync", "--calendars", str(store)], env=env)
    assert synced.exit_code == 0, synced.output
    stored = "".join(p.read_text() for p in (store / SUB).rglob("*.json"))
    assert "pa55w0rd-XYZ" not in stored and "FEED_PASSWORD" in stored


def test_netrc_gives_the_password(feed_server: FeedServer, store: Path, tmp_path: Path) -> None:
    name = "netrc"
    serve(feed_server, name, CALENDAR)
    misbehave(feed_server, name, "auth bob n3trc-pass")
    home = tmp_path / "home"
    home.mkdir()
    netrc = home / ".netrc"
    netrc.write_text("machine 127.0.0.1 login bob password n3trc-pass\n")
    netrc.chmod(0o600)
    url = feed_server.http(feed_path(name))
    run(feed_server, "source", "add", SUB, "work", url, "--calendars", str(store))
    env = {"HOME": str(home)}
    synced = CliRunner().invoke(cli, ["sync", "--calendars", str(store)], env=env)
    assert synced.exit_code == 0, synced.output
    assert "n3trc-pass" not in synced.output


# --- source add, list, remove ---------------------------------------------------------------


def test_source_add_refuses_what_it_must(feed_server: FeedServer, store: Path) -> None:
    def add(*args: str) -> Result:
        return run(feed_server, "source", "add", *args, "--calendars", str(store))

    assert add(SUB, "work", "ftp://example.org/cal.ics").exit_code == 2
    assert add(SUB, "work", "not a url").exit_code == 2
    assert add(SUB, "../x", "https://example.org/a.ics").exit_code == 2
    with_password = add(SUB, "work", f"https://alice:{SECRET}@example.org/a.ics")
    assert with_password.exit_code == 2 and "--password-env" in with_password.output
    assert_no_secret(with_password.output)
    (store / SUB).mkdir(exist_ok=True)
    (store / SUB / "personal.ics").write_text(CALENDAR)
    plain = add(SUB, "personal", f"https://example.org/{SECRET}.ics")
    assert plain.exit_code == 2 and "--replace" in plain.output
    assert_no_secret(plain.output)
    assert add(SUB, "personal", "https://example.org/a.ics", "--replace").exit_code == 0
    again = add(SUB, "personal", "https://example.org/b.ics")
    assert again.exit_code == 2 and "already has a source" in again.output


def test_a_source_that_never_synced_is_pending_with_a_warning(
    feed_server: FeedServer, store: Path, tmp_path: Path
) -> None:
    url = f"https://calendar.example.org/{SECRET}/basic.ics"
    assert (
        run(feed_server, "source", "add", SUB, "work", url, "--calendars", str(store)).exit_code
        == 0
    )
    body, result = query(feed_server, store, tmp_path)
    assert body["member_statuses"] == [{"sub": SUB, "sync_status": "pending"}]
    assert "acc_a/work" in result.stderr and "looks free" in result.stderr
    assert_no_secret(result.output)


def test_source_remove_keeps_the_file_as_a_plain_calendar(
    feed_server: FeedServer, store: Path, tmp_path: Path
) -> None:
    name = "removed"
    serve(feed_server, name, CALENDAR)
    add_and_sync(feed_server, store, name, feed_server.http(feed_path(name)))
    removed = run(feed_server, "source", "remove", SUB, "work", "--calendars", str(store))
    assert removed.exit_code == 0, removed.output
    assert (store / SUB / "work.ics").exists()
    assert not (store / SUB / ".sync" / "work.json").exists()
    assert json.loads(run(feed_server, "source", "list", "--calendars", str(store)).stdout) == {
        "sources": []
    }
    body, _ = query(feed_server, store, tmp_path)
    assert body["member_statuses"][0]["sync_status"] == "active"
    missing = run(feed_server, "source", "remove", SUB, "work", "--calendars", str(store))
    assert missing.exit_code == 2


# --- --sync and --max-age on queries --------------------------------------------------------------


def test_query_sync_fetches_first_and_a_failure_is_a_warning(
    feed_server: FeedServer, store: Path, tmp_path: Path
) -> None:
    name = "query-sync"
    serve(feed_server, name, CALENDAR)
    url = feed_server.http(feed_path(name))
    run(feed_server, "source", "add", SUB, "work", url, "--calendars", str(store))
    body, _ = query(feed_server, store, tmp_path, "--sync")
    assert body["member_statuses"][0]["sync_status"] == "active"
    assert body["available_periods"][0]["end"] == "2027-04-22T10:00:00Z"
    misbehave(feed_server, name, "status 503")
    body, result = query(feed_server, store, tmp_path, "--sync")
    assert body["member_statuses"][0]["sync_status"] == "disconnected"
    assert "sync failed (HTTP 503" in result.stderr
    assert body["available_periods"][0]["end"] == "2027-04-22T10:00:00Z"
    busy = run(
        feed_server, "busy", SUB, "--from", "2027-04-22T00:00:00Z", "--to",
        "2027-04-23T00:00:00Z", "--calendars", str(store), "--sync",
    )  # fmt: skip
    assert busy.exit_code == 0 and "sync failed" in busy.stderr
    assert_no_secret(result.output, busy.output)


def test_max_age_disconnects_old_synced_data_and_old_plain_files(
    feed_server: FeedServer, store: Path, tmp_path: Path
) -> None:
    name = "aging"
    serve(feed_server, name, CALENDAR)
    add_and_sync(feed_server, store, name, feed_server.http(feed_path(name)))
    state_file = store / SUB / ".sync" / "work.json"
    state = json.loads(state_file.read_text())
    state["last_success"] = state["last_attempt"] = "2020-01-01T00:00:00Z"
    state_file.write_text(json.dumps(state))
    body, result = query(feed_server, store, tmp_path)
    assert body["member_statuses"][0]["sync_status"] == "disconnected"
    assert "older than the max age 24h" in result.stderr

    plain = store / "acc_b"
    plain.mkdir()
    (plain / "export.ics").write_text(CALENDAR)
    old = 1_600_000_000
    os.utime(plain / "export.ics", (old, old))
    request = {**REQUEST, "participants": [{"members": [{"sub": "acc_b"}], "required": "all"}]}
    (tmp_path / "b.json").write_text(json.dumps(request))
    args = ["availability", str(tmp_path / "b.json"), "--calendars", str(store), "--now", NOW]
    default = run(feed_server, *args)
    assert json.loads(default.stdout)["member_statuses"][0]["sync_status"] == "active"
    explicit = run(feed_server, *args, "--max-age", "90d")
    assert json.loads(explicit.stdout)["member_statuses"][0]["sync_status"] == "disconnected"
    assert "acc_b/export: its file is" in explicit.stderr and "90d" in explicit.stderr
    assert run(feed_server, *args, "--max-age", "soon").exit_code == 2


def test_an_empty_account_is_pending_with_a_warning(
    feed_server: FeedServer, store: Path, tmp_path: Path
) -> None:
    (store / SUB).mkdir()
    body, result = query(feed_server, store, tmp_path)
    assert body["member_statuses"] == [{"sub": SUB, "sync_status": "pending"}]
    assert "no calendars and no sources" in result.stderr


def test_sync_of_an_unknown_account_is_a_usage_error(feed_server: FeedServer, store: Path) -> None:
    assert run(feed_server, "sync", "acc_nobody", "--calendars", str(store)).exit_code == 2
    assert run(feed_server, "sync", "--calendars", str(store / "missing")).exit_code == 2
    empty = run(feed_server, "sync", "--calendars", str(store))
    assert empty.exit_code == 0 and json.loads(empty.stdout) == {"sources": []}


def test_sync_draws_its_bar_only_on_a_terminal(feed_server: FeedServer, store: Path) -> None:
    import io

    from cronoslot.cli.environment import Environment

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    name = "progress"
    serve(feed_server, name, CALENDAR)
    misbehave(feed_server, name, "slow 3")  # a sync that takes more than a second
    run(
        feed_server,
        "source",
        "add",
        SUB,
        "work",
        feed_server.http(feed_path(name)),
        "--calendars",
        str(store),
    )
    messages, output = Terminal(), io.StringIO()
    env = Environment(stdout=output, stderr=messages)
    args = ["sync", "--calendars", str(store), "--timeout", "1.5"]
    result = CliRunner().invoke(cli, args, obj=env, env={"HOME": str(feed_server.root.parent)})
    assert result.exit_code == 4
    assert "syncing calendars" in messages.getvalue()
    plain = run(feed_server, *args)
    assert "syncing" not in plain.output
