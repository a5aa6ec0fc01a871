"""Recognising the contract's metric call: ``ctx.log_metric("rows_read", n)``."""

from __future__ import annotations

import libcst as cst

from .drivers import DriverClass, literal_string, parameter_names
from .flow import Flow, State
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


def self_method_called(call: cst.Call) -> str | None:
    """``helper`` for ``self.helper(...)``."""
    func = call.func
    if type(func) is cst.Attribute and type(func.value) is cst.Name \
            and func.value.value == "self":
        return func.attr.value
    return None


class MetricPaths:
    """Which exits of ``run`` are preceded, on every path, by the required metric,
    counting helper methods of the same class one level deep."""

    def __init__(self, driver: DriverClass, metric: str, ctx_name: str) -> None:
        self.driver = driver
        self.metric = metric
        self.ctx_name = ctx_name
        self._helpers: dict[str, bool] = {}

    def exits(self):
        return Flow(self._effect, self.ctx_name).run(self.driver.run)

    def _effect(self, node: cst.CSTNode, state: State, helpers: bool = True) -> State:
        for call in calls_in(node):
            if metric_name(call) == self.metric:
                return state | {EMITTED}
            helper = self_method_called(call) if helpers else None
            if helper and self._helper_emits(helper):
                return state | {EMITTED}
        return state

    def _helper_emits(self, name: str) -> bool:
        """A helper counts when every one of its own exits emits the metric."""
        if name not in self._helpers:
            method = self.driver.method(name)
            self._helpers[name] = False  # recursion guard
            if method is not None and name != "run":
                ctx = "ctx" if "ctx" in parameter_names(method) else self.ctx_name
                exits = Flow(lambda n, s: self._effect(n, s, helpers=False), ctx).run(method)
                self._helpers[name] = bool(exits) and all(EMITTED in e.state for e in exits)
        return self._helpers[name]


def metrics_emitted(node: cst.CSTNode) -> set[str]:
    """Every literal metric name ``node`` emits (not counting helpers)."""
    return {name for call in calls_in(node) if (name := metric_name(call))}
