"""The commands that answer: ``availability``, ``sequence`` and ``busy``. Each reads its
input, calls the session, and prints JSON or a table; errors are mapped to exit codes by
the group (``app``)."""

from __future__ import annotations

from typing import Any, Literal

import click

from ..errors import UsageError
from ..timeutil import parse_time
from .options import (
    cache_options,
    emit_json,
    environment,
    format_option,
    open_session,
    query_options,
    read_request,
    store_option,
    time_option,
    tz_option,
)


def _answer(
    ctx: click.Context,
    kind: Literal["availability", "sequence"],
    request: str | None,
    calendars: str,
    now: str | None,
    output_format: str,
    tz: str | None,
    strict: bool,
    cache_dir: str | None,
    no_cache: bool,
    explain: bool = False,
) -> None:
    """Read REQUEST, answer it, print the answer (and with ``explain``, an empty answer's
    diagnosis on stderr)."""
    body = read_request(ctx, request)
    with open_session(
        ctx, calendars, now=now, strict=strict, cache_dir=cache_dir, no_cache=no_cache
    ) as session:
        if kind == "availability":
            result: Any = session.availability_result(body)
        else:
            result = session.sequence_result(body)
        if explain and not result.slots:
            from .explain import print_diagnosis

            print_diagnosis(session, body, tz, environment(ctx).messages)
    if output_format == "table":
        from . import render

        table = render.availability_table if kind == "availability" else render.sequence_table
        table(result, tz, environment(ctx).output)
        return
    from ..api import response

    to_json: Any = response.availability_json if kind == "availability" else response.sequence_json
    emit_json(ctx, to_json(result))


@click.command()
@query_options
@click.option("--explain", is_flag=True, help="With an empty answer, print why on stderr.")
@click.pass_context
def availability(ctx: click.Context, /, **options: Any) -> None:
    """Answer an Availability query read from REQUEST (a file, or '-' for stdin).

    Prints {"available_periods": [...]} (the default response_format) or
    {"available_slots": [...]} (slots, overlapping_slots, query_slots).
    Exit status: 0 answered (an empty answer too), 1 invalid request (the
    error body is the last line of stderr), 2 usage, 3 unusable calendar data.

    \b
    Examples:
      cronoslot availability request.json | jq '.available_slots[0]'
      cronoslot availability request.json | jq -r '.available_periods[] | "\\(.start) \\(.end)"'
      echo '{...}' | cronoslot availability - --format table --tz America/New_York
    """
    _answer(ctx, "availability", **options)


@click.command()
@query_options
@click.pass_context
def sequence(ctx: click.Context, /, **options: Any) -> None:
    """Answer a Sequenced Availability query (an interview loop) from REQUEST.

    For each feasible start of the first step, in order, prints the earliest
    sequence of steps that respects every step's gaps:
    {"sequences": [{"sequence": [{"sequence_id", "start", "end", "participants"}]}]}.

    \b
    Examples:
      cronoslot sequence interview-loop.json --format table --tz Europe/London
      cronoslot sequence interview-loop.json | jq '.sequences[0].sequence[] | {sequence_id, start}'
    """
    _answer(ctx, "sequence", **options)


@click.command()
@click.argument("sub")
@time_option("--from", "start", "Start.", required=True)
@time_option("--to", "end", "End.", required=True)
@store_option
@format_option
@tz_option
@click.option("--show-private", is_flag=True, help="Show summaries of private events.")
@cache_options
@click.pass_context
def busy(
    ctx: click.Context,
    sub: str,
    start: str,
    end: str,
    calendars: str,
    output_format: str,
    tz: str | None,
    show_private: bool,
    cache_dir: str | None,
    no_cache: bool,
) -> None:
    """Show the busy intervals of account SUB between --from and --to, as the
    loader sees them (before any request option applies): to see why a slot
    is missing.

    \b
    Examples:
      cronoslot busy acc_alice --from 2027-04-22T00:00:00Z --to 2027-04-23T00:00:00Z --format table
      cronoslot busy acc_alice --from 2027-04-22T00:00:00Z --to 2027-04-29T00:00:00Z \\
        | jq '.busy[] | select(.transparency == "tentative")'
    """
    if parse_time(end) <= parse_time(start):
        raise UsageError("--to must be after --from")
    with open_session(ctx, calendars, cache_dir=cache_dir, no_cache=no_cache) as session:
        if output_format == "table":
            from .render import busy_table

            intervals = session.busy_intervals(sub, start, end)
            busy_table(sub, intervals, tz, environment(ctx).output, show_private=show_private)
        else:
            emit_json(ctx, session.busy(sub, start, end, show_private=show_private))


COMMANDS = (availability, sequence, busy)

__all__ = ["COMMANDS", "availability", "busy", "sequence"]
