"""Whole pipeline CPU per contact (``sim run``, one replication) against textbook SimPy, start-up included.

What is compared, measured in this run:

- **ours**: the CPU time (user + system) of the whole ``sim run SCENARIO --reps 1 --workers 1``
  process: Python start-up and imports, loading and checking the scenario, the customer model, the
  contact draws, the DES, scoring, KPIs, the business case, and writing the results folder.
- **start-up**: the CPU time of a process that imports what ``sim run`` imports and loads the
  scenario, then stops (so ``ours - start-up`` is the work proper). ``sim --help`` and ``sim
  validate`` are timed too.
- **textbook**: the SimPy tutorial M/M/c+M (``benchmarks/des_vs_simpy.textbook_mmcm``) serving *the
  same contacts*: every month's batch our DES was handed in the same replication (captured by
  wrapping ``simulate_centre``), each channel as one queue with that channel's agents by hour, plus
  the CPU time of a process that only imports numpy and SimPy (its start-up, counted alike: with
  the one BLAS thread per process that ``sim`` sets for itself).

Per contact = per contact in those batches (first legs; our DES also serves the follow-ups it
creates). Goals (issue 17): ours <= 1.0x textbook with start-up included on the shipped baseline,
<= 0.75x on a large centre (over a million contacts), start-up <= 0.8 s.
Each figure is the best of ``--repeats`` runs.

``--memory-months 2,4,8``: instead, the peak memory (max RSS) of the whole ``sim run`` process
for each horizon, on the scenario extended with that ``horizon_months`` (and ``--customers`` as
``customers.initial``, acquisition scaled alike, if given): memory should not grow with the
number of months.

Usage: python benchmarks/pipeline_per_contact.py [--scenario scenarios/baseline.yaml] [--repeats 3]
       python benchmarks/pipeline_per_contact.py --scenario benchmarks/large_centre.yaml --repeats 1
       python benchmarks/pipeline_per_contact.py --memory-months 2,4,8 [--customers 500000]
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from des_vs_simpy import run_references, textbook_mmcm  # noqa: E402

import sim.run.month_loop as month_loop  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

SEED = 2026
#: the ``sim`` console script, as a command line (the same two lines the installed script runs)
SIM = [sys.executable, "-c", "import sys; from sim.cli import main; sys.exit(main())"]
STARTUP = ("import sim.cli.main, sim.appraisal.jobs, sim.run.experiment, sim.run.month_loop; "
           "from sim.scenario import load_scenario; load_scenario({path!r})")


def run_child(argv: list[str], env: dict | None = None) -> tuple[float, float, float]:
    """(CPU seconds, wall seconds, peak resident MiB) of one child process run to completion,
    from that child's own rusage (``os.wait4``)."""
    t = time.perf_counter()
    child = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - t
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, argv)
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def memory_by_months(path: Path, months: list[int], customers: int | None, env: dict) -> None:
    """Peak memory of ``sim run`` for each horizon: flat if nothing piles up month after month."""
    print(f"peak memory of the whole sim run process (one replication) by horizon, {path.name}"
          + (f" at {customers:,} customers" if customers else ""))
    with tempfile.TemporaryDirectory() as tmp:
        for n in months:
            variant = Path(tmp) / f"h{n}.yaml"
            text = f"extends: {path}\nname: memory_h{n}\nhorizon_months: {n}\n"
            if customers:  # acquisition scaled alike, so the customer base keeps its size
                base = load_scenario(path).customers
                text += (f"customers:\n  initial: {customers}\n"
                         f"  acquisition_per_month: {base.acquisition_per_month * customers / base.initial:.0f}\n")
            variant.write_text(text)
            mb = run_child([*SIM, "run", str(variant), "--reps", "1", "--workers", "1", "--seed", str(SEED),
                              "--out", str(Path(tmp) / f"out{n}"), "--quiet"], env)[2]
            print(f"  {n:3d} months: {mb:8.0f} MiB")


def best(fn, repeats: int) -> tuple[float, float, float]:
    """The least CPU, least wall time and largest peak memory over ``repeats`` runs of ``fn``."""
    runs = [fn() for _ in range(repeats)]
    return min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs)


