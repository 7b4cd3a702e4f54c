"""The bad-input corpus (issue 13): scenario files, command lines, contact logs and output paths.

Every case must end with exit code 2 and a message naming the file (or option) and the setting;
never a traceback or an internal error; nothing on disk deleted, overwritten or created; each case
under 5 s and 500 MB. The cases are data: files in ``tests/bad_inputs/`` (a scenario file's first
line says which setting its message must name) and the tables below. Everything runs in-process
on one small results folder and one small sweep folder, built once per worker.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from sim.cli import main
from tests.helpers import ROOT, SCENARIOS, write

CORPUS = Path(__file__).parent / "bad_inputs"
SCENARIO_FILES = sorted((CORPUS / "scenarios").glob("*.yaml"))
LOG_FILES = sorted((CORPUS / "logs").glob("*.csv"))
MAX_SECONDS = 5.0
MAX_BYTES = 500 * 2**20


# ---- the harness --------------------------------------------------------------------------------
def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under ``root``: files by content hash, links by target, folders by name."""
    out: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            p = Path(folder) / name
            key = str(p.relative_to(root))
            if p.is_symlink():
                out[key] = ("link", os.readlink(p))
            elif p.is_dir():
                out[key] = ("dir",)
            elif p.is_file():
                out[key] = ("file", hashlib.sha1(p.read_bytes()).hexdigest())
            else:
                out[key] = ("other",)
    return out


