"""The server's settings: checked before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from cronoslot.errors import UsageError
from cronoslot.server.auth import TOKEN_VARIABLE, Tokens
from cronoslot.server.settings import ServerSettings, default_workers, is_loopback, tokens_for

from .conftest import SAMPLES

STORE = SAMPLES / "calendars"


def test_loopback_hosts() -> None:
    for host in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "::", "192.168.1.10", "example.org", "10.0.0.1"):
        assert not is_loopback(host), host


def test_without_any_token_the_server_refuses() -> None:
    with pytest.raises(UsageError, match="no token"):
        ServerSettings(calendars=STORE, tokens=Tokens())


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.org"])
def test_no_auth_only_on_a_loopback_host(host: str) -> None:
    with pytest.raises(UsageError, match="loopback"):
        ServerSettings(calendars=STORE, tokens=None, host=host)
    ServerSettings(calendars=STORE, tokens=None, host="127.0.0.1")
    ServerSettings(calendars=STORE, tokens=Tokens(["t"]), host=host)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"port": 70000}, "--port"),
        ({"port": -1}, "--port"),
        ({"workers": 0}, "--workers"),
        ({"max_body": 0}, "--max-body"),
        ({"request_timeout": 0.0}, "--request-timeout"),
        ({"request_timeout": float("nan")}, "--request-timeout"),
        ({"request_timeout": float("inf")}, "--request-timeout"),
        ({"now": "tomorrow"}, "--now"),
        ({"calendars": Path("/nonexistent/store")}, "calendar store"),
    ],
)
def test_unusable_settings_are_usage_errors(change: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"calendars": STORE, "tokens": Tokens(["t"]), **change}
    with pytest.raises(UsageError, match=message):
        ServerSettings(**arguments)  # type: ignore[arg-type]


def test_fractions_of_a_second_are_a_timeout() -> None:
    assert (
        ServerSettings(calendars=STORE, tokens=None, request_timeout=0.25).request_timeout == 0.25
    )


def test_no_auth_ignores_the_environment_but_refuses_a_token_file(tmp_path: Path) -> None:
    assert tokens_for(None, True, {TOKEN_VARIABLE: "t"}) is None
    with pytest.raises(UsageError, match="contradict"):
        tokens_for(str(tmp_path / "tokens"), True, {})
    tokens = tokens_for(None, False, {TOKEN_VARIABLE: "t"})
    assert tokens is not None and len(tokens) == 1


def test_default_workers_is_at_least_one() -> None:
    assert default_workers() >= 1
