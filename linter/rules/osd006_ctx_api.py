"""OSD006 ctx-api."""

from __future__ import annotations

import libcst as cst

from ..drivers import DriverClass, ctx_name, literal_string, parameter_names
from ..names import dotted
from ..rule import Example, FileContext, Rule
from ..uses import (
    ARGUMENT,
    ATTRIBUTE,
    CALLED,
    ENTERED,
    ITERATED,
    MEMBERSHIP,
    SUBSCRIPT,
    UNPACKED,
    Use,
    uses_of,
)

CONTEXT_METHODS = frozenset({"log_metric", "log_event"})
CONTEXT_API = CONTEXT_METHODS | {"output_dir"}


class CtxApi(Rule):
    code = "OSD006"
    name = "ctx-api"
    message = "{use} is not part of the run context; the contract's ctx offers only " \
              "ctx.log_metric(name, value, **tags), ctx.log_event(name, payload) and ctx.output_dir"
    explanation = """
## What it checks
What a driver does *to* its run context. Inside `run` (whose fifth parameter is the
context, `ctx` by contract) and inside every method of the driver class that takes a
`ctx` parameter, it flags:
- any attribute other than `log_metric`, `log_event` and `output_dir`
  (`ctx.log(...)`, `ctx.emit(...)`, `ctx.logger`, `ctx.get_db_connection()`, `ctx.step_id`);
- assigning or deleting an attribute of `ctx` (`ctx.output_dir = ...`), and calling
  `ctx.output_dir`, which is a path;
- subscripting (`ctx["run_id"]`), calling (`ctx(...)`), iterating over, unpacking
  (`**ctx`), `in ctx`, and `with ctx:`;
- `getattr(ctx, "<other name>")`, `setattr(ctx, ...)` and `delattr(ctx, ...)`.

## Why
The runner's context offers exactly `log_metric`, `log_event` and `output_dir`.
Anything else works in the author's own harness and fails with `AttributeError` in the
pipeline, usually halfway through a run, after data has moved.

## Accepted
- Guards: `if ctx:`, `if not ctx`, `ctx is None`, `ctx is not None`,
  `if ctx and hasattr(ctx, "log_metric")`, `hasattr(ctx, ...)` with any name.
- Passing `ctx` on: `self._emit_metrics(ctx, df)`, `helper(ctx=ctx)`; the helper's own
  uses are checked when it is a method of the driver with a `ctx` parameter.
- Referring to an allowed method without calling it (`emit = ctx.log_metric`), and
  `getattr(ctx, "output_dir", None)`.

## Not followed
The rule judges operations on the name, not where the object goes: aliases
(`context = ctx; context.logger`), `self._ctx = ctx` (OSD022 reports that state),
module-level helper functions, and the arguments given to `log_metric`/`log_event`.

## Example
```python
def run(self, step_id, config, inputs, ctx):
    ctx.logger.info("reading %s", config["table"])   # OSD006
```
## Fix
Use the three members the contract gives, or a module logger:
```python
logger = logging.getLogger(__name__)
...
    logger.info("reading %s", config["table"])
    ctx.log_event("extract_started", {"table": config["table"]})
```
"""
    VALID = [
        Example("""
            import pandas as pd
            import psycopg


            class PostgresExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    with psycopg.connect(config["dsn"], connect_timeout=10) as conn:
                        df = pd.read_sql(config["query"], conn)
                    if ctx is not None:
                        ctx.log_event("extract_done", {"table": config["table"]})
                    self._emit_metrics(ctx, df)
                    return {"df": df}

                def _emit_metrics(self, ctx, df):
                    if ctx and hasattr(ctx, "log_metric"):
                        ctx.log_metric("rows_read", len(df), unit="rows")
        """, path="postgres_extractor_driver.py"),
        Example("""
            from pathlib import Path
            from typing import Any


            class ParquetWriterDriver:
                def run(self, *, step_id: str, config: dict, inputs: dict | None = None,
                        ctx: Any = None) -> dict:
                    out_dir = Path(getattr(ctx, "output_dir", None) or config["path"])
                    target = ctx.output_dir / f"{step_id}.parquet" if ctx else out_dir
                    inputs["df"].to_parquet(target)
                    emit = ctx.log_metric if hasattr(ctx, "log_metric") else None
                    if emit:
                        emit("rows_written", len(inputs["df"]))
                    return {}
        """, path="parquet_writer_driver.py"),
        Example("""
            import logging

            logger = logging.getLogger(__name__)


            class DuckdbTransformerDriver:
                def run(self, step_id, config, inputs, context):
                    if not context:
                        logger.warning("no run context for %s", step_id)
                    df = self._apply(config, inputs["df"], ctx=context)
                    logger.debug("context: %r", context)
                    return {"df": df}

                def _apply(self, config, df, ctx=None):
                    result = df.query(config["filter"])
                    if ctx is not None:
                        ctx.log_metric("rows_processed", len(result), step="filter")
                    return result
        """, path="duckdb_transformer_driver.py"),
        Example("""
            import ssl


            class OrdersExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = self._read(config)
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}

                def _read(self, config):
                    ctx = ssl.create_default_context(cafile=config["ca_file"])
                    ctx.check_hostname = True
                    return self._fetch(config["url"], ctx)


            class LegacyExtractorDriver:
                def run(self, step_id, config, inputs):
                    ctx = ssl.create_default_context()
                    return {"df": self._fetch(config["url"], ctx.wrap_socket)}
        """),
    ]
    INVALID = [
        Example("""
            class MysqlExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    ctx.logger.info("reading %s", config["table"])  # expect: OSD006
                    df = self._read(config)
                    ctx.log("rows", len(df))  # expect: OSD006
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
        """, path="mysql_extractor_driver.py"),
        Example("""
            from typing import Any


            class FilesystemCsvWriterDriver:
                def run(self, *, step_id: str, config: dict, inputs: dict | None = None,
                        ctx: Any = None) -> dict:
                    con = ctx.get_db_connection()  # expect: OSD006
                    con.execute(f"COPY {inputs['table']} TO '{config['path']}'")
                    if ctx and hasattr(ctx, "log_metric"):
                        ctx.log_metric("rows_written", 0)
                    return {}
        """, path="filesystem_csv_writer_driver.py"),
        Example("""
            import sqlite3


            class SqliteWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    run_id = ctx["run_id"]  # expect: OSD006
                    with sqlite3.connect(config["path"]) as conn:
                        inputs["df"].to_sql(f"t_{run_id}", conn)
                    self._finish(ctx, len(inputs["df"]))
                    return {}

                def _finish(self, ctx, rows):
                    ctx.emit("rows_written", rows)  # expect: OSD006
                    setattr(ctx, "rows", rows)  # expect: OSD006
        """, path="sqlite_writer_driver.py"),
        Example("""
            class ApiExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    ctx.output_dir = "/tmp/api"  # expect: OSD006
                    with ctx:  # expect: OSD006
                        df = self._fetch(config["url"], ctx.output_dir())  # expect: OSD006
                    return {"df": df}
        """, path="api_extractor_driver.py"),
    ]

    def check_driver(self, driver: DriverClass, file: FileContext) -> None:
        run_ctx = ctx_name(driver.run)
        for method in driver.methods.values():
            if method is driver.run:  # without a fifth parameter, a local ctx is something else
                names = {run_ctx} if len(parameter_names(method)) > 4 else set()
            else:
                names = {"ctx", run_ctx} & set(parameter_names(method))
            for use in uses_of(method, names) if names else ():
                problem = _misuse(use)
                if problem:
                    node, described = problem
                    file.report(self, node, use=described)


