"""OSD033 connection-timeout."""

from __future__ import annotations

from ...analysis.drivers import DriverClass
from ...engine.rule import Example, FileContext, Rule
from .timeouts import TimeoutCheck


class ConnectionTimeout(Rule):
    code = "OSD033"
    skips_opaque_run = False  # it follows run into the helpers it delegates to
    message = "{call}(...) has no connect timeout; the contract wants connection timeouts " \
              "handled, pass {advice}"
    explanation = """
## What it checks
That every database or HTTP connect call in an extractor's or writer's `run`, and in the
helper methods `run` calls, states a connect timeout:
- `psycopg.connect`, `psycopg2.connect`, `pymysql.connect`: `connect_timeout=`
  (`read_timeout=` counts too); `mysql.connector.connect`: `connection_timeout=`;
- `sqlalchemy.create_engine`: `connect_args={"connect_timeout": ...}`, or the timeout in
  the URL's query (`...?connect_timeout=10`);
- the request functions of `requests` and `httpx` (`get`, `post`, `put`, `patch`,
  `delete`, `head`, `options`, `request`, `httpx.stream`): `timeout=`;
- the same methods, and `send`, on a `requests.Session()` / `httpx.Client()` the driver
  creates (in `run`, a helper or `__init__`) without a timeout of its own.

Any of `connect_timeout`, `connection_timeout`, `timeout`, `read_timeout` counts: as a
keyword, in a connection string (`"host=db connect_timeout=10"`), in `connect_args`, or
through `**settings`. `pool_timeout` alone is not one (it bounds the wait for a pooled
connection, not for the server), and neither is `timeout=None`.

## Why
"MUST handle connection timeouts gracefully." Without a timeout, a connect to a host
that drops packets waits for the operating system's TCP timeout (minutes), and a request
to a server that accepts the connection and never answers waits forever: the pipeline
hangs instead of failing with an error the runner can report and retry.

## Accepted
- `sqlite3.connect` and `duckdb.connect`, and `create_engine` with a literal `sqlite:` or
  `duckdb:` URL: local files, no network.
- `requests.Session()` and `httpx.Client(...)` constructors themselves; an
  `httpx.Client(timeout=...)` passes its timeout to every request made with it.
- `**settings` where `settings` is a dict literal holding a timeout key, `dict(...)` with
  a timeout keyword, a name bound to one of those in the same function or given the key
  later (`settings["connect_timeout"] = 10`, `settings.setdefault("connect_timeout", 10)`,
  `settings.update(connect_timeout=10)`), or a helper that returns such a dict
  (`**self._connection_params(config)`), a method of the driver or a module function,
  at any depth (it may build the dict through helpers of its own).

## Decisions
- `**config["resolved_connection"]` or any other mapping whose content is not visible is
  not taken on trust: a connection file without a timeout would hang the pipeline, so
  state one next to it (`connect_timeout=conn.get("connect_timeout", 10)`).
- httpx's built-in five-second default is not counted: the contract wants the timeout
  handled, and that means stated (and usually configurable) where the call is made.

## Not followed
Connect calls in functions of other modules and in methods `run` does not reach
(helpers at any depth and the module's functions are followed); clients created
elsewhere than `run`, its helpers and `__init__`, or received as
parameters; timeouts set through transport adapters
(`session.mount(..., TimeoutAdapter(...))`) or `functools.partial`; `urllib`, `aiohttp`
and database clients other than those above. Setting `session.timeout = 10` on a
`requests.Session` does nothing in `requests`, so it is not counted either.

## Example
```python
conn = psycopg.connect(**config["resolved_connection"])        # OSD033
rows = requests.get(config["url"]).json()                      # OSD033
```
## Fix
```python
params = config["resolved_connection"]
conn = psycopg.connect(**params, connect_timeout=params.get("connect_timeout", 10))
rows = requests.get(config["url"], timeout=config.get("timeout", 30)).json()
```
"""
    VALID = [
        Example("""
            import psycopg
            import requests


            class PostgresExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    params = config["resolved_connection"]
                    timeout = params.get("connect_timeout", 10)
                    with psycopg.connect(**params, connect_timeout=timeout) as conn:
                        df = self._read(conn, config["query"])
                    if config.get("notify_url"):
                        requests.post(config["notify_url"], json={"rows": len(df)}, timeout=5)
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
        """, path="postgres_extractor_driver.py"),
        Example("""
            import mysql.connector
            import pymysql


            class MysqlWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    conn = pymysql.connect(**self._connection_params(config))
                    settings = dict(config["resolved_connection"])
                    settings.setdefault("connection_timeout", 10)
                    audit = mysql.connector.connect(**settings)
                    options = {"host": config["host"], "connect_timeout": 5, "read_timeout": 60}
                    replica = pymysql.connect(**options)
                    return self._write(conn, audit, replica, inputs, ctx)

                def _connection_params(self, config):
                    conn = config["resolved_connection"]
                    return {**conn, "connect_timeout": conn.get("connect_timeout", 10)}
        """, path="mysql_writer_driver.py"),
        Example("""
            import sqlite3

            import duckdb
            import psycopg2
            from sqlalchemy import create_engine


            class WarehouseWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    engine = create_engine(config["url"], pool_timeout=30,
                                           connect_args={"connect_timeout": 10})
                    staging = create_engine("sqlite:///staging.db")
                    dsn = f"host={config['host']} dbname=dw connect_timeout=10"
                    legacy = psycopg2.connect(dsn)
                    cache = duckdb.connect(config["cache_path"])
                    local = sqlite3.connect(config["sqlite_path"])
                    return self._write(engine, staging, legacy, cache, local, inputs, ctx)
        """, path="warehouse_writer_driver.py"),
        Example("""
            import httpx
            import requests


            class RestExtractorDriver:
                def __init__(self):
                    self.session = requests.Session()

                def run(self, step_id, config, inputs, ctx):
                    with httpx.Client(base_url=config["base_url"], timeout=30) as client:
                        pages = [client.get(f"/items?page={n}").json() for n in range(3)]
                    meta = self.session.get(config["meta_url"], timeout=(3.05, 27)).json()
                    return self._frame(pages, meta, ctx)
        """, path="rest_extractor_driver.py"),
        Example("""
            import requests


            class EnrichTransformerDriver:
                def run(self, step_id, config, inputs, ctx):
                    codes = requests.get(config["lookup_url"]).json()
                    return {"df": inputs["df"].assign(code=inputs["df"].key.map(codes))}
        """, path="enrich_transformer_driver.py"),
        Example("""
            import pymysql


            def _with_timeouts(settings):
                return {**settings, "connect_timeout": 10, "read_timeout": 300}


            class MariadbExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    return self._read(config, ctx)

                def _read(self, config, ctx):
                    with pymysql.connect(**self._params(config)) as conn:
                        return self._frame(conn, config["query"], ctx)

                def _params(self, config):
                    base = self._base(config["resolved_connection"])
                    return _with_timeouts(base)

                def _base(self, conn):
                    return {"host": conn["host"], "user": conn["user"]}
        """, path="mariadb_extractor_driver.py"),
    ]
    INVALID = [
        Example("""
            import psycopg


            class PostgresWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    rows = self._load(inputs["df"], config)
                    ctx.log_metric("rows_written", rows)
                    return {}

                def _load(self, df, config):
                    with self._connect(config) as conn, conn.transaction():
                        conn.execute("DELETE FROM orders")
                    return len(df)

                def _connect(self, config):
                    return psycopg.connect(config["dsn"])  # expect: OSD033
        """, path="postgres_writer_driver.py"),
        Example("""
            import psycopg2
            import requests


            class PostgresExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    conn = psycopg2.connect(config["dsn"])  # expect: OSD033
                    schema = requests.get(config["schema_url"]).json()  # expect: OSD033
                    return self._read(conn, schema, ctx)
        """, path="postgres_extractor_driver.py"),
        Example("""
            import mysql.connector
            from sqlalchemy import create_engine


            class MysqlWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    engine = create_engine(config["url"], pool_timeout=30, echo=False)  # expect: OSD033
                    settings = dict(config["resolved_connection"])
                    settings = {**settings, "autocommit": False}
                    audit = mysql.connector.connect(**settings)  # expect: OSD033
                    return self._write(engine, audit, inputs, ctx)
        """, path="mysql_writer_driver.py"),
        Example("""
            import httpx
            import requests


            class RestExtractorDriver:
                def __init__(self):
                    self.session = requests.Session()

                def run(self, step_id, config, inputs, ctx):
                    with httpx.Client(base_url=config["base_url"]) as client:
                        items = client.get("/items").json()  # expect: OSD033
                    self.session.post(config["audit_url"], json={"n": len(items)})  # expect: OSD033
                    extra = requests.get(config["extra_url"], timeout=None)  # expect: OSD033
                    return self._frame(items, extra, ctx)
        """, path="rest_extractor_driver.py"),
        Example("""
            import pymysql


            class MariadbExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    return self._read(config, ctx)

                def _read(self, config, ctx):
                    conn = pymysql.connect(**self._params(config))  # expect: OSD033
                    return self._frame(conn, config["query"], ctx)

                def _params(self, config):
                    return _tuned(config["resolved_connection"])


            def _tuned(conn):
                return {"host": conn["host"], "user": conn["user"], "pool_timeout": 5}
        """, path="mariadb_extractor_driver.py"),
    ]

    def check_driver(self, driver: DriverClass, file: FileContext) -> None:
        for missing in TimeoutCheck(driver, file.imports, file.bindings).missing():
            file.report(self, missing.call, call=missing.name, advice=missing.advice)
