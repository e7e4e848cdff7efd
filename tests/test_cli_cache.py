"""The cache through the command line: same answers, disconnected fallback, info and clear."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from cronoslot.cli.app import cli

from .conftest import SAMPLES

NOW = "2027-04-01T00:00:00Z"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_answers_with_and_without_cache_are_identical(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    for name in sorted((SAMPLES / "requests").glob("*.json")):
        command = "sequence" if "sequence" in json.loads(name.read_text()) else "availability"
        common = [command, str(name), "--calendars", str(SAMPLES / "calendars"), "--now", NOW]
        plain = run(*common, "--no-cache")
        cold = run(*common, "--cache-dir", str(cache_dir))
        warm = run(*common, "--cache-dir", str(cache_dir))
        assert plain.exit_code == cold.exit_code == warm.exit_code == 0, name
        assert json.loads(plain.stdout) == json.loads(cold.stdout) == json.loads(warm.stdout)
    info = run("cache", "info", "--cache-dir", str(cache_dir))
    assert info.exit_code == 0
    assert json.loads(info.stdout)["files"] >= 6


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    result = run(
        "availability",
        str(SAMPLES / "requests" / "slots.json"),
        "--calendars",
        str(SAMPLES / "calendars"),
        "--now",
        NOW,
        "--no-cache",
        "--cache-dir",
        str(cache_dir),
    )
    assert result.exit_code == 0
    assert not cache_dir.exists()


GOOD = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:meeting
DTSTAMP:20270101T000000Z
DTSTART:20270422T100000Z
DTEND:20270422T110000Z
END:VEVENT
END:VCALENDAR
"""

REQUEST = {
    "participants": [{"members": [{"sub": "acc_a"}], "required": "all"}],
    "required_duration": {"minutes": 30},
    "query_periods": [{"start": "2027-04-22T09:00:00Z", "end": "2027-04-22T12:00:00Z"}],
    "include_member_statuses": True,
}


def test_broken_file_falls_back_to_the_last_good_copy(tmp_path: Path) -> None:
    calendar = tmp_path / "store" / "acc_a" / "work.ics"
    calendar.parent.mkdir(parents=True)
    calendar.write_text(GOOD)
    request = tmp_path / "request.json"
    request.write_text(json.dumps(REQUEST))
    args = ["availability", str(request), "--calendars", str(tmp_path / "store"), "--now", NOW]
    args += ["--cache-dir", str(tmp_path / "cache")]
    first = run(*args)
    assert first.exit_code == 0, first.output
    good_answer = json.loads(first.stdout)
    assert good_answer["member_statuses"] == [{"sub": "acc_a", "sync_status": "active"}]

    calendar.write_text(GOOD[:60])  # truncated: no END:VCALENDAR
    fallback = run(*args)
    assert fallback.exit_code == 0, fallback.output
    body = json.loads(fallback.stdout)
    assert body["available_periods"] == good_answer["available_periods"]
    assert body["member_statuses"] == [{"sub": "acc_a", "sync_status": "disconnected"}]
    assert any(
        line.startswith("warning:") and "work.ics" in line for line in fallback.stderr.splitlines()
    )
    assert run(*args, "--strict").exit_code == 3
    assert run(*args, "--no-cache").exit_code == 3


def test_cache_clear_and_info(tmp_path: Path) -> None:
    cache_dir = str(tmp_path / "cache")
    run(
        "busy",
        "acc_5ba21743f408617d1269ea1e",
        "--from",
        "2027-04-22T00:00:00Z",
        "--to",
        "2027-04-23T00:00:00Z",
        "--calendars",
        str(SAMPLES / "calendars"),
        "--cache-dir",
        cache_dir,
    )
    assert json.loads(run("cache", "info", "--cache-dir", cache_dir).stdout)["files"] == 2
    cleared = run("cache", "clear", "--cache-dir", cache_dir)
    assert cleared.exit_code == 0
    assert json.loads(run("cache", "info", "--cache-dir", cache_dir).stdout)["files"] == 0


def test_cache_help_has_examples() -> None:
    for args in (["cache", "--help"], ["cache", "info", "--help"], ["cache", "clear", "--help"]):
        result = run(*args)
        assert result.exit_code == 0
        assert "Examples:" in result.stdout
