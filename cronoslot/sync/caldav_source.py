"""One CalDAV calendar collection, through the ``caldav`` package (an optional extra:
``pip install 'cronoslot[caldav]'``), imported only when a CalDAV source syncs.

- The raw calendar objects are fetched, never a server-side expansion: cronoslot expands
  recurrences itself.
- With a sync token from the last sync (RFC 6578), only what changed since is asked for;
  without one, or when the server cannot do it (``caldav`` then lists everything and gives
  a ``fake-`` token), the listing is complete and replaces the snapshot.
- The snapshot (each object's text and ETag by its path, and the token) is kept in
  ``SUB/.sync/CALENDAR_ID.caldav.json`` (mode 0600), so that a change can be applied to it;
  the calendar file is written from it as one VCALENDAR with each VTIMEZONE once per TZID.
  The ETags are what ``book`` sends as ``If-Match`` when it changes an object of a booking
  calendar that lives on the server (``cronoslot.book.remote``), which also updates the
  snapshot with what it put; a snapshot written before ETags were kept has no token, so
  the next sync lists everything again.
- A booking calendar (the file carries ``X-CRONOSLOT-CALENDAR``) stays one: the file
  written from the snapshot carries the mark too (``merge_objects(..., booking=True)``).
- ``timeout`` bounds the whole fetch: it runs in a thread of its own, and a fetch still
  running at the deadline is abandoned (each of its requests has the same timeout, so the
  thread ends soon after) and reported as timed out.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..book.events import CALENDAR_MARK
from ..ical.text import NotICalendar, RawComponent, split_calendar_text
from .feeds import Credentials, FetchError, is_loopback
from .redact import redact_text, secrets_of
from .sources import Source
from .state import sync_folder

INSTALL_HINT = "pip install 'cronoslot[caldav]'"
_PRODID = "-//cronoslot//sync//EN"
_QUIET = logging.NullHandler()


@dataclass(frozen=True)
class Snapshot:
    """A collection as last seen: each object's iCalendar text, and its ETag when the
    server gave one, by its path."""

    source: str  # the fingerprint of the source's URL
    sync_token: str | None = None
    objects: Mapping[str, str] = field(default_factory=dict)
    etags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Fetched:
    snapshot: Snapshot
    incremental: bool  # only the changes since the last token were fetched
    changed: int  # objects added or changed
    removed: int


def snapshot_path(account: Path, calendar_id: str) -> Path:
    return sync_folder(account) / f"{calendar_id}.caldav.json"


def read_snapshot(account: Path, calendar_id: str, fingerprint: str) -> Snapshot | None:
    """The last snapshot of this source, or None (none, unreadable, or another URL's)."""
    try:
        value = json.loads(snapshot_path(account, calendar_id).read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or value.get("source") != fingerprint:
        return None
    token, objects, etags = value.get("sync_token"), value.get("objects"), value.get("etags")
    if not isinstance(objects, dict) or not all(isinstance(text, str) for text in objects.values()):
        return None
    if not isinstance(etags, dict):
        token, etags = None, {}  # written before ETags were kept: list everything again
    etags = {
        path: etag for path, etag in etags.items() if path in objects and isinstance(etag, str)
    }
    return Snapshot(fingerprint, token if isinstance(token, str) else None, objects, etags)


def write_snapshot(account: Path, calendar_id: str, snapshot: Snapshot) -> None:
    from ..store.writer import atomic_write

    body: dict[str, Any] = {"source": snapshot.source, "sync_token": snapshot.sync_token}
    body["objects"] = dict(sorted(snapshot.objects.items()))
    body["etags"] = dict(sorted(snapshot.etags.items()))
    data = json.dumps(body, indent=1).encode("utf-8")
    sync_folder(account).mkdir(mode=0o700, exist_ok=True)
    atomic_write(snapshot_path(account, calendar_id), data, mode=0o600)


# --- one VCALENDAR from many objects -----------------------------------------------------------


def _tzid(component: RawComponent) -> str:
    depth = 0
    for line in component.lines[1:]:
        if line.name == "BEGIN":
            depth += 1
        elif line.name == "END":
            depth -= 1
        elif line.name == "TZID" and depth == 0:
            return line.value.strip()
    return ""


def merge_objects(objects: Mapping[str, str], *, booking: bool = False) -> tuple[bytes, int]:
    """One VCALENDAR holding every object's components (in path order), each VTIMEZONE once
    per TZID, marked as a booking calendar when ``booking``; and how many objects were left
    out because they are not iCalendar."""
    timezones: dict[str, str] = {}
    components: list[str] = []
    left_out = 0
    for path in sorted(objects):
        try:
            split = split_calendar_text(objects[path])
        except NotICalendar:
            left_out += 1
            continue
        for calendar in split.calendars:
            for component in calendar.components:
                text = component.to_bytes().decode("utf-8")
                if component.name == "VTIMEZONE":
                    timezones.setdefault(_tzid(component), text)
                else:
                    components.append(text)
    head = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{_PRODID}\r\n"
    if booking:
        head += f"{CALENDAR_MARK}:bookings\r\n"
    body = head + "".join(timezones.values()) + "".join(components) + "END:VCALENDAR\r\n"
    return body.encode("utf-8"), left_out


# --- the fetch -----------------------------------------------------------------------------------


def _object_path(obj: Any) -> str:
    return unquote(urlsplit(str(obj.url)).path)


def _object_text(obj: Any) -> str | None:
    data = getattr(obj, "data", None)
    if data is None:
        return None
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)


def _object_etag(obj: Any) -> str | None:
    etag = getattr(obj, "etag", None)  # from the GET that loaded it: the data's own ETag
    return etag if isinstance(etag, str) and etag else None


def _listed(result: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The texts and ETags of every object of a listing, by path."""
    objects: dict[str, str] = {}
    etags: dict[str, str] = {}
    for obj in result:
        text = _object_text(obj)
        if text is None:
            continue
        path = _object_path(obj)
        objects[path] = text
        if (etag := _object_etag(obj)) is not None:
            etags[path] = etag
    return objects, etags


def _complete_listing(calendar: Any, fingerprint: str) -> Fetched:
    result = calendar.objects_by_sync_token(sync_token=None, load_objects=True)
    objects, etags = _listed(result)
    token = None if result.sync_token is None else str(result.sync_token)
    return Fetched(Snapshot(fingerprint, token, objects, etags), False, len(objects), 0)


def _changes(calendar: Any, previous: Snapshot) -> Fetched | None:
    """The previous snapshot with the changes since its token applied; None when the token
    is not accepted any more (the caller lists everything)."""
    from caldav.lib import error

    try:
        result = calendar.objects_by_sync_token(sync_token=previous.sync_token, load_objects=True)
    except error.DAVError:
        return None
    token = None if result.sync_token is None else str(result.sync_token)
    if getattr(result, "truncated", False):
        raise FetchError("the server kept truncating its list of changes")
    if token is not None and token.startswith("fake-"):
        # caldav's own fallback: a complete listing (or none when nothing changed).
        if token == previous.sync_token:
            return Fetched(previous, True, 0, 0)
        objects, etags = _listed(result)
        return Fetched(Snapshot(previous.source, token, objects, etags), False, len(objects), 0)
    deleted = {unquote(urlsplit(str(url)).path) for url in getattr(result, "deleted_urls", ())}
    objects = dict(previous.objects)
    etags = dict(previous.etags)
    changed = removed = 0
    for obj in result:
        path = _object_path(obj)
        text = _object_text(obj)
        etags.pop(path, None)
        if text is None or path in deleted:
            removed += objects.pop(path, None) is not None
        else:
            objects[path] = text
            if (etag := _object_etag(obj)) is not None:
                etags[path] = etag
            changed += 1
    return Fetched(Snapshot(previous.source, token, objects, etags), True, changed, removed)


def _fetch(
    source: Source, credentials: Credentials | None, previous: Snapshot | None, timeout: float
) -> Fetched:
    from caldav.davclient import DAVClient

    # caldav logs through ``logging``; with no handler Python would print its warnings
    # (which may quote URLs) on stderr.
    logging.getLogger("caldav").addHandler(_QUIET)
    client: Any = DAVClient(
        url=source.url,
        username=None if credentials is None else credentials.username,
        password=None if credentials is None else credentials.password,
        timeout=max(1, int(timeout + 0.999)),
    )
    with client:
        calendar = client.calendar(url=source.url)
        if previous is not None and previous.sync_token is not None:
            fetched = _changes(calendar, previous)
            if fetched is not None:
                return fetched
        return _complete_listing(calendar, source.fingerprint)


def fetch_collection(
    source: Source,
    credentials: Credentials | None,
    previous: Snapshot | None,
    timeout: float,
) -> Fetched:
    """The collection now, as a snapshot. Raises ``FetchError`` (secret-free)."""
    parts = urlsplit(source.url)
    if credentials is not None and parts.scheme == "http" and not is_loopback(parts.hostname):
        raise FetchError("refused to send a password over plain http (use https)")
    try:
        import caldav  # noqa: F401
    except ImportError:
        raise FetchError(f"CalDAV sources need the caldav package: {INSTALL_HINT}") from None
    outcome: list[Fetched | BaseException] = []

    def run() -> None:
        try:
            outcome.append(_fetch(source, credentials, previous, timeout))
        except BaseException as error:  # carried back to the caller's thread
            outcome.append(error)

    worker = threading.Thread(target=run, name="cronoslot-caldav", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise FetchError(f"timed out after {timeout:g}s")
    found = outcome[0]
    if isinstance(found, Fetched):
        return found
    if isinstance(found, FetchError):
        raise found
    password = None if credentials is None else credentials.password
    text = redact_text(describe_error(found), secrets_of(source.url, password))
    raise FetchError(text)


def describe_error(error: BaseException) -> str:
    """A caldav (or HTTP library) error as a short message (redact it before showing)."""
    name = type(error).__name__
    if "Authorization" in name or "401" in str(error)[:200]:
        return f"the server refused access (check the credentials): {name}"
    if "NotFound" in name:
        return f"no calendar collection at that URL: {name}"
    if isinstance(error, TimeoutError) or "Timeout" in name:
        return "timed out"
    detail = " ".join(str(error).split())[:300]
    return f"{name}: {detail}" if detail else name


__all__ = [
    "INSTALL_HINT",
    "Fetched",
    "Snapshot",
    "describe_error",
    "fetch_collection",
    "merge_objects",
    "read_snapshot",
    "snapshot_path",
    "write_snapshot",
]
