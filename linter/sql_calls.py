"""Calls that run SQL, and which of their arguments is the query (OSD031, OSD034)."""

from __future__ import annotations

import libcst as cst

from .dataflow import called_name

# DB-API and SQLAlchemy methods on any object, pandas readers, duckdb's ``sql``.
EXECUTING = frozenset({"execute", "executemany", "executescript", "exec_driver_sql", "read_sql",
                       "read_sql_query", "sql"})
# Wrappers that make text into a SQL object: SQLAlchemy ``text()``, psycopg ``sql.SQL()``.
WRAPPING = frozenset({"text", "SQL"})
QUERY_KEYWORDS = frozenset({"sql", "query", "statement", "operation", "sql_query"})


def query_argument(call: cst.Call) -> cst.BaseExpression | None:
    """The query passed to a call: a ``sql=``/``query=``/``statement=``/``operation=``
    keyword, else the first positional argument."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in QUERY_KEYWORDS:
            return arg.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[0].value if positional else None


def executed_query(call: cst.Call) -> cst.BaseExpression | None:
    """The query ``call`` runs, when it is one of the EXECUTING calls."""
    return query_argument(call) if called_name(call) in EXECUTING else None


def unwrapped(node: cst.BaseExpression) -> cst.BaseExpression:
    """The text inside ``text(...)`` / ``sql.SQL(...)`` (and ``textwrap.dedent``)."""
    while isinstance(node, cst.Call) and called_name(node) in (*WRAPPING, "dedent") \
            and (inner := query_argument(node)) is not None:
        node = inner
    return node
