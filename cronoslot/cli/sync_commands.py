"""``cronoslot source add|list|remove`` and ``cronoslot sync``: calendars from URLs.

The sources are edited by ``cronoslot.sync.registry``; syncing goes through the session
(``Session.sync``). URLs are shown as scheme, host and fingerprint only, unless
``source list --show-secrets`` is asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import click

from ..errors import SyncFailed
from ..timeutil import format_local, format_time
from .options import (
    emit_json,
    environment,
    format_option,
    store_option,
    sync_progress,
    timeout_option,
)
from .options import open_session as _open_session


@click.group()
def source() -> None:
    """Record where an account's calendars live: iCalendar feed URLs (Google,
    Outlook, Fastmail, Nextcloud...) or CalDAV collections.

    Sources are kept in SUB/sources.json (mode 0600: a feed URL is a secret);
    `cronoslot sync` fetches them into SUB/CALENDAR_ID.ics. Passwords are never
    stored: give --password-env VAR, or put them in ~/.netrc.

    \b
    Examples:
      cronoslot source add acc_alice work 'https://calendar.google.com/calendar/ical/.../basic.ics'
      cronoslot source list --format table
      cronoslot source remove acc_alice work
    """


@source.command("add")
@click.argument("sub")
@click.argument("calendar_id")
@click.argument("url")
@click.option("--caldav", is_flag=True, help="URL is a CalDAV calendar collection.")
@click.option("--username", metavar="NAME", help="User name for the server.")
@click.option(
    "--password-env",
    metavar="VAR",
    help="Environment variable holding the password (its name is stored, not its value).",
)
@click.option("--replace", is_flag=True, help="Let the source replace an existing calendar.")
@store_option
@click.pass_context
def source_add(
    ctx: click.Context,
    sub: str,
    calendar_id: str,
    url: str,
    caldav: bool,
    username: str | None,
    password_env: str | None,
    replace: bool,
    calendars: str,
) -> None:
    """Record URL as the source of calendar CALENDAR_ID of account SUB (the
    account folder is created if needed). URL is https://, http:// or webcal://.

    A calendar file of that id that no source wrote is not replaced unless
    --replace is given.

    \b
    Examples:
      cronoslot source add acc_alice work 'webcal://outlook.office365.com/owa/calendar/.../calendar.ics'
      cronoslot source add acc_bob team https://dav.example.org/dav/calendars/bob/team/ \\
        --caldav --username bob --password-env TEAM_DAV_PASSWORD
    """
    from ..sync.registry import add_source, new_source

    added = new_source(
        sub, calendar_id, url, caldav=caldav, username=username, password_env=password_env
    )
    add_source(_root(ctx, calendars), added, replace=replace)
    click.echo(
        f"{sub}/{calendar_id}: source {added.shown} recorded; `cronoslot sync {sub}` fetches it",
        file=environment(ctx).messages,
    )


@source.command("list")
@store_option
@format_option
@click.option("--show-secrets", is_flag=True, help="Show whole URLs (they are credentials).")
@click.pass_context
def source_list(ctx: click.Context, calendars: str, output_format: str, show_secrets: bool) -> None:
    """List every account's sources and how their last sync went.

    URLs are shown as scheme, host and a short fingerprint, unless
    --show-secrets is given.

    \b
    Examples:
      cronoslot source list | jq -r '.sources[] | select(.last_error) | .calendar_id'
      cronoslot source list --format table
    """
    from ..store import Store
    from ..sync.registry import accounts_with_sources

    store = Store(_root(ctx, calendars))
    rows = []
    for sub in accounts_with_sources(store):
        for found in store.sources(sub):
            state = store.sync_state(sub, found.calendar_id)
            if state is not None and state.source != found.fingerprint:
                state = None
            rows.append(
                {
                    "sub": sub,
                    "calendar_id": found.calendar_id,
                    "kind": str(found.kind),
                    "url": found.url if show_secrets else found.shown,
                    "fingerprint": found.fingerprint,
                    "username": found.username,
                    "password_env": found.password_env,
                    "last_success": _time(state.last_success if state else None),
                    "last_error": state.last_error if state else None,
                }
            )
    if output_format == "json":
        emit_json(ctx, {"sources": rows})
        return
    columns = ("sub", "calendar_id", "kind", "url", "last_success", "last_error")
    _table("Sources", columns, [[row[key] for key in columns] for row in rows], ctx)


@source.command("remove")
@click.argument("sub")
@click.argument("calendar_id")
@store_option
@click.pass_context
def source_remove(ctx: click.Context, sub: str, calendar_id: str, calendars: str) -> None:
    """Forget the source of SUB's calendar CALENDAR_ID and its sync state. The
    calendar file stays, as a plain file (delete it to drop the calendar).

    \b
    Examples:
      cronoslot source remove acc_alice work
    """
    from ..sync.registry import remove_source

    removed = remove_source(_root(ctx, calendars), sub, calendar_id)
    click.echo(
        f"{sub}/{calendar_id}: source {removed.shown} removed; {calendar_id}.ics (if any) "
        "stays as a plain file",
        file=environment(ctx).messages,
    )


@click.command()
@click.argument("subs", nargs=-1, metavar="[SUB ...]")
@store_option
@timeout_option("Time allowed for each source's whole fetch.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1, max=64),
    default=4,
    show_default=True,
    metavar="N",
    help="Sources fetched at once.",
)
@format_option
@click.pass_context
def sync(
    ctx: click.Context,
    subs: tuple[str, ...],
    calendars: str,
    timeout: float,
    jobs: int,
    output_format: str,
) -> None:
    """Fetch the sources of the given accounts (all by default) into the store.

    Each calendar file is replaced, atomically, only by a whole iCalendar file;
    a source that fails leaves its previous file exactly as it was. Prints
    {"sources": [{"sub", "calendar_id", "status", "error", "last_success"}]}
    with status "updated", "unchanged" or "failed". Exit status 0 when every
    source was updated or unchanged, 4 when at least one failed.

    \b
    Examples:
      cronoslot sync
      cronoslot sync acc_alice acc_bob --timeout 10 --format table
      cronoslot sync | jq -r '.sources[] | select(.status == "failed") | .calendar_id'
    """
    with _open_session(ctx, calendars, no_cache=True) as session, sync_progress(ctx) as bar:
        outcomes = session.sync(subs or None, timeout=timeout, jobs=jobs, progress=bar)
    if output_format == "json":
        emit_json(ctx, {"sources": [outcome.to_json() for outcome in outcomes]})
    else:
        rows = [
            [
                o.sub,
                o.calendar_id,
                o.source,
                o.status,
                format_local(o.last_success, None) if o.last_success is not None else "never",
                o.error or o.detail or "",
            ]
            for o in outcomes
        ]
        columns = ("sub", "calendar", "source", "status", "last success", "error / detail")
        _table("Sync", columns, rows, ctx)
    failed = sum(outcome.status == "failed" for outcome in outcomes)
    if failed:
        raise SyncFailed(f"{failed} of {len(outcomes)} sources failed to sync")


def _root(ctx: click.Context, calendars: str) -> Path:
    """The store's folder, checked (a missing store is a usage error)."""
    from ..store import Store

    return Store(calendars).root


def _time(instant: int | None) -> str | None:
    return None if instant is None else format_time(instant)


def _table(title: str, columns: tuple[str, ...], rows: list[list[Any]], ctx: click.Context) -> None:
    from rich.console import Console
    from rich.table import Table

    stream: IO[str] = environment(ctx).output
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if value is None else str(value) for value in row))
    width = None if stream.isatty() else 140
    console = Console(file=stream, highlight=False, soft_wrap=False, width=width)
    if rows:
        console.print(table)
    else:
        console.print("No sources.")


COMMANDS = (source, sync)

__all__ = ["COMMANDS", "source", "sync"]
