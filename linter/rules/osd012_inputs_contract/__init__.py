"""OSD012 inputs-contract."""

from __future__ import annotations

import libcst as cst

from ....contract.targets import INPUT_PREFIX
from ...analysis.categories import EXTRACTOR, with_article
from ...analysis.drivers import DriverClass, inputs_name, literal_string, subscript_index
from ...analysis.reach import callee, describe, placeholder_run, receiving
from ...analysis.uses import (
    ARGUMENT,
    ATTRIBUTE,
    CALLED,
    ITERATED,
    MEMBERSHIP,
    SUBSCRIPT,
    UNPACKED,
    Use,
    uses_of,
)
from ...engine.rule import Example, FileContext, Rule
from .inputs_checks import InputsChecks

READS = {SUBSCRIPT: "subscripts", ATTRIBUTE: "reads an attribute of", CALLED: "calls",
         ITERATED: "iterates over", MEMBERSHIP: "tests membership in", UNPACKED: "unpacks"}


class InputsContract(Rule):
    code = "OSD012"
    skips_opaque_run = False  # it follows run into the function it delegates to
    message = "{problem}"
    explanation = """
## What it checks
- **Extractors** must not read `inputs` at all: subscripting it, calling any of its
  methods (`.get`, `.items()`...), iterating over it, `"df" in inputs`, unpacking it,
  in `run` and in the helpers `run` passes `inputs` to (methods and functions of the
  module, at any depth, under the name of the parameter that receives it). One finding
  at `def run`, where the catalogue places OSD012, counting the reads.
- **Writers and transformers** must check, on every path to a use of `inputs["df"]`
  or `inputs.get("df")`, that `inputs` is not None and holds `"df"`, raising a clear
  error otherwise, in `run` and in the helpers it passes `inputs` to, at any depth. The
  finding is reported once, at `def run`, naming the helper when the use is in one.

A check is an `if` whose body always raises (`if not inputs or "df" not in inputs:
raise ValueError(...)`, also split in two: `if inputs is None: raise ...` then
`if "df" not in inputs: raise ...`), or an `if inputs and "df" in inputs:` whose `else`
always raises. `inputs.get("df")` may be used inside such a check, or bound to a name
that is then checked (`df = inputs.get("df")` then `if df is None: raise ...`), once
`inputs` is known not to be None.

## Why
Extractors get `inputs=None` ("MUST NOT require inputs"); reading it fails with
`TypeError` on the first real run. Writers and transformers "MUST require inputs with
"df" key": without the check, a miswired pipeline fails with `KeyError: 'df'` or
`'NoneType' object is not subscriptable`, which says nothing about the step or the fix.

## Accepted
- A check through a helper that raises: `self._require_df(inputs)` (or a function of
  the same module), followed to any depth (the check may sit in a helper of the helper);
  its checks count when every exit of the helper has made them. The helpers' own uses of
  `inputs` are judged too, under the checks made before the call. Recursion is
  followed: a helper that calls itself makes its checks when every way out of it does.
- Extractors may test `inputs` without reading it (`if inputs: raise ValueError(...)`,
  `inputs is None`) and pass it on to helpers that do not read it.
- `(inputs or {}).get("df")` followed by a check of the result.

## Decisions
- `assert` is not a check: `python -O` removes it.
- An early `return` instead of a raise is not a check: a writer that silently writes
  nothing hides a miswired pipeline.
- `try: df = inputs["df"] except KeyError: raise ...` is not recognised; write the
  `if` check.

## Not followed
Helpers of other modules or classes, `inputs` passed on inside a container or as
`**kwargs`, uses of `inputs` inside nested functions or lambdas, and other keys than
`"df"`.

## Example
```python
def run(self, step_id, config, inputs, ctx):       # OSD012
    df = inputs["df"]
```
## Fix
```python
def run(self, step_id, config, inputs, ctx):
    if not inputs or "df" not in inputs:
        raise ValueError(f"Step {step_id}: this writer needs inputs['df']")
    df = inputs["df"]
```
"""
    targets = """
Under `osiris-pipeline` the runner passes each upstream frame as
`inputs["df_<step id>"]` (and never `inputs["df"]`): writers and transformers are
reported when they read their frame only as `inputs["df"]` / `inputs.get("df")`;
iterating over `inputs`, `items()`/`keys()`/`values()`, or any key other than the
literal `"df"` (`inputs["df_extract"]`, `inputs[key]`) is how they find it. The None
check is not demanded there. Extractors are judged as under `contract`.
"""
    VALID = [
        Example("""
            from typing import Any

            import pandas as pd


            class SupabaseWriterDriver:
                def run(self, *, step_id: str, config: dict, inputs: dict | None = None,
                        ctx: Any = None) -> dict:
                    if not inputs or "df" not in inputs:
                        raise ValueError(f"Step {step_id}: SupabaseWriterDriver requires 'df' input")
                    df = inputs["df"]
                    if not isinstance(df, pd.DataFrame):
                        raise ValueError(f"Step {step_id}: input 'df' must be a DataFrame")
                    self._write(df, config)
                    return {}
        """, path="supabase_writer_driver.py"),
        Example("""
            import sqlite3


            class SqliteWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    if inputs is None:
                        raise ValueError("sqlite writer needs inputs")
                    df = inputs.get("df")
                    if df is None or df.empty:
                        raise ValueError("sqlite writer needs a non-empty inputs['df']")
                    with sqlite3.connect(config["path"]) as conn:
                        df.to_sql(config["table"], conn, if_exists="append", index=False)
                    return {}
        """, path="sqlite_writer_driver.py"),
        Example("""
            class DedupTransformerDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = self._require_df(inputs).drop_duplicates()
                    ctx.log_metric("rows_processed", len(df))
                    return {"df": df, "source_rows": len(inputs["df"])}

                def _require_df(self, inputs):
                    if not inputs or inputs.get("df") is None:
                        raise ValueError("dedup needs inputs['df']")
                    return inputs["df"]
        """, path="dedup_transformer_driver.py"),
        Example("""
            import pandas as pd
            import psycopg


            class PostgresExtractorDriver:
                def run(self, step_id, config, inputs=None, ctx=None):
                    if inputs:
                        raise ValueError(f"{step_id}: an extractor takes no inputs")
                    result = self._execute(config, inputs, ctx)
                    return result

                def _execute(self, config, inputs, ctx):
                    with psycopg.connect(config["dsn"], connect_timeout=10) as conn:
                        return {"df": pd.read_sql(config["query"], conn)}
        """, path="postgres_extractor_driver.py"),
        Example("""
            import duckdb


            class DuckdbTransformerDriver:
                def run(self, step_id, config, inputs, ctx):
                    if inputs and "df" in inputs:
                        con = duckdb.connect()
                        con.register("input", inputs["df"])
                        result = con.execute(config["sql"]).fetchdf()
                    else:
                        raise ValueError(f"{step_id}: no input frame")
                    frame = inputs.get("df") if inputs else None
                    return {"df": result if frame is not None else None}
        """, path="duckdb_transformer_driver.py"),
        Example("""
            class FilesystemCsvWriterDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    if not inputs:
                        raise ValueError("no inputs")
                    frames = [v for k, v in inputs.items() if k.startswith("df_")]
                    frames[0].to_csv(config["path"], index=False)
                    return {}
        """, path="filesystem_csv_writer_driver.py", target="osiris-pipeline"),
        Example("""
            class CsvWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    self._prepare(step_id, inputs)
                    inputs["df"].to_csv(config["path"], index=False)
                    return {}

                def _prepare(self, step_id, upstream):
                    self._require_df(upstream, f"step {step_id}")

                def _require_df(self, frames, where):
                    if frames is None or "df" not in frames:
                        raise ValueError(f"{where}: the csv writer needs inputs['df']")
        """, path="csv_writer_driver.py"),
        Example("""
            class DedupTransformerDriver:
                def run(self, step_id, config, inputs, ctx):
                    return _transform(config, inputs, ctx)


            def _transform(config, inputs, ctx):
                df = _frame(inputs).drop_duplicates(subset=config.get("keys"))
                ctx.log_metric("rows_processed", len(df))
                return {"df": df}


            def _frame(inputs):
                _require(inputs)
                return inputs["df"]


            def _require(inputs):
                if not inputs or "df" not in inputs:
                    raise ValueError("dedup needs inputs['df']")
        """, path="dedup_transformer_driver.py"),
        Example("""
            class MergeWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    self._require(inputs, config.get("also", []))
                    self._write(inputs["df"], config)
                    return {}

                def _require(self, inputs, also):
                    if not inputs or "df" not in inputs:
                        raise ValueError("the merge writer needs inputs['df']")
                    if also:
                        if also[0] not in inputs:
                            raise ValueError(f"the merge writer needs inputs[{also[0]!r}]")
                        self._require(inputs, also[1:])
        """, path="merge_writer_driver.py"),
    ]
    INVALID = [
        Example("""
            import psycopg


            class PostgresWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD012
                    df = inputs["df"]
                    with psycopg.connect(config["dsn"], connect_timeout=10) as conn:
                        self._copy(conn, df, config["table"])
                    return {}
        """, path="postgres_writer_driver.py"),
        Example("""
            import pandas as pd
            import pymysql


            class MysqlExtractorDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD012
                    conn = pymysql.connect(**config["resolved_connection"], connect_timeout=10)
                    query = inputs.get("query") or config["query"]
                    frames = [inputs[k] for k in inputs if k.startswith("df_")]
                    return {"df": pd.concat([pd.read_sql(query, conn), *frames])}
        """, path="mysql_extractor_driver.py"),
        Example("""
            class CsvWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD012
                    if "df" not in inputs:
                        raise ValueError("csv writer needs inputs['df']")
                    inputs["df"].to_csv(config["path"], index=False)
                    return {}
        """, path="csv_writer_driver.py"),
        Example("""
            class JoinTransformerDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD012
                    if config.get("strict"):
                        self._require_df(inputs)
                    left = inputs.get("df")
                    return {"df": left.merge(self._lookup(config), on=config["key"])}

                def _require_df(self, inputs):
                    if not inputs or "df" not in inputs:
                        raise ValueError("join needs inputs['df']")
        """, path="join_transformer_driver.py"),
        Example("""
            import requests


            class RestWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD012
                    if not inputs or "df" not in inputs:
                        return {}
                    rows = inputs["df"].to_dict("records")
                    requests.post(config["url"], json=rows, timeout=30).raise_for_status()
                    return {}
        """, path="rest_writer_driver.py"),
        Example("""
            import duckdb


            class DuckdbExtractorDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD012
                    with duckdb.connect(config["path"], read_only=True) as con:
                        df = self._query(con, config, inputs)
                    return {"df": df}

                def _query(self, con, config, upstream):
                    params = upstream["params"] if upstream else []
                    return con.execute(config["query"], params).fetchdf()
        """, path="duckdb_extractor_driver.py"),
        Example("""
            class DedupTransformerDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):  # expect: OSD012
                    if not inputs or "df" not in inputs:
                        raise ValueError("no input frame")
                    return {"df": inputs["df"].drop_duplicates()}
        """, path="dedup_transformer_driver.py", target="osiris-pipeline"),
        Example("""
            class CsvWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD012
                    self._write(config, inputs)
                    return {}

                def _write(self, config, upstream):
                    self._save(upstream, config["path"])

                def _save(self, frames, path):
                    frames["df"].to_csv(path, index=False)
        """, path="csv_writer_driver.py"),
        Example("""
            class PosthogExtractorDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):  # expect: OSD012
                    return run(step_id=step_id, config=config, inputs=inputs, ctx=ctx)


            def run(*, step_id, config, inputs, ctx):
                since = _since(config, inputs)
                return {"df": _fetch(config, since)}


            def _since(config, state):
                return state["state"].get("last_timestamp") or config["initial_since"]
        """, path="posthog_extractor_driver.py", target="osiris-pipeline"),
        Example("""
            class JoinTransformerDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD012
                    self._ping(inputs, config.get("attempts", 3))
                    return {"df": inputs["df"].merge(self._lookup(config), on=config["key"])}

                def _ping(self, inputs, attempts):
                    if attempts:
                        self._pong(inputs, attempts - 1)

                def _pong(self, frames, attempts):
                    if frames is None:
                        raise ValueError("join needs inputs")
                    self._ping(frames, attempts)
        """, path="join_transformer_driver.py"),
    ]

    def check_driver(self, driver: DriverClass, file: FileContext) -> None:
        if placeholder_run(driver):
            return
        name = inputs_name(driver.run)
        if driver.category == EXTRACTOR:
            reads = [use for use in _uses(driver) if use.kind in READS]
            if reads:
                # At def run, as the catalogue places OSD012: a fact about the whole run.
                kinds = ", ".join(dict.fromkeys(READS[use.kind] for use in reads))
                file.report(self, driver.run.name, problem=(
                    f"this extractor {kinds} {name} ({len(reads)} read"
                    f"{'s' if len(reads) > 1 else ''} in run or the helpers it passes inputs "
                    f"to); extractors are given no inputs (inputs is None), so read from the "
                    f"source named in config"))
            return
        if file.settings.facts.frames_by_step:
            keys = [_frame_key(use) for use in _uses(driver)]
            if "df" in keys and BY_STEP not in keys:
                file.report(self, driver.run.name, problem=(
                    f'run reads its frame only as {name}["df"], which osiris-pipeline never '
                    f'passes: it passes each upstream frame as {name}["{INPUT_PREFIX}<step id>"]; '
                    f'take the frames whose keys start with "{INPUT_PREFIX}" (for key, df in '
                    f'{name}.items(): if key.startswith("{INPUT_PREFIX}"): ...)'))
            return
        unchecked = InputsChecks(driver).unchecked()
        if unchecked:
            first = unchecked[0]
            where = "run uses" if first.function is driver.run else \
                f"run passes {name} on to {describe(driver, first.function)}, which uses"
            file.report(self, driver.run.name, problem=(
                f'{where} {first.name}["df"] before checking, on every path, that {first.name} '
                f'is not None and holds "df"; {with_article(driver.category)} must raise a '
                f'clear error first: if not {name} or "df" not in {name}: raise ValueError(...)'))


