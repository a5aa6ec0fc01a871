"""The README's "Use it in your project", followed as written: generate, lint, test and run,
with its pipeline, against the real PostgreSQL server."""

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd
import pytest
import yaml

README = Path(__file__).parents[2] / "README.md"


def section() -> str:
    text = README.read_text()
    start = text.index("## Use it in your project")
    return text[start:text.index("\n## ", start + 1)]


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", section(), re.S)


@pytest.fixture
def shop(postgres_settings):
    """A fresh database holding the orders table the README's pipeline reads."""
    import psycopg

    name = f"osiris_readme_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**postgres_settings, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    with psycopg.connect(**{**postgres_settings, "dbname": name}) as conn:
        conn.execute("CREATE TABLE orders (id INT PRIMARY KEY, amount NUMERIC(10, 2))")
        conn.execute("INSERT INTO orders VALUES (1, 9.50), (2, 20.00)")
    yield {**postgres_settings, "database": name}
    with psycopg.connect(**postgres_settings, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.mark.slow
@pytest.mark.postgres
def test_the_readme_sequence_generates_lints_tests_and_runs(tmp_path, shop):
    [commands] = blocks("bash")
    pipeline, connections = blocks("yaml")
    (tmp_path / "pipeline.yaml").write_text(pipeline)
    settings = yaml.safe_load(connections)
    main = settings["connections"]["postgres"]["main"]
    assert main["password"] == "${PGPASSWORD}"
    main.update(host=shop["host"], port=shop["port"], user=shop["user"], database=shop["database"])
    (tmp_path / "osiris_connections.yaml").write_text(yaml.safe_dump(settings))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "PGPASSWORD": shop["password"], "NO_COLOR": "1",
           # where `osiris-run check` makes its scratch schema (drivers/check.yaml reads these)
           "OSIRIS_CHECK_POSTGRES_HOST": shop["host"], "OSIRIS_CHECK_POSTGRES_PORT": str(shop["port"]),
           "OSIRIS_CHECK_POSTGRES_USER": shop["user"],
           "OSIRIS_CHECK_POSTGRES_PASSWORD": shop["password"],
           "OSIRIS_CHECK_POSTGRES_DATABASE": shop["database"]}

    lines = [line.split("#")[0].strip() for line in commands.splitlines()]
    steps = [line for line in lines if line and not line.startswith(("python3 -m venv", "pip "))]
    assert [s.split()[0] for s in steps] == ["osiris-gen", "osiris-gen", "osiris-lint", "python",
                                             "osiris-run", "osiris-run"]
    for step in steps:
        done = subprocess.run(step, shell=True, cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, f"{step}\n{done.stdout}\n{done.stderr}"

    assert pd.read_csv(tmp_path / "output" / "orders.csv").to_dict("records") == [
        {"id": 1, "amount": 9.5}, {"id": 2, "amount": 20.0}]
    assert (tmp_path / ".osiris" / ".gitignore").is_file()
