"""Run the server: bind the socket, start the workers, then serve under uvicorn until
stopped (Ctrl-C or SIGTERM finish the requests in flight, then stop the workers)."""

from __future__ import annotations

import math
import socket

from ..errors import UsageError
from .settings import ServerSettings
from .workers import Log, QueryPool, log_line


def _listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` and listening; raises ``UsageError`` when that is
    not possible (a port in use, an unknown host)."""
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, protocol)
    except OSError as error:
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError as error:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return sock


def serve(settings: ServerSettings, log: Log = log_line) -> None:
    """Serve until stopped. The first line logged says where, once it is listening."""
    import uvicorn

    from .app import build_app

    sock = _listening_socket(settings.host, settings.port)
    pool = QueryPool(settings, log)
    try:
        pool.start()
        config = uvicorn.Config(
            build_app(settings, pool, log),
            lifespan="on",
            access_log=False,  # the application writes its own, one line per request
            log_level="warning",
            server_header=False,
            timeout_graceful_shutdown=math.ceil(settings.request_timeout) + 1,
        )
        host, port = sock.getsockname()[:2]
        shown_host = f"[{host}]" if ":" in host else host
        auth = "no auth" if settings.tokens is None else f"{len(settings.tokens)} token(s)"
        log(
            f"cronoslot serve: listening on http://{shown_host}:{port} "
            f"({settings.workers} workers, {auth}, store {settings.calendars})"
        )
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        pool.close()
        sock.close()


__all__ = ["serve"]
