"""The README's quick start works word for word."""

import csv
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAIN_JOB = "osiris-gen quickstart demo"


def test_the_readme_main_job_generates_lints_and_runs_the_sample_pipeline(tmp_path):
    assert MAIN_JOB in (ROOT / "README.md").read_text()
    program, *args = MAIN_JOB.split()
    done = subprocess.run([str(Path(sys.executable).with_name(program)), *args], cwd=tmp_path,
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    demo = tmp_path / "demo"
    assert {p.name for p in (demo / "drivers").glob("*_driver.py")} == {
        "sqlite_extractor_driver.py", "csv_writer_driver.py"}
    with open(demo / "output" / "orders.csv", newline="") as stream:
        rows = [(r["id"], r["customer"], r["amount"]) for r in csv.DictReader(stream)]
    assert rows == [("1", "ada", "19.9"), ("2", "grace", "5.0"), ("3", "linus", "42.5"),
                    ("4", "ada", "7.25")]
    assert "Run succeeded" in done.stdout
