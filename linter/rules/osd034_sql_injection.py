"""OSD034 sql-injection."""

from __future__ import annotations

import libcst as cst

from ...contract.sql import looks_like_statement
from ..analysis.dataflow import ValueFlow, called_name, key
from ..analysis.drivers import DriverClass, parameter_names
from ..analysis.held import NO_LABELS, Held, Labels
from ..analysis.names import dotted
from ..analysis.sql_text import (
    QUERY_KEYWORDS,
    WRAPPING,
    composition_pieces,
    executed_query,
    is_composition,
    is_quoting,
    nested_compositions,
    query_argument,
)
from ..engine.rule import Example, FileContext, Rule

CONFIG, INPUTS, COLUMNS = "config values", "inputs", "DataFrame column names"
SOURCES = (CONFIG, INPUTS, COLUMNS)
COMPOSED = "composed"  # (COMPOSED, node, sources): text built from them, not yet reported
SQL_RAW = "sql-raw"  # (SQL_RAW, sources): psycopg sql.SQL(...) of such a value
COMPOSABLE = ("composable",)  # any other psycopg sql object: formats its arguments safely
REPORTED = ("reported",)  # text already reported where it was built
NUMERIC_ATTRIBUTES = frozenset({"shape", "size", "ndim", "empty", "exponent"})
# Calls whose result is a number (or a bool): whatever they are given, no SQL text.
NUMERIC_CALLS = frozenset({"len", "int", "float", "abs", "round", "bool", "hash"})
SQL_ENTRIES = tuple(f"[{name!r}]" for name in QUERY_KEYWORDS)  # config["query"], config["sql"]


