"""Running the model: scenario -> DES specifications, the month loop that couples the customers
(ABM) and the contact centre (DES), experiments of arm × replication on worker processes, and
the results folder they are written to.

- :mod:`~sim.run.specs`: the scenario and the month's investment effects as DES specifications.
- :mod:`~sim.run.month_loop`: one replication of one arm (the only module that knows DES and ABM).
- :mod:`~sim.run.experiment`: every (arm, replication) of a set of scenario files, in parallel.
- :mod:`~sim.run.executors`, :mod:`~sim.run.dask_executor`: where tasks run (this process, a local
  pool, a Dask cluster), shared by every command that runs replications.
- :mod:`~sim.run.store`: results folders, manifests, atomic writes.
"""
