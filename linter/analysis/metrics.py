"""Recognising the contract's metric call: ``ctx.log_metric("rows_read", n)``."""

from __future__ import annotations

import libcst as cst

from .drivers import DriverClass, literal_string
from .flow import State
from .raising import HelperPaths
from .reach import callee, calls_of, helper_ctx, reached_functions, summary
from .reach import self_method_called as self_method_called  # where the rules import it from
from .walk import calls_in

EMITTED = "metric-emitted"


def metric_name(call: cst.Call) -> str | None:
    """The literal metric name of a ``<ctx>.log_metric(...)`` call, else None."""
    func = call.func
    if not (type(func) is cst.Attribute and func.attr.value == "log_metric"):
        return None
    for arg in call.args:
        if arg.keyword is None or arg.keyword.value == "name":
            return literal_string(arg.value)
    return None


class MetricPaths(HelperPaths):
    """Which exits of ``run`` are preceded, on every path, by the required metric: emitted
    there, or by a helper called on that path (a method through ``self``, a function of
    the module, at any depth) every one of whose own exits is preceded by it."""

    def __init__(self, driver: DriverClass, metric: str, ctx_name: str) -> None:
        super().__init__(driver, ctx_name)
        self.metric = metric

    def _effect(self, node: cst.CSTNode, state: State, ctx: str) -> State:
        for call in calls_in(node):
            if metric_name(call) == self.metric:
                return state | {EMITTED}
            helper = callee(self.driver, call)
            if helper is not None and summary(
                    self.driver, ("metric-emitted", self.metric),
                    (helper, helper_ctx(call, helper, ctx)), self._emits, True):
                return state | {EMITTED}
        return state

    def _emits(self, key: tuple[cst.FunctionDef, str]) -> bool:
        """A helper emits the metric when every one of its own exits is preceded by it."""
        helper, ctx = key
        exits = self._exits(helper, ctx)
        return bool(exits) and all(EMITTED in e.state for e in exits)


def metrics_emitted(driver: DriverClass) -> set[str]:
    """Every literal metric name that ``run`` and the helpers it reaches emit."""
    return {name for function in reached_functions(driver) for call in calls_of(driver, function)
            if (name := metric_name(call))}