def _status(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _reset_peak() -> int | None:
    """Reset this process's peak RSS (Linux); the current RSS, or None where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return None
    return _status("VmRSS")


def refused(capsys, args, names, roots) -> str:
    """Run ``sim args``; check exit 2, the names in the message, nothing changed under ``roots``, time and memory."""
    before = {r: snapshot(r) for r in roots}
    rss = _reset_peak()
    t0 = time.perf_counter()
    code = main([str(a) for a in args])
    elapsed = time.perf_counter() - t0
    peak = _status("VmHWM")
    captured = capsys.readouterr()
    text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", captured.out + captured.err).split())
    assert code == 2, text
    assert "Traceback" not in text and "internal error" not in text, text
    for name in names:
        assert re.search(name, text) if isinstance(name, re.Pattern) else name in text, f"{name!r} not in: {text}"
    for r in roots:
        assert snapshot(r) == before[r], f"something under {r} changed"
    assert elapsed < MAX_SECONDS, f"took {elapsed:.1f} s"
    if rss is not None and peak is not None:
        assert peak - rss < MAX_BYTES, f"used {(peak - rss) / 2**20:.0f} MiB"
    if os.environ.get("SHOW_MESSAGES"):
        print("\nMSG:", text[:300])
    return text


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """One small world and investment, its results folder, a two-point sweep and a good contact log."""
    d = tmp_path_factory.mktemp("corpus")
    write(d / "world.yaml", f"extends: {SCENARIOS / 'small_shop.yaml'}\nname: w\nhorizon_months: 1\nreplications: 1\n"
          "customers: {initial: 2000, acquisition_per_month: 40}\n")
    write(d / "invest.yaml", "extends: world.yaml\ninvestment:\n  name: t\n  levers:\n    - {type: training, ramp_months: 0}\n")
    assert main(["run", str(d / "world.yaml"), str(d / "invest.yaml"), "--out", str(d / "results"), "--workers", "1", "--quiet"]) == 0
    assert main(["sweep", str(d / "invest.yaml"), "--param", "customers.monthly_churn=0.01:0.03", "--design", "lhs", "--n", "2",
                 "--out", str(d / "sweep"), "--workers", "1", "--quiet"]) == 0
    shutil.copy(ROOT / "examples" / "contact_log.csv", d / "log.csv")
    return d


@pytest.fixture
def ws(built, tmp_path) -> Path:
    """A fresh copy of the built workspace for one case (links and odd files are added by the case)."""
    return Path(shutil.copytree(built, tmp_path / "ws", symlinks=True))


def fill(args, ws: Path) -> list[str]:
    return [a.format(ws=ws, scenarios=SCENARIOS) for a in args]


# ---- scenario files -------------------------------------------------------------------------------
def expected_setting(path: Path) -> str:
    return path.read_bytes().split(b"\n")[0].decode("utf-8", "replace").removeprefix("# expect:").strip()


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_bad_scenario_file(path, ws, capsys):
    setting = expected_setting(path)
    where = re.compile(re.escape(str(path)) + (r":\d+: " + re.escape(setting) + ": " if setting else r"(:\d+)?: "))
    refused(capsys, ["validate", path], [where], [CORPUS, ws])
    refused(capsys, ["run", path, "--out", ws / "out", "--workers", "1", "--quiet"], [where], [CORPUS, ws])


def _alias_bomb(d: Path) -> Path:
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    rows += [f"{c}: &{c} [{','.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi")]
    return write(d / "alias_bomb.yaml", "\n".join(rows) + "\nname: x\n")


def _merge_bomb(d: Path) -> Path:
    rows = ["a: &a {x0: 1, x1: 1, x2: 1, x3: 1, x4: 1, x5: 1, x6: 1, x7: 1, x8: 1}"]
    rows += [f"{c}: &{c} {{<<: [{', '.join(['*' + p] * 9)}], y{c}: 1}}" for p, c in zip("abcdefgh", "bcdefghi")]
    return write(d / "merge_bomb.yaml", "\n".join(rows) + "\nname: x\n")


def _fifty_mb(d: Path) -> Path:
    path = d / "fifty_mb.yaml"
    with path.open("w") as f:
        f.write("name: x\n")
        line = "k: " + "x" * 1000 + "\n"
        for _ in range(50 * 1024):
            f.write(line)
    return path


GENERATED = {
    "alias_bomb": (_alias_bomb, "aliases"),
    "merge_bomb": (_merge_bomb, "unknown setting"),  # merged keys are de-duplicated as they merge: no blow-up
    "fifty_mb": (_fifty_mb, "a scenario file may have at most 131,072"),
    "just_over_the_limit": (lambda d: write(d / "over.yaml", "name: x\ndescription: " + "x" * 131_072 + "\n"), "at most 131,072"),
    "a_folder": (lambda d: (d / "folder.yaml").mkdir() or d / "folder.yaml", "not a file"),
    "a_fifo": (lambda d: os.mkfifo(d / "fifo.yaml") or d / "fifo.yaml", "not a file"),
    "a_device": (lambda d: Path("/dev/zero"), "not a file"),
}


@pytest.mark.parametrize("make, message", GENERATED.values(), ids=GENERATED.keys())
def test_generated_bad_scenario_file(make, message, tmp_path, capsys):
    if make is GENERATED["a_fifo"][0] and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    if make is GENERATED["a_device"][0] and not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    path = make(tmp_path)
    refused(capsys, ["validate", path], [str(path), message], [tmp_path])


# ---- command lines --------------------------------------------------------------------------------
W, INV, R, S = "{ws}/world.yaml", "{ws}/invest.yaml", "{ws}/results", "{ws}/sweep"
COMMAND_LINES = {
    "run_reps_zero": (["run", W, "--reps", "0"], ["--reps"]),
    "run_reps_negative": (["run", W, "--reps", "-1"], ["--reps"]),
    "run_reps_text": (["run", W, "--reps", "many"], ["--reps"]),
    "run_reps_huge": (["run", W, "--reps", "1000000000"], ["--reps"]),
    "run_seed_negative": (["run", W, "--seed", "-1"], ["--seed"]),
    "run_seed_too_large": (["run", W, "--seed", str(2**64)], ["--seed"]),
    "run_workers_zero": (["run", W, "--workers", "0"], ["--workers"]),
    "run_workers_huge": (["run", W, "--workers", "100000"], ["--workers"]),
    "run_missing_file": (["run", "{ws}/nope.yaml", "--out", "{ws}/o"], ["nope.yaml", "file not found"]),
    "run_no_file": (["run"], ["Missing argument 'scenarios'"]),
    "run_unknown_option": (["run", W, "--replications", "3"], ["--replications"]),
    "run_two_worlds": (["run", W, "{scenarios}/baseline.yaml", "--out", "{ws}/o"], ["baseline.yaml", "different world"]),
    "compare_only_a_baseline": (["compare", W, "--out", "{ws}/o"], ["world.yaml", "investment", "nothing to compare"]),
    "breakeven_world_setting": (["breakeven", INV, "--param", "customers.monthly_churn", "--low", "0.01", "--high", "0.02", "--target", "1"],
                                ["--param", "customers.monthly_churn"]),
    "breakeven_no_such_setting": (["breakeven", INV, "--param", "investment.levers[0].nope", "--low", "0", "--high", "1", "--target", "1"],
                                  ["invest.yaml", "investment.levers[0].nope", "no such setting"]),
    "breakeven_low_nan": (["breakeven", INV, "--param", "investment.levers[0].fcr_gain", "--low", "nan", "--high", "1", "--target", "1"], ["--low"]),
    "breakeven_low_above_high": (["breakeven", INV, "--param", "investment.levers[0].fcr_gain", "--low", "0.2", "--high", "0.1", "--target", "1"],
                                 ["--low/--high"]),
    "breakeven_value_refused": (["breakeven", INV, "--param", "investment.levers[0].fcr_gain", "--low", "-5", "--high", "0.1", "--target", "1"],
                                ["invest.yaml", "investment.levers[0].fcr_gain", "-5 is not allowed"]),
    "breakeven_target_beyond_horizon": (["breakeven", INV, "--param", "investment.levers[0].fcr_gain", "--low", "0", "--high", "0.1",
                                         "--target", "12"], ["--target", "within the horizon"]),
    "breakeven_target_zero": (["breakeven", INV, "--param", "investment.levers[0].fcr_gain", "--low", "0", "--high", "0.1",
                               "--target", "0"], ["--target"]),
    "breakeven_without_investment": (["breakeven", W, "--param", "investment.levers[0].fcr_gain", "--low", "0", "--high", "1", "--target", "1"],
                                     ["world.yaml", "investment"]),
    "sweep_status_of_a_run_folder": (["sweep", "status", R], ["results", "not a sweep folder"]),
    "sweep_status_without_folder": (["sweep", "status"], ["sweep status", "give the sweep folder"]),
    "sweep_status_missing_folder": (["sweep", "status", "{ws}/nothing"], ["nothing", "no such folder"]),
    "sweep_status_with_options": (["sweep", "status", S, "--n", "3"], ["sweep status", "takes only the sweep folder"]),
    "sweep_extra_argument": (["sweep", INV, "{ws}/extra"], ["extra", "unexpected argument"]),
    "sweep_grid_too_large": (["sweep", INV, "--param", "customers.monthly_churn=0.01:0.03", "--param", "costs.shrinkage=0.2:0.4",
                              "--param", "investment.levers[0].fcr_gain=0:0.1", "--design", "grid", "--n", "1000", "--dry-run",
                              "--out", "{ws}/g"], ["--n", "1,000,000,000 points"]),
    "sweep_unknown_design": (["sweep", INV, "--param", "customers.monthly_churn=0.01:0.03", "--design", "factorial", "--out", "{ws}/g"],
                             ["--design", "factorial"]),
    "sweep_param_not_a_number": (["sweep", INV, "--param", "customers.monthly_churn=1e:2", "--out", "{ws}/g"], ["--param", "numbers"]),
    "sweep_param_infinite": (["sweep", INV, "--param", "customers.monthly_churn=0:1e999", "--out", "{ws}/g"], ["--param", "finite"]),
    "sweep_param_value_refused": (["sweep", INV, "--param", "customers.monthly_churn=0:0.5", "--out", "{ws}/g"],
                                  ["invest.yaml", "customers.monthly_churn", "0 is not allowed"]),
    "sweep_param_too_many_customers": (["sweep", INV, "--param", "customers.initial=1000:60000000", "--out", "{ws}/g"],
                                       ["invest.yaml", "customers.initial"]),
    "sweep_param_not_numeric": (["sweep", INV, "--param", "name=0:1", "--out", "{ws}/g"], ["name", "not a number"]),
    "sweep_timeout_nan": (["sweep", INV, "--param", "customers.monthly_churn=0.01:0.03", "--timeout", "nan"], ["--timeout"]),
    "sweep_into_a_run_folder": (["sweep", INV, "--param", "customers.monthly_churn=0.01:0.03", "--out", R], ["results", "run results"]),
    "sensitivity_unknown_outcome": (["sensitivity", S, "--outcome", "nonexistent"], ["--outcome", "nonexistent", "npv_usd"]),
    "sensitivity_of_a_run_folder": (["sensitivity", R], ["results", "not a sweep folder"]),
    "sensitivity_bad_condition": (["sensitivity", S, "--discover", "npv_usd<<3"], ["--discover", "npv_usd<<3"]),
    "sensitivity_unknown_condition_outcome": (["sensitivity", S, "--discover", "bogus<=3"], ["--discover", "bogus"]),
    "sensitivity_condition_not_a_number": (["sensitivity", S, "--discover", "npv_usd<=1.2.3"], ["--discover", "not a number"]),
    "sensitivity_threshold_nan": (["sensitivity", S, "--threshold", "nan"], ["--threshold"]),
    "staffing_unknown_channel": (["staffing", W, "--target", "fax: 80/20"], ["--target", "fax", "unknown channel"]),
    "staffing_percent_above_100": (["staffing", W, "--target", "phone: 120/20"], ["--target", "phone"]),
    "staffing_one_replication": (["staffing", W, "--target", "phone: 80/20", "--reps", "1"], ["--reps"]),
    "run_scheduler_unreachable": (["run", W, "--scheduler", "tcp://127.0.0.1:1", "--out", "{ws}/o"],
                                  ["--scheduler", "tcp://127.0.0.1:1", "cannot reach the Dask scheduler"]),
    "compare_scheduler_malformed": (["compare", W, INV, "--scheduler", "my laptop", "--out", "{ws}/o"],
                                    ["--scheduler", "my laptop", "not a Dask scheduler address"]),
    "compare_scheduler_without_port": (["compare", W, INV, "--scheduler", "tcp://10.0.0.5", "--out", "{ws}/o"],
                                       ["--scheduler", "tcp://10.0.0.5", "not a Dask scheduler address"]),
    "breakeven_scheduler_port_out_of_range": (["breakeven", INV, "--param", "investment.levers[0].fcr_gain", "--low", "0", "--high", "0.1",
                                               "--target", "1", "--scheduler", "tcp://127.0.0.1:70000"],
                                              ["--scheduler", "tcp://127.0.0.1:70000", "not a Dask scheduler address"]),
    "staffing_scheduler_unreachable": (["staffing", W, "--target", "phone: 80/20", "--scheduler", "127.0.0.1:1"],
                                       ["--scheduler", "127.0.0.1:1", "cannot reach the Dask scheduler"]),
    "sweep_scheduler_wrong_protocol": (["sweep", INV, "--param", "customers.monthly_churn=0.01:0.03", "--scheduler", "http://127.0.0.1:8786",
                                        "--out", "{ws}/g"], ["--scheduler", "http://127.0.0.1:8786", "not a Dask scheduler address"]),
    "contact_log_zero_months": (["contact-log", W, "--out", "{ws}/l.csv", "--months", "0"], ["--months"]),
    "calibrate_zero_customers": (["calibrate", "{ws}/log.csv", "--out", "{ws}/c.yaml", "--customers", "0"], ["--customers"]),
    "calibrate_missing_log": (["calibrate", "{ws}/none.csv", "--out", "{ws}/c.yaml", "--base", W], ["none.csv", "file not found"]),
    "report_of_a_sweep": (["report", S], ["sweep", "is a sweep folder"]),
    "report_of_an_empty_folder": (["report", "{ws}"], ["ws", "not a results folder"]),
    "plot_of_a_missing_folder": (["plot", "{ws}/nothing"], ["nothing", "no such folder"]),
    "validate_nothing": (["validate"], ["Missing argument 'scenarios'"]),
    "unknown_command": (["simulate", W], ["simulate"]),
}


@pytest.mark.parametrize("args, names", COMMAND_LINES.values(), ids=COMMAND_LINES.keys())
def test_bad_command_line(args, names, ws, capsys):
    refused(capsys, fill(args, ws), [n.format(ws=ws) for n in names], [ws])


def test_a_run_folder_left_running_by_a_dead_process_reads_interrupted(ws, capsys):
    import json
    import socket

    m = json.loads((ws / "results" / "manifest.json").read_text())
    (ws / "results" / "manifest.json").write_text(json.dumps(m | {"status": "running", "pid": 2**22 + 12345}))
    for cmd in (["report", ws / "results"], ["plot", ws / "results"]):
        refused(capsys, cmd, ["manifest.json", "status", "interrupted"], [ws])
    s = json.loads((ws / "sweep" / "manifest.json").read_text())
    (ws / "sweep" / "manifest.json").write_text(json.dumps(s | {"status": "running", "pid": 2**22 + 12345, "host": socket.gethostname()}))
    refused(capsys, ["sensitivity", ws / "sweep"], ["sweep", "interrupted"], [ws])
    assert main(["sweep", "status", str(ws / "sweep")]) == 0
    assert "interrupted" in capsys.readouterr().out


# ---- contact logs ---------------------------------------------------------------------------------
LOG_COLUMNS = {
    "abandoned_without_waiting": ":8: wait_s: 3 chat contacts abandoned", "all_abandoned": ":8: handle_s: no chat contact was answered",
    "answered_without_handle": ":12: handle_s:", "bad_timestamp": ":12: timestamp:", "binary": ": not a readable CSV file",
    "duplicate_header_only_commas": ": timestamp, channel, wait_s, handle_s, outcome: required column(s) missing",
    "empty": ": not a readable CSV file", "handle_longer_than_a_day": ":2: handle_s: these contacts (rows 2-7)",
    "header_only": ": the log has no rows", "infinite_wait": ":12: wait_s: 'inf' is not a finite number",
    "missing_handle_column": ": handle_s: required column(s) missing", "mixed_time_zones": ": timestamp:",
    "negative_wait": ":12: wait_s: '-4' is negative", "outcome_typo": ":12: outcome:", "overflowing_handle": ":12: handle_s:",
    "social_not_in_base": ":12: channel: social contacts (rows 12-14)", "unknown_channel": ":12: channel: 'fax'",
    "wait_text": ":12: wait_s: 'abc' is not a number", "zero_handle_times": ":8: handle_s:",
}


def test_every_log_in_the_corpus_has_an_expectation():
    assert {p.stem for p in LOG_FILES} == set(LOG_COLUMNS)


@pytest.mark.parametrize("path", LOG_FILES, ids=[p.stem for p in LOG_FILES])
def test_bad_contact_log(path, ws, capsys):
    refused(capsys, ["calibrate", path, "--out", ws / "mine.yaml", "--base", SCENARIOS / "small_shop.yaml"],
            [str(path) + LOG_COLUMNS[path.stem]], [CORPUS, ws])


def test_a_folder_as_contact_log(ws, capsys):
    (ws / "log_dir.csv").mkdir()
    refused(capsys, ["calibrate", ws / "log_dir.csv", "--out", ws / "mine.yaml", "--base", SCENARIOS / "small_shop.yaml"],
            ["log_dir.csv", "cannot read file"], [ws])


# ---- output paths ---------------------------------------------------------------------------------
def _webapp(ws: Path) -> list:
    (ws / "webapp" / "src").mkdir(parents=True)
    write(ws / "webapp" / "manifest.json", '{"name": "my web app", "start_url": "/"}')
    write(ws / "webapp" / "src" / "app.js", "console.log('precious')")
    return ["run", ws / "world.yaml", "--out", ws / "webapp", "--overwrite", "--quiet"]


def _thesis(ws: Path) -> Path:
    (ws / "thesis").mkdir()
    write(ws / "thesis" / "thesis.tex", "\\documentclass{article}")
    return ws / "thesis"


def _results_with_notes(ws: Path) -> list:
    write(ws / "results" / "notes.txt", "my notes")
    return ["run", ws / "world.yaml", "--out", ws / "results", "--overwrite", "--quiet"]


def _link(ws: Path, target: str) -> Path:
    (ws / "link").symlink_to(ws / target, target_is_directory=True)
    return ws / "link"


def _live_run(ws: Path) -> list:
    import json

    m = json.loads((ws / "results" / "manifest.json").read_text())
    (ws / "results" / "manifest.json").write_text(json.dumps(m | {"status": "running", "pid": os.getpid(), "pid_started": None}))
    return ["run", ws / "world.yaml", "--out", ws / "results", "--overwrite", "--quiet"]


def _foreign_chart(ws: Path) -> list:
    (ws / "results" / "charts").mkdir()
    write(ws / "results" / "charts" / "logo.txt", "mine")
    return ["plot", ws / "results", "--overwrite"]


OUTPUT_PATHS = {
    "overwrite_a_web_app_with_a_manifest": (_webapp, ["webapp", "--out", "not written by this version of sim"]),
    "run_into_a_non_empty_folder": (lambda ws: ["run", ws / "world.yaml", "--out", _thesis(ws), "--quiet"], ["thesis", "--out"]),
    "overwrite_a_non_empty_folder": (lambda ws: ["run", ws / "world.yaml", "--out", _thesis(ws), "--overwrite", "--quiet"],
                                     ["thesis", "--out", "not written by this version of sim"]),
    "sweep_into_a_non_empty_folder": (lambda ws: ["sweep", ws / "invest.yaml", "--param", "customers.monthly_churn=0.01:0.03",
                                                  "--out", _thesis(ws), "--quiet"], ["thesis", "--out"]),
    "run_over_a_sweep": (lambda ws: ["run", ws / "world.yaml", "--out", ws / "sweep", "--overwrite", "--quiet"],
                         ["sweep", "--out", "holds a sweep"]),
    "overwrite_results_holding_other_files": (_results_with_notes, ["results", "notes.txt", "nothing was deleted"]),
    "overwrite_a_live_run": (_live_run, ["results", "running sim"]),
    "run_into_a_symlink": (lambda ws: ["run", ws / "world.yaml", "--out", _link(ws, "results"), "--overwrite", "--quiet"],
                           ["link", "symbolic link"]),
    "sweep_into_a_symlink": (lambda ws: ["sweep", ws / "invest.yaml", "--param", "customers.monthly_churn=0.01:0.03", "--out",
                                         _link(ws, "sweep"), "--quiet"], ["link", "symbolic link"]),
    "run_under_a_file": (lambda ws: ["run", ws / "world.yaml", "--out", ws / "log.csv" / "res", "--quiet"], ["log.csv", "is a file"]),
    "run_into_a_file": (lambda ws: ["run", ws / "world.yaml", "--out", ws / "log.csv", "--overwrite", "--quiet"],
                        ["log.csv", "is a file"]),
    "run_into_an_unwritable_place": (lambda ws: ["run", ws / "world.yaml", "--out", "/proc/sim-results", "--quiet"],
                                     ["/proc/sim-results", "--out"]),
    "staffing_over_an_existing_file": (lambda ws: ["staffing", ws / "world.yaml", "--target", "phone: 80/20", "--write-investment",
                                                   ws / "invest.yaml"], ["invest.yaml", "--write-investment", "exists"]),
    "staffing_over_its_own_scenario": (lambda ws: ["staffing", ws / "invest.yaml", "--target", "phone: 80/20", "--write-investment",
                                                   ws / "world.yaml", "--overwrite"], ["world.yaml", "input of this command"]),
    "schema_over_an_existing_file": (lambda ws: ["schema", "--out", ws / "world.yaml"], ["world.yaml", "--out", "exists"]),
    "schema_under_a_file": (lambda ws: ["schema", "--out", ws / "log.csv" / "schema.json"], ["log.csv", "is a file"]),
    "report_over_an_existing_file": (lambda ws: ["report", ws / "results", "--out", ws / "world.yaml"], ["world.yaml", "exists"]),
    "report_over_its_manifest": (lambda ws: ["report", ws / "results", "--out", ws / "results" / "manifest.json", "--overwrite"],
                                 ["manifest.json", "input of this command"]),
    "report_over_the_run_scenario": (lambda ws: ["report", ws / "results", "--out", ws / "results" / "runs.parquet", "--overwrite"],
                                     ["runs.parquet", "input of this command"]),
    "calibrate_over_its_base": (lambda ws: ["calibrate", ws / "log.csv", "--base", ws / "invest.yaml", "--out", ws / "invest.yaml",
                                            "--overwrite"], ["invest.yaml", "input of this command"]),
    "calibrate_over_a_file_its_base_extends": (lambda ws: ["calibrate", ws / "log.csv", "--base", ws / "invest.yaml", "--out",
                                                           ws / "world.yaml", "--overwrite"], ["world.yaml", "input of this command"]),
    "calibrate_over_its_log": (lambda ws: ["calibrate", ws / "log.csv", "--base", ws / "world.yaml", "--out", ws / "log.csv",
                                           "--overwrite"], ["log.csv", "input of this command"]),
    "calibrate_over_an_existing_file": (lambda ws: ["calibrate", ws / "log.csv", "--base", SCENARIOS / "small_shop.yaml", "--out",
                                                    ws / "world.yaml"], ["world.yaml", "exists"]),
    "contact_log_over_its_scenario": (lambda ws: ["contact-log", ws / "world.yaml", "--out", ws / "world.yaml", "--overwrite"],
                                      ["world.yaml", "input of this command"]),
    "contact_log_over_an_existing_file": (lambda ws: ["contact-log", ws / "world.yaml", "--out", ws / "log.csv"], ["log.csv", "exists"]),
    "plot_with_a_foreign_file_in_charts": (_foreign_chart, ["logo.txt", "did not write"]),
    "report_into_a_folder": (lambda ws: ["report", ws / "results", "--out", ws / "sweep"], ["sweep", "is a folder"]),
}


@pytest.mark.parametrize("setup, names", OUTPUT_PATHS.values(), ids=OUTPUT_PATHS.keys())
def test_bad_output_path(setup, names, ws, capsys):
    args = setup(ws)
    refused(capsys, args, names, [ws])


def test_the_corpus_is_large_enough():
    total = len(SCENARIO_FILES) + len(GENERATED) + len(COMMAND_LINES) + len(LOG_FILES) + 1 + len(OUTPUT_PATHS)
    assert total >= 80


@pytest.mark.parametrize("make", [_alias_bomb, _fifty_mb], ids=["alias_bomb", "fifty_mb"])
def test_validate_refuses_an_alias_bomb_and_a_50_mb_file_within_2_s(make, tmp_path, capsys):
    path = make(tmp_path)
    rss = _reset_peak()
    t0 = time.perf_counter()
    assert main(["validate", str(path)]) == 2
    assert time.perf_counter() - t0 < 2.0
    if rss is not None:
        assert _status("VmHWM") - rss < 100 * 2**20
    assert str(path) in capsys.readouterr().err
