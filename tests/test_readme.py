"""README's examples run here, so the README cannot drift from the tool.

- every ```sh block runs as a bash script (``set -euo pipefail``) from the repository
  root, with this environment's ``cronoslot`` first on PATH, and must succeed; a command
  ending in ``# exit status N`` must exit with N; a block preceded by
  ``<!-- not run: reason -->`` is not run (set-up commands);
- every ```console block's ``$ `` commands run, and their output must be the output shown;
- every ```python block runs, and must not raise.

Examples are over ``samples/`` with ``--now``, so they keep working after their dates pass.
The examples use jq: without it these tests fail, as they would for a reader.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.S | re.M)
NOT_RUN = "<!-- not run:"


def blocks(language: str) -> list[tuple[int, str]]:
    """(line number, text) of every block in ``language`` that is to be run."""
    text = README.read_text()
    found = []
    for match in FENCE.finditer(text):
        if match.group(1) != language:
            continue
        before = text[: match.start()].rstrip().rsplit("\n", 1)[-1]
        if before.startswith(NOT_RUN):
            continue
        found.append((text.count("\n", 0, match.start()) + 1, match.group(2)))
    return found


def environment(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["CRONOSLOT_CACHE_DIR"] = str(tmp_path / "cache")
    env.pop("CRONOSLOT_CALENDARS", None)
    env["COLUMNS"] = "120"
    return env


EXPECTED_STATUS = re.compile(
    r"^(?P<command>.*?)\s*(?P<comment>#\s*exit status (?P<code>\d+))$", re.M
)


def run_bash(script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = EXPECTED_STATUS.sub(
        lambda m: f"{m['command']} || test $? -eq {m['code']}  {m['comment']}", script
    )
    return subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + script],
        cwd=ROOT,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_jq_is_there() -> None:
    assert shutil.which("jq"), "README's examples need jq (apt install jq)"


def test_the_readme_has_examples() -> None:
    assert len(blocks("sh")) >= 2
    assert blocks("console")
    assert blocks("python")


@pytest.mark.parametrize(("line", "script"), blocks("sh"), ids=lambda v: str(v)[:20])
def test_shell_examples_run(line: int, script: str, tmp_path: Path) -> None:
    commands = [c for c in re.findall(r"\bcronoslot \w+", script) if "cronoslot cache" not in c]
    assert commands, f"README line {line}: a block with no cronoslot command"
    assert "--now" in script or "NOW" in script, f"README line {line}: pin the clock"
    result = run_bash(script, tmp_path)
    assert result.returncode == 0, f"README line {line}:\n{result.stderr}"
    assert result.stdout.strip(), f"README line {line}: printed nothing"
    assert "Traceback" not in result.stderr


def console_commands(block: str) -> list[tuple[str, str]]:
    """(command, expected output) pairs of a console block; ``\\`` continues a command."""
    pairs: list[tuple[str, str]] = []
    lines = block.splitlines()
    index = 0
    while index < len(lines):
        assert lines[index].startswith("$ "), lines[index]
        command = lines[index][2:]
        while command.endswith("\\"):
            index += 1
            command = command[:-1] + " " + lines[index].strip()
        index += 1
        output: list[str] = []
        while index < len(lines) and not lines[index].startswith("$ "):
            output.append(lines[index])
            index += 1
        pairs.append((command, "\n".join(output)))
    return pairs


@pytest.mark.parametrize(("line", "block"), blocks("console"), ids=lambda v: str(v)[:20])
def test_console_examples_print_what_they_show(line: int, block: str, tmp_path: Path) -> None:
    for command, expected in console_commands(block):
        result = run_bash(command, tmp_path)
        assert result.returncode == 0, f"README line {line}: {command}\n{result.stderr}"
        if expected:
            assert result.stdout.rstrip("\n") == expected, f"README line {line}: {command}"


@pytest.mark.parametrize(("line", "code"), blocks("python"), ids=lambda v: str(v)[:20])
def test_python_examples_run(line: int, code: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"README line {line}:\n{result.stderr}"


def test_the_exit_code_table_is_exit_code() -> None:
    from cronoslot.errors import ExitCode

    section = README.read_text().split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    codes = {int(code) for code in re.findall(r"^\| (\d+) \|", section, re.M)}
    assert codes == {int(code) for code in ExitCode}
