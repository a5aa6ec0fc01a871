"""Issue 13's bar for `osiris-run check`: a project osiris-gen generates (every complete
backend, both targets) passes the contract check against the real servers with nothing
"not checked", on scratch schemas and databases of its own that are gone afterwards."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from osiris_driver_kit.generator.catalogue import BACKENDS
from osiris_driver_kit.generator.cli import app
from typer.testing import CliRunner

SCRATCH = re.compile(r"ran on the scratch (schema|database|table prefix) (osiris_check_[0-9a-f]+) ")


def check_environment(postgres: dict, mysql: dict) -> dict[str, str]:
    """The variables the generated check.yaml reads, pointed at the test servers."""
    return {**os.environ,
            "OSIRIS_CHECK_POSTGRES_HOST": postgres["host"],
            "OSIRIS_CHECK_POSTGRES_PORT": str(postgres["port"]),
            "OSIRIS_CHECK_POSTGRES_USER": postgres["user"],
            "OSIRIS_CHECK_POSTGRES_PASSWORD": postgres["password"],
            "OSIRIS_CHECK_POSTGRES_DATABASE": postgres["dbname"],
            "OSIRIS_CHECK_MYSQL_HOST": mysql["host"],
            "OSIRIS_CHECK_MYSQL_PORT": str(mysql["port"]),
            "OSIRIS_CHECK_MYSQL_USER": mysql["user"],
            "OSIRIS_CHECK_MYSQL_PASSWORD": mysql["password"],
            "OSIRIS_CHECK_MYSQL_DATABASE": mysql["database"]}


def osiris_run_check(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    osiris_run = str(Path(sys.executable).with_name("osiris-run"))
    return subprocess.run([osiris_run, "check", "drivers", *args], cwd=project, env=env,
                          capture_output=True, text=True, check=False)


def scratch_left(names: set[str], postgres: dict, mysql: dict) -> list[str]:
    """Which of the scratch schemas, databases and tables ``names`` still exist."""
    import psycopg
    import pymysql

    with psycopg.connect(**postgres) as conn:
        found = [r[0] for r in conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'osiris\\_check\\_%'")]
        found += [r[0] for r in conn.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            "WHERE table_name LIKE 'osiris\\_check\\_%'")]
    conn = pymysql.connect(**mysql)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT schema_name FROM information_schema.schemata "
                           "WHERE schema_name LIKE 'osiris\\_check\\_%'")
            found += [r[0] for r in cursor.fetchall()]
            cursor.execute("SELECT CONCAT(table_schema, '.', table_name) FROM "
                           "information_schema.tables WHERE table_name LIKE 'osiris\\_check\\_%'")
            found += [r[0] for r in cursor.fetchall()]
    finally:
        conn.close()
    return [item for item in found if any(name in item for name in names)]


def generate_every_complete_backend(project: Path, target: str, monkeypatch) -> int:
    """Each complete backend of each category, generated with the osiris-gen CLI."""
    monkeypatch.chdir(project)
    count = 0
    for backend in BACKENDS:
        for category in backend.categories:
            made = CliRunner().invoke(app, [category, backend.name, "--target", target])
            assert made.exit_code == 0, made.output
            count += 1
    return count


@pytest.mark.parametrize("target", ["contract", "osiris-pipeline"])
def test_a_generated_project_passes_the_check_on_scratch_storage_it_drops(
    target, tmp_path, monkeypatch, postgres_settings, mysql_settings
):
    drivers = generate_every_complete_backend(tmp_path, target, monkeypatch)
    scenarios = (tmp_path / "drivers" / "check.yaml").read_text()
    servers = [f"{b.name}.{c}" for b in BACKENDS if b.default_port for c in b.categories]
    assert all(f"\n{key}:\n  scratch: true\n" in scenarios for key in servers), scenarios

    checked = osiris_run_check(tmp_path, check_environment(postgres_settings, mysql_settings))
    output = checked.stdout[-6000:] + checked.stderr[-2000:]
    assert checked.returncode == 0, output
    assert f"{drivers} driver(s) checked: {drivers} passed, 0 breached, 0 not checked" in output
    used = {name for _, name in SCRATCH.findall(checked.stdout)}
    assert len(used) == len(servers), output  # one scratch schema/database per server driver
    assert checked.stdout.count(", dropped afterwards") == len(servers), output
    # Each server driver was run against a server that never answers, and kept its timeouts.
    assert checked.stdout.count(" OSD033\n") == len(servers), output
    assert scratch_left(used, postgres_settings, mysql_settings) == []


def test_the_check_registers_an_osiris_pipeline_projects_drivers_from_its_specs(
    tmp_path, monkeypatch
):
    """No server needed: the drivers register nothing at import; the check finds
    components/ beside drivers/ and runs them as osiris-pipeline would (a fresh instance
    per run, inputs["df_<id>"] only, a ctx without log_event)."""
    monkeypatch.chdir(tmp_path)
    for category, backend in (("extractor", "csv"), ("writer", "csv"), ("transformer", "sql")):
        made = CliRunner().invoke(app, [category, backend, "--target", "osiris-pipeline"])
        assert made.exit_code == 0, made.output
    checked = osiris_run_check(tmp_path, {**os.environ, "NO_COLOR": "1"})
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "3 driver(s) checked: 3 passed, 0 breached, 0 not checked; 0 finding(s)." \
        in checked.stdout
    assert "sql.processor (SqlProcessorDriver, transformer" in checked.stdout
    assert "OSD003" not in checked.stdout
