"""Adding, listing and removing sources: ``SUB/sources.json`` edited under a lock.

``sources.json`` is written with mode 0600 through ``atomic_write``; the password itself is
never written anywhere (only the name of the variable that holds it). A plain calendar
file that no source wrote is not replaced unless asked (``replace``).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import UsageError
from ..names import valid_name
from ..store.reader import Store, read_json
from ..store.writer import atomic_write
from .caldav_source import snapshot_path
from .locks import LockTimeout, locked
from .sources import (
    SOURCES_FILE,
    SOURCES_MODE,
    Source,
    SourceKind,
    normalise_url,
    parse_sources,
    sources_json,
    valid_env_name,
)
from .state import SyncState, read_state, state_path

_LOCK = "sources"
_LOCK_WAIT = 10.0


def _checked_names(sub: str, calendar_id: str | None = None) -> None:
    if not valid_name(sub):
        raise UsageError(f"{sub!r} is not a valid account name (letters, digits, _ - . @)")
    if calendar_id is not None and not valid_name(calendar_id):
        raise UsageError(f"{calendar_id!r} is not a valid calendar id (letters, digits, _ - . @)")


def _current(account: Path, sub: str) -> list[Source]:
    path = account / SOURCES_FILE
    if not path.exists():
        return []
    return list(parse_sources(read_json(path), path, sub))


def _write(account: Path, sources: Iterable[Source]) -> None:
    atomic_write(account / SOURCES_FILE, sources_json(sources), mode=SOURCES_MODE)


def new_source(
    sub: str,
    calendar_id: str,
    url: str,
    *,
    caldav: bool = False,
    username: str | None = None,
    password_env: str | None = None,
) -> Source:
    """A checked source; ``UsageError`` (never quoting the URL) for anything wrong."""
    _checked_names(sub, calendar_id)
    try:
        url = normalise_url(url)
    except ValueError as error:
        raise UsageError(f"URL: {error}") from None
    if "@" in urlsplit(url).netloc:
        raise UsageError(
            "URL: a user name or password in the URL would be stored; give --username, and "
            "the password with --password-env VAR or in ~/.netrc"
        )
    if password_env is not None and not valid_env_name(password_env):
        raise UsageError(f"--password-env: {password_env!r} is not an environment variable name")
    if username is not None and not username:
        raise UsageError("--username: an empty user name")
    kind = SourceKind.CALDAV if caldav else SourceKind.ICS
    return Source(sub, calendar_id, url, kind, username, password_env)


def _written_by_a_source(state: SyncState | None) -> bool:
    return state is not None and state.last_success is not None


def add_source(root: Path, source: Source, *, replace: bool = False) -> None:
    """Record ``source`` in its account's ``sources.json`` (the account folder is created
    when needed). Raises ``UsageError`` when the calendar already has a source or a plain
    file that no source wrote (unless ``replace``), or a free/busy file of that id."""
    store = Store(root)  # the store must exist
    (Path(root) / source.sub).mkdir(exist_ok=True)
    account = store.account_dir(source.sub)
    if account is None:
        raise UsageError(f"{source.sub}: the account folder is outside the store")
    name = f"{source.sub}/{source.calendar_id}"
    try:
        with locked(account, _LOCK, _LOCK_WAIT):
            sources = _current(account, source.sub)
            known = {existing.calendar_id for existing in sources}
            if source.calendar_id in known and not replace:
                raise UsageError(f"{name} already has a source: remove it first, or give --replace")
            for path in account.iterdir():
                if path.stem == source.calendar_id and path.suffix.lower() == ".ifb":
                    raise UsageError(f"{name} is a free/busy file ({path.name}): remove it first")
            plain = account / f"{source.calendar_id}.ics"
            if (
                plain.exists()
                and source.calendar_id not in known
                and not _written_by_a_source(read_state(account, source.calendar_id))
                and not replace
            ):
                raise UsageError(
                    f"{name}: {plain.name} is a calendar file that no source wrote; a sync "
                    "would replace it. Give --replace to allow that"
                )
            kept = [existing for existing in sources if existing.calendar_id != source.calendar_id]
            _write(account, [*kept, source])
    except LockTimeout:
        raise UsageError(f"{name}: sources.json is being edited by another process") from None


def remove_source(root: Path, sub: str, calendar_id: str) -> Source:
    """Forget the source of ``SUB/CALENDAR_ID`` and its sync state; its calendar file stays
    (a plain file from now on). Raises ``UsageError`` when it has no source."""
    _checked_names(sub, calendar_id)
    account = Store(root).account_dir(sub)
    if account is None:
        raise UsageError(f"no account '{sub}' in the store {root}")
    try:
        with locked(account, _LOCK, _LOCK_WAIT):
            sources = _current(account, sub)
            found = next((s for s in sources if s.calendar_id == calendar_id), None)
            if found is None:
                raise UsageError(f"{sub}/{calendar_id} has no source")
            _write(account, [s for s in sources if s.calendar_id != calendar_id])
    except LockTimeout:
        raise UsageError(f"{sub}: sources.json is being edited by another process") from None
    for leftover in (state_path(account, calendar_id), snapshot_path(account, calendar_id)):
        with suppress(FileNotFoundError):
            leftover.unlink()
    return found


def accounts_with_sources(store: Store) -> list[str]:
    """Every account of the store that has a ``sources.json``, sorted."""
    found = []
    for folder in sorted(store.root.iterdir()):
        if not valid_name(folder.name):
            continue
        account = store.account_dir(folder.name)
        if account is not None and (account / SOURCES_FILE).is_file():
            found.append(folder.name)
    return found


__all__ = ["accounts_with_sources", "add_source", "new_source", "remove_source"]
