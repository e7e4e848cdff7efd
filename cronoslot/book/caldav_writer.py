"""One CalDAV calendar collection, written one calendar object at a time, always with a
precondition, through the ``caldav`` package's client (the optional extra, imported only
when a booking calendar lives on a server).

Why the client's plain ``request`` and not ``save(no_overwrite=True)``: ``save`` decides by
itself whether to send ``If-None-Match: *`` or to search for the UID first (a check, then a
write: the race this module exists to close), re-serialises the object and may bump its
SEQUENCE; ``delete(if_match=...)`` would do, but one path for both is clearer. The client
still brings what sync relies on too: Basic, Digest or Bearer authentication as the server
asks, and TLS.

- ``put(path, text, etag=None)`` sends ``If-None-Match: *`` (a new object: the server
  refuses when one exists at that path), ``put(path, text, etag=E)`` sends ``If-Match: E``
  (the server refuses when the object is no longer the version cronoslot last saw, or is
  gone). ``delete(path, etag=E)`` sends ``If-Match: E``. A refusal (412) is
  ``PreconditionFailed``; anything else that goes wrong is ``WriteFailed``, with a message
  that names no secret (URLs as ``redact.display_url`` shows them).
- A PUT answer without an ETag (a server that changed the data as it stored it) is
  followed by a GET of the object, whose ETag and text are then the version last seen.
- ``timeout`` bounds each request (connecting and every read): a server that does not
  answer fails the write after that long. Such a write may still have been carried out
  (``WriteFailed.uncertain``); ``get`` tells what the server holds.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from ..sync.caldav_source import INSTALL_HINT, describe_error
from ..sync.feeds import Credentials, is_loopback
from ..sync.redact import redact_text, secrets_of
from ..sync.sources import Source

_QUIET = logging.NullHandler()
_CONTENT_TYPE = {"Content-Type": "text/calendar; charset=utf-8"}
_DONE = frozenset({200, 201, 204})
# The HTTP libraries' errors that mean no connection was made.
_CONNECTING = frozenset(
    {"NewConnectionError", "ConnectTimeout", "ConnectTimeoutError", "NameResolutionError"}
)


class PreconditionFailed(Exception):
    """The server refused a conditional write (HTTP 412)."""


class WriteFailed(Exception):
    """A write that failed for another reason; the message names no secret.
    ``uncertain``: the request may have reached the server and been carried out (no
    answer came back), as opposed to refused, or never sent (no connection was made)."""

    def __init__(self, message: str, *, uncertain: bool = False) -> None:
        super().__init__(message)
        self.uncertain = uncertain


@dataclass(frozen=True)
class Stored:
    """What the server holds after a PUT: its ETag (None when it gave none, even when
    asked again) and, when it had to be asked again, its text."""

    etag: str | None
    text: str | None = None


def collection_path(url: str) -> str:
    """The path of a collection URL, ending with ``/``."""
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else path + "/"


class CollectionWriter:
    """Writes the objects of the collection ``source.url``. Raises ``WriteFailed`` when
    the ``caldav`` extra is missing, or when a password would go over plain http to
    another host than this one."""

    def __init__(self, source: Source, credentials: Credentials | None, timeout: float) -> None:
        self.source = source
        self.timeout = timeout
        self._secrets = secrets_of(
            source.url, None if credentials is None else credentials.password
        )
        parts = urlsplit(source.url)
        if credentials is not None and parts.scheme == "http" and not is_loopback(parts.hostname):
            raise WriteFailed("refused to send a password over plain http (use https)")
        try:
            from caldav.davclient import DAVClient
        except ImportError:
            raise WriteFailed(
                f"CalDAV booking calendars need the caldav package: {INSTALL_HINT}"
            ) from None
        # caldav logs through ``logging``; with no handler Python would print its warnings
        # (which may quote URLs) on stderr.
        logging.getLogger("caldav").addHandler(_QUIET)
        self._client: Any = DAVClient(
            url=source.url,
            username=None if credentials is None else credentials.username,
            password=None if credentials is None else credentials.password,
            timeout=max(1, int(timeout + 0.999)),
            enable_rfc6764=False,
        )

    def url_of(self, path: str) -> str:
        """The URL of the object at ``path`` (unquoted, as a snapshot keeps it)."""
        parts = urlsplit(self.source.url)
        return urlunsplit((parts.scheme, parts.netloc, quote(path, safe="/@:+,;=~!$&'()*"), "", ""))

    def put(self, path: str, text: str, *, etag: str | None) -> Stored:
        condition = {"If-None-Match": "*"} if etag is None else {"If-Match": etag}
        response = self._request("PUT", path, text, {**_CONTENT_TYPE, **condition})
        self._check(response, "PUT")
        stored = _etag(response)
        if stored is not None:
            return Stored(stored)
        return self.get(path) or Stored(None)

    def get(self, path: str) -> Stored | None:
        """The object's ETag and text as the server holds them; None when it has none."""
        response = self._request("GET", path, "", {})
        if response.status == 404:
            return None
        if response.status != 200:
            return Stored(None)
        raw = getattr(response, "raw", None)
        return Stored(_etag(response), raw if isinstance(raw, str) else None)

    def delete(self, path: str, *, etag: str | None) -> bool:
        """Delete the object (only that version, given its ``etag``); False when it was
        already gone (404)."""
        response = self._request("DELETE", path, "", {} if etag is None else {"If-Match": etag})
        if response.status == 404:
            return False
        self._check(response, "DELETE")
        return True

    def close(self) -> None:
        with suppress(Exception):  # best effort: the answer is already known
            self._client.close()

    def _request(self, method: str, path: str, body: str, headers: dict[str, str]) -> Any:
        try:
            return self._client.request(self.url_of(path), method, body, headers)
        except Exception as error:  # the client's and niquests' errors, all of them
            message = self._shown(_describe(error, self.timeout))
            raise WriteFailed(message, uncertain=not _never_sent(error)) from None

    def _check(self, response: Any, method: str) -> None:
        status = int(response.status)
        if status == 412:
            raise PreconditionFailed
        if status not in _DONE:
            reason = " ".join(str(getattr(response, "reason", "") or "").split())[:100]
            raise WriteFailed(self._shown(f"{method} answered HTTP {status} {reason}".strip()))

    def _shown(self, text: str) -> str:
        return redact_text(text, self._secrets)


def _etag(response: Any) -> str | None:
    headers = getattr(response, "headers", None) or {}
    etag = headers.get("ETag")
    return etag if isinstance(etag, str) and etag and not etag.startswith("W/") else None


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _never_sent(error: BaseException) -> bool:
    """Whether the request failed before a connection was made (refused, no such host,
    no connection within the timeout): the server cannot have carried it out."""
    for cause in _causes(error):
        if isinstance(cause, ConnectionRefusedError | socket.gaierror):
            return True
        if type(cause).__name__ in _CONNECTING:
            return True
    return False


def _describe(error: BaseException, timeout: float) -> str:
    """As a sync describes it, saying which timeout passed, and when the connection
    failed."""
    name = type(error).__name__
    if isinstance(error, TimeoutError) or "Timeout" in name:
        return f"no answer within {timeout:g}s"
    if "ConnectionError" in name or isinstance(error, ConnectionError):
        return f"cannot connect to the server ({name})"
    return describe_error(error)


__all__ = [
    "CollectionWriter",
    "PreconditionFailed",
    "Stored",
    "WriteFailed",
    "collection_path",
]
