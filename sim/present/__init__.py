"""What a person sees: charts (:mod:`~sim.present.charts`), the one-page HTML report
(:mod:`~sim.present.report`) and terminal tables and number formats (:mod:`~sim.present.text`).
"""
