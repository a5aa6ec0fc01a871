"""OSD011 return-shape."""

from __future__ import annotations

import libcst as cst

from ...analysis.categories import WRITER, with_article
from ...analysis.drivers import DriverClass, ctx_name
from ...analysis.names import ImportMap, assignment_targets
from ...analysis.reach import callee, ctx_names, delegation, describe, placeholder_run
from ...analysis.walk import descendants
from ...engine.findings import Fix
from ...engine.rule import Example, FileContext, Rule
from .return_shapes import DF_DICT, DICT, EMPTY_DICT, ReturnShapes, returned

FRAME_NAMES = frozenset({"df", "frame", "dataframe", "data_frame"})
# Methods of database clients and pandas that return a DataFrame.
FRAME_METHODS = frozenset({"fetchdf", "fetch_df", "df", "to_pandas", "to_df", "read_sql",
                           "read_sql_query", "read_sql_table", "read_csv", "read_parquet",
                           "read_json", "read_excel", "DataFrame"})


class ReturnShape(Rule):
    code = "OSD011"
    skips_opaque_run = False  # it follows run into the function it delegates to
    message = "{where} {what}; {category} must return {wanted} on every path"
    fixable = True
    explanation = """
## What it checks
What every normal exit of `run` returns (each `return`, and falling off the end; a path
that raises is not an exit):
- extractors and transformers: a dict with the key `"df"`: a dict literal
  (`{"df": df}`, `{"df": df, "meta": m}`), `dict(df=df)`, or a local name bound to one
  on every path to the return (`result = {"df": df}`, or `result = {}` followed by
  `result["df"] = df`);
- writers: `{}` or `dict()`, or a local name bound to one that nothing has filled since;
- either: a call of a helper (a method of the same class, `return self._execute(...)`,
  `result = self._execute(...)`, or a function of the module) whose own exits all return
  that shape, at any depth (`return self._build(df)` where `_build` returns
  `self._wrap(df)` and `_wrap` returns `{"df": df}`). A helper that calls itself (or a
  cycle of helpers) returns the shape when all its other exits do.

A path that calls a helper which always raises (`self._fail(ctx, e)` as a statement) ends
there, like a `raise`. A `run` that hands all its work to a helper
(`return self._execute(...)`, or osiris-pipeline's `return run(step_id=step_id, ...)`
into a module function) is judged at that helper's exits. Falling off the end (an
implicit `return None`) is reported at the `def`; the other findings at the `return`.

## Why
The runner hands `result["df"]` to the next step and expects `{}` from a writer.
"MUST return {"df": pandas.DataFrame}" / "MUST return empty dict {}": a bare DataFrame,
`None` or a differently keyed dict fails in the *next* step, far from the cause.

## Not followed
Helpers of other modules or classes, names bound by `for`/`with ... as`, dicts filled
through `update()`/`setdefault()`, dicts a helper receives as an argument, and the type
of the value stored under `"df"`.

## Example
```python
def run(self, step_id, config, inputs, ctx):
    df = pd.read_sql(config["query"], self._engine(config))
    ctx.log_metric("rows_read", len(df))
    return df                                   # OSD011
```
## Fix
`return {"df": df}` (extractors, transformers) or `return {}` (writers). `--fix` wraps a
returned DataFrame name for extractors and transformers when the name is clearly a
DataFrame (`df`, `*_df`, `df_*`, `frame`, or bound from `pd.read_*`, `.fetchdf()`,
`.df()`, `.to_pandas()`...) and never a dict.
"""
    VALID = [
        Example("""
            import duckdb


            class DuckdbExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    result = {"df": None}
                    with duckdb.connect(config["path"], read_only=True) as con:
                        result["df"] = con.execute(config["query"]).fetchdf()
                    ctx.log_metric("rows_read", len(result["df"]))
                    return result
        """, path="duckdb_extractor_driver.py"),
        Example("""
            import pandas as pd


            class CsvExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    try:
                        self._validate_config(config)
                        result = self._execute(config)
                        ctx.log_metric("rows_read", len(result["df"]))
                        return result
                    except Exception as e:
                        ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                                      "error_type": type(e).__name__})
                        raise

                def _execute(self, config):
                    if config.get("chunksize"):
                        return {"df": pd.concat(pd.read_csv(config["path"], chunksize=10_000))}
                    return dict(df=pd.read_csv(config["path"]))
        """, path="csv_extractor_driver.py"),
        Example("""
            import psycopg


            class PostgresWriterDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    df = inputs["df"]
                    if df.empty:
                        return {}
                    result = dict()
                    with psycopg.connect(config["dsn"], connect_timeout=10) as conn:
                        self._copy(conn, df, config["table"])
                    if ctx and hasattr(ctx, "log_metric"):
                        ctx.log_metric("rows_written", len(df))
                    return result
        """, path="postgres_writer_driver.py"),
        Example("""
            class DedupTransformerDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = inputs["df"].drop_duplicates(subset=config.get("keys"))
                    if config.get("strict") and df.empty:
                        raise ValueError("no rows left after de-duplication")
                    ctx.log_metric("rows_processed", len(df))
                    return {"df": df} if len(df) else {"df": inputs["df"].head(0)}
        """, path="dedup_transformer_driver.py"),
        Example("""
            import pandas as pd


            class ParquetExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = pd.read_parquet(config["path"])
                    ctx.log_metric("rows_read", len(df))
                    return self._build(df, config)

                def _build(self, df, config):
                    if config.get("columns"):
                        df = df[config["columns"]]
                    return self._wrap(df)

                def _wrap(self, df):
                    return {"df": df}
        """, path="parquet_extractor_driver.py"),
        Example("""
            class FilesystemCsvWriterDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    return run(step_id=step_id, config=config, inputs=inputs, ctx=ctx)


            def run(*, step_id, config, inputs, ctx):
                frames = [df for key, df in inputs.items() if key.startswith("df_")]
                for df in frames:
                    df.to_csv(config["path"], mode="a", index=False)
                ctx.log_metric("rows_written", sum(len(df) for df in frames))
                return _done()


            def _done():
                return {}
        """, path="filesystem_csv_writer_driver.py", target="osiris-pipeline"),
        Example("""
            import pandas as pd


            class PagedExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    result = self._page(config, [], config.get("pages", 1))
                    ctx.log_metric("rows_read", len(result["df"]))
                    return result

                def _page(self, config, frames, remaining):
                    frames.append(self._fetch(config, remaining))
                    if remaining > 1:
                        return self._page(config, frames, remaining - 1)
                    return {"df": pd.concat(frames)}
        """, path="paged_extractor_driver.py"),
    ]
    INVALID = [
        Example("""
            import pandas as pd
            import pymysql


            class MysqlExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    conn = pymysql.connect(**config["resolved_connection"], connect_timeout=10)
                    try:
                        df = pd.read_sql(config["query"], conn)
                    finally:
                        conn.close()
                    ctx.log_metric("rows_read", len(df))
                    return df  # expect: OSD011
        """, path="mysql_extractor_driver.py"),
        Example("""
            import sqlite3


            class SqliteWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD011
                    df = inputs["df"]
                    with sqlite3.connect(config["path"]) as conn:
                        written = df.to_sql(config["table"], conn, if_exists="append", index=False)
                    ctx.log_metric("rows_written", written or len(df))
                    if config.get("report"):
                        return {"rows": written}  # expect: OSD011
        """, path="sqlite_writer_driver.py"),
        Example("""
            import requests


            class RestExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    response = requests.get(config["url"], timeout=30)
                    if response.status_code == 204:
                        return  # expect: OSD011
                    result = {"data": self._frame(response.json())}
                    ctx.log_metric("rows_read", len(result["data"]))
                    if config.get("raw"):
                        return {"payload": response.json()}  # expect: OSD011
                    return result  # expect: OSD011
        """, path="rest_extractor_driver.py"),
        Example("""
            class PivotTransformerDriver:
                def run(self, step_id, config, inputs, ctx):
                    if config.get("wide"):
                        result = {"df": inputs["df"].pivot(columns=config["column"])}
                    else:
                        result = inputs
                    ctx.log_metric("rows_processed", len(result["df"]))
                    return result  # expect: OSD011
        """, path="pivot_transformer_driver.py"),
        Example("""
            import pandas as pd


            class ParquetExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = pd.read_parquet(config["path"])
                    ctx.log_metric("rows_read", len(df))
                    return self._build(df, config)  # expect: OSD011

                def _build(self, df, config):
                    if config.get("columns"):
                        return self._wrap(df[config["columns"]])
                    return {"df": df}

                def _wrap(self, df):
                    return df
        """, path="parquet_extractor_driver.py"),
        Example("""
            import pandas as pd


            class PosthogExtractorDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    return _extract(config, ctx)


            def _extract(config, ctx):
                rows = _fetch(config)
                df = pd.DataFrame(rows)
                ctx.log_metric("rows_read", len(df))
                if config.get("raw"):
                    return {"rows": rows}  # expect: OSD011
                return {"df": df}
        """, path="posthog_extractor_driver.py", target="osiris-pipeline"),
        Example("""
            import pandas as pd


            class PagedExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    result = self._page(config, [], config.get("pages", 1))
                    ctx.log_metric("rows_read", len(result["df"]))
                    return result  # expect: OSD011

                def _page(self, config, frames, remaining):
                    frame = self._fetch(config, remaining)
                    if frame.empty:
                        return frames
                    frames.append(frame)
                    if remaining > 1:
                        return self._page(config, frames, remaining - 1)
                    return {"df": pd.concat(frames)}
        """, path="paged_extractor_driver.py"),
    ]

    def check_driver(self, driver: DriverClass, file: FileContext) -> None:
        if placeholder_run(driver):
            return
        writer = driver.category == WRITER
        wanted = EMPTY_DICT if writer else DF_DICT
        # The exits of the function that holds run's work: run's, or those of the helper
        # run hands all its work to (``return _extract(config, inputs, ctx)``).
        work = delegation(driver)[-1]
        ctx = ctx_names(driver).get(work, "ctx")
        shapes = ReturnShapes(driver, ctx_name(driver.run))
        for exit in shapes.exits(work, ctx):
            value = returned(exit)
            found = shapes.shapes(value, exit.state, ctx)
            if wanted in found:
                continue
            details = {"category": with_article(driver.category),
                       "wanted": "{}" if writer else '{"df": DataFrame}'}
            if exit.falls_off_end:
                file.report(self, work.name, where=f"{describe(driver, work)} falls off its end",
                            what="and so returns None", **details)
                continue
            fix = None if writer else _wrap_fix(exit.node, work, file.imports)
            file.report(self, exit.node, fix=fix, where="this return",
                        what=_describe(value, found, writer, driver), **details)


