"""Whether ``inputs["df"]`` is only used after a check, on that path, that
``inputs`` is not None and holds ``"df"`` and that raises otherwise (OSD012).

Facts, per path (``flow.Flow``): ``NOT_NONE`` and ``HAS_DF`` about ``inputs``, and
``(PROBED, name)`` for a local bound from ``inputs.get("df")`` whose value is still
to be checked. A check is the test of an ``if`` whose body always raises (the facts
of the test being false hold after it) or whose ``else`` always raises (the facts of
the test being true hold in its body); inside a test, ``and``/``or``/``if-else``
evaluate their right side under what the left side established. A call that passes
``inputs`` to a helper of the module (a method through ``self``, a function by name,
reach.callee) is followed to any depth: the helper's own uses are judged, under the
checks that hold at the call, and its checks count for the caller when every exit of
the helper has them (a summary per helper, parameter and checks at the call,
reach.summary). A call of a helper that always raises, as a statement, ends its path.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from ...analysis.drivers import (
    DriverClass,
    body_statements,
    ctx_name,
    inputs_name,
    literal_string,
    subscript_key,
)
from ...analysis.flow import Flow, State
from ...analysis.names import assignment_targets, dotted
from ...analysis.raising import always_raises, raising_call
from ...analysis.reach import callee, helper_ctx, receiving, summary
from ...analysis.statements import all_statements
from ...analysis.walk import NESTED_SCOPES, children

NOT_NONE, HAS_DF, PROBED = "inputs-not-none", "inputs-has-df", "probed"
CHECKED = frozenset({NOT_NONE, HAS_DF})


@dataclass(frozen=True)
class Unchecked:
    """A use of ``<name>["df"]`` with no check before it on some path."""
    node: cst.CSTNode
    function: cst.FunctionDef  # run, or the helper it sits in
    name: str  # what that function calls inputs


Summary = tuple[tuple[Unchecked, ...], frozenset[str]]


class InputsChecks:
    """The uses of ``inputs["df"]``/``inputs.get("df")`` in ``run`` (and in the helpers it
    passes ``inputs`` to, at any depth) that no check precedes on some path."""

    def __init__(self, driver: DriverClass) -> None:
        self.driver = driver

    def unchecked(self) -> list[Unchecked]:
        run = self.driver.run
        analysis = _Paths(self, run, inputs_name(run), ctx_name(run))
        Flow(analysis.effect, analysis.ctx, ends=self._raises).run(run)
        return list(dict.fromkeys(analysis.unchecked))

    def helper(self, function: cst.FunctionDef, name: str, ctx: str,
               start: frozenset[str]) -> Summary:
        """(unchecked uses in the helper and its own helpers, the checks that hold when it
        returns), when it is called with ``inputs`` as ``name`` and ``start`` checked."""
        return summary(self.driver, "inputs-checks", (function, name, ctx, start), self._summarise,
                       ((), CHECKED))

    def _raises(self, small: cst.BaseSmallStatement) -> bool:
        return raising_call(small, self.driver)

    def _summarise(self, key: tuple[cst.FunctionDef, str, str, frozenset[str]]) -> Summary:
        function, name, ctx, start = key
        analysis = _Paths(self, function, name, ctx)
        exits = Flow(analysis.effect, ctx, ends=self._raises).run(function, start)
        held = [e.state & CHECKED for e in exits]
        return (tuple(dict.fromkeys(analysis.unchecked)),
                frozenset.intersection(*held) if held else CHECKED)


class _Paths:
    """The Flow effect for one function whose inputs parameter is ``name``."""

    def __init__(self, checks: InputsChecks, function: cst.FunctionDef, name: str,
                 ctx: str) -> None:
        self.checks = checks
        self.function = function
        self.name = name
        self.ctx = ctx
        self.unchecked: list[Unchecked] = []
        self.guards = {node.test: node for node in all_statements(body_statements(function))
                       if type(node) is cst.If}
        self.driver = checks.driver

    def effect(self, node: cst.CSTNode, state: State) -> State:
        guard = self.guards.get(node)
        if guard is not None:
            facts = self._scan(node, set(state), lenient=True)
            if always_raises(guard.body.body, self.driver):
                facts |= self._implied(node, False, facts)
            elif type(guard.orelse) is cst.Else and always_raises(guard.orelse.body.body,
                                                                      self.driver):
                facts |= self._implied(node, True, facts)
            return frozenset(facts)
        if type(node) in (cst.Assign, cst.AnnAssign) and node.value is not None:
            return frozenset(self._assign(node, set(state)))
        return frozenset(self._scan(node, set(state), lenient=False))

    def _assign(self, node: cst.Assign | cst.AnnAssign, facts: set) -> set:
        probe = self._is_probe(node.value)
        facts = self._scan(node.value, facts, lenient=probe)
        for target in assignment_targets(node):
            if type(target) is cst.Name:
                facts.discard((PROBED, target.value))
                if probe:
                    facts.add((PROBED, target.value))
            else:
                facts = self._scan(target, facts, lenient=False)
        return facts

    def _is_probe(self, value: cst.BaseExpression) -> bool:
        """``inputs.get("df")``, or an ``x if c else None`` around it."""
        if type(value) is cst.IfExp:
            return any(self._is_probe(v) for v in (value.body, value.orelse)) and all(
                self._is_probe(v) or _is_none(v) for v in (value.body, value.orelse))
        return self._df_get(value)

    def _scan(self, node: cst.CSTNode, facts: set, lenient: bool) -> set:
        """Record the unchecked uses in ``node``; return the facts after it (a helper that
        checks ``inputs`` adds its checks)."""
        if isinstance(node, NESTED_SCOPES):
            return facts
        if type(node) is cst.BooleanOperation:
            after = self._scan(node.left, facts, lenient)
            truth = type(node.operator) is cst.And
            self._scan(node.right, after | self._implied(node.left, truth, after), lenient)
            return after
        if type(node) is cst.IfExp:
            after = self._scan(node.test, facts, lenient=True)
            self._scan(node.body, after | self._implied(node.test, True, after), lenient)
            self._scan(node.orelse, after | self._implied(node.test, False, after), lenient)
            return after
        if type(node) is cst.Subscript and self._df_subscript(node):
            self._use(node, facts, CHECKED)
            return facts
        if type(node) is cst.Call:
            if self._df_get(node):
                self._use(node, facts, {NOT_NONE} if lenient else CHECKED)
                return facts
            facts = facts | self._helper_checks(node, facts)
        if type(node) is cst.Name:
            if (PROBED, node.value) in facts and not lenient:
                self._use(node, facts, {HAS_DF})
            return facts
        for child in _evaluated_children(node):
            facts = self._scan(child, facts, lenient)
        return facts

    def _use(self, node: cst.CSTNode, facts: set, needed: frozenset[str] | set[str]) -> None:
        if not needed <= facts:
            self.unchecked.append(Unchecked(node, self.function, self.name))

    def _helper_checks(self, call: cst.Call, facts: set) -> frozenset[str]:
        helper = callee(self.driver, call)
        parameter = receiving(call, helper, self.name) if helper is not None else None
        if parameter is None:
            return frozenset()
        unchecked, checks = self.checks.helper(helper, parameter,
                                               helper_ctx(call, helper, self.ctx),
                                               frozenset(facts & CHECKED))
        self.unchecked.extend(unchecked)
        return checks

    def _df_subscript(self, node: cst.Subscript) -> bool:
        return _is_name(node.value, self.name) and subscript_key(node) == "df"

    def _df_get(self, node: cst.CSTNode) -> bool:
        """``inputs.get("df")`` (with or without a default)."""
        if type(node) is not cst.Call or not node.args:
            return False
        func = node.func
        return type(func) is cst.Attribute and func.attr.value == "get" \
            and _is_name(func.value, self.name) and literal_string(node.args[0].value) == "df"

    def _implied(self, test: cst.BaseExpression, truth: bool, facts: set) -> set:
        """The checks that hold when ``test`` evaluates to ``truth``."""
        if type(test) is cst.UnaryOperation and type(test.operator) is cst.Not:
            return self._implied(test.expression, not truth, facts)
        if type(test) is cst.BooleanOperation:
            left_true = self._implied(test.left, True, facts)
            left_false = self._implied(test.left, False, facts)
            right = self._implied(test.right, truth, facts)
            if type(test.operator) is cst.And:
                return (left_true | right) if truth else (left_false & (left_true | right))
            return (left_true & (left_false | right)) if truth else (left_false | right)
        if type(test) is cst.Comparison and len(test.comparisons) == 1:
            return self._compared(test.left, test.comparisons[0], truth, facts)
        if type(test) is cst.Call and dotted(test.func) == "isinstance" and test.args:
            return self._present(test.args[0].value, facts) if truth else set()
        return self._present(test, facts) if truth else set()

    def _compared(self, left: cst.BaseExpression, target: cst.ComparisonTarget, truth: bool,
                  facts: set) -> set:
        operator = target.operator
        if type(operator) in (cst.In, cst.NotIn):
            holds = truth == (type(operator) is cst.In)
            if holds and literal_string(left) == "df":
                return self._holding(target.comparator)
            return set()
        if type(target.comparator) is cst.Name and target.comparator.value == "None":
            if truth == (type(operator) in (cst.IsNot, cst.NotEqual)):
                return self._present(left, facts)
        return set()

    def _present(self, value: cst.BaseExpression, facts: set) -> set:
        """What a truthy / not-None ``value`` says: ``inputs`` -> NOT_NONE; ``inputs.get("df")``,
        ``inputs["df"]`` or a probed name -> HAS_DF."""
        if _is_name(value, self.name):
            return {NOT_NONE}
        if self._df_get(value) or (type(value) is cst.Subscript and self._df_subscript(value)):
            return set(CHECKED)
        if type(value) is cst.Name and (PROBED, value.value) in facts:
            return {HAS_DF}
        return set()

    def _holding(self, container: cst.BaseExpression) -> set:
        """What ``"df" in container`` being true says: ``inputs`` (or ``inputs.keys()``) holds
        "df", though ``in`` on None would have raised a TypeError rather than a clear error;
        ``inputs or {}`` holding "df" also means ``inputs`` is not None."""
        if type(container) is cst.BooleanOperation and type(container.operator) is cst.Or:
            return set(CHECKED) if _is_name(container.left, self.name) else set()
        if type(container) is cst.Call and type(container.func) is cst.Attribute \
                and container.func.attr.value == "keys":
            container = container.func.value
        return {HAS_DF} if _is_name(container, self.name) else set()


def _evaluated_children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """Children that are evaluated as expressions: not ``x.attr``'s attr, ``f(k=v)``'s k."""
    if type(node) is cst.Attribute:
        return [node.value]
    if type(node) is cst.Arg:
        return [node.value]
    return children(node, layout=False)


def _is_name(node: cst.CSTNode, name: str) -> bool:
    return type(node) is cst.Name and node.value == name


def _is_none(node: cst.CSTNode) -> bool:
    return _is_name(node, "None")
