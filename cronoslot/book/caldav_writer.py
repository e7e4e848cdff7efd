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
  answer fails the write after that long.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from ..sync.caldav_source import INSTALL_HINT
from ..sync.feeds import Credentials, is_loopback
from ..sync.redact import redact_text, secrets_of
from ..sync.sources import Source

_QUIET = logging.NullHandler()
_CONTENT_TYPE = {"Content-Type": "text/calendar; charset=utf-8"}
_DONE = frozenset({200, 201, 204})


class PreconditionFailed(Exception):
    """The server refused a conditional write (HTTP 412)."""


class WriteFailed(Exception):
    """A write that failed for another reason; the message names no secret."""


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
        again = self._request("GET", path, "", {})
        if again.status != 200:
            return Stored(None)
        raw = getattr(again, "raw", None)
        return Stored(_etag(again), raw if isinstance(raw, str) else None)

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
            raise WriteFailed(self._shown(_describe(error, self.timeout))) from None

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


def _describe(error: BaseException, timeout: float) -> str:
    name = type(error).__name__
    if "Authorization" in name:
        return f"the server refused access (check the credentials): {name}"
    if isinstance(error, TimeoutError) or "Timeout" in name:
        return f"no answer within {timeout:g}s"
    if "ConnectionError" in name or isinstance(error, ConnectionError):
        return f"cannot connect to the server ({name})"
    detail = " ".join(str(error).split())[:300]
    return f"{name}: {detail}" if detail else name


__all__ = [
    "CollectionWriter",
    "PreconditionFailed",
    "Stored",
    "WriteFailed",
    "collection_path",
]
