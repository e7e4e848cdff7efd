"""The command line's streams in one object, so that tests swap them in one place
(httpie's ``Environment``) instead of patching module functions."""

from __future__ import annotations

import sys
from typing import IO


class Environment:
    """Where a command reads its request and writes its answer and messages. A stream left
    as None is the process's own, looked up when used (so click's test runner, which swaps
    ``sys.stdin`` and friends, is honoured). A plain class: every command builds one, and
    a dataclass would cost its generated methods at start-up."""

    def __init__(
        self,
        stdin: IO[bytes] | None = None,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
    ) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr

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
