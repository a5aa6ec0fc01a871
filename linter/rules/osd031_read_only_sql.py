"""OSD031 read-only-sql."""

from __future__ import annotations

from itertools import islice, product

import libcst as cst

from ...contract.sql import changes
from ..analysis.dataflow import ValueFlow, called_name, key
from ..analysis.drivers import DriverClass, literal_string
from ..analysis.held import EMPTY, Held, Labels
from ..analysis.reach import arguments_by_parameter
from ..analysis.sql_text import (
    WRAPPING,
    composition_pieces,
    executed_query,
    is_composition,
    is_quoting,
    query_argument,
    without_fields,
)
from ..engine.rule import Example, FileContext, Rule

# What a name may hold: ("literal", text), ("unsafe", node it came from), VALIDATED (passed
# a read_only check), SAFE (a quoted identifier or a number); DEFAULT: its value at the start.
LITERAL, UNSAFE = "literal", "unsafe"
VALIDATED, SAFE, DEFAULT = ("validated",), ("safe",), ("default",)
# Stand-ins for values inside composed text: a validated query is a read-only statement.
STAND_INS = {VALIDATED: "(SELECT 1)", SAFE: '"x"'}
TEXT_METHODS = frozenset({"strip", "rstrip", "lstrip", "dedent"}) | WRAPPING
MOST_TEXTS = 8  # combinations of one composed text judged beyond those covering each piece


