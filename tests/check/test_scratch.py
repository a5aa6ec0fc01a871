"""Scratch storage on the database servers (runtime/check/server_fixtures.py): a writer
scenario naming a real table never writes into it, the scratch schema or database is
dropped when a run is interrupted too, a user who may not create databases gets prefixed
tables, and a server that cannot be reached leaves the driver "not checked" with the
variables to set."""

import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import psycopg
import pymysql
import pytest
from osiris_driver_kit.generator.generation import generate
from osiris_driver_kit.generator.rendering import Request
from osiris_driver_kit.runtime.check import DriverUnderCheck, Scenario, check_driver
from osiris_driver_kit.runtime.check.server_fixtures import (
    ScratchOutcome,
    scratch_scenario,
    server_backend,
)

OSIRIS_RUN = Path(sys.executable).with_name("osiris-run")
ROWS = [(1, "ada", 19.9), (2, "grace", 5.0)]


def osiris_run_check(project: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(OSIRIS_RUN), "check", "drivers"], cwd=project, capture_output=True,
                          text=True, env={**os.environ, "NO_COLOR": "1", **(env or {})},
                          timeout=300)


def mysql_execute(settings: dict, *statements: str, database: str | None = None) -> list:
    conn = pymysql.connect(**{**settings, "database": database}, autocommit=True)
    try:
        with conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            return list(cursor.fetchall())
    finally:
        conn.close()


