"""A step's config is checked against its driver's component spec before anything runs:
every problem at once, with the step, the key and what is allowed; exit 2, nothing ran."""

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from osiris_driver_kit.contract.components import read_spec
from osiris_driver_kit.runtime.config_schema import ConfigSchemas
from osiris_driver_kit.runtime.connections import Connections
from osiris_driver_kit.runtime.discovery import load_drivers
from osiris_driver_kit.runtime.pipeline import PipelineError, parse_pipeline
from osiris_driver_kit.runtime.planning import plan_run

BIN = Path(sys.executable).parent
FIXTURE_DRIVERS = Path(__file__).parent / "fixture_drivers"
PUBLIC_SPECS = Path(__file__).parents[1] / "osiris_pipeline" / "public" / "components"

WRITER_SPEC = """
name: csv.writer
modes: [write]
configSchema:
  type: object
  additionalProperties: false
  properties:
    path: {type: string}
    write_mode: {type: string, enum: [append, overwrite, upsert]}
    primary_key: {type: array, items: {type: string}}
    delimiter: {type: string}
  required: [path]
  if: {properties: {write_mode: {const: upsert}}}
  then: {required: [primary_key]}
"""
EXTRACTOR_SPEC = """
name: sqlite.extractor
modes: [extract]
configSchema:
  type: object
  additionalProperties: false
  properties:
    path: {type: string}
    query: {type: string}
  required: [path, query]
"""
CONNECTIONS = """
connections:
  sqlite:
    shop: {path: shop.db, default: true}
"""


def run_cli(cwd, *args):
    return subprocess.run([str(BIN / "osiris-run"), *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=120)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def project(tmp_path):
    """Contract drivers from --drivers, described by hand-written specs in ./components."""
    with sqlite3.connect(tmp_path / "shop.db") as conn:
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, amount REAL)")
        conn.execute("INSERT INTO orders VALUES (1, 9.5)")
    conn.close()
    write(tmp_path, "osiris_connections.yaml", CONNECTIONS)
    write(tmp_path, "components/csv.writer/spec.yaml", WRITER_SPEC)
    write(tmp_path, "components/sqlite.extractor/spec.yaml", EXTRACTOR_SPEC)
    return tmp_path


def test_every_config_problem_is_reported_before_anything_runs(project):
    write(project, "pipeline.yaml", """
        steps:
          - {id: extract, driver: sqlite.extractor, config: {connection: "@sqlite.shop"}}
          - id: load
            driver: csv.writer
            needs: [extract]
            config: {path: out/orders.csv, write_mode: upsrt, delimter: ";"}
          - id: merge
            driver: csv.writer
            needs: [extract]
            config: {path: out/merged.csv, write_mode: upsert, delimiter: 3}
    """)
    ran = run_cli(project, "pipeline.yaml", "--drivers", str(FIXTURE_DRIVERS))

    assert ran.returncode == 2, ran.stdout + ran.stderr
    assert "nothing was run" in ran.stderr
    spec = f"(component spec {project / 'components' / 'csv.writer' / 'spec.yaml'})"
    for line in [
        "step 'extract': config lacks 'query', which the spec requires",
        "step 'load': config has unknown key 'delimter' (did you mean 'delimiter'?); "
        "allowed: path, write_mode, primary_key, delimiter",
        "step 'load': config key 'write_mode' is 'upsrt'; allowed values: 'append', "
        f"'overwrite', 'upsert' {spec}.",
        "step 'merge': config key 'delimiter' must be of type string, not integer",
        "step 'merge': config lacks 'primary_key', which the spec requires when write_mode is "
        "'upsert'",
    ]:
        assert line in ran.stderr
    assert "resolved_connection" not in ran.stderr and "'path'" not in ran.stderr
    assert not (project / "out").exists() and not (project / ".osiris").exists()


def test_a_config_that_keeps_the_spec_runs(project):
    write(project, "pipeline.yaml", """
        steps:
          - id: extract
            driver: sqlite.extractor
            config: {connection: "@sqlite", query: SELECT * FROM orders}
          - {id: load, driver: csv.writer, needs: [extract], config: {path: out/o.csv, write_mode: append}}
    """)
    ran = run_cli(project, "pipeline.yaml", "--drivers", str(FIXTURE_DRIVERS))
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert (project / "out" / "o.csv").read_text() == "id,amount\n1,9.5\n"


