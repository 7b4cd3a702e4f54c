"""Every number a decision-maker reads, computed once: cash flows, NPV, ROI, payback, IRR, the
benefit lines and their risk adjustment, the comparison of options, break-even.

- :mod:`~sim.appraisal.finance`: numpy-financial's conventions (NPV, payback, IRR, ROI).
- :mod:`~sim.appraisal.benefits`: incremental benefit lines vs the same replication's baseline.
- :mod:`~sim.appraisal.tables`: the result tables (runs, monthly, intervals, TEI) of a run.
- :mod:`~sim.appraisal.option_stats`, :mod:`~sim.appraisal.decision`: one appraisal summary per option
  (the baseline included) and the verdict, written once (``decision.csv`` / ``decision.json``) and
  read by every surface; :mod:`~sim.appraisal.formats`: the number formats they share.
- :mod:`~sim.appraisal.summary`, :mod:`~sim.appraisal.compare`: summaries and the ranked comparison.
- :mod:`~sim.appraisal.what_if`: a quick decision with some settings changed (the notebooks' sliders).
- :mod:`~sim.appraisal.breakeven`: the value of a setting at which payback meets a target.
- :mod:`~sim.appraisal.jobs`: ``sim run`` and ``sim compare`` as library calls.
"""
