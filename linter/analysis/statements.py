"""The statement structure of a function body, without descending into
expressions: walking statements only is much cheaper than walking every node,
and is all a rule needs to find the ``if``s or ``try``s of a method."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

Block = Sequence[cst.BaseStatement]


def blocks_of(statement: cst.BaseStatement) -> list[Block]:
    """The statement lists directly inside a compound statement: an ``if``'s body and
    ``else`` (an ``elif`` is one ``If`` statement), a loop's body and ``else``, a
    ``with``'s body, a ``try``'s body, handlers, ``else`` and ``finally``, a ``match``'s
    cases. Nested functions and classes are other scopes: none."""
    if type(statement) is cst.If:
        orelse = statement.orelse
        rest = [[orelse]] if type(orelse) is cst.If else \
            [orelse.body.body] if orelse is not None else []
        return [statement.body.body, *rest]
    if type(statement) in (cst.Try, cst.TryStar):
        return [statement.body.body, *(h.body.body for h in statement.handlers),
                *(part.body.body for part in (statement.orelse, statement.finalbody) if part)]
    if type(statement) in (cst.For, cst.While):
        return [statement.body.body, *([statement.orelse.body.body] if statement.orelse else [])]
    if type(statement) is cst.With:
        return [statement.body.body]
    if type(statement) is cst.Match:
        return [case.body.body for case in statement.cases]
    return []


def all_statements(block: Block) -> Iterator[cst.BaseStatement]:
    """Every statement in ``block`` and in the blocks inside it, outermost first."""
    stack = list(reversed(block))
    while stack:
        statement = stack.pop()
        yield statement
        for inner in reversed(blocks_of(statement)):
            stack.extend(reversed(inner))