class SqlInjection(Rule):
    code = "OSD034"
    message = "SQL text built with {how} from {sources} without quoting; quote identifiers " \
              "(sql.Identifier, quote_ident) and pass values as bind parameters (%s, ?, :name)"
    explanation = """
## What it checks
SQL text built with an f-string, `%`, `.format` or `+` from values that come from
`config`, from `inputs` (the frames and their values) or from DataFrame column names
(`df.columns`, a `for` over them), in a driver's `run` and the helpers it reaches at any
depth (what a helper returns carries what it was given, as its body says). Values are
followed through names, tuple unpacking, loops,
comprehensions, `", ".join(...)`, string methods and other calls that take them.

What counts as SQL text (a decision the catalogue left open): a composed string whose
literal text starts like a SQL statement, with the statement keyword written all upper
or all lower case and a keyword that confirms it (`SELECT ... FROM`, `INSERT INTO`,
`UPDATE ... SET`, `DELETE FROM`, `CREATE TABLE`, `MERGE INTO`, `TRUNCATE`...), so that a
log message such as `f"Select rows from {table}"` is not SQL; or a composed string,
whatever it starts with, that reaches `execute`, `executemany`, `executescript`,
`exec_driver_sql`, `read_sql`, `read_sql_query`, duckdb `sql`, SQLAlchemy `text()` or
psycopg `sql.SQL()` (directly or through names). A finding is reported once, where the
outermost composition is built. psycopg composition `sql.SQL("... {}").format(x)` is
flagged only when an argument is `sql.SQL(<value from config...>)`: psycopg quotes
every other argument itself.

## Why
A table name, a filter or a column name from configuration or from the data, pasted
into SQL text, lets whoever controls them run their own SQL (`orders; DROP TABLE
users`), and even harmless names break on a quote, a space or a reserved word.

## Accepted
- Identifier quoting: `sql.Identifier(...)`, `quote_ident`, `quote_identifier`, any
  function whose name contains `quote` or `escape` (`conn.escape`, PyMySQL's
  `escape_string`), and psycopg `sql.Literal` / `sql.Placeholder`.
- Bind parameters: placeholders (`%s`, `?`, `:name`) in literal text, with the values
  passed to `execute`; `", ".join(["%s"] * len(df.columns))` builds only placeholders.
- Numbers: values passed through `int()`, `float()`, `len()`, `round()`.
- Literal-only composition, and raw values that are not composed (an extractor running
  `config["query"]` as it is: that is OSD031's concern).
- Decision: a name passed to a read-only check (`validate_read_only(query)`) holds the
  step's query from then on, not a value: composing it (`sql.SQL("COPY ({}) TO STDOUT")
  .format(sql.SQL(query))`) is not an injection.
- Decision: entries named `query`, `sql`, `statement`, `operation` or `sql_query`
  (`config["query"]`) hold SQL by design, not values: wrapping one
  (`f"SELECT * FROM ({config['query']}) AS q LIMIT 100"`) is not an injection; OSD031
  wants it checked as read-only.

## Fix
```python
query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
    sql.Identifier(schema, table),
    sql.SQL(", ").join(map(sql.Identifier, df.columns)),
    sql.SQL(", ").join(sql.Placeholder() * len(df.columns)))
cur.executemany(query, rows)
```
With sqlite3/duckdb/PyMySQL, quote identifiers with the driver's quoting function
and pass values as parameters: `conn.execute("SELECT * FROM t WHERE id = ?", (id,))`.

## Not followed
Per function over `run` and the helpers it reaches; values kept in attributes of other
objects and functions of other modules are not followed. Hand-written quoting
(`f'"{name}"'`) is not quoting: it breaks on a
name that contains a quote.
"""
    VALID = [
        Example("""
            def _decimal_type(column):
                digits = max(len(value.as_tuple().digits) for value in column.dropna())
                return f"DECIMAL({int(digits)}, 0)"


            class DuckdbWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = inputs["df"]
                    config["conn"].execute(f"CREATE TABLE t (amount {_decimal_type(df['amount'])})")
                    return {}
        """, path="duckdb_writer_driver.py"),
        Example("""
            def quote_identifier(name):
                return '"' + str(name).replace('"', '""') + '"'


            def _on_conflict(df, keys):
                quoted = [quote_identifier(name) for name in df.columns if name not in keys]
                return " ON CONFLICT DO UPDATE SET " + ", ".join(
                    f"{q} = excluded.{q}" for q in quoted)


            class SqliteWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = inputs["df"]
                    self._insert(config, df, _on_conflict(df, ["id"]))
                    return {}

                def _insert(self, config, df, suffix):
                    names = ", ".join(quote_identifier(name) for name in df.columns)
                    config["conn"].executemany(f"INSERT INTO t ({names}) VALUES (?){suffix}",
                                               df.values.tolist())
        """, path="sqlite_writer_driver.py"),
        Example("""
            from psycopg import sql

            class PostgresWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = inputs["df"].copy()
                    table = sql.Identifier(config["schema"], config["table"])
                    columns = sql.SQL(", ").join(sql.Identifier(c) for c in df.columns)
                    values = sql.SQL(", ").join(sql.Placeholder() * len(df.columns))
                    query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(table, columns, values)
                    with self._connect(config) as conn, conn.cursor() as cur:
                        cur.executemany(query, df.itertuples(index=False, name=None))
                    return {}
        """, path="postgres_writer_driver.py"),
        Example("""
            import sqlite3

            def quote_ident(name):
                return '"' + name.replace('"', '""') + '"'

            class SqliteWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = inputs["df"].copy()
                    cols = ", ".join(quote_ident(c) for c in df.columns)
                    marks = ", ".join("?" for _ in df.columns)
                    conn = sqlite3.connect(config["path"])
                    conn.execute(f"DELETE FROM {quote_ident(config['table'])} WHERE batch = ?",
                                 (config["batch"],))
                    conn.executemany(f"INSERT INTO {quote_ident(config['table'])} ({cols}) "
                                     f"VALUES ({marks})", df.itertuples(index=False))
                    return {}
        """, path="sqlite_writer_driver.py"),
        Example("""
            import pandas as pd
            from sqlalchemy import create_engine, text

            class MysqlExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    engine = create_engine(config["url"], connect_args={"connect_timeout": 10})
                    limit = int(config.get("limit", 1000))
                    query = f"SELECT id, name FROM customers ORDER BY id LIMIT {limit}"
                    with engine.connect() as conn:
                        df = pd.read_sql(text(query), conn)
                        since = pd.read_sql(text("SELECT * FROM t WHERE ts > :ts"), conn,
                                            params={"ts": config["since"]})
                    ctx.log_metric("rows_read", len(df))
                    return {"df": df}
        """, path="mysql_extractor_driver.py"),
        Example("""
            import logging

            logger = logging.getLogger(__name__)

            class DuckdbExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    table = config["table"]
                    logger.info(f"Select rows from {table}, columns: {', '.join(config['columns'])}")
                    con = self._connect(config)
                    df = con.execute("SELECT * FROM read_parquet(?)", [config["path"]]).df()
                    df = con.sql(config["query"]).df()
                    sample = con.sql(f"SELECT * FROM ({config['query']}) AS q LIMIT 100").df()
                    return {"df": df, "sample": sample}
        """, path="duckdb_extractor_driver.py"),
        Example("""
            from psycopg import sql

            from .driver_safety import validate_read_only


            class PostgresExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    with self._connect(config) as conn, conn.cursor() as cur:
                        query = self._query(conn, config)
                        validate_read_only(query)
                        copy_out = sql.SQL("COPY (\\n{}\\n) TO STDOUT (FORMAT csv)").format(
                            sql.SQL(query))
                        with cur.copy(copy_out) as copy:
                            data = b"".join(copy)
                    ctx.log_metric("rows_read", data.count(b"\\n"))
                    return {"df": self._frame(data)}

                def _query(self, conn, config):
                    if config.get("query"):
                        return config["query"].strip().rstrip(";")
                    return sql.SQL("SELECT * FROM {}").format(sql.Identifier(config["table"]))
        """, path="postgres_extractor_driver.py"),
    ]
    INVALID = [
        Example("""
            import sqlite3
            from contextlib import closing


            def _columns(df):
                return ", ".join(df.columns)


            class SqliteWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = inputs["df"]
                    with closing(sqlite3.connect(config["path"])) as conn, conn:
                        conn.executemany(f"INSERT INTO t ({_columns(df)}) VALUES (?)",  # expect: OSD034
                                         df.values.tolist())
                    return {}
        """, path="sqlite_writer_driver.py"),
        Example("""
            import psycopg

            class PostgresWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = inputs["df"].copy()
                    table = config["table"]
                    cols = ", ".join(f'"{c}"' for c in df.columns)
                    marks = ", ".join(["%s"] * len(df.columns))
                    with psycopg.connect(config["dsn"], connect_timeout=10) as conn:
                        conn.execute(f"TRUNCATE {table}")  # expect: OSD034
                        with conn.cursor() as cur:
                            cur.executemany(
                                f"INSERT INTO {table} ({cols}) VALUES ({marks})",  # expect: OSD034
                                df.itertuples(index=False, name=None))
                    return {}
        """, path="postgres_writer_driver.py"),
        Example("""
            import pymysql

            class MysqlExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    where = "updated_at > '%s'" % config["since"]
                    query = "SELECT * FROM " + config["table"] + " WHERE " + where  # expect: OSD034
                    return {"df": self._read(config, query)}

                def _read(self, config, query):
                    conn = pymysql.connect(**config["resolved_connection"], connect_timeout=5)
                    with conn.cursor() as cur:
                        cur.execute(query)
                        return cur.fetchall()
        """, path="mysql_extractor_driver.py"),
        Example("""
            from sqlalchemy import text

            class UpsertWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    df = inputs["df"].copy()
                    keys = config["primary_key"]
                    self._upsert(df, keys, config["table"])
                    return {}

                def _upsert(self, df, keys, table):
                    sets = ", ".join("{0} = EXCLUDED.{0}".format(c) for c in df.columns)
                    conflict = ",".join(keys)
                    statement = ("INSERT INTO {t} SELECT * FROM staging "  # expect: OSD034
                                 "ON CONFLICT ({k}) DO UPDATE SET {s}").format(t=table, k=conflict,
                                                                             s=sets)
                    with self.engine.begin() as conn:
                        conn.execute(text(statement))
        """, path="upsert_writer_driver.py"),
        Example("""
            import duckdb
            from psycopg import sql

            class DuckdbTransformerDriver:
                def run(self, step_id, config, inputs, ctx):
                    con = duckdb.connect()
                    con.register("input_df", inputs["df"])
                    condition = f"{config['column']} > {config['threshold']}"
                    df = con.sql("SELECT * FROM input_df WHERE " + condition).df()  # expect: OSD034
                    expr = f"{config['column']} * 2"  # expect: OSD034
                    df = con.sql(expr).df()
                    order = sql.SQL("SELECT * FROM t ORDER BY {}").format(  # expect: OSD034
                        sql.SQL(config["order_by"]))
                    return {"df": df, "order": order}
        """, path="duckdb_transformer_driver.py"),
    ]

    def check_driver(self, driver: DriverClass, file: FileContext) -> None:
        names = parameter_names(driver.run)
        start = {(name, source) for name, source in zip(names[2:4], (CONFIG, INPUTS),
                                                          strict=False)}
        _Composition(self, file).analyse_driver(driver, Held.of(start))


