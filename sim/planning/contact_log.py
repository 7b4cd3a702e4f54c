"""Contact logs: the documented CSV format, writing one from our own simulation, and reading one
back with every problem named by column and first bad row.

Columns (one row per contact that reached a human queue):

| column | required | meaning |
|---|---|---|
| `timestamp` | yes | when the contact joined the queue, ISO 8601 (e.g. 2026-01-05T09:14:03) |
| `channel` | yes | phone, chat, email or social |
| `wait_s` | yes | seconds in queue (to answer, or to abandoning) |
| `handle_s` | yes | seconds of handling; empty for abandoned contacts |
| `outcome` | yes | answered or abandoned |
| `reason` | no | contact reason |
| `customer_id` | no | lets calibration measure repeat contacts |
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario import Problem, ScenarioError, load_scenario, source_files
from sim.types import Channel

REQUIRED = ("timestamp", "channel", "wait_s", "handle_s", "outcome")
OPTIONAL = ("reason", "customer_id")
MONDAY = dt.datetime(2026, 1, 5)  # month 1 of a simulation starts on a Monday


def simulate_log(scenario_path: str | Path, months: int = 1, seed: int | None = None, replication: int = 0) -> pd.DataFrame:
    """A contact log of the scenario's baseline, as a centre's ACD would export it."""
    from sim.des.contacts import SECONDS_PER_DAY
    from sim.run.month_loop import run_arm_records

    sc = load_scenario(scenario_path)
    sc = sc.model_copy(update={"horizon_months": months, "investment": None})
    names = [r.name for r in sc.reasons] or ["general"]
    rows = []
    for month, rec in run_arm_records(sc, replication, seed if seed is not None else sc.seed):
        keep = rec.offered & ~rec.backlog & ~rec.carried & ~rec.unserved_at_close  # contacts that ended in the month
        start = (month - 1) * sc.days_per_month * SECONDS_PER_DAY
        joined = np.where(np.isnan(rec.service_start_s), rec.queued_s, rec.service_start_s - rec.wait_s)
        rows.append(pd.DataFrame({
            "timestamp": [MONDAY + dt.timedelta(seconds=float(t)) for t in (start + joined[keep])],
            "channel": [list(Channel)[c].value for c in rec.channel[keep]],
            "reason": [names[r] for r in rec.reason[keep]],
            "wait_s": np.round(rec.wait_s[keep], 1),
            "handle_s": np.where(rec.answered[keep], np.round(rec.handle_s[keep], 1), np.nan),
            "outcome": np.where(rec.answered[keep], "answered", "abandoned"),
            "customer_id": rec.customer_id[keep],
        }))
    log = pd.concat(rows, ignore_index=True).sort_values("timestamp", kind="stable", ignore_index=True)
    log["timestamp"] = log["timestamp"].map(lambda t: t.isoformat(timespec="seconds"))
    return log


def _bad(path: str, row: int | None, column: str, message: str) -> ScenarioError:
    return ScenarioError([Problem(path, (row + 2) if row is not None else 0, column, message)])  # +2: header, 1-based


def read_log(path: str | Path) -> pd.DataFrame:
    """Read and check a contact log; raise :class:`ScenarioError` naming the column and first bad row.

    Line numbers in messages are lines of the file (the header is line 1).
    """
    shown = str(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise ScenarioError([Problem(shown, 0, "", "file not found")]) from None
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError, ValueError) as e:
        raise ScenarioError([Problem(shown, 0, "", f"not a readable CSV file ({(str(e).splitlines() or [''])[0]})")]) from None
    except OSError as e:
        raise ScenarioError([Problem(shown, 0, "", f"cannot read file: {e.strerror or e}")]) from None
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise _bad(shown, None, ", ".join(missing), f"required column(s) missing; the file has: {', '.join(df.columns)}")
    if df.empty:
        raise _bad(shown, None, "", "the log has no rows")
    out = pd.DataFrame(index=df.index)
    out["line"] = df.index.to_numpy() + 2  # the file's line of each contact (header = line 1), kept through sorting
    try:
        ts = pd.to_datetime(df["timestamp"], errors="coerce", format="ISO8601")
    except (ValueError, TypeError, OverflowError) as e:  # e.g. time zones that differ between rows
        raise _bad(shown, None, "timestamp", f"cannot read the timestamps as one time line ({str(e).splitlines()[0]}); "
                   "give every row the same time zone, or none") from None
    if not pd.api.types.is_datetime64_any_dtype(ts):
        raise _bad(shown, None, "timestamp", "the timestamps mix time zones; give every row the same time zone, or none")
    if ts.isna().any():
        i = int(np.flatnonzero(ts.isna())[0])
        raise _bad(shown, i, "timestamp", f"cannot read {df['timestamp'].iloc[i]!r} as a date and time (ISO 8601)")
    out["timestamp"] = ts
    channels = {c.value for c in Channel}
    bad = ~df["channel"].str.strip().str.lower().isin(channels)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _bad(shown, i, "channel", f"{df['channel'].iloc[i]!r} is not one of {', '.join(sorted(channels))}")
    out["channel"] = df["channel"].str.strip().str.lower()
    outcome = df["outcome"].str.strip().str.lower()
    bad = ~outcome.isin(("answered", "abandoned"))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _bad(shown, i, "outcome", f"{df['outcome'].iloc[i]!r} is not answered or abandoned")
    out["answered"] = outcome == "answered"
    for col in ("wait_s", "handle_s"):
        values = pd.to_numeric(df[col].replace("", np.nan), errors="coerce")
        text_bad = values.isna() & (df[col].str.strip() != "")
        need = values.isna() & (out["answered"] if col == "handle_s" else True)
        infinite = values.abs() == np.inf
        for mask, msg in ((text_bad, "is not a number"), (infinite, "is not a finite number"), (values < 0, "is negative"),
                          (need, "is missing")):
            if mask.any():
                i = int(np.flatnonzero(mask)[0])
                raise _bad(shown, i, col, f"{df[col].iloc[i]!r} {msg}")
        out[col] = values
    for col in OPTIONAL:
        if col in df.columns:
            out[col] = df[col].str.strip()
    return out.sort_values("timestamp", kind="stable", ignore_index=True)


def write_log(scenario_path: str | Path, out: str | Path, months: int = 1, seed: int | None = None,
              overwrite: bool = False) -> int:
    """Simulate and write a contact log CSV atomically; returns the number of contacts.

    The output is checked first: no existing file without ``overwrite``, never the scenario or a file it extends.
    """
    from sim.run.folders import check_out_file
    from sim.run.store import atomic_write_bytes

    out = check_out_file(out, source_files(scenario_path), overwrite)
    log = simulate_log(scenario_path, months, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out, log.to_csv(index=False).encode())
    return len(log)
