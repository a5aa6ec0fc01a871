"""OSD041 transaction."""

from __future__ import annotations

from ...analysis.drivers import DriverClass, ctx_name
from ...engine.rule import Example, FileContext, Rule
from .transactions import COMMIT, TRANSACTION, TransactionAnalysis

PROBLEMS = {
    TRANSACTION: "writes to the database outside a transaction that is rolled back on error",
    COMMIT: "rolls back on error but never commits after writing",
    "atomic file": "writes its destination file in place",
}


class Transaction(Rule):
    code = "OSD041"
    skips_opaque_run = False  # it follows run into the helpers it delegates to
    message = "run {problem}; the contract wants writes rolled back on error: wrap them in " \
              "`with conn.transaction():` / `with engine.begin():` (or commit() after them and " \
              "rollback() in except), and write files to a temporary path moved into place with os.replace"
    explanation = """
## What it checks
That a writer's database writes run inside a transaction that is rolled back on error,
and that its file writes cannot leave a half-written destination. In `run` and the
helpers it reaches at any depth (methods through `self`, the module's functions by
name):

**Database writes** are, on a connection or cursor:
- `execute`, `executemany`, `executescript`, `exec_driver_sql` whose SQL changes data or
  schema (judged on the words of each statement, comments and quoted text removed; SQL
  that is not visible, such as an f-string's start or a name bound elsewhere, counts as
  a write);
- `copy`, `copy_expert`, `copy_from` on a cursor (psycopg's `COPY ... FROM STDIN`);
- `DataFrame.to_sql(...)`, whatever its connection.

A connection or cursor is a name bound from a `connect`/`cursor`/`create_engine`/`Session`
call or a `with ... as` of one, a name that reads as one (`conn`, `self._connection`,
`cur`, `pg_cursor`, `engine`, `session`, `db`), or the `duckdb` module.

Each must be covered by one of:
- a transactional `with` around it (`with closing(conn):` is not one: it only closes):
  `with conn:`, `with conn.transaction():`,
  `with engine.begin() as conn:`, `with session.begin():`, `with psycopg.connect(...) as
  conn:` or `with Session(engine) as session:` (a connection's or session's own context
  manager, which rolls back what is not committed), or a helper whose name says so
  (`with self._transaction(conn):`);
- a `try` around it whose `except` handler rolls back (`conn.rollback()`,
  `cur.execute("ROLLBACK")`, or a helper of the module that does, at any depth), with a
  `commit()` after the write (in the `try`, its `else`, or later in the function).

A helper's writes are also covered by the transaction around its call in `run`, and a
helper that rolls back is completed by a `commit()` after its call in `run`.

**File writes** are pandas' `to_csv`, `to_parquet`, `to_json`, `to_excel`, `to_feather`,
`to_orc`, `to_pickle`, `to_hdf`, `to_xml`, `to_stata` with a path, `open(path, "w"/"a"/"x")`
(also `gzip.open`, `Path.open`), `Path.write_text`/`write_bytes` and pyarrow's
`write_table`/`write_csv`/`write_feather`. Each must go to a path that is moved into
place (`os.replace(tmp, path)`, `os.rename`, `shutil.move`, `Path(tmp).replace(path)`), to a
`tempfile` file or directory, or to an open file object or in-memory buffer (whose
`open` is then what is judged).

One finding per driver, at `def run`, naming the first write of each kind that is not
covered.

## Why
"MUST handle transactions properly (rollback on error)." A writer that fails half-way
through an overwrite leaves a truncated table or a truncated file behind, and the next
run appends to the wreckage. A transaction (or a temporary file renamed into place)
makes the write all or nothing.

## Accepted
- `to_sql` on a connection inside such a transaction (`with engine.begin() as conn:
  df.to_sql(..., conn)`).
- Reads and session statements outside the transaction: `SELECT`, `SHOW`, `SET`,
  `PRAGMA`, `COPY ... TO STDOUT`, transaction control, and `CREATE ... IF NOT EXISTS`
  (re-running it changes nothing, and MySQL commits DDL implicitly anyway).
- Writes under `ctx.output_dir` (run artifacts, not the destination) and to object
  stores (`s3://`, `gs://`, `az://`...), which store an object whole.

## Decisions
- `with conn:` counts as the catalogue says for every library, though for DuckDB it only
  closes the connection.
- A file opened for appending (`mode="a"`) is written in place like any other: an
  error half-way leaves a partial append.

## Not followed
Functions of other modules, ORM unit-of-work calls (`session.add`,
`bulk_save_objects`), DuckDB's `sql()`, autocommit settings, `shutil.copy` to the
destination, and whether the commit is on the same connection as the write.

## Example
```python
def run(self, step_id, config, inputs, ctx):        # OSD041
    cur = self._conn.cursor()
    cur.execute(f"TRUNCATE {table}")
    cur.executemany(insert_sql, rows)
    self._conn.commit()
```
## Fix
```python
    with self._conn.transaction(), self._conn.cursor() as cur:   # psycopg 3
        cur.execute(f"TRUNCATE {table}")
        cur.executemany(insert_sql, rows)
```
or, with PyMySQL: `try: ...; conn.commit()` / `except Exception: conn.rollback(); raise`.
"""
    VALID = [
        Example("""
            import sqlite3
            from contextlib import closing

            from .driver_safety import roll_back


            class SqliteWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    with closing(sqlite3.connect(config["path"], isolation_level=None)) as conn:
                        try:
                            conn.execute("BEGIN IMMEDIATE")
                            conn.execute("DELETE FROM orders")
                            inputs["df"].to_sql("orders", conn, if_exists="append", index=False)
                            conn.execute("COMMIT")
                        except Exception as error:
                            roll_back(conn.rollback, error, (sqlite3.Error,))
                            raise
                    return {}
        """, path="sqlite_writer_driver.py"),
        Example("""
            import psycopg


            class PostgresWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = inputs["df"]
                    with psycopg.connect(config["dsn"], autocommit=True, connect_timeout=10) as conn:
                        with conn.cursor() as cur:
                            cur.execute("SELECT count(*) FROM pg_tables WHERE tablename = %s",
                                        (config["table"],))
                            cur.execute("CREATE TABLE IF NOT EXISTS staging (id int, v text)")
                            with conn.transaction():
                                cur.execute(f"TRUNCATE {config['table']}")
                                with cur.copy(f"COPY {config['table']} FROM STDIN") as copy:
                                    for row in df.itertuples(index=False):
                                        copy.write_row(row)
                    ctx.log_metric("rows_written", len(df))
                    return {}
        """, path="postgres_writer_driver.py"),
        Example("""
            import pymysql


            class MysqlWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    conn = pymysql.connect(**config["resolved_connection"], connect_timeout=10)
                    try:
                        conn.begin()
                        with conn.cursor() as cursor:
                            self._insert(cursor, config["table"], inputs["df"])
                        conn.commit()
                    except Exception:
                        conn.rollback()
                        raise
                    finally:
                        conn.close()
                    ctx.log_metric("rows_written", len(inputs["df"]))
                    return {}

                def _insert(self, cursor, table, df):
                    cursor.executemany(f"INSERT INTO {table} VALUES (%s, %s)", df.values.tolist())
        """, path="mysql_writer_driver.py"),
        Example("""
            import sqlite3
            from contextlib import closing

            from sqlalchemy import create_engine, insert
            from sqlalchemy.orm import Session


            class SqliteWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    with closing(sqlite3.connect(config["path"])) as conn:
                        conn.execute("PRAGMA journal_mode=WAL")
                        with conn:
                            conn.execute("DELETE FROM target")
                            inputs["df"].to_sql("target", conn, if_exists="append", index=False)
                    engine = create_engine(config["mirror_url"])
                    try:
                        with engine.begin() as mirror:
                            inputs["df"].to_sql("target", mirror, if_exists="append")
                        with Session(engine) as session:
                            session.execute(insert(self._audit_table), [{"step": step_id}])
                            session.commit()
                    finally:
                        engine.dispose()
                    return {}
        """, path="sqlite_writer_driver.py"),
        Example("""
            import os
            import tempfile
            from pathlib import Path


            class CsvWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    path = config["path"]
                    tmp = f"{path}.tmp"
                    inputs["df"].to_csv(tmp, index=False)
                    os.replace(tmp, path)
                    folder = os.path.dirname(path)
                    with tempfile.NamedTemporaryFile("wb", dir=folder, delete=False) as handle:
                        inputs["df"].to_parquet(handle)
                    os.replace(handle.name, path + ".parquet")
                    summary = Path(path).with_suffix(".json.part")
                    summary.write_text(inputs["df"].describe().to_json())
                    summary.replace(Path(path).with_suffix(".json"))
                    preview = inputs["df"].head(20).copy()
                    preview.to_csv(os.path.join(ctx.output_dir, "preview.csv"))
                    return {}
        """, path="csv_writer_driver.py"),
        Example("""
            import duckdb


            class DuckdbWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    con = duckdb.connect(config["path"])
                    try:
                        con.begin()
                        con.register("frame", inputs["df"])
                        con.execute("INSERT INTO target SELECT * FROM frame")
                    except Exception:
                        con.execute("ROLLBACK")
                        raise
                    else:
                        con.commit()
                    finally:
                        con.close()
                    return {}
        """, path="duckdb_writer_driver.py"),
        Example("""
            from contextlib import closing

            import psycopg2


            def _undo(conn):
                conn.rollback()


            class PostgresWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    with closing(psycopg2.connect(config["dsn"], connect_timeout=10)) as conn:
                        try:
                            with conn.cursor() as cur:
                                cur.execute("DELETE FROM orders")
                            conn.commit()
                        except Exception:
                            self._abandon(conn)
                            raise
                    ctx.log_metric("rows_written", 0)
                    return {}

                def _abandon(self, conn):
                    self.failures += 1
                    _undo(conn)
        """, path="postgres_writer_driver.py"),
    ]
    INVALID = [
        Example("""
            from contextlib import closing

            import psycopg2


            class PostgresWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD041
                    with closing(psycopg2.connect(config["dsn"], connect_timeout=10)) as conn:
                        conn.autocommit = True
                        with conn.cursor() as cur:
                            cur.execute(f"DELETE FROM {config['table']}")
                            cur.executemany(config["insert_sql"], inputs["df"].values.tolist())
                    return {}
        """, path="postgres_writer_driver.py"),
        Example("""
            import psycopg2


            class PostgresWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD041
                    conn = psycopg2.connect(config["dsn"], connect_timeout=10)
                    try:
                        cur = conn.cursor()
                        cur.execute(f"TRUNCATE {config['table']}")
                        cur.executemany(config["insert_sql"], inputs["df"].values.tolist())
                        conn.commit()
                    finally:
                        conn.close()
                    return {}
        """, path="postgres_writer_driver.py"),
        Example("""
            import pymysql


            class MysqlWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD041
                    conn = pymysql.connect(**config["resolved_connection"], connect_timeout=10)
                    try:
                        self._replace(conn, config["table"], inputs["df"])
                    except Exception as e:
                        ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                                      "error_type": type(e).__name__})
                        raise
                    finally:
                        conn.close()
                    return {}

                def _replace(self, conn, table, df):
                    with conn.cursor() as cursor:
                        cursor.execute(f"DELETE FROM {table}")
                        cursor.executemany(f"INSERT INTO {table} VALUES (%s, %s)", df.values.tolist())
                    conn.commit()
        """, path="mysql_writer_driver.py"),
        Example("""
            from sqlalchemy import create_engine


            class WarehouseWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD041
                    engine = create_engine(config["url"], connect_args={"connect_timeout": 10})
                    try:
                        inputs["df"].to_sql(config["table"], engine, if_exists="replace", index=False)
                    finally:
                        engine.dispose()
                    return {}
        """, path="warehouse_writer_driver.py"),
        Example("""
            import json
            import os


            class JsonWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD041
                    path = config["path"]
                    tmp = path + ".tmp"
                    inputs["df"].to_parquet(tmp)
                    os.replace(tmp, path)
                    with open(config["manifest"], "w") as handle:
                        json.dump({"rows": len(inputs["df"])}, handle)
                    return {}
        """, path="json_writer_driver.py"),
        Example("""
            import sqlite3


            class SqliteWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD041
                    conn = sqlite3.connect(config["path"])
                    try:
                        with conn:
                            conn.execute("CREATE TABLE IF NOT EXISTS target (id INTEGER, v TEXT)")
                        self._load(conn, inputs["df"])
                    finally:
                        conn.close()
                    return {}

                def _load(self, conn, df):
                    try:
                        conn.execute("DELETE FROM target")
                        conn.executemany("INSERT INTO target VALUES (?, ?)", df.values.tolist())
                    except sqlite3.Error:
                        conn.rollback()
                        raise
        """, path="sqlite_writer_driver.py"),
    ]

    def check_driver(self, driver: DriverClass, file: FileContext) -> None:
        analysis = TransactionAnalysis(driver, file.module, file.imports, file.bindings,
                                       ctx_name(driver.run))
        first: dict[str, str] = {}
        for write in analysis.uncovered():
            where = "" if write.function is driver.run else f" in {write.function.name.value}"
            first.setdefault(write.lacks, f"{write.what}{where}")
        if first:
            problem = " and ".join(f"{PROBLEMS[lacks]} ({what})" for lacks, what in first.items())
            file.report(self, driver.run.name, problem=problem)