class _Composition(ValueFlow):
    """Labels: the SOURCES a value carries, and the COMPOSED/SQL_RAW/COMPOSABLE/REPORTED
    marks of text built from them."""

    collects = (cst.Call, cst.FormattedString, cst.BinaryOperation, cst.ConcatenatedString)

    def __init__(self, rule: SqlInjection, file: FileContext) -> None:
        super().__init__()
        self.rule = rule
        self.file = file
        self.reported: set[cst.CSTNode] = set()  # also compositions inside a reported one

    # -- labels ---------------------------------------------------------------------
    def labels(self, node: cst.BaseExpression, state: Held) -> Labels:
        name = key(node)
        if name is not None and (held := state.labels_of(name)):
            return held
        if name is not None and name.endswith(SQL_ENTRIES):
            return NO_LABELS  # config["query"]: SQL by design (OSD031 checks it), not a value
        if is_composition(node):
            return self._composition(node, state)
        if type(node) is cst.Call:
            return self._call(node, state)
        if type(node) is cst.Attribute:
            if node.attr.value == "columns":
                return frozenset({COLUMNS})
            return NO_LABELS if node.attr.value in NUMERIC_ATTRIBUTES \
                else self.labels(node.value, state)
        if type(node) is cst.Subscript:
            return self.labels(node.value, state)
        if type(node) in (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp):
            return self._comprehension(node, state)
        return frozenset().union(*(self.labels(n, state) for n in _operands(node)))

    def transfer(self, node: cst.CSTNode, state: Held, parts: list[cst.CSTNode]) -> Held:
        """A query that went through a read-only check is the query the step is meant to
        run (OSD031's concern), not a value spliced into SQL: it carries no source after."""
        state = super().transfer(node, state, parts)
        for part in parts:
            if type(part) is cst.Call and "read_only" in called_name(part):
                for arg in part.args:
                    if (name := key(arg.value)) is not None:
                        state = state.rebind(name, ())
        return state

    def _call(self, call: cst.Call, state: Held) -> Labels:
        name = called_name(call)
        if is_quoting(name) or (name in NUMERIC_CALLS and type(call.func) is cst.Name):
            return NO_LABELS
        args = [a.value for a in call.args]
        func = call.func
        receiver = func.value if type(func) is cst.Attribute else None
        if name == "SQL":
            sources = _sources(self._all(args, state))
            return frozenset({(SQL_RAW, sources)}) if sources else frozenset({COMPOSABLE})
        if receiver is not None and COMPOSABLE in self.labels(receiver, state):
            return self._composed_sql(call, name, args, state)
        if name == "map" and len(args) == 2:
            quoting = is_quoting((dotted(args[0]) or "").rsplit(".", 1)[-1])
            return NO_LABELS if quoting else self.labels(args[1], state)
        returned = self.returned_labels(call, state)
        if returned is not None:  # a helper of the module: what it returns
            return returned
        found = self._all(args, state)
        return found | self.labels(receiver, state) if receiver is not None else found

    def _composed_sql(self, call: cst.Call, name: str, args: list, state: Held) -> Labels:
        """``sql.SQL(...).format(...)`` / ``.join(...)``: safe unless given sql.SQL(<source>)."""
        raw = [label for label in self._all(args, state) if _is_mark(label, SQL_RAW)]
        if raw and name == "format":
            self._report(call, "psycopg sql.SQL(...) around a value", _union_sources(raw))
        if raw and name == "join":
            return frozenset({(SQL_RAW, _union_sources(raw))})
        return frozenset({COMPOSABLE})

    def _comprehension(self, node, state: Held) -> Labels:
        inner = state
        for clause in _for_clauses(node.for_in):
            inner = self.store(inner, clause.target, self.element_labels(clause.iter, inner))
        result = node.value if type(node) is cst.DictComp else node.elt
        return self.labels(result, inner)

    def _all(self, nodes, state: Held) -> Labels:
        return frozenset().union(*(self.labels(n, state) for n in nodes))

    def _composition(self, node: cst.BaseExpression, state: Held) -> Labels:
        """Text built from pieces: reported here when it looks like SQL and a piece
        carries a source; else marked COMPOSED, to be reported if it reaches SQL."""
        how, pieces = composition_pieces(node)
        inner = [p for p in pieces if not isinstance(p, str)]
        found = self._all(inner, state)
        self.reported.update(p for p in nested_compositions(node) if p is not node)
        sources = _sources(found)
        if not sources:
            return NO_LABELS
        text = "".join(p if isinstance(p, str) else " x " for p in pieces)
        if looks_like_statement(text):
            self._report(node, how, sources)
            return frozenset({REPORTED})
        return frozenset({*sources, (COMPOSED, node, how, sources)})

    # -- checks -------------------------------------------------------------------------
    def check(self, node: cst.CSTNode, state: Held, parts: list[cst.CSTNode]) -> None:
        for part in parts:
            if part in self.reported:
                continue
            if is_composition(part):
                self._composition(part, state)
            elif type(part) is cst.Call and (query := _sql_argument(part)) is not None:
                for label in self.labels(query, state):
                    if _is_mark(label, COMPOSED):
                        self._report(label[1], label[2], label[3])

    def _report(self, node: cst.CSTNode, how: str, sources: frozenset[str]) -> None:
        if node in self.reported:
            return
        self.reported.add(node)
        self.file.report(self.rule, node, how=how,
                         sources=" and ".join(s for s in SOURCES if s in sources))


