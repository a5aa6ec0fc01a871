"""What a driver's ``run`` reaches, the module's call graph from it: the helpers each
function calls (methods of the class through ``self.<name>(...)``, and the module's
functions by name), to any depth with recursion cut; which argument each helper
parameter receives; and each function's pieces with their calls. Rules share these
walks through the driver's ``shared`` memo, so a function is walked once per file
however many rules read it.

A rule that judges a call of a helper by what the helper does (emits the metric on
every path, returns a dict with "df", always raises...) keeps a summary per function
with ``summary``: computed once per file, in ``shared``, following the helper's own
helpers to any depth; recursion (a helper calling itself, a cycle) is solved by
iterating from an assumed value until the summaries of the cycle hold still.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import libcst as cst

from .drivers import DriverClass, body_statements, ctx_name, parameter_names
from .names import dotted
from .pieces import Piece, pieces
from .walk import calls_in


def indexed_pieces(driver: DriverClass, function: cst.FunctionDef) -> list[tuple[Piece, list[cst.Call]]]:
    """The function's pieces in source order, each with the calls it evaluates."""
    key = ("pieces", function)
    if key not in driver.shared:
        driver.shared[key] = [(piece, list(calls_in(piece.node))) for piece in pieces(function)]
    return driver.shared[key]


def calls_of(driver: DriverClass, function: cst.FunctionDef) -> list[cst.Call]:
    """Every call the function evaluates (not those of nested functions and lambdas)."""
    return [call for _, calls in indexed_pieces(driver, function) for call in calls]


def self_method_called(call: cst.Call) -> str | None:
    """``helper`` for ``self.helper(...)``."""
    func = call.func
    if type(func) is cst.Attribute and type(func.value) is cst.Name \
            and func.value.value == "self":
        return func.attr.value
    return None


def callee(driver: DriverClass, call: cst.Call) -> cst.FunctionDef | None:
    """The function of this module that ``call`` runs: a method of the driver through
    ``self.<name>(...)`` (not ``run``), or a top-level function called by its name."""
    name = self_method_called(call)
    if name is not None:
        return driver.method(name) if name != "run" else None
    if type(call.func) is cst.Name:
        return driver.functions.get(call.func.value)
    return None


def helper_calls(driver: DriverClass, function: cst.FunctionDef) -> list[tuple[cst.Call, cst.FunctionDef]]:
    """Each call in ``function`` of a helper of this module (``callee``), with it."""
    key = ("helpers", function)
    if key not in driver.shared:
        driver.shared[key] = [(call, helper) for call in calls_of(driver, function)
                              if (helper := callee(driver, call)) is not None]
    return driver.shared[key]


def reached_functions(driver: DriverClass) -> list[cst.FunctionDef]:
    """``run`` and every helper it reaches, at any depth, once each, callers first."""
    key = ("reached",)
    if key not in driver.shared:
        functions = [driver.run]
        for function in functions:  # grows while it is read: a breadth-first walk
            for _, helper in helper_calls(driver, function):
                if helper not in functions:
                    functions.append(helper)
        driver.shared[key] = functions
    return driver.shared[key]


def arguments_by_parameter(call: cst.Call, function: cst.FunctionDef) -> dict[str, cst.BaseExpression]:
    """The expression each parameter of ``function`` receives from ``call``; for a
    method called through ``self``, ``self`` is skipped (not for a staticmethod).
    Parameters fed by ``*args``/``**kwargs`` are left out."""
    params = function.params
    positional = [p.name.value for p in (*params.posonly_params, *params.params)]
    if self_method_called(call) is not None and not any(
            dotted(d.decorator) == "staticmethod" for d in function.decorators):
        positional = positional[1:]
    named = {*positional, *(p.name.value for p in params.kwonly_params)}
    bound: dict[str, cst.BaseExpression] = {}
    index = 0
    for arg in call.args:
        if arg.star:
            if arg.star == "*":
                index = len(positional)  # the rest of the positional parameters is unknown
            continue
        if arg.keyword is None:
            if index < len(positional):
                bound[positional[index]] = arg.value
            index += 1
        elif arg.keyword.value in named:
            bound[arg.keyword.value] = arg.value
    return bound


def receiving(call: cst.Call, function: cst.FunctionDef, name: str) -> str | None:
    """The parameter of ``function`` that receives the caller's ``name`` itself in ``call``
    (``ctx`` passed as ``self._emit(rows, context=ctx)`` -> ``context``)."""
    for parameter, argument in arguments_by_parameter(call, function).items():
        if type(argument) is cst.Name and argument.value == name:
            return parameter
    return None


def helper_ctx(call: cst.Call, helper: cst.FunctionDef, ctx_name: str) -> str:
    """What ``helper`` calls the context its caller knows as ``ctx_name``: the parameter
    that receives it in ``call``, else a parameter named ``ctx``, else the caller's name."""
    received = receiving(call, helper, ctx_name)
    if received is not None:
        return received
    return "ctx" if "ctx" in parameter_names(helper) else ctx_name


def ctx_names(driver: DriverClass) -> dict[cst.FunctionDef, str]:
    """What ``run`` and each helper it reaches call run's context (``helper_ctx`` at the
    first call of the helper found, callers first)."""
    key = ("ctx-names",)
    if key not in driver.shared:
        names = {driver.run: ctx_name(driver.run)}
        for function in reached_functions(driver):
            for call, helper in helper_calls(driver, function):
                if helper not in names:
                    names[helper] = helper_ctx(call, helper, names[function])
        driver.shared[key] = names
    return driver.shared[key]


