"""What a method does with a name: reads an attribute of it, subscripts it,
iterates over it, passes it on... OSD006 judges what is done to ``ctx`` and
OSD012 what an extractor does to ``inputs``, from the same classification.

Only the method's own subtree is walked (its nested functions included, since
they close over the name), tracking each node's parent and grandparent.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

import libcst as cst

from .walk import children

ATTRIBUTE = "attribute"  # name.attr (see Use.attribute, Use.called, Use.stored)
SUBSCRIPT = "subscript"  # name[...]
CALLED = "called"  # name(...)
ITERATED = "iterated"  # for x in name / [... for x in name]
MEMBERSHIP = "membership"  # x in name / x not in name
UNPACKED = "unpacked"  # *name / **name
ENTERED = "entered"  # with name:
ARGUMENT = "argument"  # f(name) / f(key=name): passed on
BOUND = "bound"  # name = ... / for name in ... / del name
OTHER = "other"  # guards, comparisons, returns, f-strings...

_STORES = (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del)


@dataclass(frozen=True)
class Use:
    name: cst.Name
    parent: cst.CSTNode
    grandparent: cst.CSTNode | None
    kind: str

    @property
    def node(self) -> cst.CSTNode:
        """The expression the use is about (``ctx.logger``, ``inputs["df"]``), to report."""
        return self.parent if self.kind in (ATTRIBUTE, SUBSCRIPT, CALLED) else self.name

    @property
    def attribute(self) -> str | None:
        return self.parent.attr.value if self.kind == ATTRIBUTE else None

    @property
    def called(self) -> bool:
        """``name.attr(...)``."""
        return type(self.grandparent) is cst.Call and self.grandparent.func is self.parent

    @property
    def stored(self) -> bool:
        """``name.attr = ...``, ``name.attr += ...``, ``del name.attr``."""
        target = getattr(self.grandparent, "target", None)
        return isinstance(self.grandparent, _STORES) and target is self.parent


def uses_of(function: cst.FunctionDef, names: Collection[str]) -> Iterator[Use]:
    """Every reference to one of ``names`` in ``function``'s body, classified."""
    stack: list[tuple[cst.CSTNode, cst.CSTNode, cst.CSTNode | None]] = [
        (child, function.body, function) for child in children(function.body, layout=False)]
    while stack:
        node, parent, grandparent = stack.pop()
        if type(node) is cst.Name:
            if node.value in names and _is_reference(node, parent):
                yield Use(node, parent, grandparent, _kind(node, parent))
            continue
        stack.extend((child, node, parent) for child in children(node, layout=False))


def _is_reference(name: cst.Name, parent: cst.CSTNode) -> bool:
    """Not ``self.name``, a keyword ``name=``, a parameter or a function's own name."""
    if type(parent) is cst.Attribute:
        return parent.value is name
    if type(parent) is cst.Arg:
        return parent.keyword is not name
    return type(parent) not in (cst.Param, cst.FunctionDef, cst.ClassDef, cst.ImportAlias)


def _kind(name: cst.Name, parent: cst.CSTNode) -> str:
    if type(parent) is cst.Attribute:
        return ATTRIBUTE
    if type(parent) is cst.Subscript:
        return SUBSCRIPT if parent.value is name else OTHER
    if type(parent) is cst.Call:
        return CALLED
    if type(parent) in (cst.For, cst.CompFor):
        return ITERATED if parent.iter is name else BOUND
    if type(parent) is cst.ComparisonTarget:
        return MEMBERSHIP if type(parent.operator) in (cst.In, cst.NotIn) else OTHER
    if type(parent) is cst.Arg:
        return UNPACKED if parent.star else ARGUMENT
    if type(parent) in (cst.StarredElement, cst.StarredDictElement):
        return UNPACKED
    if type(parent) is cst.WithItem:
        return ENTERED if parent.item is name else OTHER
    if isinstance(parent, (*_STORES, cst.NamedExpr)):
        return BOUND if parent.target is name else OTHER
    if type(parent) is cst.AsName:
        return BOUND
    return OTHER
