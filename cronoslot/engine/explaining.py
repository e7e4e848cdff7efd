"""``explain`` over a store: the solvers' inputs (loaded as the queries load them, but with
every event whole and over a window that also holds the asked interval), the names and
managed sources ``explain`` cites, then the pure ``cronoslot.explain``."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import Warn
from ..explain import Context, Explanation, ManagedSources, explain_availability, explain_sequence
from ..explain.view import find_step
from ..models import AvailabilityRequest, Group, Member, Period, SequenceRequest
from ..store.reader import Store
from . import queries
from .members import chosen_rules

if TYPE_CHECKING:
    from collections.abc import Iterable


def availability(
    request: AvailabilityRequest,
    store: Store,
    warn: Warn,
    options: queries.LoadOptions,
    now: int,
    at: int | None = None,
) -> Explanation:
    loading = request
    if at is not None:
        # Read the calendars over the asked interval too, wherever it lies.
        if request.query_slots is not None:
            loading = replace(request, query_slots=(*request.query_slots, at))
        else:
            end = at + request.required_duration
            loading = replace(
                request, query_periods=(*(request.query_periods or ()), Period(at, end))
            )
    inputs = queries.availability_inputs(loading, store, warn, _whole(options))
    context = _context(store, request.participants, now)
    return explain_availability(request, inputs, context, at)


def sequence(
    request: SequenceRequest,
    store: Store,
    warn: Warn,
    options: queries.LoadOptions,
    now: int,
    at: int | None = None,
    step: str | None = None,
) -> Explanation:
    loading = request
    if at is not None and step is not None:
        duration = request.steps[find_step(request, step)].required_duration
        loading = replace(
            request, query_periods=(*request.query_periods, Period(at, at + duration))
        )
    inputs = queries.sequence_inputs(loading, store, warn, _whole(options))
    groups = [group for each in request.steps for group in each.participants]
    return explain_sequence(request, inputs, _context(store, groups, now), at, step)


def _whole(options: queries.LoadOptions) -> queries.LoadOptions:
    return replace(options, events_whole=True)


def _context(store: Store, groups: Iterable[Group], now: int) -> Context:
    """The names of the accounts (``account.json``'s ``name``) and the rules and periods
    of each member appearance with managed availability."""
    members: list[Member] = [member for group in groups for member in group.members]
    names: dict[str, str] = {}
    managed: dict[Member, ManagedSources] = {}
    for member in members:
        name = store.settings(member.sub).name
        if name:
            names[member.sub] = name
        if member.managed_availability and member not in managed:
            managed[member] = ManagedSources(
                rules=chosen_rules(store, member), periods=store.available_periods(member.sub)
            )
    return Context(now=now, names=names, managed=managed)
