"""Whether a writer's database writes are rolled back on error, and whether its file
writes are atomic (OSD041).

A database write is ``execute``/``executemany``/``executescript``/``exec_driver_sql``
with SQL that changes data or schema, or ``copy``/``copy_expert``/``copy_from`` on a
cursor, called on a database handle; or ``DataFrame.to_sql``. It is covered when it
runs inside a transactional ``with`` (``with conn:``, ``with conn.transaction():``,
``with engine.begin():``, ``with psycopg.connect(...) as conn:``), or inside a ``try``
whose ``except`` handler rolls back and is followed by a ``commit()``.

A file write (pandas ``to_csv``/``to_parquet``/..., ``open(path, "w")``,
``Path.write_text``, pyarrow's writers) is atomic when it goes to a temporary path that
``os.replace``/``os.rename``/``shutil.move``/``Path.replace`` moves into place, to a
``tempfile`` file, or to an open file object or in-memory buffer.

``run`` and the helpers it reaches (reach.py, any depth) are read; a helper's writes
can be covered by the transaction around its call in any function on the way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from ....contract.sql import parsed, statement_change
from ...analysis.bindings import ASSIGNMENT, WITH_ITEM, SemanticModel
from ...analysis.drivers import DriverClass, assigned_value, literal_string
from ...analysis.literals import template_text
from ...analysis.names import ImportMap, dotted
from ...analysis.pieces import TRY, WITH, Piece
from ...analysis.reach import (
    callee,
    calls_of,
    helper_calls,
    indexed_pieces,
    reached_functions,
    summary,
)
from ...analysis.resources import (
    CLOSING_WRAPPERS,
    CONNECTION,
    CURSOR,
    FILE,
    SESSION,
    called_name,
    is_cursor_name,
    is_handle_name,
    is_self_method,
    name_words,
    opened_kind,
    unwrap,
)
from ...analysis.walk import calls_in, descendants

DATABASE_WRITES = frozenset({"execute", "executemany", "executescript", "exec_driver_sql",
                             "copy", "copy_expert", "copy_from"})
CURSOR_WRITES = frozenset({"copy", "copy_expert", "copy_from"})
SQL_KEYWORDS = ("query", "sql", "statement", "operation")
FRAME_FILE_WRITES = frozenset({"to_csv", "to_parquet", "to_json", "to_excel", "to_feather",
                               "to_orc", "to_pickle", "to_hdf", "to_xml", "to_stata"})
PATH_KEYWORDS = ("path_or_buf", "path", "excel_writer", "path_or_buffer", "fname")
ARROW_WRITES = (".parquet.write_table", ".csv.write_csv", ".feather.write_feather")
ATOMIC_MOVES = frozenset({"os.replace", "os.rename", "shutil.move"})
# Buffers and descriptors a file write may target without touching a destination path.
IN_MEMORY = frozenset({"io.StringIO", "io.BytesIO", "os.fdopen", "pyarrow.BufferOutputStream",
                       "pyarrow.MockOutputStream"})
PATH_WRAPPERS = frozenset({"Path", "PurePath", "str", "fspath", "join", "joinpath"})
OBJECT_STORE = re.compile(r"(?:s3a?|gs|gcs|az|abfss?)://")
# ``with`` items that open a transaction: ``conn.transaction()``, ``engine.begin()``,
# ``transaction.atomic()``, ``self._transaction(conn)``.
TRANSACTION_WORDS = frozenset({"transaction", "begin", "atomic"})
CONNECT_WORDS = frozenset({"connect", "connection"})

TRANSACTION, COMMIT = "transaction", "commit"  # what an uncovered database write lacks
# The bindings that give a name its value: ``conn = connect(...)``, ``with ... as conn``.
ASSIGNED = frozenset({ASSIGNMENT, WITH_ITEM})


@dataclass(frozen=True)
class Uncovered:
    call: cst.Call
    function: cst.FunctionDef
    what: str  # ``cur.executemany``
    lacks: str  # TRANSACTION, COMMIT (a rollback covers it, no commit follows), or "atomic file"


class TransactionAnalysis:
    def __init__(self, driver: DriverClass, module: cst.Module, imports: ImportMap,
                 bindings: SemanticModel, ctx_name: str) -> None:
        self.driver = driver
        self.module = module
        self.imports = imports
        self.bindings = bindings
        self.ctx_name = ctx_name
        self._rollbacks: dict[cst.CSTNode, bool] = {}

    def uncovered(self) -> list[Uncovered]:
        self._functions: dict[cst.FunctionDef, _Function] = {}
        self._lacking: dict[cst.FunctionDef, list[Uncovered]] = {}
        found = self._uncovered_in(self.driver.run, frozenset())
        functions = [self._function(f) for f in reached_functions(self.driver)]
        return found + _File(self, functions).in_place_writes()

    def _function(self, function: cst.FunctionDef) -> _Function:
        if function not in self._functions:
            self._functions[function] = _Function(self, function)
        return self._functions[function]

    def _uncovered_in(self, function: cst.FunctionDef,
                      callers: frozenset[cst.FunctionDef]) -> list[Uncovered]:
        """The writes of ``function`` and of the helpers it reaches that no transaction
        around them, in it or between it and them, covers. ``callers``: the chain that
        leads here, where a recursive call stops."""
        if function in self._lacking:
            return self._lacking[function]
        own = self._function(function)
        found = own.uncovered_database_writes()
        for call, helper in helper_calls(self.driver, function):
            if helper in callers or helper is function:
                continue
            lacking = self._uncovered_in(helper, callers | {function})
            if lacking and not own.covers_call(call, self._function(helper).commits_anywhere(),
                                               only_commit=all(w.lacks == COMMIT for w in lacking)):
                found += [w for w in lacking if w not in found]
        self._lacking[function] = found
        return found

    def rolls_back(self, node: cst.Try | cst.TryStar) -> bool:
        """Whether an ``except`` handler of the ``try`` rolls back (itself or through
        helpers)."""
        if node not in self._rollbacks:
            self._rollbacks[node] = any(self._ends(call, "rollback")
                                        for handler in node.handlers for call in calls_in(handler))
        return self._rollbacks[node]

    def _ends(self, call: cst.Call, how: str) -> bool:
        """Whether ``call`` commits (``how="commit"``) or rolls back: ``conn.rollback()``,
        ``cur.execute("ROLLBACK")``, a call handed the method (``roll_back(conn.rollback,
        error)``), or a helper of the module that does, at any depth."""
        if any(type(arg.value) is cst.Attribute and arg.value.attr.value == how
               for arg in call.args):
            return True
        helper = callee(self.driver, call)
        if helper is not None:
            return summary(self.driver, ("ends", how), helper, lambda function: any(
                self._ends(inner, how) for inner in calls_of(self.driver, function)), False)
        name = called_name(call)
        if is_self_method(call):
            return False  # a method the class inherits: not seen
        if name == how:
            return True
        sql = template_text(call.args[0].value) if name == "execute" and call.args else None
        return sql is not None and transaction_control(sql) == how.upper()

    def commits(self, call: cst.Call) -> bool:
        return self._ends(call, "commit")

    def is_transaction_item(self, item: cst.WithItem, handles: dict[str, str]) -> bool:
        if type(item.item) is cst.Call and called_name(item.item) in CLOSING_WRAPPERS:
            return False  # closing(conn) closes it; nothing commits or rolls back
        expression = unwrap(item.item)
        if type(expression) is cst.Call:
            words = name_words(called_name(expression) or "")
            return bool(words & TRANSACTION_WORDS) or bool(words & CONNECT_WORDS) \
                or opened_kind(expression, self.imports) in (CONNECTION, SESSION)
        name = dotted(expression)
        kind = handles.get(name or "")
        return kind != CURSOR and (kind is not None or (is_handle_name(name) and not is_cursor_name(name)))


class _Function:
    """One function's database writes, commits and handles, in source order."""

    def __init__(self, analysis: TransactionAnalysis, function: cst.FunctionDef) -> None:
        self.analysis = analysis
        self.function = function
        self.pieces = indexed_pieces(analysis.driver, function)
        self.handles: dict[str, str] = {}
        self.assigned: dict[str, list[cst.BaseExpression]] = {}
        self.where: dict[cst.Call, tuple[int, Piece]] = {}
        self.commit_indexes: list[int] = []
        self._note_handles()
        for index, (piece, calls) in enumerate(self.pieces):
            for call in calls:
                self.where[call] = (index, piece)
                if analysis.commits(call):
                    self.commit_indexes.append(index)

    def _note_handles(self) -> None:
        """What the function assigns to each name (and ``self.x``), and which of those
        names hold a connection, cursor, session or file (the last such value)."""
        for name, value in self.analysis.bindings.scope(self.function).assignments(ASSIGNED):
            value = unwrap(value)
            kind = opened_kind(value, self.analysis.imports) if type(value) is cst.Call else None
            if type(value) is cst.Call and name_words(called_name(value) or "") & (
                    TRANSACTION_WORDS | CONNECT_WORDS):
                kind = kind or CONNECTION
            self.assigned.setdefault(name, []).append(value)
            if kind is not None:
                self.handles[name] = kind

    def commits_anywhere(self) -> bool:
        return bool(self.commit_indexes)

    def uncovered_database_writes(self) -> list[Uncovered]:
        found = []
        for call, (index, piece) in self.where.items():
            what = self._database_write(call)
            lacks = self._lacks(index, piece, commits_itself=False) if what else None
            if lacks is not None:
                found.append(Uncovered(call, self.function, what, lacks))
        return found

    def covers_call(self, call: cst.Call, commits_itself: bool, only_commit: bool) -> bool:
        """Whether the helper call ``call`` in this function runs in a transaction."""
        index, piece = self.where[call]
        lacks = self._lacks(index, piece, commits_itself)
        return lacks is None or (only_commit and any(i > index for i in self.commit_indexes))

    def _lacks(self, index: int, piece: Piece, commits_itself: bool) -> str | None:
        if any(self.analysis.is_transaction_item(item, self.handles)
               for statement in piece.enclosing(WITH) for item in statement.items):
            return None
        if any(self.analysis.rolls_back(t) for t in piece.enclosing(TRY)):
            committed = commits_itself or any(i > index for i in self.commit_indexes)
            return None if committed else COMMIT
        return TRANSACTION

    def _database_write(self, call: cst.Call) -> str | None:
        """``cur.executemany`` when ``call`` writes to a database, else None."""
        name = called_name(call)
        if name == "to_sql":
            return f"{dotted(call.func) or 'DataFrame.to_sql'}"
        if name not in DATABASE_WRITES or type(call.func) is not cst.Attribute \
                or not self._is_handle(call.func.value, cursor=name in CURSOR_WRITES):
            return None
        sql = self._sql(_argument(call, 0, SQL_KEYWORDS))
        if name != "copy_from" and sql is not None and not changes_database(sql):
            return None
        return dotted(call.func) or f"...{name}"

    def _sql(self, node: cst.BaseExpression | None) -> str | None:
        """The SQL text of an argument, also through a name bound once in the function or
        at module level (``cur.execute(CREATE_TABLE)``)."""
        if type(node) is cst.Name:
            local = self.assigned.get(node.value, [])
            node = local[0] if len(local) == 1 else None if local else assigned_value(
                self.analysis.module.body, node.value)
        return template_text(node)

    def _is_handle(self, receiver: cst.BaseExpression, cursor: bool) -> bool:
        if type(receiver) is cst.Call:  # conn.cursor().execute(...)
            kind = opened_kind(receiver, self.analysis.imports)
            return kind == CURSOR or (kind == CONNECTION and not cursor)
        name = dotted(receiver)
        if name is None or name == "self":
            return False
        if self.analysis.imports.qualify(receiver) == "duckdb":
            return not cursor
        kind = self.handles.get(name)
        if cursor:
            return kind == CURSOR or (kind is None and is_cursor_name(name))
        return kind is not None or is_handle_name(name)