def _sql_argument(call: cst.Call) -> cst.BaseExpression | None:
    """The text that ``call`` runs as SQL or wraps as SQL (``text()``, ``sql.SQL()``)."""
    if called_name(call) in WRAPPING:
        return query_argument(call)
    return executed_query(call)


def _operands(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The values an expression passes on (containers, conditionals, arithmetic)."""
    if type(node) in (cst.List, cst.Tuple, cst.Set):
        return [e.value for e in node.elements]
    if type(node) is cst.Dict:
        return [e.value for e in node.elements]
    if type(node) is cst.IfExp:
        return [node.body, node.orelse]
    if type(node) in (cst.BooleanOperation, cst.BinaryOperation):
        return [node.left, node.right]
    if type(node) in (cst.Await, cst.StarredElement):
        return [node.expression if type(node) is cst.Await else node.value]
    if type(node) is cst.UnaryOperation and type(node.operator) is not cst.Not:
        return [node.expression]
    return []


def _for_clauses(clause: cst.CompFor):
    while clause is not None:
        yield clause
        clause = clause.inner_for_in


def _sources(labels: Labels) -> frozenset[str]:
    found = {label for label in labels if label in SOURCES}
    for label in labels:
        if _is_mark(label, COMPOSED) or _is_mark(label, SQL_RAW):
            found |= label[-1]
    return frozenset(found)


def _is_mark(label, mark: str) -> bool:
    return isinstance(label, tuple) and label[0] == mark


def _union_sources(labels) -> frozenset[str]:
    return frozenset().union(*(label[-1] for label in labels))
