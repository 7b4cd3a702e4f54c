"""How much memory one run of a scenario needs, estimated before anything runs.

A run holds the state of the customers who exist (active ones; in a finite market, every
prospect) in arrays (:mod:`sim.abm.population`), one month of contacts and their legs in the
contact centre (:mod:`sim.des`), and, for a finite market with ``network: random``, a sparse graph
of who talks to whom. The constants below were measured with ``resource.getrusage`` on
``benchmarks/large_centre.yaml`` (5 M customers, 1.8 M contacts a month: 1.66 GB peak) and one
month of ``scenarios/baseline.yaml`` at 0.2-1 M customers (Python 3.11, numpy 2); with the
estimate's generous contact count they err on the high side (about 2x at the large centre). A scenario whose estimate
exceeds the memory of this machine (:func:`machine_memory_bytes`) is refused when it is loaded,
naming the setting that drives the estimate, instead of failing hours later with ``MemoryError``.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_BYTES = 300 * 2**20  #: the interpreter, numpy, pandas, SimPy and Mesa
BYTES_PER_ID = 100  #: customer state per customer (about 82 measured)
ID_HEADROOM = 1.25  #: state arrays grow by a quarter when full
BYTES_PER_CONTACT = 650  #: one month's draws, legs, SimPy events and records per wanted contact (about 610 measured)
BYTES_PER_EDGE = 120  #: building the random network: COO indices, the symmetric copy, CSR (about 90 measured)
REPEAT_FACTOR = 1.5  #: follow-ups (repeats, retrials, transfers) on top of first contacts
UNHAPPY_FACTOR = 1.5  #: contacts of unhappy customers (at most 3x, on average far less)
SHARE_OF_MEMORY = 0.8  #: a run may plan to use this share of the machine's memory


def machine_memory_bytes() -> int:
    """Memory this process may use: physical memory, a cgroup limit if lower, or ``SIM_MEMORY_LIMIT_MB``."""
    override = os.environ.get("SIM_MEMORY_LIMIT_MB")
    if override:
        try:
            return int(float(override) * 2**20)
        except ValueError:
            pass
    try:
        limit = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not a POSIX system
        limit = 16 * 2**30
    for cgroup in (Path("/sys/fs/cgroup/memory.max"), Path("/sys/fs/cgroup/memory/memory.limit_in_bytes")):
        try:
            text = cgroup.read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            limit = min(limit, int(text))
    return limit


def estimate(sc) -> dict[tuple, float]:
    """Bytes one run needs, by the setting that drives each part (``BASE_BYTES`` not included)."""
    c, m = sc.customers, sc.market
    horizon = sc.horizon_months
    if m.size is None:
        ids = c.initial * (1 + 0.02 * horizon) + c.acquisition_per_month * horizon
        id_key = ("customers", "initial") if c.initial >= c.acquisition_per_month * horizon else ("customers", "acquisition_per_month")
    else:
        ids, id_key = float(m.size), ("market", "size")
    multiplier = max([1.0] + [sg.contact_rate_multiplier for sg in c.segments])
    unhappy = UNHAPPY_FACTOR if c.contact_satisfaction_sensitivity > 0 else 1.0  # unhappy customers contact more
    contacts = ids * c.contact_rate_per_month * multiplier * REPEAT_FACTOR * unhappy
    out = {id_key: ID_HEADROOM * ids * BYTES_PER_ID, ("customers", "contact_rate_per_month"): contacts * BYTES_PER_CONTACT}
    if m.size is not None and m.network == "random":
        out[("market", "mean_degree")] = m.size * m.mean_degree / 2 * BYTES_PER_EDGE
    return out


def parallel_runs(sc) -> int:
    """How many runs of ``sc`` fit in memory at once (at least 1; one run's fit is checked at load)."""
    need = BASE_BYTES + sum(estimate(sc).values())
    return max(1, int(machine_memory_bytes() * SHARE_OF_MEMORY // need))


def _size(n: float) -> str:
    return f"{n / 2**30:,.1f} GiB" if n >= 2**30 else f"{n / 2**20:,.0f} MiB"


def footprint_issues(sc, workers: int = 1) -> list[tuple[tuple, str]]:
    """A (setting path, message) pair when a run of ``sc`` cannot fit in this machine's memory."""
    parts = estimate(sc)
    need = BASE_BYTES + sum(parts.values())
    have = machine_memory_bytes() * SHARE_OF_MEMORY
    if need * max(1, workers) <= have:
        return []
    key = max(parts, key=parts.get)
    what = {"initial": "customers", "acquisition_per_month": "customers acquired over the horizon", "size": "people in the market",
            "contact_rate_per_month": "one month's contacts", "mean_degree": "the random network of the market"}[key[-1]]
    return [(key, f"a run would need about {_size(need)} of memory ({what}: {_size(parts[key])}), more than this machine "
                  f"allows ({_size(have)}; SIM_MEMORY_LIMIT_MB overrides); lower {'.'.join(key)}")]