def _describe(value: cst.BaseExpression | None, found: frozenset[str], writer: bool,
              driver: DriverClass) -> str:
    """What the return gives, for the message ("gives None", "gives df, which is ...")."""
    if value is None or (type(value) is cst.Name and value.value == "None"):
        return "gives None"
    wanted = "an empty dict" if writer else 'a dict with the key "df"'
    helper = callee(driver, value) if type(value) is cst.Call else None
    if helper is not None:
        return f"gives what {describe(driver, helper)}() returns, which is not {wanted} on " \
               "every path"
    if type(value) is cst.Name:
        return f"gives {value.value}, which is not bound to {wanted} on every path"
    if DICT in found:
        return "gives a dict that is not empty" if writer else 'gives a dict without the key "df"'
    return f"gives something that is not {wanted}"


def _wrap_fix(node: cst.Return, function: cst.FunctionDef, imports: ImportMap) -> Fix | None:
    """``return df`` -> ``return {"df": df}`` when ``df`` is clearly a DataFrame."""
    value = node.value
    if type(value) is not cst.Name or not _is_frame_name(value.value, function, imports):
        return None
    wrapped = cst.Dict([cst.DictElement(cst.SimpleString('"df"'), value)])
    return Fix(f'Return {{"df": {value.value}}}', {value: wrapped})


