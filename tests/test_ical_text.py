"""Cutting iCalendar text into calendars and components (``text.py``), against the
line-by-line splitter it replaced."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from cronoslot.ical.text import NotICalendar, split_calendar_text

# --- ical_split against the line-by-line splitter it replaced ------------------------------
# The plain splitter, as it was, is the reference: the regex one must give the same
# components, lines, line numbers, problems and errors.

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NAME_END = re.compile(r"[;:]")
TOP_LEVEL_COMPONENTS = frozenset({"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE"})


class ReferenceError_(ValueError):
    pass


# --- the reference: the line-by-line splitter, as it was ----------------------------------


@dataclass
class RefLine:
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
class RefComponent:
    """A top-level component's lines, BEGIN to END, with what is structurally wrong with it."""

    name: str
    lines: list[RefLine]
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
class RefCalendar:
    """One VCALENDAR block: its own properties and its top-level components in file order."""

    line_number: int
    properties: list[RefLine] = field(default_factory=list)
    components: list[RefComponent] = field(default_factory=list)

    def property_value(self, name: str) -> str | None:
        for line in self.properties:
            if line.name == name:
                return line.value
        return None


@dataclass
class RefSplit:
    calendars: list[RefCalendar]
    stray_lines: list[RefLine]  # non-blank text outside every VCALENDAR


def reference_unfold(text: str) -> list[RefLine]:
    """Physical lines joined where a line starting with a space or tab continues the last;
    empty lines between the two go (icalendar's reading: old Mozilla exports put one
    inside every folded property)."""
    logical: list[RefLine] = []
    for index, physical in enumerate(_LINE_BREAK.split(text), start=1):
        if physical[:1] in (" ", "\t") and logical:
            while len(logical) > 1 and logical[-1].text == "":
                logical.pop()
            logical[-1].text += physical[1:]
        else:
            logical.append(RefLine(physical, index))
    return logical


def _begin_end(line: RefLine, first_line: bool) -> tuple[str, str] | None:
    """``("BEGIN", "VEVENT")`` for a BEGIN/END line, else None. The file's first line may
    start with blanks (icalendar strips them); any other line starting with a blank is a
    fold, or (a form feed...) not a BEGIN/END line."""
    text = line.text.lstrip() if first_line else line.text
    first = text[:1]
    if first not in ("B", "b", "E", "e") and not first.isspace():
        return None  # most lines: decided without working out the name
    name = line.name
    if name in ("BEGIN", "END") and text[len(name) :].lstrip().startswith(":"):
        return name, line.value.strip().upper()
    return None


def reference_split(text: str) -> RefSplit:
    """Cut ``text`` into VCALENDAR blocks and their top-level components.

    Raises ``ReferenceError_`` when the first non-blank line is not ``BEGIN:VCALENDAR`` or a
    VCALENDAR is not closed before the end of the text (a truncated file). A component whose
    nesting is broken is kept with ``problem`` set, so the caller can warn and skip it.
    """
    lines = reference_unfold(text)
    calendars: list[RefCalendar] = []
    stray: list[RefLine] = []
    calendar: RefCalendar | None = None
    component: RefComponent | None = None
    stack: list[str] = []  # open component names inside ``component``

    for index, line in enumerate(lines):
        if not line.text.strip():
            continue
        marker = _begin_end(line, index == 0)
        if calendar is None:
            if marker == ("BEGIN", "VCALENDAR"):
                calendar = RefCalendar(line.line_number)
                calendars.append(calendar)
            elif not calendars:
                raise ReferenceError_(
                    f"not an iCalendar file: line {line.line_number} is not BEGIN:VCALENDAR"
                )
            else:
                stray.append(line)
            continue

        if component is None:
            if marker == ("END", "VCALENDAR"):
                calendar = None
            elif marker is not None and marker[0] == "BEGIN":
                component = RefComponent(marker[1], [line])
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
            component = RefComponent(name, [line])
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
        raise ReferenceError_("truncated: no END:VCALENDAR at the end of the file")
    if not calendars:
        raise ReferenceError_("not an iCalendar file: it is empty")
    return RefSplit(calendars, stray)


# --- the comparison ------------------------------------------------------------------------


def _new(text: str) -> object:
    try:
        result = split_calendar_text(text)
    except NotICalendar as error:
        return ("error", str(error))
    return (
        [
            (
                calendar.line_number,
                [(line.text, line.line_number) for line in calendar.properties],
                [
                    (
                        raw.name,
                        raw.problem,
                        raw.to_bytes(),
                        raw.line_number,
                        raw.uid,
                        [(line.text, line.line_number) for line in raw.lines],
                    )
                    for raw in calendar.components
                ],
            )
            for calendar in result.calendars
        ],
        [(line.text, line.line_number) for line in result.stray_lines],
    )


def _reference(text: str) -> object:
    try:
        result = reference_split(text)
    except ReferenceError_ as error:
        return ("error", str(error))
    return (
        [
            (
                calendar.line_number,
                [(line.text, line.line_number) for line in calendar.properties],
                [
                    (
                        raw.name,
                        raw.problem,
                        raw.to_bytes(),
                        raw.line_number,
                        raw.uid,
                        [(line.text, line.line_number) for line in raw.lines],
                    )
                    for raw in calendar.components
                ],
            )
            for calendar in result.calendars
        ],
        [(line.text, line.line_number) for line in result.stray_lines],
    )


