"""OSD040 write-modes."""

from __future__ import annotations

from ....contract.targets import Target
from ...analysis.drivers import DriverClass
from ...analysis.reach import placeholder_run
from ...engine.rule import Example, FileContext, Rule
from .write_modes import ALIASES, WriteModeAnalysis


class WriteModes(Rule):
    code = "OSD040"
    skips_opaque_run = False  # it follows run into the function it delegates to
    message = "{problem}; {wanted} wants writers to handle {field} {modes} (upsert by the " \
              "configured key columns) and to reject any other value with an error"
    explanation = """
## What it checks
That a writer handles the three `write_mode` values of the contract, `"append"`,
`"overwrite"` and `"upsert"`, rejects any other value with an error, and upserts by the
configured key columns. In `run` and the helpers it reaches (methods through `self`, the
module's functions by name, at any depth):
- each value must appear as a string literal compared with the configured mode
  (`mode == "append"`), matched against it (`case "append":`), used as a key of a dict
  that is indexed with it (`{"append": self._append, ...}[mode]`, `.get(mode)`), or
  listed in a membership test that guards its own path (`if mode in ("overwrite",
  "replace"):`);
- another value must end in an error: an `else: raise` after the `if`/`elif` chain on the
  mode, `if mode not in MODES: raise ...` (also in a validation helper such as
  `self._validate_config(config)`), `case _: raise ...`, a `raise` right after the
  `if` statements on the mode, `handler = table.get(mode)` followed by `if handler is
  None: raise ...`, or `except KeyError: raise ...` around `table[mode]`;
- the upsert branch (the `if` body, the `case` body, the method the dispatch entry names)
  must read the key columns: `primary_key`, `upsert_keys` or `key_columns`, from the
  config, through a name bound from them, or in a helper it calls (at any depth).

The configured mode is `config["write_mode"]`, `config.get("write_mode", ...)`, an
attribute `.write_mode`, any name bound from those (`mode = cfg.get("write_mode",
"append").lower()`), and a helper's parameter that receives one of them (from `run`, or
from a helper that holds it, at any depth).

One finding per writer, at `def run`, saying everything that is missing.

## Why
"MUST support write_mode: append, overwrite, or upsert." A writer that silently treats an
unknown or misspelt mode (`"overwite"`) as append duplicates data on every run, and an
upsert without the configured keys either fails at run time or merges on the wrong
columns.

## Accepted
- A dict dispatch guarded by a membership check that raises, and a `match` statement.
- `"replace"`, the public Osiris specs' alias of `"overwrite"`, handled in addition to
  `"overwrite"` (`mode in ("overwrite", "replace")`). It never counts instead of it.
- Validation and branches split between `run` and its helpers, at any depth
  (`run` -> `self._write(df, mode)` -> `_dispatch(df, mode)`), and recursive helpers.

## Decisions
- Every OSD040 problem is reported at `def run`, as the catalogue says for OSD040, in one
  finding per writer (the keyless upsert branch too, although the fix goes into the
  branch).
- A branch that only raises (`elif mode == "upsert": raise NotImplementedError`) refuses
  the value: it does not count as handling it.
- An `assert mode in MODES` does not reject: assertions vanish under `python -O`.
- An upsert branch that hands `config` to a function the linter cannot follow (imported,
  of another class) is given the benefit of the doubt.
- Functions defined inside `run` (a `write_batch` closure passed to a retry helper) are
  `run`'s code; a mode `run` keeps on `self` (`self.mode = config["write_mode"]`) is the
  mode in its helpers too (and what a helper keeps there, in the helpers it calls).
- A dict that maps modes to other values (`{"append": "insert", "upsert": "upsert"}`)
  counts as a dispatch on the mode, but runs no code, so it is no upsert branch.

## Not followed
Helpers of other modules or classes, methods chosen by a computed name
(`getattr(self, f"_write_{mode}")`), enums (`WriteMode(mode)`), and modes passed through
containers or object attributes other than `.write_mode`.

## Example
```python
def run(self, step_id, config, inputs, ctx):          # OSD040: no upsert, no rejection
    mode = config.get("write_mode", "append")
    if_exists = "replace" if mode == "overwrite" else "append"
    inputs["df"].to_sql(config["table"], self._engine, if_exists=if_exists)
```
## Fix
```python
    mode = config.get("write_mode", "append")
    if mode not in ("append", "overwrite", "upsert"):
        raise ValueError(f"unsupported write_mode {mode!r}")
    if mode == "upsert":
        self._upsert(conn, df, keys=config["primary_key"])
    elif mode == "overwrite":
        self._replace(conn, df)
    elif mode == "append":
        self._insert(conn, df)
```
"""
    targets = """
Under `osiris-pipeline` the modes are `"append"`, `"replace"` and `"upsert"`, read from
`config["write_mode"]` or `config["mode"]`; when the writer's component spec declares
the option (`configSchema.properties.write_mode` or `mode`), its `enum` gives the modes,
and a writer whose spec declares no such option has no mode to handle (no finding).
"""
    VALID = [
        Example("""
            from pathlib import Path


            class CsvWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    rows = self._load(inputs["df"].copy(), config)
                    ctx.log_metric("rows_written", rows)
                    return {}

                def _load(self, df, config):
                    path = Path(config["path"])
                    mode = config.get("write_mode", "append")
                    if mode == "upsert" and path.exists():
                        self._upsert(path, df, config)
                    elif mode in ("append", "overwrite", "upsert"):  # a new file: no keys needed
                        df.to_csv(path, index=False)
                    else:
                        raise ValueError(f"unsupported write_mode {mode!r}")
                    return len(df)

                def _upsert(self, path, df, config):
                    self._merge_rows(path, df, list(config["primary_key"]))

                def _merge_rows(self, path, df, keys):
                    df.to_csv(path, index=False)
        """, path="csv_writer_driver.py"),
        Example("""
            import psycopg


            class PostgresWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    mode = config.get("write_mode", "append")
                    table, df = config["table"], inputs["df"]
                    with psycopg.connect(config["dsn"], connect_timeout=10) as conn, conn.transaction():
                        if mode == "append":
                            self._copy(conn, table, df)
                        elif mode in ("overwrite", "replace"):
                            conn.execute(f"TRUNCATE {table}")
                            self._copy(conn, table, df)
                        elif mode == "upsert":
                            self._merge(conn, table, df, config["primary_key"])
                        else:
                            raise ValueError(f"unsupported write_mode {mode!r}")
                    ctx.log_metric("rows_written", len(df))
                    return {}
        """, path="postgres_writer_driver.py"),
        Example("""
            WRITE_MODES = ("append", "overwrite", "upsert")


            class MysqlWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    self._validate_config(config)
                    writers = {"append": self._append, "overwrite": self._overwrite,
                               "upsert": self._upsert}
                    with self._connect(config) as conn:
                        writers[config["write_mode"]](conn, inputs["df"], config)
                    return {}

                def _validate_config(self, config):
                    if config.get("write_mode") not in WRITE_MODES:
                        raise ValueError(f"write_mode must be one of {WRITE_MODES}")

                def _upsert(self, conn, df, config):
                    keys = config.get("upsert_keys") or config["primary_key"]
                    self._insert(conn, df, on_duplicate=keys)
        """, path="mysql_writer_driver.py"),
        Example("""
            class DuckdbWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    con = self._connect(config)
                    match config.get("write_mode", "append"):
                        case "append":
                            con.execute("INSERT INTO target SELECT * FROM df")
                        case "overwrite" | "replace":
                            con.execute("CREATE OR REPLACE TABLE target AS SELECT * FROM df")
                        case "upsert":
                            keys = ", ".join(config["key_columns"])
                            con.execute(f"INSERT INTO target SELECT * FROM df ON CONFLICT ({keys}) "
                                        "DO UPDATE SET v = excluded.v")
                        case other:
                            raise ValueError(f"unknown write_mode {other!r}")
                    return {}
        """, path="duckdb_writer_driver.py"),
        Example("""
            class SqliteWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    mode = config.get("write_mode", "append").lower()
                    keys = config.get("primary_key", [])
                    with self._connect(config) as conn:
                        self._write(conn, inputs["df"], mode, keys)
                    return {}

                def _write(self, conn, df, write_mode, pk):
                    if write_mode == "append":
                        self._insert(conn, df)
                        return
                    if write_mode == "overwrite":
                        conn.execute("DELETE FROM target")
                        self._insert(conn, df)
                        return
                    if write_mode == "upsert":
                        self._insert(conn, df, conflict=pk)
                        return
                    raise ValueError(f"unsupported write_mode {write_mode!r}")
        """, path="sqlite_writer_driver.py"),
        Example("""
            class SnowflakeWriterDriver:
                HANDLERS = {"append": "_append", "overwrite": "_overwrite", "upsert": "_merge"}

                def run(self, step_id, config, inputs, ctx):
                    handler = self.HANDLERS.get(config.get("write_mode", "append"))
                    if handler is None:
                        raise ValueError("write_mode must be append, overwrite or upsert")
                    getattr(self, handler)(inputs["df"], config)
                    return {}

                def _merge(self, df, config):
                    self._run_merge(df, on=config.upsert_keys)
        """, path="snowflake_writer_driver.py"),
        Example("""
            class MysqlWriterDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):
                    mode = config.get("mode", "append")
                    if mode not in ("append", "replace", "upsert"):
                        raise ValueError(f"unsupported mode {mode!r}")
                    if mode == "upsert":
                        self._upsert(inputs, config["upsert_keys"])
                    elif mode == "replace":
                        self._replace(inputs)
                    elif mode == "append":
                        self._append(inputs)
                    return {}
        """, path="mysql_writer_driver.py", target="osiris-pipeline"),
        Example("""
            class PostgresWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    mode = config.get("write_mode", "append")
                    with self._connect(config) as conn:
                        self._write(conn, inputs["df"], mode, config.get("primary_key"))
                    return {}

                def _write(self, conn, df, how, keys):
                    with conn.transaction():
                        self._dispatch(conn, df, how, keys)

                def _dispatch(self, conn, df, mode, pk):
                    if mode == "append":
                        self._insert(conn, df)
                    elif mode == "overwrite":
                        conn.execute("TRUNCATE target")
                        self._insert(conn, df)
                    elif mode == "upsert":
                        self._insert(conn, df, conflict=pk)
                    else:
                        raise ValueError(f"unsupported write_mode {mode!r}")
        """, path="postgres_writer_driver.py"),
        Example("""
            class DuckdbWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    return _write_frame(inputs["df"], config)


            def _write_frame(df, config):
                con = _connect(config)
                _apply(con, config.get("write_mode", "append"), config)
                return {}


            def _apply(con, mode, config):
                match mode:
                    case "append":
                        con.execute("INSERT INTO target SELECT * FROM df")
                    case "overwrite":
                        con.execute("CREATE OR REPLACE TABLE target AS SELECT * FROM df")
                    case "upsert":
                        _merge(con, config)
                    case _:
                        raise ValueError(f"unknown write_mode {mode!r}")


            def _merge(con, config):
                keys = ", ".join(config["key_columns"])
                con.execute(f"INSERT INTO target SELECT * FROM df ON CONFLICT ({keys}) DO NOTHING")
        """, path="duckdb_writer_driver.py"),
        Example("""
            class SqliteWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    self._write(inputs["df"], config["write_mode"], config, attempts=3)
                    return {}

                def _write(self, df, mode, config, attempts):
                    try:
                        self._apply(df, mode, config)
                    except TimeoutError:
                        if attempts <= 1:
                            raise
                        self._write(df, mode, config, attempts - 1)

                def _apply(self, df, mode, config):
                    if mode not in ("append", "overwrite", "upsert"):
                        raise ValueError(f"unsupported write_mode {mode!r}")
                    if mode == "upsert":
                        self._upsert(df, config["upsert_keys"])
                    elif mode == "overwrite":
                        self._replace(df)
                    elif mode == "append":
                        self._append(df)
        """, path="sqlite_writer_driver.py"),
    ]
    INVALID = [
        Example("""
            class PostgresWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD040
                    mode = config.get("write_mode", "append")
                    if_exists = "replace" if mode == "overwrite" else "append"
                    inputs["df"].to_sql(config["table"], self._engine(config), if_exists=if_exists)
                    return {}
        """, path="postgres_writer_driver.py"),
        Example("""
            class MysqlWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD040
                    writers = {"append": self._append, "replace": self._replace,
                               "upsert": self._upsert}
                    writers[config["write_mode"]](inputs["df"], config)
                    return {}

                def _upsert(self, df, config):
                    self._insert(df, config["table"], on_duplicate=list(df.columns[:1]))
        """, path="mysql_writer_driver.py"),
        Example("""
            class DuckdbWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD040
                    mode = config["write_mode"]
                    con = self._connect(config)
                    if mode == "append":
                        con.execute("INSERT INTO t SELECT * FROM df")
                    elif mode == "overwrite":
                        con.execute("CREATE OR REPLACE TABLE t AS SELECT * FROM df")
                    elif mode == "upsert":
                        con.execute("INSERT OR REPLACE INTO t SELECT * FROM df")
                    else:
                        raise ValueError(f"unsupported write_mode {mode!r}")
                    return {}
        """, path="duckdb_writer_driver.py"),
        Example("""
            import os

            MODES = {"append", "overwrite", "upsert"}


            class CsvWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD040
                    mode = config.get("write_mode", "append")
                    if mode not in MODES:
                        raise ValueError(f"write_mode must be one of {sorted(MODES)}")
                    if mode == "upsert":
                        raise NotImplementedError("CSV files cannot be upserted")
                    if mode == "overwrite" and os.path.exists(config["path"]):
                        os.remove(config["path"])
                    self._write(inputs["df"], config["path"], append=mode == "append")
                    return {}
        """, path="csv_writer_driver.py"),
        Example("""
            class SqliteWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD040
                    with self._connect(config) as conn:
                        self._write(conn, inputs["df"], config.get("write_mode"))
                    return {}

                def _write(self, conn, df, how):
                    if how in ("overwrite", "replace"):
                        conn.execute("DELETE FROM target")
                    assert how in ("append", "overwrite", "replace", "upsert")
                    df.to_sql("target", conn, if_exists="append")
        """, path="sqlite_writer_driver.py"),
        Example("""
            class MysqlWriterDriver:
                def run(self, *, step_id, config, inputs=None, ctx=None):  # expect: OSD040
                    mode = config.get("mode", "append")
                    if mode == "overwrite":
                        self._replace(inputs)
                    elif mode == "append":
                        self._append(inputs)
                    else:
                        raise ValueError(f"unsupported mode {mode!r}")
                    return {}
        """, path="mysql_writer_driver.py", target="osiris-pipeline"),
        Example("""
            class PostgresWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD040
                    with self._connect(config) as conn:
                        self._write(conn, inputs["df"], config)
                    return {}

                def _write(self, conn, df, config):
                    self._dispatch(conn, df, config["write_mode"])

                def _dispatch(self, conn, df, mode):
                    if mode == "append":
                        self._insert(conn, df)
                    elif mode == "overwrite":
                        conn.execute("TRUNCATE target")
                        self._insert(conn, df)
                    elif mode == "upsert":
                        self._insert(conn, df, on_conflict="update")
        """, path="postgres_writer_driver.py"),
        Example("""
            class DuckdbWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD040
                    return _write_frame(inputs["df"], config)


            def _write_frame(df, config):
                _apply(_connect(config), config.get("write_mode", "append"))
                return {}


            def _apply(con, mode):
                if mode == "append":
                    con.execute("INSERT INTO target SELECT * FROM df")
                elif mode == "overwrite":
                    con.execute("CREATE OR REPLACE TABLE target AS SELECT * FROM df")
                else:
                    raise ValueError(f"unsupported write_mode {mode!r}")
        """, path="duckdb_writer_driver.py"),
        Example("""
            class SqliteWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD040
                    self._write(inputs["df"], config.get("write_mode", "append"), attempts=3)
                    return {}

                def _write(self, df, mode, attempts):
                    try:
                        self._apply(df, mode)
                    except TimeoutError:
                        if attempts > 1:
                            self._retry(df, mode, attempts - 1)

                def _retry(self, df, mode, attempts):
                    self._write(df, mode, attempts)

                def _apply(self, df, mode):
                    if mode == "append":
                        self._append(df)
                    elif mode == "overwrite":
                        self._replace(df)
                    elif mode == "upsert":
                        self._upsert(df, keys=self._key_columns)
        """, path="sqlite_writer_driver.py"),
    ]

    def check_driver(self, driver: DriverClass, file: FileContext) -> None:
        if placeholder_run(driver):
            return
        facts = file.settings.facts
        modes, wanted = facts.write_modes, "the contract"
        if facts.target is not Target.CONTRACT:
            specs = [file.settings.specs_by_name[k] for k in driver.keys
                     if k in file.settings.specs_by_name]
            if specs and all(spec.write_modes is None for spec in specs):
                return  # its component spec offers no write mode: there is none to handle
            declared = next((spec for spec in specs if spec.write_modes), None)
            modes, wanted = (declared.write_modes, f"component spec {declared.name}") \
                if declared else (modes, "osiris-pipeline")
        field = " or ".join(facts.write_mode_keys)
        handling = WriteModeAnalysis(driver, file.module, facts.write_mode_keys).handling()
        missing = [m for m in modes if m not in handling.handled]
        problems = []
        if len(missing) == len(modes) and not handling.rejects:
            problems.append(f"never compares config[\"{facts.write_mode_keys[0]}\"] with "
                            f"{wanted}'s values")
        else:
            if missing:
                hint = "".join(f" (\"{a}\" is only an alias of \"{m}\")" for a, m in ALIASES.items()
                               if m in missing and a in handling.handled)
                problems.append(f"does not handle {field} " + ", ".join(f'"{m}"' for m in missing)
                                + hint)
            if not handling.rejects:
                problems.append(f"does not reject other {field} values with an error")
            if handling.keyless_upsert:
                helpers = sorted(handling.keyless_upsert - {"run"})
                where = f" (in {', '.join(helpers)}, which run reaches)" if helpers else ""
                problems.append(f"upserts{where} without reading the configured key columns "
                                "(primary_key, upsert_keys or key_columns)")
        if problems:
            listed = ", ".join(f'"{m}"' for m in modes[:-1]) + f' and "{modes[-1]}"'
            file.report(self, driver.run.name, problem="run " + " and ".join(problems),
                        wanted=wanted, field=field, modes=listed)
