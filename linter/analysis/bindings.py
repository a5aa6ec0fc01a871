"""The scopes of a file and the names bound in each: a small semantic model (ruff's
``SemanticModel`` is the reference), without LibCST's ScopeProvider (~40 ms a file).

A scope is the module, a class body, a function (``def`` or ``lambda``) or a
comprehension. Each knows the names bound in it and how (``Binding.kind``: an import,
a parameter, an assignment, ``for``, ``with ... as``, ``except ... as``, ``def``/``class``,
``del``...), with the values assigned in source order, its ``global``/``nonlocal``
declarations, and the values stored to attribute targets (``self.conn = ...``).
``resolve`` says what a name used in a scope refers to, as Python does: a binding of
that scope, of an enclosing function (class bodies are skipped), of the module, or a
builtin.

Scopes are read when first asked for, one at a time, and kept for the file
(``FileContext.bindings``): asking for a method reads the module's top level, its
class's body, then the method, not the rest of the file. A comprehension is read with
the scope around it (a walrus in it binds there); a ``def``, ``class`` or ``lambda``
only when asked for. Reading a scope is one pass over its nodes (walk.py's accessors),
not entering nested scopes.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from .names import dotted, imported
from .walk import _ACCESSORS, NODE_TYPES, children  # the accessors Walk reads children with

# How a name is bound (Binding.kind).
IMPORT = "import"
PARAMETER = "parameter"
ASSIGNMENT = "assignment"  # ``x = v``, ``x: T = v`` (and each name of ``a, b = v``)
ANNOTATION = "annotation"  # ``x: T`` without a value: no value, but local all the same
AUGMENTED = "augmented"  # ``x += v``
WALRUS = "walrus"  # ``(x := v)``: in the enclosing function, also from a comprehension
LOOP = "loop"  # ``for x in ...`` (statement or comprehension)
WITH_ITEM = "with"  # ``with v as x``: the value is the context manager expression ``v``
EXCEPT = "except"  # ``except E as x``
FUNCTION = "function"
CLASS = "class"
DELETION = "deletion"  # ``del x``: local all the same
MATCH = "match"  # a capture pattern: ``case Point(x=x)``, ``case [*rest]``, ``case {**rest}``
TYPE_ALIAS = "type alias"  # ``type X = ...``
TYPE_PARAM = "type parameter"  # ``def f[T]()``: bound in the function's (class's) own scope

# The kinds whose binding gives the name a known value (Binding.value).
VALUE_KINDS = frozenset({ASSIGNMENT, WALRUS, WITH_ITEM})

# Scope.kind
MODULE, CLASS_BODY, FUNCTION_BODY, LAMBDA, COMPREHENSION = (
    "module", "class", "function", "lambda", "comprehension")

# Where a name resolves (Resolution.where).
LOCAL, ENCLOSING, GLOBAL, BUILTIN, UNBOUND = "local", "enclosing", "module", "builtin", "unbound"

BUILTINS = frozenset(dir(builtins))
COMPREHENSIONS = frozenset(t for t in NODE_TYPES if issubclass(t, cst.BaseComp))


class Binding:
    """One binding of a name (or one store to an attribute target, in ``Scope.stores``)."""

    __slots__ = ("name", "kind", "node", "site", "statement", "assigned", "unpacked", "qualified")

    def __init__(self, name: str, kind: str, node: cst.CSTNode, site: cst.CSTNode,
                 statement: cst.CSTNode, assigned: cst.BaseExpression | None = None,
                 unpacked: bool = False, qualified: str | None = None) -> None:
        self.name = name  # ``x``; for a store, the dotted target: ``self.conn``
        self.kind = kind
        self.node = node  # the target bound: a Name (Attribute), Param, def/class, import alias
        # What binds it: Assign, AnnAssign, AugAssign, NamedExpr, For, CompFor, WithItem,
        # ExceptHandler, Import(From), Del, FunctionDef, ClassDef, Param, a Match pattern...
        self.site = site
        # The statement of the scope's own body that holds it (``module.body[i]``; the
        # Param of a parameter, the body of a lambda).
        self.statement = statement
        # The right-hand side as a whole (the ``with`` item's expression), also when this
        # name is one element of an unpacked target; None for ``for``, parameters, ...
        self.assigned = assigned
        self.unpacked = unpacked  # one element of ``a, b = ...`` (``*rest`` too)
        self.qualified = qualified  # an import's qualified name: ``sys.stdout``

    @property
    def value(self) -> cst.BaseExpression | None:
        """The value the name is given, when the binding says exactly which: ``v`` in
        ``x = v``, ``x: T = v``, ``(x := v)``, ``with v as x``; None otherwise."""
        return self.assigned if self.kind in VALUE_KINDS and not self.unpacked else None

    def __repr__(self) -> str:
        return f"Binding({self.name!r}, {self.kind})"


class Scope:
    """The names a module, class body, function or comprehension binds."""

    __slots__ = ("node", "kind", "parent", "bindings", "stores", "globals", "nonlocals",
                 "children", "star_import", "walrus", "read")

    def __init__(self, node: cst.CSTNode, kind: str, parent: Scope | None) -> None:
        self.node = node
        self.kind = kind
        self.parent = parent
        self.bindings: dict[str, list[Binding]] = {}  # each name's bindings, source order
        self.stores: dict[str, list[Binding]] = {}  # ``self.conn = ...``: dotted target -> stores
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()
        self.children: list[Scope] = []  # the scopes directly inside, source order
        self.star_import = False  # ``from m import *`` here: any name may be bound
        # Where a walrus binds: this scope, or for a comprehension the one around it.
        self.walrus: Scope = self if kind != COMPREHENSION else parent.walrus
        self.read = kind == COMPREHENSION  # a comprehension is read with its parent

    def binds(self, name: str) -> bool:
        """Whether ``name`` is a local of this scope (bound here in any way, and not
        declared ``global`` or ``nonlocal``)."""
        return name in self.bindings and name not in self.globals and name not in self.nonlocals

    def bound(self, name: str) -> list[Binding]:
        """The bindings of ``name`` here (stores, for a dotted ``self.conn``), source order."""
        return (self.stores if "." in name else self.bindings).get(name, [])

    def values(self, name: str, kinds: frozenset[str] = VALUE_KINDS) -> list[cst.BaseExpression]:
        """The values assigned to ``name`` (or stored to ``self.conn``) here, in source
        order, by bindings of ``kinds`` that say exactly which value (Binding.value)."""
        return [b.assigned for b in self.bound(name)
                if b.kind in kinds and not b.unpacked and b.assigned is not None]

    def assignments(self, kinds: frozenset[str] = VALUE_KINDS) -> Iterator[tuple[str, cst.BaseExpression]]:
        """(name, value) of every name, then every store, given a value here."""
        for table in (self.bindings, self.stores):
            for name, found in table.items():
                for binding in found:
                    if binding.kind in kinds and not binding.unpacked and binding.assigned is not None:
                        yield name, binding.assigned

    def __repr__(self) -> str:
        name = getattr(getattr(self.node, "name", None), "value", None)
        return f"Scope({self.kind}{' ' + name if name else ''})"


@dataclass(frozen=True)
class Resolution:
    """What a name used in a scope refers to."""

    name: str
    where: str  # LOCAL, ENCLOSING, GLOBAL (the module's), BUILTIN or UNBOUND
    scope: Scope | None  # the scope that binds it (None for a builtin or unbound name)
    bindings: tuple[Binding, ...] = ()

    @property
    def qualified(self) -> str | None:
        """What the name stands for: an import's qualified name (the last import, when
        it is bound several ways), the name itself for a builtin or unbound name (as
        ``ImportMap.qualify``), None for any other binding (a local value)."""
        for binding in reversed(self.bindings):
            if binding.kind == IMPORT:
                return binding.qualified
        return None if self.bindings else self.name


class SemanticModel:
    """The scopes of one module, each read when first asked for."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        # id(scope node) -> its Scope; each Scope holds its node, so no id is reused.
        self._scopes: dict[int, Scope] = {}
        self.global_scope = self._new(module, MODULE, None)
        self._read(self.global_scope)

    # -- finding scopes ---------------------------------------------------------------
    def scope(self, node: cst.CSTNode) -> Scope:
        """The scope ``node`` opens: the module, a def, a class, a lambda or a
        comprehension of this module (LookupError otherwise)."""
        found = self._scopes.get(id(node))
        if found is None or found.node is not node:
            found = self._discover(node)
        if not found.read:
            self._read(found)
        return found

    def scope_at(self, ancestors: list[cst.CSTNode], node: cst.CSTNode) -> Scope:
        """The scope in which ``node`` is evaluated, ``ancestors`` being the path from the
        module down to its parent (``FileContext.ancestors`` during ``visit``). A def's
        decorators, defaults and annotations, and a comprehension's first iterable, are
        evaluated in the scope around it."""
        path = [*ancestors, node]
        scope = self.global_scope
        for index in range(1, len(path) - 1):
            current, below = path[index], path[index + 1]
            kind = type(current)
            if kind in (cst.FunctionDef, cst.ClassDef, cst.Lambda):
                inside = below is current.body
            elif kind in COMPREHENSIONS:
                inside = below is not current.for_in or (
                    index + 2 < len(path) and path[index + 2] is not current.for_in.iter)
            else:
                continue
            if inside:
                scope = self.scope(current)
        return scope

    def _discover(self, node: cst.CSTNode) -> Scope:
        """Read the scopes around ``node`` until its own is known: the defs and classes
        that hold it, found through the statements alone (breadth first: methods and
        module functions are near the top); failing that (a lambda, a comprehension),
        every scope, outwards-in."""
        holders = _holders(self.module, node)
        if holders is not None:
            for holder in holders:
                self.scope(holder)
            found = self._scopes.get(id(node))
            if found is not None and found.node is node:
                return found
        pending = [self.global_scope]
        while pending:
            scope = pending.pop(0)
            if not scope.read:
                self._read(scope)
            found = self._scopes.get(id(node))
            if found is not None and found.node is node:
                return found
            pending += scope.children
        raise LookupError(f"{type(node).__name__} is no scope of this module")

    def _new(self, node: cst.CSTNode, kind: str, parent: Scope | None) -> Scope:
        scope = Scope(node, kind, parent)
        self._scopes[id(node)] = scope
        if parent is not None:
            parent.children.append(scope)
        return scope

    # -- resolving names --------------------------------------------------------------
    def resolve(self, name: str, scope: Scope | cst.CSTNode) -> Resolution:
        """What ``name`` used in ``scope`` (a Scope, or the node that opens it) refers to:
        a local, a binding of an enclosing function (class bodies are not enclosing
        scopes), a module binding, a builtin, or nothing."""
        if type(scope) is not Scope:
            scope = self.scope(scope)
        if name in scope.globals:
            return self._global(name)
        if scope.binds(name):
            where = GLOBAL if scope is self.global_scope else LOCAL
            return Resolution(name, where, scope, tuple(scope.bindings[name]))
        outer = scope.parent
        while outer is not None and outer is not self.global_scope:
            if outer.kind != CLASS_BODY:
                if name in outer.globals:
                    return self._global(name)
                if outer.binds(name):
                    return Resolution(name, ENCLOSING, outer, tuple(outer.bindings[name]))
            outer = outer.parent
        return self._global(name)

    def _global(self, name: str) -> Resolution:
        module = self.global_scope
        if name in module.bindings:
            return Resolution(name, GLOBAL, module, tuple(module.bindings[name]))
        return Resolution(name, BUILTIN if name in BUILTINS else UNBOUND, None)

    def qualify(self, expression: cst.BaseExpression, scope: Scope | cst.CSTNode) -> str | None:
        """``ImportMap.qualify`` in ``scope``: ``sys.stdout.write`` for ``stdout.write``
        where ``stdout`` is ``from sys import stdout``; the text itself when its first
        name is a builtin or unbound; None when that name is bound to a value there (a
        parameter, an assignment, a def...) or ``expression`` is no dotted name."""
        text = dotted(expression)
        if text is None:
            return None
        head, _, rest = text.partition(".")
        base = self.resolve(head, scope).qualified
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base

    # -- reading a scope --------------------------------------------------------------
    def _read(self, scope: Scope) -> None:
        """Record what ``scope`` binds: one pass over its own nodes, in source order."""
        scope.read = True
        node = scope.node
        kind = type(node)
        if kind is cst.Module:
            statements = node.body
        elif kind is cst.Lambda:
            self._parameters(node.params, scope)
            statements = [node.body]
        else:  # a def or class: its body (a one-line ``def f(): return 1`` too)
            if kind is cst.FunctionDef:
                self._parameters(node.params, scope)
            if node.type_parameters is not None:
                for parameter in node.type_parameters.params:
                    _bind(scope, parameter.param.name, TYPE_PARAM, parameter, parameter)
            statements = node.body.body
        for statement in statements:
            self._read_nodes([statement], scope, statement)

    def _read_nodes(self, stack: list[cst.CSTNode], into: Scope, statement: cst.CSTNode) -> None:
        """Read ``stack``'s nodes (the last first) and what is below them, in ``into``."""
        handlers, accessors = _HANDLERS, _ACCESSORS[False]
        while stack:
            current = stack.pop()
            kind = type(current)
            if kind is cst.Name:  # the most common node: nothing below, binds nothing
                continue
            handle = handlers.get(kind)
            if handle is not None and not handle(self, current, into, statement, stack):
                continue
            accessor = accessors.get(kind)
            below = accessor(current) if accessor is not None else children(current, layout=False)
            if below:
                below.reverse()
                stack += below

    def _parameters(self, params: cst.Parameters, scope: Scope) -> None:
        for param in _parameter_list(params):
            _bind(scope, param.name, PARAMETER, param, param)


