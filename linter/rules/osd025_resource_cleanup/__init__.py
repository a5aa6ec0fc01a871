"""OSD025 resource-cleanup."""

from __future__ import annotations

from ...analysis.drivers import DriverClass
from ...analysis.names import dotted
from ...analysis.resources import called_name
from ...engine.rule import Example, FileContext, Rule
from .cleanup import CleanupAnalysis


class ResourceCleanup(Rule):
    code = "OSD025"
    skips_opaque_run = False  # it follows run into the helpers it delegates to
    message = "{call} opens {kind} that {problem}; the contract wants connections, cursors, " \
              "engines, sessions and files closed by a `with` or in a `finally` block"
    explanation = """
## What it checks
That every connection, cursor, engine, session or file opened in `run`, or in a helper
method `run` calls, is closed on every path: either used as a `with` context manager, or
closed (`close()`, `dispose()`) in a `finally` block that every path from the opening to
a normal exit of the function runs through. Opening calls are those the catalogue names,
by their last name: `connect` (`psycopg.connect`, `sqlite3.connect`, `duckdb.connect`,
`pymysql.connect`, `engine.connect`...), `create_engine`, `cursor`, `open` (also
`Path.open`, `gzip.open`) and `Session`. A helper method that returns a freshly opened
resource (`conn = self._connect(config)`) opens one too.

Reported at the opening call. A call whose result is never bound (`pd.read_sql(q,
sqlite3.connect(path))`, `json.load(open(path))`) is reported wherever it is: nothing can
close it.

## Why
"Always close connections in finally blocks." A registered driver is one long-lived
instance in a long-lived runner: a connection left open on an error path holds a server
slot, locks and memory until the garbage collector happens to run, and a pipeline that
retries a failing step exhausts the server's connections.

## Accepted
- `with psycopg.connect(...) as conn, conn.cursor() as cur:`, `with closing(...)`,
  `stack.enter_context(open(...))`, and a resource bound first and used in `with conn:`
  later, except a connection of `sqlite3` or `psycopg2` (below).
- Closing in `finally` guarded by a test (`if conn is not None: conn.close()`), inside
  `try`/`except` or `contextlib.suppress`, or through a helper method called in the
  `finally` that closes it: `self._cleanup()` closing `self._conn`, or `self._close(conn)`
  closing its parameter, at any depth (`_close` may hand it on to a module function
  that closes it). A cleanup method the class inherits (not
  defined in the linted class) whose name says it releases (`close`, `cleanup`,
  `dispose`, `release`, `shutdown`) is trusted to close what is stored on `self`.
- A resource a function hands on: returned to its caller (the caller must close it), or
  stored on `self` by a helper (then `run` must close it, usually via `self._cleanup()`).
- A call whose result is discarded (`sock.connect(address)`, `client.connect()` return
  nothing to close), or closed at once (`open(marker, "w").close()`).
- `os.open` (a file descriptor) and `boto3.Session()` (configuration, nothing to close).

## Decisions
- A cursor is a resource of its own, as the catalogue lists it: closing its connection in
  `finally` does not excuse `cur = conn.cursor()` without `with` or its own close.
  `with conn.cursor() as cur:` (or `with closing(conn.cursor()) as cur:` for `sqlite3`)
  is the fix; `conn.execute(...)` needs no cursor at all.
- A close on the normal path only, or in an `except` handler, is not in a `finally`: the
  catalogue asks for `finally`, and that is the form that covers every error.
- `with conn:` (and `with sqlite3.connect(...) as conn:`) does not close a connection of
  `sqlite3` or `psycopg2`: their context manager only commits or rolls back, so the
  connection stays open until garbage collection. Such a connection needs
  `with closing(...)` or a close in `finally`. psycopg 3, PyMySQL and DuckDB close theirs.
- Helpers are what `run` reaches at any depth: methods called through `self` and the
  module's functions called by name (a `run` that only delegates to one is followed
  into it); resources opened in other methods (`__init__`, methods `run` does not
  reach) are not checked.

## Not followed
Functions of other modules, resources kept in containers
(`self._pool[key] = connect()`) or tuples (`conn, cur = self._open()`), closes in a loop
over several resources (`for r in (cur, conn): r.close()`), and `atexit`/`weakref`
finalizers.

## Example
```python
conn = psycopg.connect(**params)         # OSD025: an error in read_sql leaves it open
df = pd.read_sql(query, conn)
conn.close()
```
## Fix
```python
with psycopg.connect(**params) as conn:
    df = pd.read_sql(query, conn)
```
or close it in `finally` (in the contract's `self._cleanup()` when it lives on `self`).
"""
    VALID = [
        Example("""
            import pandas as pd
            import psycopg


            class PostgresExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    conn_info = config["resolved_connection"]
                    with psycopg.connect(**conn_info, connect_timeout=10) as conn, \\
                            conn.cursor() as cur:
                        cur.execute(config["query"])
                        df = pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
        """, path="postgres_extractor_driver.py"),
        Example("""
            import pymysql


            class MysqlWriterDriver:
                def __init__(self):
                    self._conn = None

                def run(self, step_id, config, inputs, ctx):
                    try:
                        self._connect(config["resolved_connection"])
                        with self._conn.cursor() as cur:
                            cur.executemany(config["insert_sql"], inputs["df"].values.tolist())
                        self._conn.commit()
                        ctx.log_metric("rows_written", len(inputs["df"]))
                        return {}
                    except Exception as e:
                        ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                                      "error_type": type(e).__name__})
                        raise
                    finally:
                        self._cleanup()

                def _connect(self, params):
                    self._conn = pymysql.connect(**params, connect_timeout=10)
                    self._cursor = self._conn.cursor()

                def _cleanup(self):
                    if self._cursor is not None:
                        self._cursor.close()
                    if self._conn is not None:
                        self._conn.close()
                        self._conn = None
        """, path="mysql_writer_driver.py"),
        Example("""
            import sqlite3
            from contextlib import closing

            import pandas as pd


            class SqliteExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    conn = None
                    try:
                        conn = sqlite3.connect(config["path"])
                        with closing(conn.cursor()) as cur:
                            cur.execute(config["query"])
                            rows = cur.fetchall()
                        if not rows:
                            ctx.log_metric("rows_read", 0)
                            return {"df": pd.DataFrame()}
                        df = pd.DataFrame(rows)
                        ctx.log_metric("rows_read", len(df))
                        return {"df": df}
                    finally:
                        if conn is not None:
                            conn.close()
        """, path="sqlite_extractor_driver.py"),
        Example("""
            import contextlib

            import duckdb
            from sqlalchemy import create_engine


            class WarehouseWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    engine = create_engine(config["url"], connect_args={"connect_timeout": 10})
                    try:
                        with engine.begin() as conn:
                            inputs["df"].to_sql(config["table"], conn, if_exists="append")
                    finally:
                        engine.dispose()
                    con = self._open_cache(config)
                    try:
                        con.execute("CHECKPOINT")
                    finally:
                        self._close(con)
                    with contextlib.ExitStack() as stack:
                        log = stack.enter_context(open(config["audit_log"], "a"))
                        log.write(step_id)
                    open(config["done_marker"], "w").close()
                    ctx.log_metric("rows_written", len(inputs["df"]))
                    return {}

                def _open_cache(self, config):
                    return duckdb.connect(config["cache_path"])

                def _close(self, connection):
                    with contextlib.suppress(Exception):
                        connection.close()
        """, path="warehouse_writer_driver.py"),
        Example("""
            import requests
            import duckdb


            class ApiExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    with requests.Session() as session:
                        rows = session.get(config["url"], timeout=30).json()
                    con = duckdb.connect()
                    with con:
                        df = con.execute("SELECT * FROM read_json_auto(?)", [rows]).df()
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
        """),
        Example("""
            import pandas as pd
            import pymysql


            def _quietly_close(resource):
                try:
                    resource.close()
                except pymysql.MySQLError:
                    pass


            class MysqlExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    conn = pymysql.connect(**config["resolved_connection"], connect_timeout=10)
                    try:
                        df = pd.read_sql(config["query"], conn)
                    finally:
                        self._release(conn)
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}

                def _release(self, connection):
                    self._log_release()
                    _quietly_close(connection)

                def _log_release(self):
                    pass
        """, path="mysql_extractor_driver.py"),
    ]
    INVALID = [
        Example("""
            import pandas as pd
            import pymysql


            def _note_release(resource, log):
                log.debug("releasing %r", resource)


            class MysqlExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    conn = pymysql.connect(**config["resolved_connection"],  # expect: OSD025
                                           connect_timeout=10)
                    try:
                        df = pd.read_sql(config["query"], conn)
                    finally:
                        self._release(conn)
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}

                def _release(self, connection):
                    _note_release(connection, self.log)
        """, path="mysql_extractor_driver.py"),
        Example("""
            import pandas as pd
            import requests


            def extract(step_id, config, inputs, ctx):
                session = requests.Session()  # expect: OSD025
                rows = session.get(config["url"], timeout=30).json()
                ctx.log_metric("rows_read", len(rows))
                return {"df": pd.DataFrame(rows)}


            class PosthogExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    return extract(step_id, config, inputs, ctx)
        """, path="posthog_extractor_driver.py"),
        Example("""
            import sqlite3

            import pandas as pd
            import psycopg2


            class SqliteExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    with sqlite3.connect(config["path"]) as conn:  # expect: OSD025
                        df = pd.read_sql(config["query"], conn)
                    mirror = psycopg2.connect(config["dsn"], connect_timeout=10)  # expect: OSD025
                    with mirror:
                        pd.read_sql("SELECT 1", mirror)
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
        """, path="sqlite_extractor_driver.py"),
        Example("""
            import pandas as pd
            import psycopg


            class PostgresExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    conn = psycopg.connect(**config["resolved_connection"])  # expect: OSD025
                    df = pd.read_sql(config["query"], conn)
                    conn.close()
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
        """, path="postgres_extractor_driver.py"),
        Example("""
            import sqlite3


            class SqliteWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    conn = sqlite3.connect(config["path"])  # expect: OSD025
                    if inputs["df"].empty:
                        ctx.log_metric("rows_written", 0)
                        return {}
                    try:
                        with conn:
                            inputs["df"].to_sql(config["table"], conn, if_exists="append")
                    finally:
                        conn.close()
                    ctx.log_metric("rows_written", len(inputs["df"]))
                    return {}
        """, path="sqlite_writer_driver.py"),
        Example("""
            import json
            import sqlite3

            import pandas as pd


            class SqliteExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    schema = json.load(open(config["schema_path"]))  # expect: OSD025
                    df = pd.read_sql(config["query"], sqlite3.connect(config["path"]))  # expect: OSD025
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df[schema["columns"]]}
        """, path="sqlite_extractor_driver.py"),
        Example("""
            import pymysql


            class MysqlExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    try:
                        self._connect(config["resolved_connection"])
                        self._cursor.execute(config["query"])
                        df = self._frame(self._cursor.fetchall())
                        ctx.log_metric("rows_read", len(df))
                        return {"df": df}
                    finally:
                        self._cleanup()

                def _connect(self, params):
                    self._conn = pymysql.connect(**params, connect_timeout=5)  # expect: OSD025
                    self._cursor = self._conn.cursor()

                def _cleanup(self):
                    if self._cursor is not None:
                        self._cursor.close()
        """, path="mysql_extractor_driver.py"),
        Example("""
            import psycopg
            from sqlalchemy import create_engine


            class PostgresWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    engine = create_engine(config["url"])  # expect: OSD025
                    with engine.begin() as conn:
                        inputs["df"].to_sql(config["table"], conn, if_exists="append")
                    with psycopg.connect(config["dsn"]) as conn:
                        self._analyze(conn, config["table"])
                        conn.cursor().execute("CHECKPOINT")  # expect: OSD025
                    ctx.log_metric("rows_written", len(inputs["df"]))
                    return {}

                def _analyze(self, conn, table):
                    cur = conn.cursor()  # expect: OSD025
                    cur.execute(f"ANALYZE {table}")
        """, path="postgres_writer_driver.py"),
        Example("""
            import sqlite3

            import pandas as pd


            class LedgerExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    conn = sqlite3.connect(config["path"], timeout=5)
                    try:
                        cur = conn.cursor()  # expect: OSD025
                        cur.execute("SELECT account, balance FROM ledger WHERE closed = 0")
                        df = pd.DataFrame(cur.fetchall(), columns=["account", "balance"])
                    finally:
                        conn.close()
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
        """, path="ledger_extractor_driver.py"),
        Example("""
            import csv


            class CsvExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    rows = []
                    for path in config["files"]:
                        handle = open(path, newline="")  # expect: OSD025
                        rows.extend(csv.DictReader(handle))
                        handle.close()
                    df = self._frame(rows)
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
        """, path="csv_extractor_driver.py"),
    ]

    def check_driver(self, driver: DriverClass, file: FileContext) -> None:
        for leak in CleanupAnalysis(driver, file.imports).leaks():
            name = dotted(leak.call.func) or called_name(leak.call)
            article = "an" if leak.kind[0] in "aeiou" else "a"
            file.report(self, leak.call, call=f"{name}(...)", kind=f"{article} {leak.kind}",
                        problem=leak.problem)
