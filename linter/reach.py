"""What a driver's ``run`` reaches: the helper methods it calls, one level deep, which
argument each helper parameter receives, and each method's pieces with their calls.
Driver rules look no further, and they share these walks through the driver's
``shared`` memo, so a method is walked once per file however many rules read it."""

from __future__ import annotations

import libcst as cst

from .drivers import DriverClass
from .metrics import self_method_called
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


def helper_calls(driver: DriverClass, function: cst.FunctionDef) -> list[tuple[cst.Call, cst.FunctionDef]]:
    """Each ``self.<method>(...)`` call in ``function`` of a method the class defines
    (``run`` excepted), with that method."""
    key = ("helpers", function)
    if key not in driver.shared:
        found = []
        for call in calls_of(driver, function):
            name = self_method_called(call)
            method = driver.method(name) if name and name != "run" else None
            if method is not None:
                found.append((call, method))
        driver.shared[key] = found
    return driver.shared[key]


def reached_functions(driver: DriverClass) -> list[cst.FunctionDef]:
    """``run`` and, once each, the helper methods it calls."""
    functions = [driver.run]
    for _, method in helper_calls(driver, driver.run):
        if method not in functions:
            functions.append(method)
    return functions


def arguments_by_parameter(call: cst.Call, method: cst.FunctionDef) -> dict[str, cst.BaseExpression]:
    """The expression each parameter of ``method`` receives from ``call``, ``self``
    skipped; parameters fed by ``*args``/``**kwargs`` are left out."""
    params = method.params
    positional = [p.name.value for p in (*params.posonly_params, *params.params)][1:]
    named = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
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
