"""OSD006 ctx-api."""

from __future__ import annotations

import libcst as cst

from ...contract.targets import FACTS, Target
from ..analysis.drivers import DriverClass, ctx_name, literal_string, parameter_names
from ..analysis.names import dotted
from ..analysis.uses import (
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
from ..analysis.walk import descendants
from ..engine.rule import Example, FileContext, Rule

OFFERS = {
    Target.CONTRACT: "the contract's ctx offers only ctx.log_metric(name, value, **tags), "
                     "ctx.log_event(name, payload) and ctx.output_dir",
    Target.OSIRIS_PIPELINE: "osiris-pipeline's ctx offers only ctx.log_metric(name, value, "
                            "**tags) and ctx.output_dir",
}
# Offered by the written contract only: under osiris-pipeline a call needs a guard.
UNGUARDED = (" of osiris-pipeline (its ctx has only log_metric and output_dir)",
             'guard the call with if hasattr(ctx, "log_event"): or use '
             'getattr(ctx, "log_event", None)')


class CtxApi(Rule):
    code = "OSD006"
    message = "{use} is not part of the run context{why}; {offers}"
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
- Any attribute used only where `hasattr(ctx, "<name>")` is true (`if ctx and
  hasattr(ctx, "base_path"): ...ctx.base_path`): it cannot raise `AttributeError`.

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
    targets = """
Under `osiris-pipeline` the context offers `log_metric` and `output_dir` only: an
unguarded `ctx.log_event(...)` is reported (its message says so); one under
`if hasattr(ctx, "log_event"):` (or a ternary / `and` on that test) and
`getattr(ctx, "log_event", None)` are accepted.
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
        Example("""
            class GraphqlExtractorDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    if ctx and hasattr(ctx, "log_event"):
                        ctx.log_event("extraction.start", {"endpoint": config["endpoint"]})
                    emit = getattr(ctx, "log_event", None)
                    df = self._fetch(config)
                    if emit:
                        emit("extraction.done", {"rows": len(df)})
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
        """, path="graphql_extractor_driver.py", target="osiris-pipeline"),
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
        Example("""
            class GraphqlExtractorDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    ctx.log_event("extraction.start", {"endpoint": config["endpoint"]})  # expect: OSD006
                    df = self._fetch(config)
                    if ctx:
                        ctx.log_event("extraction.done", {"rows": len(df)})  # expect: OSD006
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
        """, path="graphql_extractor_driver.py", target="osiris-pipeline"),
    ]

    def check_driver(self, driver: DriverClass, file: FileContext) -> None:
        facts = file.settings.facts
        api = facts.ctx_methods | facts.ctx_attributes
        contract_only = FACTS[Target.CONTRACT].ctx_methods - facts.ctx_methods
        run_ctx = ctx_name(driver.run)
        for method in driver.methods.values():
            if method is driver.run:  # without a fifth parameter, a local ctx is something else
                names = {run_ctx} if len(parameter_names(method)) > 4 else set()
            else:
                names = {"ctx", run_ctx} & set(parameter_names(method))
            guarded = _Guarded(method, names)
            for use in uses_of(method, names) if names else ():
                if use.kind == ATTRIBUTE and use.attribute not in api and not use.stored \
                        and guarded.covers(use.parent, use.attribute):
                    continue  # under hasattr(ctx, "<name>"): never an AttributeError
                if use.attribute in contract_only and not use.stored:
                    file.report(self, use.node, use=f"{use.name.value}.{use.attribute}",
                                why=UNGUARDED[0], offers=UNGUARDED[1])
                    continue
                problem = _misuse(use, api)
                if problem:
                    node, described = problem
                    file.report(self, node, use=described, why="", offers=OFFERS[facts.target])


class _Guarded:
    """The parts of a method that run only once ``hasattr(ctx, "<name>")`` (or
    ``getattr(ctx, "<name>", ...)``) is true: ``if``/ternary bodies and ``and`` operands."""

    def __init__(self, method: cst.FunctionDef, names: set[str]) -> None:
        self.method = method
        self.names = names
        self._nodes: dict[str, set[int]] = {}

    def covers(self, node: cst.CSTNode, attribute: str) -> bool:
        if attribute not in self._nodes:
            self._nodes[attribute] = found = set()
            for guard in descendants(self.method.body):
                if type(guard) in (cst.If, cst.IfExp) and self._probes(guard.test, attribute):
                    found |= {id(n) for n in descendants(guard.body)}
                elif type(guard) is cst.BooleanOperation and type(guard.operator) is cst.And \
                        and self._probes(guard.left, attribute):
                    found |= {id(n) for n in descendants(guard.right)}
        return id(node) in self._nodes[attribute]

    def _probes(self, test: cst.BaseExpression, attribute: str) -> bool:
        if type(test) is cst.BooleanOperation and type(test.operator) is cst.And:
            return self._probes(test.left, attribute) or self._probes(test.right, attribute)
        return (type(test) is cst.Call and dotted(test.func) in ("hasattr", "getattr")
                and len(test.args) > 1 and dotted(test.args[0].value) in self.names
                and literal_string(test.args[1].value) == attribute)


def _misuse(use: Use, api: frozenset[str]) -> tuple[cst.CSTNode, str] | None:
    """(where to report, how to describe it) when ``use`` goes beyond the context's API."""
    ctx = use.name.value
    if use.kind == ATTRIBUTE:
        attribute = use.attribute
        if attribute not in api:
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
        return _reflection(use, api)
    return None


def _reflection(use: Use, api: frozenset[str]) -> tuple[cst.CSTNode, str] | None:
    """``getattr(ctx, "logger")``, ``setattr(ctx, ...)``, ``delattr(ctx, ...)``; a
    ``getattr`` with a default may name what the context lacks."""
    call = use.grandparent
    if type(call) is not cst.Call or not call.args or call.args[0] is not use.parent:
        return None
    function = dotted(call.func)
    if function not in ("getattr", "setattr", "delattr"):
        return None
    attribute = literal_string(call.args[1].value) if len(call.args) > 1 else None
    if function == "getattr" and (attribute in api or len(call.args) > 2
                                  and attribute in FACTS[Target.CONTRACT].ctx_methods):
        return None
    return call, f"{function}({use.name.value}, {attribute!r})" if attribute else \
        f"{function}({use.name.value}, ...)"
