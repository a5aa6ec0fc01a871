"""OSD023 config-validated-first."""

from __future__ import annotations

import libcst as cst

from ..analysis.drivers import DriverClass, body_statements, config_name, inputs_name
from ..analysis.names import assignment_targets, dotted
from ..analysis.raising import always_raises
from ..analysis.walk import descendants
from ..engine.rule import Example, FileContext, Rule


class ConfigValidatedFirst(Rule):
    code = "OSD023"
    message = "run begins with {first}, not with validating {config}; the contract wants " \
              "configuration validated first: {config} passed to a validate/_validate call, " \
              "or an if on {config} (or on values just read from it) that raises, before any " \
              "other work"
    explanation = """
## What it checks
That the first statement of `run` (after its docstring), or the first statement of
the body of a `try` that is `run`'s first statement, validates the configuration:
- a call whose name starts with `validate` or `_validate` (or ends with `_validate`, as
  pydantic's `Model.model_validate`) that receives `config` (or a part of it,
  `config["resolved_connection"]`), as a statement or bound to a name
  (`cfg = self._validate_config(config)`);
- or an `if` whose test reads `config` and whose body always raises
  (`if not config.get("query"): raise ValueError(...)`).

The finding is reported at `def run`.

## Why
"ALWAYS validate configuration before processing". A driver that connects, reads or
writes before looking at its configuration fails halfway, with a library error about
a missing key instead of a message naming the step and the setting, and may already
have written part of its output.

## Accepted
The validation call inside the top-level `try`, so that its failure is reported like
any other (the contract's own pattern); its result bound to a name; local imports
(`import psycopg`, for clients that are optional extras) and names set to `None`, a
literal or an empty container (`conn = None` for a `finally` block) before it, which do
no work. As the catalogue allows, a leading block that only reads configuration values
into names (`query = config.get("query", "").strip()`, or the missing keys with a
comprehension: `missing = [k for k in KEYS if not config.get(k)]`) and then raises on
them (`if not query: raise ValueError(...)`) before any other work; and, before the
config check, a check of `inputs` that raises (writers), with no I/O between. A `run`
that never uses `config` (a transformer with no settings) has nothing to validate.

## Decisions
A pydantic model built with `Model(**config)` is not recognised; use
`Model.model_validate(config)`. An `assert` is not validation (`python -O` removes it).
Values read from `config` and then used before any check (`if conn_ref: ...` that does
work) make the first of those statements the finding.

## Not followed
What the validation call does: a call named `_validate_config(config)` counts whatever
its body checks, and a guard counts whatever it tests on `config`.

## Example
```python
def run(self, step_id, config, inputs, ctx):
    conn = psycopg.connect(config["dsn"])      # OSD023: connects before validating
    self._validate_config(config)
```
## Fix
```python
def run(self, step_id, config, inputs, ctx):
    try:
        self._validate_config(config)
        conn = psycopg.connect(config["dsn"], connect_timeout=10)
        ...
```
"""
    VALID = [
        Example("""
            import pandas as pd


            class CsvExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    if not config.get("path"):
                        self._refuse("path")
                    df = pd.read_csv(config["path"])
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}

                def _refuse(self, key):
                    self._raise_config_error(f"config[{key!r}] is required")

                def _raise_config_error(self, message):
                    raise ValueError(message)
        """, path="csv_extractor_driver.py"),
        Example("""
            class UppercaseTransformerDriver:
                def run(self, step_id, config, inputs, ctx):
                    if inputs is None or "df" not in inputs:
                        raise ValueError("uppercase.transformer needs inputs['df']")
                    df = inputs["df"].assign(name=inputs["df"]["name"].str.upper())
                    ctx.log_metric("rows_processed", len(df))
                    return {"df": df}
        """, path="uppercase_transformer_driver.py"),
        Example("""
            import sqlite3


            class SqliteWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    missing = [key for key in ("path", "table") if not config.get(key)]
                    if missing:
                        raise ValueError(f"sqlite.writer needs config {missing}")
                    with sqlite3.connect(config["path"]) as conn:
                        inputs["df"].to_sql(config["table"], conn, index=False)
                    return {}
        """, path="sqlite_writer_driver.py"),
        Example("""
            import pandas as pd
            import psycopg


            class PostgresExtractorDriver:
                def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
                    \"\"\"Read the configured query.\"\"\"
                    try:
                        self._validate_config(config)
                        with psycopg.connect(config["dsn"], connect_timeout=10) as conn:
                            df = pd.read_sql(config["query"], conn)
                        ctx.log_metric("rows_read", len(df))
                        return {"df": df}
                    except Exception as e:
                        ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                                      "error_type": type(e).__name__})
                        raise
        """, path="postgres_extractor_driver.py"),
        Example("""
            from typing import Any

            from pydantic import BaseModel


            class CsvSettings(BaseModel):
                path: str
                delimiter: str = ","


            class CsvWriterDriver:
                def run(self, *, step_id: str, config: dict, inputs: dict | None = None,
                        ctx: Any = None) -> dict:
                    settings = CsvSettings.model_validate(config)
                    inputs["df"].to_csv(settings.path, sep=settings.delimiter, index=False)
                    return {}
        """, path="csv_writer_driver.py"),
        Example("""
            import duckdb


            class DuckdbExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    if not config.get("query") or "path" not in config:
                        raise ValueError(f"Step {step_id}: 'query' and 'path' are required")
                    with duckdb.connect(config["path"], read_only=True) as con:
                        return {"df": con.execute(config["query"]).fetchdf()}
        """, path="duckdb_extractor_driver.py"),
        Example("""
            import pymysql


            class MysqlWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    connection = validate_connection(config["resolved_connection"], step_id)
                    with pymysql.connect(**connection, connect_timeout=10) as conn:
                        self._write(conn, inputs["df"], config)
                    return {}


            def validate_connection(connection, step_id):
                missing = {"host", "user", "database"} - set(connection)
                if missing:
                    raise ValueError(f"Step {step_id}: connection lacks {sorted(missing)}")
                return connection
        """, path="mysql_writer_driver.py"),
        Example("""
            class SqlalchemyWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    import sqlalchemy as sa

                    engine = None
                    try:
                        cfg = self._validate_config(config)
                        engine = sa.create_engine(cfg["url"], connect_args={"connect_timeout": 10})
                        with engine.begin() as conn:
                            inputs["df"].to_sql(cfg["table"], conn, if_exists="append")
                        return {}
                    finally:
                        if engine is not None:
                            engine.dispose()
        """, path="sqlalchemy_writer_driver.py"),
        Example("""
            import logging
            from typing import Any, Optional

            import pandas as pd
            import sqlalchemy as sa

            logger = logging.getLogger(__name__)


            class MySQLExtractorDriver:
                def run(self, *, step_id: str, config: dict, inputs: Optional[dict] = None,
                        ctx: Any = None) -> dict:
                    query = config.get("query", "").strip()
                    url = config.get("url")
                    if not query or not url:
                        raise ValueError(f"Step {step_id}: 'query' and 'url' are required")
                    engine = sa.create_engine(url, connect_args={"connect_timeout": 10})
                    return {"df": pd.read_sql_query(query, engine)}
        """, path="mysql_extractor_driver.py"),
        Example("""
            class CsvWriterDriver:
                @staticmethod
                def run(step_id, config, inputs, ctx):
                    if not inputs or "df" not in inputs:
                        raise ValueError(f"Step {step_id}: needs inputs['df']")
                    path = config.get("path")
                    if not path:
                        raise ValueError(f"Step {step_id}: 'path' is required")
                    inputs["df"].to_csv(path, index=False)
                    return {}
        """, path="csv_writer_driver.py"),
    ]
    INVALID = [
        Example("""
            import logging
            from typing import Any, Optional

            import pandas as pd
            import sqlalchemy as sa

            logger = logging.getLogger(__name__)


            class MySQLExtractorDriver:
                def run(self, *, step_id: str, config: dict, inputs: Optional[dict] = None,  # expect: OSD023
                        ctx: Any = None) -> dict:
                    query = config.get("query")
                    engine = sa.create_engine(config["url"], connect_args={"connect_timeout": 10})
                    if not query:
                        raise ValueError(f"Step {step_id}: 'query' is required in config")
                    return {"df": pd.read_sql_query(query, engine)}
        """, path="mysql_extractor_driver.py"),
        Example("""
            class CsvExtractorDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD023
                    base = config.get("base_dir")
                    if base:
                        self._scan(base)
                    if not config.get("path"):
                        raise ValueError("path is required")
                    return {"df": self._read(config["path"], base)}
        """, path="csv_extractor_driver.py"),
        Example("""
            import psycopg


            class PostgresWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD023
                    conn = psycopg.connect(config["dsn"], connect_timeout=10)
                    self._validate_config(config)
                    with conn:
                        self._copy(conn, inputs["df"], config["table"])
                    return {}
        """, path="postgres_writer_driver.py"),
        Example("""
            import requests


            class RestExtractorDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD023
                    try:
                        ctx.log_event("extract_started", {"url": config["url"]})
                        self._validate_config(config)
                        response = requests.get(config["url"], timeout=30)
                        return {"df": self._frame(response.json())}
                    except Exception as e:
                        ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                                      "error_type": type(e).__name__})
                        raise
        """, path="rest_extractor_driver.py"),
        Example("""
            import sqlite3


            class SqliteWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD023
                    self._validate_inputs(inputs)
                    with sqlite3.connect(config["path"]) as conn:
                        inputs["df"].to_sql(config["table"], conn, index=False)
                    return {}
        """, path="sqlite_writer_driver.py"),
        Example("""
            class ParquetWriterDriver:
                def run(self, step_id, config, inputs, ctx):  # expect: OSD023
                    if not config.get("compression"):
                        config = {**config, "compression": "snappy"}
                    inputs["df"].to_parquet(config["path"], compression=config["compression"])
                    return {}
        """, path="parquet_writer_driver.py"),
    ]

    def check_driver(self, driver: DriverClass, file: FileContext) -> None:
        statements = _without_placeholders(body_statements(driver.run))
        if not statements:
            return
        if type(statements[0]) in (cst.Try, cst.TryStar):
            statements = _block_statements(statements[0].body) or statements
        roles = _Roles(config_name(driver.run), inputs_name(driver.run), driver)
        if not _reads_config(driver.run, roles.config):
            return  # nothing configures it, so there is nothing to validate
        if not _validated_first(statements, roles):
            file.report(self, driver.run.name, first=_snippet(statements[0]), config=roles.config)


