"""``osiris-run check`` as a user runs it: a real process, exit codes 0/1/2, and
the full, json and junit formats."""

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).parent
OSIRIS_RUN = Path(sys.executable).with_name("osiris-run")


def check(*args, cwd=HERE):
    return subprocess.run([str(OSIRIS_RUN), "check", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=120)


def test_compliant_drivers_exit_0_with_a_summary():
    done = check(HERE / "compliant")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "9 driver(s) checked: 9 passed, 0 breached, 0 not checked; 0 finding(s)." in done.stdout


def test_a_breach_exits_1_naming_driver_code_observation_and_expectation():
    done = check(HERE / "broken" / "uppercase_transformer_driver.py")
    assert done.returncode == 1
    assert "uppercase.transformer: OSD021 input-mutation: In the scenario run" in done.stdout
    assert "its values changed in column(s) ['customer']" in done.stdout
    assert "expected: inputs and its DataFrames unchanged" in done.stdout


def test_json_lists_every_finding_and_each_rules_verdict():
    done = check(HERE / "broken" / "chatty_csv_writer_driver.py", "--output-format", "json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["ok"] is False and report["summary"]["breached"] == 1
    assert {f["code"] for f in report["findings"]} == {"OSD020"}
    [driver] = report["drivers"]
    assert {r["code"]: r["status"] for r in driver["rules"]}["OSD021"] == "passed"


def test_junit_has_a_failed_case_per_breached_rule_and_a_suite_for_import_problems(tmp_path):
    for name in ("popping_csv_writer_driver.py", "forgotten_csv_writer_driver.py"):
        (tmp_path / name).write_text((HERE / "broken" / name).read_text())
    done = check(tmp_path, "-f", "junit")
    assert done.returncode == 1
    suites = ET.fromstring(done.stdout)
    failed = [(s.get("name"), c.get("name")) for s in suites for c in s if c.find("failure") is not None]
    assert failed == [("popping_csv.writer", "OSD021 input-mutation"),
                      ("import", "OSD003 unregistered-driver")]
    assert suites.get("failures") == "2"


def test_a_scenario_file_next_to_the_drivers_is_used(tmp_path):
    drivers = shutil.copytree(HERE / "public_style", tmp_path / "public_style")
    done = check(drivers, "-f", "json")
    found = {d["name"]: {f["code"] for f in d["problems"] + [f for r in d["rules"] for f in r["findings"]]}
             for d in json.loads(done.stdout)["drivers"]}
    assert found["duckdb.processor"] == {"OSD010", "OSD012", "OSD024"}  # not "no scenario"


def test_usage_errors_exit_2_and_say_what_to_fix(tmp_path):
    (tmp_path / "check.yaml").write_text("csv.writer: {input: 3}\n")
    (tmp_path / "empty").mkdir()
    cases = [
        (["no/such/drivers"], "neither an existing file or folder"),
        ([HERE / "compliant", "--scenarios", tmp_path / "check.yaml"], "needs 'config:'"),
        ([HERE / "compliant", "-f", "xml"], "'xml' is not one of"),
        ([tmp_path / "empty"], "no driver is registered by the modules"),
    ]
    for args, message in cases:
        done = check(*args)
        assert done.returncode == 2, (args, done.stdout)
        assert message in done.stderr, done.stderr


def test_the_run_default_still_takes_a_pipeline_file():
    done = subprocess.run([str(OSIRIS_RUN), "missing.yaml"], capture_output=True, text=True)
    assert done.returncode == 2 and "no such pipeline file" in done.stderr
