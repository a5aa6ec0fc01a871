"""What a driver's ``run`` reaches, the module's call graph from it: the helpers each
function calls (methods of the class through ``self.<name>(...)``, and the module's
functions by name), to any depth with recursion cut; which argument each helper
parameter receives; and each function's pieces with their calls. Rules share these
walks through the driver's ``shared`` memo, so a function is walked once per file
however many rules read it."""

from __future__ import annotations

import libcst as cst

from .drivers import DriverClass
from .metrics import self_method_called
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
