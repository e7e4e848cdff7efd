"""``explain``: why a time is not available, and who is the bottleneck.

Pure, like the solvers it explains (no clock, no I/O): given a validated request, the
solvers' inputs and a ``Context`` (now, names, managed sources), it gives a ``Verdict``
for one interval or a diagnosis of the whole request, built from the layers the solvers
use (``solve.layers``) and from the solvers themselves. ``to_json`` writes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..errors import UsageError
from ..models import AvailabilityRequest, MemberInput, SequenceRequest
from ..solve.availability import solve_availability
from ..solve.sequence import solve_sequence
from .diagnosis import diagnose_availability, diagnose_sequence, diagnose_step
from .reasons import Explanation, ManagedSources, Verdict
from .verdict import availability_notes, sequence_notes, verdict
from .view import Context, availability_view, find_step, step_view

Inputs = Sequence[Sequence[MemberInput]]


def explain_availability(
    request: AvailabilityRequest, inputs: Inputs, context: Context, at: int | None = None
) -> Explanation:
    """The verdict for ``[at, at + required_duration)``, or without ``at`` the diagnosis.
    ``inputs[g][m]`` belong to member m of group g, loaded over a window that holds the
    interval (and with events whole, for their identity)."""
    if at is None:
        return diagnose_availability(request, inputs, context)
    found = verdict(availability_view(request, inputs), at, context)
    answer = solve_availability(request, inputs)
    return replace(found, notes=availability_notes(found, request, answer))


def explain_sequence(
    request: SequenceRequest,
    inputs: Sequence[Inputs],
    context: Context,
    at: int | None = None,
    step: str | None = None,
) -> Explanation:
    """For step ``step`` (a ``sequence_id``): the verdict for ``[at, at + its duration)``,
    or without ``at`` the step's diagnosis; without ``step``, the sequence's diagnosis.
    ``inputs[s][g][m]``: steps in request order."""
    if step is None:
        if at is not None:
            raise UsageError("a time in a sequence needs the step it is for (--step SEQUENCE_ID)")
        return diagnose_sequence(request, inputs, context)
    index = find_step(request, step)
    if at is None:
        return diagnose_step(request, index, inputs, context)
    found = verdict(step_view(request, request.steps[index], inputs[index]), at, context)
    return replace(found, notes=sequence_notes(found, solve_sequence(request, inputs)))


__all__ = [
    "Context",
    "Explanation",
    "ManagedSources",
    "Verdict",
    "explain_availability",
    "explain_sequence",
]
