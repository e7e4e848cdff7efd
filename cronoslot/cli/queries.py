"""The commands that answer: ``availability``, ``sequence`` and ``busy``. Each reads its
input, calls the session, and prints JSON or a table; errors are mapped to exit codes by
the group (``app``)."""

from __future__ import annotations

from typing import Any, Literal

import click

from ..api.limits import NO_API_LIMITS
from ..errors import UsageError
from ..timeutil import parse_time
from .answers import show_availability, show_sequence
from .options import (
    cache_options,
    emit_json,
    environment,
    format_option,
    freshness_options,
    open_session,
    query_options,
    read_request,
    store_option,
    sync_progress,
    time_option,
    tz_option,
)
from .problems import readable_problems


def _answer(
    ctx: click.Context,
    kind: Literal["availability", "sequence"],
    request: str | None,
    calendars: str,
    now: str | None,
    output_format: str,
    tz: str | None,
    strict: bool,
    no_api_limits: bool,
    cache_dir: str | None,
    no_cache: bool,
    sync_first: bool,
    max_age: int | None,
    explain: bool = False,
) -> None:
    """Read REQUEST, answer it (after syncing its calendars' sources with --sync), print
    the answer (and with ``explain``, an empty answer's diagnosis on stderr)."""
    body = read_request(ctx, request)
    limits = NO_API_LIMITS if no_api_limits else None
    with open_session(
        ctx,
        calendars,
        now=now,
        strict=strict,
        cache_dir=cache_dir,
        no_cache=no_cache,
        max_age=max_age,
    ) as session:
        if kind == "availability":
            with readable_problems(ctx, session, body, kind):
                query = session.parse_availability(body, limits=limits)
            if sync_first:
                with sync_progress(ctx) as bar:
                    session.sync_request(query, progress=bar)
            result = session.answer_availability(query)
            show_availability(ctx, session, query, result, output_format, tz)
            if explain and not result.slots:
                from .explain import print_diagnosis

                print_diagnosis(session, body, tz, environment(ctx).messages)
        else:
            with readable_problems(ctx, session, body, kind):
                loop = session.parse_sequence(body, limits=limits)
            if sync_first:
                with sync_progress(ctx) as bar:
                    session.sync_request(loop, progress=bar)
            show_sequence(ctx, session, loop, session.answer_sequence(loop), output_format, tz)


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
      cronoslot availability request.json --sync --max-age 6h
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
@freshness_options
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
    sync_first: bool,
    max_age: int | None,
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
    with open_session(
        ctx, calendars, cache_dir=cache_dir, no_cache=no_cache, max_age=max_age
    ) as session:
        if sync_first:
            with sync_progress(ctx) as bar:
                session.sync([sub], progress=bar, warn_failures=True)
        if output_format == "table":
            from .render import busy_table

            intervals = session.busy_intervals(sub, start, end)
            busy_table(sub, intervals, tz, environment(ctx).output, show_private=show_private)
        else:
            emit_json(ctx, session.busy(sub, start, end, show_private=show_private))


COMMANDS = (availability, sequence, busy)

__all__ = ["COMMANDS", "availability", "busy", "sequence"]
