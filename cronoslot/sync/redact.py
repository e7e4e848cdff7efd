"""Secret-safe display of source URLs.

A feed URL is a credential: Google's ``.../private-<token>/basic.ics`` and Outlook's
published links give anyone who has them the whole calendar. So nothing cronoslot prints,
warns, raises or stores beside the sources shows a URL's path, query or userinfo: a URL is
shown as its scheme and host (and port), with a short stable fingerprint that tells two
sources apart without revealing either.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import unquote, urlsplit

# Anything that looks like a URL inside a message (a library's error text may quote one).
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")
# Path segments and query values at least this long are taken to be possible tokens.
_TOKEN_LENGTH = 16
_HIDDEN = "***"


def fingerprint(url: str) -> str:
    """Eight hex digits of the URL's SHA-256: the same URL always gives the same ones."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]


def _host_and_port(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    host = parts.hostname or "?"
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.scheme or "?").lower(), host if port is None else f"{host}:{port}"


def display_url(url: str) -> str:
    """``https://calendar.google.com/… [1a2b3c4d]``: scheme, host and fingerprint only."""
    scheme, host = _host_and_port(url)
    return f"{scheme}://{host}/… [{fingerprint(url)}]"


def secrets_of(url: str, *more: str | None) -> list[str]:
    """The pieces of ``url`` that must never be shown (the whole URL, its path, query,
    userinfo and any long path segment or query value), and ``more`` (a password), longest
    first so that a longer secret is hidden before a piece of it."""
    parts = urlsplit(url)
    found = {url, parts.path if parts.path not in ("", "/") else "", parts.query, parts.fragment}
    if "@" in parts.netloc:
        found.add(parts.netloc.rsplit("@", 1)[0])
    for piece in re.split(r"[/&=;]", f"{parts.path}&{parts.query}"):
        if len(piece) >= _TOKEN_LENGTH:
            found.update({piece, unquote(piece)})
    found.update(secret for secret in more if secret)
    return sorted((secret for secret in found if len(secret) >= 3), key=len, reverse=True)


def redact_text(text: str, secrets: list[str] | tuple[str, ...] = ()) -> str:
    """``text`` with every URL in it shown as ``display_url`` shows it, then every other
    mention of a secret replaced by ``***``."""
    text = _URL_IN_TEXT.sub(lambda match: display_url(match.group()), text)
    for secret in secrets:
        text = text.replace(secret, _HIDDEN)
    return text


__all__ = ["display_url", "fingerprint", "redact_text", "secrets_of"]
