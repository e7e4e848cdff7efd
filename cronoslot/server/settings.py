"""What ``cronoslot serve`` was asked for, checked once before anything starts."""

from __future__ import annotations

import ipaddress
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..timeutil import TimeFormatError, parse_time
from .auth import TOKEN_VARIABLE, Tokens

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_MAX_BODY = 1024 * 1024
DEFAULT_REQUEST_TIMEOUT = 30.0


def default_workers() -> int:
    """The number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ServerSettings:
    """A server's settings. ``tokens`` None means no authentication (``--no-auth``),
    which only a loopback ``host`` may have. Raises ``UsageError`` for anything that
    cannot work."""

    calendars: Path
    tokens: Tokens | None
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    workers: int = 1
    max_body: int = DEFAULT_MAX_BODY
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    cache: bool | str = True
    now: str | None = None

    def __post_init__(self) -> None:
        if not self.calendars.is_dir():
            raise UsageError(f"calendar store {self.calendars} is not a directory")
        if not 0 <= self.port <= 65535:
            raise UsageError(f"--port {self.port} is not a port (0 to 65535; 0 picks one)")
        if self.workers < 1:
            raise UsageError("--workers must be at least 1")
        if self.max_body < 1:
            raise UsageError("--max-body must be at least 1 byte")
        if not (math.isfinite(self.request_timeout) and self.request_timeout > 0):
            raise UsageError("--request-timeout must be a positive number of seconds")
        if self.now is not None:
            try:
                parse_time(self.now)
            except TimeFormatError:
                raise UsageError(f"--now {self.now!r} is not a Time") from None
        if self.tokens is None:
            if not is_loopback(self.host):
                raise UsageError(
                    f"--no-auth is only allowed on a loopback host (127.0.0.1, ::1, "
                    f"localhost), not {self.host}"
                )
        elif not self.tokens:
            raise UsageError(
                f"no token: give --token-file FILE or ${TOKEN_VARIABLE} (clients send "
                "'Authorization: Bearer TOKEN'), or --no-auth on a loopback host"
            )


def tokens_for(token_file: str | None, no_auth: bool, environ: Mapping[str, str]) -> Tokens | None:
    """The accepted tokens, or None under ``--no-auth`` (which ignores
    ``$CRONOSLOT_TOKEN``, but refuses a ``--token-file``: asking for both is a mistake)."""
    if no_auth:
        if token_file is not None:
            raise UsageError("--no-auth and --token-file contradict each other: give one")
        return None
    return Tokens.read(token_file, environ)


__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_MAX_BODY",
    "DEFAULT_PORT",
    "DEFAULT_REQUEST_TIMEOUT",
    "ServerSettings",
    "default_workers",
    "is_loopback",
    "tokens_for",
]
