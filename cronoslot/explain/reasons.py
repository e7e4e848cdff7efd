"""What ``explain`` says: reasons, verdicts and diagnoses, as frozen dataclasses.

Every reason names its evidence. Member reasons come from one layer of the member's
available time (``solve.layers``): a busy interval, its buffer, the available periods,
the managed availability, a blocked day or week. Request reasons concern the interval
itself, for everyone alike: outside the query periods, off the grid, in the past.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from ..intervals import Interval
from ..models import AvailabilityRule, BusyInterval, ManagedPeriod
from ..solve.layers import ConstraintBlock

# --- member reasons ---------------------------------------------------------------------


@dataclass(frozen=True)
class Busy:
    """A busy interval of the member overlaps the interval. A bare busy span (known only
    by its time, from a warm cache) has an empty ``calendar_id`` and no UID."""

    kind: ClassVar[str] = "busy"
    event: BusyInterval


@dataclass(frozen=True)
class BufferReach:
    """A busy interval clear of the interval, whose buffer still reaches into it: the member
    needs ``buffer`` seconds free on that ``side`` of the interval and has ``gap``, so the
    buffer reaches ``buffer - gap`` seconds too far."""

    kind: ClassVar[str] = "buffer"
    event: BusyInterval
    side: Literal["before", "after"]
    buffer: int
    gap: int

    @property
    def short_by(self) -> int:
        return self.buffer - self.gap


@dataclass(frozen=True)
class OutsideAvailablePeriods:
    """The interval is not inside one of the member's ``available_periods``; ``nearest``
    are the periods around it (touching ones merged)."""

    kind: ClassVar[str] = "outside_available_periods"
    nearest: tuple[Interval, ...]


@dataclass(frozen=True)
class ManagedSources:
    """What a member appearance's managed availability is made of: the availability rules
    it chose and the account's available periods."""

    rules: tuple[AvailabilityRule, ...] = ()
    periods: tuple[ManagedPeriod, ...] = ()


@dataclass(frozen=True)
class OutsideManagedAvailability:
    """The interval is not inside the member's managed availability. ``sources`` are the
    rules and periods chosen; ``nearest`` the managed time around the interval, and
    ``nearest_sources`` the rule ids and period ids each nearest piece comes from."""

    kind: ClassVar[str] = "outside_managed_availability"
    sources: ManagedSources
    nearest: tuple[Interval, ...]
    nearest_sources: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ConstraintLimit:
    """The interval meets a day or ISO week in which an availability constraint's limit is
    already reached (``block.counted`` are the events counted there)."""

    kind: ClassVar[str] = "constraint_limit"
    block: ConstraintBlock


MemberReason = (
    Busy | BufferReach | OutsideAvailablePeriods | OutsideManagedAvailability | ConstraintLimit
)

# --- request reasons --------------------------------------------------------------------


@dataclass(frozen=True)
class OutsideQueryPeriods:
    """The interval does not lie inside one query period (touching ones merged); ``nearest``
    are the query periods around it."""

    kind: ClassVar[str] = "outside_query_periods"
    nearest: tuple[Interval, ...]


@dataclass(frozen=True)
class OffGrid:
    """The start is not a candidate start: not on the ``step``-second grid, or (``step``
    None) not one of the request's ``query_slots``. ``earlier`` and ``later`` are the
    nearest candidates."""

    kind: ClassVar[str] = "off_grid"
    step: int | None
    earlier: int | None
    later: int | None


@dataclass(frozen=True)
class InThePast:
    kind: ClassVar[str] = "in_the_past"
    now: int


RequestReason = OutsideQueryPeriods | OffGrid | InThePast
Reason = MemberReason | RequestReason

# --- notes: the interval works, yet the answer does not offer it ------------------------


