"""The benchmark's store generator: deterministic, parseable, and the mix it promises."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import icalendar
import pytest

from cronoslot.api.request import parse_availability, parse_sequence
from cronoslot.store.reader import Store
from cronoslot.timeutil import parse_time

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


generate = _load("generate")


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out: Path = generate.generate(tmp_path_factory.mktemp("small"), "small")
    return out


def test_same_seed_same_bytes(small: Path, tmp_path: Path) -> None:
    again = generate.generate(tmp_path / "again", "small")
    assert _tree(again) == _tree(small)


def test_other_seed_other_store(small: Path, tmp_path: Path) -> None:
    other = generate.generate(tmp_path / "other", "small", seed=1)
    assert _tree(other) != _tree(small)


def test_stamp_marks_the_store_current(small: Path) -> None:
    assert generate.is_current(small, "small")
    assert not generate.is_current(small, "medium")
    assert not generate.is_current(small, "small", seed=1)


def test_every_calendar_parses_with_the_promised_counts(small: Path) -> None:
    size = generate.SIZES["small"]
    accounts = sorted((small / "store").iterdir())
    assert len(accounts) == size.accounts
    for account in accounts:
        settings = json.loads((account / "account.json").read_text())
        assert settings["tzid"] in generate.ZONES and settings["emails"]
        files = sorted(account.glob("*.ics"))
        assert 1 <= len(files) <= 3
        singles = 0
        masters = 0
        for path in files:
            calendar = icalendar.Calendar.from_ical(path.read_bytes())
            for event in calendar.walk("VEVENT"):
                assert event.errors == []
                event.decoded("DTSTART")  # every start has a readable value
                if "RRULE" in event:
                    masters += 1
                elif "RECURRENCE-ID" not in event:
                    singles += 1
        assert (singles, masters) == (size.events, size.series)


def test_the_mix_is_present(small: Path) -> None:
    text = b"".join(path.read_bytes() for path in (small / "store").rglob("*.ics"))
    # Lines may be folded: look for short markers that fit in one physical line.
    for marker in (
        b"X-WR-TIMEZONE:",
        b"BEGIN:VTIMEZONE",
        b"DTSTART;TZID=America/New_York:",
        b"DTSTART;VALUE=DATE:",
        b"STATUS:TENTATIVE",
        b"STATUS:CANCELLED",
        b"TRANSP:TRANSPARENT",
        b"PARTSTAT=DECLINED",
        b"PARTSTAT=TENTATIVE",
        b"X-MICROSOFT-CDO-BUSYSTATUS:OOF",
        b"CATEGORIES:",
        b"RECURRENCE-ID",
        b"EXDATE",
        b";COUNT=",
        b";UNTIL=",
        b";INTERVAL=",
        b";BYDAY=",
    ):
        assert marker in text, marker
    # Floating: a start with neither TZID nor Z.
    assert any(
        line.startswith(b"DTSTART:") and not line.endswith(b"Z") for line in text.splitlines()
    )


def test_requests_are_valid_for_the_fixed_now(small: Path) -> None:
    store = Store(small / "store")
    now = parse_time(generate.NOW)
    warnings: list[str] = []
    availability = parse_availability(
        (small / "requests" / "availability.json").read_bytes(),
        now=now,
        store=store,
        strict=True,
        warn=warnings.append,
    )
    sequence = parse_sequence(
        (small / "requests" / "sequence.json").read_bytes(),
        now=now,
        store=store,
        strict=True,
        warn=warnings.append,
    )
    assert warnings == []
    assert availability.query_periods is not None
    (period,) = availability.query_periods
    assert period.end - period.start == generate.QUERY_DAYS * 86400
    assert {len(group.members) for group in availability.participants} == {5}
    assert len(sequence.steps) == 4
