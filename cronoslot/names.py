"""The one rule for names that become paths, and the one rule for e-mail addresses.

A ``sub`` (an account folder) or ``calendar_id`` (a calendar file's stem) comes from
requests, the command line and the store itself; each of them is checked here before any
path is built from it, so no name can reach outside the store (SPEC 1). E-mail addresses
(``account.json`` ``emails``, ``ATTENDEE`` values, an ``X-WR-CALNAME``) are compared in
one normal form, made here.
"""

from __future__ import annotations

import re

MAX_NAME_LENGTH = 200
"""Longest ``sub`` or ``calendar_id``: with a suffix (``.ics``, ``.json``) and a state
folder, a longer name could not be a file name on every file system."""

_NAME = re.compile(r"[A-Za-z0-9_.@-]+\Z", re.ASCII)


def valid_name(name: object) -> bool:
    """True when ``name`` may be a ``sub`` or ``calendar_id``: 1 to 200 ASCII letters,
    digits and ``_ - . @``, never ``.`` or ``..``."""
    return (
        isinstance(name, str)
        and 0 < len(name) <= MAX_NAME_LENGTH
        and name not in (".", "..")
        and _NAME.match(name) is not None
    )


def normalise_email(address: str) -> str:
    """An e-mail address as addresses are compared: trimmed, lower case, without
    ``mailto:``."""
    return address.strip().lower().removeprefix("mailto:").strip()


__all__ = ["MAX_NAME_LENGTH", "normalise_email", "valid_name"]