class _File:
    """The file writes of ``run`` and its helpers, and what makes each one atomic."""

    def __init__(self, analysis: TransactionAnalysis, functions: list[_Function]) -> None:
        self.analysis = analysis
        self.functions = functions
        self.safe_roots: set[str] = set()  # temporary paths, open file objects, buffers
        self.moved: set[str] = set()  # roots and code of what is moved into place
        for function in functions:
            self._note_bindings(function)
            for call in function.where:
                self._note_move(call)

    def in_place_writes(self) -> list[Uncovered]:
        found = []
        for function in self.functions:
            for call in function.where:
                target = self._file_target(call)
                if target is not None and not self._is_atomic(target):
                    found.append(Uncovered(call, function.function,
                                           dotted(call.func) or called_name(call) or "", "atomic file"))
        return found

    def _is_atomic(self, target: cst.BaseExpression) -> bool:
        root = _root(target)
        if root in self.safe_roots or root in self.moved or _code(target) in self.moved:
            return True
        text = template_text(target)
        if text is not None and OBJECT_STORE.match(text):
            return True  # an object store writes an object whole
        return root in ("sys.stdout", "sys.stderr") or self._in_output_dir(target)

    def _in_output_dir(self, path: cst.BaseExpression) -> bool:
        """A path built from ``ctx`` (``ctx.output_dir``): a run artifact, not the destination."""
        return any(type(n) is cst.Name and n.value == self.analysis.ctx_name
                   for n in (path, *descendants(path)))

    def _note_bindings(self, function: _Function) -> None:
        """Names bound to temporary paths, file objects and buffers."""
        assigned = []
        for piece, _ in function.pieces:
            node = piece.node
            if piece.item is not None and piece.item.asname is not None:
                assigned.append((piece.item.asname.name, node))
            elif type(node) is cst.Assign:
                assigned += [(t.target, node.value) for t in node.targets]
        changed = True
        while changed:  # names derived from a temporary path are temporary too
            changed = False
            for target, value in assigned:
                names = [e.value for e in target.elements] if type(target) is cst.Tuple else [target]
                roots = {r for n in names if (r := _root(n))}
                if roots and not roots <= self.safe_roots and self._is_safe_source(value):
                    self.safe_roots |= roots
                    changed = True

    def _is_safe_source(self, value: cst.BaseExpression) -> bool:
        value = unwrap(value)
        if self._in_output_dir(value):
            return True
        if type(value) is cst.Call:
            qualified = self.analysis.imports.qualify(value.func) or ""
            if qualified.startswith("tempfile.") or qualified in IN_MEMORY:
                return True
            if opened_kind(value, self.analysis.imports) == FILE:
                return True
        return _root(value) in self.safe_roots

    def _note_move(self, call: cst.Call) -> None:
        qualified = self.analysis.imports.qualify(call.func) or ""
        positional = [a.value for a in call.args if a.keyword is None and not a.star]
        if qualified in ATOMIC_MOVES and positional:
            source = positional[0]
        elif called_name(call) in ("replace", "rename") and len(positional) == 1 \
                and type(call.func) is cst.Attribute and qualified not in ATOMIC_MOVES:
            source = call.func.value  # Path(tmp).replace(destination)
        else:
            return
        self.moved |= {r for r in (_root(source), _code(source)) if r}

    def _file_target(self, call: cst.Call) -> cst.BaseExpression | None:
        """The path a file-writing call writes to, else None."""
        name = called_name(call)
        if name in FRAME_FILE_WRITES:
            return _argument(call, 0, PATH_KEYWORDS)
        if name in ("write_text", "write_bytes") and type(call.func) is cst.Attribute:
            return call.func.value
        if (self.analysis.imports.qualify(call.func) or "").endswith(ARROW_WRITES):
            return _argument(call, 1, ("where", "output_file", "dest"))
        if opened_kind(call, self.analysis.imports) == FILE:
            return self._opened_for_writing(call)
        return None

    def _opened_for_writing(self, call: cst.Call) -> cst.BaseExpression | None:
        """``open(path, "w")``, ``gzip.open(path, "wt")``, ``Path(path).open("a")``."""
        func = call.func
        head = (dotted(func) or "").split(".")[0]
        if type(func) is cst.Name or head in self.analysis.imports.names:
            path, mode = _argument(call, 0, ("file", "filename")), _argument(call, 1, ("mode",))
        else:
            path, mode = func.value, _argument(call, 0, ("mode",))
        modes = [mode] if mode is None or type(mode) is not cst.IfExp else [mode.body, mode.orelse]
        writes = any(set(literal_string(m) or "") & set("wax+") for m in modes if m is not None)
        return path if writes else None