# What holds statements: compound statements, their blocks and clauses.
_BLOCKS = frozenset(t for t in NODE_TYPES if issubclass(t, (cst.BaseCompoundStatement, cst.BaseSuite))) \
    | {cst.Else, cst.Finally, cst.ExceptHandler, cst.ExceptStarHandler, cst.MatchCase}


def _holders(module: cst.Module, node: cst.CSTNode) -> list[cst.CSTNode] | None:
    """The defs and classes around the statement ``node``, outermost first, found through
    statements only, level by level; None when ``node`` is no statement of ``module``."""
    above: dict[int, cst.CSTNode] = {}
    level: list[cst.CSTNode] = [module]
    while level:
        below = []
        for holder in level:
            for child in children(holder, layout=False):
                if type(child) in _BLOCKS:
                    above[id(child)] = holder
                    if child is node:
                        chain, current = [], holder
                        while current is not module:
                            if type(current) in (cst.FunctionDef, cst.ClassDef):
                                chain.append(current)
                            current = above[id(current)]
                        return chain[::-1]
                    below.append(child)
        level = below
    return None


def _parameter_list(params: cst.Parameters) -> list[cst.Param]:
    found = [*params.posonly_params, *params.params]
    if type(params.star_arg) is cst.Param:
        found.append(params.star_arg)
    found += params.kwonly_params
    if params.star_kwarg is not None:
        found.append(params.star_kwarg)
    return found


