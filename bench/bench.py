"""Benchmark cronoslot against the naive baseline on generated stores (``make bench``).

    .venv/bin/python bench/bench.py [--sizes medium,large] [--repeat 3] [--quick]

For each size it generates (once; reused while the generator version matches) a store of
10 accounts into ``bench/.data/SIZE`` (``--data DIR`` to move it), then runs these
variants round-robin, ``--repeat`` times each, every run a fresh subprocess:

- ``naive``: ``bench/naive.py`` (icalendar + recurring_ical_events, the obvious way);
- ``cold``: ``cronoslot availability`` with a fresh, empty ``--cache-dir`` per run;
- ``no-cache``: the same with ``--no-cache`` (only when the CLI has the flag);
- ``warm``: ``cronoslot availability`` on a cache filled by one untimed run;
- ``seq-warm``: the 4-step ``cronoslot sequence`` query on that warm cache;
- ``floor``: ``cronoslot --version``, the interpreter and import cost every run pays.

All cronoslot runs use one entry point, ``python -m cronoslot``, and a fixed ``--now``.
When the CLI has no ``--cache-dir`` flag, ``$XDG_CACHE_HOME`` points each run at its own
temporary cache instead and the report says "cache flags missing".

Each command runs under a minimal launcher (``python -S -I -c``) that spawns it, times it
(wall clock, from spawn to exit) and reaps it with ``os.wait4``. Peak memory is measured
two ways: ``rss`` is ``ru_maxrss`` from that ``os.wait4`` (Linux: the largest resident
set of any single process in the command's tree, the command or a worker it waited for;
the launcher keeps this bench's own size out of it); ``tree`` is the largest sum of the
resident sets of the command and all its descendants, sampled from ``/proc`` every 50 ms,
which counts parallel workers together. The memory target uses the larger of the two.

Then, in this process, it times the solvers alone (loading excluded): the requests are
parsed with ``cronoslot.api.request``, the engine prepares the solvers' inputs once
(``engine.queries.availability_inputs`` and ``sequence_inputs``), then
``solve_availability`` and ``solve_sequence`` are timed on them (median of several runs).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (a sibling script, not a package)

CRONOSLOT = [sys.executable, "-m", "cronoslot"]
NAIVE = [sys.executable, str(HERE / "naive.py")]
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

TARGETS = {
    "naive/cold": 10.0,  # at least
    "naive/warm": 50.0,  # at least
    "warm/floor": 2.5,  # at most
    "seq-warm/floor": 3.0,  # at most
    "cold memory/naive memory": 2.0,  # at most
    "warm time growth medium->large": 1.5,  # at most
}
AT_LEAST = {"naive/cold", "naive/warm"}


# --- running one child ------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    max_rss: int  # bytes, ru_maxrss of the child's tree (largest single process)
    tree_rss: int  # bytes, sampled peak of the sum over the child and its descendants
    returncode: int
    stdout: bytes
    stderr: bytes


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                text = stat.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: split after the last ')'.
        fields = text[text.rfind(b")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def _tree_rss(root: int) -> int:
    children = _children_map()
    total = 0
    pending = [root]
    while pending:
        pid = pending.pop()
        try:
            with open(f"/proc/{pid}/statm", "rb") as statm:
                total += int(statm.read().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            pass
        pending.extend(children.get(pid, ()))
    return total


# A tiny launcher between the bench and each measured command. The kernel starts a child's
# ru_maxrss at the resident size of the process that forked it, so forking the commands
# straight from this (grown) bench process would inflate small ones; the launcher is a
# bare interpreter smaller than any measured command. It also times the command itself,
# so its own start-up is not counted. It writes "seconds maxrss_kb" to the file argv[1].
LAUNCHER = """
import os, sys, time
began = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - began
with open(sys.argv[1], "w") as report:
    report.write(f"{seconds} {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_child(command: Sequence[str], env: dict[str, str]) -> Run:
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as report,
    ):
        launcher = [sys.executable, "-S", "-I", "-c", LAUNCHER, report.name, *command]
        process = subprocess.Popen(launcher, stdout=out, stderr=err, env=env)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                # The launcher's descendants only: the launcher itself is not measured.
                peak = max(peak, _tree_rss(process.pid) - _own_rss(process.pid))
                done.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        process.wait()
        done.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        fields = report.read().split()
        seconds, max_rss_kb = (float(fields[0]), int(fields[1])) if fields else (0.0, 0)
        return Run(
            seconds=seconds,
            max_rss=max_rss_kb * 1024,  # kilobytes on Linux
            tree_rss=max(peak, 0),
            returncode=process.returncode,
            stdout=out.read(),
            stderr=err.read(),
        )


def _own_rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


# --- variants ---------------------------------------------------------------------------