@dataclass(frozen=True)
class NotOffered:
    """The interval satisfies the query but the answer does not list it: ``why`` is
    ``overlaps_offered_slot`` (``slots`` do not overlap; ``offered`` is the slot taken),
    ``beyond_max_results``, ``before_grid_start`` (a period's start moves up to the grid;
    ``offered`` is that period) or ``in_no_sequence`` (no answer sequence uses this start
    of the step)."""

    kind: ClassVar[str] = "not_offered"
    why: Literal[
        "overlaps_offered_slot", "beyond_max_results", "before_grid_start", "in_no_sequence"
    ]
    offered: Interval | None = None


# --- the verdict for one interval -------------------------------------------------------


@dataclass(frozen=True)
class MemberVerdict:
    """One member appearance: available for the interval exactly when it has no reasons."""

    sub: str
    name: str | None
    reasons: tuple[MemberReason, ...]

    @property
    def available(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class GroupVerdict:
    required: int
    members: tuple[MemberVerdict, ...]

    @property
    def available_count(self) -> int:
        return sum(member.available for member in self.members)

    @property
    def satisfied(self) -> bool:
        return self.available_count >= self.required


@dataclass(frozen=True)
class Verdict:
    """Whether ``[start, end)`` satisfies the query (or a sequence's step ``sequence_id``),
    and why not. ``participants`` are the answer's participants when it does, else None."""

    start: int
    end: int
    sequence_id: str | None
    reasons: tuple[RequestReason, ...]
    groups: tuple[GroupVerdict, ...]
    participants: tuple[str, ...] | None
    notes: tuple[NotOffered, ...] = ()

    @property
    def available(self) -> bool:
        return self.participants is not None


# --- the diagnosis of a whole request ---------------------------------------------------


@dataclass(frozen=True)
class MemberShare:
    """How much of the query periods one member appearance alone is available
    (``available`` seconds; ``start_times`` the starts that would work with that member
    alone), and how much each layer alone takes away (``losses``: reason kind -> seconds)."""

    group: int
    sub: str
    name: str | None
    available: int
    start_times: int
    losses: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Bottleneck:
    """Treating ``sub`` as always available (in every appearance) gives ``answers_without``
    answers instead of the diagnosis' ``answers``: ``adds`` more."""

    sub: str
    name: str | None
    answers_without: int
    adds: int


@dataclass(frozen=True)
class Diagnosis:
    """An availability request (or one step of a sequence, ``sequence_id``) as a whole.

    ``answers`` counts the start times that work: the ``overlapping_slots`` answer on
    ``grid`` (the request's ``start_interval``, else 15 minutes; None: the request's
    ``query_slots``), with no ``max_results`` cut; each
    bottleneck's ``adds`` counts the same way. ``query_seconds`` is the length of the query
    periods; ``offered`` the number of results the request itself gets.
    """

    sequence_id: str | None
    duration: int
    grid: int | None
    query_seconds: int
    answers: int
    offered: int
    members: tuple[MemberShare, ...]
    bottlenecks: tuple[Bottleneck, ...]


@dataclass(frozen=True)
class GapBlock:
    """The gap rule between steps ``after`` and ``before`` (running order) that no pair of
    reachable starts honours; ``closest`` is the gap (seconds from the end of ``after`` to
    the start of ``before``) that comes nearest to the allowed range, None when none."""

    after: str
    before: str
    minimum: int
    maximum: int | None
    closest: int | None


@dataclass(frozen=True)
class SequenceDiagnosis:
    """A sequence request as a whole: ``answers`` sequences (no ``max_results`` cut), the
    feasible starts of each step in running order, the first step with none (diagnosed as
    ``blocked``), or else the gap rule that leaves no sequence, and the bottlenecks (whose
    ``adds`` count sequences)."""

    answers: int
    offered: int
    steps: tuple[tuple[str, int], ...]
    blocked: Diagnosis | None
    gap: GapBlock | None
    bottlenecks: tuple[Bottleneck, ...]


Explanation = Verdict | Diagnosis | SequenceDiagnosis
