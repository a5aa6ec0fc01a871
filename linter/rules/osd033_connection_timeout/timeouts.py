"""Database and HTTP connect calls, and whether they carry a connect timeout (OSD033).

A timeout counts when the call is given one as a keyword (``connect_timeout=10``), in
its connection string (``"... connect_timeout=10"``), in ``connect_args``, or through a
``**`` expansion of a dict that holds one: a dict literal, a name bound to one in the
same function (or given the key later: ``params["connect_timeout"] = 10``), or a helper
of the module (a method of the driver, a module function) that returns one, at any
depth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from ...analysis.bindings import ASSIGNMENT, WITH_ITEM, SemanticModel
from ...analysis.drivers import DriverClass, literal_string, subscript_index
from ...analysis.literals import template_text
from ...analysis.names import ImportMap, dotted
from ...analysis.pieces import Piece
from ...analysis.reach import callee, calls_of, indexed_pieces, reached_functions
from ...analysis.resources import called_name, is_self_method, unwrap
from ...analysis.walk import NESTED_SCOPES, descendants

TIMEOUT_NAMES = frozenset({"connect_timeout", "connection_timeout", "timeout", "read_timeout"})
TIMEOUT_IN_TEXT = re.compile(r"\b(?:connect_timeout|connection_timeout|timeout|read_timeout)=")
LOCAL_DATABASE_URL = re.compile(r"(?:sqlite|duckdb)(?:\+\w+)?:", re.IGNORECASE)
# Keywords through which a connect call receives its connection settings.
SETTINGS_KEYWORDS = frozenset({"conninfo", "dsn", "url", "connect_args", "query"})

_CONNECT_TIMEOUT = "connect_timeout=..."
DATABASE_CONNECTS = {
    "psycopg.connect": _CONNECT_TIMEOUT, "psycopg.Connection.connect": _CONNECT_TIMEOUT,
    "psycopg2.connect": _CONNECT_TIMEOUT, "pymysql.connect": _CONNECT_TIMEOUT,
    "pymysql.Connect": _CONNECT_TIMEOUT, "mysql.connector.connect": "connection_timeout=...",
}
ENGINE_ADVICE = 'connect_args={"connect_timeout": ...}'
HTTP_VERBS = ("request", "get", "post", "put", "patch", "delete", "head", "options")
HTTP_FUNCTIONS = frozenset({f"requests.{verb}" for verb in HTTP_VERBS}
                           | {f"httpx.{verb}" for verb in (*HTTP_VERBS, "stream")})
CLIENT_CONSTRUCTORS = frozenset({"requests.Session", "requests.session", "requests.sessions.Session",
                                 "httpx.Client", "httpx.AsyncClient"})
CLIENT_METHODS = frozenset({*HTTP_VERBS, "stream", "send"})
CLIENT_ADVICE = {"requests": "timeout=... to each request (a requests.Session has no default timeout)",
                 "httpx": "timeout=... (or create the client with httpx.Client(timeout=...))"}


@dataclass(frozen=True)
class MissingTimeout:
    call: cst.Call
    name: str  # what is called, as written: ``psycopg.connect``, ``self.session.get``
    advice: str


# The bindings that give a name its settings: ``params = {...}``, ``with ... as client``.
ASSIGNED = frozenset({ASSIGNMENT, WITH_ITEM})


class TimeoutCheck:
    def __init__(self, driver: DriverClass, imports: ImportMap, bindings: SemanticModel) -> None:
        self.driver = driver
        self.imports = imports
        self.bindings = bindings
        self._given: dict[cst.FunctionDef, set[str]] = {}
        self._following: set[tuple[cst.FunctionDef, str]] = set()  # names being resolved
        self._returning: set[cst.FunctionDef] = set()  # helpers whose returns are being read

    def missing(self) -> list[MissingTimeout]:
        """The connect calls of ``run`` and its helpers that carry no connect timeout."""
        functions = reached_functions(self.driver)
        setup = [m for m in (self.driver.method("__init__"),) if m is not None]
        instance_clients = {name: advice for f in functions + setup
                            for name, advice in self._clients(f).items() if name.startswith("self.")}
        found = []
        for function in functions:
            clients = {**instance_clients, **self._clients(function)}
            for call in calls_of(self.driver, function):
                advice = self._advice(call, function, clients)
                if advice is not None:
                    found.append(MissingTimeout(call, dotted(call.func) or called_name(call), advice))
        return found

    def _advice(self, call: cst.Call, function: cst.FunctionDef, clients: dict[str, str]) -> str | None:
        """What to pass when ``call`` needs a timeout and has none; None otherwise."""
        target = self.imports.qualify(call.func) or ""
        if target in DATABASE_CONNECTS or _is_create_engine(target):
            if _is_create_engine(target) and self._is_local_url(call, function):
                return None
            carriers = [a.value for a in call.args if a.keyword is None
                        or a.keyword.value in SETTINGS_KEYWORDS]
            advice = DATABASE_CONNECTS.get(target, ENGINE_ADVICE)
        elif target in HTTP_FUNCTIONS:
            carriers, advice = [a.value for a in call.args if a.star == "**"], "timeout=..."
        elif called_name(call) in CLIENT_METHODS and type(call.func) is cst.Attribute \
                and clients.get(dotted(call.func.value) or ""):
            carriers = [a.value for a in call.args if a.star == "**"]
            advice = clients[dotted(call.func.value)]
        else:
            return None
        if _timeout_keyword(call) or any(self._holds(c, function) for c in carriers):
            return None
        return advice

    def _clients(self, function: cst.FunctionDef) -> dict[str, str]:
        """HTTP session/client names bound in ``function``, each with the advice for its
        requests; empty advice when it was built with a timeout its requests inherit
        (``httpx.Client(timeout=10)``)."""
        found = {}
        for name, value in self.bindings.scope(function).assignments(ASSIGNED):
            value = unwrap(value)
            constructor = self.imports.qualify(value.func) if type(value) is cst.Call else None
            if constructor in CLIENT_CONSTRUCTORS:
                found[name] = "" if _timeout_keyword(value) else CLIENT_ADVICE[constructor.split(".")[0]]
        return found

    def _holds(self, node: cst.BaseExpression, function: cst.FunctionDef) -> bool:
        """Whether the settings ``node`` evaluates to include a connect timeout."""
        if type(node) in (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString):
            return bool(TIMEOUT_IN_TEXT.search(template_text(node) or ""))
        if type(node) is cst.Dict:
            return any(self._holds_entry(e, function) for e in node.elements)
        if type(node) is cst.BinaryOperation:
            return self._holds(node.left, function) or self._holds(node.right, function)
        if type(node) is cst.Name:
            return self._name_holds(node.value, function)
        if type(node) is cst.Call:
            return self._call_holds(node, function)
        return False

    def _name_holds(self, name: str, function: cst.FunctionDef) -> bool:
        """A name given a timeout key, or bound to settings holding one (``params =
        {**params, ...}`` is followed once)."""
        if name in self._given_timeout(function):
            return True
        if (function, name) in self._following:
            return False
        self._following.add((function, name))
        try:
            return any(self._holds(v, function)
                       for v in self.bindings.scope(function).values(name, ASSIGNED))
        finally:
            self._following.discard((function, name))

    def _holds_entry(self, element: cst.BaseDictElement, function: cst.FunctionDef) -> bool:
        if type(element) is cst.StarredDictElement:
            return self._holds(element.value, function)
        key = literal_string(element.key)
        if key in TIMEOUT_NAMES:
            return not _is_none(element.value)
        return key in SETTINGS_KEYWORDS and self._holds(element.value, function)

    def _call_holds(self, call: cst.Call, function: cst.FunctionDef) -> bool:
        """``dict(base, connect_timeout=5)``, ``base.copy()``, ``make_conninfo(dsn, connect_timeout=5)``,
        ``self._connection_params(config)`` returning such a dict."""
        if _timeout_keyword(call):
            return True
        passed = [a.value for a in call.args
                  if a.star == "**" or (a.keyword is not None and a.keyword.value in SETTINGS_KEYWORDS)]
        if called_name(call) in ("dict", "copy") and not is_self_method(call):
            passed += [a.value for a in call.args if a.keyword is None and not a.star]
            if type(call.func) is cst.Attribute:
                passed.append(call.func.value)
        if any(self._holds(p, function) for p in passed):
            return True
        helper = callee(self.driver, call)
        if helper is None or helper in self._returning:  # recursion: what else it returns
            return False
        self._returning.add(helper)
        try:
            return any(self._holds(r.value, helper) for r in descendants(helper, stop=NESTED_SCOPES)
                       if type(r) is cst.Return and r.value is not None)
        finally:
            self._returning.discard(helper)

    def _is_local_url(self, call: cst.Call, function: cst.FunctionDef) -> bool:
        """``create_engine("sqlite:///...")``: a local file, like ``sqlite3.connect``."""
        url = next((a.value for a in call.args if a.keyword is None or a.keyword.value == "url"), None)
        if type(url) is cst.Name:
            url = next(iter(self.bindings.scope(function).values(url.value, ASSIGNED)), None)
        return bool(LOCAL_DATABASE_URL.match(template_text(url) or ""))

    def _given_timeout(self, function: cst.FunctionDef) -> set[str]:
        """Names given a timeout key once bound: ``params["connect_timeout"] = 10``,
        ``params.update(connect_timeout=10)``, ``params.setdefault("timeout", 5)``."""
        if function not in self._given:
            self._given[function] = _given_timeout(indexed_pieces(self.driver, function))
        return self._given[function]


def _given_timeout(function_pieces: list[tuple[Piece, list[cst.Call]]]) -> set[str]:
    given = set()
    for piece, calls in function_pieces:
        node = piece.node
        if piece.item is not None and piece.item.asname is not None:
            targets = [piece.item.asname.name]
        elif type(node) in (cst.Assign, cst.AnnAssign) and node.value is not None:
            targets = [t.target for t in node.targets] if type(node) is cst.Assign else [node.target]
        else:
            targets = []
        for target in targets:
            if type(target) is cst.Subscript and literal_string(subscript_index(target)) in TIMEOUT_NAMES:
                given.add(dotted(target.value) or "")
        for call in calls:
            if called_name(call) in ("update", "setdefault") and type(call.func) is cst.Attribute \
                    and _timeout_keyword(call, literal=True):
                given.add(dotted(call.func.value) or "")
    return given


def _is_create_engine(target: str) -> bool:
    return target == "create_engine" or (target.startswith("sqlalchemy.")
                                         and target.endswith(".create_engine"))


def _timeout_keyword(call: cst.Call, literal: bool = False) -> bool:
    """A timeout passed as a keyword (not ``None``); with ``literal``, also as the first
    argument or a dict argument (``params.setdefault("connect_timeout", 10)``)."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in TIMEOUT_NAMES and not _is_none(arg.value):
            return True
    if literal and call.args:
        first = call.args[0].value
        return literal_string(first) in TIMEOUT_NAMES or (type(first) is cst.Dict and any(
            type(e) is cst.DictElement and literal_string(e.key) in TIMEOUT_NAMES
            for e in first.elements))
    return False


def _is_none(node: cst.BaseExpression) -> bool:
    return type(node) is cst.Name and node.value == "None"