def _reads_config(run: cst.FunctionDef, config: str) -> bool:
    """Whether ``run`` uses its config at all (reads it, or hands it to a helper)."""
    return any(type(node) is cst.Name and node.value == config
               for node in descendants(run.body))


class _Roles:
    """The names the leading statements may read: config and what was read from it,
    inputs and what was read from it."""

    def __init__(self, config: str, inputs: str, driver: DriverClass) -> None:
        self.config, self.driver = config, driver
        self.read_from_config = {config}
        self.read_from_inputs = {inputs}
        self.constants: set[str] = set()  # names bound to literals (known_keys = {...})


def _validated_first(statements: list[cst.BaseStatement], roles: _Roles) -> bool:
    """The statements begin with configuration validation, after nothing but reads of
    config into names and checks of inputs that raise."""
    for statement in statements:
        if _validates(statement, roles):
            return True
        if not (_binds_from(statement, roles.read_from_config, roles)
                or _checks_inputs(statement, roles)):
            return False
    return False


def _block_statements(block: cst.BaseSuite) -> list[cst.BaseStatement]:
    if type(block) is cst.IndentedBlock:
        return list(block.body)
    return [cst.SimpleStatementLine(body=block.body)]  # try: x = 1 on one line


def _binds_from(statement: cst.BaseStatement, sources: set[str], roles: _Roles) -> bool:
    """``query = config.get("query", "").strip()``, ``unknown = set(config) - KNOWN``:
    names bound from ``sources`` (then added to them, since checking them is checking
    their source) or from literals alone, by expressions that do no work."""
    if type(statement) is not cst.SimpleStatementLine:
        return False
    bindings = []
    for small in statement.body:
        if type(small) not in (cst.Assign, cst.AnnAssign) or small.value is None:
            return False
        targets = assignment_targets(small)
        read = _pure_reads(small.value, sources | roles.constants)
        if read is None or not all(type(t) is cst.Name for t in targets):
            return False
        bindings.append(([t.value for t in targets], bool(read & sources)))
    for names, from_sources in bindings:
        (sources if from_sources else roles.constants).update(names)
    return True


