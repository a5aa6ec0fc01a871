"""osiris-run as a user runs it: a real process, real files, real servers."""

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

FIXTURE_DRIVERS = Path(__file__).parent / "fixture_drivers"
OSIRIS_RUN = Path(sys.executable).with_name("osiris-run")

SQLITE_TO_CSV = """
name: orders-export
steps:
  - id: extract
    driver: sqlite.extractor
    config:
      connection: "@sqlite.shop"
      query: SELECT id, amount FROM orders ORDER BY id
  - id: save
    driver: csv.writer
    needs: [extract]
    config: {path: out/orders.csv}
"""
CONNECTIONS = """
connections:
  sqlite:
    shop: {path: "${SHOP_DB}"}
  postgres:
    local: {host: "${PGHOST}", port: 5432, user: postgres, dbname: test, password: "${PGPASSWORD}"}
  mysql:
    local: {host: 127.0.0.1, port: 3306, user: root, database: test, password: ""}
"""


def osiris_run(cwd, *args, env=None):
    return subprocess.run([str(OSIRIS_RUN), *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1", **(env or {})}, timeout=120)


@pytest.fixture
def project(tmp_path):
    """A folder with a sqlite shop database, connections and the sqlite-to-CSV pipeline."""
    with sqlite3.connect(tmp_path / "shop.db") as conn:
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, amount REAL)")
        conn.executemany("INSERT INTO orders VALUES (?, ?)", [(1, 9.5), (2, 20.0), (3, 7.25)])
    conn.close()
    (tmp_path / "osiris_connections.yaml").write_text(CONNECTIONS)
    (tmp_path / "pipeline.yaml").write_text(SQLITE_TO_CSV)
    return tmp_path


def write_pipeline(folder, text):
    (folder / "pipeline.yaml").write_text(textwrap.dedent(text))


def test_a_sqlite_to_csv_pipeline_runs_end_to_end(project):
    done = osiris_run(project, "pipeline.yaml", "--drivers", str(FIXTURE_DRIVERS),
                      env={"SHOP_DB": str(project / "shop.db")})
    assert done.returncode == 0, done.stderr
    assert pd.read_csv(project / "out" / "orders.csv").to_dict("records") == [
        {"id": 1, "amount": 9.5}, {"id": 2, "amount": 20.0}, {"id": 3, "amount": 7.25}]
    assert "[1/2] extract (sqlite.extractor) ..." in done.stdout
    assert "Run succeeded" in done.stdout
    [run_dir] = (project / ".osiris" / "runs").iterdir()
    assert run_dir.name.endswith("-orders-export")
    assert {p.name for p in run_dir.iterdir()} >= {
        "pipeline.resolved.yaml", "events.jsonl", "metrics.jsonl", "summary.json"}
    table = done.stdout.splitlines()
    assert any(line.split()[:4] == ["extract", "sqlite.extractor", "ok", "3"] for line in table)


def test_the_explicit_run_subcommand_is_the_same(project):
    done = osiris_run(project, "run", "pipeline.yaml", "-d", str(FIXTURE_DRIVERS), "--quiet",
                      env={"SHOP_DB": str(project / "shop.db")})
    assert done.returncode == 0, done.stderr
    assert "[1/2]" not in done.stdout and "Run succeeded" in done.stdout


def test_a_failing_step_exits_1_naming_the_step_and_the_logs(project):
    done = osiris_run(project, "pipeline.yaml", "-d", str(FIXTURE_DRIVERS),
                      env={"SHOP_DB": str(project / "missing.db")})
    assert done.returncode == 1
    assert "Run failed at step 'extract' (OperationalError: unable to open database file)" in done.stdout
    assert "Logs: " in done.stdout and "events.jsonl" in done.stdout
    assert not (project / "out").exists()


def test_validation_errors_exit_2_and_run_nothing(project):
    write_pipeline(project, """
        steps:
          - {id: extract, driver: sqlite.extractr, config: {connection: "@sqlite.shop"}}
          - {id: save, driver: csv.writer, needs: [extract], config: {connection: "@pg.main"}}
    """)
    done = osiris_run(project, "pipeline.yaml", "-d", str(FIXTURE_DRIVERS))
    assert done.returncode == 2
    assert "nothing was run" in done.stderr
    assert "step 'extract': No driver is registered as 'sqlite.extractr'. Did you mean " \
           "'sqlite.extractor'?" in done.stderr
    assert "SHOP_DB is not set, but connection @sqlite.shop" in done.stderr
    assert "has no family 'pg'" in done.stderr
    assert not (project / ".osiris").exists()


def test_a_connection_without_a_connections_file_says_how_to_provide_one(project):
    (project / "osiris_connections.yaml").unlink()
    done = osiris_run(project, "pipeline.yaml", "-d", str(FIXTURE_DRIVERS))
    assert done.returncode == 2
    assert "uses connection '@sqlite.shop' but no osiris_connections.yaml was found" in done.stderr


@pytest.mark.parametrize("args, message", [
    (["missing.yaml"], "no such pipeline file"),
    (["pipeline.yaml", "--connections", "nope.yaml"], "nope.yaml does not exist"),
    (["pipeline.yaml", "--drivers", "no/such/folder"], "neither an existing file or folder"),
])
def test_wrong_paths_are_usage_errors(project, args, message):
    done = osiris_run(project, *args)
    assert done.returncode == 2 and message in done.stderr


def test_a_driver_module_that_fails_to_import_is_reported_and_the_rest_run(project):
    drivers = project / "drivers"
    drivers.mkdir()
    (drivers / "broken_writer_driver.py").write_text("import not_installed_client\n")
    for name in ("sqlite_extractor_driver.py", "csv_writer_driver.py"):
        (drivers / name).write_text((FIXTURE_DRIVERS / name).read_text())
    done = osiris_run(project, "pipeline.yaml", env={"SHOP_DB": str(project / "shop.db")})
    assert done.returncode == 0, done.stderr
    assert "broken_writer_driver.py:1: cannot import broken_writer_driver: " \
           "ModuleNotFoundError: No module named 'not_installed_client'" in done.stderr


@pytest.mark.postgres
def test_a_postgres_connection_is_resolved_and_used_for_real(project, postgres_settings):
    write_pipeline(project, """
        steps:
          - id: extract
            driver: postgres.extractor
            config: {connection: "@postgres.local", query: "SELECT 41 + 1 AS answer, current_user AS who"}
          - {id: save, driver: csv.writer, needs: [extract], config: {path: out/pg.csv}}
    """)
    done = osiris_run(project, "pipeline.yaml", "-d", str(FIXTURE_DRIVERS),
                      env={"PGHOST": postgres_settings["host"],
                           "PGPASSWORD": postgres_settings["password"]})
    assert done.returncode == 0, done.stdout + done.stderr
    assert pd.read_csv(project / "out" / "pg.csv").to_dict("records") == [
        {"answer": 42, "who": postgres_settings["user"]}]


@pytest.mark.mysql
def test_a_mysql_connection_is_resolved_and_used_for_real(project, mysql_settings):
    write_pipeline(project, """
        steps:
          - id: extract
            driver: mysql.extractor
            config: {connection: "@mysql.local", query: "SELECT 41 + 1 AS answer, DATABASE() AS db"}
          - {id: save, driver: csv.writer, needs: [extract], config: {path: out/my.csv}}
    """)
    done = osiris_run(project, "pipeline.yaml", "-d", str(FIXTURE_DRIVERS))
    assert done.returncode == 0, done.stdout + done.stderr
    assert pd.read_csv(project / "out" / "my.csv").to_dict("records") == [{"answer": 42, "db": "test"}]
    summary = json.loads(next((project / ".osiris" / "runs").iterdir()).joinpath("summary.json").read_text())
    assert summary["steps"][0]["rows"] == 1
