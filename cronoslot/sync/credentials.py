"""Where a source's password comes from: never from the store.

In order: the environment variable the source names (``password_env``; the user name is
``username``, else the one in ``~/.netrc`` for the host); else ``~/.netrc``'s entry for the
URL's host (when ``username`` is given, only an entry with that login); else a user name and
password written into the URL itself (only when someone put them into ``sources.json`` by
hand: ``cronoslot source add`` refuses them); else none.
"""

from __future__ import annotations

import netrc
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .feeds import Credentials, FetchError
from .sources import Source


def _netrc_entry(host: str, file: Path | None) -> tuple[str, str] | None:
    path = file if file is not None else Path(os.path.expanduser("~/.netrc"))
    if not path.is_file():
        return None
    try:
        found = netrc.netrc(str(path)).authenticators(host)
    except netrc.NetrcParseError as error:
        # Its message may quote a token of the file: give only the line.
        raise FetchError(f"~/.netrc cannot be read (line {error.lineno})") from None
    except OSError as error:
        raise FetchError(f"~/.netrc cannot be read ({error.strerror or error})") from None
    if found is None or not found[2]:
        return None
    return found[0], found[2]


def credentials_for(
    source: Source, environ: Mapping[str, str] | None = None, netrc_file: Path | None = None
) -> Credentials | None:
    """The user name and password to send for ``source``, or None. Raises ``FetchError``
    (naming the variable, never its value) when the named variable is not set."""
    environ = os.environ if environ is None else environ
    parts = urlsplit(source.url)
    host = parts.hostname or ""
    if source.password_env is not None:
        password = environ.get(source.password_env)
        if not password:
            raise FetchError(f"the environment variable {source.password_env} is not set")
        username = source.username or unquote(parts.username or "")
        if not username:
            entry = _netrc_entry(host, netrc_file)
            username = entry[0] if entry is not None else ""
        if not username:
            raise FetchError("a password but no user name: give the source a --username")
        return Credentials(username, password)
    entry = _netrc_entry(host, netrc_file)
    if entry is not None and (source.username is None or entry[0] == source.username):
        return Credentials(*entry)
    if parts.password is not None:
        return Credentials(unquote(parts.username or ""), unquote(parts.password))
    return None


__all__ = ["credentials_for"]
