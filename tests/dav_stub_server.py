"""A small WebDAV-ish server of the tests' own (standard library only), for what Radicale
does not do on demand: run as ``python dav_stub_server.py``, it binds a free port of
127.0.0.1 and prints ``PORT <n>``. It keeps objects in memory and honours ``If-Match`` and
``If-None-Match: *`` on PUT and DELETE. The first path segment chooses its manners:

- ``/noetag/...``: a PUT answers 201 without an ETag (a server that changed the data as it
  stored it); a GET gives the ETag.
- ``/once/...``: the first write there succeeds, every later one answers 500.
- ``/fail/...``: every write answers 500.
- ``/slow/...``: a PUT is carried out at once, but answered only 3 seconds later.
- anything else: a plain server.
"""

from __future__ import annotations

import hashlib
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OBJECTS: dict[str, bytes] = {}
WRITES: dict[str, int] = {}


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _answer(
        self, status: int, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _refused(self) -> bool:
        """Whether the write is refused by the collection's manners (500) or by its
        precondition (412); answers if so."""
        manner = self.path.split("/")[1]
        WRITES[manner] = WRITES.get(manner, 0) + 1
        if manner == "fail" or (manner == "once" and WRITES[manner] > 1):
            self._answer(500)
            return True
        current = OBJECTS.get(self.path)
        if self.headers.get("If-None-Match") == "*" and current is not None:
            self._answer(412)
            return True
        wanted = self.headers.get("If-Match")
        if wanted is not None and (current is None or etag_of(current) != wanted):
            self._answer(412)
            return True
        return False

    def do_GET(self) -> None:
        body = OBJECTS.get(self.path)
        if body is None:
            self._answer(404)
        else:
            self._answer(200, body, {"ETag": etag_of(body), "Content-Type": "text/calendar"})

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self._refused():
            return
        existed = self.path in OBJECTS
        OBJECTS[self.path] = body
        if self.path.startswith("/slow/"):
            time.sleep(3)
        headers = {} if self.path.startswith("/noetag/") else {"ETag": etag_of(body)}
        self._answer(204 if existed else 201, b"", headers)

    def do_DELETE(self) -> None:
        if self.path not in OBJECTS:
            self._answer(404)
            return
        if self._refused():
            return
        del OBJECTS[self.path]
        self._answer(204)


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
