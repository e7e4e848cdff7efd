"""The command line: read, call the core, print, and map errors to exit codes in one place."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, NoReturn

import click

from .. import __version__
from ..errors import (
    CalendarDataError,
    CronoslotError,
    ExitCode,
    InvalidRequest,
    UsageError,
)
from ..timeutil import TimeFormatError, is_zone, parse_time

DEFAULT_STORE = "calendars"


class Warnings:
    """Prints warnings to stderr, one per line; under ``--strict`` the first one fails."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict

    def __call__(self, message: str) -> None:
        if self.strict:
            raise CalendarDataError("--strict", f"warning treated as an error: {message}")
        self.request_phase(message)

    def request_phase(self, message: str) -> None:
        # Under --strict the parser itself turns unknown keys into errors, so what reaches
        # here is informative only. One warning, one line, whatever a library's text holds.
        one_line = " ".join(message.splitlines())
        click.echo(f"warning: {one_line}", err=True)


def _fail(code: ExitCode, message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise click.exceptions.Exit(int(code))


class CronoslotGroup(click.Group):
    """Turns every error into its exit code and a clear message: no traceback reaches the
    user for any input."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InvalidRequest as error:
            # The error body is the last line on stderr, as one line of JSON.
            click.echo(json.dumps(error.body(), separators=(",", ":")), err=True)
            raise click.exceptions.Exit(int(ExitCode.INVALID_REQUEST)) from None
        except CronoslotError as error:
            _fail(error.exit_code, str(error))
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            _fail(ExitCode.INVALID_REQUEST, "interrupted")
        except BrokenPipeError:
            # A closed pipe (`| head`) is not an error of ours.
            sys.stderr.close()
            raise click.exceptions.Exit(int(ExitCode.OK)) from None
        except Exception as error:  # the last guard: report, never a traceback
            _fail(
                ExitCode.CALENDAR_DATA,
                f"unexpected failure ({type(error).__name__}: {error}); please report it",
            )


def _parse_time_option(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return parse_time(value)
    except TimeFormatError:
        raise click.BadParameter(
            f"'{value}' is not a Time like 2027-04-22T09:00:00Z", ctx=ctx, param=param
        ) from None


def _check_zone(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not is_zone(value):
        raise click.BadParameter(f"'{value}' is not an IANA time zone", ctx=ctx, param=param)
    return value


def _read_request(ctx: click.Context, source: str | None) -> bytes:
    if source is None or source == "-":
        stdin = _stdin()
        if source is None and stdin.isatty():
            click.echo(ctx.get_usage(), err=True)
            click.echo(
                f"Try '{ctx.command_path} --help'. Give a REQUEST file, or '-' to read stdin.",
                err=True,
            )
            raise click.exceptions.Exit(int(ExitCode.USAGE))
        return stdin.read()
    try:
        return Path(source).read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read REQUEST '{source}': {error.strerror or error}") from None


def _open_store(path: str) -> Any:
    from ..store.reader import Store

    return Store(Path(path))


def _emit_json(body: dict[str, Any]) -> None:
    click.echo(json.dumps(body, indent=2))


def _stdin() -> IO[bytes]:
    """The request stream; a function so that tests can hand in a terminal."""
    return sys.stdin.buffer


def _stdout() -> IO[str]:
    return sys.stdout


def _cache_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--cache-dir and --no-cache, shared by every command that loads calendars."""
    command = click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")(
        command
    )
    return click.option(
        "--cache-dir",
        envvar="CRONOSLOT_CACHE_DIR",
        metavar="DIR",
        help="Cache directory (also $CRONOSLOT_CACHE_DIR; default $XDG_CACHE_HOME/cronoslot).",
    )(command)


@contextmanager
def _load_options(cache_dir: str | None, no_cache: bool) -> Iterator[Any]:
    """The engine's LoadOptions for these flags, with a progress bar on a terminal."""
    from ..engine.answers import LoadOptions
    from ..engine.loading import Progress

    cache = None
    if not no_cache:
        from ..cache import Cache, default_cache_dir

        directory = Path(cache_dir) if cache_dir else default_cache_dir()
        cache = Cache.open(directory)
    progress: Progress | None = None
    bar = None
    if sys.stderr.isatty():
        from .progress import LoadingProgress

        bar = LoadingProgress()
        progress = bar
    try:
        yield LoadOptions(cache=cache, workers=None, progress=progress)
    finally:
        if bar is not None:
            bar.close()
        if cache is not None:
            cache.close()


