"""``cronoslot serve``: the two query endpoints of the API over HTTP, on a local machine.

- ``settings``: what the command line decides (store, address, limits), checked once;
- ``auth``: the Bearer tokens, compared in constant time;
- ``responses``: every status and body the server sends, and the one mapping of errors
  to statuses;
- ``workers``: the process pool; each worker process answers through its own
  ``cronoslot.open(...)`` session (the front door), sharing the cache;
- ``app``: the ASGI application (starlette): routes, limits, auth, the access log;
- ``run``: binds the socket and runs the application under uvicorn.

starlette and uvicorn are the optional extra ``cronoslot[serve]``: only ``app`` and ``run``
import them, and nothing imports those two but the ``serve`` command.
"""

from __future__ import annotations

from .settings import ServerSettings

__all__ = ["ServerSettings"]
