"""The grid's pieces: days of a query in a zone, cells, marks, labels and wrapping."""

from __future__ import annotations

import io

from cronoslot.cli.grid import GridRow, Mark, days_of, draw
from cronoslot.cli.grid import _wrap_names as wrap_names
from cronoslot.timeutil import HOUR, format_time, parse_time

T = parse_time("2027-03-27T20:00:00Z")  # Saturday evening, before London's change


def test_days_of_cut_at_local_midnights_dst_included() -> None:
    union = [(T, T + 30 * HOUR)]  # to Monday 02:00 UTC
    days = days_of(union, "Europe/London")
    assert [(format_time(a), format_time(b)) for a, b in days] == [
        ("2027-03-27T20:00:00Z", "2027-03-28T00:00:00Z"),
        ("2027-03-28T00:00:00Z", "2027-03-28T23:00:00Z"),  # a 23-hour Sunday
        ("2027-03-28T23:00:00Z", "2027-03-29T02:00:00Z"),
    ]
    assert len(days_of(union, None)) == 3  # UTC: Saturday, Sunday, Monday


def test_draw_states_marks_and_long_names() -> None:
    day = (T, T + 2 * HOUR)
    rows = [
        GridRow("A name much longer than sixteen", ((T, T + HOUR // 2),), ()),
        GridRow("Tent", (), ((T + HOUR, T + 2 * HOUR),), allowed=((T, T + HOUR),)),
    ]
    screen = io.StringIO()
    draw([day], rows, [Mark(T + HOUR // 2, T + HOUR)], "UTC", screen, past_before=T + 600)
    lines = screen.getvalue().splitlines()
    assert lines[0] == "Sat 27 Mar 2027  UTC (UTC)"
    assert lines[2].startswith("A name much lon. |")
    busy, tentative, answers = (line.split("|")[1] for line in lines[2:5])
    assert len(busy) == len(tentative) == len(answers) == 24  # 5-minute cells at 80
    assert busy == "#" * 6 + " " * 18
    assert tentative == ".." + " " * 10 + "~" * 12  # the past, free, then tentative
    assert answers == " " * 6 + ">" + "=" * 5 + " " * 12
    empty = io.StringIO()
    draw([], rows, [], "UTC", empty)
    assert empty.getvalue() == ""


def test_wrapping_breaks_between_names_only() -> None:
    line = "Wed 21 Apr  14:30-15:15 BST  Priya Sharma, Lena Vogel, Thames room, Severn room"
    assert wrap_names(line, 70) == [
        "Wed 21 Apr  14:30-15:15 BST  Priya Sharma, Lena Vogel, Thames room,",
        "    Severn room",
    ]
    assert wrap_names(line, 200) == [line]
