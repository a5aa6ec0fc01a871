"""Applying fixes through LibCST: the tree is edited node by node, so formatting
and comments elsewhere are untouched, and a result that does not parse is never
written."""

from __future__ import annotations

import difflib

import libcst as cst

from .findings import Fix


class _Replace(cst.CSTTransformer):
    def __init__(self, replacements: dict) -> None:
        super().__init__()
        self.replacements = replacements

    def on_leave(self, original_node, updated_node):
        return self.replacements.get(original_node, updated_node)


def apply(module: cst.Module, fixes: list[Fix]) -> tuple[str | None, int]:
    """The fixed code (None when the fixes change nothing or break the syntax) and how many
    fixes it holds: a fix that touches a node another fix already replaces waits for the
    next round."""
    replacements: dict = {}
    taken = 0
    for fix in fixes:
        if not replacements.keys() & fix.replacements.keys():
            replacements.update(fix.replacements)
            taken += 1
    if not replacements:
        return None, 0
    code = module.visit(_Replace(replacements)).code
    try:
        cst.parse_module(code)
    except cst.ParserSyntaxError:
        return None, 0
    return (code, taken) if code != module.code else (None, 0)


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(keepends=True),
                                        after.splitlines(keepends=True),
                                        fromfile=f"a/{path}", tofile=f"b/{path}"))
