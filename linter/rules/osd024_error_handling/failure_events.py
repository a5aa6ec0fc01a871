"""Recognising the contract's failure event in an ``except`` block:
``ctx.log_event("step_failed", {"step_id": ..., "error": ..., "error_type": ...})``.

The event counts when it is emitted before the block's first statement that always
raises: directly, under a guard on ``ctx`` (``if ctx:``), inside a ``try`` (a defensive
``try: ctx.log_event(...) except Exception: pass``), or in a helper of the module called
there (a method through ``self``, a function by name, reach.callee), whose own helpers
are followed to any depth (a summary per helper, reach.summary). The payload's keys are
read from a dict literal, ``dict(...)`` keywords, a local name bound to a dict literal in
the same block, and the keyword fields the runtime merges in
(``log_event("step_failed", step_id=...)``). A payload the linter cannot see (built
elsewhere) is trusted to hold them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import libcst as cst

from ...analysis.drivers import DriverClass, body_statements, literal_string
from ...analysis.flow import is_ctx_guard
from ...analysis.raising import always_raises
from ...analysis.reach import callee, helper_ctx, summary
from ...analysis.walk import calls_in

STEP_FAILED = "step_failed"
REQUIRED_KEYS = ("step_id", "error", "error_type")


@dataclass(frozen=True)
class FailureEvent:
    missing: tuple[str, ...]  # required keys the payload lacks (empty when complete or unseen)


def failure_event(statements: Sequence[cst.BaseStatement], ctx_name: str,
                  driver: DriverClass) -> FailureEvent | None:
    """The step_failed event emitted by ``statements`` before they raise, if any; of
    several, the most complete one."""
    return _most_complete(_events(statements, ctx_name, driver, {}))


def _most_complete(events: Iterable[FailureEvent | None]) -> FailureEvent | None:
    found = [e for e in events if e is not None]
    return min(found, key=lambda e: len(e.missing)) if found else None


def _helper_event(driver: DriverClass, key: tuple[cst.FunctionDef, str]) -> FailureEvent | None:
    """The event a helper emits before it raises (its context being ``key[1]``)."""
    helper, ctx_name = key
    return _most_complete(_events(body_statements(helper), ctx_name, driver, {}))


def _events(statements: Sequence[cst.BaseStatement], ctx_name: str,
            driver: DriverClass, bound: dict[str, cst.Dict]):
    for statement in statements:
        if type(statement) is cst.SimpleStatementLine:
            for small in statement.body:
                _remember_dicts(small, bound)
                yield from _events_in_calls(small, ctx_name, driver, bound)
        elif type(statement) is cst.If and is_ctx_guard(statement.test, ctx_name):
            yield from _events(statement.body.body, ctx_name, driver, bound)
        elif type(statement) in (cst.Try, cst.TryStar, cst.With):
            yield from _events(statement.body.body, ctx_name, driver, bound)
        if always_raises([statement], driver):
            return


def _events_in_calls(small: cst.BaseSmallStatement, ctx_name: str,
                     driver: DriverClass, bound: dict[str, cst.Dict]):
    for call in calls_in(small):
        if _is_step_failed(call):
            yield FailureEvent(_missing_keys(call, bound))
        helper = callee(driver, call)
        if helper is not None:
            yield summary(driver, "failure-event", (helper, helper_ctx(call, helper, ctx_name)),
                          lambda key: _helper_event(driver, key), None)


def _is_step_failed(call: cst.Call) -> bool:
    func = call.func
    if not (type(func) is cst.Attribute and func.attr.value == "log_event"):
        return False
    name = next((a.value for a in call.args if a.keyword is None or a.keyword.value == "name"),
                None)
    return literal_string(name) == STEP_FAILED


def _missing_keys(call: cst.Call, bound: dict[str, cst.Dict]) -> tuple[str, ...]:
    positional = [a for a in call.args if a.keyword is None]
    payload = positional[1].value if len(positional) > 1 else next(
        (a.value for a in call.args if a.keyword and a.keyword.value == "payload"), None)
    fields = {a.keyword.value for a in call.args
              if a.keyword and a.keyword.value not in ("name", "payload")}
    keys = _payload_keys(payload, bound)
    if keys is None or any(a.star == "**" for a in call.args):
        return ()
    return tuple(k for k in REQUIRED_KEYS if k not in keys | fields)


def _payload_keys(payload: cst.BaseExpression | None,
                  bound: dict[str, cst.Dict]) -> set[str] | None:
    """The literal keys of the payload; None when they cannot be seen."""
    if payload is None:
        return set()
    if type(payload) is cst.Name and payload.value in bound:
        payload = bound[payload.value]
    if type(payload) is cst.Dict:
        if any(type(e) is not cst.DictElement for e in payload.elements):
            return None  # {**base, ...}
        keys = {literal_string(e.key) for e in payload.elements}
        return None if None in keys else keys
    if type(payload) is cst.Call and type(payload.func) is cst.Name \
            and payload.func.value == "dict" and all(a.keyword for a in payload.args):
        return {a.keyword.value for a in payload.args}
    return None


def _remember_dicts(small: cst.BaseSmallStatement, bound: dict[str, cst.Dict]) -> None:
    if type(small) is cst.Assign and len(small.targets) == 1 \
            and type(small.targets[0].target) is cst.Name:
        name = small.targets[0].target.value
        if type(small.value) is cst.Dict:
            bound[name] = small.value
        else:
            bound.pop(name, None)