def captured_batches(path: Path) -> list[tuple]:
    """The (batch, spec, days) our DES served in replication 0 of the baseline arm."""
    seen: list[tuple] = []
    original = month_loop.simulate_centre

    def capture(batch, spec, days):
        seen.append((batch, spec, days))
        return original(batch, spec, days)

    month_loop.simulate_centre = capture
    try:
        month_loop.run_arm(load_scenario(path), None, 0, SEED)
    finally:
        month_loop.simulate_centre = original
    return seen


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="scenarios/baseline.yaml")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--memory-months", default="", help="comma-separated horizons: peak memory by horizon instead")
    ap.add_argument("--customers", type=int, default=None, help="with --memory-months: customers.initial")
    args = ap.parse_args()
    path = (ROOT / args.scenario).resolve()
    py, env = sys.executable, {**os.environ, "PYTHONPATH": str(ROOT)}
    if args.memory_months:
        memory_by_months(path, [int(x) for x in args.memory_months.split(",")], args.customers, env)
        return

    with tempfile.TemporaryDirectory() as tmp:
        def whole() -> tuple[float, float]:
            out = Path(tmp) / f"run{time.perf_counter_ns()}"
            return run_child([*SIM, "run", str(path), "--reps", "1", "--workers", "1",
                                "--seed", str(SEED), "--out", str(out)], env)

        ours, ours_wall, peak_mb = best(whole, args.repeats)
    startup, startup_wall, _ = best(lambda: run_child([py, "-c", STARTUP.format(path=str(path))], env), args.repeats)
    help_cpu, help_wall, _ = best(lambda: run_child([*SIM, "--help"], env), args.repeats)
    validate_cpu, validate_wall, _ = best(lambda: run_child([*SIM, "validate", str(path)], env),
                                       args.repeats)
    # the reference process gets the same one-BLAS-thread setting the sim command line makes for itself
    ref_env = {**env, **{v: os.environ.get(v, "1") for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}}
    ref_startup, _, _ = best(lambda: run_child([py, "-c", "import numpy, simpy"], ref_env), args.repeats)

    batches = captured_batches(path)
    contacts = sum(len(b) for b, _, _ in batches)

    def textbook() -> tuple[float, float, float]:
        t = time.process_time()
        for batch, spec, _ in batches:
            run_references(batch, spec, textbook_mmcm)
        return time.process_time() - t, 0.0, 0.0

    ref, _, _ = best(textbook, max(1, args.repeats - 1))
    ref_total = ref + ref_startup
    us = 1e6 / contacts
    print(f"scenario: {args.scenario}, one replication, {len(batches)} months, {contacts:,} contacts served")
    print(f"{'':34s} {'CPU s':>7s} {'µs/contact':>10s}")
    print(f"{'ours: whole sim run process':34s} {ours:7.2f} {ours * us:10.2f}   (wall {ours_wall:.2f} s)")
    print(f"peak memory of the sim run process: {peak_mb:,.0f} MiB")
    print(f"{'ours: start-up':34s} {startup:7.2f} {'':>10s}   (wall {startup_wall:.2f} s)")
    print(f"{'ours: without start-up':34s} {ours - startup:7.2f} {(ours - startup) * us:10.2f}")
    print(f"{'textbook SimPy: same contacts':34s} {ref:7.2f} {ref * us:10.2f}")
    print(f"{'textbook SimPy: with start-up':34s} {ref_total:7.2f} {ref_total * us:10.2f}")
    print(f"sim --help: {help_cpu:.2f} s CPU ({help_wall:.2f} s wall); sim validate: {validate_cpu:.2f} s CPU "
          f"({validate_wall:.2f} s wall)")
    ratio, ratio_bare = ours / ref_total, (ours - startup) / ref
    goal = 0.75 if contacts > 1_000_000 else 1.0  # issue 17: a large centre <= 0.75x, the shipped baseline <= 1.0x
    print(f"ratio ours / textbook, start-up included: {ratio:.2f} (goal <= {goal}: "
          f"{'met' if ratio <= goal else 'NOT met'}); without start-up: {ratio_bare:.2f}; "
          f"start-up {startup:.2f} s (goal <= 0.8: {'met' if startup <= 0.8 else 'NOT met'})")
    if not math.isfinite(ratio):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