def _bind(scope: Scope, name: cst.Name, kind: str, site: cst.CSTNode, statement: cst.CSTNode,
          assigned: cst.BaseExpression | None = None, qualified: str | None = None) -> None:
    scope.bindings.setdefault(name.value, []).append(
        Binding(name.value, kind, name, site, statement, assigned, False, qualified))


def _bind_target(scope: Scope, target: cst.BaseExpression, kind: str, site: cst.CSTNode,
                 statement: cst.CSTNode, assigned: cst.BaseExpression | None,
                 unpacked: bool = False) -> None:
    """Bind the names of an assignment target (each element of ``a, (b, *c)``), and
    record attribute targets (``self.conn``) as stores."""
    kind_of = type(target)
    if kind_of is cst.Name:
        scope.bindings.setdefault(target.value, []).append(
            Binding(target.value, kind, target, site, statement, assigned, unpacked))
    elif kind_of in (cst.Tuple, cst.List):
        for element in target.elements:
            _bind_target(scope, element.value, kind, site, statement, assigned, True)
    elif kind_of is cst.StarredElement:
        _bind_target(scope, target.value, kind, site, statement, assigned, True)
    elif kind_of is cst.Attribute and (name := dotted(target)) is not None:
        scope.stores.setdefault(name, []).append(
            Binding(name, kind, target, site, statement, assigned, unpacked))


