"""Time sequenced availability on a large query.

A 5-step sequence over a 35-day query period on a 5-minute grid, 10 accounts with
deterministic pseudo-random busy time. Prints the median of several runs of
``solve_sequence`` and of ``chain`` alone.

    .venv/bin/python bench/bench_sequence.py [--runs N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from functools import partial

from cronoslot.models import (
    BusyInterval,
    GapBound,
    Group,
    Member,
    MemberInput,
    Period,
    SequenceRequest,
    SequenceStep,
    StepBuffer,
    Transparency,
)
from cronoslot.solve.sequence import chain, solve_sequence
from cronoslot.timeutil import DAY, MINUTE, parse_time

QUERY_START = parse_time("2026-05-04T00:00:00Z")
QUERY_DAYS = 35
GRID = 5 * MINUTE
SUBS = [f"acc_{index:02d}" for index in range(10)]


def random_busy(rng: random.Random) -> tuple[BusyInterval, ...]:
    """About six meetings a day between 07:00 and 19:00, on 5-minute boundaries."""
    intervals = []
    for day in range(-1, QUERY_DAYS + 1):
        midnight = QUERY_START + day * DAY
        for _ in range(rng.randint(2, 10)):
            start = midnight + rng.randrange(7 * 12, 19 * 12) * GRID
            length = rng.choice([15, 30, 30, 45, 60, 90, 120]) * MINUTE
            intervals.append(BusyInterval(start, start + length, Transparency.OPAQUE, "cal"))
    return tuple(intervals)


def build_request(seed: int) -> tuple[SequenceRequest, list[list[list[MemberInput]]]]:
    rng = random.Random(seed)
    busy_by_sub = {sub: random_busy(rng) for sub in SUBS}
    steps = []
    inputs = []
    for index in range(5):
        subs = rng.sample(SUBS, 3)
        members = tuple(Member(sub=sub) for sub in subs)
        steps.append(
            SequenceStep(
                sequence_id=f"step_{index}",
                participants=(Group(members=members, required=rng.choice([1, 2, 3])),),
                required_duration=rng.choice([30, 45, 60]) * MINUTE,
                ordinal=index,
                start_interval=GRID,
                buffer=StepBuffer(
                    before=GapBound(minimum=rng.choice([0, 10]) * MINUTE),
                    after=GapBound(minimum=rng.choice([0, 5]) * MINUTE, maximum=120 * MINUTE),
                ),
            )
        )
        inputs.append([[MemberInput(busy=busy_by_sub[sub]) for sub in subs]])
    request = SequenceRequest(
        query_periods=(Period(QUERY_START, QUERY_START + QUERY_DAYS * DAY),),
        steps=tuple(steps),
        max_results=512,
    )
    return request, inputs


def random_chain_input(
    seed: int,
) -> tuple[list[list[int]], list[int], list[tuple[int, int | None]]]:
    """Five steps whose every 5-minute start in 35 days is feasible with probability 0.6."""
    rng = random.Random(seed)
    grid = range(QUERY_START, QUERY_START + QUERY_DAYS * DAY, GRID)
    starts = [[start for start in grid if rng.random() < 0.6] for _ in range(5)]
    durations = [rng.choice([30, 45, 60]) * MINUTE for _ in range(5)]
    gaps: list[tuple[int, int | None]] = [(10 * MINUTE, 120 * MINUTE) for _ in range(4)]
    return starts, durations, gaps


def median_seconds(action: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        timings.append(time.perf_counter() - began)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20260504)
    options = parser.parse_args()

    starts, durations, gaps = random_chain_input(options.seed)
    total = sum(len(step_starts) for step_starts in starts)
    for max_results in (20, 512):
        search = partial(chain, starts, durations, gaps, max_results)
        seconds = median_seconds(search, options.runs)
        print(
            f"chain: {total} starts over 5 steps, max_results={max_results}: "
            f"median {seconds * 1000:.1f} ms"
        )

    request, inputs = build_request(options.seed)
    try:
        answer = solve_sequence(request, inputs)
    except NotImplementedError:
        print("solve_sequence: skipped (cronoslot.solver is not implemented yet)")
        return
    seconds = median_seconds(lambda: solve_sequence(request, inputs), options.runs)
    print(
        f"solve_sequence: 5 steps, {QUERY_DAYS} days, 5-minute grid, {len(SUBS)} accounts, "
        f"{len(answer.sequences)} sequences: median {seconds * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