class ReadOnlySql(Rule):
    code = "OSD031"
    message = "{call}(...) runs {what}; an extractor must only read, and must check SQL " \
              "that is not a literal with a read_only validator before running it"
    explanation = """
## What it checks
In an extractor's `run` and the helpers it reaches at any depth, every query
run by `execute`, `executemany`, `executescript`, `exec_driver_sql` (on any object),
pandas `read_sql` / `read_sql_query`, or duckdb `sql`:
- a query that is not a literal (from `config`, a parameter, built at run time) must
  have passed a call whose name contains `read_only` (`validate_read_only(query)`,
  `self._ensure_read_only(sql)`, `if not is_read_only(q): raise ...`) before it, on every
  path that reaches the call. The check covers the expression it was given
  (`config["query"]`, a name) and names bound from it afterwards, and the result of the
  check when the validator returns the query (`q = validate_read_only(config["query"])`).
  A helper that checks its parameter on all of its paths counts where `run` calls it;
  a check made only under a condition (`if "query" in config: validate(...)`) does not
  count on the paths where the condition may be false.
  Rebinding the name forgets the check.
- a literal query (also through names, module or class constants, `text()`, `sql.SQL()`,
  and text composed from literals, quoted identifiers, numbers and checked queries) must
  not hold a statement that changes data, schema, permissions or server state: INSERT,
  UPDATE, DELETE, MERGE, UPSERT, REPLACE INTO, DROP, CREATE, ALTER, TRUNCATE, GRANT,
  REVOKE, COPY, CALL, EXEC/EXECUTE, DO, ATTACH, DETACH, VACUUM, LOAD DATA, SELECT ... INTO,
  INTO OUTFILE, PRAGMA assignments, and more (`contract/sql.py` has the list).

SQL is judged on tokens, never on substrings (`contract/sql.py`): comments and string
literals are removed, keywords are whole words, every statement of a multi-statement
string is checked, and data-changing sub-statements (`WITH x AS (DELETE ...)`) count.

## Why
"MUST validate SQL is read-only (no INSERT/UPDATE/DELETE/DROP)". An extractor runs with
credentials that can often write; a query from configuration that turns out to be a
`DELETE`, or a maintenance statement left in an extractor, destroys data in the source.

## Accepted
Statements the extractor issues to make its own session read-only: `SET TRANSACTION
READ ONLY`, `SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY`, `START TRANSACTION
READ ONLY`, `PRAGMA query_only = ON`; session settings (`SET statement_timeout = ...`);
`SELECT ... FOR UPDATE`; `SELECT ... INTO @variable`; `EXPLAIN` without `ANALYZE`.
psycopg composition (`sql.SQL("SELECT * FROM {}").format(sql.Identifier(t))`) is judged
on its template: psycopg quotes its arguments. Decisions: `LOAD`/`INSTALL` of a duckdb
extension and `LOCK` are accepted; statements that are not known to read (anything
outside the lists in `contract/sql.py`) are not.

## Fix
```python
query = config["query"]
validate_read_only(query)   # raises on anything but read-only SQL
cur.execute(query)
```

## Not followed
Per function over `run` and the helpers it reaches (methods through `self`, the
module's functions by name; functions of other modules are not followed). Queries held
in attributes of other objects, and checks done
by functions whose name lacks `read_only`, are not followed. Side effects of functions
called from a `SELECT` (`nextval`, `pg_terminate_backend`) are not judged: the statement
kind is.
"""
    VALID = [
        Example("""
            import psycopg
            from osiris.drivers.sql_guard import validate_read_only

            class PostgresExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    query = config["query"]
                    validate_read_only(query)
                    with psycopg.connect(config["dsn"], connect_timeout=10) as conn:
                        conn.execute("SET TRANSACTION READ ONLY")
                        with conn.cursor() as cur:
                            cur.execute(query)
                            rows = cur.fetchall()
                    ctx.log_metric("rows_read", len(rows))
                    return {"df": rows}
        """, path="postgres_extractor_driver.py"),
        Example("""
            import sqlite3

            import pandas as pd

            COUNT = "SELECT count(*) FROM orders -- TODO: drop the archive table"

            class SqliteExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    conn = sqlite3.connect(config["path"])
                    conn.execute("PRAGMA query_only = ON")
                    total = conn.execute(COUNT).fetchone()[0]
                    sql = self._read_only_query(config)
                    df = pd.read_sql_query(sql, conn)
                    names = pd.read_sql("SELECT updated_at, created_by, REPLACE(name, 'a', 'b') "
                                        "FROM customers WHERE note <> 'DELETE ME'", conn)
                    return {"df": df, "total": total, "names": names}

                def _read_only_query(self, config):
                    if not is_read_only(config["query"]):
                        raise ValueError("only SELECT statements may run in an extractor")
                    return config["query"]
        """, path="sqlite_extractor_driver.py"),
        Example("""
            import duckdb
            from psycopg import sql

            def quote_ident(name):
                return '"' + name.replace('"', '""') + '"'

            class DuckdbExtractorDriver:
                LIMIT_QUERY = "SELECT * FROM ({}) AS q LIMIT 1000"

                def run(self, step_id, config, inputs, ctx):
                    con = duckdb.connect(config["path"], read_only=True)
                    if "query" in config:
                        query = config["query"]
                        self._ensure_select(query)
                    else:
                        query = f"SELECT * FROM {quote_ident(config['table'])}"
                    preview = con.sql(f"{query} LIMIT 10").df()
                    composed = sql.SQL("SELECT * FROM {}").format(sql.Identifier(config["table"]))
                    df = self._read(con, query)
                    return {"df": df, "preview": preview, "composed": composed}

                def _ensure_select(self, query):
                    if not is_read_only(query):
                        raise ValueError(f"not a read-only query: {query}")

                def _read(self, con, query):
                    return con.execute(self.LIMIT_QUERY.format(query)).df()
        """, path="duckdb_extractor_driver.py"),
        Example("""
            class OrdersWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    self.conn.execute(config["statement"])
                    self.conn.execute("DELETE FROM staging")
                    return {}
        """, path="orders_writer_driver.py"),
    ]
    INVALID = [
        Example("""
            import pymysql

            class MysqlExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    conn = pymysql.connect(**config["resolved_connection"], connect_timeout=10)
                    with conn.cursor() as cur:
                        cur.execute(config["query"])  # expect: OSD031
                        validate_read_only(config["query"])
                        rows = cur.fetchall()
                    return {"df": rows}
        """, path="mysql_extractor_driver.py"),
        Example("""
            import pandas as pd
            from sqlalchemy import create_engine, text

            class PostgresExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    engine = create_engine(config["url"], connect_args={"connect_timeout": 5})
                    query = config.get("query")
                    if config.get("strict", True):
                        self._validate_read_only(query)
                    with engine.connect() as conn:
                        conn.execute(text("SET TRANSACTION READ ONLY"))
                        df = pd.read_sql(text(query), conn)  # expect: OSD031
                        query = query + f" LIMIT {config['limit']}"
                        sample = pd.read_sql(text(query), conn)  # expect: OSD031
                    return {"df": df, "sample": sample}
        """, path="postgres_extractor_driver.py"),
        Example("""
            import sqlite3

            CLEANUP = "SELECT 1; DROP TABLE IF EXISTS tmp_orders"

            class SqliteExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    conn = sqlite3.connect(config["path"])
                    conn.executescript(CLEANUP)  # expect: OSD031
                    conn.execute("WITH gone AS (DELETE FROM queue RETURNING *) "  # expect: OSD031
                                 "SELECT * FROM gone")
                    conn.execute("PRAGMA journal_mode = WAL")  # expect: OSD031
                    return {"df": self._read(conn, "SELECT * INTO backup FROM orders")}

                def _read(self, conn, statement):
                    return conn.execute(statement).fetchall()  # expect: OSD031
        """, path="sqlite_extractor_driver.py"),
        Example("""
            import duckdb

            class DuckdbExtractorDriver:
                def run(self, step_id, config, inputs, ctx):
                    con = duckdb.connect(config["path"])
                    for statement in config.get("setup", []):
                        con.execute(statement)  # expect: OSD031
                    table = config["table"]
                    df = con.sql(f"SELECT * FROM {table}").df()  # expect: OSD031
                    return {"df": self._fetch(con, config["query"])}

                def _fetch(self, con, query):
                    return con.execute(query).df()  # expect: OSD031
        """, path="duckdb_extractor_driver.py"),
    ]

    def check_driver(self, driver: DriverClass, file: FileContext) -> None:
        constants = _constants(file.module.body, driver.node.body.body)
        _Queries(self, file, constants).analyse_driver(driver, EMPTY)


