"""What names may hold along the paths of a method: the data flow shared by
OSD021 (input frames), OSD030 (secrets), OSD031 (queries) and OSD034 (SQL text).

A state is a ``held.Held``: on some path to this point, ``name`` may hold a
value that carries ``label``. A rule says which labels an
expression carries (``labels``) and what to look at in each statement (``check``,
given the state before it); ``ValueFlow`` keeps the books: assignments, tuple
unpacking, ``for``/``with`` targets, augmented assignment, ``del``, paths merged
by union (flow.Flow), and the helpers ``run`` reaches at any depth (methods and the
module's functions, reach.py), whose parameters start with the labels of the
arguments of the calls to them.

Besides plain names, a few expressions have a key and can hold facts
(``config["query"]`` and ``config.get("query")`` are both ``config['query']``,
``self.query`` is ``self.query``); rebinding a name forgets the facts of its keys.
"""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from .drivers import DriverClass, ctx_name, literal_string
from .flow import Exit, Flow
from .held import EMPTY, NO_LABELS, Held, Labels
from .reach import arguments_by_parameter, callee
from .walk import SMALL_STATEMENTS, nodes_of


def key(node: cst.BaseExpression) -> str | None:
    """``config['query']`` for ``config["query"]`` and ``config.get("query")``,
    ``a.b`` for attributes; None for anything else."""
    if type(node) is cst.Name:
        return node.value
    if type(node) is cst.Attribute:
        base = key(node.value)
        return f"{base}.{node.attr.value}" if base else None
    if type(node) is cst.Subscript and len(node.slice) == 1 \
            and type(node.slice[0].slice) is cst.Index:
        index = literal_string(node.slice[0].slice.value)
        base = key(node.value)
        return f"{base}[{index!r}]" if base and index is not None else None
    if type(node) is cst.Call and type(node.func) is cst.Attribute \
            and node.func.attr.value == "get" and node.args:
        index = literal_string(node.args[0].value)
        base = key(node.func.value)
        return f"{base}[{index!r}]" if base and index is not None else None
    return None


def called_name(node: cst.BaseExpression) -> str:
    """The last part of the called name: ``read_sql`` for ``pd.read_sql(...)``; ""
    when ``node`` is not a call."""
    if type(node) is not cst.Call:
        return ""
    func = node.func
    if type(func) is cst.Attribute:
        return func.attr.value
    return func.value if type(func) is cst.Name else ""


_HEADERS = ((cst.If, "test"), (cst.While, "test"), (cst.For, "iter"), (cst.WithItem, "item"),
            (cst.Match, "subject"))


def anchor(ancestors: list[cst.CSTNode],
           node: cst.CSTNode) -> tuple[cst.FunctionDef | None, cst.CSTNode] | None:
    """(the function, the node that flow.Flow hands to its effect) for a node met in
    the engine's walk, ``ancestors`` being the path down to it: the small statement
    holding it, or the header (an ``if``'s test, a ``for``'s iterable...) it is in.
    The function is None at module or class level; None for nodes in a ``def`` line
    (decorators, defaults)."""
    path = [*ancestors, node]
    for index in range(len(path) - 1, 0, -1):
        current, parent = path[index], path[index - 1]
        if type(current) in SMALL_STATEMENTS or any(
                type(parent) is kind and getattr(parent, field) is current
                for kind, field in _HEADERS):
            function = next((a for a in reversed(path[:index]) if type(a) is cst.FunctionDef),
                            None)
            return function, current
        if type(current) in (cst.FunctionDef, cst.ClassDef):
            return None
    return None


