"""One iCalendar feed over HTTP(S): a conditional GET within a deadline and a size cap.

- ``If-None-Match`` with the stored ETag and ``If-Modified-Since`` with the stored
  Last-Modified; a 304 answer is "unchanged" (``FeedResponse.body`` is None).
- At most ``MAX_REDIRECTS`` redirects, never from https to http, never to another scheme.
  Credentials go only to the source's own scheme, host and port, and never over plain
  http except to a loopback address.
- ``timeout`` bounds the whole fetch (connecting, every redirect, headers and body): a
  watchdog shuts the socket down at the deadline, so a server that drips one byte a second
  cannot hold a sync for longer.
- The body may be at most ``MAX_BYTES``, counted on the bytes received (and again after
  gzip is undone), not on what Content-Length promises; a body shorter than its
  Content-Length is an error, not a smaller calendar.

Errors are ``FetchError``s whose message is safe to show: URLs in it are shown by
``redact.display_url`` only.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from .. import __version__
from .redact import display_url

MAX_BYTES = 100 * 1024 * 1024
MAX_REDIRECTS = 5
_CHUNK = 256 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """A fetch that failed; the message names no secret."""


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class FeedResponse:
    """The new body (None: the server said 304, unchanged) and its validators."""

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None


def is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def redirect_target(current: str, location: str) -> str:
    """The URL a redirect leads to, or ``FetchError`` when it must not be followed: another
    scheme than http(s), or from https down to http."""
    target = urljoin(current, location.strip())
    scheme = urlsplit(target).scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"refused a redirect to a {scheme or 'relative'} URL")
    if urlsplit(current).scheme.lower() == "https" and scheme == "http":
        raise FetchError(f"refused a redirect from https to http ({display_url(target)})")
    return target


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.hostname, parts.port


class _Watchdog:
    """Shuts the current connection's socket down when the deadline passes."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._lock = threading.Lock()
        self._connection: http.client.HTTPConnection | None = None
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            self._connection = connection
            if self.fired:
                self._shutdown()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shutdown()

    def _shutdown(self) -> None:
        sock = self._connection.sock if self._connection is not None else None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


def _connect(url: str, remaining: float) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme.lower() == "https":
        return http.client.HTTPSConnection(
            host, parts.port, timeout=remaining, context=ssl.create_default_context()
        )
    return http.client.HTTPConnection(host, parts.port, timeout=remaining)


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _headers(
    url: str,
    source_url: str,
    etag: str | None,
    last_modified: str | None,
    credentials: Credentials | None,
) -> dict[str, str]:
    headers = {
        "User-Agent": f"cronoslot/{__version__}",
        "Accept": "text/calendar, */*;q=0.1",
        "Accept-Encoding": "gzip, identity",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if credentials is not None and _origin(url) == _origin(source_url):
        scheme, host, _ = _origin(url)
        if scheme == "http" and not is_loopback(host):
            raise FetchError("refused to send a password over plain http (use https)")
        token = base64.b64encode(f"{credentials.username}:{credentials.password}".encode())
        headers["Authorization"] = f"Basic {token.decode('ascii')}"
    return headers


def _read_body(response: http.client.HTTPResponse, max_bytes: int, deadline: float) -> bytes:
    declared = response.getheader("Content-Length")
    length = int(declared) if declared and declared.strip().isdigit() else None
    if length is not None and length > max_bytes:
        raise FetchError(f"the body is larger than the {max_bytes // (1024 * 1024)} MiB cap")
    chunks: list[bytes] = []
    received = 0
    while True:
        try:
            chunk = response.read(_CHUNK)
        except http.client.IncompleteRead:
            raise FetchError("the body was cut short") from None
        if not chunk:
            break
        received += len(chunk)
        if received > max_bytes:
            raise FetchError(f"the body is larger than the {max_bytes // (1024 * 1024)} MiB cap")
        if time.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)
    if length is not None and received < length and not response.chunked:
        raise FetchError(f"the body was cut short ({received} of {length} bytes)")
    body = b"".join(chunks)
    if (response.getheader("Content-Encoding") or "").strip().lower() in ("gzip", "x-gzip"):
        body = _gunzip(body, max_bytes)
    return body


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    inflater = zlib.decompressobj(wbits=47)  # gzip or zlib, with its header
    try:
        body = inflater.decompress(data, max_bytes + 1)
    except zlib.error:
        raise FetchError("the gzip body is damaged") from None
    if len(body) > max_bytes:
        raise FetchError(f"the body is larger than the {max_bytes // (1024 * 1024)} MiB cap")
    if not inflater.eof:
        raise FetchError("the gzip body was cut short")
    return body


