"""Fast traversal of a LibCST tree.

LibCST's visitor dispatch costs more than the parse itself (design.md: a plain
``CSTVisitor`` walk adds ~15 ms a file, the parse ~13 ms). Reading each node's
dataclass fields directly visits the same nodes for ~2 ms, so the engine walks
every file once this way and hands each node to the rules subscribed to its type.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

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


def descendants(node: cst.CSTNode, stop: tuple[type, ...] = ()) -> Iterator[cst.CSTNode]:
    """Every node below ``node``; nodes of a ``stop`` type are yielded but not entered."""
    stack = children(node, layout=False)
    while stack:
        current = stack.pop()
        yield current
        if not isinstance(current, stop):
            stack.extend(children(current, layout=False))


NESTED_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def calls_in(node: cst.CSTNode) -> Iterator[cst.Call]:
    """Calls evaluated when ``node`` runs: not those inside nested functions, classes, lambdas."""
    if isinstance(node, cst.Call):
        yield node
    for inner in descendants(node, stop=NESTED_SCOPES):
        if isinstance(inner, cst.Call):
            yield inner


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