# Calls that compute without side effects, allowed in the reads before validation.
_PURE_CALLS = frozenset({"set", "frozenset", "list", "tuple", "dict", "len", "str", "int",
                         "float", "bool", "sorted", "isinstance", "any", "all", "min", "max"})


def _pure_reads(expression: cst.BaseExpression, allowed: set[str]) -> set[str] | None:
    """The names ``expression`` reads, when it reads only ``allowed`` names, literals and
    their attributes and methods, and calls only ``_PURE_CALLS``; None otherwise."""
    read: set[str] = set()
    pending: list[cst.CSTNode] = [expression]
    while pending:
        node = pending.pop()
        kind = type(node)
        if kind is cst.Name:
            if node.value not in allowed and node.value not in ("None", "True", "False"):
                return None
            read.add(node.value)
        elif kind is cst.Attribute:
            pending.append(node.value)
        elif kind is cst.Call:
            if type(node.func) is cst.Name:
                if node.func.value not in _PURE_CALLS:
                    return None
            elif type(node.func) is cst.Attribute:
                pending.append(node.func.value)
            else:
                return None
            pending.extend(arg.value for arg in node.args)
        elif kind in _COMPREHENSIONS:  # [k for k in KEYS if not config.get(k)]
            inner = _comprehension_reads(node, allowed)
            if inner is None:
                return None
            read |= inner
        elif kind in (cst.Lambda, cst.Await, cst.Yield, cst.NamedExpr):
            return None
        else:
            pending.extend(node.children)
    return read