class ValueFlow:
    """A rule's data flow: subclass it, say what an expression's labels are and what
    to check, then ``analyse`` one function or ``analyse_driver`` (``run`` and the
    helpers it reaches)."""

    merge = staticmethod(Held.union)
    collects: tuple[type, ...] = (cst.Call,)  # the nodes ``check`` wants from each statement

    def __init__(self, ctx: str = "ctx") -> None:
        self.ctx_name = ctx
        self.driver: DriverClass | None = None
        self._helper_starts: dict[cst.FunctionDef, Held] | None = None  # while following run
        self._summaries: dict[tuple, Labels] = {}  # (helper, start) -> what it returns
        self._summarizing: list[cst.FunctionDef] = []  # the helpers being summarised

    # -- what a rule says ---------------------------------------------------------
    def labels(self, node: cst.BaseExpression, state: Held) -> Labels:
        """The labels of the value ``node`` evaluates to."""
        return NO_LABELS

    def element_labels(self, node: cst.BaseExpression, state: Held) -> Labels:
        """The labels of what iterating over ``node`` yields."""
        return self.labels(node, state)

    def pair_labels(self, node: cst.BaseExpression, state: Held) -> tuple[Labels, Labels] | None:
        """For ``for key, value in node``: the labels of each part, when the rule tells
        them apart (``d.items()``); None: both get ``element_labels``."""
        return None

    def check(self, node: cst.CSTNode, state: Held, parts: list[cst.CSTNode]) -> None:
        """Look at a statement (or a compound statement's header) and its ``parts``,
        with the state before it."""

    def parts(self, node: cst.CSTNode) -> Iterable[cst.CSTNode]:
        """The nodes of the ``collects`` types that ``node`` evaluates, outer ones first
        (not those in nested functions, classes, lambdas). A rule fed by the engine's
        walk may know them already."""
        return nodes_of(node, self.collects)

    def transfer(self, node: cst.CSTNode, state: Held, parts: list[cst.CSTNode]) -> Held:
        """The state after ``node``: its bindings (a rule may add facts of its own)."""
        return self.bind(node, state)

    # -- the bookkeeping ------------------------------------------------------------
    def analyse(self, function: cst.FunctionDef, start: Held = EMPTY) -> list[Exit]:
        flow = Flow(self._effect, self.ctx_name, merge=self.merge, bind=self._bind_binder)
        return flow.run(function, start)

    def analyse_driver(self, driver: DriverClass, start: Held) -> None:
        """``run`` from ``start``, then each helper it reaches, at any depth, callers
        first, its parameters labelled with what every call seen so far passed them
        (merged). Each function is followed once: a recursive call adds nothing."""
        self.driver = driver
        self.ctx_name = ctx_name(driver.run)
        self._helper_starts = {driver.run: start}
        done: set[cst.FunctionDef] = set()
        while pending := [f for f in self._helper_starts if f not in done]:
            function = pending[0]
            done.add(function)
            self.analyse(function, self._helper_starts[function])
        self._helper_starts = None

    @property
    def following_driver(self) -> bool:
        """Whether ``analyse_driver`` is following ``run`` and its helpers."""
        return self._helper_starts is not None

    def helper_of(self, call: cst.Call) -> cst.FunctionDef | None:
        """The helper of the module that ``call`` runs (reach.callee), when following a
        driver."""
        return callee(self.driver, call) if self.driver is not None else None

    def returned_labels(self, call: cst.Call, state: Held) -> Labels | None:
        """What the module's helper that ``call`` runs returns, given what ``call``
        passes it: its summary, computed once per helper and argument labels (nothing
        is reported while computing it). None when ``call`` runs no helper of the
        module, or one being summarised (recursion)."""
        helper = self.helper_of(call)
        if helper is None or helper in self._summarizing:
            return None
        start = self._start_of(call, helper, state)
        memo = (helper, frozenset(start.pairs()))
        if memo not in self._summaries:
            self._summarizing.append(helper)
            try:  # the returned values too: a recursive call among them is not followed
                exits = self.analyse(helper, start)
                self._summaries[memo] = frozenset().union(
                    *(self.labels(e.node.value, e.state) for e in exits
                      if type(e.node) is cst.Return and e.node.value is not None))
            finally:
                self._summarizing.pop()
        return self._summaries[memo]

    def _start_of(self, call: cst.Call, helper: cst.FunctionDef, state: Held) -> Held:
        """The helper's parameters labelled with what ``call`` passes them."""
        return Held.of((param, label) for param, arg in arguments_by_parameter(call, helper).items()
                       for label in self.labels(arg, state))

    def _effect(self, node: cst.CSTNode, state: Held) -> Held:
        parts = list(self.parts(node))
        if self._summarizing:  # only what the helper returns is wanted
            return self.transfer(node, state, parts)
        self.check(node, state, parts)
        if self.following_driver:
            for call in parts:
                if type(call) is cst.Call:
                    self._note_helper_call(call, state)
        return self.transfer(node, state, parts)

    def _note_helper_call(self, call: cst.Call, state: Held) -> None:
        method = self.helper_of(call)
        if method is None:
            return
        start = self._start_of(call, method, state)
        known = self._helper_starts.get(method)
        self._helper_starts[method] = start if known is None else self.merge(known, start)

    def bind(self, node: cst.CSTNode, state: Held) -> Held:
        if type(node) is cst.Assign:
            for target in node.targets:
                state = self.assign(state, target.target, node.value)
        elif type(node) is cst.AnnAssign and node.value is not None:
            state = self.assign(state, node.target, node.value)
        elif type(node) is cst.AugAssign and (name := key(node.target)):
            state = state.rebind(name, state.labels_of(name) | self.labels(node.value, state))
        elif type(node) is cst.Del:
            state = self.store(state, node.target, NO_LABELS)
        return state

    def assign(self, state: Held, target: cst.BaseExpression, value: cst.BaseExpression) -> Held:
        """``target = value``, pairing the elements of ``a, b = x, y``."""
        if type(target) in (cst.Tuple, cst.List) and type(value) in (cst.Tuple, cst.List) \
                and len(target.elements) == len(value.elements) \
                and not any(type(e) is cst.StarredElement for e in (*target.elements,
                                                                         *value.elements)):
            pairs = [(t.value, self.labels(v.value, state))
                     for t, v in zip(target.elements, value.elements, strict=True)]
            for element, labels in pairs:
                state = self.store(state, element, labels)
            return state
        return self.store(state, target, self.labels(value, state))

    def store(self, state: Held, target: cst.BaseExpression, labels: Labels) -> Held:
        """Every name (or key) in ``target`` now holds a value with ``labels``."""
        if type(target) in (cst.Tuple, cst.List):
            for element in target.elements:
                state = self.store(state, element.value, labels)
            return state
        name = key(target)
        return state.rebind(name, labels) if name else state

    def _bind_binder(self, binder: cst.For | cst.WithItem, state: Held) -> Held:
        if type(binder) is cst.For:
            target = binder.target
            pair = self.pair_labels(binder.iter, state) if type(target) is cst.Tuple \
                and len(target.elements) == 2 else None
            if pair is not None:
                for element, labels in zip(target.elements, pair, strict=True):
                    state = self.store(state, element.value, labels)
                return state
            return self.store(state, target, self.element_labels(binder.iter, state))
        return self.store(state, binder.asname.name, self.labels(binder.item, state))
