"""Whether the resources ``run`` and its helpers open are closed on every path (OSD025).

Each function is scanned once, in source order (``pieces``), for where it opens a
resource, binds it to names, hands it on (``return conn``), or closes it: a ``with``
item, or a ``finally`` block that closes it (directly, or through a helper of the
module, at any depth: ``self._cleanup()``, ``_close_all(conn)``). ``flow.Flow`` then follows every path with the
set of openings that are *settled* (not open, or closed): an opening leaves the set
where it happens and comes back where it is closed, and ``Flow`` keeps only what holds
on every path, so an opening missing from an exit's set leaks on some path to it.

Helpers are every function ``run`` reaches (reach.py), at any depth. Resources stored
on ``self`` outlive the function that opens them: a helper that
leaves ``self._conn`` open makes its call in ``run`` the opening, and only ``run``'s
exits are judged for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from ...analysis.drivers import DriverClass
from ...analysis.flow import Flow
from ...analysis.names import ImportMap, dotted
from ...analysis.pieces import FINALLY, Piece
from ...analysis.reach import (
    arguments_by_parameter,
    callee,
    calls_of,
    helper_calls,
    indexed_pieces,
    reached_functions,
    summary,
)
from ...analysis.resources import (
    CLOSERS,
    HANDED_TO_STACK,
    called_name,
    closed_name,
    is_self_method,
    opened_kind,
    unwrap,
    with_keeps_open,
)
from ...analysis.walk import calls_in

# A call in a finally block whose name says it releases something releases its arguments;
# such a method the class inherits (we cannot see it) releases what is stored on ``self``.
_RELEASING_WORDS = ("close", "cleanup", "dispose", "release", "shutdown")
INSTANCE = "self.*"


@dataclass(eq=False)
class Opening:
    call: cst.Call  # where the resource is opened: the finding's place
    kind: str
    names: set[str]  # every name that holds it; closing any of them closes it
    survives_with: bool = False  # a connection its ``with`` does not close (WITH_KEEPS_OPEN)

    @property
    def on_instance(self) -> bool:
        return any(name.startswith("self.") for name in self.names)


@dataclass(frozen=True)
class Leak:
    call: cst.Call
    kind: str
    problem: str


@dataclass
class _Scan:
    """One function's openings and what each of its pieces does to them."""

    openings: list[Opening] = field(default_factory=list)
    opened_at: dict[cst.CSTNode, list[Opening]] = field(default_factory=dict)
    settled_at: dict[cst.CSTNode, set[str]] = field(default_factory=dict)
    unbound: list[tuple[cst.Call, str]] = field(default_factory=list)
    returns: str | None = None  # the kind of resource the function hands to its caller
    returns_held: set[str] = field(default_factory=set)  # instance names it returns (``self._conn``)
    open_at_exit: list[Opening] = field(default_factory=list)
    left_open: list[Opening] = field(default_factory=list)  # as seen from run: ``self.`` names only


