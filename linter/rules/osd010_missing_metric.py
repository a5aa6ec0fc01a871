"""OSD010 missing-metric."""

from __future__ import annotations

from ..analysis.drivers import DriverClass, ctx_name
from ..analysis.metrics import EMITTED, MetricPaths, metrics_emitted
from ..analysis.reach import ctx_names, delegation, describe, placeholder_run
from ..engine.rule import Example, FileContext, Rule


class MissingMetric(Rule):
    code = "OSD010"
    skips_opaque_run = False  # it follows run into the function it delegates to
    message = "{where} without ctx.log_metric(\"{metric}\", ...) on every path before it{hint}; " \
              "the contract wants the {category}'s metric emitted before every return"
    explanation = """
## What it checks
That every normal exit of a driver's `run` (each `return`, and falling off the end) is
preceded, on every path that reaches it, by `ctx.log_metric("<metric>", ...)` with the
category's metric: `rows_read` for extractors, `rows_written` for writers,
`rows_processed` for transformers (renamable with the `metric-names` setting).
Paths through `if`/`elif`/`else`, `try`/`except`/`else`/`finally`, `with`, `for` and
`while` are followed; a path that ends in `raise` is not a normal exit.

One finding per exit that lacks the metric, at its `return` (or at `def run` for
falling off the end); when no exit has it at all, one finding at `def run`. So a `run`
whose two early returns lack the metric while its last return has it gets two findings,
and a `run` that never emits it on any path gets one.

## Why
The contract says "ALWAYS emit metrics before returning": the runner and its
dashboards count rows from this metric. A metric emitted after `return` never runs,
and one emitted on one branch only goes missing exactly when that branch is not taken.

## Accepted
- The call in a helper that `run` calls on that path: a method of the same class
  (`self._emit_metrics(ctx, df)`) or a function of the module (`_emit(ctx, df)`), at any
  depth (`run` -> `self._load(...)` -> `self._emit(ctx)`), when the helper emits it on all
  of its own paths, itself or through its own helpers. A helper that is never called on
  the path does not count. Recursion is followed: a helper that calls itself (or a cycle
  of helpers) emits the metric when every way out of it does.
- A `run` that hands all its work to a helper (`return self._execute(...)`, or
  osiris-pipeline's `return run(step_id=step_id, ...)` into a module function): that
  helper's exits are judged, and the findings are reported there (at its `return`, or at
  its `def` when none of its exits has the metric).
- Guarded forms: `if ctx: ctx.log_metric(...)`, `if ctx and hasattr(ctx, "log_metric")`,
  `if getattr(ctx, "log_metric", None)`, also inside a helper, under the name of the
  parameter that receives `ctx` (`self._emit(df, context=ctx)`).
- A metric inside `finally`: it runs after the return expression, before `run` returns.
- A path that calls a helper which always raises (`self._fail(ctx, e)` as a statement,
  the helper raising itself or through its own helpers) ends there, like a `raise`: it is
  no exit.

## Not followed
Metrics emitted through a plain function (`log_metric("rows_read", n)` imported from
elsewhere) instead of the context, helpers of other modules or classes, methods chosen by
a computed name, and metric names that are not string literals.

## Example
```python
def run(self, step_id, config, inputs, ctx):
    df = self._read(config)
    if df.empty:
        return {"df": df}              # OSD010: no metric on this path
    ctx.log_metric("rows_read", len(df))
    return {"df": df}
```
## Fix
Emit the metric once, before the branches that return:
```python
    df = self._read(config)
    ctx.log_metric("rows_read", len(df))
    return {"df": df}
```
"""
    VALID = [
        Example("""
            class OrdersExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    try:
                        df = self._read(config)
                        if ctx:
                            ctx.log_metric("rows_read", len(df))
                        return {"df": df}
                    except Exception as e:
                        ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                                      "error_type": type(e).__name__})
                        raise
        """),
        Example("""
            class PostgresWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = inputs["df"].copy()
                    if df.empty:
                        self._emit_metrics(ctx, df)
                        return {}
                    self._write(df)
                    self._emit_metrics(ctx, df)
                    return {}

                def _emit_metrics(self, ctx, df):
                    if ctx and hasattr(ctx, "log_metric"):
                        ctx.log_metric("rows_written", len(df), unit="rows")
        """, path="postgres_writer_driver.py"),
        Example("""
            class DedupTransformerDriver:
                def run(self, step_id, config, inputs, ctx):
                    rows = 0
                    try:
                        df = inputs["df"].drop_duplicates()
                        rows = len(df)
                        return {"df": df}
                    finally:
                        ctx.log_metric("rows_processed", rows)
        """, path="dedup_transformer_driver.py"),
        Example("""
            class ApiExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    if "url" not in config:
                        raise ValueError("config needs 'url'")
                    df = self._fetch(config["url"])
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
        """),
        Example("""
            import pandas as pd
            import pymysql


            class MysqlExtractorDriver:
                def run(self, *, step_id, config, inputs=None, context=None):
                    with pymysql.connect(**config["resolved_connection"], connect_timeout=10) as conn:
                        df = pd.read_sql(config["query"], conn)
                    if getattr(context, "log_event", None):
                        context.log_event("extract_done", {"step_id": step_id})
                    self._emit(context, df)
                    return {"df": df}

                def _emit(self, ctx, df):
                    if getattr(ctx, "log_metric", None):
                        ctx.log_metric("rows_read", len(df))
        """, path="mysql_extractor_driver.py"),
        Example("""
            class OrdersExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = self._load(config, ctx)
                    return {"df": df}

                def _load(self, config, context):
                    df = self._query(config)
                    self._emit(df, metrics=context)
                    return df

                def _emit(self, df, metrics):
                    if metrics:
                        metrics.log_metric("rows_read", len(df))
        """),
        Example("""
            import pandas as pd


            class PosthogExtractorDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    return run(step_id=step_id, config=config, inputs=inputs, ctx=ctx)


            def run(*, step_id, config, inputs, ctx):
                df = _extract(config, ctx)
                return {"df": df}


            def _extract(config, ctx):
                frames = [pd.DataFrame(page) for page in _pages(config)]
                df = pd.concat(frames) if frames else pd.DataFrame()
                _emit(ctx, len(df))
                return df


            def _emit(ctx, rows):
                ctx.log_metric("rows_read", rows)
        """, path="posthog_extractor_driver.py", target="osiris-pipeline"),
        Example("""
            import pandas as pd


            class PagedExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    frames = []
                    self._fetch(config, config.get("pages", 1), frames, ctx)
                    return {"df": pd.concat(frames)}

                def _fetch(self, config, remaining, frames, ctx):
                    frames.append(self._page(config, remaining))
                    if remaining > 1:
                        return self._fetch(config, remaining - 1, frames, ctx)
                    ctx.log_metric("rows_read", sum(len(f) for f in frames))
        """, path="paged_extractor_driver.py"),
    ]
    INVALID = [
        Example("""
            import duckdb


            class DuckdbExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    con = duckdb.connect(config["path"], read_only=True)
                    df = con.execute(config["query"]).fetchdf()
                    if df.empty:
                        return {"df": df}  # expect: OSD010
                    if config.get("sample"):
                        return {"df": df.sample(config["sample"])}  # expect: OSD010
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
        """, path="duckdb_extractor_driver.py"),
        Example("""
            class OrdersExtractorDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD010
                    df = self._read(config)
                    return {"df": df}
        """),
        Example("""
            class MysqlExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = self._read(config)
                    if df.empty:
                        return {"df": df}  # expect: OSD010
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
        """),
        Example("""
            class CsvWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD010
                    inputs["df"].to_csv(config["path"])
                    ctx.log_metric("rows_read", len(inputs["df"]))
                    return {}
        """, path="csv_writer_driver.py"),
        Example("""
            class SqliteExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    try:
                        df = self._read(config)
                    except TimeoutError:
                        return {"df": self._empty()}  # expect: OSD010
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
        """),
        Example("""
            class JoinTransformerDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD010
                    for name in config["tables"]:
                        ctx.log_metric("rows_processed", 1)
                    return {"df": inputs["df"]}
                    ctx.log_metric("rows_processed", 0)
        """, path="join_transformer_driver.py"),
        Example("""
            class OrdersExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = self._read(config)
                    if config.get("dry_run"):
                        return {"df": df.head(0)}  # expect: OSD010
                    self._finish(ctx, df)
                    return {"df": df}

                def _finish(self, ctx, df):
                    self._emit(ctx, len(df))

                def _emit(self, ctx, rows):
                    ctx.log_metric("rows_read", rows)

                def _emit_empty(self, ctx):
                    ctx.log_metric("rows_read", 0)
        """),
        Example("""
            class PosthogExtractorDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    return run(step_id=step_id, config=config, inputs=inputs, ctx=ctx)


            def run(*, step_id, config, inputs, ctx):
                df = _extract(config)
                if df.empty:
                    return {"df": df}  # expect: OSD010
                _emit(ctx, len(df))
                return {"df": df}


            def _emit(ctx, rows):
                ctx.log_metric("rows_read", rows)
        """, path="posthog_extractor_driver.py", target="osiris-pipeline"),
        Example("""
            import pandas as pd


            class OrdersExtractorDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD010
                    frames = []
                    self._ping(config, ctx, frames, 3)
                    return {"df": pd.concat(frames)}

                def _ping(self, config, ctx, frames, n):
                    frames.append(self._read(config, n))
                    if n:
                        self._pong(config, ctx, frames, n - 1)

                def _pong(self, config, ctx, frames, n):
                    ctx.log_metric("rows_processed", len(frames))
                    self._ping(config, ctx, frames, n)
        """),
    ]

    def check_driver(self, driver: DriverClass, file: FileContext) -> None:
        if placeholder_run(driver):
            return
        metric = file.metric_for(driver.category)
        # The exits of the function that holds run's work: run's, or those of the helper
        # run hands all its work to (``return _extract(config, inputs, ctx)``).
        work = delegation(driver)[-1]
        exits = MetricPaths(driver, metric, ctx_name(driver.run)).exits(
            work, ctx_names(driver).get(work, "ctx"))
        missing = [e for e in exits if EMITTED not in e.state]
        if not missing:
            return
        others = sorted(metrics_emitted(driver) & (set(file.settings.metric_names.values())
                                                   - {metric}))
        hint = f" (it emits {', '.join(others)}, another category's metric)" if others else ""
        details = {"metric": metric, "category": driver.category, "hint": hint}
        name = describe(driver, work)
        if len(missing) == len(exits):
            where = "run returns" if work is driver.run else \
                f"{name}, which run hands its work to, returns"
            file.report(self, work.name, where=where, **details)
            return
        for exit in missing:
            where = f"{name} falls off its end" if exit.falls_off_end else "this return"
            node = work.name if exit.falls_off_end else exit.node
            file.report(self, node, where=where, **details)
