"""What a person sees: the decision on the terminal (:mod:`~sim.present.decision_text`, :mod:`~sim.present.text`),
charts in one style (:mod:`~sim.present.style`, :mod:`~sim.present.charts`, :mod:`~sim.present.charts_decision`),
the HTML report with the decision on page 1 (:mod:`~sim.present.report` and its sections), the spreadsheet
(:mod:`~sim.present.spreadsheet`), the assumptions register (:mod:`~sim.present.assumptions`) and the notebooks'
helpers (:mod:`~sim.present.notebook`).
"""