# Each handler records what a node binds and pushes what is left to read; it returns
# True when the node's children are still to be read as usual.
def _assign(model, node, into, statement, stack) -> bool:
    for target in node.targets:
        _bind_target(into, target.target, ASSIGNMENT, node, statement, node.value)
    return True


def _ann_assign(model, node, into, statement, stack) -> bool:
    kind = ASSIGNMENT if node.value is not None else ANNOTATION
    _bind_target(into, node.target, kind, node, statement, node.value)
    return True


def _aug_assign(model, node, into, statement, stack) -> bool:
    _bind_target(into, node.target, AUGMENTED, node, statement, node.value)
    return True


def _walrus(model, node, into, statement, stack) -> bool:
    _bind_target(into.walrus, node.target, WALRUS, node, statement, node.value)
    return True


def _for(model, node, into, statement, stack) -> bool:
    _bind_target(into, node.target, LOOP, node, statement, None)
    return True


def _with_item(model, node, into, statement, stack) -> bool:
    if node.asname is not None:
        _bind_target(into, node.asname.name, WITH_ITEM, node, statement, node.item)
    return True


def _except(model, node, into, statement, stack) -> bool:
    if node.name is not None and type(node.name.name) is cst.Name:
        _bind(into, node.name.name, EXCEPT, node, statement)
    return True


