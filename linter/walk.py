"""Fast traversal of a LibCST tree.

LibCST's visitor dispatch costs more than the parse itself (design.md: a plain
``CSTVisitor`` walk adds ~15 ms a file, the parse ~13 ms). Reading each node's
dataclass fields directly visits the same nodes for ~2 ms, so the engine walks
every file once this way and hands each node to the rules subscribed to its type.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

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
_FIELDS: dict[tuple[type, bool], tuple[str, ...]] = {}


def _fields(node_type: type, layout: bool) -> tuple[str, ...]:
    names = _FIELDS.get((node_type, layout))
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(node_type)
                      if layout or not f.name.startswith(_LAYOUT_PREFIXES))
        _FIELDS[(node_type, layout)] = names
    return names


def children(node: cst.CSTNode, layout: bool = True) -> list[cst.CSTNode]:
    """The direct child nodes, in field order (not always source order); without the
    whitespace, comment and punctuation nodes when ``layout`` is false."""
    found = []
    for name in _fields(type(node), layout):
        value = getattr(node, name)
        kind = type(value)
        if kind in NODE_TYPES:
            found.append(value)
        elif kind is list or kind is tuple:
            found.extend(item for item in value if type(item) in NODE_TYPES)
    return found


# Several rules look below the same statements of run (each calls_in of a flow effect,
# each helper read): their answers are kept, keyed by the node itself (which keeps it
# alive, so no other node can take its identity). The engine forgets them between files.
_BELOW: dict[tuple[cst.CSTNode, tuple[type, ...]], list[cst.CSTNode]] = {}
_CALLS: dict[cst.CSTNode, list[cst.Call]] = {}


def forget_file() -> None:
    _BELOW.clear()
    _CALLS.clear()
    _OF_TYPES.clear()


def descendants(node: cst.CSTNode, stop: tuple[type, ...] = ()) -> list[cst.CSTNode]:
    """Every node below ``node``; nodes of a ``stop`` type are included but not entered."""
    key = (node, stop)
    found = _BELOW.get(key)
    if found is None:
        found = _BELOW[key] = _below(node, _concrete(stop))
    return found


def _below(node: cst.CSTNode, stop: frozenset[type]) -> list[cst.CSTNode]:
    found = []
    stack = children(node, layout=False)
    while stack:
        current = stack.pop()
        found.append(current)
        if type(current) not in stop:
            stack.extend(children(current, layout=False))
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


_OF_TYPES: dict[tuple[cst.CSTNode, tuple[type, ...]], list[cst.CSTNode]] = {}


def nodes_of(node: cst.CSTNode, types: tuple[type, ...]) -> list[cst.CSTNode]:
    """``node`` and the nodes below it that are instances of ``types``, outer ones first,
    not entering nested functions, classes and lambdas (kept per file, like the rest)."""
    key = (node, types)
    found = _OF_TYPES.get(key)
    if found is None:
        wanted = _concrete(types)
        found = [n for n in (node, *descendants(node, stop=NESTED_SCOPES)) if type(n) in wanted]
        _OF_TYPES[key] = found
    return found


def calls_in(node: cst.CSTNode) -> list[cst.Call]:
    """Calls evaluated when ``node`` runs: not those inside nested functions, classes, lambdas."""
    found = _CALLS.get(node)
    if found is None:
        found = [node] if type(node) is cst.Call else []
        found += [inner for inner in descendants(node, stop=NESTED_SCOPES)
                  if type(inner) is cst.Call]
        _CALLS[node] = found
    return found


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
        while stack:
            node, depth = stack.pop()
            del ancestors[depth:]
            for handle in handlers.get(type(node), ()):
                handle(node, self)
            ancestors.append(node)
            below = depth + 1
            stack.extend([(child, below) for child in reversed(children(node, layout))])
        ancestors.clear()

    def nearest(self, node_type: type) -> cst.CSTNode | None:
        for node in reversed(self.ancestors):
            if isinstance(node, node_type):
                return node
        return None
