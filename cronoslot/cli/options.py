"""Options and steps shared by the commands: the store, the clock, the output format, the
cache, reading REQUEST, and opening a session that prints its warnings."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from ..errors import UsageError
from ..session import Session
from ..timeutil import TimeFormatError, is_zone, parse_time
from .environment import Environment

DEFAULT_STORE = "calendars"

F = TypeVar("F", bound=Callable[..., Any])


def environment(ctx: click.Context) -> Environment:
    """The command's streams: the ``Environment`` given as the context object, if any."""
    found = ctx.find_object(Environment)
    return found if found is not None else Environment()


def _time_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        parse_time(value)
    except TimeFormatError:
        raise click.BadParameter(
            f"'{value}' is not a Time like 2027-04-22T09:00:00Z", ctx=ctx, param=param
        ) from None
    return value


def _zone_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not is_zone(value):
        raise click.BadParameter(f"'{value}' is not an IANA time zone", ctx=ctx, param=param)
    return value


def _apply(command: F, *decorators: Callable[[F], F]) -> F:
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def store_option(command: F) -> F:
    return click.option(
        "--calendars",
        "calendars",
        envvar="CRONOSLOT_CALENDARS",
        default=DEFAULT_STORE,
        show_default=True,
        metavar="DIR",
        help="Calendar store: one folder per account (also $CRONOSLOT_CALENDARS).",
    )(command)


def timeout_option(help_text: str) -> Callable[[F], F]:
    """``--timeout SECONDS`` (default 30): how long a calendar server may take."""
    return click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=30.0,
        show_default=True,
        metavar="SECONDS",
        help=help_text,
    )


def time_option(
    name: str, dest: str, help_text: str, *, required: bool = False
) -> Callable[[F], F]:
    return click.option(
        name, dest, required=required, callback=_time_callback, metavar="TIME", help=help_text
    )


def now_option(command: F) -> F:
    help_text = "Use TIME as the current time (for scripts and tests)."
    return time_option("--now", "now", help_text)(command)


def _format(choices: list[str], help_text: str) -> Callable[[F], F]:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default="json",
        show_default=True,
        help=help_text,
    )


def format_option(command: F) -> F:
    return _format(["json", "table"], "JSON for pipelines, or a table for people.")(command)


def answer_format_option(command: F) -> F:
    """``--format`` of the commands that answer: JSON, or lines, a table or a grid."""
    help_text = "JSON for pipelines; lines (one per answer), a table or a grid for people."
    return _format(["json", "lines", "table", "grid"], help_text)(command)


def no_api_limits_option(command: F) -> F:
    return click.option(
        "--no-api-limits",
        is_flag=True,
        help="Lift the API's limits (10 accounts, 35 days, 50 periods...; see README).",
    )(command)


def tz_option(command: F) -> F:
    return click.option(
        "--tz",
        callback=_zone_callback,
        metavar="ZONE",
        help="Show times of lines, tables and grids in this IANA zone (JSON stays UTC).",
    )(command)


def cache_dir_option(command: F) -> F:
    return click.option(
        "--cache-dir",
        envvar="CRONOSLOT_CACHE_DIR",
        metavar="DIR",
        help="Cache directory (also $CRONOSLOT_CACHE_DIR; default $XDG_CACHE_HOME/cronoslot).",
    )(command)


def cache_options(command: F) -> F:
    """--cache-dir and --no-cache, shared by every command that loads calendars."""
    no_cache = click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
    return _apply(command, cache_dir_option, no_cache)


def _max_age_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    from ..engine.freshness import parse_duration

    try:
        seconds = parse_duration(value)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx=ctx, param=param) from None
    if seconds <= 0:
        raise click.BadParameter("must be more than zero", ctx=ctx, param=param)
    return seconds


def freshness_options(command: F) -> F:
    """--sync and --max-age, shared by the commands that answer from calendars."""
    sync = click.option(
        "--sync",
        "sync_first",
        is_flag=True,
        help="First sync the sources of the calendars used (a failure is a warning).",
    )
    max_age = click.option(
        "--max-age",
        callback=_max_age_callback,
        metavar="DURATION",
        help="Data older than this (90m, 24h, 7d) is disconnected; plain files too, by "
        "modification time. [default: 24h, for calendars with a source]",
    )
    return _apply(command, sync, max_age)


def query_options(command: F) -> F:
    """The arguments and options shared by ``availability`` and ``sequence``."""
    return _apply(
        command,
        click.argument("request", required=False, metavar="[REQUEST|-]"),
        store_option,
        now_option,
        answer_format_option,
        tz_option,
        strict_option,
        no_api_limits_option,
        cache_options,
        freshness_options,
    )


def strict_option(command: F) -> F:
    return click.option(
        "--strict", is_flag=True, help="Treat every warning as an error (exit 1 or 3)."
    )(command)


def read_request(ctx: click.Context, source: str | None, *, what: str = "REQUEST") -> bytes:
    """REQUEST's bytes (or another input's, named ``what``): a file, or stdin for '-' (or
    nothing, unless stdin is a terminal: then print the usage and exit 2 instead of
    waiting)."""
    env = environment(ctx)
    if source is None or source == "-":
        stdin = env.input
        if source is None and stdin.isatty():
            click.echo(ctx.get_usage(), file=env.messages)
            click.echo(
                f"Try '{ctx.command_path} --help'. Give a REQUEST file, or '-' to read stdin.",
                file=env.messages,
            )
            raise click.exceptions.Exit(2)
        return stdin.read()
    try:
        return Path(source).read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {what} '{source}': {error.strerror or error}") from None


def warning_printer(ctx: click.Context) -> Callable[[str], None]:
    """Prints each warning on stderr: one warning, one line, whatever a library's text
    holds."""
    stream = environment(ctx).messages

    def print_warning(message: str) -> None:
        one_line = " ".join(message.splitlines())
        click.echo(f"warning: {one_line}", file=stream)

    return print_warning


@contextmanager
def open_session(
    ctx: click.Context,
    calendars: str,
    *,
    now: str | None = None,
    strict: bool = False,
    cache_dir: str | None = None,
    no_cache: bool = False,
    max_age: int | None = None,
) -> Iterator[Session]:
    """A session over the store that prints warnings to stderr and, on a terminal, shows
    a progress bar while many calendars load."""
    env = environment(ctx)
    cache: bool | str = False if no_cache else (cache_dir or True)
    bar = None
    if env.messages.isatty():
        from .progress import LoadingProgress

        bar = LoadingProgress(env.messages)
    try:
        with Session(
            calendars,
            now=now,
            cache=cache,
            strict=strict,
            warn=warning_printer(ctx),
            progress=bar,
            max_age=max_age,
        ) as session:
            yield session
    finally:
        if bar is not None:
            bar.close()


@contextmanager
def sync_progress(ctx: click.Context) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback for syncing: a bar on a terminal once it takes over a second."""
    stream = environment(ctx).messages
    if not stream.isatty():
        yield None
        return
    from .progress import LoadingProgress

    bar = LoadingProgress(stream, label="syncing calendars")
    try:
        yield bar
    finally:
        bar.close()


def emit_json(ctx: click.Context, body: dict[str, Any]) -> None:
    click.echo(json.dumps(body, indent=2), file=environment(ctx).output)


__all__ = [
    "answer_format_option",
    "cache_dir_option",
    "cache_options",
    "emit_json",
    "environment",
    "format_option",
    "freshness_options",
    "no_api_limits_option",
    "now_option",
    "open_session",
    "query_options",
    "read_request",
    "store_option",
    "strict_option",
    "sync_progress",
    "time_option",
    "tz_option",
    "warning_printer",
]
