"""An invalid request on a terminal: besides the 422 JSON line (kept last on stderr, for
scripts), a readable list of its problems with their paths and "did you mean" hints."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from ..errors import InvalidRequest
from ..session import Session
from .options import environment

if TYPE_CHECKING:
    from ..api.hints import Kind

__all__ = ["readable_problems"]


@contextmanager
def readable_problems(
    ctx: click.Context, session: Session, body: bytes, kind: Kind
) -> Iterator[None]:
    """Around validating ``body``: on a terminal, an ``InvalidRequest`` is first listed for
    people on stderr; it then goes on to the group, which prints the JSON line."""
    try:
        yield
    except InvalidRequest as error:
        stream = environment(ctx).messages
        if stream.isatty():
            from ..api.hints import problem_lines  # only for a person, only when invalid

            lines = problem_lines(error.errors, body, kind, session.accounts())
            click.echo(f"error: the {kind} request is invalid:", file=stream)
            for line in lines:
                click.echo(f"  {line}", file=stream)
        raise
