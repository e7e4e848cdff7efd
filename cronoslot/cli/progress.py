"""A progress bar on stderr for slow loads: shown only on a terminal, and only once loading
has taken more than a second (rich is imported only then)."""

from __future__ import annotations

import sys
import time
from typing import IO, Any


class LoadingProgress:
    """A ``loading.Progress`` callback that draws a transient rich bar when it is worth it."""

    def __init__(
        self, stream: IO[str] | None = None, delay: float = 1.0, label: str = "loading calendars"
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.delay = delay
        self.started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if time.monotonic() - self.started < self.delay or done >= total:
                return
            if not self.stream.isatty():
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._bar = Progress(
                TextColumn(self.label),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(file=self.stream),
                transient=True,
            )
            self._task = self._bar.add_task("load", total=total)
            self._bar.start()
        self._bar.update(self._task, completed=done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
