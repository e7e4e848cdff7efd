"""What each member appearance of a query uses, and its data for the solvers.

SPEC 2 decides a member's calendars (``calendar_ids``, else its chosen rules' calendars,
else every calendar) and SPEC 5 its rules; ``MemberData`` decides both once per member
appearance, loads every calendar the query needs once (``loading``), and gives each
appearance its ``MemberInput``: busy time, managed availability and sync status. The sync
status of each calendar loaded, and its warning, come from ``freshness`` (the one place
that decides them); a member's is the worst of the calendars it uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Warn
from ..intervals import Interval
from ..models import (
    AvailabilityRule,
    BusyInterval,
    Group,
    Member,
    MemberInput,
    SyncStatus,
    Transparency,
)
from ..solve.managed import managed_intervals
from ..store.reader import Store
from . import freshness
from .loading import FileJob, Progress, load_files

if TYPE_CHECKING:
    from ..cache import Cache


@dataclass
class MemberData:
    """Chooses each member appearance's calendars and rules, then loads every calendar the
    query needs once (in parallel where it pays) over ``window``, before a solver runs."""

    store: Store
    window: Interval
    warn: Warn
    cache: Cache | None = None
    workers: int | None = 1
    progress: Progress | None = None
    # UIDs and event ids the query excludes; None when the caller needs every interval
    # whole (``busy``), so bare spans are never used.
    excluded_ids: frozenset[str] | None = frozenset()
    loaded: dict[tuple[str, str], tuple[BusyInterval, ...]] = field(default_factory=dict)
    spans: dict[tuple[str, str], dict[Transparency, list[Interval]]] = field(default_factory=dict)
    # How old data may be, and the real clock ages are measured on.
    policy: freshness.Policy = field(default_factory=freshness.Policy)
    served_copy: set[tuple[str, str]] = field(default_factory=set)
    verdicts: dict[tuple[str, str], freshness.Verdict] = field(default_factory=dict)
    empty_accounts: set[str] = field(default_factory=set)
    chosen: dict[Member, list[str]] = field(default_factory=dict)

    def _rules(self, member: Member) -> tuple[AvailabilityRule, ...]:
        return chosen_rules(self.store, member)

    def _calendar_ids(self, member: Member, rules: Sequence[AvailabilityRule]) -> list[str]:
        """SPEC 2: ``calendar_ids`` if given; else the chosen rules' calendars when they name
        any; else every calendar of the account. Decided once per member appearance, so a
        warning about a rule's missing calendar is given once."""
        if member not in self.chosen:
            self.chosen[member] = self._choose_calendars(member, rules)
        return self.chosen[member]

    def _choose_calendars(self, member: Member, rules: Sequence[AvailabilityRule]) -> list[str]:
        if member.calendar_ids is not None:
            return list(dict.fromkeys(member.calendar_ids))
        all_calendars = self.store.calendar_ids(member.sub)
        named = list(dict.fromkeys(cid for rule in rules for cid in (rule.calendar_ids or ())))
        if not named:
            return list(all_calendars)
        for cid in named:
            if cid not in all_calendars:
                self.warn(
                    f"{member.sub}: an availability rule names calendar '{cid}', "
                    "which does not exist; it is ignored"
                )
        return [cid for cid in named if cid in all_calendars]

    def calendars_of(self, member: Member) -> list[str]:
        """The calendars a member appearance uses (SPEC 2)."""
        return self._calendar_ids(member, self._rules(member))

    def load(self, members: Iterable[Member]) -> None:
        """Load, once, every calendar the given member appearances use."""
        needed: dict[tuple[str, str], None] = {}
        # Bare spans will do for a calendar unless some member using it needs events whole.
        spans_will_do: dict[tuple[str, str], bool] = {}
        for member in members:
            # Read even when no calendar needs it: a malformed account.json of an account
            # the query uses is an error (SPEC 1) wherever it is.
            self.store.settings(member.sub)
            if not self.store.calendar_ids(member.sub) and member.sub not in self.empty_accounts:
                self.empty_accounts.add(member.sub)
                self._warn_verdict(freshness.account_verdict(member.sub))
            needs_events = bool(member.availability_constraints or member.only_managed_events)
            for calendar_id in self._calendar_ids(member, self._rules(member)):
                owner = (member.sub, calendar_id)
                if owner not in self.loaded:
                    needed[owner] = None
                    spans_will_do[owner] = spans_will_do.get(owner, True) and not needs_events
        jobs: list[FileJob] = []
        owners: list[tuple[str, str]] = []
        for sub, calendar_id in needed:
            settings = self.store.settings(sub)
            bare = self.excluded_ids is not None and spans_will_do[(sub, calendar_id)]
            for path in self.store.calendar_files(sub, calendar_id):
                jobs.append(
                    FileJob(path, calendar_id, settings, bare, self.excluded_ids or frozenset())
                )
                owners.append((sub, calendar_id))
            self.loaded[(sub, calendar_id)] = ()
        results = load_files(
            jobs,
            self.window,
            self.warn,
            cache=self.cache,
            workers=self.workers,
            progress=self.progress,
        )
        for owner, result in zip(owners, results, strict=True):
            self.loaded[owner] += result.intervals
            if result.spans:
                merged = self.spans.setdefault(owner, {})
                for transparency, spans in result.spans.items():
                    merged.setdefault(transparency, []).extend(spans)
            if result.disconnected:
                self.served_copy.add(owner)
        for owner in needed:
            self._judge(*owner)

    def _judge(self, sub: str, calendar_id: str) -> None:
        """Decide (once) the calendar's sync status, and give its warning."""
        source = self.store.source(sub, calendar_id)
        files = self.store.calendar_files(sub, calendar_id)
        modified = [mtime for path in files if (mtime := _modified(path)) is not None]
        # cronoslot's own booking calendars are as fresh as the last booking: a max age
        # (which applies to hand-made files by their age) does not make them stale.
        if source is None and self.policy.max_age is not None and all(map(_is_own, files)):
            modified = []
        evidence = freshness.Evidence(
            sub,
            calendar_id,
            source=None if source is None else source.shown,
            source_fingerprint=None if source is None else source.fingerprint,
            state=None if source is None else self.store.sync_state(sub, calendar_id),
            modified=max(modified, default=None),
            served_last_good_copy=(sub, calendar_id) in self.served_copy,
        )
        verdict = freshness.judge(evidence, self.policy)
        self.verdicts[(sub, calendar_id)] = verdict
        self._warn_verdict(verdict)

    def _warn_verdict(self, verdict: freshness.Verdict) -> None:
        if verdict.warning is not None:
            self.warn(verdict.warning)

    def member_input(self, member: Member) -> MemberInput:
        sub = member.sub
        rules = self._rules(member)
        # In no particular order across calendars: the solver normalises what it needs.
        busy: list[BusyInterval] = []
        spans: dict[Transparency, list[Interval]] = {}
        for calendar_id in self._calendar_ids(member, rules):
            busy.extend(self.loaded[(sub, calendar_id)])
            for transparency, pieces in self.spans.get((sub, calendar_id), {}).items():
                spans.setdefault(transparency, []).extend(pieces)
        managed = None
        if member.managed_availability:
            periods = self.store.available_periods(sub)
            managed = tuple(managed_intervals(rules, periods, self.window))
        if self.store.calendar_ids(sub):
            status = freshness.worst(
                self.verdicts[(sub, calendar_id)].status
                for calendar_id in self._calendar_ids(member, rules)
            )
        else:
            status = SyncStatus.PENDING
        return MemberInput(
            busy=tuple(busy),
            managed=managed,
            sync_status=status,
            spans=tuple((transparency, tuple(pieces)) for transparency, pieces in spans.items()),
        )

    def group_inputs(self, groups: Sequence[Group]) -> list[list[MemberInput]]:
        return [[self.member_input(member) for member in group.members] for group in groups]


def _is_own(path: Path) -> bool:
    """Whether ``path`` is one of cronoslot's booking calendars (its head carries the
    mark ``book`` writes)."""
    from ..book.events import is_booking_calendar

    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError:
        return False
    return is_booking_calendar(head.decode("utf-8", errors="replace"))


def _modified(path: Path) -> int | None:
    try:
        return int(path.stat().st_mtime)
    except OSError:
        return None


def chosen_rules(store: Store, member: Member) -> tuple[AvailabilityRule, ...]:
    """SPEC 5: the availability rules a member appearance chose (none without
    ``managed_availability``; every rule when ``availability_rule_ids`` is absent)."""
    if not member.managed_availability:
        return ()
    rules = store.availability_rules(member.sub)
    if member.availability_rule_ids is not None:
        chosen = set(member.availability_rule_ids)
        rules = tuple(rule for rule in rules if rule.availability_rule_id in chosen)
    return rules
