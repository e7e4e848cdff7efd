"""``cronoslot find``: ask like a person, in local time, by name.

Reads the options into a ``FindQuery`` (``cronoslot.find``), resolves names and the zone
through the session, and prints the answer: lines on a terminal, JSON in a pipe, or the
Availability request it built (``--format request``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..errors import InvalidRequest, UsageError
from ..find import (
    DaysError,
    FindGroup,
    FindPlan,
    FindQuery,
    ValueProblem,
    parse_between,
    parse_duration,
    parse_group,
    parse_names,
    parse_on,
)
from ..find.people import match_account
from ..models import Buffer
from ..session import Session
from ..timeutil import is_zone
from .answers import show_availability
from .lines import day_label, local
from .options import (
    cache_options,
    emit_json,
    environment,
    now_option,
    open_session,
    store_option,
    strict_option,
    warning_printer,
)

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

ZONE_VARIABLE = "CRONOSLOT_TZ"
FORMATS = ("lines", "table", "grid", "json", "request")


def _reader(read: Callable[[str], T]) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A click callback that reads a value with ``read`` (None stays None), turning its
    ``ValueError`` into a usage error naming the option."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is None:
            return None
        try:
            if isinstance(value, tuple):
                return tuple(read(item) for item in value)
            return read(value)
        except (ValueProblem, DaysError) as error:
            raise click.BadParameter(str(error), ctx=ctx, param=param) from None

    return callback


def _group_option(
    name: str, metavar: str, read: Callable[[str], Any], help_text: str
) -> Callable[[F], F]:
    """A repeatable group option: ``--with`` into ``with_groups``, ``--any`` into
    ``any_groups``."""
    dest = f"{name.removeprefix('--')}_groups"
    callback = _reader(read)
    return click.option(
        name, dest, multiple=True, metavar=metavar, callback=callback, help=help_text
    )


def _duration_option(
    name: str,
    help_text: str,
    default: str | None = None,
    *,
    dest: str | None = None,
    required: bool = False,
) -> Callable[[F], F]:
    """A duration option (``45m``, ``1h30m``); the buffers may be zero, the rest not."""
    allow_zero = name in ("--buffer", "--before", "--after")
    return click.option(
        name,
        *([dest] if dest else []),
        default=default,
        show_default=default is not None,
        required=required,
        metavar="DURATION",
        callback=_reader(lambda text: parse_duration(text, allow_zero=allow_zero)),
        help=help_text,
    )


def _zone(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not is_zone(value):
        raise click.BadParameter(f"'{value}' is not an IANA time zone", ctx=ctx, param=param)
    return value


def system_zone() -> str:
    """The machine's zone as an IANA name: ``$TZ``, else where ``/etc/localtime`` points,
    else ``/etc/timezone``; UTC when none of them names a zone."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text().strip())
    return next((zone for zone in candidates if zone and is_zone(zone)), "UTC")


def _query_zone(session: Session, tz: str | None, first_sub: str) -> str:
    """--tz, else $CRONOSLOT_TZ, else the first member's account tzid, else the system's."""
    if tz is not None:
        return tz
    given = os.environ.get(ZONE_VARIABLE)
    if given:
        if not is_zone(given):
            raise UsageError(f"${ZONE_VARIABLE} '{given}' is not an IANA time zone")
        return given
    return session.account_settings(first_sub).tzid or system_zone()


def _groups(
    session: Session,
    with_groups: tuple[tuple[str, ...], ...],
    any_groups: tuple[tuple[int, tuple[str, ...]], ...],
) -> tuple[FindGroup, ...]:
    """The groups, members named by sub or by name (``--with`` groups first)."""
    accounts: dict[str, str | None] | None = None

    def sub_of(token: str, option: str) -> str:
        nonlocal accounts
        if session.has_account(token):
            return token
        if accounts is None:
            accounts = session.accounts()
        try:
            return match_account(token, accounts)
        except ValueProblem as error:
            raise UsageError(f"{option}: {error}") from None

    groups = [
        FindGroup(tuple(dict.fromkeys(sub_of(token, "--with") for token in tokens)))
        for tokens in with_groups
    ]
    for required, tokens in any_groups:
        subs = tuple(dict.fromkeys(sub_of(token, "--any") for token in tokens))
        if required > len(subs):
            raise UsageError(f"--any {required}:...: only {len(subs)} different members given")
        groups.append(FindGroup(subs, required))
    return tuple(groups)


def _nothing_found(plan: FindPlan, zone: str) -> str:
    first, last = plan.days[0], plan.days[-1]
    days = f"{first:%a %d %b}" if first == last else f"{first:%a %d %b} to {last:%a %d %b}"
    start, end = plan.query.between
    hours = f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"
    if not plan.union:
        return f"No time left to search on {days} ({hours} {zone}) after {_when(plan)}."
    return f"No time when everyone can meet on {days}, {hours} {zone}."


def _when(plan: FindPlan) -> str:
    moment = local(plan.now, plan.query.zone)
    return f"{day_label(moment)} {moment:%H:%M}"


def _warn_beyond_api(ctx: click.Context, session: Session, body: dict[str, Any]) -> None:
    """A note on stderr when the request is beyond the API's limits (it stays valid for
    ``cronoslot availability --no-api-limits``)."""
    try:
        session.parse_availability(body)
    except InvalidRequest as error:
        beyond = sorted(
            f"{path}: {problem['description']}"
            for path, problems in error.errors.items()
            for problem in problems
            if problem["key"] != "errors.min_date_exceeded"
        )
        if beyond:
            warning_printer(ctx)(
                "this request is beyond the API's limits ("
                + "; ".join(beyond)
                + "); 'cronoslot availability --no-api-limits' answers it"
            )


