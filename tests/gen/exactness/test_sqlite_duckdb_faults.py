"""Issue 12, "atomic under faults", for the embedded databases: a writer killed with
SIGKILL in the middle of a write, or whose rollback fails too, leaves the file holding
exactly what it held, and the error the user sees is the original one."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from .conftest import Ctx
from .test_sqlite_duckdb_exactness import EMBEDDED, database, sql

ROWS = 1_500_000
# Runs the generated writer on a large frame in a process of its own.
WRITER = textwrap.dedent("""
    import importlib, json, sys
    import numpy as np, pandas as pd
    root, module_name, config = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    sys.path.insert(0, root)
    from osiris_driver_kit.runtime import osiris_fallback
    osiris_fallback.install()
    module = importlib.import_module(module_name)
    driver = next(v for k, v in vars(module).items() if k.endswith("Driver"))()
    rows = int(sys.argv[4])
    df = pd.DataFrame({"id": np.arange(100, 100 + rows), "v": np.arange(rows) % 7,
                       "s": np.array(["some text to make the rows wider"] * rows, dtype=object)})

    class Ctx:
        def log_metric(self, *args, **kwargs): pass
        def log_event(self, *args, **kwargs): pass
    print("writing", flush=True)
    driver.run("write", config, {"df": df}, Ctx())
    print("done", flush=True)
""")


def started_writing(backend: str, path: Path, size: int) -> bool:
    """The writer has changed the file's pages: SQLite has a rollback journal;
    DuckDB has written row groups or its WAL."""
    if backend == "sqlite":
        return Path(f"{path}-journal").exists()
    wal = Path(f"{path}.wal")
    return path.stat().st_size > size or (wal.exists() and wal.stat().st_size > 0)


@pytest.mark.parametrize("backend", EMBEDDED)
@pytest.mark.parametrize("mode", ["append", "overwrite", "upsert"])
def test_sigkill_mid_write_leaves_the_file_as_it_was(store_of, generated, backend, mode):
    store = store_of(backend)
    sql(store, f"CREATE TABLE {store.table} (id BIGINT PRIMARY KEY, v BIGINT, s VARCHAR)")
    sql(store, f"INSERT INTO {store.table} VALUES (1, 1, 'a'), (2, 2, 'b')")
    before = sorted(sql(store, f"SELECT * FROM {store.table}"))
    path = Path(database(store))
    size = path.stat().st_size
    module = generated[backend]["writer"]
    root = str(Path(module.__file__).parents[1])
    config = {**store.target, "write_mode": mode, "primary_key": "id"}
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, root, module.__name__, json.dumps(config), str(ROWS)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not started_writing(backend, path, size):
            assert writer.poll() is None, writer.communicate()
            assert time.monotonic() < deadline, "the writer never started writing"
            time.sleep(0.001)
        assert writer.poll() is None, "the writer finished before it could be killed"
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        out, err = writer.communicate()
    assert writer.returncode == -signal.SIGKILL and "done" not in out, (out, err)
    assert sorted(sql(store, f"SELECT * FROM {store.table}")) == before
    tables = ("SELECT name FROM sqlite_master WHERE type = 'table'" if backend == "sqlite"
              else "SELECT table_name FROM information_schema.tables")
    assert [name for (name,) in sql(store, tables)] == [store.table]  # nothing staged


class FailingRollback:
    """A connection whose rollback fails, as on a connection that is gone."""

    def __init__(self, conn, error):
        self._conn, self._error = conn, error

    def rollback(self):
        raise self._error

    def __getattr__(self, name):
        return getattr(self._conn, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._conn.close()


@pytest.mark.parametrize("backend", EMBEDDED)
def test_a_failing_rollback_is_noted_on_the_original_error(store_of, backend):
    store = store_of(backend)
    sql(store, f"CREATE TABLE {store.table} (id BIGINT, v BIGINT NOT NULL)")
    client_error = sqlite3.OperationalError if backend == "sqlite" else duckdb.IOException
    driver = store.driver("writer")
    connect = driver._connect
    driver._connect = lambda config: FailingRollback(
        connect(config), client_error("disk I/O error"))
    frame = pd.DataFrame({"id": [2, 3], "v": pd.Series([1, None], dtype="Int64")})
    with pytest.raises((sqlite3.IntegrityError, duckdb.ConstraintException),
                       match="(?i)not null") as raised:
        driver.run("write", {**store.target, "write_mode": "append"}, {"df": frame}, Ctx())
    notes = getattr(raised.value, "__notes__", [])
    assert any("rollback failed too" in note and "disk I/O error" in note for note in notes)
