"""An answer in the format asked for: JSON for pipelines (``sub`` as the API writes it);
lines, a table or a grid for people, with names (``Session.display_names``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import click

from ..intervals import Interval
from ..models import (
    AvailabilityRequest,
    AvailabilityResult,
    Group,
    SequenceRequest,
    SequenceResult,
)
from ..session import Session
from .lines import NO_AVAILABILITY, NO_SEQUENCE, availability_lines, sequence_lines, write_lines
from .options import emit_json, environment

__all__ = ["ANSWER_FORMATS", "AnswerFormat", "show_availability", "show_sequence"]

AnswerFormat = Literal["json", "table", "lines", "grid"]
ANSWER_FORMATS: tuple[AnswerFormat, ...] = ("json", "lines", "table", "grid")


def _subs(groups: Iterable[Group]) -> list[str]:
    return [member.sub for group in groups for member in group.members]


def show_availability(
    ctx: click.Context,
    session: Session,
    request: AvailabilityRequest | None,
    result: AvailabilityResult,
    output_format: str,
    zone: str | None,
    *,
    empty: str = NO_AVAILABILITY,
    days: Sequence[Interval] | None = None,
    past_before: int | None = None,
) -> None:
    """Print an availability answer; ``request`` is None when nothing was searched."""
    stream = environment(ctx).output
    if output_format == "json":
        from ..api.response import availability_json

        emit_json(ctx, availability_json(result))
        return
    names = session.display_names(_subs(request.participants) if request else [])
    if output_format == "lines" or request is None:
        write_lines(availability_lines(result, zone, names), empty, stream)
    elif output_format == "table":
        from .render import availability_table

        availability_table(result, zone, stream, names, empty=empty)
    else:
        from .grid import availability_grid

        inputs = session.availability_inputs(request)
        availability_grid(
            request, inputs, result, zone, names, stream, days=days, past_before=past_before
        )


def show_sequence(
    ctx: click.Context,
    session: Session,
    request: SequenceRequest,
    result: SequenceResult,
    output_format: str,
    zone: str | None,
) -> None:
    stream = environment(ctx).output
    if output_format == "json":
        from ..api.response import sequence_json

        emit_json(ctx, sequence_json(result))
        return
    names = session.display_names(
        _subs(group for step in request.steps for group in step.participants)
    )
    if output_format == "lines":
        write_lines(sequence_lines(result, zone, names), NO_SEQUENCE, stream)
    elif output_format == "table":
        from .render import sequence_table

        sequence_table(result, zone, stream, names)
    else:
        from .grid import sequence_grid

        inputs = session.sequence_inputs(request)
        sequence_grid(request, inputs, result, zone, names, stream)
