"""Line and column of the nodes a file reports, computed once per file and only when
the file has something to report.

The ranges are ``PositionProvider``'s; speedups.code_ranges computes them with a
lighter pass that stops after the last node asked for (tests/lint/test_walk_and_positions.py
compares the two).
"""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst
from libcst.metadata import CodeRange

from ..speedups import code_ranges


class Positions:
    """The ranges of ``nodes`` in ``module``: ask for every node you will look up."""

    def __init__(self, module: cst.Module, nodes: Iterable[cst.CSTNode]) -> None:
        self._module = module
        self._wanted = list(nodes)
        self._ranges: dict[int, CodeRange] | None = None

    def of(self, node: cst.CSTNode) -> CodeRange:
        if self._ranges is None:
            self._ranges = code_ranges(self._module, self._wanted)
        return self._ranges[id(node)]