_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def _comprehension_reads(node: cst.BaseComp, allowed: set[str]) -> set[str] | None:
    """What a comprehension reads besides its own loop names, when all of it is pure."""
    clauses, clause = [], node.for_in
    while clause is not None:
        clauses.append(clause)
        clause = clause.inner_for_in
    if any(c.asynchronous is not None for c in clauses):
        return None
    targets = {n.value for c in clauses for n in (c.target, *descendants(c.target))
               if type(n) is cst.Name}
    parts = [node.key, node.value] if type(node) is cst.DictComp else [node.elt]
    parts += [part for c in clauses for part in (c.iter, *(test.test for test in c.ifs))]
    read: set[str] = set()
    for part in parts:
        found = _pure_reads(part, allowed | targets)
        if found is None:
            return None
        read |= found
    return read - targets


def _checks_inputs(statement: cst.BaseStatement, roles: _Roles) -> bool:
    """A look at ``inputs`` that does no I/O: names bound from it (or set to constants),
    a ``for`` over it that only does such things, an ``if`` on it that raises or only
    does such things, a log line. Writers check their input before their config."""
    sources = roles.read_from_inputs
    if type(statement) is cst.SimpleStatementLine:
        return all(_is_bookkeeping(small) for small in statement.body) \
            or _binds_from(statement, sources, roles)
    if type(statement) is cst.For:
        if not any(_rooted_at(statement.iter, name) for name in sources):
            return False
        sources.update(n.value for n in descendants(statement.target) if type(n) is cst.Name)
        return _only_checks_inputs(statement.body, roles)
    if type(statement) is cst.If and _reads(statement.test, sources):
        return always_raises(statement.body.body, roles.driver) \
            or (_only_checks_inputs(statement.body, roles) and statement.orelse is None)
    return False


