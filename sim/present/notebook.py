"""What the notebooks show while they work: progress of a simulation, the decision, a what-if form.

Plain IPython display objects, updated in place (no progress bar library, nothing on stderr), so a
notebook's saved outputs hold no warnings. Outside IPython the progress goes to the log.
"""

from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)


class Progress:
    """``on_start(n)`` / ``on_done(run)`` callbacks that show "simulating: 12 of 40 runs, 30 s, about 70 s left"."""

    def __init__(self, label: str = "simulating") -> None:
        self.label, self.n, self.k, self.t0, self.handle = label, 0, 0, time.monotonic(), None

    def text(self) -> str:
        elapsed = time.monotonic() - self.t0
        if self.k >= self.n:
            return f"{self.label}: {self.n} of {self.n} runs done in {elapsed:.0f} s"
        left = f", about {elapsed / self.k * (self.n - self.k):.0f} s left" if self.k else ""
        return f"{self.label}: {self.k} of {self.n} runs, {elapsed:.0f} s{left}"

    def _show(self) -> None:
        try:
            from IPython import get_ipython
            from IPython.display import Pretty, display
        except ImportError:  # pragma: no cover (IPython comes with the notebooks extra)
            get_ipython = None
        if get_ipython is None or get_ipython() is None:
            log.info(self.text())
        elif self.handle is None:
            self.handle = display(Pretty(self.text()), display_id=True)
        else:
            self.handle.update(Pretty(self.text()))

    def on_start(self, n: int) -> None:
        self.n, self.k, self.t0 = n, 0, time.monotonic()
        self._show()

    def on_done(self, _run=None) -> None:
        self.k += 1
        self._show()


def show_decision(decision) -> None:
    """Display the verdict, the KPI tiles and the ranked table (the report's page 1) in a notebook."""
    from IPython.display import HTML, display

    from sim.present.report_decision import decision_html

    display(HTML(decision_html(decision)))
