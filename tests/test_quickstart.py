"""The README's quick start works word for word."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAIN_JOB = "osiris-run examples/quickstart/pipeline.yaml --drivers examples/quickstart/drivers"


def test_the_readme_main_job_runs_the_sample_pipeline_on_sqlite(tmp_path):
    assert MAIN_JOB in (ROOT / "README.md").read_text()
    project = tmp_path / "checkout"
    (project / "examples").mkdir(parents=True)
    subprocess.run(["cp", "-r", str(ROOT / "examples" / "quickstart"), str(project / "examples")],
                   check=True)
    program, *args = MAIN_JOB.split()
    done = subprocess.run([str(Path(sys.executable).with_name(program)), *args], cwd=project,
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    with sqlite3.connect(project / ".osiris" / "quickstart.db") as conn:
        rows = conn.execute("SELECT id, customer, amount FROM orders ORDER BY id").fetchall()
    assert rows == [(1, "ada", 19.9), (2, "grace", 5.0), (3, "linus", 42.5), (4, "ada", 7.25)]