def _is_frame_name(name: str, function: cst.FunctionDef, imports: ImportMap) -> bool:
    """Named like a DataFrame or bound from a DataFrame-making call, and never bound to a dict."""
    bound = [node.value for node in descendants(function.body)
             if type(node) in (cst.Assign, cst.AnnAssign) and node.value is not None
             and any(type(t) is cst.Name and t.value == name for t in assignment_targets(node))]
    if any(type(v) is cst.Dict or _calls(v, imports) == "dict" for v in bound):
        return False
    if name in FRAME_NAMES or name.endswith("_df") or name.startswith("df_"):
        return True
    return any(_makes_frame(v, imports) for v in bound)


def _makes_frame(value: cst.BaseExpression, imports: ImportMap) -> bool:
    called = _calls(value, imports)
    return called is not None and (called.startswith("pandas.")
                                   or called.rpartition(".")[2] in FRAME_METHODS)


def _calls(value: cst.BaseExpression, imports: ImportMap) -> str | None:
    """The qualified name of the function ``value`` calls (``pandas.read_sql``), if any."""
    if type(value) is not cst.Call:
        return None
    func = value.func
    if type(func) is cst.Attribute and type(func.value) not in (cst.Name, cst.Attribute):
        return func.attr.value  # con.execute(q).fetchdf(): the method's name is enough
    return imports.qualify(func)
