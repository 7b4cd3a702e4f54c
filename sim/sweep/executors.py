"""Where sweep batches run: the run layer's executors (:mod:`sim.run.executors`,
:mod:`sim.run.dask_executor`), re-exported here, where sweeps first had them.

``sim run``, ``compare``, ``breakeven`` and ``staffing`` use the same executors, so they live below
the appraisal in the run layer; this module keeps the sweep's names importable.
"""

from sim.run.dask_executor import NO_WORKERS_GRACE_S, BatchTimeout, DaskExecutor
from sim.run.executors import RECYCLE_AFTER, InlineExecutor, LocalExecutor, check_scheduler, make_executor

__all__ = ["NO_WORKERS_GRACE_S", "RECYCLE_AFTER", "BatchTimeout", "DaskExecutor", "InlineExecutor", "LocalExecutor",
           "check_scheduler", "make_executor"]