def _argument(call: cst.Call, position: int, keywords: tuple[str, ...]) -> cst.BaseExpression | None:
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    if len(positional) > position:
        return positional[position]
    return next((a.value for a in call.args if a.keyword is not None and a.keyword.value in keywords),
                None)


def _root(node: cst.BaseExpression) -> str | None:
    """The variable a path expression starts from: ``tmp`` for ``tmp``, ``tmp.name``,
    ``Path(tmp)``, ``os.path.join(tmp, "a.csv")`` and ``tmp / "a.csv"``."""
    if type(node) is cst.Name:
        return node.value
    if type(node) is cst.Attribute:
        name = dotted(node)
        if name is None:
            return None
        parts = name.split(".")
        return ".".join(parts[:2]) if parts[0] in ("self", "sys") else parts[0]
    if type(node) is cst.BinaryOperation:
        return _root(node.left)
    if type(node) is cst.Call and called_name(node) in PATH_WRAPPERS and node.args:
        return _root(node.args[0].value)
    return None


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def changes_database(sql: str) -> bool:
    """Whether a statement of ``sql`` writes data or schema (contract/sql.py decides).
    Re-runnable setup does not count as a write that needs a rollback: ``CREATE ... IF
    NOT EXISTS``, session settings and transaction control; nor does ``COPY ... TO``."""
    return any(_writes(words) for words in parsed(sql))


def transaction_control(sql: str) -> str | None:
    """``"COMMIT"`` or ``"ROLLBACK"`` when that is all the text says."""
    found = parsed(sql)
    if len(found) == 1 and found[0][0] in ("COMMIT", "ROLLBACK"):
        return found[0][0]
    return None


def _writes(words: list[str]) -> bool:
    head = words[0]
    if head == "CREATE" and "IF NOT EXISTS" in " ".join(words[:8]):
        return False
    if head == "COPY":
        return "TO" not in words
    if head in ("SET", "RESET", "PRAGMA"):
        return False
    return statement_change(words) is not None
