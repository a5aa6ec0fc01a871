"""How drivers build and run SQL text (OSD031, OSD034): the calls that run it and
which argument is the query, the compositions that build text from pieces
(f-strings, ``+``, ``%``, ``.format``), and the calls that quote a value."""

from __future__ import annotations

import re

import libcst as cst

from .dataflow import called_name
from .drivers import literal_string

# DB-API and SQLAlchemy methods on any object, pandas readers, duckdb's ``sql``.
EXECUTING = frozenset({"execute", "executemany", "executescript", "exec_driver_sql", "read_sql",
                       "read_sql_query", "sql"})
# Wrappers that make text into a SQL object: SQLAlchemy ``text()``, psycopg ``sql.SQL()``.
WRAPPING = frozenset({"text", "SQL"})
QUERY_KEYWORDS = frozenset({"sql", "query", "statement", "operation", "sql_query"})
# Calls whose result cannot carry SQL: quoting, numbers, connections.
SAFE_CALLS = frozenset({"int", "float", "bool", "len", "round", "abs", "Identifier", "Literal",
                        "Placeholder", "connect", "create_engine", "cursor"})
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")
_PERCENT_FIELD = re.compile(r"%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[sdifr]")


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


def is_quoting(name: str) -> bool:
    lowered = name.lower()
    return name in SAFE_CALLS or "quote" in lowered or "escape" in lowered


def without_fields(template: str) -> str:
    """``template`` with its ``str.format`` fields (``{}``, ``{name}``) made neutral."""
    return _FORMAT_FIELD.sub(" x ", template)


def is_composition(node: cst.CSTNode) -> bool:
    if type(node) in (cst.FormattedString, cst.ConcatenatedString):
        return True
    if type(node) is cst.BinaryOperation:
        return type(node.operator) is cst.Add or (
            type(node.operator) is cst.Modulo and _is_text(node.left))
    return type(node) is cst.Call and type(node.func) is cst.Attribute \
        and node.func.attr.value == "format" and _is_text(node.func.value)


def _is_text(node: cst.CSTNode) -> bool:
    return type(node) in (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)


def composition_pieces(node: cst.BaseExpression) -> tuple[str, list]:
    """(how a composition is built, its literal texts and the expressions between them)."""
    if type(node) is cst.Call:  # "...".format(...)
        texts = [without_fields(p) if isinstance(p, str) else p for p in _flat(node.func.value)]
        return ".format", texts + [a.value for a in node.args]
    if type(node) is cst.BinaryOperation and type(node.operator) is cst.Modulo:
        texts = [_PERCENT_FIELD.sub(" x ", p) if isinstance(p, str) else p
                 for p in _flat(node.left)]
        return "%", texts + [node.right]
    if type(node) is cst.BinaryOperation:
        return "+", _flat(node.left) + _flat(node.right)
    if type(node) is cst.ConcatenatedString:
        pieces = _flat(node.left) + _flat(node.right)
        formatted = any(type(p) is cst.FormattedString for p in nested_compositions(node))
        return ("an f-string" if formatted else "a string"), pieces
    return "an f-string", [p.value if type(p) is cst.FormattedStringText else p.expression
                           for p in node.parts]


def _flat(node: cst.BaseExpression) -> list:
    """A piece of a composition: its own pieces when it is one, its text when literal."""
    if is_composition(node):
        return composition_pieces(node)[1]
    text = literal_string(node)
    return [text] if text is not None else [node]


def nested_compositions(node: cst.BaseExpression):
    """The compositions ``node`` is made of (its ``+`` chain, implicit concatenation)."""
    yield node
    if type(node) is cst.BinaryOperation and type(node.operator) is cst.Add:
        yield from nested_compositions(node.left)
        yield from nested_compositions(node.right)
    elif type(node) is cst.ConcatenatedString:
        yield from nested_compositions(node.left)
        yield from nested_compositions(node.right)
