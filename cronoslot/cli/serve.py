"""``cronoslot serve``: the API's two query endpoints over HTTP (``cronoslot.server``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from ..errors import UsageError
from ..server.settings import (
    DEFAULT_HOST,
    DEFAULT_MAX_BODY,
    DEFAULT_PORT,
    DEFAULT_REQUEST_TIMEOUT,
    ServerSettings,
    default_workers,
    tokens_for,
)
from .options import cache_options, now_option, store_option

MISSING_EXTRA = (
    "cronoslot serve needs starlette and uvicorn, the 'serve' extra: pip install 'cronoslot[serve]'"
)


def _require_extra() -> None:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise UsageError(MISSING_EXTRA) from None


@click.command()
@store_option
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=int, default=DEFAULT_PORT, show_default=True, help="Port (0: any free one)."
)
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Accepted Bearer tokens, one a line (also $CRONOSLOT_TOKEN).",
)
@click.option(
    "--no-auth", is_flag=True, help="Accept requests without a token (loopback hosts only)."
)
@click.option(
    "--workers",
    type=int,
    default=None,
    metavar="N",
    help="Worker processes that answer queries [default: the number of cores].",
)
@click.option(
    "--max-body",
    type=int,
    default=DEFAULT_MAX_BODY,
    show_default=True,
    metavar="BYTES",
    help="Larger request bodies get 413.",
)
@click.option(
    "--request-timeout",
    type=float,
    default=DEFAULT_REQUEST_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Requests that take longer get 503 (fractions allowed).",
)
@cache_options
@now_option
def serve(
    calendars: str,
    host: str,
    port: int,
    token_file: str | None,
    no_auth: bool,
    workers: int | None,
    max_body: int,
    request_timeout: float,
    cache_dir: str | None,
    no_cache: bool,
    now: str | None,
) -> None:
    """Answer POST /v1/availability and /v1/sequenced_availability over HTTP,
    with the API's request and response JSON, so that apps and SDKs written
    for the API (pycronofy, curl) work against the local store unchanged.

    Clients send 'Authorization: Bearer TOKEN' with a token of --token-file
    or $CRONOSLOT_TOKEN; without any, the server refuses to start unless
    --no-auth is given on a loopback host. Answers are 200 with the JSON that
    'cronoslot availability' and 'cronoslot sequence' print; invalid requests
    422 with the errors body; unusable calendar data 500 naming the account
    and calendar; GET /healthz needs no token. One line per request goes to
    stderr (method, path, status, milliseconds). --now pins the clock, for
    tests and demos over fixed calendars. Needs the extra cronoslot[serve].

    \b
    Examples:
      cronoslot serve --calendars calendars --token-file tokens.txt
      CRONOSLOT_TOKEN=secret cronoslot serve --port 8080 --workers 4
      cronoslot serve --no-auth --now 2027-04-01T00:00:00Z --port 0
    """
    _require_extra()
    from ..server.run import serve as run_server

    cache: bool | str = False if no_cache else (cache_dir or True)
    settings = ServerSettings(
        calendars=Path(calendars),
        tokens=tokens_for(token_file, no_auth, os.environ),
        host=host,
        port=port,
        workers=default_workers() if workers is None else workers,
        max_body=max_body,
        request_timeout=request_timeout,
        cache=cache,
        now=now,
    )
    run_server(settings)


COMMANDS: tuple[Any, ...] = (serve,)

__all__ = ["COMMANDS", "serve"]
