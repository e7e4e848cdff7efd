"""Sequenced availability: multi-step interview loops (SPEC 6).

OWNER: helper D (sequence).
"""

from __future__ import annotations

from collections.abc import Sequence

from .models import MemberInput, SequenceRequest, SequenceResult


def solve_sequence(
    request: SequenceRequest, inputs: Sequence[Sequence[Sequence[MemberInput]]]
) -> SequenceResult:
    """``inputs[s][g][m]``: member m of group g of step s, steps in request order."""
    raise NotImplementedError
