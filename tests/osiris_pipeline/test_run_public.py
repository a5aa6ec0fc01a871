"""osiris-run runs osiris-pipeline's own drivers, registered through their component
specs as osiris-pipeline registers them, without osiris-pipeline installed."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd

OSIRIS_RUN = Path(sys.executable).with_name("osiris-run")

CSV_DUCKDB_CSV = """
name: csv-duckdb-csv
steps:
  - id: extract-orders
    driver: filesystem.csv_extractor
    config: {path: data/orders.csv}
  - id: totals
    driver: duckdb.processor
    needs: [extract-orders]
    config:
      query: >-
        SELECT customer, sum(amount) AS total, count(*) AS orders
        FROM df_extract_orders GROUP BY customer ORDER BY customer
  - id: load
    driver: filesystem.csv_writer
    needs: [totals]
    config: {path: output/totals.csv}
"""


def osiris_run(cwd, *args):
    return subprocess.run([str(OSIRIS_RUN), *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"}, timeout=120)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def test_their_csv_duckdb_csv_pipeline_runs_from_their_specs(public_project):
    write(public_project, "data/orders.csv",
          "id,customer,amount\n1,ann,10.5\n2,bob,4\n3,ann,2.25\n4,cy,7\n")
    write(public_project, "pipeline.yaml", CSV_DUCKDB_CSV)

    ran = osiris_run(public_project, "pipeline.yaml")

    assert ran.returncode == 0, ran.stdout + ran.stderr
    totals = pd.read_csv(public_project / "output" / "totals.csv")
    assert totals.to_dict("records") == [
        {"customer": "ann", "orders": 2, "total": 12.75},
        {"customer": "bob", "orders": 1, "total": 4.0},
        {"customer": "cy", "orders": 1, "total": 7.0},
    ]
    [run_dir] = (public_project / ".osiris" / "runs").iterdir()
    summary = json.loads((run_dir / "summary.json").read_text())
    assert [(s["step_id"], s["status"], s["rows"]) for s in summary["steps"]] == [
        ("extract-orders", "ok", 4), ("totals", "ok", 3), ("load", "ok", 3)]
    assert "osiris.core.driver" not in ran.stderr  # nothing needed the contract's registry


def test_a_spec_naming_a_missing_class_stops_the_run_before_anything_runs(public_project):
    spec = public_project / "components" / "duckdb.processor" / "spec.yaml"
    spec.write_text(spec.read_text().replace("DuckDBProcessorDriver", "DuckDBProcessor"))
    write(public_project, "data/orders.csv", "id,customer,amount\n1,ann,1\n")
    write(public_project, "pipeline.yaml", CSV_DUCKDB_CSV)

    ran = osiris_run(public_project, "pipeline.yaml")

    assert ran.returncode == 2
    assert "nothing was run" in ran.stderr
    assert "has no class DuckDBProcessor" in ran.stderr and str(spec) in ran.stderr
    assert not (public_project / "output").exists()


def test_specs_the_pipeline_does_not_use_never_fail_it(public_project):
    """Their mysql, graphql, posthog and supabase drivers need clients this venv lacks
    (SQLAlchemy, requests, ...); osiris-pipeline imports a driver only when a step uses it."""
    write(public_project, "data/orders.csv", "id,customer,amount\n1,ann,1\n")
    write(public_project, "pipeline.yaml", CSV_DUCKDB_CSV)

    ran = osiris_run(public_project, "pipeline.yaml", "--quiet")

    assert ran.returncode == 0, ran.stderr
    assert ran.stderr == ""


SPEC = """
name: probe.processor
version: 1.0.0
modes: [transform]
capabilities: {}
configSchema: {type: object}
x-runtime:
  driver: probes.probe_driver.ProbeDriver
"""
PROBE = """
import json
from pathlib import Path


class ProbeDriver:
    instances = 0

    def __init__(self):
        type(self).instances += 1

    def run(self, *, step_id, config, inputs=None, ctx=None):
        seen = {"keys": sorted(inputs), "has_log_event": hasattr(ctx, "log_event"),
                "instances": type(self).instances}
        Path(config["report"]).write_text(json.dumps(seen))
        ctx.log_metric("rows_processed", len(inputs["df_extract_orders"]))
        return {"df": inputs["df_extract_orders"]}
"""


def test_spec_drivers_get_osiris_pipelines_inputs_and_ctx_and_a_fresh_instance(public_project):
    write(public_project, "components/probe.processor/spec.yaml", SPEC)
    write(public_project, "probes/__init__.py", "")
    write(public_project, "probes/probe_driver.py", PROBE)
    write(public_project, "data/orders.csv", "id,customer,amount\n1,ann,1\n2,bob,2\n")
    write(public_project, "pipeline.yaml", """
        steps:
          - {id: extract-orders, driver: filesystem.csv_extractor, config: {path: data/orders.csv}}
          - {id: first, driver: probe.processor, needs: [extract-orders], config: {report: a.json}}
          - {id: second, driver: probe.processor, needs: [extract-orders], config: {report: b.json}}
        """)

    ran = osiris_run(public_project, "pipeline.yaml")

    assert ran.returncode == 0, ran.stdout + ran.stderr
    first = json.loads((public_project / "a.json").read_text())
    second = json.loads((public_project / "b.json").read_text())
    # never inputs["df"]; ctx without log_event; a new instance for every step
    assert first == {"keys": ["df_extract_orders", "extract-orders"], "has_log_event": False,
                     "instances": 1}
    assert second["instances"] == 2
