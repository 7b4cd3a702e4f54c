"""Bad scenario files: one clear ``file:line: path: message`` each, exit code 2, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario import ScenarioError, load_scenario
from tests.helpers import SCENARIOS, write


def run_cli(args, capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def child(tmp_path: Path, body: str, name: str = "bad.yaml") -> Path:
    return write(tmp_path / name, f"extends: {SCENARIOS / 'baseline.yaml'}\n{body}")


def only_error(capsys, path: Path) -> str:
    code, out, err = run_cli(["validate", path], capsys)
    assert code == 2
    assert "Traceback" not in out + err
    lines = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert lines, err
    return " ".join(err.split())  # rich may wrap long lines


def test_shipped_scenarios_validate(capsys):
    files = sorted(SCENARIOS.glob("*.yaml"))
    code, out, err = run_cli(["validate", *files], capsys)
    assert code == 0, err
    assert out.count("ok") == len(files)


def test_unknown_key_suggests_the_right_one(tmp_path, capsys):
    path = child(tmp_path, "customers:\n  initail: 5\n")
    msg = only_error(capsys, path)
    assert f"{path}:3: customers.initail: unknown setting 'initail'; did you mean 'initial'?" in msg


def test_wrong_type_names_line_and_value(tmp_path, capsys):
    path = child(tmp_path, "horizon_months: twelve\n")
    msg = only_error(capsys, path)
    assert f"{path}:2: horizon_months:" in msg and "'twelve'" in msg


def test_negative_agents_point_at_the_list_item(tmp_path, capsys):
    agents = [0] * 24
    agents[9] = -1
    path = child(tmp_path, "channels:\n  phone:\n    agents_by_hour:\n" + "".join(f"      - {a}\n" for a in agents))
    msg = only_error(capsys, path)
    assert f"{path}:14: channels.phone.agents_by_hour[9]: Input should be greater than or equal to 0" in msg


def test_missing_file(tmp_path, capsys):
    msg = only_error(capsys, tmp_path / "nope.yaml")
    assert "nope.yaml: file not found" in msg


def test_missing_extends_target_points_at_the_extends_line(tmp_path, capsys):
    path = write(tmp_path / "x.yaml", "name: x\nextends: gone.yaml\n")
    msg = only_error(capsys, path)
    assert f"{path}:2: extends: file not found" in msg


def test_yaml_syntax_error_has_line(tmp_path, capsys):
    path = write(tmp_path / "broken.yaml", "name: x\ncustomers:\n  initial: [1, 2\nseed: 3\n")
    msg = only_error(capsys, path)
    assert f"{path}:4: YAML syntax error" in msg


def test_extends_cycle(tmp_path, capsys):
    write(tmp_path / "a.yaml", "extends: b.yaml\nname: a\n")
    write(tmp_path / "b.yaml", "extends: a.yaml\nname: b\n")
    msg = only_error(capsys, tmp_path / "a.yaml")
    assert "extends cycle: a.yaml -> b.yaml -> a.yaml" in msg


def test_every_problem_reported_at_once(tmp_path, capsys):
    path = child(tmp_path, "seed: -1\ncustomers:\n  monthly_churn: 1.5\n  bogus: 1\n")
    code, _, err = run_cli(["validate", path], capsys)
    assert code == 2
    assert err.count("error:") == 3


@pytest.mark.parametrize(
    "body, path_and_message",
    [
        ("investment:\n  name: x\n  levers:\n    - {type: trainin}\n",
         ":5: investment.levers[0].type: unknown type 'trainin'; did you mean 'training'?"),
        ("investment:\n  name: x\n  levers:\n    - {type: staffing, channel: phone, extra_agents: 1, start_month: 99}\n",
         ":5: investment.levers[0].start_month: 99 is beyond horizon_months (24)"),
        ("investment:\n  name: x\n  levers:\n    - {type: staffing, channel: phone, extra_agents: 1, recruiting_cost_usd_per_hire: -5}\n",
         ":5: investment.levers[0].recruiting_cost_usd_per_hire: Input should be greater than or equal to 0"),
        ("investment:\n  name: x\n  levers:\n    - {type: training, fcr_gain: 1.5}\n", ":5: investment.levers[0].fcr_gain:"),
        ("investment:\n  name: baseline\n  levers:\n    - {type: training}\n", ":3: investment.name: 'baseline' is reserved"),
        ("customers:\n  channel_mix: {phone: 1, chat: 0}\nchannels:\n  phone: null\n", ":3: customers.channel_mix.phone: customers use phone"),
    ],
    ids=["unknown-lever-type", "start-beyond-horizon", "negative-cost", "probability-above-1", "reserved-name", "unconfigured-channel"],
)
def test_invalid_investments(tmp_path, capsys, body, path_and_message):
    path = child(tmp_path, body)
    msg = only_error(capsys, path)
    assert f"{path}{path_and_message}" in msg


def test_extends_merges_mappings_and_replaces_lists(tmp_path):
    path = child(tmp_path, "customers:\n  initial: 1234\nexperience:\n  peak_end_weights: [1, 0, 0]\n")
    sc = load_scenario(path)
    base = load_scenario(SCENARIOS / "baseline.yaml")
    assert sc.customers.initial == 1234
    assert sc.customers.monthly_churn == base.customers.monthly_churn  # merged from the parent
    assert sc.experience.peak_end_weights == (1.0, 0.0, 0.0)  # list replaced, not merged


def test_error_in_parent_is_reported_in_the_parent_file(tmp_path):
    write(tmp_path / "parent.yaml", "name: p\nhorizon_months: 0\n")
    write(tmp_path / "kid.yaml", "extends: parent.yaml\nname: kid\n")
    with pytest.raises(ScenarioError) as e:
        load_scenario(tmp_path / "kid.yaml")
    text = str(e.value)
    assert f"{tmp_path / 'parent.yaml'}:2: horizon_months:" in text
    assert f"{tmp_path / 'kid.yaml'}:1: customers: required setting is missing" in text


def test_not_a_mapping(tmp_path, capsys):
    msg = only_error(capsys, write(tmp_path / "list.yaml", "- 1\n- 2\n"))
    assert "must be a mapping" in msg


def test_schema_is_json_schema(capsys):
    code, out, _ = run_cli(["schema"], capsys)
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "sim scenario file"
    assert "customers" in schema["properties"] and schema["additionalProperties"] is False


def test_bad_option_exits_2(capsys, small_world):
    code, _, err = run_cli(["run", small_world, "--reps", "0"], capsys)
    assert code == 2 and "Traceback" not in err
