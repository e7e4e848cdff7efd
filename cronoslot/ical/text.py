"""Split iCalendar text into calendars and top-level components, without parsing values.

icalendar rejects a whole file when one content line does not parse, so the loader cuts
the text into components itself and hands each to icalendar on its own: a broken component
then costs only itself. This module knows nothing of icalendar (importing it is slow) and
keeps the physical line numbers, so warnings can point at the line.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field

# RFC 5545 says CRLF; files in the wild use LF and, rarely, a lone CR.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# A fold, as icalendar reads one: a line break, any blank lines, then a space or tab; the
# next physical line continues the last, and the blank lines go (old Mozilla exports put
# one inside every folded property). The look-behind starts a match at the first break of
# a run only, so a long run of blank lines costs one pass, not one per line.
_FOLD = re.compile(r"(?<![\r\n])(?:\r\n|\r|\n)+[ \t]")
# The property name ends at the first ``;`` or ``:`` (a regex stops there; ``find`` would
# scan a long DESCRIPTION to its end).
_NAME_END = re.compile(r"[;:]")
# Logical lines that may be BEGIN:x or END:x (a superset: ``_begin_end`` decides), after
# a line break (``^`` would miss a lone CR; a look-behind is three times slower).
_MARKER_CANDIDATE = re.compile(r"[\r\n]([BbEe][^\r\n]*)")
# The first line may start with blanks (icalendar strips a name): every other line that
# starts with a space or tab is a fold, gone by then.
_FIRST_MARKER_CANDIDATE = re.compile(r"[^\S\r\n]*[BbEe][^\r\n]*")
# The same after a LF only: a pattern that starts with a literal is searched for several
# times faster than one that starts with a class. Used when the text has no lone CR, so
# every line starts after a LF.
_MARKER_CANDIDATE_AFTER_LF = re.compile(r"\n([BbEe][^\r\n]*)")
_LONE_CR = re.compile(r"\r(?!\n)")
# Folds after a LF and after a CR, found apart for the same reason (see ``_unfold_text``).
_LF_FOLD = re.compile(r"\n[ \t]")
_CR_FOLD = re.compile(r"\r[ \t]")
# A fold across blank lines ends like this, or with a lone CR (``_CR_FOLD``, or ``\r\r``).
_BLANK_LINE_FOLD = re.compile(r"\n\r?\n[ \t]")

# Components that only ever appear directly inside VCALENDAR: seeing one of these open
# while another component is still open means the earlier one was never closed.
TOP_LEVEL_COMPONENTS = frozenset({"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE"})


class NotICalendar(ValueError):
    """The text is not iCalendar at all, or is truncated; the message says which."""


class _Source:
    """A file's text unfolded once, and the way back from an offset in the unfolded text
    to a physical line number (worked out only when a warning asks for one)."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.unfolded = _unfold_text(text)
        self._folds: list[int] | None = None  # where each fold was, in unfolded offsets
        self._removed: list[int] = []  # characters removed up to and including each fold
        self._breaks: list[int] = []  # offsets of the line breaks in the original text
        self._has_lone_cr: bool | None = None

    @property
    def has_lone_cr(self) -> bool:
        """Whether the unfolded text has a CR not followed by a LF (a line break of its
        own); without one, every line but the first starts right after a LF."""
        if self._has_lone_cr is None:
            self._has_lone_cr = "\r" in self.unfolded and _LONE_CR.search(self.unfolded) is not None
        return self._has_lone_cr

    def line_number(self, offset: int) -> int:
        """The physical line (1-based) where the logical line starting at ``offset`` of the
        unfolded text starts (a fold right there continued an empty line: not counted)."""
        if self._folds is None:
            folds: list[int] = []
            removed = 0
            for match in _FOLD.finditer(self.original):
                folds.append(match.start() - removed)
                removed += match.end() - match.start()
                self._removed.append(removed)
            self._breaks = [match.start() for match in _LINE_BREAK.finditer(self.original)]
            self._folds = folds
        folds_before = bisect_left(self._folds, offset)
        original = offset + (self._removed[folds_before - 1] if folds_before else 0)
        return bisect_left(self._breaks, original) + 1


