"""Recognising the resources a driver holds: the calls that open a connection, cursor,
engine, session or file, the calls that close one, and the names that hold a database
handle. OSD025 (cleanup) and OSD041 (transactions) judge the same calls, so they
recognise them here, once.
"""

from __future__ import annotations

import libcst as cst

from .names import ImportMap, dotted

CONNECTION, CURSOR, ENGINE, SESSION, FILE = "connection", "cursor", "engine", "session", "file"

# The catalogue's opening calls, by their last name: ``psycopg.connect``,
# ``engine.connect``, ``conn.cursor``, ``open``, ``Path(p).open``, ``orm.Session``...
OPENERS = {"connect": CONNECTION, "create_engine": ENGINE, "cursor": CURSOR, "open": FILE,
           "Session": SESSION}
# Same names, no resource to close: a file descriptor, a boto3 configuration holder.
NOT_RESOURCES = frozenset({"os.open", "boto3.Session", "boto3.session.Session", "webbrowser.open"})
CLOSERS = frozenset({"close", "dispose"})
# ``closing(x)`` is ``x`` made a context manager; ``stack.enter_context(x)`` hands ``x``
# to an ``ExitStack`` that closes it.
CLOSING_WRAPPERS = frozenset({"closing", "aclosing"})
# Connections whose ``with`` commits or rolls back but leaves them open (sqlite3's and
# psycopg2's ``__exit__``); psycopg 3, PyMySQL and DuckDB close theirs.
WITH_KEEPS_OPEN = frozenset({"sqlite3.connect", "psycopg2.connect"})
HANDED_TO_STACK = frozenset({"enter_context", "enter_async_context"})

# Conventional names of database handles: ``conn``, ``self._connection``, ``pg_cursor``...
_HANDLE_WORDS = frozenset({"conn", "connection", "con", "cur", "cursor", "engine", "session",
                           "db", "dbconn", "duckdb", "tx", "txn", "transaction"})
_CURSOR_WORDS = frozenset({"cur", "cursor"})


def called_name(call: cst.Call) -> str | None:
    """The last name of what is called: ``connect`` for ``psycopg.connect(...)``."""
    func = call.func
    if type(func) is cst.Attribute:
        return func.attr.value
    return func.value if type(func) is cst.Name else None


def is_self_method(call: cst.Call) -> bool:
    """``self.<name>(...)``: a method of the driver, judged by its body, not its name."""
    func = call.func
    return type(func) is cst.Attribute and type(func.value) is cst.Name \
        and func.value.value == "self"


def opened_kind(call: cst.Call, imports: ImportMap) -> str | None:
    """The kind of resource ``call`` opens (``"connection"``, ``"file"``...), else None."""
    kind = OPENERS.get(called_name(call) or "")
    if kind is None or is_self_method(call) or imports.qualify(call.func) in NOT_RESOURCES:
        return None
    return kind


def with_keeps_open(call: cst.Call, imports: ImportMap) -> bool:
    """``with sqlite3.connect(...) as conn:`` ends a transaction, not the connection."""
    return imports.qualify(call.func) in WITH_KEEPS_OPEN


def owner(call: cst.Call) -> str | None:
    """``conn`` for ``conn.close()``: the dotted name of what a method is called on."""
    return dotted(call.func.value) if type(call.func) is cst.Attribute else None


def unwrap(node: cst.BaseExpression) -> cst.BaseExpression:
    """The expression inside ``await``, and the resource inside ``closing(...)``."""
    while True:
        if type(node) is cst.Await:
            node = node.expression
        elif type(node) is cst.Call and called_name(node) in CLOSING_WRAPPERS and node.args:
            node = node.args[0].value
        else:
            return node


def closed_name(call: cst.Call) -> str | None:
    """``conn`` for ``conn.close()`` / ``engine.dispose()``."""
    return owner(call) if called_name(call) in CLOSERS else None


def name_words(name: str) -> set[str]:
    """``{"pg", "conn"}`` for ``self._pg_conn``."""
    return {word for word in name.rsplit(".", 1)[-1].lower().split("_") if word}


def is_handle_name(name: str | None) -> bool:
    """Whether a name reads as a database handle: ``conn``, ``self._cursor``, ``pg_engine``."""
    if not name or name == "self":
        return False
    words = name_words(name)
    last = name.rsplit(".", 1)[-1].lower()
    return bool(words & _HANDLE_WORDS) or last.endswith(("conn", "cursor"))


def is_cursor_name(name: str | None) -> bool:
    return bool(name) and bool(name_words(name) & _CURSOR_WORDS)
