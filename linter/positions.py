"""Line and column of nodes, computed once per file and only when the file has
something to report.

LibCST's ``PositionProvider`` through ``MetadataWrapper`` costs ~17 ms a file
here, three times the parse, mostly in bookkeeping around a code generation pass
that alone costs ~2 ms. This module runs that pass with a lighter state that
records each node's syntactic range as plain tuples; the ranges are the same as
``PositionProvider``'s (tests/lint/test_walk_and_positions.py compares them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst._position import CodePosition, CodeRange

Point = tuple[int, int]  # (line 1-based, column 0-based)


@dataclass(frozen=False)
class _PositionState(CodegenState):
    line: int = 1
    column: int = 0
    # id(node) -> (start Point, end Point). Keyed by id: CSTNode.__hash__ is a Python
    # method, and this dict sees every node; the tree outlives the dict.
    ranges: dict = field(default_factory=dict)
    starts: list = field(default_factory=list)

    def before_codegen(self, node) -> None:
        self.starts.append((self.line, self.column))

    def after_codegen(self, node) -> None:
        """Nodes without a syntactic range (whitespace) get their whole extent."""
        start = self.starts.pop()
        key = id(node)
        if key not in self.ranges:
            self.ranges[key] = (start, (self.line, self.column))

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self.column += len(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        newlines = value.count("\n")
        if newlines:
            self.line += newlines
            self.column = len(value) - value.rfind("\n") - 1
        else:
            self.column += len(value)

    def record_syntactic_position(self, node, *, start_node=None, end_node=None):
        return _Recorder(self, node, start_node, end_node)


class _Recorder:
    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(self, state: _PositionState, node, start_node, end_node) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node

    def __enter__(self) -> None:
        self.start = (self.state.line, self.state.column)

    def __exit__(self, *exc_info) -> None:
        ranges = self.state.ranges
        start = ranges[id(self.start_node)][0] if self.start_node is not None else self.start
        end = ranges[id(self.end_node)][1] if self.end_node is not None else \
            (self.state.line, self.state.column)
        ranges[id(self.node)] = (start, end)


class Positions:
    def __init__(self, module: cst.Module) -> None:
        self._module = module
        self._ranges: dict | None = None

    def of(self, node: cst.CSTNode) -> CodeRange:
        if self._ranges is None:
            state = _PositionState(default_indent=self._module.default_indent,
                                   default_newline=self._module.default_newline)
            self._module._codegen(state)
            self._ranges = state.ranges
        (start_line, start_column), (end_line, end_column) = self._ranges[id(node)]
        return CodeRange(CodePosition(start_line, start_column),
                         CodePosition(end_line, end_column))