def _import(model, node, into, statement, stack) -> bool:
    if type(node) is cst.ImportFrom and type(node.names) is cst.ImportStar:
        into.star_import = True
    for local, qualified, alias in imported(node):
        into.bindings.setdefault(local, []).append(
            Binding(local, IMPORT, alias, node, statement, None, False, qualified))
    return False


def _declare(model, node, into, statement, stack) -> bool:
    (into.globals if type(node) is cst.Global else into.nonlocals).update(
        n.name.value for n in node.names)
    return False


def _delete(model, node, into, statement, stack) -> bool:
    _bind_target(into, node.target, DELETION, node, statement, None)
    return True


def _capture(model, node, into, statement, stack) -> bool:
    name = node.rest if type(node) is cst.MatchMapping else node.name
    if type(name) is cst.Name:
        _bind(into, name, MATCH, node, statement)
    return True


def _type_alias(model, node, into, statement, stack) -> bool:
    _bind(into, node.name, TYPE_ALIAS, node, statement)
    return True


def _function(model, node, into, statement, stack) -> bool:
    """A def: its name here; its decorators, defaults and annotations are evaluated
    here; its body is a scope of its own, read when asked for."""
    _bind(into, node.name, FUNCTION, node, statement)
    model._new(node, FUNCTION_BODY, into)
    outside = [d.decorator for d in node.decorators]
    for param in _parameter_list(node.params):
        outside += [p for p in (param.default, param.annotation) if p is not None]
    if node.returns is not None:
        outside.append(node.returns)
    stack += reversed(outside)
    return False


def _class(model, node, into, statement, stack) -> bool:
    _bind(into, node.name, CLASS, node, statement)
    model._new(node, CLASS_BODY, into)
    outside = [d.decorator for d in node.decorators] + [a.value for a in (*node.bases, *node.keywords)]
    stack += reversed(outside)
    return False


def _lambda(model, node, into, statement, stack) -> bool:
    model._new(node, LAMBDA, into)
    defaults = [p.default for p in _parameter_list(node.params) if p.default is not None]
    stack += reversed(defaults)
    return False


def _comprehension(model, node, into, statement, stack) -> bool:
    """A comprehension is read now, with the scope around it: its first iterable is
    evaluated there, and a walrus in it binds there."""
    scope = model._new(node, COMPREHENSION, into)
    outer = node.for_in
    _bind_target(scope, outer.target, LOOP, outer, statement, None)
    inside = [outer.target, *outer.ifs]
    if outer.inner_for_in is not None:
        inside.append(outer.inner_for_in)
    inside += [child for child in children(node, layout=False) if child is not outer]
    model._read_nodes(inside[::-1], scope, statement)
    stack.append(outer.iter)
    return False


def _comp_for(model, node, into, statement, stack) -> bool:
    """An inner ``for`` of a comprehension (the outer one is read by ``_comprehension``)."""
    _bind_target(into, node.target, LOOP, node, statement, None)
    return True


_LEAVES = frozenset({cst.Name, cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary, cst.Ellipsis})


def _collection(model, node, into, statement, stack) -> bool:
    """A tuple, list, set or dict of plain literals and names (the column lists and
    type maps of a module's top) holds nothing to read: not entered."""
    if type(node) is cst.Dict:
        return not all(type(e) is cst.DictElement and type(e.key) in _LEAVES
                       and type(e.value) in _LEAVES for e in node.elements)
    return not all(type(e) is cst.Element and type(e.value) in _LEAVES for e in node.elements)


_HANDLERS = {
    cst.Assign: _assign, cst.AnnAssign: _ann_assign, cst.AugAssign: _aug_assign,
    cst.NamedExpr: _walrus, cst.For: _for, cst.WithItem: _with_item,
    cst.ExceptHandler: _except, cst.ExceptStarHandler: _except,
    cst.Import: _import, cst.ImportFrom: _import, cst.Global: _declare, cst.Nonlocal: _declare,
    cst.Del: _delete, cst.MatchAs: _capture, cst.MatchStar: _capture, cst.MatchMapping: _capture,
    cst.TypeAlias: _type_alias, cst.FunctionDef: _function, cst.ClassDef: _class,
    cst.Lambda: _lambda, cst.CompFor: _comp_for,
    cst.Tuple: _collection, cst.List: _collection, cst.Set: _collection, cst.Dict: _collection,
    **{kind: _comprehension for kind in COMPREHENSIONS},
}