def _unfold_text(text: str) -> str:
    """``_FOLD.sub("", text)``, faster on the usual texts.

    Folds across blank lines are rare, and quickly ruled out; without them every fold is a
    line break followed by a space or tab, and a LF one takes the CR before it along. So
    without a CR followed by a space or tab, the folds are the LF ones (found by a pattern
    starting with a literal, which is quick to search), each with its CR if any.
    """
    if _BLANK_LINE_FOLD.search(text) is not None:
        return _FOLD.sub("", text)  # rare: the general pattern
    if "\r" not in text:
        return _LF_FOLD.sub("", text)
    if "\r\r" in text or _CR_FOLD.search(text) is not None:
        return _FOLD.sub("", text)  # rare: the general pattern
    pieces: list[str] = []
    kept_from = 0
    for match in _LF_FOLD.finditer(text):
        fold_start = match.start()
        if fold_start > kept_from and text[fold_start - 1] == "\r":
            fold_start -= 1
        pieces.append(text[kept_from:fold_start])
        kept_from = match.end()
    pieces.append(text[kept_from:])
    return "".join(pieces)


class LogicalLine:
    """One unfolded content line; ``line_number`` is the physical line (1-based) where it
    starts."""

    __slots__ = ("_offset", "_source", "text")

    def __init__(self, text: str, offset: int, source: _Source) -> None:
        self.text = text
        self._offset = offset
        self._source = source

    def __repr__(self) -> str:
        return f"LogicalLine({self.text!r}, offset={self._offset})"

    @property
    def line_number(self) -> int:
        return self._source.line_number(self._offset)

    @property
    def name(self) -> str:
        """The property name, upper-cased (the text before the first ``;`` or ``:``)."""
        return _name_of(self.text)

    @property
    def value(self) -> str:
        """The text after the first ``:`` outside a quoted parameter value."""
        return value_of(self.text)


def _name_of(text: str) -> str:
    match = _NAME_END.search(text)
    end = match.start() if match is not None else len(text)
    return text[:end].strip().upper()


def value_of(text: str) -> str:
    """The text after the first ``:`` outside a quoted parameter value of a content line."""
    colon = text.find(":")
    if colon < 0:
        return ""
    if '"' not in text[:colon]:
        return text[colon + 1 :]
    quoted = False
    for position, character in enumerate(text):
        if character == '"':
            quoted = not quoted
        elif character == ":" and not quoted:
            return text[position + 1 :]
    return ""


# A physical line of unfolded text that is not empty.
_LINE_TEXT = re.compile(r"[^\r\n]+")


def _lines_between(source: _Source, start: int, end: int) -> list[LogicalLine]:
    """The non-blank logical lines of ``source.unfolded[start:end]``."""
    return [
        LogicalLine(match.group(), match.start(), source)
        for match in _LINE_TEXT.finditer(source.unfolded, start, end)
        if match.group().strip()
    ]


class RawComponent:
    """A top-level component's text, BEGIN to END, with what is structurally wrong with it.

    The text is a slice of the file's unfolded text; ``lines`` (with their line numbers)
    are only worked out when asked for.
    """

    def __init__(
        self, name: str, source: _Source, start: int, end: int, problem: str | None = None
    ) -> None:
        self.name = name
        self.problem = problem  # set when the component's BEGIN/END nesting is broken
        self._source = source
        self._start = start
        self._end = end
        self._lines: list[LogicalLine] | None = None

    def __repr__(self) -> str:
        return f"RawComponent({self.name!r}, problem={self.problem!r}, text={self.text!r})"

    @property
    def text(self) -> str:
        """The unfolded text, BEGIN line to END line (blank lines included)."""
        return self._source.unfolded[self._start : self._end]

    @property
    def lines(self) -> list[LogicalLine]:
        """The non-blank logical lines, BEGIN to END."""
        if self._lines is None:
            self._lines = _lines_between(self._source, self._start, self._end)
        return self._lines

    @property
    def line_number(self) -> int:
        return self._source.line_number(self._start)

    @property
    def lines_follow_lf(self) -> bool:
        """Whether every line after the BEGIN line starts right after a LF (no lone CR in
        the file): a reader may then look for ``\\n`` only, which is quicker to search."""
        return not self._source.has_lone_cr

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
        """The component as iCalendar bytes (already unfolded, CRLF) for icalendar."""
        return "".join(
            line + "\r\n" for line in _LINE_TEXT.findall(self.text) if line.strip()
        ).encode("utf-8")


@dataclass
class RawCalendar:
    """One VCALENDAR block: its own properties and its top-level components in file order."""

    begin: LogicalLine  # the BEGIN:VCALENDAR line
    properties: list[LogicalLine] = field(default_factory=list)
    components: list[RawComponent] = field(default_factory=list)

    @property
    def line_number(self) -> int:
        return self.begin.line_number

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
    """Physical lines joined where a line starting with a space or tab continues the last
    (blank lines included)."""
    source = _Source(text)
    lines: list[LogicalLine] = []
    offset = 0
    for text_line in _LINE_BREAK.split(source.unfolded):
        lines.append(LogicalLine(text_line, offset, source))
        offset += len(text_line)
        offset += 2 if source.unfolded.startswith("\r\n", offset) else 1
    return lines


