"""A small feed server of the tests' own (standard library only), run as its own process:

    python tests/feed_server.py ROOT [CERT KEY]

It serves the files of ROOT over http (and https with CERT and KEY) on free ports of
127.0.0.1, prints ``PORTS <http> <https or 0>`` on stdout, and runs until terminated. The
file served is always the last path segment (so URLs can carry secret-looking segments and
queries); the first segment chooses the behaviour:

- ``/feed/.../NAME``: the file, with ETag and Last-Modified; 304 for a matching
  If-None-Match or a not-older If-Modified-Since.
- ``/status/CODE/...``: that status. ``/auth/USER/PASSWORD/.../NAME``: the file with Basic
  credentials USER:PASSWORD, else 401.
- ``/slow/SECONDS/.../NAME``: headers and a first line, then nothing for SECONDS.
- ``/cut/.../NAME``: a Content-Length for the whole file, half of it, then the connection
  closes. ``/garbage/...``: an HTML page. ``/gzip/.../NAME``: the file gzipped.
- ``/big/MIB/...``: MIB mebibytes of calendar-looking lines without a Content-Length;
  ``/bigdeclared/...``: a Content-Length of 200 MiB (and a few bytes).
- ``/loop/N``: a redirect to ``/loop/N+1``, for ever. ``/redirect/N/.../NAME``: N redirects,
  then the file. ``/to-http/.../NAME``: a redirect to the same file on the http port;
  ``/to-https/.../NAME``: on the https port.

The same ``/feed/.../NAME`` URL misbehaves on demand when ROOT/NAME.mode exists: its words
are read as the first segments of the path (``status 500``, ``slow 5``, ``cut``...).

Every request is appended to ROOT/requests.log as one JSON line (path, the conditional
headers, the status answered), for tests that check what was asked.
"""

from __future__ import annotations

import base64
import email.utils
import gzip
import hashlib
import json
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(sys.argv[1])
PORTS: dict[str, int] = {}
_LOG_LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _log(self, status: int) -> None:
        entry = {
            "path": urlsplit(self.path).path,
            "if_none_match": self.headers.get("If-None-Match"),
            "if_modified_since": self.headers.get("If-Modified-Since"),
            "authorization": self.headers.get("Authorization") is not None,
            "status": status,
        }
        with _LOG_LOCK, (ROOT / "requests.log").open("a") as log:
            log.write(json.dumps(entry) + "\n")

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self._log(status)
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self._send(302, b"", {"Location": location})

    def _file(self, name: str) -> bytes | None:
        path = ROOT / name
        if not path.is_file():
            self._send(404, b"not found")
            return None
        return path.read_bytes()

    def do_GET(self) -> None:
        parts = [part for part in urlsplit(self.path).path.split("/") if part]
        kind = parts[0] if parts else ""
        name = parts[-1] if parts else ""
        mode = ROOT / f"{name}.mode"
        if kind == "feed" and mode.is_file():
            # The same URL misbehaves on demand: NAME.mode holds a behaviour and its
            # arguments ("status 500", "slow 5", "cut", "loop"...), read as a path would be.
            parts = [*mode.read_text().split(), *parts[1:]]
            kind = parts[0]
        if kind == "feed":
            self._feed(name)
        elif kind == "status":
            self._send(int(parts[1]), b"a failure on demand")
        elif kind == "auth":
            expected = base64.b64encode(f"{parts[1]}:{parts[2]}".encode()).decode()
            if self.headers.get("Authorization") != f"Basic {expected}":
                self._send(401, b"who are you?", {"WWW-Authenticate": 'Basic realm="feeds"'})
            else:
                self._feed(name)
        elif kind == "slow":
            self._slow(float(parts[1]))
        elif kind == "cut":
            self._cut(name)
        elif kind == "garbage":
            self._send(
                200, b"<html><body>Please sign in</body></html>", {"Content-Type": "text/html"}
            )
        elif kind == "gzip":
            data = self._file(name)
            if data is not None:
                self._send(200, gzip.compress(data), {"Content-Encoding": "gzip"})
        elif kind == "big":
            self._big(int(parts[1]))
        elif kind == "bigdeclared":
            self._log(200)
            self.send_response(200)
            self.send_header("Content-Length", str(200 * 1024 * 1024 + 5))
            self.end_headers()
            self._stream(b"X" * 65536, 200 * 16 + 1)
        elif kind == "loop":
            number = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
            self._redirect(f"/loop/{number + 1}")
        elif kind == "redirect":
            left = int(parts[1])
            rest = "/".join(parts[2:])
            self._redirect(f"/redirect/{left - 1}/{rest}" if left > 1 else f"/feed/{rest}")
        elif kind == "to-https":
            self._redirect(f"https://127.0.0.1:{PORTS['https']}/feed/{'/'.join(parts[1:])}")
        elif kind == "to-http":
            self._redirect(f"http://127.0.0.1:{PORTS['http']}/feed/{'/'.join(parts[1:])}")
        else:
            self._send(404, b"no such behaviour")

    def _feed(self, name: str) -> None:
        path = ROOT / name
        data = self._file(name)
        if data is None:
            return
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        modified = int(path.stat().st_mtime)
        headers = {
            "ETag": etag,
            "Last-Modified": email.utils.formatdate(modified, usegmt=True),
            "Content-Type": "text/calendar; charset=utf-8",
        }
        if self.headers.get("If-None-Match") == etag:
            self._send(304, b"", {"ETag": etag})
            return
        since = self.headers.get("If-Modified-Since")
        if since and self.headers.get("If-None-Match") is None:
            parsed = email.utils.parsedate_to_datetime(since).timestamp()
            if modified <= parsed:
                self._send(304, b"", {"ETag": etag})
                return
        self._send(200, data, headers)

    def _slow(self, seconds: float) -> None:
        self._log(200)
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.write(b"BEGIN:VCALENDAR\r\n")
        self.wfile.flush()
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:  # a byte now and then, never enough
                time.sleep(0.2)
                self.wfile.write(b"X")
                self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True

    def _cut(self, name: str) -> None:
        data = self._file(name)
        if data is None:
            return
        self._log(200)
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self.close_connection = True

    def _big(self, mebibytes: int) -> None:
        self._log(200)
        self.send_response(200)
        self.send_header("Connection", "close")  # no length: the body ends when we close
        self.end_headers()
        self.wfile.write(b"BEGIN:VCALENDAR\r\n")
        self._stream(b"X-FILLER:" + b"x" * 65516 + b"\r\n", mebibytes * 16)
        self.close_connection = True

    def _stream(self, chunk: bytes, count: int) -> None:
        try:
            for _ in range(count):
                self.wfile.write(chunk)
        except OSError:
            pass  # the client stopped reading: good
        self.close_connection = True


def _serve(server: ThreadingHTTPServer) -> None:
    server.daemon_threads = True
    server.serve_forever(poll_interval=0.1)


def main() -> None:
    http_server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    PORTS["http"] = http_server.server_address[1]
    servers = [http_server]
    if len(sys.argv) > 3:
        https_server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        https_server.socket = context.wrap_socket(https_server.socket, server_side=True)
        PORTS["https"] = https_server.server_address[1]
        servers.append(https_server)
    for server in servers:
        threading.Thread(target=_serve, args=(server,), daemon=True).start()
    print(f"PORTS {PORTS['http']} {PORTS.get('https', 0)}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