def _query_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options shared by ``availability`` and ``sequence``."""
    options = [
        click.argument("request", required=False, metavar="[REQUEST|-]"),
        click.option(
            "--calendars",
            "calendars",
            envvar="CRONOSLOT_CALENDARS",
            default=DEFAULT_STORE,
            show_default=True,
            metavar="DIR",
            help="Calendar store: one folder per account (also $CRONOSLOT_CALENDARS).",
        ),
        click.option(
            "--now",
            callback=_parse_time_option,
            metavar="TIME",
            help="Use TIME as the current time (for scripts and tests).",
        ),
        click.option(
            "--format",
            "output_format",
            type=click.Choice(["json", "table"]),
            default="json",
            show_default=True,
            help="JSON for pipelines, or a table for people.",
        ),
        click.option(
            "--tz",
            callback=_check_zone,
            metavar="ZONE",
            help="Show table times in this IANA zone (JSON stays UTC).",
        ),
        click.option(
            "--strict", is_flag=True, help="Treat every warning as an error (exit 1 or 3)."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return _cache_options(command)


def _answer(
    ctx: click.Context,
    kind: str,
    request: str | None,
    calendars: str,
    now: int | None,
    output_format: str,
    tz: str | None,
    strict: bool,
    cache_dir: str | None,
    no_cache: bool,
) -> None:
    """Read, validate, solve and print one query (``kind`` availability or sequence)."""
    from ..api import request as query
    from ..api import response as output
    from ..engine import answers as engine

    body = _read_request(ctx, request)
    store = _open_store(calendars)
    warnings = Warnings(strict)
    clock = now if now is not None else int(time.time())
    parse = query.parse_availability if kind == "availability" else query.parse_sequence
    parsed: Any = parse(body, now=clock, store=store, strict=strict, warn=warnings.request_phase)
    with _load_options(cache_dir, no_cache) as options:
        solve: Any = engine.availability if kind == "availability" else engine.sequence
        result = solve(parsed, store, warnings, options)
    if output_format == "table":
        from . import render

        table: Any = render.availability_table if kind == "availability" else render.sequence_table
        table(result, tz, _stdout())
    else:
        to_json: Any = output.availability_json if kind == "availability" else output.sequence_json
        _emit_json(to_json(result))


@click.group(cls=CronoslotGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cronoslot")
def cli() -> None:
    """Find common free time across local iCalendar files.

    cronoslot answers Cronofy-style Availability and Sequenced Availability
    queries, with the same request and response JSON, over a folder of .ics
    files: one folder per account, one file per calendar.

    \b
    Examples:
      cronoslot availability request.json | jq '.available_slots[0]'
      cronoslot sequence interview-loop.json --format table --tz Europe/London
      cronoslot busy acc_alice --from 2027-04-22T00:00:00Z --to 2027-04-23T00:00:00Z
    """


@cli.command()
@_query_options
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


@cli.command()
@_query_options
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


@cli.command()
@click.argument("sub")
@click.option(
    "--from", "start", required=True, callback=_parse_time_option, metavar="TIME", help="Start."
)
@click.option(
    "--to", "end", required=True, callback=_parse_time_option, metavar="TIME", help="End."
)
@click.option(
    "--calendars",
    envvar="CRONOSLOT_CALENDARS",
    default=DEFAULT_STORE,
    show_default=True,
    metavar="DIR",
    help="Calendar store (also $CRONOSLOT_CALENDARS).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "table"]),
    default="json",
    show_default=True,
)
@click.option("--tz", callback=_check_zone, metavar="ZONE", help="Show table times in ZONE.")
@click.option("--show-private", is_flag=True, help="Show summaries of private events.")
@_cache_options
def busy(
    sub: str,
    start: int,
    end: int,
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
    from ..engine import answers as engine
    from ..names import valid_name

    if end <= start:
        raise UsageError("--to must be after --from")
    store = _open_store(calendars)
    if not valid_name(sub):
        raise UsageError(f"'{sub}' is not a valid account name")
    if not store.has_account(sub):
        raise UsageError(f"no account '{sub}' in the store {calendars}")
    with _load_options(cache_dir, no_cache) as options:
        intervals = engine.busy(store, sub, start, end, Warnings(strict=False), options)
    if output_format == "table":
        from .render import busy_table

        busy_table(sub, intervals, tz, _stdout(), show_private=show_private)
    else:
        from ..api.response import busy_json

        _emit_json(busy_json(sub, intervals, show_private=show_private))


@cli.group()
def cache() -> None:
    """Inspect or empty the cache of expanded busy intervals.

    The cache is one SQLite file under $XDG_CACHE_HOME/cronoslot (or --cache-dir,
    or $CRONOSLOT_CACHE_DIR). It is keyed by each file's content, so it never
    changes an answer; it also keeps the last good copy of each calendar, used
    (with sync_status "disconnected") when a file becomes unreadable or broken.

    \b
    Examples:
      cronoslot cache info | jq .size_bytes
      cronoslot cache clear
    """


def _open_cache(cache_dir: str | None) -> Any:
    from ..cache import Cache, default_cache_dir

    directory = Path(cache_dir) if cache_dir else default_cache_dir()
    opened = Cache.open(directory)
    if opened is None:
        raise UsageError(f"cannot open a cache in {directory}")
    return opened


_cache_dir_option = click.option(
    "--cache-dir",
    envvar="CRONOSLOT_CACHE_DIR",
    metavar="DIR",
    help="Cache directory (also $CRONOSLOT_CACHE_DIR).",
)


@cache.command("info")
@_cache_dir_option
def cache_info(cache_dir: str | None) -> None:
    """Print what the cache holds, as JSON (stale entries are pruned first).

    \b
    Examples:
      cronoslot cache info | jq .
    """
    opened = _open_cache(cache_dir)
    try:
        _emit_json(opened.info())
    finally:
        opened.close()


@cache.command("clear")
@_cache_dir_option
def cache_clear(cache_dir: str | None) -> None:
    """Empty the cache (the next query loads every calendar afresh).

    \b
    Examples:
      cronoslot cache clear && cronoslot cache info | jq .files
    """
    opened = _open_cache(cache_dir)
    try:
        opened.clear()
    finally:
        opened.close()
    click.echo("cache cleared", err=True)


def main() -> None:
    cli(prog_name="cronoslot")
