"""What ``run`` returns, path by path: a dict holding ``"df"`` (extractors,
transformers) or the empty dict (writers). Used by OSD011.

Facts are (shape, local name) pairs: a name bound to a dict literal, to one with a
``"df"`` key (also by ``result["df"] = df`` after ``result = {}``), or to an empty dict
that nothing has changed since. A call of a helper of the module (``self._execute(...)``,
``_extract(...)``, reach.callee) has a shape when every exit of the helper returns that
shape, its own helpers followed to any depth: a summary per helper (reach.summary).
"""

from __future__ import annotations

import libcst as cst

from ...analysis.drivers import literal_string, subscript_key
from ...analysis.flow import Exit, State
from ...analysis.raising import HelperPaths
from ...analysis.reach import callee, helper_ctx, summary
from ...analysis.walk import calls_in

DICT, DF_DICT, EMPTY_DICT = "dict", "df-dict", "empty-dict"
SHAPES = (DICT, DF_DICT, EMPTY_DICT)


class ReturnShapes(HelperPaths):

    def shapes(self, value: cst.BaseExpression | None, state: State,
               ctx: str | None = None) -> frozenset[str]:
        """The shapes ``value`` certainly has, given the facts in ``state`` (in a function
        whose context is ``ctx``, run's by default)."""
        if type(value) is cst.Dict:
            found = {DICT}
            if not value.elements:
                found.add(EMPTY_DICT)
            if any(_holds_df(element, state) for element in value.elements):
                found.add(DF_DICT)
            return frozenset(found)
        if type(value) is cst.Call and type(value.func) is cst.Name \
                and value.func.value == "dict":
            return _dict_call_shapes(value)
        if type(value) is cst.Name:
            return frozenset(shape for shape in SHAPES if (shape, value.value) in state)
        if type(value) is cst.IfExp:
            return self.shapes(value.body, state, ctx) & self.shapes(value.orelse, state, ctx)
        if type(value) is cst.Call:
            helper = callee(self.driver, value)
            if helper is not None:
                inner = helper_ctx(value, helper, ctx or self.ctx_name)
                return summary(self.driver, "return-shapes", (helper, inner), self._returns,
                               frozenset(SHAPES))
        return frozenset()

    def _returns(self, key: tuple[cst.FunctionDef, str]) -> frozenset[str]:
        """The shapes every exit of a helper returns (none when it has no exit)."""
        helper, ctx = key
        found = [self.shapes(returned(e), e.state, ctx) for e in self._exits(helper, ctx)]
        return frozenset.intersection(*found) if found else frozenset()

    def _effect(self, node: cst.CSTNode, state: State, ctx: str) -> State:
        empty = {fact for fact in state if fact[0] == EMPTY_DICT}
        for call in calls_in(node) if empty else ():  # a method call on a dict may fill it
            func = call.func
            if type(func) is cst.Attribute and type(func.value) is cst.Name:
                state = state - {(EMPTY_DICT, func.value.value)}
        if type(node) is cst.Assign:
            for target in node.targets:
                state = self._bind(target.target, node.value, state, ctx)
        elif type(node) is cst.AnnAssign and node.value is not None:
            state = self._bind(node.target, node.value, state, ctx)
        elif type(node) in (cst.AugAssign, cst.Del):
            state = self._bind(node.target, None, state, ctx)
        return state

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression | None, state: State,
              ctx: str) -> State:
        if type(target) is cst.Name:
            kept = frozenset(fact for fact in state if fact[1] != target.value)
            shapes = self.shapes(value, state, ctx) if value is not None else frozenset()
            return kept | {(shape, target.value) for shape in shapes}
        if type(target) in (cst.Tuple, cst.List):
            for element in target.elements:
                state = self._bind(element.value, None, state, ctx)
            return state
        if type(target) is cst.Subscript and type(target.value) is cst.Name:
            name = target.value.value
            state = state - {(EMPTY_DICT, name)}
            if subscript_key(target) == "df" and (DICT, name) in state:
                state = state | {(DF_DICT, name)}
        return state


def returned(exit: Exit) -> cst.BaseExpression | None:
    """The returned expression (None for a bare return or falling off the end)."""
    return None if exit.falls_off_end else exit.node.value


def _holds_df(element: cst.BaseDictElement, state: State) -> bool:
    if type(element) is cst.DictElement:
        return literal_string(element.key) == "df"
    return type(element.value) is cst.Name and (DF_DICT, element.value.value) in state


def _dict_call_shapes(call: cst.Call) -> frozenset[str]:
    if not call.args:
        return frozenset({DICT, EMPTY_DICT})
    if any(arg.keyword is not None and arg.keyword.value == "df" for arg in call.args):
        return frozenset({DICT, DF_DICT})
    return frozenset({DICT})
