"""Where an account's calendars live: ``SUB/sources.json``, parsed and written purely.

The file (mode 0600: feed URLs are credentials) is one JSON object::

    {"sources": [
      {"calendar_id": "work", "kind": "ics", "url": "https://calendar.google.com/...",
       "username": null, "password_env": null},
      {"calendar_id": "team", "kind": "caldav", "url": "https://dav.example.org/cal/team/",
       "username": "alice", "password_env": "TEAM_DAV_PASSWORD"}
    ]}

- ``calendar_id`` names the file a sync writes, ``SUB/CALENDAR_ID.ics``; one source per
  calendar.
- ``kind`` is ``ics`` (an iCalendar feed fetched with a conditional GET) or ``caldav`` (the
  URL of a CalDAV calendar collection). Whoever needs to write to an account's calendar
  server (booking, say) finds it as ``caldav_sources(store.sources(sub))``.
- ``url`` is ``https://`` or ``http://`` (``webcal://`` is stored as ``https://``).
- Passwords are never stored: ``password_env`` names the environment variable that holds
  one; without it, ``~/.netrc`` is asked for the URL's host at sync time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import CalendarDataError
from ..names import valid_name
from .redact import display_url, fingerprint

SOURCES_FILE = "sources.json"
SOURCES_MODE = 0o600
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYS = frozenset({"calendar_id", "kind", "url", "username", "password_env"})


class SourceKind(StrEnum):
    ICS = "ics"
    CALDAV = "caldav"


@dataclass(frozen=True)
class Source:
    """One calendar's source: where ``SUB/CALENDAR_ID.ics`` is fetched from."""

    sub: str
    calendar_id: str
    url: str = field(repr=False)  # a credential: never in a repr, a log or a traceback
    kind: SourceKind = SourceKind.ICS
    username: str | None = None
    password_env: str | None = None

    @property
    def shown(self) -> str:
        """The URL as it may be shown: scheme, host and fingerprint."""
        return display_url(self.url)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.url)

    def to_json(self) -> dict[str, Any]:
        return {
            "calendar_id": self.calendar_id,
            "kind": str(self.kind),
            "url": self.url,
            "username": self.username,
            "password_env": self.password_env,
        }


def normalise_url(url: str) -> str:
    """The URL as stored: ``webcal://`` read as ``https://``, the scheme and host in lower
    case. Raises ``ValueError`` (with a message that never quotes the URL) for anything but
    an http(s) or webcal URL with a host."""
    if any(character.isspace() for character in url):
        raise ValueError("a URL cannot contain spaces")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "webcal":
        scheme = "https"
    if scheme not in ("http", "https"):
        shown = f"'{scheme}://'" if scheme else "no scheme"
        raise ValueError(f"the URL must start with https://, http:// or webcal:// (it has {shown})")
    if not parts.hostname:
        raise ValueError("the URL has no host")
    try:
        parts.port  # noqa: B018 (a bad port raises here)
    except ValueError:
        raise ValueError("the URL has a port that is not a number") from None
    netloc = parts.netloc
    host_start = netloc.rfind("@") + 1
    netloc = netloc[:host_start] + netloc[host_start:].lower()
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def valid_env_name(name: str) -> bool:
    return _ENV_NAME.fullmatch(name) is not None


def _fail(path: Path, where: str, message: str) -> CalendarDataError:
    return CalendarDataError(path, f"{where}: {message}")


def _optional_text(entry: dict[str, Any], key: str, path: Path, where: str) -> str | None:
    value = entry.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise _fail(path, f"{where}.{key}", "must be a non-empty string or null")
    return value


def _parse_entry(entry: Any, sub: str, path: Path, where: str) -> Source:
    if not isinstance(entry, dict):
        raise _fail(path, where, "must be an object")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise _fail(path, where, f"unknown key {unknown[0]!r}")
    calendar_id = entry.get("calendar_id")
    if not isinstance(calendar_id, str) or not valid_name(calendar_id):
        raise _fail(path, f"{where}.calendar_id", "must be a valid calendar id")
    kind = entry.get("kind", "ics")
    if kind not in {str(k) for k in SourceKind}:
        raise _fail(path, f"{where}.kind", "must be 'ics' or 'caldav'")
    url = entry.get("url")
    if not isinstance(url, str):
        raise _fail(path, f"{where}.url", "must be a string")
    try:
        url = normalise_url(url)
    except ValueError as error:
        raise _fail(path, f"{where}.url", str(error)) from None
    password_env = _optional_text(entry, "password_env", path, where)
    if password_env is not None and not valid_env_name(password_env):
        raise _fail(path, f"{where}.password_env", "must be an environment variable name")
    return Source(
        sub,
        calendar_id,
        url,
        SourceKind(kind),
        _optional_text(entry, "username", path, where),
        password_env,
    )


def parse_sources(value: Any, path: Path, sub: str) -> tuple[Source, ...]:
    """The sources of account ``sub`` from the decoded ``sources.json``, sorted by calendar
    id. Raises ``CalendarDataError`` naming the file and the entry (never a URL)."""
    if not isinstance(value, dict) or not isinstance(value.get("sources"), list):
        raise CalendarDataError(path, 'must be an object {"sources": [...]}')
    sources: dict[str, Source] = {}
    for index, entry in enumerate(value["sources"]):
        source = _parse_entry(entry, sub, path, f"sources[{index}]")
        if source.calendar_id in sources:
            raise _fail(path, f"sources[{index}].calendar_id", "a second source for one calendar")
        sources[source.calendar_id] = source
    return tuple(sources[calendar_id] for calendar_id in sorted(sources))


def sources_json(sources: Iterable[Source]) -> bytes:
    """The file's bytes for ``sources`` (sorted by calendar id)."""
    entries = [source.to_json() for source in sorted(sources, key=lambda s: s.calendar_id)]
    return (json.dumps({"sources": entries}, indent=2) + "\n").encode("utf-8")


def caldav_sources(sources: Iterable[Source]) -> tuple[Source, ...]:
    """The CalDAV sources among ``sources``: the calendars whose server can be written to."""
    return tuple(source for source in sources if source.kind is SourceKind.CALDAV)


__all__ = [
    "SOURCES_FILE",
    "SOURCES_MODE",
    "Source",
    "SourceKind",
    "caldav_sources",
    "normalise_url",
    "parse_sources",
    "sources_json",
    "valid_env_name",
]