def _only_checks_inputs(block: cst.BaseSuite, roles: _Roles) -> bool:
    return all(_checks_inputs(statement, roles) for statement in _block_statements(block))


def _is_bookkeeping(small: cst.BaseSmallStatement) -> bool:
    """``break``, ``continue``, ``name = None`` and a logging call: no work done."""
    if type(small) in (cst.Break, cst.Continue, cst.Pass):
        return True
    if type(small) in (cst.Assign, cst.AnnAssign):
        return _is_constant(small.value) and all(
            type(t) is cst.Name for t in assignment_targets(small))
    if type(small) is cst.Expr and type(small.value) is cst.Call:
        receiver = (dotted(small.value.func) or "").rpartition(".")[0]
        return receiver.rpartition(".")[2] in ("logger", "logging", "log", "_logger")
    return False


def _without_placeholders(statements: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """The statements from the first one that does more than ``conn = None``."""
    for index, statement in enumerate(statements):
        if not _is_placeholder(statement):
            return statements[index:]
    return []


def _is_placeholder(statement: cst.BaseStatement) -> bool:
    """A local import (optional database clients), or ``name = None`` / a literal / an
    empty container (bookkeeping for a finally block)."""
    if type(statement) is not cst.SimpleStatementLine:
        return False
    return all(type(small) in (cst.Import, cst.ImportFrom) or (
        type(small) in (cst.Assign, cst.AnnAssign)
        and all(type(t) is cst.Name for t in assignment_targets(small))
        and _is_constant(small.value)) for small in statement.body)


def _is_constant(value: cst.BaseExpression | None) -> bool:
    if type(value) is cst.Name:
        return value.value in ("None", "True", "False")
    if type(value) in (cst.Dict, cst.List, cst.Tuple, cst.Set):
        return not value.elements
    return type(value) in (cst.Integer, cst.Float, cst.SimpleString)


def _validates(statement: cst.BaseStatement, roles: _Roles) -> bool:
    if type(statement) is cst.If:
        return _reads(statement.test, roles.read_from_config) \
            and always_raises(statement.body.body, roles.driver)
    if type(statement) is not cst.SimpleStatementLine:
        return False
    small = statement.body[0]
    value = small.value if type(small) in (cst.Expr, cst.Assign, cst.AnnAssign) else None
    return type(value) is cst.Call and _is_validation_call(value, roles.read_from_config)


def _is_validation_call(call: cst.Call, names: set[str]) -> bool:
    name = (dotted(call.func) or "").rpartition(".")[2]
    if not (name.startswith(("validate", "_validate")) or name.endswith("_validate")):
        return False
    return any(_rooted_at(arg.value, config) for arg in call.args for config in names)


def _rooted_at(node: cst.BaseExpression, name: str) -> bool:
    """``config``, ``config["x"]``, ``config.get("x")``: an expression read from ``name``."""
    while True:
        if type(node) is cst.Name:
            return node.value == name
        if type(node) in (cst.Subscript, cst.Attribute):
            node = node.value
        elif type(node) is cst.Call and type(node.func) is cst.Attribute:
            node = node.func.value
        else:
            return False


def _reads(test: cst.BaseExpression, names: set[str]) -> bool:
    if type(test) is cst.Name:
        return test.value in names
    return any(type(n) is cst.Name and n.value in names for n in descendants(test))


def _snippet(statement: cst.BaseStatement) -> str:
    """The statement's first line, shortened, for the message."""
    if hasattr(statement, "leading_lines"):
        statement = statement.with_changes(leading_lines=[])
    code = cst.Module(body=[]).code_for_node(statement)
    line = code.strip().splitlines()[0]
    return repr(line if len(line) <= 50 else line[:47] + "...")