class _Queries(ValueFlow):
    """Labels: what a query may be (see LITERAL, UNSAFE, VALIDATED, SAFE, DEFAULT)."""

    def __init__(self, rule: ReadOnlySql | None, file: FileContext | None,
                 constants: dict[str, str | tuple[str, ...]]) -> None:
        super().__init__()
        self.rule = rule  # None: only summarising a helper, nothing is reported
        self.file = file
        self.constants = constants
        self.reported: set[cst.CSTNode] = set()
        self._summaries: dict[str, frozenset[str]] = {}

    @staticmethod
    def merge(a: Held, b: Held) -> Held:
        """Union, where a name bound on one side only holds its DEFAULT on the other."""
        return a.union(b, one_sided=frozenset({DEFAULT}))

    # -- values ------------------------------------------------------------------------
    def labels(self, node: cst.BaseExpression, state: Held) -> Labels:
        name = key(node)
        if name is not None:
            held = state.labels_of(name) or {DEFAULT}
            return frozenset(self._initial(name, node) if h == DEFAULT else h for h in held)
        if (text := literal_string(node)) is not None:
            return frozenset({(LITERAL, text)})
        if type(node) in (cst.Integer, cst.Float):
            return frozenset({SAFE})
        if is_composition(node):
            return self._composed(node, state)
        if type(node) is cst.Call:
            return self._call(node, state)
        if type(node) in (cst.IfExp, cst.BooleanOperation):
            left, right = (node.body, node.orelse) if type(node) is cst.IfExp \
                else (node.left, node.right)
            return self.labels(left, state) | self.labels(right, state)
        return frozenset({(UNSAFE, node)})

    def element_labels(self, node: cst.BaseExpression, state: Held) -> Labels:
        if type(node) in (cst.List, cst.Tuple):
            return frozenset().union(*(self.labels(e.value, state) for e in node.elements))
        constant = self.constants.get(key(node) or "")
        if isinstance(constant, tuple):
            return frozenset((LITERAL, text) for text in constant)
        return frozenset({(UNSAFE, node)})

    def _initial(self, name: str, node: cst.BaseExpression) -> tuple:
        """What ``name`` holds where the method starts: a module or class constant, or
        a value from outside (a parameter, config...)."""
        constant = self.constants.get(name.split(".", 1)[1] if name.startswith("self.") else name)
        return (LITERAL, constant) if isinstance(constant, str) else (UNSAFE, node)

    def _call(self, call: cst.Call, state: Held) -> Labels:
        name = called_name(call)
        func = call.func
        receiver = func.value if type(func) is cst.Attribute else None
        if "read_only" in name.lower():
            return frozenset({VALIDATED})
        if is_quoting(name):
            return frozenset({SAFE})
        if name in TEXT_METHODS:
            inner = receiver if name.endswith("strip") else query_argument(call)
            return self.labels(inner, state) if inner is not None else frozenset({SAFE})
        if receiver is not None and name == "join" and called_name(receiver) == "SQL":
            return frozenset({SAFE})  # sql.SQL(", ").join(...): a list of composed pieces
        if receiver is not None and name == "format":
            args = [a.value for a in call.args]
            if called_name(receiver) == "SQL":  # psycopg quotes arguments but sql.SQL(...)
                args = [a for a in args if called_name(a) == "SQL"]
            template = [without_fields(t) if isinstance(t, str) else t
                        for t in self._piece(receiver, state)]
            return self._joined([template] + [self._piece(a, state) for a in args])
        return frozenset({(UNSAFE, call)})

    def _composed(self, node: cst.BaseExpression, state: Held) -> Labels:
        _, pieces = composition_pieces(node)
        return self._joined([[p] if isinstance(p, str) else self._piece(p, state)
                             for p in pieces])

    def _piece(self, node: cst.BaseExpression, state: Held) -> list:
        """The texts a value may stand for inside composed SQL, or its UNSAFE labels."""
        found = self.labels(node, state)
        unsafe = [x for x in found if x[0] == UNSAFE]
        if unsafe:
            return unsafe
        return sorted({x[1] if x[0] == LITERAL else STAND_INS[x] for x in found})

    def _joined(self, pieces: list[list]) -> Labels:
        unsafe = [x for piece in pieces for x in piece if isinstance(x, tuple)]
        if unsafe:
            return frozenset(unsafe)
        return frozenset((LITERAL, "".join(texts)) for texts in _combinations(pieces))

    # -- effects ---------------------------------------------------------------------------
    def transfer(self, node: cst.CSTNode, state: Held, parts: list[cst.CSTNode]) -> Held:
        for call in parts:
            if "read_only" in called_name(call).lower():
                for arg in call.args:
                    if (name := key(arg.value)) is not None:
                        state = state.rebind(name, {VALIDATED})
            elif self.following_driver and (method := self.helper_of(call)) is not None:
                state = self._apply_summary(method, call, state)
        return self.bind(node, state)

    def _apply_summary(self, method: cst.FunctionDef, call: cst.Call, state: Held) -> Held:
        checked = self._summary(method)
        for param, arg in arguments_by_parameter(call, method).items():
            if (name := key(arg)) is None:
                continue
            for validated in checked:
                if validated == param or validated.startswith((param + "[", param + ".")):
                    state = state.rebind(name + validated[len(param):], {VALIDATED})
        return state

    def _summary(self, method: cst.FunctionDef) -> frozenset[str]:
        """The names and keys ``method`` checks with a read_only call on all of its exits."""
        name = method.name.value
        if name not in self._summaries:
            self._summaries[name] = frozenset()  # recursion guard
            exits = _Queries(None, None, self.constants).analyse(method)
            held = [{n for n, label in e.state.pairs() if label == VALIDATED}
                    - {n for n, label in e.state.pairs() if label != VALIDATED} for e in exits]
            self._summaries[name] = frozenset(set.intersection(*held)) if held else frozenset()
        return self._summaries[name]

    def check(self, node: cst.CSTNode, state: Held, parts: list[cst.CSTNode]) -> None:
        if self.rule is None:
            return
        for call in parts:
            query = executed_query(call)
            if query is None or call in self.reported:
                continue
            found = self.labels(query, state)
            unsafe = [x for x in found if x[0] == UNSAFE]
            if unsafe:
                origin = min(_code(x[1]) for x in unsafe)  # the same one in every run
                self._report(call, f"SQL that is not a literal ({origin}) with no read_only "
                                   f"check before it on this path")
                continue
            for text in sorted(x[1] for x in found if x[0] == LITERAL):
                if (reason := changes(text)) is not None:
                    self._report(call, f"SQL that is not read-only ({reason})")
                    break

    def _report(self, call: cst.Call, what: str) -> None:
        self.reported.add(call)
        self.file.report(self.rule, call, call=called_name(call), what=what)


