"""Output made for people, golden: lines, tables and grids of find, availability and
sequence, at 80 and 120 columns, on a terminal (colour) and off one (plain).

The expected outputs are files in ``fixtures/golden/``; after a deliberate change of the
output, rewrite them with ``CRONOSLOT_UPDATE_GOLDEN=1 pytest tests/test_cli_answers.py``
and read the diff. A missing file fails the test (it is never written silently).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cronoslot.cli.app import cli
from cronoslot.cli.environment import Environment

from .conftest import SAMPLES

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
STORE = str(SAMPLES / "calendars")
REQUESTS = SAMPLES / "requests"
FIND = ["find", "--with", "priya,lena", "--any", "1:thames,severn", "--for", "45m"]
FIND += ["--on", "tue,wed", "--tz", "Europe/London", "--now", "2027-04-19T08:00:00Z"]
AVAILABILITY = ["availability", str(REQUESTS / "slots.json"), "--tz", "Europe/London"]
AVAILABILITY += ["--now", "2027-04-01T00:00:00Z"]
SEQUENCE = ["sequence", str(REQUESTS / "interview-loop.json"), "--tz", "Europe/London"]
SEQUENCE += ["--now", "2027-04-01T00:00:00Z"]

CASES = {
    "find-lines": [*FIND, "--format", "lines"],
    "find-table": [*FIND, "--format", "table"],
    "find-grid": [*FIND, "--format", "grid"],
    "availability-grid": [*AVAILABILITY, "--format", "grid"],
    "availability-lines": [*AVAILABILITY, "--format", "lines"],
    "sequence-lines": [*SEQUENCE, "--format", "lines"],
    "sequence-table": [*SEQUENCE, "--format", "table"],
    "sequence-grid": [*SEQUENCE, "--format", "grid"],
}
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def output(args: list[str], columns: int, terminal: bool) -> str:
    screen = Terminal() if terminal else io.StringIO()
    result = CliRunner().invoke(
        cli,
        [*args, "--calendars", STORE],
        obj=Environment(stdout=screen),
        env={"COLUMNS": str(columns)},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return screen.getvalue()


@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "tty"])
@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str, columns: int, terminal: bool) -> None:
    printed = output(CASES[case], columns, terminal)
    path = GOLDEN / f"{case}-{columns}-{'tty' if terminal else 'pipe'}.txt"
    if os.environ.get("CRONOSLOT_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(printed)
    assert path.exists(), f"no golden file {path.name} (CRONOSLOT_UPDATE_GOLDEN=1 writes it)"
    assert printed == path.read_text()


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("case", ["find-grid", "availability-grid", "sequence-grid"])
def test_grids_fit_and_are_ascii_off_a_terminal(case: str, columns: int) -> None:
    plain = output(CASES[case], columns, terminal=False)
    assert plain.isascii()
    assert max(len(line) for line in plain.splitlines()) <= columns
    coloured = output(CASES[case], columns, terminal=True)
    assert "\x1b[" in coloured and "█" in coloured
    visible = ANSI.sub("", coloured)
    assert max(len(line) for line in visible.splitlines()) <= columns
    # The same picture, drawn with other glyphs.
    assert len(visible.splitlines()) == len(plain.splitlines())


def test_the_grid_marks_busy_tentative_outside_and_answers() -> None:
    grid = output(CASES["availability-grid"], 80, terminal=False)
    thursday, friday = grid.split("\n\n")[:2]
    rows = {line[:13].strip(): line[14:] for line in friday.splitlines()[2:8]}
    # Friday: Alice (managed) is outside her rule after 17:00 London, tentative 15:30-16:30
    assert rows["Alice Martin"].rstrip("|").endswith("." * 12)
    assert "~" * 6 in rows["Alice Martin"]
    assert set(rows["Lab"].strip("|")) == {" "}  # free all day
    assert rows["answers"].count(">") == 1
    assert thursday.count(">") == 3
    assert set(dict.fromkeys(thursday.splitlines()[6][14:].strip("|"))) == {"#"}  # Lab closed