def _uses(driver: DriverClass) -> list[Use]:
    """The uses of inputs in run, and in the helpers run passes inputs to, at any depth
    (each function once per parameter that receives it)."""
    pending = [(driver.run, inputs_name(driver.run))]
    seen = set(pending)
    uses: list[Use] = []
    for function, parameter in pending:  # grows while it is read
        for use in _uses_in(driver, function, parameter):
            uses.append(use)
            call = use.grandparent if use.kind == ARGUMENT else None
            helper = callee(driver, call) if type(call) is cst.Call else None
            received = receiving(call, helper, parameter) if helper is not None else None
            if received is not None and (helper, received) not in seen:
                seen.add((helper, received))
                pending.append((helper, received))
    return uses


def _uses_in(driver: DriverClass, function: cst.FunctionDef, parameter: str) -> list[Use]:
    """What ``function`` does to its ``parameter``, walked once per file (``driver.shared``)."""
    key = ("uses", function, parameter)
    if key not in driver.shared:
        driver.shared[key] = list(uses_of(function, {parameter}))
    return driver.shared[key]


BY_STEP = "by step"  # a read that can find inputs["df_<step id>"]


def _frame_key(use: Use) -> str | None:
    """"df" for inputs["df"] / inputs.get("df"); BY_STEP for a read that can reach the
    per-step keys (iteration, items/keys/values, a key that is not the literal "df");
    None for the rest (tests, passing inputs on)."""
    if use.kind == ITERATED:
        return BY_STEP
    if use.kind == SUBSCRIPT:
        key = subscript_index(use.parent)
    elif use.kind == ATTRIBUTE and use.called and use.attribute in ("items", "keys", "values"):
        return BY_STEP
    elif use.kind == ATTRIBUTE and use.called and use.attribute == "get" \
            and use.grandparent.args:
        key = use.grandparent.args[0].value
    else:
        return None
    return "df" if literal_string(key) == "df" else BY_STEP
