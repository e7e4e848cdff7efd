"""``cronoslot book`` and ``cronoslot cancel``: read the request and the choice, call the
session, print what was booked. Errors become exit codes in ``app`` (a conflict is 5)."""

from __future__ import annotations

from typing import Any

import click

from ..book.results import booking_json
from ..errors import UsageError
from .options import (
    cache_options,
    emit_json,
    environment,
    format_option,
    now_option,
    open_session,
    read_request,
    store_option,
    timeout_option,
    tz_option,
)

_INVITE_DIR_HELP = "Also write one iTIP invitation file per event (METHOD:REQUEST or CANCEL) here."
_TIMEOUT_HELP = "Time allowed for each request to a booking calendar's CalDAV server."


@click.command()
@click.argument("request", metavar="REQUEST")
@click.argument("choice", metavar="CHOICE")
@click.option("--event-id", metavar="ID", help="The event id of a booked slot (required for one).")
@click.option("--summary", metavar="TEXT", help="The events' title (default: the event id).")
@click.option("--description", metavar="TEXT", help="The events' description.")
@click.option("--organizer", metavar="EMAIL", help="The organizer (needed for invitations).")
@click.option(
    "--calendar-id",
    default="cronoslot",
    show_default=True,
    metavar="ID",
    help="Each participant's booking calendar (SUB/ID.ics, created when missing).",
)
@click.option("--invite-dir", metavar="DIR", help=_INVITE_DIR_HELP)
@click.option("--dry-run", is_flag=True, help="Check everything, write nothing.")
@timeout_option(_TIMEOUT_HELP)
@store_option
@now_option
@format_option
@tz_option
@cache_options
@click.pass_context
def book(
    ctx: click.Context,
    /,
    request: str,
    choice: str,
    calendars: str,
    now: str | None,
    output_format: str,
    tz: str | None,
    cache_dir: str | None,
    no_cache: bool,
    **options: Any,
) -> None:
    """Book CHOICE, one item of cronoslot's answer to REQUEST, into the calendar
    of every participant.

    CHOICE (a file, or '-' for stdin) is a slot {"start", "end", "participants"}
    of an Availability answer (give it an --event-id), or an option
    {"sequence": [...]} of a Sequenced one (each step's event id is its
    sequence_id). Booking an event id again moves the event (a reschedule).
    The time is checked again, under a lock on the store, just before writing;
    every participant's file is written, or none.

    A booking calendar that is a CalDAV source of its account (cronoslot
    source add SUB cronoslot URL --caldav) gets each event on its server too:
    PUT with If-None-Match: * (new) or If-Match (moved); a refused precondition
    is a conflict.

    Prints {"booked": [{"event_id", "event_uid", "start", "end", "subs"}]}.

    Exit status: 0 booked, 1 invalid request or a choice that is not an answer
    to it, 2 usage, 3 unusable calendar data (or a calendar cronoslot did not
    create), 4 a CalDAV server that cannot be written, 5 no longer available
    or changed on a CalDAV server (4 and 5: nothing written).

    \b
    Examples:
      cronoslot sequence loop.json | jq '.sequences[0]' | cronoslot book loop.json -
      cronoslot availability slots.json | jq '.available_slots[0]' \\
        | cronoslot book slots.json - --event-id call-42 --summary "Call with ACME" \\
          --organizer me@example.com --invite-dir invites/
    """
    if request == "-" and choice == "-":
        raise UsageError("REQUEST and CHOICE cannot both be read from stdin")
    body = read_request(ctx, request, what="REQUEST")
    chosen = read_request(ctx, choice, what="CHOICE")
    with open_session(ctx, calendars, now=now, cache_dir=cache_dir, no_cache=no_cache) as session:
        result = session.book_result(body, chosen, **options)
    if output_format == "table":
        from .render import booking_table

        booking_table(result, tz, environment(ctx).output)
    else:
        emit_json(ctx, booking_json(result))


@click.command()
@click.argument("event_id", metavar="EVENT_ID")
@click.option("--invite-dir", metavar="DIR", help=_INVITE_DIR_HELP)
@timeout_option(_TIMEOUT_HELP)
@store_option
@now_option
@click.pass_context
def cancel(
    ctx: click.Context,
    event_id: str,
    invite_dir: str | None,
    timeout: float,
    calendars: str,
    now: str | None,
) -> None:
    """Cancel a booked event: take it out of every booking calendar (DELETE with
    If-Match from those that live on a CalDAV server) and, with --invite-dir,
    write its METHOD:CANCEL invitation.

    Prints {"cancelled": [{"event_id", "event_uid", "start", "end", "subs"}]}.

    Exit status: 0 cancelled, 1 no booking calendar holds EVENT_ID, 4 a CalDAV
    server that cannot be written, 5 changed on a CalDAV server (4 and 5:
    nothing cancelled).

    \b
    Examples:
      cronoslot cancel interview_1 --invite-dir invites/
    """
    with open_session(ctx, calendars, now=now, no_cache=True) as session:
        emit_json(ctx, session.cancel(event_id, invite_dir=invite_dir, timeout=timeout))


COMMANDS = (book, cancel)

__all__ = ["COMMANDS", "book", "cancel"]