def _combinations(pieces: list[list[str]]) -> list[tuple[str, ...]]:
    """The texts judged for a composition of ``pieces`` (each a sorted list of the texts
    it may stand for): every text of every piece at least once, then further
    combinations up to MOST_TEXTS. A bounded sample that is the same in every run and
    never leaves out a piece's text (a ``DELETE`` among twenty table names)."""
    if not all(pieces):
        return []
    widest = max((len(piece) for piece in pieces), default=1)
    covering = [tuple(piece[i % len(piece)] for piece in pieces) for i in range(widest)]
    return list(dict.fromkeys([*covering, *islice(product(*pieces), MOST_TEXTS)]))


def _constants(*bodies) -> dict[str, str | tuple[str, ...]]:
    """Module and class constants: ``NAME = "..."`` and ``NAMES = ("...", "...")``."""
    found: dict[str, str | tuple[str, ...]] = {}
    for body in bodies:
        for statement in body:
            if type(statement) is not cst.SimpleStatementLine:
                continue
            for small in statement.body:
                if type(small) is cst.Assign and len(small.targets) == 1 \
                        and type(small.targets[0].target) is cst.Name:
                    value = _constant(small.value)
                    if value is not None:
                        found[small.targets[0].target.value] = value
    return found


def _constant(node: cst.BaseExpression) -> str | tuple[str, ...] | None:
    if type(node) in (cst.List, cst.Tuple):
        texts = tuple(literal_string(e.value) for e in node.elements)
        return texts if texts and None not in texts else None
    return literal_string(node)


def _code(node: cst.CSTNode) -> str:
    code = cst.Module(body=[]).code_for_node(node)
    return code if len(code) <= 40 else code[:37] + "..."