class CleanupAnalysis:
    def __init__(self, driver: DriverClass, imports: ImportMap) -> None:
        self.driver = driver
        self.imports = imports
        self._scans: dict[cst.FunctionDef, _Scan | None] = {}
        self._finally: dict[cst.CSTNode, frozenset[str]] = {}

    def leaks(self) -> list[Leak]:
        """Every resource opened in ``run`` or a helper it calls that may stay open."""
        found: dict[cst.Call, Leak] = {}
        run = self._scan(self.driver.run)
        for method in reached_functions(self.driver)[1:]:
            helper = self._scan(method)
            if helper is None:
                continue
            self._report_unbound(helper, found)
            for opening in helper.open_at_exit:
                if not opening.on_instance:
                    self._add(found, opening, method.name.value)
        self._report_unbound(run, found)
        for opening in self._open_at_some_exit(self.driver.run, run, list(dict.fromkeys(_held(run)))):
            where = "run" if opening in run.openings else f"run (it is kept in {_instance_name(opening)})"
            self._add(found, opening, where)
        return list(found.values())

    @staticmethod
    def _add(found: dict[cst.Call, Leak], opening: Opening, where: str) -> None:
        if opening.survives_with:
            problem = (f"is not closed in a `finally` on every path of {where} (a `with` on a "
                       "sqlite3 or psycopg2 connection only commits or rolls back: wrap it in "
                       "contextlib.closing(...))")
        else:
            problem = f"is neither used in a `with` nor closed in a `finally` on every path of {where}"
        found.setdefault(opening.call, Leak(opening.call, opening.kind, problem))

    @staticmethod
    def _report_unbound(scan: _Scan, found: dict[cst.Call, Leak]) -> None:
        for call, kind in scan.unbound:
            found.setdefault(call, Leak(call, kind, "is never bound to a name, so nothing closes it"))

    def _open_at_some_exit(self, function: cst.FunctionDef, scan: _Scan,
                           universe: list[Opening]) -> list[Opening]:
        if not universe:
            return []

        def effect(node: cst.CSTNode, state: frozenset) -> frozenset:
            settled = scan.settled_at.get(node)
            if settled:
                state = state | {o for o in universe if o.names & settled
                                 or (INSTANCE in settled and o.on_instance)}
            opened = scan.opened_at.get(node)
            return state - set(opened) if opened else state

        exits = Flow(effect).run(function, start=frozenset(universe))
        return [o for o in universe if any(o not in e.state for e in exits)]

    # -- scanning one function ------------------------------------------------------

    def _scan(self, function: cst.FunctionDef) -> _Scan | None:
        """The function's scan; None while it is being scanned (a recursive helper)."""
        if function in self._scans:
            return self._scans[function]
        self._scans[function] = None
        scan = _Scan()
        instance_openings = self._instance_openings(function)
        for piece, calls in indexed_pieces(self.driver, function):
            self._piece(piece, calls, scan, instance_openings)
        if function is not self.driver.run:
            scan.open_at_exit = self._open_at_some_exit(function, scan, scan.openings)
            scan.left_open = [Opening(o.call, o.kind, {n for n in o.names if n.startswith("self.")})
                              for o in scan.open_at_exit if o.on_instance]
        self._scans[function] = scan
        return scan

    def _instance_openings(self, function: cst.FunctionDef) -> dict[cst.Call, _Scan]:
        """For ``run``: its calls of helpers that leave a resource open on ``self``."""
        if function is not self.driver.run:
            return {}
        found = {}
        for call, method in helper_calls(self.driver, function):
            helper = self._scan(method)
            if helper is not None and helper.left_open:
                found[call] = helper
        return found

    def _piece(self, piece: Piece, calls: list[cst.Call], scan: _Scan,
               instance_openings: dict[cst.Call, _Scan]) -> None:
        node = piece.node
        settled = set()
        for statement in piece.enclosing(FINALLY):
            settled |= self._finally_closes(statement)
        for call in calls:
            if call in instance_openings:
                scan.opened_at.setdefault(node, []).extend(instance_openings[call].left_open)
        bound = self._bind(piece, scan, settled, instance_openings)
        bound |= {unwrap(c.args[0].value) for c in calls if called_name(c) in HANDED_TO_STACK and c.args}
        bound |= {unwrap(c.func.value) for c in calls if closed_name(c) is None
                  and called_name(c) in CLOSERS and type(c.func) is cst.Attribute}  # open(p).close()
        for call in calls:
            kind = self._opening_kind(call)
            if call not in bound and kind is not None:
                scan.unbound.append((call, kind))
        if settled:
            scan.settled_at.setdefault(node, set()).update(settled)

    def _bind(self, piece: Piece, scan: _Scan, settled: set[str],
              instance_openings: dict[cst.Call, _Scan]) -> set[cst.Call]:
        """Record what the piece binds, hands on or manages; return the opening calls it
        accounts for (the others are opened and lost)."""
        node = piece.node
        if piece.item is not None:
            resource = unwrap(node)
            if type(resource) is cst.Call and self._opening_kind(resource):
                if resource is node and with_keeps_open(resource, self.imports):
                    self._open_in_with(piece, resource, scan)
                return {resource}  # managed by the with statement (or opened above)
            name = dotted(resource)
            kept_open = any(o.survives_with for o in scan.openings if name in o.names)
            if name is not None and (resource is not node or not kept_open):
                settled.add(name)
            return set()
        if type(node) is cst.Expr:
            value = unwrap(node.value)
            return {value} if type(value) is cst.Call else set()  # result discarded
        if type(node) is cst.Return and node.value is not None:
            return self._hand_on(node, scan, settled)
        if type(node) in (cst.Assign, cst.AnnAssign) and node.value is not None:
            targets = [t.target for t in node.targets] if type(node) is cst.Assign else [node.target]
            names = {n for n in map(dotted, targets) if n}
            if not names:
                return set(_roots(node.value))  # into a container or a tuple: not followed
            self._alias_returned(node.value, names, instance_openings)
            return self._assign(node, names, scan)
        return set()

    def _open_in_with(self, piece: Piece, call: cst.Call, scan: _Scan) -> None:
        """``with sqlite3.connect(p) as conn:`` opens a connection its ``with`` leaves open."""
        names = {dotted(piece.item.asname.name)} if piece.item.asname is not None else set()
        opening = Opening(call, self._opening_kind(call), names - {None}, survives_with=True)
        scan.openings.append(opening)
        scan.opened_at.setdefault(piece.node, []).append(opening)

    def _hand_on(self, node: cst.Return, scan: _Scan, settled: set[str]) -> set[cst.Call]:
        roots = [c for c in _roots(node.value) if self._opening_kind(c)]
        if roots:
            scan.returns = self._opening_kind(roots[0])
            return set(roots)
        name = dotted(node.value)
        held = next((o for o in scan.openings if name in o.names), None)
        if held is not None and held.on_instance:  # ``self`` still holds it: run must close it
            scan.returns_held |= {n for n in held.names if n.startswith("self.")}
        elif held is not None:
            settled.add(name)
            scan.returns = held.kind
        return set()

    @staticmethod
    def _alias_returned(value: cst.BaseExpression, names: set[str],
                        instance_openings: dict[cst.Call, _Scan]) -> None:
        """``conn = self._connect()`` where the helper returns the ``self._conn`` it opened."""
        helper = instance_openings.get(unwrap(value))
        for opening in helper.left_open if helper is not None else ():
            if opening.names & helper.returns_held:
                opening.names |= names

    def _assign(self, node: cst.Assign | cst.AnnAssign, names: set[str], scan: _Scan) -> set[cst.Call]:
        source = dotted(node.value)
        for opening in _held(scan) if source is not None else ():
            if source in opening.names:
                opening.names |= names  # an alias: closing either closes it
        bound = set()
        for call in _roots(node.value):
            kind = self._opening_kind(call)
            if kind is None:
                continue
            bound.add(call)
            opening = Opening(call, kind, set(names), with_keeps_open(call, self.imports))
            scan.openings.append(opening)
            scan.opened_at.setdefault(node, []).append(opening)
        return bound

    def _opening_kind(self, call: cst.Call) -> str | None:
        """What ``call`` opens: a catalogue opener, or a helper method that returns one."""
        if is_self_method(call):
            method = self.driver.method(called_name(call) or "")
            helper = self._scan(method) if method is not None and method is not self.driver.run \
                else None
            return helper.returns if helper is not None else None
        return opened_kind(call, self.imports)

    def _finally_closes(self, statement: cst.Try | cst.TryStar) -> frozenset[str]:
        """The names a finally block closes, itself or through helpers."""
        if statement not in self._finally:
            closed = set()
            for call in calls_in(statement.finalbody):
                closed |= self._closes(call)
            self._finally[statement] = frozenset(closed)
        return self._finally[statement]

    def _closes(self, call: cst.Call) -> set[str]:
        """The names ``call`` closes, in its caller's terms: ``conn.close()`` closes
        ``conn``; ``self._close(self.conn)`` what ``_close`` closes of its parameter."""
        name = closed_name(call)
        if name is not None:
            return {name}
        helper = callee(self.driver, call)
        if helper is not None:
            closes = summary(self.driver, "closes", helper, self._helper_closes, frozenset())
            arguments = arguments_by_parameter(call, helper)
            closed = set()
            for name in closes:
                head, _, rest = name.partition(".")
                if head == "self":
                    closed.add(name)
                elif head in arguments and (passed := dotted(arguments[head])):
                    closed.add(f"{passed}.{rest}" if rest else passed)
            return closed
        if any(word in (called_name(call) or "").lower() for word in _RELEASING_WORDS):
            released = {n for arg in call.args if (n := dotted(arg.value))}
            return released | ({INSTANCE} if is_self_method(call) else set())
        return set()


    def _helper_closes(self, helper: cst.FunctionDef) -> frozenset[str]:
        """What a helper closes on some path: its parameters and ``self.`` names."""
        return frozenset().union(*(self._closes(inner) for inner in calls_of(self.driver, helper)))


def _roots(value: cst.BaseExpression) -> list[cst.Call]:
    """The calls whose result ``value`` evaluates to: ``a or connect()`` has ``connect()``."""
    value = unwrap(value)
    if type(value) is cst.IfExp:
        return _roots(value.body) + _roots(value.orelse)
    if type(value) is cst.BooleanOperation:
        return _roots(value.left) + _roots(value.right)
    return [value] if type(value) is cst.Call else []


def _held(scan: _Scan) -> list[Opening]:
    """What the function opened so far, itself or through helpers that store it on ``self``."""
    return [o for openings in scan.opened_at.values() for o in openings]


def _instance_name(opening: Opening) -> str:
    return sorted(n for n in opening.names if n.startswith("self."))[0]
