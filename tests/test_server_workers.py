"""The worker pool, in this process, and what the server's modules may import."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

import cronoslot
from cronoslot.server.auth import Tokens
from cronoslot.server.settings import ServerSettings
from cronoslot.server.workers import QueryPool, _OncePerWarning

from .conftest import SAMPLES
from .layering import PACKAGE, files_of, forbidden_imports, imports_of, module_name

NOW = "2027-04-01T00:00:00Z"
SERVER = files_of("server")


@pytest.mark.parametrize("path", SERVER, ids=module_name)
def test_the_server_goes_through_the_front_door(path: Path) -> None:
    # An adapter: the session answers; the engine, store, cache and parsers stay behind it.
    forbidden = forbidden_imports(
        path,
        "cronoslot.engine",
        "cronoslot.store",
        "cronoslot.cache",
        "cronoslot.ical",
        "cronoslot.solve",
        "cronoslot.api",
        "cronoslot.cli",
        "click",
        "rich",
    )
    assert forbidden == [], f"{module_name(path)} imports {forbidden}"


@pytest.mark.parametrize("path", SERVER, ids=module_name)
def test_only_app_and_run_need_the_serve_extra(path: Path) -> None:
    extra = forbidden_imports(path, "starlette", "uvicorn")
    if path.stem not in ("app", "run"):
        assert extra == [], f"{module_name(path)} imports {extra}"


def test_the_checks_see_the_server() -> None:
    assert {path.stem for path in SERVER} >= {"app", "workers", "settings", "run"}
    assert "cronoslot.session" in imports_of(PACKAGE / "server" / "workers.py")


def test_a_pool_answers_as_the_session_does(tmp_path: Path) -> None:
    settings = ServerSettings(
        calendars=SAMPLES / "calendars",
        tokens=Tokens(["t"]),
        workers=1,
        cache=str(tmp_path / "cache"),
        now=NOW,
    )
    pool = QueryPool(settings, log=lambda line: None)
    pool.start()
    try:
        slots = (SAMPLES / "requests" / "slots.json").read_bytes()
        loop = (SAMPLES / "requests" / "interview-loop.json").read_bytes()

        async def ask() -> list[tuple[int, bytes]]:
            return list(
                await asyncio.gather(
                    pool.answer("availability", slots),
                    pool.answer("sequence", loop),
                    pool.answer("availability", b"{}"),
                )
            )

        replies = asyncio.run(ask())
    finally:
        pool.close()
    with cronoslot.open(SAMPLES / "calendars", now=NOW, cache=False) as session:
        assert replies[0] == (
            200,
            json.dumps(session.availability(slots), separators=(",", ":")).encode(),
        )
        assert json.loads(replies[1][1]) == session.sequence(loop)
        with pytest.raises(cronoslot.InvalidRequest) as raised:
            session.availability(b"{}")
    assert replies[2][0] == 422
    assert json.loads(replies[2][1]) == raised.value.body


def test_a_closed_pool_refuses_work() -> None:
    settings = ServerSettings(calendars=SAMPLES / "calendars", tokens=None, workers=1)
    pool = QueryPool(settings, log=lambda line: None)
    with pytest.raises(RuntimeError):
        asyncio.run(pool.answer("availability", b"{}"))
    pool.close()  # idempotent, also when never started


def test_each_warning_is_logged_once() -> None:
    lines: list[str] = []
    once = _OncePerWarning(lines.append)
    for message in ("a broken event\nin work.ics", "another", "a broken event\nin work.ics"):
        once(message)
    assert lines == ["warning: a broken event in work.ics", "warning: another"]


def test_a_long_warning_is_shortened() -> None:
    lines: list[str] = []
    _OncePerWarning(lines.append)("unknown key '" + "k" * 5000 + "' ignored")
    assert len(lines[0]) < 600 and lines[0].endswith("...")
