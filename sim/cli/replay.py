"""``sim replay``: a thin command over :func:`sim.planning.replay.replay_log`."""

from __future__ import annotations

import math
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from sim.cli.console import out
from sim.scenario import Problem, ScenarioError


class LiveChannel(str, Enum):
    """Channels a day can be replayed for (customers wait and may abandon)."""

    phone = "phone"
    chat = "chat"


def replay(
    log: Path = typer.Argument(..., help="contact log CSV (see `sim calibrate`)"),
    channel: Optional[LiveChannel] = typer.Option(None, "--channel", case_sensitive=False,
                                                  help="live channel to replay (default: the busiest of phone, chat)"),
    agents: Optional[str] = typer.Option(None, "--agents", help="agents per interval of the day, comma-separated "
                                         "(24, 48 or 96 values); default: estimated from the log"),
    days: int = typer.Option(60, "--days", min=1, max=3650, help="identical days to simulate"),
    seed: int = typer.Option(0, "--seed", min=0, help="root seed of the simulated days"),
) -> None:
    """Replay a centre's day from its log (hourly arrivals and handle times, staffing per interval) and compare hour by hour."""
    from sim.planning.replay import replay_log

    staffing, interval = None, 60
    if agents is not None:
        try:
            staffing = tuple(int(x) for x in agents.split(",") if x.strip())
        except ValueError:
            raise ScenarioError([Problem("--agents", 0, "", "write whole numbers separated by commas")]) from None
        if len(staffing) not in (24, 48, 96) or min(staffing) < 0:
            raise ScenarioError([Problem("--agents", 0, "", f"needs 24, 48 or 96 values >= 0, got {len(staffing)}")])
        interval = 1440 // len(staffing)
    try:
        r = replay_log(log, channel.value if channel is not None else None, staffing, interval, days, seed)
    except ValueError as e:
        raise ScenarioError([Problem(str(log), 0, "--channel", str(e))]) from None
    t = Table(title=f"Replay of {r.day.channel}: {r.day.log_days} logged days vs {days} simulated identical days")
    for c in ("hour", "logged contacts", "agents", "AHT s", "abandoned, log", "abandoned, simulated"):
        t.add_column(c, justify="right")
    for row in r.hourly.itertuples():
        if row.log_contacts or row.agents_mean:
            t.add_row(f"{row.hour:02d}", f"{row.log_contacts:,}", f"{row.agents_mean:.1f}", f"{row.aht_s:,.0f}",
                      *("" if math.isnan(x) else f"{x:.1%}" for x in (row.log_abandon_rate, row.sim_abandon_rate)))
    out.print(t)
    out.print(f"hourly abandonment: correlation {r.correlation:.2f}, mean absolute error {r.mae_points:.1f} points; "
              f"overall {r.overall_log:.1%} logged vs {r.overall_sim:.1%} simulated "
              f"(patience {r.day.patience_mean_s:,.0f} s by total wait / abandons)")
