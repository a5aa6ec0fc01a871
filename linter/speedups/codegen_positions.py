"""speedups.code_ranges' fast path: LibCST's code generation run with a lighter state
(a subclass of its private ``CodegenState``). Imported only when speedups.libcst_tricks(), for
the LibCST versions it was tested with."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst._position import CodePosition, CodeRange

from ..engine.source import LINE_BREAK


def fast_ranges(module: cst.Module, nodes: list) -> dict[int, CodeRange]:
    """id(node) -> range, from one code generation pass that stops once every node asked
    for has been passed."""
    wanted = {id(node) for node in nodes}
    state = _PositionState(default_indent=module.default_indent,
                           default_newline=module.default_newline,
                           pending=set(wanted))
    if state.pending:
        try:
            module._codegen(state)
        except _AllPassed:
            pass
    code = "".join(state.tokens)
    line_starts = [0, *(found.end() for found in LINE_BREAK.finditer(code))]

    def point(offset: int) -> CodePosition:
        line = bisect_right(line_starts, offset)
        return CodePosition(line, offset - line_starts[line - 1])

    return {key: CodeRange(point(start), point(end)) for key, (start, end)
            in state.ranges.items() if key in wanted}


@dataclass(frozen=False)
class _PositionState(CodegenState):
    """Counts characters instead of lines and columns: a token costs one addition, and
    only the few nodes asked for are turned into lines and columns at the end."""

    offset: int = 0
    indent_length: int = 0
    # id(node) -> (start offset, end offset). Keyed by id: CSTNode.__hash__ is a Python
    # method, and this dict sees every node; the tree outlives the dict.
    ranges: dict = field(default_factory=dict)
    starts: list = field(default_factory=list)
    pending: set = field(default_factory=set)  # ids of the nodes asked for, not yet passed

    def before_codegen(self, node) -> None:
        self.starts.append(self.offset)

    def after_codegen(self, node) -> None:
        """Nodes without a syntactic range (whitespace) get their whole extent."""
        start = self.starts.pop()
        key = id(node)
        if key not in self.ranges:
            self.ranges[key] = (start, self.offset)
            if key in self.pending:
                self.passed(key)

    def passed(self, key: int) -> None:
        self.pending.discard(key)
        if not self.pending:
            raise _AllPassed

    def increase_indent(self, value: str) -> None:
        self.indent_tokens.append(value)
        self.indent_length += len(value)

    def decrease_indent(self) -> None:
        self.indent_length -= len(self.indent_tokens.pop())

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        self.offset += self.indent_length

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.offset += len(value)

    def record_syntactic_position(self, node, *, start_node=None, end_node=None):
        return _Recorder(self, node, start_node, end_node)


class _Recorder:
    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(self, state: _PositionState, node, start_node, end_node) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node

    def __enter__(self) -> None:
        self.start = self.state.offset

    def __exit__(self, error_type, *_) -> None:
        if error_type is not None:
            return  # the pass was stopped before this node's end
        ranges = self.state.ranges
        start = ranges[id(self.start_node)][0] if self.start_node is not None else self.start
        end = ranges[id(self.end_node)][1] if self.end_node is not None else self.state.offset
        key = id(self.node)
        ranges[key] = (start, end)
        if key in self.state.pending:
            self.state.passed(key)


class _AllPassed(Exception):
    """Ends the code generation pass: every node asked for has its range."""
