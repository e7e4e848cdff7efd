"""The ASGI application (starlette): two query routes, a health check, and around them the
access log (with the last guard against unexpected failures) and authentication.

A request passes, in order: the access log, which times it and writes its one line; the
token check (``/healthz`` needs none); the router (404, 405); the content type (415); the
body, read in chunks and refused past ``--max-body`` (413) without reading the rest; the
worker pool. ``--request-timeout`` bounds reading the body and answering together (503).
Every reply sent before the body was read whole closes the connection, so a refused
client cannot make the server read what it keeps sending.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import responses
from .auth import Tokens
from .responses import Reply
from .settings import ServerSettings
from .workers import Kind, Log, QueryPool, log_line

HEALTH_PATH = "/healthz"
QUERY_PATHS: dict[str, Kind] = {
    "/v1/availability": "availability",
    "/v1/sequenced_availability": "sequence",
}
_CLOSE = {"connection": "close"}
_LOGGED_PATH_LENGTH = 200


def _response(reply: Reply, headers: dict[str, str] | None = None) -> Response:
    status, body = reply
    return Response(body, status_code=status, media_type=responses.JSON_TYPE, headers=headers)


async def _send_reply(send: Send, reply: Reply, headers: dict[str, str]) -> None:
    status, body = reply
    raw_headers = [
        (b"content-type", responses.JSON_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        *((name.encode(), value.encode()) for name, value in headers.items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return None


def _logged_path(scope: Scope) -> str:
    """The path as sent (still percent-encoded: no decoded newline can forge a log line),
    without its query string, shortened."""
    raw = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "replace")
    text = bytes(raw).split(b"?", 1)[0].decode("ascii", "backslashreplace")
    return text if len(text) <= _LOGGED_PATH_LENGTH else text[:_LOGGED_PATH_LENGTH] + "..."


class AccessLog:
    """Writes exactly one line per request (method, path, status, milliseconds; never a
    header or a body), and turns any failure that escapes the application into the
    generic 500, its details to the log."""

    def __init__(self, app: ASGIApp, settings: ServerSettings, log: Log) -> None:
        self.app, self.settings, self.log = app, settings, log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: int | None = None

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        except Exception as error:
            reply = responses.for_error(error, self.settings.calendars, self.log)
            if status is None:
                await _send_reply(noting_status, reply, _CLOSE)
        finally:
            milliseconds = (time.perf_counter() - started) * 1000
            shown = "-" if status is None else str(status)
            method = str(scope.get("method", "-"))
            self.log(f"access: {method} {_logged_path(scope)} {shown} {milliseconds:.1f}ms")


class Authenticate:
    """401 unless ``Authorization: Bearer TOKEN`` carries an accepted token (``tokens``
    None: ``--no-auth``). The health check is open."""

    def __init__(self, app: ASGIApp, tokens: Tokens | None) -> None:
        self.app, self.tokens = app, tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or self.tokens is None
            or scope.get("path") == HEALTH_PATH
            or self.tokens.accepts(_header(scope, b"authorization"))
        ):
            await self.app(scope, receive, send)
            return
        headers = {"www-authenticate": 'Bearer realm="cronoslot"', **_CLOSE}
        await _send_reply(send, responses.unauthorized(), headers)


def _is_json(content_type: str | None) -> bool:
    if content_type is None:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it is known to be over ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def _query_endpoint(
    kind: Kind, settings: ServerSettings, pool: QueryPool
) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        if not _is_json(request.headers.get("content-type")):
            return _response(responses.unsupported_type(), _CLOSE)
        body_read = False
        try:
            async with asyncio.timeout(settings.request_timeout):
                body = await _read_body(request, settings.max_body)
                if body is None:
                    return _response(responses.too_large(settings.max_body), _CLOSE)
                body_read = True
                return _response(await pool.answer(kind, body))
        except TimeoutError:
            return _response(
                responses.timed_out(settings.request_timeout), None if body_read else _CLOSE
            )
        except ClientDisconnect:
            reply = responses.problem(400, "incomplete_body", "the body ended early")
            return _response(reply, _CLOSE)

    return endpoint


async def _health(request: Request) -> Response:
    return _response(responses.healthy())


async def _http_error(request: Request, error: Exception) -> Response:
    """The router's 404 and 405, as JSON like every other reply."""
    assert isinstance(error, HTTPException)
    if error.status_code == 405:
        return _response(responses.method_not_allowed(), {**(error.headers or {}), **_CLOSE})
    if error.status_code == 404:
        return _response(responses.not_found(), _CLOSE)
    detail = error.detail or "the request cannot be handled"
    return _response(responses.problem(error.status_code, "http_error", detail), _CLOSE)


def build_app(settings: ServerSettings, pool: QueryPool, log: Log = log_line) -> Starlette:
    """The application over a started ``pool``; it closes the pool when the server stops."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            pool.close()
            log("cronoslot serve: stopped")

    routes = [Route(HEALTH_PATH, _health, methods=["GET"])]
    routes += [
        Route(path, _query_endpoint(kind, settings, pool), methods=["POST"])
        for path, kind in QUERY_PATHS.items()
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(AccessLog, settings=settings, log=log),
            Middleware(Authenticate, tokens=settings.tokens),
        ],
        exception_handlers={HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False  # "/v1/availability/" is a 404 like any unknown path
    return app


__all__ = ["HEALTH_PATH", "QUERY_PATHS", "build_app"]