def describe(driver: DriverClass, function: cst.FunctionDef) -> str:
    """How a message names ``function``: ``run``, ``_load`` (a method or a function of the
    module), or ``the module function run`` where the name alone would mislead."""
    name = function.name.value
    if function is driver.run or driver.methods.get(name) is function:
        return name
    return f"the module function {name}" if name in driver.methods else name


def delegation(driver: DriverClass) -> list[cst.FunctionDef]:
    """``run``, then the helpers it hands all its work to, in turn: a function whose body
    is one statement calling a helper (``return self._execute(...)``, osiris-pipeline's
    ``return run(step_id=step_id, ...)``) delegates to it. The last one holds the work:
    the rules that judge where run's work returns or fails judge it there."""
    key = ("delegation",)
    if key not in driver.shared:
        chain = [driver.run]
        while (helper := _delegate(driver, chain[-1])) is not None and helper not in chain:
            chain.append(helper)
        driver.shared[key] = chain
    return driver.shared[key]


def _delegate(driver: DriverClass, function: cst.FunctionDef) -> cst.FunctionDef | None:
    statements = body_statements(function)
    if len(statements) != 1 or type(statements[0]) is not cst.SimpleStatementLine \
            or len(statements[0].body) != 1:
        return None
    small = statements[0].body[0]
    value = small.value if type(small) in (cst.Return, cst.Expr) else None
    return callee(driver, value) if type(value) is cst.Call else None


def placeholder_run(driver: DriverClass) -> bool:
    """``run`` has no code to judge: it only raises NotImplementedError (or is ``...``).
    A ``run`` that only delegates to a module function (``DriverClass.opaque_run`` too)
    is judged through that function."""
    return driver.opaque_run and not helper_calls(driver, driver.run)


def summary(driver: DriverClass, kind: Hashable, key: Hashable,
            compute: Callable[[Any], Any], start: Any) -> Any:
    """What ``compute(key)`` says of one function (``key`` names the function and what
    the summary depends on: which parameter holds ``ctx``, the facts at the call...),
    computed once per file and kept in ``driver.shared``. ``compute`` may ask for the
    summaries of the helpers the function calls; one asked for while it is being
    computed (recursion) is taken to be ``start`` at first, then what the last round
    found, until every summary of the cycle holds still. ``kind`` names the summary and
    fixes ``compute`` (the first one given is kept) and ``start``: for "on every path"
    summaries, ``start`` is the most that can be said (a recursive call returns what
    the function's other exits return), for "on some path" ones, the least."""
    solver = driver.shared.get(("summaries", kind))
    if solver is None:
        solver = driver.shared[("summaries", kind)] = _Summaries(compute, start)
    return solver.get(key)


class _Summaries:
    """The summaries of one kind: memoised, cycles solved by iterating over them.

    Keys being computed form a stack of frames. A computation that reads a key being
    computed (recursion) depends on that key's frame (``low``: the outermost frame it
    depends on, passed on to its callers) and is final only once that frame is: until
    then it waits in ``pending``. A frame that depends on none further out is the
    outermost of its cycle: when a summary of the cycle differs from what was assumed
    for it, the assumption becomes that summary and the cycle is computed again."""

    ROUNDS = 8  # at most; the summaries are small lattices, a round or two settles them

    def __init__(self, compute: Callable[[Any], Any], start: Any) -> None:
        self.compute = compute
        self.start = start
        self.done: dict = {}
        self.position: dict = {}  # key being computed -> its frame's index
        self.low: list[int] = []  # per frame: the outermost frame its summary depends on
        self.assumed: dict = {}  # key -> what a recursive call of it is taken to give
        self.pending: dict = {}  # key -> [summary, low]: computed, in an unsettled cycle

    def get(self, key: Hashable) -> Any:
        if key in self.done:
            return self.done[key]
        if key in self.position:  # recursion
            self._depends_on(self.position[key])
            return self.assumed.setdefault(key, self.start)
        if key in self.pending:
            value, low = self.pending[key]
            self._depends_on(low)
            return value
        position = self.position[key] = len(self.low)
        self.low.append(position)
        try:
            rounds = 0
            while True:
                self.low[-1] = position
                value = self.compute(key)
                low = self.low[-1]
                members = {k: entry for k, entry in self.pending.items() if entry[1] >= position}
                members[key] = [value, low]
                if low < position:  # in a cycle through an outer frame: settled there
                    for entry in members.values():
                        entry[1] = low
                    self.pending.update(members)
                    return value
                for k in members:
                    self.pending.pop(k, None)
                stale = [k for k, (v, _) in members.items()
                         if k in self.assumed and self.assumed[k] != v]
                rounds += 1
                if not stale or rounds == self.ROUNDS:
                    for k, (v, _) in members.items():
                        self.done[k] = v
                        self.assumed.pop(k, None)
                    return value
                for k in stale:
                    self.assumed[k] = members[k][0]
        finally:
            del self.position[key]
            low = self.low.pop()
            if self.low:
                self._depends_on(low)

    def _depends_on(self, position: int) -> None:
        if position < self.low[-1]:
            self.low[-1] = position
