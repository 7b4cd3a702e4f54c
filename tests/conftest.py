"""Shared fixtures: small scenarios derived from the shipped baseline, so tests track its schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import SCENARIOS, write

SMALL_WORLD = """\
extends: {base}
name: small
replications: 2
horizon_months: {horizon}
customers:
  initial: 3000
  acquisition_per_month: 60
  contact_rate_per_month: 1.5   # busy centre despite the small base: queues matter
"""


@pytest.fixture
def small_world(tmp_path: Path) -> Path:
    """A 3,000-customer, 4-month version of scenarios/baseline.yaml (runs in about a second)."""
    return write(tmp_path / "small.yaml", SMALL_WORLD.format(base=SCENARIOS / "baseline.yaml", horizon=4))


@pytest.fixture
def small_investments(tmp_path: Path, small_world: Path) -> list[Path]:
    """Two investments extending the small world."""
    staff = write(tmp_path / "staff.yaml", """\
extends: small.yaml
investment:
  name: staff
  levers:
    - {type: staffing, channel: phone, extra_agents: 2, from_hour: 8, to_hour: 20}
""")
    train = write(tmp_path / "train.yaml", """\
extends: small.yaml
investment:
  name: train
  levers:
    - {type: training, handle_time_reduction: 0.1, fcr_gain: 0.1, ramp_months: 0}
""")
    return [staff, train]
