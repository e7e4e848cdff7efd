"""``cronoslot explain``: why a time is not available, and who is the bottleneck. Reads the
request, asks the session (``Session.explain_result``), prints text for people or JSON."""

from __future__ import annotations

from typing import IO, Any

import click

from ..session import Body, Session
from .options import (
    cache_options,
    emit_json,
    environment,
    now_option,
    open_session,
    read_request,
    store_option,
    time_option,
    tz_option,
)


@click.command()
@click.argument("request", required=False, metavar="[REQUEST|-]")
@time_option("--at", "at", "Explain the interval starting at TIME (as long as the request asks).")
@click.option(
    "--step",
    metavar="SEQUENCE_ID",
    help="For a Sequenced Availability request: the step to explain.",
)
@store_option
@now_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default=None,
    help="text for people (the default on a terminal), json otherwise.",
)
@tz_option
@click.option("--show-private", is_flag=True, help="Show summaries of private events.")
@cache_options
@click.pass_context
def explain(
    ctx: click.Context,
    request: str | None,
    at: str | None,
    step: str | None,
    calendars: str,
    now: str | None,
    output_format: str | None,
    tz: str | None,
    show_private: bool,
    cache_dir: str | None,
    no_cache: bool,
) -> None:
    """Explain an Availability request (or one step of a Sequenced one, with
    --step): with --at TIME, whether the interval [TIME, TIME + required_duration)
    works, and for each member every reason it does not (busy, buffer, outside
    available periods or managed availability, a constraint's limit), with the
    events, rules and limits in the way; the interval's own problems (outside
    the query periods, off the grid, in the past) come first. Without --at: how
    much each member alone is available, and the bottlenecks (the members whose
    being always available would add start times). A Sequenced request without
    --step: which step has no feasible start, or which gap rule leaves no
    sequence. The JSON keys are listed in README ("Why not? cronoslot explain").

    \b
    Examples:
      cronoslot explain request.json --at 2027-04-22T14:00:00Z --tz Europe/London
      cronoslot explain request.json --format json | jq '.bottlenecks[0]'
      cronoslot explain interview-loop.json --step interview_2 --at 2027-04-22T11:00:00Z
    """
    body = read_request(ctx, request)
    env = environment(ctx)
    with open_session(ctx, calendars, now=now, cache_dir=cache_dir, no_cache=no_cache) as session:
        found = session.explain_result(body, at=at, step=step)
    if output_format is None:
        output_format = "text" if env.output.isatty() else "json"
    if output_format == "json":
        from ..explain.to_json import explanation_json

        emit_json(ctx, explanation_json(found, show_private=show_private))
        return
    from .explain_text import render

    click.echo(render(found, tz, show_private=show_private), file=env.output)


def print_diagnosis(session: Session, body: Body, zone: str | None, stream: IO[str]) -> None:
    """The diagnosis of a request as text on ``stream`` (``availability --explain``)."""
    from .explain_text import render

    click.echo(render(session.explain_result(body), zone), file=stream)


COMMANDS: tuple[Any, ...] = (explain,)

__all__ = ["COMMANDS", "explain", "print_diagnosis"]
