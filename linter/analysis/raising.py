"""Whether a block of statements always ends in an exception: the guard that
raises (OSD012, OSD023) and the handler that re-raises (OSD024) are both this.

A block "always raises" when no path through it falls through to the statement
after it, returns, breaks or continues. Loops are assumed to be left normally
(their bodies may run zero times), so a raise inside a loop does not count. A
call of a helper as a statement (``self._fail(...)``, ``_fail(...)``) counts when the
helper's own body always raises: any helper ``reach.callee`` finds, at any depth (a
summary per function, reach.summary).
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from .drivers import DriverClass, body_statements
from .flow import Exit, Flow, State
from .reach import callee, summary

# The driver whose helpers a call may run (None: calls are not followed).
Helpers = DriverClass | None


def always_raises(statements: Sequence[cst.BaseStatement], helpers: Helpers | None = None) -> bool:
    """No path through ``statements`` ends otherwise than with an exception."""
    escapes, continues = _block(statements, helpers)
    return not escapes and not continues


def _block(statements: Sequence[cst.BaseStatement], helpers: Helpers) -> tuple[bool, bool]:
    """(some path leaves by return/break/continue, some path reaches the end)."""
    escapes = False
    for statement in statements:
        left, continues = _statement(statement, helpers)
        escapes = escapes or left
        if not continues:
            return escapes, False
    return escapes, True


def _statement(node: cst.BaseStatement, helpers: Helpers) -> tuple[bool, bool]:
    if type(node) is cst.SimpleStatementLine:
        for small in node.body:
            if type(small) is cst.Raise or raising_call(small, helpers):
                return False, False
            if type(small) in (cst.Return, cst.Break, cst.Continue):
                return True, False
        return False, True
    if type(node) is cst.If:
        body = _block(node.body.body, helpers)
        if type(node.orelse) is cst.If:
            other = _statement(node.orelse, helpers)
        elif type(node.orelse) is cst.Else:
            other = _block(node.orelse.body.body, helpers)
        else:
            other = (False, True)
        return body[0] or other[0], body[1] or other[1]
    if type(node) in (cst.Try, cst.TryStar):
        return _try(node, helpers)
    if type(node) is cst.With:
        return _block(node.body.body, helpers)
    if type(node) in (cst.For, cst.While):
        return _block(node.body.body, helpers)[0], True
    return False, True


def _try(node: cst.Try | cst.TryStar, helpers: Helpers) -> tuple[bool, bool]:
    escapes, continues = _block(node.body.body, helpers)
    if continues and node.orelse is not None:
        left, continues = _block(node.orelse.body.body, helpers)
        escapes = escapes or left
    for handler in node.handlers:
        left, handled = _block(handler.body.body, helpers)
        escapes, continues = escapes or left, continues or handled
    if node.finalbody is not None:
        left, finished = _block(node.finalbody.body.body, helpers)
        if not left and not finished:
            return False, False  # the finally block itself always raises
        escapes, continues = escapes or left, continues and finished
    return escapes, continues


def raising_call(small: cst.BaseSmallStatement, helpers: Helpers) -> bool:
    """``self._fail(...)`` as a statement, where ``_fail`` always raises (a Flow's ``ends``,
    given the driver)."""
    if not (type(small) is cst.Expr and type(small.value) is cst.Call):
        return False
    if helpers is None:
        return False
    helper = callee(helpers, small.value)
    return helper is not None and summary(helpers, "always-raises", helper,
                                          _always_raises(helpers), True)


def _always_raises(driver: DriverClass):
    return lambda function: always_raises(body_statements(function), driver)


class HelperPaths:
    """A path analysis over ``run`` and the helpers it reaches: the exits of a function,
    its context going by ``ctx`` there, walked with ``_effect``; a statement calling a
    helper that always raises ends its path (``self._fail(ctx, e)`` in a handler).
    OSD010 (metrics) and OSD011 (return shapes) share it."""

    def __init__(self, driver: DriverClass, ctx_name: str) -> None:
        self.driver = driver
        self.ctx_name = ctx_name

    def exits(self, function: cst.FunctionDef | None = None, ctx: str | None = None) -> list[Exit]:
        """The exits of ``run`` (or of ``function``, whose context is ``ctx``)."""
        return self._exits(function or self.driver.run, ctx or self.ctx_name)

    def _exits(self, function: cst.FunctionDef, ctx: str) -> list[Exit]:
        return Flow(lambda node, state: self._effect(node, state, ctx), ctx,
                    ends=lambda small: raising_call(small, self.driver)).run(function)

    def _effect(self, node: cst.CSTNode, state: State, ctx: str) -> State:
        raise NotImplementedError
