"""Fast traversal of a LibCST tree.

LibCST's visitor dispatch costs more than the parse itself (design.md: a plain
``CSTVisitor`` walk adds ~15 ms a file, the parse ~13 ms). Reading each node's
dataclass fields directly visits the same nodes for ~2 ms, so the engine walks
every file once this way and hands each node to the rules subscribed to its type.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import typing
from collections.abc import Callable
from itertools import repeat

import libcst as cst


def _node_types() -> frozenset[type]:
    """Every concrete node class: ``type(x) in`` this set is far cheaper than
    ``isinstance(x, CSTNode)``, an ABC check, on the hot path."""
    found, stack = set(), [cst.CSTNode]
    while stack:
        for sub in stack.pop().__subclasses__():
            found.add(sub)
            stack.append(sub)
    return frozenset(found)


NODE_TYPES = _node_types()

# Fields that hold only whitespace, comments and punctuation. No rule subscribes to
# those, so the rules' walk skips them (about half of all nodes) unless it needs comments.
_LAYOUT_PREFIXES = ("whitespace", "lpar", "rpar", "leading_lines", "lines_after", "header",
                    "footer", "trailing_whitespace", "comma", "semicolon", "colon", "equal",
                    "dot", "newline", "operator", "asynchronous")
Accessor = Callable[[cst.CSTNode], list[cst.CSTNode]]
# layout -> node class -> its accessor: written on first use, then one lookup a node.
_ACCESSORS: dict[bool, dict[type, Accessor]] = {True: {}, False: {}}


def children(node: cst.CSTNode, layout: bool = True) -> list[cst.CSTNode]:
    """The direct child nodes, in field order (not always source order); without the
    whitespace, comment and punctuation nodes when ``layout`` is false. A new list."""
    accessor = _ACCESSORS[layout].get(type(node))
    if accessor is None:
        accessor = _ACCESSORS[layout][type(node)] = _accessor(type(node), layout)
    return accessor(node)


def _accessor(node_type: type, layout: bool) -> Accessor:
    """A function, written for this node class from its field annotations, that lists
    its children: no loop over the fields, no look at fields that hold text or flags."""
    lines = ["def children(node):", "    found = []"]
    for field in dataclasses.fields(node_type):
        if not layout and field.name.startswith(_LAYOUT_PREFIXES):
            continue
        kind = _field_kind(field.type)
        if kind == "node":
            lines.append(f"    found.append(node.{field.name})")
        elif kind == "nodes":
            lines.append(f"    found.extend(node.{field.name})")
        elif kind == "maybe":
            lines += [f"    value = node.{field.name}", "    kind = type(value)",
                      "    if kind in NODE_TYPES:", "        found.append(value)",
                      "    elif kind is list or kind is tuple:", "        found.extend(value)"]
    lines.append("    return found")
    namespace = {"NODE_TYPES": NODE_TYPES}
    exec("\n".join(lines), namespace)  # code built from the dataclass's own field names
    return namespace["children"]


def _field_kind(annotation: object) -> str | None:
    """"node" (always a node), "nodes" (a sequence of nodes), "maybe" (look at the value:
    a node, a sequence, None or MaybeSentinel), or None (text, flags: never a node)."""
    if isinstance(annotation, type):
        return "node" if issubclass(annotation, cst.CSTNode) else None
    origin = typing.get_origin(annotation)
    if origin in (collections.abc.Sequence, list, tuple):
        return "nodes"
    if origin is typing.Literal:
        return None
    if origin is typing.Union and all(
            option is str or typing.get_origin(option) is typing.Literal
            or option is type(cst.MaybeSentinel.DEFAULT) for option in typing.get_args(annotation)):
        return None
    return "maybe"  # Optional, a Union of nodes, a forward reference: look at the value


# Several rules look below the same statements of run (each calls_in of a flow effect,
# each helper read): their answers are kept per file. Keys are id(node) (CSTNode's
# __hash__ is a Python method); each entry holds its node, so that while it is kept no
# other node can take that id. The engine forgets them between files.
_BELOW: dict[tuple[int, tuple[type, ...]], tuple[cst.CSTNode, list[cst.CSTNode]]] = {}
_CALLS: dict[int, tuple[cst.CSTNode, list[cst.Call]]] = {}


def forget_file() -> None:
    _BELOW.clear()
    _CALLS.clear()
    _OF_TYPES.clear()


def descendants(node: cst.CSTNode, stop: tuple[type, ...] = ()) -> list[cst.CSTNode]:
    """Every node below ``node``; nodes of a ``stop`` type are included but not entered."""
    key = (id(node), stop)
    entry = _BELOW.get(key)
    if entry is None or entry[0] is not node:
        entry = _BELOW[key] = (node, _below(node, _concrete(stop)))
    return entry[1]


def _below(node: cst.CSTNode, stop: frozenset[type]) -> list[cst.CSTNode]:
    found = []
    stack = children(node, layout=False)
    accessors = _ACCESSORS[False]
    while stack:
        current = stack.pop()
        found.append(current)
        kind = type(current)
        if kind not in stop:
            accessor = accessors.get(kind)
            stack += accessor(current) if accessor is not None else children(current, False)
    return found


_CONCRETE: dict[tuple[type, ...], frozenset[type]] = {}


def _concrete(types: tuple[type, ...]) -> frozenset[type]:
    """The node classes that are instances of ``types``: a set lookup on ``type(node)``
    is far cheaper than ``isinstance`` against LibCST's abstract base classes."""
    found = _CONCRETE.get(types)
    if found is None:
        found = _CONCRETE[types] = frozenset(t for t in NODE_TYPES if issubclass(t, types))
    return found


