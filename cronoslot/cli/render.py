"""Rich tables for people (``--format table``), with people by name. Imported only when a
table is asked for; lines are ``lines``, grids ``grid``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO

from rich.console import Console
from rich.table import Table

from ..book.results import Booking
from ..models import AvailabilityResult, BusyInterval, SequenceResult
from ..timeutil import format_local
from .lines import NO_AVAILABILITY, NO_SEQUENCE, clock_span, day_label, local, names_of


def columns(stream: IO[str], default: int = 120) -> int | None:
    """The width to draw for: ``$COLUMNS`` when set; else the terminal's own (None lets
    rich ask it); in a pipe, ``default``, which keeps rows readable in a pager."""
    given = os.environ.get("COLUMNS", "")
    if given.isdigit() and int(given) > 0:
        return int(given)
    return None if stream.isatty() else default


def console(stream: IO[str], default: int = 120) -> Console:
    """A rich console on ``stream``: colours only on a terminal."""
    terminal = stream.isatty()
    return Console(
        file=stream,
        highlight=False,
        soft_wrap=False,
        width=columns(stream, default),
        force_terminal=terminal,
        color_system="standard" if terminal else None,
    )


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}h{minutes:02d}" if hours else f"{minutes} min"
    return text + (f" {secs}s" if secs else "")


def availability_table(
    result: AvailabilityResult,
    zone: str | None,
    stream: IO[str],
    names: Mapping[str, str],
    *,
    empty: str = NO_AVAILABILITY,
) -> None:
    title = "Available periods" if result.format == "periods" else "Available slots"
    table = Table(title=f"{title} ({zone or 'UTC'})")
    table.add_column("#", justify="right")
    table.add_column("day")
    table.add_column("time")
    table.add_column("length", justify="right")
    table.add_column("participants")
    for number, slot in enumerate(result.slots, 1):
        table.add_row(
            str(number),
            day_label(local(slot.start, zone)),
            clock_span(slot.start, slot.end, zone),
            _duration(slot.end - slot.start),
            names_of(slot.participants, names),
        )
    out = console(stream)
    if result.slots:
        out.print(table)
    else:
        out.print(empty)
    if result.member_statuses:
        statuses = Table(title="Member statuses")
        statuses.add_column("member")
        statuses.add_column("sub")
        statuses.add_column("sync_status")
        for status in result.member_statuses:
            statuses.add_row(names.get(status.sub, status.sub), status.sub, str(status.sync_status))
        out.print(statuses)


def _constant_participants(result: SequenceResult, index: int) -> tuple[str, ...] | None:
    """The participants of step ``index`` when every option has the same ones."""
    found = {option[index].participants for option in result.sequences}
    return found.pop() if len(found) == 1 else None


def sequence_table(
    result: SequenceResult, zone: str | None, stream: IO[str], names: Mapping[str, str]
) -> None:
    """One table for every option: a row per option, a column per step (its people in the
    header when they are the same in every option, else in each cell); a count line."""
    out = console(stream)
    if not result.sequences:
        out.print(NO_SEQUENCE)
        return
    table = Table(title=f"Sequences ({zone or 'UTC'})")
    table.add_column("#", justify="right")
    table.add_column("day")
    steps = result.sequences[0]
    constant = [_constant_participants(result, index) for index in range(len(steps))]
    for step, people in zip(steps, constant, strict=True):
        header = (
            step.sequence_id if people is None else f"{step.sequence_id}\n{names_of(people, names)}"
        )
        table.add_column(header)
    for number, option in enumerate(result.sequences, 1):
        day = local(option[0].start, zone)
        cells = []
        for step, people in zip(option, constant, strict=True):
            start = local(step.start, zone)
            text = clock_span(step.start, step.end, zone, with_zone=False)
            if start.date() != day.date():
                text = f"{day_label(start)} {text}"
            if people is None:
                text += f" {names_of(step.participants, names)}"
            cells.append(text)
        table.add_row(str(number), day_label(day), *cells)
    out.print(table)
    count = len(result.sequences)
    out.print(f"{count} option{'' if count == 1 else 's'}")


def busy_table(
    sub: str,
    intervals: list[BusyInterval],
    zone: str | None,
    stream: IO[str],
    *,
    show_private: bool = False,
) -> None:
    table = Table(title=f"Busy time of {sub} ({zone or 'UTC'})")
    for column in ("start", "end", "transparency", "calendar", "uid", "summary"):
        table.add_column(column)
    for busy in intervals:
        summary = None if busy.private and not show_private else busy.summary
        table.add_row(
            format_local(busy.start, zone),
            format_local(busy.end, zone),
            str(busy.transparency),
            busy.calendar_id,
            busy.event_uid or "",
            summary if summary is not None else ("(private)" if busy.private else ""),
        )
    out = console(stream)
    if intervals:
        out.print(table)
    else:
        out.print(f"{sub} has no busy time in that window.")


def booking_table(booking: Booking, zone: str | None, stream: IO[str]) -> None:
    """What ``book`` (or ``cancel``) did, one row per event."""
    done = "Cancelled" if booking.cancelled else "Would book" if booking.dry_run else "Booked"
    table = Table(title=f"{done} ({zone or 'UTC'})")
    for column in ("event id", "start", "end", "participants", "sequence"):
        table.add_column(column)
    for event in booking.events:
        table.add_row(
            event.event_id,
            "" if event.start is None else format_local(event.start, zone),
            "" if event.end is None else format_local(event.end, zone),
            ", ".join(event.subs),
            str(event.sequence),
        )
    out = console(stream)
    out.print(table)
    for path in booking.invites:
        out.print(f"invitation: {path}")