@dataclass
class Variant:
    name: str
    # Returns the command and environment for one run, and a clean-up to call after it.
    prepare: Callable[[], tuple[list[str], dict[str, str], Callable[[], None]]]
    runs: list[Run] = field(default_factory=list)

    def ok_runs(self) -> list[Run]:
        return [run for run in self.runs if run.returncode == 0]

    def median_seconds(self) -> float | None:
        runs = self.ok_runs()
        return statistics.median(run.seconds for run in runs) if runs else None

    def median_memory(self) -> int | None:
        runs = self.ok_runs()
        return int(statistics.median(max(r.max_rss, r.tree_rss) for r in runs)) if runs else None


def cache_flags_present(env: dict[str, str]) -> bool:
    help_text = subprocess.run(
        [*CRONOSLOT, "availability", "--help"], capture_output=True, env=env, check=False
    ).stdout.decode(errors="replace")
    return "--cache-dir" in help_text and "--no-cache" in help_text


def base_env(scratch: Path) -> dict[str, str]:
    """The children's environment: no store, cache or progress settings of the caller's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRONOSLOT_")}
    # As a user runs it: with bytecode (some shells and tools set PYTHONDONTWRITEBYTECODE,
    # which would make every run, the floor included, compile its modules from source).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # Even with --cache-dir, nothing may fall back on the user's own cache.
    env["XDG_CACHE_HOME"] = str(scratch / "xdg-default")
    return env


@dataclass
class SizeContext:
    size: str
    data: Path
    scratch: Path
    env: dict[str, str]
    flags: bool

    @property
    def store(self) -> Path:
        return self.data / "store"

    def request(self, name: str) -> Path:
        return self.data / "requests" / f"{name}.json"

    def query(self, command: str, name: str) -> list[str]:
        return [
            *CRONOSLOT,
            command,
            str(self.request(name)),
            "--calendars",
            str(self.store),
            "--now",
            generate.NOW,
        ]

    def with_cache(self, command: list[str], cache: Path) -> tuple[list[str], dict[str, str]]:
        if self.flags:
            return [*command, "--cache-dir", str(cache)], dict(self.env)
        return command, {**self.env, "XDG_CACHE_HOME": str(cache)}


def build_variants(context: SizeContext) -> list[Variant]:
    nothing: Callable[[], None] = lambda: None  # noqa: E731
    warm_cache = context.scratch / f"warm-{context.size}"

    def naive() -> tuple[list[str], dict[str, str], Callable[[], None]]:
        command = [*NAIVE, str(context.store), str(context.request("availability"))]
        return command, dict(context.env), nothing

    def cold() -> tuple[list[str], dict[str, str], Callable[[], None]]:
        fresh = Path(tempfile.mkdtemp(prefix="cold-", dir=context.scratch))
        command, env = context.with_cache(context.query("availability", "availability"), fresh)
        return command, env, lambda: shutil.rmtree(fresh, ignore_errors=True)

    def no_cache() -> tuple[list[str], dict[str, str], Callable[[], None]]:
        command = [*context.query("availability", "availability"), "--no-cache"]
        return command, dict(context.env), nothing

    def warm() -> tuple[list[str], dict[str, str], Callable[[], None]]:
        command, env = context.with_cache(context.query("availability", "availability"), warm_cache)
        return command, env, nothing

    def sequence_warm() -> tuple[list[str], dict[str, str], Callable[[], None]]:
        command, env = context.with_cache(context.query("sequence", "sequence"), warm_cache)
        return command, env, nothing

    def floor() -> tuple[list[str], dict[str, str], Callable[[], None]]:
        return [*CRONOSLOT, "--version"], dict(context.env), nothing

    variants = [Variant("naive", naive), Variant("cold", cold)]
    if context.flags:
        variants.append(Variant("no-cache", no_cache))
    variants += [
        Variant("warm", warm),
        Variant("seq-warm", sequence_warm),
        Variant("floor", floor),
    ]
    return variants


def prefill(context: SizeContext) -> list[str]:
    """Fill the warm cache with one untimed run of each query; return any failures."""
    warm_cache = context.scratch / f"warm-{context.size}"
    problems = []
    for command_name, request in (("availability", "availability"), ("sequence", "sequence")):
        command, env = context.with_cache(context.query(command_name, request), warm_cache)
        result = subprocess.run(command, capture_output=True, env=env, check=False)
        if result.returncode != 0:
            problems.append(
                f"prefill {command_name}: exit {result.returncode}: {_last(result.stderr)}"
            )
    return problems


def _last(stderr: bytes) -> str:
    lines = stderr.decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else ""


# --- solvers alone ----------------------------------------------------------------------


def time_solvers(context: SizeContext, repeat: int) -> dict[str, float | str]:
    """Median seconds of ``solve_availability`` and ``solve_sequence`` on the inputs the
    engine prepares for the bench requests (loaded once, through the warm cache)."""
    try:
        from cronoslot.api import request as query
        from cronoslot.cache import Cache
        from cronoslot.engine import queries as engine
        from cronoslot.solve.availability import solve_availability
        from cronoslot.solve.sequence import solve_sequence
        from cronoslot.store.reader import Store
    except Exception as error:  # the package is mid-change: report, do not crash the bench
        return {"error": f"import failed: {type(error).__name__}: {error}"}

    now = int(datetime.fromisoformat(generate.NOW.replace("Z", "+00:00")).timestamp())
    results: dict[str, float | str] = {}

    def ignore(message: str) -> None:
        pass

    cache = Cache.open(context.scratch / f"warm-{context.size}") if context.flags else None
    options = engine.LoadOptions(cache=cache, workers=None)
    jobs: tuple[tuple[str, Any, Any, Any], ...] = (
        ("availability", query.parse_availability, engine.availability_inputs, solve_availability),
        ("sequence", query.parse_sequence, engine.sequence_inputs, solve_sequence),
    )
    for name, parse, prepare, solve in jobs:
        try:
            store = Store(context.store)
            body = context.request(name).read_bytes()
            request = parse(body, now=now, store=store, strict=False, warn=ignore)
            inputs = prepare(request, store, ignore, options)
            timings = []
            for _ in range(max(repeat, 5)):
                began = time.perf_counter()
                solve(request, inputs)
                timings.append(time.perf_counter() - began)
            results[name] = statistics.median(timings)
        except Exception as error:
            results[name] = f"failed: {type(error).__name__}: {error}"
    if cache is not None:
        cache.close()
    return results


# --- the report -------------------------------------------------------------------------


def _mb(value: int | None) -> str:
    return "-" if value is None else f"{value / 1e6:.0f}"


def _s(value: float | None) -> str:
    if value is None:
        return "failed"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _check(name: str, value: float | None) -> str:
    target = TARGETS[name]
    if value is None:
        return (
            f"{name:<32} {'n/a':>8}   target {'>=' if name in AT_LEAST else '<='} {target:g}   n/a"
        )
    passed = value >= target if name in AT_LEAST else value <= target
    sign = ">=" if name in AT_LEAST else "<="
    return f"{name:<32} {value:8.2f}   target {sign} {target:g}   {'PASS' if passed else 'FAIL'}"


def _ratio(top: float | None, bottom: float | None) -> float | None:
    if top is None or bottom is None or bottom == 0:
        return None
    return top / bottom


def report_size(size: str, variants: list[Variant], solver_times: dict[str, float | str]) -> None:
    by_name = {variant.name: variant for variant in variants}
    print(f"\n== {size} ==")
    print(
        f"{'variant':<10} {'runs':>4} {'median s':>9} {'min s':>8} {'max s':>8} "
        f"{'rss MB':>7} {'tree MB':>8}"
    )
    for variant in variants:
        ok = variant.ok_runs()
        times = [run.seconds for run in ok]
        rss = [run.max_rss for run in ok]
        tree = [run.tree_rss for run in ok]
        print(
            f"{variant.name:<10} {len(ok):>2}/{len(variant.runs):<1} "
            f"{_s(variant.median_seconds()):>9} "
            f"{_s(min(times)) if times else '-':>8} {_s(max(times)) if times else '-':>8} "
            f"{_mb(int(statistics.median(rss))) if rss else '-':>7} "
            f"{_mb(int(statistics.median(tree))) if tree else '-':>8}"
        )
        for run in variant.runs:
            if run.returncode != 0:
                print(f"    {variant.name} failed: exit {run.returncode}: {_last(run.stderr)}")
                break

    def seconds(name: str) -> float | None:
        return by_name[name].median_seconds() if name in by_name else None

    def memory(name: str) -> int | None:
        return by_name[name].median_memory() if name in by_name else None

    print(_check("naive/cold", _ratio(seconds("naive"), seconds("cold"))))
    print(_check("naive/warm", _ratio(seconds("naive"), seconds("warm"))))
    print(_check("warm/floor", _ratio(seconds("warm"), seconds("floor"))))
    print(_check("seq-warm/floor", _ratio(seconds("seq-warm"), seconds("floor"))))
    cold_memory, naive_memory = memory("cold"), memory("naive")
    print(
        _check(
            "cold memory/naive memory",
            None if cold_memory is None or naive_memory is None else cold_memory / naive_memory,
        )
    )
    if "no-cache" in by_name:
        print(
            f"{'naive/no-cache':<32} {_fmt(_ratio(seconds('naive'), seconds('no-cache')))}   (info)"
        )
    for name in ("availability", "sequence"):
        value = solver_times.get(name, "not measured")
        text = f"{value * 1000:.1f} ms" if isinstance(value, float) else str(value)
        print(f"solver alone, {name:<18} {text}")
    if "error" in solver_times:
        print(f"solver alone: {solver_times['error']}")


def _fmt(value: float | None) -> str:
    return "     n/a" if value is None else f"{value:8.2f}"


def check_answers(variants: list[Variant]) -> str:
    """The cached and uncached runs must print the same answer."""
    outputs = {
        variant.name: {run.stdout for run in variant.ok_runs()}
        for variant in variants
        if variant.name in ("cold", "no-cache", "warm")
    }
    distinct = set().union(*outputs.values()) if outputs else set()
    if not distinct:
        return "answers: no successful cronoslot run to compare"
    if len(distinct) == 1:
        slots = len(json.loads(next(iter(distinct))).get("available_slots", []))
        return f"answers: cold, no-cache and warm agree ({slots} slots)"
    return "answers: DIFFER between " + ", ".join(
        f"{name} ({len(found)} distinct)" for name, found in outputs.items()
    )


# --- main -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="medium,large", help="comma list of small,medium,large")
    parser.add_argument("--repeat", type=int, default=3, help="runs per variant (round-robin)")
    parser.add_argument("--quick", action="store_true", help="small and medium, 1 repetition")
    parser.add_argument("--data", type=Path, default=HERE / ".data", help="where stores live")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    options = parser.parse_args()
    sizes = ["small", "medium"] if options.quick else options.sizes.split(",")
    repeat = 1 if options.quick else options.repeat
    for size in sizes:
        if size not in generate.SIZES:
            parser.error(f"unknown size {size!r}")

    began = time.perf_counter()
    warm_medians: dict[str, float | None] = {}
    warm_memory: dict[str, int | None] = {}
    with tempfile.TemporaryDirectory(prefix="cronoslot-bench-") as scratch_name:
        scratch = Path(scratch_name)
        env = base_env(scratch)
        # Bytecode for cronoslot's own modules, as after a first run on a user's machine.
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(HERE.parent / "cronoslot")],
            env=env,
            check=False,
        )
        flags = cache_flags_present(env)
        print(
            f"cronoslot: {' '.join(CRONOSLOT)}; python {sys.version.split()[0]}; "
            f"{os.cpu_count()} cpus"
        )
        print(
            "cache flags: --cache-dir/--no-cache"
            if flags
            else "cache flags missing: using $XDG_CACHE_HOME per run"
        )
        print(f"repetitions: {repeat}, round-robin over the variants; times are medians")
        for size in sizes:
            data = options.data / size
            if not generate.is_current(data, size, options.seed):
                started = time.perf_counter()
                generate.generate(data, size, options.seed)
                print(f"generated {size} store in {time.perf_counter() - started:.1f} s: {data}")
            context = SizeContext(size, data, scratch, env, flags)
            variants = build_variants(context)
            for problem in prefill(context):
                print(f"  {problem}")
            for _ in range(repeat):
                for variant in variants:
                    command, run_env, clean_up = variant.prepare()
                    try:
                        variant.runs.append(run_child(command, run_env))
                    finally:
                        clean_up()
            solver_times = time_solvers(context, repeat)
            report_size(size, variants, solver_times)
            print(check_answers(variants))
            warm = next(v for v in variants if v.name == "warm")
            warm_medians[size] = warm.median_seconds()
            warm_memory[size] = warm.median_memory()

    if "medium" in warm_medians and "large" in warm_medians:
        print("\n== growth medium -> large ==")
        print(
            _check(
                "warm time growth medium->large",
                _ratio(warm_medians["large"], warm_medians["medium"]),
            )
        )
        memory_growth = _ratio(
            float(warm_memory["large"] or 0) or None, float(warm_memory["medium"] or 0) or None
        )
        print(f"{'warm peak memory growth':<32} {_fmt(memory_growth)}   (info)")
    print("\n== sequence solver (issue 3): 5 steps, 35 days, 5-minute grid, 10 accounts ==")
    print(sequence_solver_figure())
    print(f"\ntotal bench time {time.perf_counter() - began:.0f} s")


def sequence_solver_figure(runs: int = 5, seed: int = 20260504) -> str:
    """The in-process figure of bench/bench_sequence.py: solve_sequence alone, median."""
    import bench_sequence

    from cronoslot.solve.sequence import solve_sequence

    request, inputs = bench_sequence.build_request(seed)
    answer = solve_sequence(request, inputs)
    seconds = bench_sequence.median_seconds(lambda: solve_sequence(request, inputs), runs)
    return (
        f"solve_sequence: {len(answer.sequences)} sequences, median {seconds * 1000:.1f} ms "
        "(target: well under a second)"
    )


if __name__ == "__main__":
    main()
