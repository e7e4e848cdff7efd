"""How fresh a calendar's data is: the one place that decides a ``sync_status``.

Every answer's ``member_statuses`` and every freshness warning come from ``judge`` (one
calendar) and ``account_verdict`` (an account with nothing to read). Its evidence:

- whether the calendar has a source (``SUB/sources.json``) and that source's sync state;
- the calendar file's modification time, for plain files when a maximum age is given;
- whether the file could not be used and the cache served its last good copy instead (the
  cache keeps the copy; it does not decide: a calendar served from it is ``disconnected``
  here, whatever else holds).

The rules (issue 9): a source that has never synced (or whose file is missing) is
``pending``, with a warning that the member looks free there; a source whose last sync
failed, or whose last success is older than the maximum age (24h unless given), is
``disconnected``, with a warning naming the calendar and the age of its data; a plain file
is judged by age only when a maximum age was given explicitly; everything else is
``active``. Ages are measured on the real clock (``Policy.clock``), never on a request's
``now``. Durations are written ``90m``, ``24h``, ``7d``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import SyncStatus

if TYPE_CHECKING:
    from ..sync.state import SyncState

from ..timeutil import HOUR, format_time, format_written_duration, parse_written_duration

DEFAULT_MAX_AGE = 24 * HOUR

_RANK = {SyncStatus.ACTIVE: 0, SyncStatus.PENDING: 1, SyncStatus.DISCONNECTED: 2}


# --- durations as people write them --------------------------------------------------------


parse_duration = parse_written_duration
"""``90m``, ``24h``, ``7d`` (also ``s`` and ``w``) as seconds (``timeutil``'s one reader)."""

format_duration = format_written_duration
"""A duration in one unit, rounded down (``timeutil``'s one writer)."""


# --- the decision ---------------------------------------------------------------------------


def real_clock() -> int:
    """The real time now, in seconds: what ages are measured on (never a request's now)."""
    return int(time.time())


@dataclass(frozen=True)
class Policy:
    """``max_age``: seconds (None: 24h, for sources only); given explicitly, it applies to
    plain files too, by their modification time. ``clock``: the real time now, read when
    the policy is made (one per query)."""

    max_age: int | None = None
    clock: int = field(default_factory=real_clock)

    @property
    def limit(self) -> int:
        return DEFAULT_MAX_AGE if self.max_age is None else self.max_age


@dataclass(frozen=True)
class Evidence:
    """What is known of one calendar that a query used."""

    sub: str
    calendar_id: str
    source: str | None = None  # the source's URL as it may be shown; None: a plain file
    source_fingerprint: str | None = None
    state: SyncState | None = None
    modified: int | None = None  # the newest modification time of its files; None: none
    served_last_good_copy: bool = False


@dataclass(frozen=True)
class Verdict:
    status: SyncStatus
    warning: str | None = None


ACTIVE = Verdict(SyncStatus.ACTIVE)


def judge(evidence: Evidence, policy: Policy) -> Verdict:
    """The sync status of one calendar, and the warning that goes with it (None when the
    loader has already said why: the last good copy was served)."""
    if evidence.served_last_good_copy:
        return Verdict(SyncStatus.DISCONNECTED)
    name = f"{evidence.sub}/{evidence.calendar_id}"
    if evidence.source is None:
        return _judge_plain_file(name, evidence, policy)
    state = evidence.state
    if state is not None and state.source != evidence.source_fingerprint:
        state = None  # the state of another URL
    if state is None or state.last_success is None or evidence.modified is None:
        failure = f" (last error: {state.last_error})" if state and state.last_error else ""
        what = "has not synced yet"
        if state is not None and state.last_success is not None:
            what = f"has no file (last synced {format_time(state.last_success)})"
        return Verdict(
            SyncStatus.PENDING,
            f"{name}: its source {evidence.source} {what}{failure}; the member looks free there",
        )
    age = format_duration(policy.clock - state.last_success)
    synced = f"last synced {format_time(state.last_success)}"
    if state.last_error is not None:
        return Verdict(
            SyncStatus.DISCONNECTED,
            f"{name}: the last sync failed ({state.last_error}); its data is {age} old ({synced})",
        )
    if policy.clock - state.last_success > policy.limit:
        return Verdict(
            SyncStatus.DISCONNECTED,
            f"{name}: its data is {age} old, older than the max age "
            f"{format_duration(policy.limit)} ({synced})",
        )
    return ACTIVE


def _judge_plain_file(name: str, evidence: Evidence, policy: Policy) -> Verdict:
    if policy.max_age is None or evidence.modified is None:
        return ACTIVE
    if policy.clock - evidence.modified <= policy.max_age:
        return ACTIVE
    return Verdict(
        SyncStatus.DISCONNECTED,
        f"{name}: its file is {format_duration(policy.clock - evidence.modified)} old, "
        f"older than the max age {format_duration(policy.max_age)} "
        f"(modified {format_time(evidence.modified)})",
    )


def account_verdict(sub: str) -> Verdict:
    """An account folder with no calendar files and no sources."""
    return Verdict(
        SyncStatus.PENDING,
        f"{sub}: the account has no calendars and no sources; it looks free all the time",
    )


def worst(statuses: Iterable[SyncStatus]) -> SyncStatus:
    """``disconnected`` over ``pending`` over ``active`` (``active`` for none)."""
    return max(statuses, key=_RANK.__getitem__, default=SyncStatus.ACTIVE)


__all__ = [
    "ACTIVE",
    "DEFAULT_MAX_AGE",
    "Evidence",
    "Policy",
    "Verdict",
    "account_verdict",
    "format_duration",
    "judge",
    "parse_duration",
    "real_clock",
    "worst",
]