def _misuse(use: Use) -> tuple[cst.CSTNode, str] | None:
    """(where to report, how to describe it) when ``use`` goes beyond the context's API."""
    ctx = use.name.value
    if use.kind == ATTRIBUTE:
        attribute = use.attribute
        if attribute not in CONTEXT_API:
            return use.node, f"{ctx}.{attribute}"
        if use.stored:
            return use.node, f"assigning {ctx}.{attribute}"
        if attribute == "output_dir" and use.called:
            return use.grandparent, f"calling {ctx}.output_dir (a path, not a method)"
        return None
    described = {SUBSCRIPT: f"{ctx}[...]", CALLED: f"{ctx}(...)", ITERATED: f"iterating over {ctx}",
                 MEMBERSHIP: f"'in {ctx}'", UNPACKED: f"unpacking {ctx}",
                 ENTERED: f"'with {ctx}:'"}.get(use.kind)
    if described:
        return use.node, described
    if use.kind == ARGUMENT:
        return _reflection(use)
    return None


def _reflection(use: Use) -> tuple[cst.CSTNode, str] | None:
    """``getattr(ctx, "logger")``, ``setattr(ctx, ...)``, ``delattr(ctx, ...)``."""
    call = use.grandparent
    if type(call) is not cst.Call or not call.args or call.args[0] is not use.parent:
        return None
    function = dotted(call.func)
    if function not in ("getattr", "setattr", "delattr"):
        return None
    attribute = literal_string(call.args[1].value) if len(call.args) > 1 else None
    if function == "getattr" and attribute in CONTEXT_API:
        return None
    return call, f"{function}({use.name.value}, {attribute!r})" if attribute else \
        f"{function}({use.name.value}, ...)"
