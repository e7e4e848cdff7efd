"""A real ``cronoslot serve`` process for the tests: started on a free port of 127.0.0.1
(``--port 0``; the port is read from its first log line), stopped by SIGTERM (then SIGKILL),
every wait bounded. Shared by the ``test_server_*`` modules and ``bench/bench_server.py``."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
REQUEST_TIMEOUT = 60.0
LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class ServerProcess:
    """``cronoslot serve ARGS`` with its stderr in ``log_path``."""

    args: list[str]
    log_path: Path
    env: Mapping[str, str] | None = None
    process: subprocess.Popen[bytes] | None = None
    port: int = 0
    _log_file: Any = field(default=None, repr=False)

    def start(self) -> ServerProcess:
        env = dict(os.environ if self.env is None else self.env)
        self._log_file = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cronoslot",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                *self.args,
            ],
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=self._log_file,
            env=env,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            found = LISTENING.search(self.log())
            if found:
                self.port = int(found.group(1))
                return self
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the server exited with {self.process.returncode}:\n{self.log()}"
                )
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the server did not start within {START_TIMEOUT} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def access_lines(self) -> list[str]:
        return [line for line in self.log().splitlines() if line.startswith("access: ")]

    def wait_for_access_lines(self, count: int, timeout: float = 10.0) -> list[str]:
        """The access lines, once there are at least ``count`` (a line is written as the
        response ends, maybe just after the client has read it)."""
        deadline = time.monotonic() + timeout
        while len(lines := self.access_lines()) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return lines

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL if it has not stopped in time; the exit status."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_TIMEOUT)
        if self._log_file is not None:
            self._log_file.close()
        return process.returncode

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        connection = self.connection()
        try:
            connection.request(method, path, body=body, headers=dict(headers or {}))
            response = connection.getresponse()
            return Reply(
                response.status,
                {name.lower(): value for name, value in response.getheaders()},
                response.read(),
            )
        finally:
            connection.close()


def worker_pids(server_pid: int) -> list[int]:
    """The server's worker processes (children started by multiprocessing's spawn; not
    its resource tracker), from /proc."""
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_bytes()
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        fields = text[text.rfind(b")") + 2 :].split()
        if int(fields[1]) == server_pid and b"spawn_main" in command:
            children.append(int(entry))
    return children


__all__ = ["Reply", "ServerProcess", "worker_pids"]