@click.command()
@_group_option(
    "--with",
    "WHO[,WHO...]",
    parse_names,
    "A group in which everyone must be free (repeatable). WHO is a sub or a name.",
)
@_group_option(
    "--any",
    "N:WHO,WHO...",
    parse_group,
    "A group of which N must be free (repeatable): --any 1:thames,severn.",
)
@_duration_option("--for", "How long: 45m, 1h, 1h30m, 90m.", dest="duration", required=True)
@click.option(
    "--on",
    "on",
    metavar="DAYS",
    callback=_reader(parse_on),
    help="today, tomorrow, tue (the next one), this-week, next-week, 2027-04-20, "
    "2027-04-20..2027-04-23; comma-separated. Default: the next 7 days.",
)
@click.option(
    "--between",
    default="09:00-17:00",
    show_default=True,
    metavar="HH:MM-HH:MM",
    callback=_reader(parse_between),
    help="Working hours in --tz.",
)
@click.option("--weekends", is_flag=True, help="Search Saturdays and Sundays too.")
@click.option(
    "--tz",
    callback=_zone,
    metavar="ZONE",
    help="The zone of the days and hours (default $CRONOSLOT_TZ, else the first "
    "member's account tzid, else the system's).",
)
@_duration_option(
    "--every", "Slot starts on this local grid (60m: 09:00, 10:00 in any zone).", "15m"
)
@_duration_option("--buffer", "Free time needed before and after.")
@_duration_option("--before", "Free time needed before (overrides --buffer).")
@_duration_option("--after", "Free time needed after (overrides --buffer).")
@click.option(
    "--managed",
    is_flag=True,
    help="Members with availability rules (or available periods) only within them.",
)
@click.option(
    "--slots",
    "response_format",
    flag_value="slots",
    default=True,
    help="Non-overlapping slots (the default).",
)
@click.option("--periods", "response_format", flag_value="periods", help="Free periods.")
@click.option(
    "--overlapping",
    "response_format",
    flag_value="overlapping_slots",
    help="Every start on the grid.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="At most this many answers.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    help="lines (default on a terminal), table, grid, json (default in a pipe), or "
    "request: the Availability request built.",
)
@store_option
@now_option
@strict_option
@cache_options
@click.pass_context
def find(
    ctx: click.Context,
    with_groups: tuple[tuple[str, ...], ...],
    any_groups: tuple[tuple[int, tuple[str, ...]], ...],
    duration: int,
    on: Any,
    between: tuple[int, int],
    weekends: bool,
    tz: str | None,
    every: int,
    buffer: int | None,
    before: int | None,
    after: int | None,
    managed: bool,
    response_format: Any,
    limit: int,
    output_format: str | None,
    calendars: str,
    now: str | None,
    strict: bool,
    cache_dir: str | None,
    no_cache: bool,
) -> None:
    """Find when people (and rooms) can meet, asked in local time and by name.

    Builds an Availability request from the options and answers it with the
    same engine as 'cronoslot availability' (without the API's limits of 10
    accounts and 35 days). WHO is an account's sub, or its account.json name
    (whole, or one word of it: priya for "Priya Sharma"). Each day's window is
    --between in --tz (DST days included), from now on; slot starts follow the
    local clock of --tz. Prints one line per answer on a terminal, JSON in a
    pipe; --format request prints the request it built.

    \b
    Examples:
      cronoslot find --with priya,lena --any 1:thames,severn --for 45m \\
        --on tue,wed --tz Europe/London
      cronoslot find --with alice,bob --for 1h --on tomorrow --format grid
      cronoslot find --with priya --any 2:ana,ben,chris,dee --for 30m --on next-week --periods
      cronoslot find --with lena --for 1h --every 60m --tz Asia/Kolkata --format request \\
        | cronoslot availability - --no-api-limits --format table
      cronoslot find --with priya,lena --for 45m --on today --between 09:00-18:00 \\
        | jq -r '.available_slots[].start'
    """
    if not with_groups and not any_groups:
        raise UsageError("say who: give at least one --with or --any")
    env = environment(ctx)
    chosen = output_format or ("lines" if env.output.isatty() else "json")
    with open_session(
        ctx, calendars, now=now, strict=strict, cache_dir=cache_dir, no_cache=no_cache
    ) as session:
        groups = _groups(session, with_groups, any_groups)
        zone = _query_zone(session, tz, groups[0].subs[0])
        default = buffer or 0
        query = FindQuery(
            groups=groups,
            duration=duration,
            zone=zone,
            on=on or (),
            between=between,
            weekends=weekends,
            every=every,
            buffer=Buffer(
                before=default if before is None else before,
                after=default if after is None else after,
            ),
            managed=session.managed_accounts(sub for g in groups for sub in g.subs)
            if managed
            else frozenset(),
            response_format=response_format,
            limit=limit,
        )
        found = session.find(query)
        plan = found.plan
        if chosen == "request":
            if plan.body is None:
                raise UsageError(_nothing_found(plan, zone) + " No request to print.")
            emit_json(ctx, dict(plan.body))
            _warn_beyond_api(ctx, session, dict(plan.body))
            return
        days = [
            (window.start, window.end)
            for window in plan.windows
            if any(start < window.end and window.start < end for start, end in plan.union)
        ]
        show_availability(
            ctx,
            session,
            found.request,
            found.result,
            chosen,
            zone,
            empty=_nothing_found(plan, zone),
            days=days,
            past_before=plan.now,
        )


COMMANDS = (find,)

__all__ = ["COMMANDS", "find", "system_zone"]
