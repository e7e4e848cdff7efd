"""The loading progress bar: only on a terminal, only when loading is slow."""

from __future__ import annotations

import io

from cronoslot.cli.progress import LoadingProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nothing_is_drawn_when_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = LoadingProgress(stream, delay=0)
    for done in range(1, 4):
        progress(done, 10)
    progress.close()
    assert stream.getvalue() == ""


def test_nothing_is_drawn_before_the_delay() -> None:
    stream = Terminal()
    progress = LoadingProgress(stream, delay=60)
    progress(1, 10)
    progress.close()
    assert stream.getvalue() == ""


def test_a_bar_is_drawn_on_a_terminal_after_the_delay() -> None:
    stream = Terminal()
    progress = LoadingProgress(stream, delay=0)
    progress(1, 10)
    progress(5, 10)
    progress.close()
    assert "loading calendars" in stream.getvalue()
