"""The command line's streams in one object, so that tests swap them in one place
(httpie's ``Environment``) instead of patching module functions."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import IO


@dataclass
class Environment:
    """Where a command reads its request and writes its answer and messages. A stream left
    as None is the process's own, looked up when used (so click's test runner, which swaps
    ``sys.stdin`` and friends, is honoured)."""

    stdin: IO[bytes] | None = None
    stdout: IO[str] | None = None
    stderr: IO[str] | None = None

    @property
    def input(self) -> IO[bytes]:
        return self.stdin if self.stdin is not None else sys.stdin.buffer

    @property
    def output(self) -> IO[str]:
        return self.stdout if self.stdout is not None else sys.stdout

    @property
    def messages(self) -> IO[str]:
        return self.stderr if self.stderr is not None else sys.stderr


__all__ = ["Environment"]
