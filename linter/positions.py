"""Line and column of nodes, computed once per file and only when a file has
something to report: LibCST's PositionProvider re-generates the whole file's
code, which costs about half a parse (design.md)."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider


class Positions:
    def __init__(self, module: cst.Module) -> None:
        self._module = module
        self._ranges: dict[cst.CSTNode, CodeRange] | None = None

    def of(self, node: cst.CSTNode) -> CodeRange:
        if self._ranges is None:
            # unsafe_skip_copy: keep node identities, the rules' findings point at them
            wrapper = MetadataWrapper(self._module, unsafe_skip_copy=True)
            self._ranges = wrapper.resolve(PositionProvider)
        return self._ranges[node]
