"""``--format grid``: a picture of the query's days, for people.

Each day is a block: an hour axis in the zone, a row per member (by name) with time across
the day's window, busy / tentative / outside working hours (or past) / free drawn apart,
and a row marking the answers, then the day's answers as lines. Cells are as wide as the
terminal allows (``$COLUMNS``; 80 in a pipe), so it reads at 80 columns. On a terminal it
is drawn in colour with block characters; elsewhere in plain ASCII.

The busy time comes from the engine's inputs for the query (``Session.availability_inputs``),
with the request's filters applied as the solver applies them; outside working hours is
what a member's managed availability (or available periods) leaves out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby
from typing import IO

from rich.text import Text

from ..intervals import Interval, intersect, normalise
from ..models import (
    AvailabilityRequest,
    AvailabilityResult,
    ExcludedEvents,
    Group,
    MemberInput,
    SequenceRequest,
    SequenceResult,
    Transparency,
)
from ..solve.availability import filter_busy
from ..timeutil import MINUTE, from_datetime
from .lines import availability_lines, day_label, local, sequence_lines
from .render import console

__all__ = ["GridRow", "Mark", "availability_grid", "draw", "sequence_grid"]

_CELL_MINUTES = (5, 10, 15, 20, 30, 60, 120, 180, 240, 360)
_LABEL_WIDTH = 16

# state -> (terminal glyph, ASCII glyph, terminal style)
_GLYPHS = {
    "busy": ("█", "#", "red"),
    "tentative": ("▒", "~", "yellow"),
    "outside": ("·", ".", "bright_black"),
    "free": (" ", " ", ""),
}
_MARK_STYLE = "bold cyan"
_LEGEND = {
    "busy": "busy",
    "tentative": "tentative",
    "outside": "outside working hours (or past)",
}


@dataclass(frozen=True)
class GridRow:
    """One member: busy and tentative time, and where it may be available at all (None:
    everywhere)."""

    label: str
    busy: tuple[Interval, ...]
    tentative: tuple[Interval, ...]
    allowed: tuple[Interval, ...] | None = None


@dataclass(frozen=True)
class Mark:
    """An answer (or a sequence step) to mark: its first cell shows ``first``, the rest
    ``rest``."""

    start: int
    end: int
    first: str = ">"
    rest: str = "="


# --- the data ----------------------------------------------------------------------------


def member_rows(
    appearances: Iterable[tuple[Sequence[Group], Sequence[Sequence[MemberInput]]]],
    excluded: ExcludedEvents,
    names: Mapping[str, str],
) -> list[GridRow]:
    """A row per distinct member, from its first appearance's inputs, with the request's
    filters (tentative, transparencies, excluded and unmanaged events) applied."""
    rows: dict[str, GridRow] = {}
    for groups, inputs in appearances:
        for group, group_inputs in zip(groups, inputs, strict=True):
            for member, data in zip(group.members, group_inputs, strict=True):
                if member.sub in rows:
                    continue
                busy: list[Interval] = []
                tentative: list[Interval] = []
                for interval in filter_busy(member, data, excluded):
                    tentative_kind = interval.transparency == Transparency.TENTATIVE
                    (tentative if tentative_kind else busy).append((interval.start, interval.end))
                for transparency, spans in data.spans:
                    ignored = member.ignore_tentative and transparency == Transparency.TENTATIVE
                    if ignored or transparency in member.ignored_extended_transparencies:
                        continue
                    target = tentative if transparency == Transparency.TENTATIVE else busy
                    target.extend(spans)
                allowed: list[Interval] | None = None
                if member.managed_availability:
                    allowed = normalise(data.managed or ())
                if member.available_union is not None:
                    own = list(member.available_union)
                    allowed = own if allowed is None else intersect(allowed, own)
                rows[member.sub] = GridRow(
                    names.get(member.sub, member.sub),
                    tuple(normalise(busy)),
                    tuple(normalise(tentative)),
                    None if allowed is None else tuple(allowed),
                )
    return list(rows.values())


def days_of(union: Sequence[Interval], zone: str | None) -> list[Interval]:
    """The query's time cut into local days: for each local date, from its first searched
    instant to its last."""
    days: dict[object, Interval] = {}
    for start, end in union:
        cursor = start
        while cursor < end:
            moment = local(cursor, zone)
            midnight = (moment + timedelta(days=1)).replace(hour=0, minute=0, second=0)
            piece_end = min(end, from_datetime(midnight.replace(fold=0)))
            if piece_end <= cursor:  # a zone whose midnight does not exist
                piece_end = end
            first, last = days.get(moment.date(), (cursor, piece_end))
            days[moment.date()] = (min(first, cursor), max(last, piece_end))
            cursor = piece_end
    return sorted(days.values())


# --- the drawing -------------------------------------------------------------------------


def _overlaps(intervals: Sequence[Interval], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in intervals)


def _inside(intervals: Sequence[Interval], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in intervals)


def _state(row: GridRow, cell: Interval, day: Interval, past_before: int | None) -> str:
    start, end = cell
    if _overlaps(row.busy, start, end):
        return "busy"
    if _overlaps(row.tentative, start, end):
        return "tentative"
    outside_window = start < day[0] or end > day[1]
    in_past = past_before is not None and start < past_before
    if outside_window or in_past or (row.allowed is not None and not _inside(row.allowed, *cell)):
        return "outside"
    return "free"


class _Canvas:
    """Glyphs and styles for one output: block characters in colour on a terminal, plain
    ASCII elsewhere."""

    def __init__(self, terminal: bool) -> None:
        self.terminal = terminal

    def cells(self, text: Text, states: Iterable[str]) -> None:
        """Cells of these states, a run of equal ones at a time (one style span each)."""
        for state, run in groupby(states):
            glyph, ascii_glyph, style = _GLYPHS[state]
            count = len(list(run))
            text.append((glyph if self.terminal else ascii_glyph) * count, style=self._style(style))

    def marks(self, text: Text, glyphs: str) -> None:
        for blank, run in groupby(glyphs, key=lambda glyph: glyph == " "):
            text.append("".join(run), style="" if blank else self._style(_MARK_STYLE))

    def _style(self, style: str) -> str:
        return style if self.terminal else ""

    def label(self, name: str, width: int) -> str:
        if len(name) > width:
            name = name[: width - 1] + ("…" if self.terminal else ".")
        return name.ljust(width)


def _wrap_names(line: str, width: int) -> list[str]:
    """``line`` in pieces of at most ``width`` (where it can), broken only after a name
    (", ") or a step (" | "), never inside one; later pieces indented."""
    parts = re.split(r"(?<=,) |(?<= \|) ", line)
    pieces = [parts[0]]
    for part in parts[1:]:
        if len(pieces[-1]) + 1 + len(part) <= width:
            pieces[-1] += " " + part
        else:
            pieces.append("    " + part)
    return pieces


def _mark_glyph(marks: Sequence[Mark], cell: Interval) -> str:
    """What the answers row shows in ``cell``: the last mark over it (its first glyph in
    the cell where it starts), else a blank."""
    glyph = " "
    for mark in marks:
        if mark.start < cell[1] and cell[0] < mark.end:
            glyph = mark.first if mark.start >= cell[0] else mark.rest
    return glyph


def _cell_seconds(days: Sequence[Interval], room: int) -> int:
    longest = max(end - start for start, end in days)
    for minutes in _CELL_MINUTES:
        step = minutes * MINUTE
        if longest // step + 2 <= room:
            return step
    return _CELL_MINUTES[-1] * MINUTE


def _axis(cells: Sequence[Interval], zone: str | None, step: int) -> str:
    """Hour labels over the cells that start on an hour, as often as they fit."""
    every = max(1, -(-3 * step // 3600))
    axis = [" "] * len(cells)
    for index, (start, _) in enumerate(cells):
        moment = local(start, zone)
        fits = index + 2 <= len(cells) and axis[max(0, index - 1)] == " "
        if moment.minute == 0 and moment.hour % every == 0 and fits:
            axis[index : index + 2] = f"{moment.hour:02d}"
    return "".join(axis)


def draw(
    days: Sequence[Interval],
    rows: Sequence[GridRow],
    marks: Sequence[Mark],
    zone: str | None,
    stream: IO[str],
    notes: Sequence[tuple[int, str]] = (),
    past_before: int | None = None,
    mark_legend: tuple[str, str] = (">==", "an answer"),
) -> None:
    """Draw ``days`` (windows as instants) for ``rows``, marking ``marks``; under each day,
    the ``notes`` (start, text) that start in it."""
    out = console(stream, default=80)
    if not days:
        return
    canvas = _Canvas(stream.isatty())
    width = out.width
    label_width = min(_LABEL_WIDTH, max((len(row.label) for row in rows), default=0))
    label_width = max(label_width, len("answers"))
    step = _cell_seconds(days, width - label_width - 3)
    for day in days:
        first = local(day[0], zone)
        offset = int((first.utcoffset() or timedelta()).total_seconds())
        origin = day[0] - (day[0] + offset) % step
        cells = [(at, at + step) for at in range(origin, day[1], step)]
        out.print(f"{day_label(first)} {first:%Y}  {zone or 'UTC'} ({first.tzname()})")
        out.print(" " * (label_width + 2) + _axis(cells, zone, step), crop=False)
        for row in rows:
            text = Text(canvas.label(row.label, label_width) + " |")
            canvas.cells(text, (_state(row, cell, day, past_before) for cell in cells))
            text.append("|")
            out.print(text, crop=False)
        answers = Text(canvas.label("answers", label_width) + " |")
        canvas.marks(answers, "".join(_mark_glyph(marks, cell) for cell in cells))
        answers.append("|")
        out.print(answers, crop=False)
        for start, note in notes:
            if day[0] <= start < day[1]:
                for line in _wrap_names(note, width - 2):
                    out.print(f"  {line}", soft_wrap=True)
        out.print()
    legend = Text()
    for state, meaning in _LEGEND.items():
        canvas.cells(legend, [state])
        legend.append(f" {meaning}  ")
    out.print(legend.append("(blank) free"), soft_wrap=True)
    marks_legend = Text()
    canvas.marks(marks_legend, mark_legend[0])
    out.print(marks_legend.append(f" {mark_legend[1]}; a cell is {_minutes(step)}"))


def _minutes(seconds: int) -> str:
    minutes = seconds // MINUTE
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h"


# --- the commands' grids -----------------------------------------------------------------


def availability_grid(
    request: AvailabilityRequest,
    inputs: Sequence[Sequence[MemberInput]],
    result: AvailabilityResult,
    zone: str | None,
    names: Mapping[str, str],
    stream: IO[str],
    *,
    days: Sequence[Interval] | None = None,
    past_before: int | None = None,
) -> None:
    """The grid of an availability answer: its days are the query's time by local day
    (or ``days``)."""
    rows = member_rows([(request.participants, inputs)], request.excluded_events, names)
    marks = [Mark(slot.start, slot.end) for slot in result.slots]
    notes = list(
        zip(
            (slot.start for slot in result.slots),
            availability_lines(result, zone, names),
            strict=False,
        )
    )
    draw(days or days_of(request.query_union, zone), rows, marks, zone, stream, notes, past_before)


def sequence_grid(
    request: SequenceRequest,
    inputs: Sequence[Sequence[Sequence[MemberInput]]],
    result: SequenceResult,
    zone: str | None,
    names: Mapping[str, str],
    stream: IO[str],
) -> None:
    """The grid of a sequence answer: each day marks its earliest option's steps with
    their numbers (1, 2, ...), and lists the options that start on it."""
    steps = [
        (step.participants, step_inputs)
        for step, step_inputs in zip(request.steps, inputs, strict=True)
    ]
    rows = member_rows(steps, request.excluded_events, names)
    days = days_of(request.query_union, zone)
    marks: list[Mark] = []
    for day_start, day_end in days:
        option = next((o for o in result.sequences if day_start <= o[0].start < day_end), None)
        for number, step in enumerate(option or (), 1):
            digit = str(number % 10)
            marks.append(Mark(step.start, step.end, digit, digit))
    notes = list(
        zip(
            (option[0].start for option in result.sequences),
            sequence_lines(result, zone, names),
            strict=True,
        )
    )
    draw(
        days,
        rows,
        marks,
        zone,
        stream,
        notes,
        None,
        ("1234", "the steps of the day's first option"),
    )