NESTED_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
# ``type(node) in SMALL_STATEMENTS`` is ``isinstance(node, cst.BaseSmallStatement)``, cheaply.
SMALL_STATEMENTS = _concrete((cst.BaseSmallStatement,))


_OF_TYPES: dict[tuple[int, tuple[type, ...]], tuple[cst.CSTNode, list[cst.CSTNode]]] = {}


def nodes_of(node: cst.CSTNode, types: tuple[type, ...]) -> list[cst.CSTNode]:
    """``node`` and the nodes below it that are instances of ``types``, outer ones first,
    not entering nested functions, classes and lambdas (kept per file, like the rest)."""
    key = (id(node), types)
    entry = _OF_TYPES.get(key)
    if entry is None or entry[0] is not node:
        wanted = _concrete(types)
        entry = _OF_TYPES[key] = (node, [n for n in (node, *descendants(node, stop=NESTED_SCOPES))
                                        if type(n) in wanted])
    return entry[1]


def calls_in(node: cst.CSTNode) -> list[cst.Call]:
    """Calls evaluated when ``node`` runs: not those inside nested functions, classes, lambdas."""
    entry = _CALLS.get(id(node))
    if entry is None or entry[0] is not node:
        found = [node] if type(node) is cst.Call else []
        found += [inner for inner in descendants(node, stop=NESTED_SCOPES)
                  if type(inner) is cst.Call]
        entry = _CALLS[id(node)] = (node, found)
    return entry[1]


Handler = Callable[[cst.CSTNode, "Walk"], None]


class Walk:
    """One pre-order pass over a tree that calls ``handlers[type(node)]`` for each node.
    ``ancestors`` holds the path from the root to the current node's parent."""

    def __init__(self, handlers: dict[type, list[Handler]], layout: bool = False) -> None:
        self.handlers = handlers
        self.layout = layout  # also walk whitespace and comments
        self.ancestors: list[cst.CSTNode] = []

    def run(self, root: cst.CSTNode) -> None:
        stack: list[tuple[cst.CSTNode, int]] = [(root, 0)]
        handlers, ancestors, layout = self.handlers, self.ancestors, self.layout
        accessors = _ACCESSORS[layout]
        while stack:
            node, depth = stack.pop()
            del ancestors[depth:]
            kind = type(node)
            if kind in handlers:
                for handle in handlers[kind]:
                    handle(node, self)
            ancestors.append(node)
            accessor = accessors.get(kind)
            below = accessor(node) if accessor is not None else children(node, layout)
            if below:
                below.reverse()  # a new list: pushed last child first, popped in field order
                stack.extend(zip(below, repeat(depth + 1)))
        ancestors.clear()

    def nearest(self, node_type: type) -> cst.CSTNode | None:
        for node in reversed(self.ancestors):
            if isinstance(node, node_type):
                return node
        return None