def _status_error(status: int, reason: str) -> FetchError:
    text = f"HTTP {status} {reason}".strip()
    if status in (401, 403):
        return FetchError(f"{text}: the server refused access (check the credentials)")
    if status == 404:
        return FetchError(f"{text}: no calendar at that URL any more")
    return FetchError(text)


def fetch_feed(
    url: str,
    *,
    timeout: float,
    etag: str | None = None,
    last_modified: str | None = None,
    credentials: Credentials | None = None,
    max_bytes: int = MAX_BYTES,
) -> FeedResponse:
    """GET ``url`` (conditionally, when a validator is given). Raises ``FetchError``."""
    deadline = time.monotonic() + timeout
    watchdog = _Watchdog(timeout)
    current = url
    connection: http.client.HTTPConnection | None = None
    try:
        for _ in range(MAX_REDIRECTS + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            connection = _connect(current, remaining)
            watchdog.watch(connection)
            headers = _headers(current, url, etag, last_modified, credentials)
            connection.request("GET", _request_target(current), headers=headers)
            watchdog.watch(connection)  # the socket exists now
            response = connection.getresponse()
            if response.status in _REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"HTTP {response.status} redirect without a Location")
                current = redirect_target(current, location)
                connection.close()
                continue
            if response.status == 304:
                return FeedResponse(None, response.getheader("ETag") or etag, last_modified)
            if response.status != 200:
                raise _status_error(response.status, response.reason)
            body = _read_body(response, max_bytes, deadline)
            if watchdog.fired:  # the end of the body may be the watchdog's doing
                raise TimeoutError
            return FeedResponse(
                body, response.getheader("ETag"), response.getheader("Last-Modified")
            )
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")
    except FetchError:
        if watchdog.fired:
            raise FetchError(f"timed out after {timeout:g}s") from None
        raise
    except TimeoutError:
        raise FetchError(f"timed out after {timeout:g}s") from None
    except ssl.SSLCertVerificationError as error:
        raise FetchError(f"TLS certificate not trusted: {error.verify_message}") from None
    except (OSError, http.client.HTTPException) as error:
        if watchdog.fired:
            raise FetchError(f"timed out after {timeout:g}s") from None
        raise FetchError(_network_error(error)) from None
    finally:
        watchdog.cancel()
        if connection is not None:
            connection.close()


def _network_error(error: Exception) -> str:
    if isinstance(error, socket.gaierror):
        return "the host name cannot be resolved"
    if isinstance(error, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(error, http.client.RemoteDisconnected | ConnectionResetError):
        return "the server closed the connection"
    if isinstance(error, ssl.SSLError):
        return f"TLS error: {error.reason or type(error).__name__}"
    if isinstance(error, http.client.HTTPException):
        return f"a broken HTTP answer ({type(error).__name__})"
    return f"network error: {getattr(error, 'strerror', None) or type(error).__name__}"


__all__ = [
    "MAX_BYTES",
    "MAX_REDIRECTS",
    "Credentials",
    "FeedResponse",
    "FetchError",
    "fetch_feed",
    "is_loopback",
    "redirect_target",
]
