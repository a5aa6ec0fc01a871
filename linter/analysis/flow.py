"""Following every path through a method, for the rules that speak of "every
path" (OSD010, OSD011, OSD012, OSD024, OSD025, OSD031).

A rule gives an ``effect(node, state) -> state`` that is applied to each simple
statement and to the header expressions of compound statements (an ``if``'s
test, a ``for``'s iterable, a ``with``'s items...), in execution order. A state
is a frozenset of facts; where paths merge, only the facts that hold on every
incoming path survive (intersection). ``Flow.run`` returns each normal exit of
the method (every ``return``, and falling off the end) with the facts that hold
on every path to it. Paths that ``raise`` are not exits.

Decisions:
- a ``finally`` block's effects count for the exits it encloses (it runs after
  the return expression, before the method returns);
- an ``except`` handler starts from the facts that held when its ``try`` began;
- a loop body may run zero times, except ``while True`` (left only by break);
- an ``if`` whose test only guards ``ctx`` (``if ctx:``, ``if ctx is not None``,
  ``if ctx and hasattr(ctx, "log_metric")``, ``if getattr(ctx, "log_metric", None)``) is
  taken: the contract's guarded forms.

A rule may also say which simple statements end every path through them (``ends``:
raising.raising_call, a call of a helper that always raises), like a ``raise``.

The data-flow rules (dataflow.py) ask what may hold on some path instead: they
give a ``merge`` (union) for where paths meet, and a ``bind(binder, state)`` hook
that sees the names a ``for`` loop (``cst.For``) or a ``with ... as`` item
(``cst.WithItem``) binds, after the effect of its header.
Their ``except`` handlers start from what may hold at the start or the end of the
``try`` body (an approximation of "anywhere in it").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from .drivers import body_statements
from .names import dotted
from .walk import SMALL_STATEMENTS

State = frozenset
Effect = Callable[[cst.CSTNode, State], State]
Merge = Callable[[State, State], State]
Bind = Callable[[cst.For | cst.WithItem, State], State]
Ends = Callable[[cst.BaseSmallStatement], bool]


@dataclass(frozen=True)
class Exit:
    node: cst.CSTNode  # the Return, or the FunctionDef when control falls off its end
    state: State

    @property
    def falls_off_end(self) -> bool:
        return type(self.node) is cst.FunctionDef


@dataclass
class _Loop:
    breaks: list[State] = field(default_factory=list)


def join(*states: State | None, merge: Merge = frozenset.intersection) -> State | None:
    """Facts that hold on every live path (None: no path gets here); with another
    ``merge``, what it makes of them (``frozenset.union``: facts of some path)."""
    live = [s for s in states if s is not None]
    if not live:
        return None
    result = live[0]
    for state in live[1:]:
        result = merge(result, state)
    return result


class Flow:
    def __init__(self, effect: Effect, ctx_name: str = "ctx",
                 merge: Merge = frozenset.intersection, bind: Bind | None = None,
                 ends: Ends | None = None) -> None:
        self.effect = effect
        self.ctx_name = ctx_name
        self.merge = merge
        self.bind = bind
        self.ends = ends
        self._exits: list[Exit] = []
        self._finally: list[list[cst.BaseStatement]] = []
        self._loops: list[_Loop] = []

    def run(self, function: cst.FunctionDef, start: State = frozenset()) -> list[Exit]:
        self._exits, self._finally, self._loops = [], [], []
        end = self._block(body_statements(function), start)
        if end is not None:
            self._exits.append(Exit(function, end))
        return self._exits

    def _block(self, statements, state: State | None) -> State | None:
        for statement in statements:
            if state is None:
                return None  # unreachable: after a return, raise, break or continue
            state = self._statement(statement, state)
        return state

    def _statement(self, node: cst.BaseStatement | cst.BaseSmallStatement,
                   state: State) -> State | None:
        if type(node) in SMALL_STATEMENTS:  # in a one-line suite: ``if x: return y``
            return self._small(node, state)
        if type(node) is cst.SimpleStatementLine:
            for small in node.body:
                state = self._small(small, state)
                if state is None:
                    return None
            return state
        handler = _COMPOUND.get(type(node))
        return handler(self, node, state) if handler else state

    def _small(self, node: cst.BaseSmallStatement, state: State) -> State | None:
        if type(node) is cst.Return:
            self._exits.append(Exit(node, self._through_finally(self.effect(node, state))))
            return None
        if type(node) is cst.Raise:
            self.effect(node, state)
            return None
        if type(node) is cst.Break:
            if self._loops:
                self._loops[-1].breaks.append(state)
            return None
        if type(node) is cst.Continue:
            return None
        state = self.effect(node, state)
        if self.ends is not None and self.ends(node):
            return None  # a call that always raises (``self._fail(e)``): no path goes on
        return state

    def _through_finally(self, state: State) -> State:
        """The facts at a return, after the enclosing finally blocks have run."""
        saved_exits, saved_finally = self._exits, self._finally
        for block in reversed(saved_finally):
            self._exits, self._finally = [], []
            state = self._block(block, state) or state
        self._exits, self._finally = saved_exits, saved_finally
        return state

    def _if(self, node: cst.If, state: State) -> State | None:
        """An ``if`` and its ``elif`` chain, followed in a loop: a chain of 10,000 is
        as long as its file, not a recursion as deep."""
        ends = []
        while True:
            state = self.effect(node.test, state)
            ends.append(self._block(node.body.body, state))
            if self._is_ctx_guard(node.test):
                return self._join(*ends)
            if type(node.orelse) is not cst.If:
                break
            node = node.orelse
        if type(node.orelse) is cst.Else:
            ends.append(self._block(node.orelse.body.body, state))
        else:
            ends.append(state)
        return self._join(*ends)

    def _for(self, node: cst.For, state: State) -> State | None:
        state = self.effect(node.iter, state)
        if self.bind is not None:
            state = self.bind(node, state)
        return self._loop(node, state, may_skip=True)

    def _while(self, node: cst.While, state: State) -> State | None:
        state = self.effect(node.test, state)
        forever = type(node.test) is cst.Name and node.test.value == "True"
        return self._loop(node, state, may_skip=not forever)

    def _loop(self, node: cst.For | cst.While, state: State, may_skip: bool) -> State | None:
        self._loops.append(_Loop())
        end = self._block(node.body.body, state)
        loop = self._loops.pop()
        finished = self._join(state, end) if may_skip else None
        if node.orelse is not None and finished is not None:
            finished = self._block(node.orelse.body.body, finished)
        return self._join(finished, *loop.breaks)

    def _try(self, node: cst.Try | cst.TryStar, state: State) -> State | None:
        final = list(node.finalbody.body.body) if node.finalbody else None
        if final is not None:
            self._finally.append(final)
        end = self._block(node.body.body, state)
        caught = state if self.merge is frozenset.intersection else self._join(state, end)
        handled = [self._block(h.body.body, caught) for h in node.handlers]
        if node.orelse is not None and end is not None:
            end = self._block(node.orelse.body.body, end)
        if final is not None:
            self._finally.pop()
        after = self._join(end, *handled)
        if final is not None and after is not None:
            after = self._block(final, after)
        return after

    def _with(self, node: cst.With, state: State) -> State | None:
        for item in node.items:
            state = self.effect(item.item, state)
            if self.bind is not None and item.asname is not None:
                state = self.bind(item, state)
        return self._block(node.body.body, state)

    def _match(self, node: cst.Match, state: State) -> State | None:
        state = self.effect(node.subject, state)
        ends = [self._block(case.body.body, state) for case in node.cases]
        exhaustive = any(_is_wildcard(case.pattern) and case.guard is None for case in node.cases)
        return self._join(*ends, *([] if exhaustive else [state]))

    def _join(self, *states: State | None) -> State | None:
        return join(*states, merge=self.merge)

    def _is_ctx_guard(self, test: cst.BaseExpression) -> bool:
        return is_ctx_guard(test, self.ctx_name)


_COMPOUND = {
    cst.If: Flow._if, cst.For: Flow._for, cst.While: Flow._while, cst.Try: Flow._try,
    cst.TryStar: Flow._try, cst.With: Flow._with, cst.Match: Flow._match,
}


def is_ctx_guard(test: cst.BaseExpression, ctx_name: str = "ctx") -> bool:
    """``ctx``, ``ctx is not None``, ``hasattr(ctx, ...)``, ``getattr(ctx, ...)``, and ``and``
    of those."""
    if type(test) is cst.Name:
        return test.value == ctx_name
    if type(test) is cst.BooleanOperation and type(test.operator) is cst.And:
        return is_ctx_guard(test.left, ctx_name) and is_ctx_guard(test.right, ctx_name)
    if type(test) is cst.Comparison and len(test.comparisons) == 1:
        target = test.comparisons[0]
        return (type(target.operator) is cst.IsNot and dotted(test.left) == ctx_name
                and type(target.comparator) is cst.Name and target.comparator.value == "None")
    if type(test) is cst.Call and dotted(test.func) in ("hasattr", "getattr") and test.args:
        return dotted(test.args[0].value) == ctx_name
    return False


def _is_wildcard(pattern: cst.MatchPattern) -> bool:
    return type(pattern) is cst.MatchAs and pattern.pattern is None