def test_the_specs_osiris_gen_writes_check_the_generated_drivers(tmp_path):
    for command in (["extractor", "sqlite"], ["writer", "csv"]):
        made = subprocess.run([str(BIN / "osiris-gen"), *command, "--no-tests"], cwd=tmp_path,
                              capture_output=True, text=True)
        assert made.returncode == 0, made.stderr
    write(tmp_path, "osiris_connections.yaml", CONNECTIONS)
    write(tmp_path, "pipeline.yaml", """
        steps:
          - {id: extract, driver: sqlite.extractor, config: {connection: "@sqlite.shop", limit: "10"}}
          - {id: load, driver: csv.writer, needs: [extract], config: {path: out.csv, write_mode: merge}}
    """)
    ran = run_cli(tmp_path, "pipeline.yaml")
    assert ran.returncode == 2, ran.stdout + ran.stderr
    assert "step 'extract': config key 'limit' must be of type integer, not string" in ran.stderr
    assert "step 'load': config key 'write_mode' is 'merge'; allowed values: 'append', " \
           "'overwrite', 'replace', 'upsert'" in ran.stderr


def test_drivers_registered_by_their_spec_are_checked_against_it(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "components").symlink_to(PUBLIC_SPECS)
    write(project, "pipeline.yaml", """
        steps:
          - {id: load, driver: duckdb.processor, config: {query: SELECT 1, sql: SELECT 2}}
    """)
    ran = run_cli(project, "pipeline.yaml")
    assert ran.returncode == 2
    assert "step 'load': config has unknown key 'sql'; allowed: query" in ran.stderr


@pytest.fixture
def registry(osiris_registry):
    assert load_drivers(FIXTURE_DRIVERS).failures == []
    return osiris_registry


def plan(tmp_path, registry, text, specs, connections=None):
    pipeline = parse_pipeline(yaml.safe_load(textwrap.dedent(text)), tmp_path / "pipeline.yaml")
    return plan_run(pipeline, registry, connections, {}, specs=specs)


def test_without_a_spec_nothing_is_checked(tmp_path, registry):
    planned = plan(tmp_path, registry, """
        steps:
          - {id: load, driver: csv.writer, config: {path: x.csv, anything: [1, 2]}}
    """, specs={})
    assert planned.steps[0].config == {"path": "x.csv", "anything": [1, 2]}


def test_connection_settings_count_as_given_but_are_not_judged(tmp_path, registry):
    """osiris-pipeline's mysql.extractor requires host, user, password and database, which
    a connection gives; additionalProperties is false, yet resolved_connection is fine."""
    spec = read_spec(PUBLIC_SPECS / "mysql.extractor" / "spec.yaml")
    write(tmp_path, "osiris_connections.yaml", """
        connections:
          mysql:
            main: {host: db, port: "3306", user: app, password: s3cret-pass, database: shop, charset: utf8}
    """)
    connections = Connections.load(tmp_path / "osiris_connections.yaml")
    with pytest.raises(PipelineError) as raised:
        plan(tmp_path, registry, """
            steps:
              - {id: ok, driver: csv.writer, config: {connection: "@mysql.main", query: SELECT 1}}
              - {id: bad, driver: csv.writer, config: {query: SELECT 1, limit: -1, password: s3cret-pass}}
        """, specs={"csv.writer": spec}, connections=connections)
    problems = raised.value.problems
    assert not any("step 'ok'" in problem for problem in problems), problems
    assert any("step 'bad': config lacks 'host', 'database', 'user', which the spec requires"
               in problem for problem in problems), problems
    assert any("step 'bad': config key 'limit': -1 is less than the minimum of 1" in problem
               for problem in problems), problems
    assert not any("s3cret" in problem for problem in problems)


def test_secret_values_are_never_quoted(tmp_path):
    spec = read_spec(write(tmp_path, "x.writer/spec.yaml", """
        configSchema:
          properties:
            api_key: {enum: [a, b]}
            password: {minLength: 40}
    """))
    problems = ConfigSchemas().problems(spec, {"api_key": "hunter22", "password": "hunter22"}, None)
    assert len(problems) == 2 and not any("hunter22" in problem for problem in problems)
    assert "config key 'api_key' is not an allowed value; allowed values: 'a', 'b'" in problems[0]
    assert "config key 'password' breaks the spec's 'minLength' rule" in problems[1]


def test_a_spec_whose_config_schema_is_not_a_json_schema_says_so(tmp_path):
    spec = read_spec(write(tmp_path, "x.writer/spec.yaml", "configSchema: {type: objekt}\n"))
    [problem] = ConfigSchemas().problems(spec, {}, None)
    assert "configSchema of" in problem and "is not a valid JSON Schema" in problem
