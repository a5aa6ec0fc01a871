"""A function's evaluated pieces in source order, each with the ``with`` and ``try``
blocks around it.

A piece is what ``flow.Flow`` hands to its effect: a small statement, or the header
expression of a compound statement (an ``if``/``while`` test, a ``for`` iterable, a
``with`` item's expression, a ``match`` subject). Rules that need to know what
encloses a call (OSD025: is it in a ``finally``? OSD041: is it inside a transaction?)
read it from here instead of tracking parents during a walk of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from .drivers import body_statements
from .walk import SMALL_STATEMENTS

# The part of an enclosing statement a piece is in.
WITH, TRY, EXCEPT, ELSE, FINALLY = "with", "try", "except", "else", "finally"


@dataclass(frozen=True)
class Piece:
    node: cst.CSTNode
    within: tuple[tuple[str, cst.CSTNode], ...]  # (part, With or Try), outermost first
    item: cst.WithItem | None = None  # set when ``node`` is a with item's expression

    def enclosing(self, part: str) -> Iterator[cst.CSTNode]:
        """The statements around this piece whose ``part`` holds it, innermost first."""
        return (node for kind, node in reversed(self.within) if kind == part)


def pieces(function: cst.FunctionDef) -> Iterator[Piece]:
    yield from _block(body_statements(function), ())


def _block(statements, within) -> Iterator[Piece]:
    for statement in statements:
        yield from _statement(statement, within)


def _statement(node: cst.BaseStatement | cst.BaseSmallStatement, within) -> Iterator[Piece]:
    if type(node) in SMALL_STATEMENTS:  # in a one-line suite: ``if x: return y``
        yield Piece(node, within)
    elif type(node) is cst.SimpleStatementLine:
        for small in node.body:
            yield Piece(small, within)
    elif type(node) is cst.If:
        yield Piece(node.test, within)
        yield from _block(node.body.body, within)
        if type(node.orelse) is cst.If:
            yield from _statement(node.orelse, within)
        elif node.orelse is not None:
            yield from _block(node.orelse.body.body, within)
    elif type(node) in (cst.For, cst.While):
        yield Piece(node.iter if type(node) is cst.For else node.test, within)
        yield from _block(node.body.body, within)
        if node.orelse is not None:
            yield from _block(node.orelse.body.body, within)
    elif type(node) is cst.With:
        for item in node.items:
            yield Piece(item.item, within, item)
        yield from _block(node.body.body, (*within, (WITH, node)))
    elif type(node) in (cst.Try, cst.TryStar):
        yield from _block(node.body.body, (*within, (TRY, node)))
        for handler in node.handlers:
            yield from _block(handler.body.body, (*within, (EXCEPT, node)))
        if node.orelse is not None:
            yield from _block(node.orelse.body.body, (*within, (ELSE, node)))
        if node.finalbody is not None:
            yield from _block(node.finalbody.body.body, (*within, (FINALLY, node)))
    elif type(node) is cst.Match:
        yield Piece(node.subject, within)
        for case in node.cases:
            yield from _block(case.body.body, within)