# The usual BEGIN/END line, read at once; any other candidate is read in full.
_PLAIN_MARKER = re.compile(r"(BEGIN|END):([A-Z-]+)")


def _begin_end(text: str) -> tuple[str, str] | None:
    """``("BEGIN", "VEVENT")`` for a BEGIN/END line, else None."""
    plain = _PLAIN_MARKER.fullmatch(text)
    if plain is not None:
        return plain[1], plain[2]
    text = text.lstrip()  # the first line may start with blanks
    name = _name_of(text)
    if name in ("BEGIN", "END") and text[len(name) :].lstrip().startswith(":"):
        return name, value_of(text).strip().upper()
    return None


def _marker_candidates(source: _Source) -> Iterator[tuple[int, int, str]]:
    """(start, end, text) of the lines that may be BEGIN or END lines, in order."""
    unfolded = source.unfolded
    first = _FIRST_MARKER_CANDIDATE.match(unfolded)
    if first is not None:
        yield first.start(), first.end(), first.group()
    candidates = _MARKER_CANDIDATE if source.has_lone_cr else _MARKER_CANDIDATE_AFTER_LF
    for match in candidates.finditer(unfolded):
        yield match.start(1), match.end(1), match.group(1)


def split_calendar_text(text: str) -> SplitResult:
    """Cut ``text`` into VCALENDAR blocks and their top-level components.

    Raises ``NotICalendar`` when the first non-blank line is not ``BEGIN:VCALENDAR`` or a
    VCALENDAR is not closed before the end of the text (a truncated file). A component whose
    nesting is broken is kept with ``problem`` set, so the caller can warn and skip it.

    Only BEGIN and END lines are visited one by one (found by a regex over the unfolded
    text); the lines between them are sliced, not read.
    """
    source = _Source(text)
    unfolded = source.unfolded
    calendars: list[RawCalendar] = []
    stray: list[LogicalLine] = []
    calendar: RawCalendar | None = None
    # The open component: its name, where it starts, its problem, its open names.
    component: str | None = None
    component_start = 0
    problem: str | None = None
    stack: list[str] = []
    handled = 0  # the text before this offset is accounted for

    def outside_lines(end: int) -> None:
        """Lines between BEGIN/END lines outside every component: calendar properties,
        stray text, or the proof that this is not iCalendar."""
        if calendar is not None:
            calendar.properties.extend(_lines_between(source, handled, end))
            return
        lines = _lines_between(source, handled, end)
        if lines and not calendars:
            raise NotICalendar(
                f"not an iCalendar file: line {lines[0].line_number} is not BEGIN:VCALENDAR"
            )
        stray.extend(lines)

    def close(end: int) -> None:
        assert calendar is not None and component is not None
        calendar.components.append(RawComponent(component, source, component_start, end, problem))

    for line_start, line_end, line_text in _marker_candidates(source):
        marker = _begin_end(line_text)
        if marker is None:
            continue
        if component is None:
            outside_lines(line_start)
        handled = line_end
        kind, name = marker
        if calendar is None:
            line = LogicalLine(line_text, line_start, source)
            if marker == ("BEGIN", "VCALENDAR"):
                calendar = RawCalendar(line)
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
            elif kind == "BEGIN":
                component, component_start, problem, stack = name, line_start, None, [name]
            else:  # a stray END here is harmless: kept as a property, ignored
                calendar.properties.append(LogicalLine(line_text, line_start, source))
            continue

        if kind == "BEGIN" and (name in TOP_LEVEL_COMPONENTS or name == "VCALENDAR"):
            # The open component was never closed: keep it as broken and start afresh.
            problem = f"no END:{component}"
            close(line_start)
            component, component_start, problem, stack = name, line_start, None, [name]
        elif kind == "BEGIN":
            stack.append(name)
        elif name == "VCALENDAR":
            problem = f"no END:{component}"
            close(line_start)
            component = None
            calendar = None
        elif name in stack:
            if stack[-1] != name:
                problem = f"END:{name} closes unclosed BEGIN:{stack[-1]}"
            del stack[stack.index(name) :]
            if not stack:
                close(line_end)
                component = None
        else:
            problem = f"END:{name} without BEGIN:{name}"

    if component is None:
        outside_lines(len(unfolded))
    if calendar is not None:
        raise NotICalendar("truncated: no END:VCALENDAR at the end of the file")
    if not calendars:
        raise NotICalendar("not an iCalendar file: it is empty")
    return SplitResult(calendars, stray)
