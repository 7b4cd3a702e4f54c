"""Save or check golden DES records: bit-for-bit equality across versions of the DES.

``save DIR`` runs every synthetic case of ``tests/des_cases.py`` and every shipped scenario (its
investment arm, or the baseline arm, for a couple of replications, every month) and writes the
records to ``DIR``; ``check DIR`` runs the same with the current code and reports every column that
differs (NaN equals NaN, dtypes and shapes must match). Run from the repository root with
``PYTHONPATH=.`` so that this checkout's ``sim`` is imported.

Usage: python benchmarks/des_golden.py save|check DIR [--reps 2] [--quick] [--only NAME]
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sim.des import simulate_centre  # noqa: E402
from sim.run.month_loop import run_arm  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402
from tests.des_cases import cases, differences, record_columns  # noqa: E402


def scenario_records(path: str, replication: int) -> dict[str, np.ndarray]:
    """Every month's records of one arm, concatenated, with a ``month`` column."""
    sc = load_scenario(path)
    inv = sc.investment
    if inv is not None and inv.harvest == "cost":
        inv = inv.model_copy(update={"harvest": "service"})  # no re-planning needed; the DES is what we test
    kept: list = []
    run_arm(sc, inv, replication, 2026, keep_records=kept)
    parts = [dict(record_columns(rec), month=np.full(len(rec), m)) for m, rec in kept]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def all_outputs(reps: int, quick: bool):
    for name, batch, spec, days in cases():
        yield f"case_{name}", lambda b=batch, s=spec, d=days: record_columns(simulate_centre(b, s, d))
    paths = sorted(glob.glob("scenarios/*.yaml"))
    if quick:
        paths = [p for p in paths if os.path.basename(p) in ("baseline.yaml", "chatbot.yaml", "routing.yaml")]
    for path in paths:
        for rep in range(reps):
            yield f"scenario_{os.path.basename(path)[:-5]}_rep{rep}", lambda p=path, r=rep: scenario_records(p, r)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("save", "check"))
    ap.add_argument("dir")
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="synthetic cases and three scenarios only")
    ap.add_argument("--only", default="", help="outputs whose name contains this")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    failed = 0
    for name, run in all_outputs(args.reps, args.quick):
        if args.only not in name:
            continue
        t = time.process_time()
        cols = run()
        dt = time.process_time() - t
        path = os.path.join(args.dir, name + ".npz")
        if args.mode == "save":
            np.savez_compressed(path, **cols)
            print(f"saved   {name:40s} {len(cols['customer_id']):>9,} legs  {dt:6.2f} s")
            continue
        with np.load(path) as z:
            bad = differences({k: z[k] for k in z.files}, cols)
        failed += bool(bad)
        print(f"{'DIFFERS' if bad else 'same   '} {name:40s} {len(cols['customer_id']):>9,} legs  {dt:6.2f} s  {' '.join(bad)}")
    if failed:
        sys.exit(f"{failed} output(s) differ")


if __name__ == "__main__":
    main()
