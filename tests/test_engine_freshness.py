"""The one place that decides a calendar's sync status, and durations as people write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cronoslot.engine.freshness import (
    DEFAULT_MAX_AGE,
    Evidence,
    Policy,
    account_verdict,
    format_duration,
    judge,
    parse_duration,
    worst,
)
from cronoslot.models import SyncStatus
from cronoslot.sync.state import SyncState

CLOCK = 2_000_000_000
HOUR = 3600


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90m", 5400), ("24h", 86400), ("7d", 604800), ("45s", 45), ("2w", 1209600), (" 1H ", 3600)],
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "24", "h", "1.5h", "-1h", "1 h", "1y", "١h"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(45, "45s"), (5400, "90m"), (3600, "1h"), (86400, "24h"), (36 * HOUR, "36h"), (604800, "7d")],
)
def test_format_duration(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text


@given(st.integers(min_value=0, max_value=10**9))
def test_a_formatted_duration_reads_back_as_at_most_itself_within_one_unit(seconds: int) -> None:
    text = format_duration(seconds)
    back = parse_duration(text)
    unit = {"s": 1, "m": 60, "h": HOUR, "d": 86400}[text[-1]]
    assert back <= seconds < back + unit


def evidence(**changes: object) -> Evidence:
    base: dict[str, object] = {
        "sub": "acc_a",
        "calendar_id": "work",
        "source": "https://example.org/… [abcd1234]",
        "source_fingerprint": "abcd1234",
        "state": SyncState("abcd1234", last_attempt=CLOCK - HOUR, last_success=CLOCK - HOUR),
        "modified": CLOCK - HOUR,
    }
    base.update(changes)
    return Evidence(**base)  # type: ignore[arg-type]


def test_a_recent_success_is_active() -> None:
    assert judge(evidence(), Policy(clock=CLOCK)).status is SyncStatus.ACTIVE


def test_never_synced_is_pending_and_says_the_member_looks_free() -> None:
    for changes in ({"state": None}, {"modified": None}, {"state": SyncState("abcd1234")}):
        verdict = judge(evidence(**changes), Policy(clock=CLOCK))
        assert verdict.status is SyncStatus.PENDING
        assert verdict.warning is not None and "acc_a/work" in verdict.warning
        assert "looks free" in verdict.warning


def test_the_state_of_another_url_does_not_count() -> None:
    other = SyncState("ffff0000", last_attempt=CLOCK, last_success=CLOCK)
    assert judge(evidence(state=other), Policy(clock=CLOCK)).status is SyncStatus.PENDING


def test_a_failed_last_sync_is_disconnected_with_the_age_of_the_data() -> None:
    state = SyncState(
        "abcd1234", last_attempt=CLOCK, last_success=CLOCK - 3 * HOUR, last_error="HTTP 500"
    )
    verdict = judge(evidence(state=state), Policy(clock=CLOCK))
    assert verdict.status is SyncStatus.DISCONNECTED
    assert verdict.warning is not None
    assert "acc_a/work" in verdict.warning and "HTTP 500" in verdict.warning
    assert "3h old" in verdict.warning


def test_old_data_is_disconnected_by_the_max_age() -> None:
    state = SyncState("abcd1234", last_success=CLOCK - DEFAULT_MAX_AGE - 1)
    verdict = judge(evidence(state=state), Policy(clock=CLOCK))
    assert verdict.status is SyncStatus.DISCONNECTED
    assert verdict.warning is not None and "max age 24h" in verdict.warning
    fine = SyncState("abcd1234", last_success=CLOCK - DEFAULT_MAX_AGE)
    assert judge(evidence(state=fine), Policy(clock=CLOCK)).status is SyncStatus.ACTIVE
    assert judge(evidence(state=fine), Policy(clock=CLOCK, max_age=HOUR)).status is (
        SyncStatus.DISCONNECTED
    )


def test_plain_files_are_judged_by_age_only_with_an_explicit_max_age() -> None:
    plain = evidence(source=None, source_fingerprint=None, state=None, modified=CLOCK - 90 * 86400)
    assert judge(plain, Policy(clock=CLOCK)).status is SyncStatus.ACTIVE
    verdict = judge(plain, Policy(clock=CLOCK, max_age=7 * 86400))
    assert verdict.status is SyncStatus.DISCONNECTED
    assert verdict.warning is not None and "90d old" in verdict.warning
    assert judge(plain, Policy(clock=CLOCK, max_age=100 * 86400)).status is SyncStatus.ACTIVE


def test_the_last_good_copy_is_disconnected_whatever_else_holds() -> None:
    # The loader has warned already: no second warning.
    for changes in ({}, {"source": None, "state": None}):
        verdict = judge(evidence(served_last_good_copy=True, **changes), Policy(clock=CLOCK))
        assert verdict.status is SyncStatus.DISCONNECTED and verdict.warning is None


def test_ages_are_on_the_policy_clock() -> None:
    # The same evidence judged later is older: the clock, not a request's now, decides.
    state = SyncState("abcd1234", last_success=CLOCK)
    assert judge(evidence(state=state), Policy(clock=CLOCK)).status is SyncStatus.ACTIVE
    later = Policy(clock=CLOCK + DEFAULT_MAX_AGE + 1)
    assert judge(evidence(state=state), later).status is SyncStatus.DISCONNECTED


def test_an_empty_account_and_the_worst_status() -> None:
    assert account_verdict("acc_x").status is SyncStatus.PENDING
    assert worst([]) is SyncStatus.ACTIVE
    assert worst([SyncStatus.PENDING, SyncStatus.ACTIVE]) is SyncStatus.PENDING
    assert worst([SyncStatus.PENDING, SyncStatus.DISCONNECTED]) is SyncStatus.DISCONNECTED