@pytest.fixture
def user_databases(postgres_settings, mysql_settings):
    """A database of the user's on each server, holding an ``orders`` table with rows."""
    name = f"osiris_user_{secrets.token_hex(4)}"
    with psycopg.connect(**postgres_settings, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        with psycopg.connect(**{**postgres_settings, "dbname": name}, autocommit=True) as conn:
            conn.execute("CREATE TABLE orders (id BIGINT, customer TEXT, amount DOUBLE PRECISION)")
            conn.cursor().executemany("INSERT INTO orders VALUES (%s, %s, %s)", ROWS)
        mysql_execute(mysql_settings, f"CREATE DATABASE {name}",
                      f"CREATE TABLE {name}.orders (id BIGINT, customer TEXT, amount DOUBLE)",
                      f"INSERT INTO {name}.orders VALUES (1, 'ada', 19.9), (2, 'grace', 5.0)")
        yield name
    finally:
        mysql_execute(mysql_settings, f"DROP DATABASE IF EXISTS {name}")
        with psycopg.connect(**postgres_settings, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_writer_scenario_naming_a_real_table_leaves_it_as_it_was(
    tmp_path, monkeypatch, user_databases, postgres_settings, mysql_settings
):
    monkeypatch.chdir(tmp_path)
    for backend in ("postgres", "mysql"):
        generate(Request("writer", backend, backend, Path("drivers"), None, None))
    pg, my = postgres_settings, mysql_settings
    (tmp_path / "drivers" / "check.yaml").write_text(textwrap.dedent(f"""
        postgres.writer:  # no 'scratch:': writers of a server get it by default
          config:
            table: orders
            resolved_connection: {{host: {pg['host']}, port: {pg['port']}, user: {pg['user']},
                                  password: "{pg['password']}", database: {user_databases}}}
        mysql.writer:
          config:
            table: orders
            write_mode: append
            resolved_connection: {{host: {my['host']}, port: {my['port']}, user: {my['user']},
                                  password: "{my['password']}", database: {user_databases}}}
    """))
    checked = osiris_run_check(tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "2 driver(s) checked: 2 passed" in checked.stdout
    assert checked.stdout.count(", dropped afterwards") == 2
    with psycopg.connect(**{**pg, "dbname": user_databases}) as conn:
        assert conn.execute("SELECT * FROM orders ORDER BY id").fetchall() == ROWS
    rows = mysql_execute(my, "SELECT * FROM orders ORDER BY id", database=user_databases)
    assert [tuple(row) for row in rows] == ROWS


class InterruptedPostgresWriterDriver:
    """Stands for a run stopped by Ctrl-C: it notes the table it was given, then raises
    KeyboardInterrupt, which the check does not catch."""

    tables: list[str] = []  # (the check tells the server by this module's import of psycopg)

    def run(self, *, step_id, config, inputs=None, ctx=None):
        self.tables.append(config["table"])
        raise KeyboardInterrupt


def schemas_named(settings: dict, name: str) -> list:
    with psycopg.connect(**settings) as conn:
        return conn.execute("SELECT nspname FROM pg_namespace WHERE nspname = %s",
                            (name,)).fetchall()


def test_the_scratch_schema_is_dropped_when_the_check_is_interrupted(tmp_path, postgres_settings):
    connection = {**postgres_settings, "database": postgres_settings["dbname"]}
    scenario = Scenario({"table": "orders", "resolved_connection": connection}, "test",
                        pd.DataFrame({"id": [1]}), scratch=True)
    driver = InterruptedPostgresWriterDriver()
    subject = DriverUnderCheck.instance(driver, "postgres.writer")
    assert server_backend(subject) == "postgres"
    with pytest.raises(KeyboardInterrupt):
        check_driver(subject, scenario, tmp_path)
    schema, table = driver.tables[0].split(".")
    assert schema.startswith("osiris_check_") and table == "orders"
    assert schemas_named(postgres_settings, schema) == []


def test_a_mysql_user_who_may_not_create_databases_gets_prefixed_tables(mysql_settings):
    user, password = f"osiris_u_{secrets.token_hex(3)}", secrets.token_hex(8)
    database = mysql_settings["database"]
    mysql_execute(mysql_settings, f"CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'",
                  f"GRANT ALL ON `{database}`.* TO '{user}'@'%'")
    try:
        connection = {**mysql_settings, "user": user, "password": password}
        scenario = Scenario({"query": "SELECT 1", "resolved_connection": connection}, "test",
                            scratch=True)
        subject = DriverUnderCheck.instance(InterruptedPostgresWriterDriver(), "mysql.extractor")
        outcome = ScratchOutcome()
        with scratch_scenario(scenario, subject, "mysql", outcome) as scratch:
            assert outcome.kind == "table prefix"
            assert scratch.config["query"] == f"SELECT * FROM {outcome.name}_osiris_check_rows"
            assert scratch.config["resolved_connection"]["database"] == database
            tables = mysql_execute(mysql_settings, "SELECT table_name FROM information_schema."
                                   f"tables WHERE table_name LIKE '{outcome.name}%'")
            assert len(tables) == 3
        assert outcome.left_behind is None
        assert mysql_execute(mysql_settings, "SELECT table_name FROM information_schema.tables "
                             f"WHERE table_name LIKE '{outcome.name}%'") == []
    finally:
        mysql_execute(mysql_settings, f"DROP USER IF EXISTS '{user}'@'%'")


def test_an_unreachable_server_leaves_the_driver_not_checked_naming_the_variables(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    generate(Request("extractor", "postgres", "postgres", Path("drivers"), None, None))
    checked = osiris_run_check(tmp_path, {"OSIRIS_CHECK_POSTGRES_HOST": "127.0.0.1",
                                          "OSIRIS_CHECK_POSTGRES_PORT": "1"})
    assert checked.returncode == 1
    assert "Traceback" not in checked.stdout + checked.stderr
    assert "1 driver(s) checked: 0 passed, 0 breached, 1 not checked" in checked.stdout
    assert "PostgreSQL at 127.0.0.1:1 (user postgres, database postgres) is not reachable" \
        in checked.stdout
    assert "OSIRIS_CHECK_POSTGRES_HOST, OSIRIS_CHECK_POSTGRES_PORT" in checked.stdout
    assert "osiris-check-made-up" not in checked.stdout  # the scenario's password, masked
