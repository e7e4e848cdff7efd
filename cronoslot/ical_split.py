"""Split iCalendar text into calendars and top-level components, without parsing values.

icalendar rejects a whole file when one content line does not parse, so the loader cuts
the text into components itself and hands each to icalendar on its own: a broken component
then costs only itself. This module knows nothing of icalendar (importing it is slow) and
keeps the physical line numbers, so warnings can point at the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# RFC 5545 says CRLF; files in the wild use LF and, rarely, a lone CR.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# The property name ends at the first ``;`` or ``:`` (a regex stops there; ``find`` would
# scan a long DESCRIPTION to its end).
_NAME_END = re.compile(r"[;:]")

# Components that only ever appear directly inside VCALENDAR: seeing one of these open
# while another component is still open means the earlier one was never closed.
TOP_LEVEL_COMPONENTS = frozenset({"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE"})


class NotICalendar(ValueError):
    """The text is not iCalendar at all, or is truncated; the message says which."""


@dataclass
class LogicalLine:
    """One unfolded content line and the physical line (1-based) where it starts."""

    text: str
    line_number: int

    @property
    def name(self) -> str:
        """The property name, upper-cased (the text before the first ``;`` or ``:``)."""
        match = _NAME_END.search(self.text)
        end = match.start() if match is not None else len(self.text)
        return self.text[:end].strip().upper()

    @property
    def value(self) -> str:
        """The text after the first ``:`` outside a quoted parameter value."""
        quoted = False
        for position, character in enumerate(self.text):
            if character == '"':
                quoted = not quoted
            elif character == ":" and not quoted:
                return self.text[position + 1 :]
        return ""


@dataclass
class RawComponent:
    """A top-level component's lines, BEGIN to END, with what is structurally wrong with it."""

    name: str
    lines: list[LogicalLine]
    problem: str | None = None  # set when the component's BEGIN/END nesting is broken

    @property
    def line_number(self) -> int:
        return self.lines[0].line_number

    @property
    def uid(self) -> str | None:
        """The first UID line directly in the component (read without icalendar, so a
        warning can name it even when the component does not parse)."""
        depth = 0
        for line in self.lines[1:]:
            name = line.name
            if name == "BEGIN":
                depth += 1
            elif name == "END":
                depth -= 1
            elif name == "UID" and depth == 0:
                return line.value.strip() or None
        return None

    def to_bytes(self) -> bytes:
        """The component as iCalendar bytes (already unfolded) for icalendar."""
        return "".join(line.text + "\r\n" for line in self.lines).encode("utf-8")


@dataclass
class RawCalendar:
    """One VCALENDAR block: its own properties and its top-level components in file order."""

    line_number: int
    properties: list[LogicalLine] = field(default_factory=list)
    components: list[RawComponent] = field(default_factory=list)

    def property_value(self, name: str) -> str | None:
        for line in self.properties:
            if line.name == name:
                return line.value
        return None


@dataclass
class SplitResult:
    calendars: list[RawCalendar]
    stray_lines: list[LogicalLine]  # non-blank text outside every VCALENDAR


def unfold(text: str) -> list[LogicalLine]:
    """Physical lines joined where a line starting with a space or tab continues the last."""
    logical: list[LogicalLine] = []
    for index, physical in enumerate(_LINE_BREAK.split(text), start=1):
        if physical[:1] in (" ", "\t") and logical:
            logical[-1].text += physical[1:]
        else:
            logical.append(LogicalLine(physical, index))
    return logical


def _begin_end(line: LogicalLine) -> tuple[str, str] | None:
    """``("BEGIN", "VEVENT")`` for a BEGIN/END line, else None."""
    first = line.text[:1]
    if first not in ("B", "b", "E", "e") and not first.isspace():
        return None  # most lines: decided without working out the name
    name = line.name
    if name in ("BEGIN", "END") and line.text[len(name) :].lstrip().startswith(":"):
        return name, line.value.strip().upper()
    return None


def split_calendar_text(text: str) -> SplitResult:
    """Cut ``text`` into VCALENDAR blocks and their top-level components.

    Raises ``NotICalendar`` when the first non-blank line is not ``BEGIN:VCALENDAR`` or a
    VCALENDAR is not closed before the end of the text (a truncated file). A component whose
    nesting is broken is kept with ``problem`` set, so the caller can warn and skip it.
    """
    lines = unfold(text)
    calendars: list[RawCalendar] = []
    stray: list[LogicalLine] = []
    calendar: RawCalendar | None = None
    component: RawComponent | None = None
    stack: list[str] = []  # open component names inside ``component``

    for line in lines:
        if not line.text.strip():
            continue
        marker = _begin_end(line)
        if calendar is None:
            if marker == ("BEGIN", "VCALENDAR"):
                calendar = RawCalendar(line.line_number)
                calendars.append(calendar)
            elif not calendars:
                raise NotICalendar(
                    f"not an iCalendar file: line {line.line_number} is not BEGIN:VCALENDAR"
                )
            else:
                stray.append(line)
            continue

        if component is None:
            if marker == ("END", "VCALENDAR"):
                calendar = None
            elif marker is not None and marker[0] == "BEGIN":
                component = RawComponent(marker[1], [line])
                stack = [marker[1]]
            else:
                calendar.properties.append(line)  # a stray END here is harmless: ignored
            continue

        if marker is None:
            component.lines.append(line)
            continue
        kind, name = marker
        if kind == "BEGIN" and (name in TOP_LEVEL_COMPONENTS or name == "VCALENDAR"):
            # The open component was never closed: keep it as broken and start afresh.
            component.problem = f"no END:{component.name}"
            calendar.components.append(component)
            component = RawComponent(name, [line])
            stack = [name]
        elif kind == "BEGIN":
            component.lines.append(line)
            stack.append(name)
        elif name == "VCALENDAR":
            component.problem = f"no END:{component.name}"
            calendar.components.append(component)
            component = None
            calendar = None
        elif name in stack:
            component.lines.append(line)
            if stack[-1] != name:
                component.problem = f"END:{name} closes unclosed BEGIN:{stack[-1]}"
            del stack[stack.index(name) :]
            if not stack:
                calendar.components.append(component)
                component = None
        else:
            component.lines.append(line)
            component.problem = f"END:{name} without BEGIN:{name}"

    if calendar is not None:
        raise NotICalendar("truncated: no END:VCALENDAR at the end of the file")
    if not calendars:
        raise NotICalendar("not an iCalendar file: it is empty")
    return SplitResult(calendars, stray)