_PIECES = [
    "BEGIN:VCALENDAR",
    "END:VCALENDAR",
    "BEGIN:VEVENT",
    "END:VEVENT",
    "BEGIN:VALARM",
    "END:VALARM",
    "begin : vtodo",
    "END:VTODO",
    "BEGIN;X=1:VEVENT",
    "BEG",
    "IN:VEVENT",
    "UID:a\\,b",
    "UID:x",
    "DTSTART:20260310T090000Z",
    'X-A;P="a:b":c',
    "",
    " ",
    "\t",
    " continued",
    "\tIN:VEVENT",
    "E",
    "ND:VEVENT",
    "junk",
    "\x0cBEGIN:VEVENT",
    "BEGIN:",
]


@settings(max_examples=200, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_PIECES), max_size=30),
    breaks=st.lists(st.sampled_from(["\r\n", "\n", "\r"]), min_size=30, max_size=30),
    wrap=st.booleans(),
)
def test_split_answers_as_the_line_by_line_reference(
    pieces: list[str], breaks: list[str], wrap: bool
) -> None:
    if wrap:
        pieces = ["BEGIN:VCALENDAR", *pieces, "END:VCALENDAR"]
    text = "".join(piece + brk for piece, brk in zip(pieces, breaks + breaks, strict=False))
    assert _new(text) == _reference(text)


def test_split_answers_as_the_reference_on_folded_blank_lines() -> None:
    text = (
        "BEGIN:VCALENDAR\nVERSION\n\n :2.0\nBEGIN:VEVENT\nUID\n\n :1\r\n\r\n END:VEVENT\n"
        "END:VEVENT\nEND:VCALENDAR\n"
    )
    assert _new(text) == _reference(text)


@settings(max_examples=150, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_PIECES), max_size=30),
    breaks=st.one_of(
        st.lists(st.sampled_from(["\r\n", "\n"]), min_size=30, max_size=30),
        st.lists(st.just("\r\n"), min_size=30, max_size=30),
    ),
)
def test_split_answers_as_the_reference_without_lone_cr(
    pieces: list[str], breaks: list[str]
) -> None:
    # Without a lone CR the splitter takes its quicker LF-only searches.
    pieces = ["BEGIN:VCALENDAR", *pieces, "END:VCALENDAR"]
    text = "".join(piece + brk for piece, brk in zip(pieces, breaks + breaks, strict=False))
    assert _new(text) == _reference(text)


# --- quick readings against the plain ones they replaced -----------------------------------

# icalendar's fold: a line break, any blank lines, a space or tab.
_FOLD = re.compile(r"(?:\r\n|\r|\n)(?:\r\n|\r|\n)*[ \t]")


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="\r\n \tBa:", max_size=40))
def test_unfolding_is_the_plain_fold_removal(text: str) -> None:
    from cronoslot.ical.text import _unfold_text

    assert _unfold_text(text) == _FOLD.sub("", text)


def _reference_begin_end(text: str) -> tuple[str, str] | None:
    text = text.lstrip()
    name = RefLine(text, 1).name
    if name in ("BEGIN", "END") and text[len(name) :].lstrip().startswith(":"):
        return name, RefLine(text, 1).value.strip().upper()
    return None


@settings(max_examples=200, deadline=None)
@given(
    text=st.one_of(
        st.sampled_from(_PIECES),
        st.text(alphabet='BEGINDbegindVA-: ;"\t\x0c', max_size=14),
        st.builds(
            lambda kind, name: f"{kind}:{name}",
            st.sampled_from(["BEGIN", "END", "Begin", "end", "BEGıN"]),
            st.text(alphabet="VEVNTALRMvent- :", max_size=8),
        ),
    )
)
def test_begin_end_reads_as_the_plain_reading(text: str) -> None:
    from cronoslot.ical.text import _begin_end

    assert _begin_end(text) == _reference_begin_end(text)


# --- files that icalendar reads, read as it does ---------------------------------------------


def test_leading_blanks_before_begin_vcalendar() -> None:
    from .ical_fixtures import load_fixture, times, window

    # node-ical's dst-transition-rules.ics starts so. 10:00 Amsterdam (CEST) is 08:00Z.
    busy, warnings = load_fixture(
        "leading_blanks_before_vcalendar.ics",
        window("2022-10-09T00:00:00Z", "2022-10-10T00:00:00Z"),
    )
    assert times(busy) == [("2022-10-09T08:00:00Z", "2022-10-09T09:00:00Z")]
    assert [b.summary for b in busy] == ["Morning shift"] and warnings == []


def test_blank_lines_inside_folded_properties() -> None:
    from .ical_fixtures import load_fixture, times, window

    # An old Mozilla export (icalendar's multiple_calendar_components.ics) folds every
    # property across a blank line: "UID", "", " :956630271" is UID:956630271.
    busy, warnings = load_fixture(
        "blank_lines_inside_folded_properties.ics",
        window("2003-12-01T00:00:00Z", "2004-01-01T00:00:00Z"),
        tzid="Europe/London",
    )
    assert times(busy) == [("2003-12-25T00:00:00Z", "2003-12-26T00:00:00Z")]
    assert [(b.event_uid, b.summary) for b in busy] == [("956630271", "Christmas Day")]
    assert warnings == []


def test_folds_across_blank_lines_keep_physical_line_numbers() -> None:
    text = (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID\n\n :a\n\r\n\tb\nDTSTART\n\n\n :1\n"
        "END:VEVENT\nEND:VCALENDAR\n"
    )
    (raw,) = split_calendar_text(text).calendars[0].components
    assert [(line.text, line.line_number) for line in raw.lines] == [
        ("BEGIN:VEVENT", 2),
        ("UID:ab", 3),
        ("DTSTART:1", 8),
        ("END:VEVENT", 12),
    ]
