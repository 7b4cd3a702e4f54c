"""Bad harvest settings are refused at load time with the file, line and setting."""

from __future__ import annotations

import pytest

from sim.cli import main
from sim.scenario import ScenarioError, load_scenario
from tests.helpers import write

INVESTMENT = """\
extends: small.yaml
name: bad
investment:
  name: bad
{settings}
  levers:
    - {{type: crm, handle_time_reduction: 0.1}}
"""

CASES = [  # settings, setting named, message, line of the file it points at
    ("  harvest: money", "investment.harvest", "'service' or 'cost'", 5),
    ("  harvest: service\n  harvest_targets: {phone: '80/20'}", "investment.harvest_targets", "only used with harvest: cost", 6),
    ("  harvest: cost\n  harvest_targets: {phone: '120/20'}", "investment.harvest_targets.phone", "percent must be in (0, 100)", 6),
    ("  harvest: cost\n  harvest_targets: {phone: 'eighty'}", "investment.harvest_targets.phone", "percent/seconds", 6),
    ("  harvest: cost\n  harvest_targets: {email: '90/3600'}", "investment.harvest_targets.email", "worked from a backlog", 6),
    ("  harvest: cost\n  harvest_targets: {social: '90/60'}", "investment.harvest_targets.social", "not configured", 6),
    ("  harvest: cost\n  harvest_cut: {phone: [0, 0, 0]}", "investment.harvest_cut.phone", "at least 24", 6),
    ("  harvest: cost\n  harvest_cut:\n    phone: [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]",
     "investment.harvest_cut.phone[7]", "keeps at least one agent", 7),
    ("  harvest: cost\n  harvest_from_month: 99", "investment.harvest_from_month", "beyond horizon_months", 6),
]


@pytest.mark.parametrize("settings, where, message, line", CASES)
def test_bad_harvest_settings_name_file_line_and_setting(tmp_path, small_world, settings, where, message, line):
    path = write(tmp_path / "bad.yaml", INVESTMENT.format(settings=settings))
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    problem = next((p for p in err.value.problems if p.path == where), None)
    assert problem is not None, str(err.value)
    assert message in problem.message and problem.line == line and problem.file.endswith("bad.yaml"), str(err.value)


def test_validate_reports_a_bad_harvest_with_exit_code_2(tmp_path, small_world, capsys):
    path = write(tmp_path / "bad.yaml", INVESTMENT.format(settings="  harvest: cost\n  harvest_targets: {email: '90/3600'}"))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:6" in err and "harvest_targets.email" in err


def test_targets_as_text_or_mapping(tmp_path, small_world):
    path = write(tmp_path / "ok.yaml", INVESTMENT.format(
        settings="  harvest: cost\n  harvest_targets: {phone: '80/20', chat: {service_level: 0.9, within_s: 60}}"))
    targets = load_scenario(path).investment.harvest_targets
    assert {ch.value: (t.service_level, t.within_s) for ch, t in targets.items()} == {"phone": (0.8, 20.0), "chat": (0.9, 60.0)}
