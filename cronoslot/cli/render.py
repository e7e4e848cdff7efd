"""Rich tables for people (``--format table``). The only module besides the CLI that knows
about terminals; imported only when a table is asked for."""

from __future__ import annotations

from typing import IO

from rich.console import Console
from rich.table import Table

from ..book.results import Booking
from ..models import AvailabilityResult, BusyInterval, SequenceResult
from ..timeutil import format_local


def _console(stream: IO[str]) -> Console:
    # A terminal's own width; in a pipe, a width that keeps rows readable in a pager.
    width = None if stream.isatty() else 120
    return Console(file=stream, highlight=False, soft_wrap=False, width=width)


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}h{minutes:02d}" if hours else f"{minutes} min"
    return text + (f" {secs}s" if secs else "")


def availability_table(result: AvailabilityResult, zone: str | None, stream: IO[str]) -> None:
    title = "Available periods" if result.format == "periods" else "Available slots"
    table = Table(title=f"{title} ({zone or 'UTC'})")
    table.add_column("#", justify="right")
    table.add_column("start")
    table.add_column("end")
    table.add_column("length", justify="right")
    table.add_column("participants")
    for number, slot in enumerate(result.slots, 1):
        table.add_row(
            str(number),
            format_local(slot.start, zone),
            format_local(slot.end, zone),
            _duration(slot.end - slot.start),
            ", ".join(slot.participants),
        )
    console = _console(stream)
    if result.slots:
        console.print(table)
    else:
        console.print("No availability in the query periods.")
    if result.member_statuses:
        statuses = Table(title="Member statuses")
        statuses.add_column("sub")
        statuses.add_column("sync_status")
        for status in result.member_statuses:
            statuses.add_row(status.sub, str(status.sync_status))
        console.print(statuses)


def sequence_table(result: SequenceResult, zone: str | None, stream: IO[str]) -> None:
    console = _console(stream)
    if not result.sequences:
        console.print("No sequence fits the query periods.")
        return
    for number, option in enumerate(result.sequences, 1):
        table = Table(title=f"Option {number} ({zone or 'UTC'})")
        table.add_column("step")
        table.add_column("start")
        table.add_column("end")
        table.add_column("participants")
        for step in option:
            table.add_row(
                step.sequence_id,
                format_local(step.start, zone),
                format_local(step.end, zone),
                ", ".join(step.participants),
            )
        console.print(table)


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
    console = _console(stream)
    if intervals:
        console.print(table)
    else:
        console.print(f"{sub} has no busy time in that window.")


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
    console = _console(stream)
    console.print(table)
    for path in booking.invites:
        console.print(f"invitation: {path}")
