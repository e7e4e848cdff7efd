"""``cronoslot serve`` on the command line: what makes it refuse to start, and how.

Only refusals run in this process (they return before anything listens); servers that
start are real processes, in ``test_server_app.py`` and ``test_server_pycronofy.py``.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from cronoslot.cli.app import cli
from cronoslot.errors import ExitCode

from .conftest import SAMPLES

STORE = str(SAMPLES / "calendars")


def serve(*args: str, env: dict[str, str] | None = None) -> Result:
    environment = {"CRONOSLOT_TOKEN": None, **(env or {})}
    return CliRunner().invoke(cli, ["serve", "--calendars", STORE, *args], env=environment)


def test_without_a_token_it_refuses_to_start() -> None:
    result = serve()
    assert result.exit_code == ExitCode.USAGE
    assert "no token" in result.stderr
    assert "--no-auth" in result.stderr


def test_no_auth_is_refused_on_an_address_others_can_reach() -> None:
    result = serve("--no-auth", "--host", "0.0.0.0")
    assert result.exit_code == ExitCode.USAGE
    assert "loopback" in result.stderr


def test_no_auth_with_a_token_file_is_a_contradiction(tmp_path: Path) -> None:
    (tmp_path / "tokens").write_text("a-token\n")
    result = serve("--no-auth", "--token-file", str(tmp_path / "tokens"))
    assert result.exit_code == ExitCode.USAGE
    assert "contradict" in result.stderr


def test_a_bad_token_file_is_named_and_its_tokens_are_not(tmp_path: Path) -> None:
    (tmp_path / "tokens").write_text("first-secret\nsecond secret\n")
    result = serve("--token-file", str(tmp_path / "tokens"))
    assert result.exit_code == ExitCode.USAGE
    assert "line 2" in result.stderr
    assert "secret" not in result.stderr.replace(str(tmp_path), "")


def test_bad_limits_are_usage_errors() -> None:
    for args in (["--max-body", "0"], ["--request-timeout", "-1"], ["--workers", "0"]):
        result = serve("--no-auth", *args)
        assert result.exit_code == ExitCode.USAGE, args
        assert args[0] in result.stderr
    assert serve("--no-auth", "--request-timeout", "soon").exit_code == ExitCode.USAGE


def test_a_missing_store_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["serve", "--no-auth", "--calendars", str(tmp_path / "nowhere")]
    )
    assert result.exit_code == ExitCode.USAGE
    assert "nowhere" in result.stderr


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )


def test_without_the_serve_extra_it_says_how_to_install_it() -> None:
    code = (
        "import sys; sys.modules['uvicorn'] = None\n"
        "from cronoslot.cli.app import main\n"
        f"sys.argv = ['cronoslot', 'serve', '--no-auth', '--calendars', {STORE!r}]\n"
        "main()\n"
    )
    result = run_python(code)
    assert result.returncode == ExitCode.USAGE
    assert "pip install 'cronoslot[serve]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_port_in_use_is_a_usage_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "cronoslot",
                "serve",
                "--no-auth",
                "--calendars",
                STORE,
                "--port",
                str(port),
                "--workers",
                "1",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == ExitCode.USAGE
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
