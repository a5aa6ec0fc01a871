"""What a name in a file refers to, from its imports, without LibCST's scope
analysis (ScopeProvider alone costs ~40 ms a file; design.md)."""

from __future__ import annotations

import libcst as cst


def dotted(node: cst.BaseExpression | cst.CSTNode) -> str | None:
    """``a.b.c`` for Name/Attribute chains, else None."""
    if type(node) is cst.Name:
        return node.value
    if type(node) is cst.Attribute:
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def assignment_targets(node: cst.Assign | cst.AnnAssign | cst.AugAssign) -> list[cst.BaseExpression]:
    """What an assignment statement binds: ``a`` and ``b`` in ``a = b = f()``."""
    return [t.target for t in node.targets] if type(node) is cst.Assign else [node.target]


def module_path(node: cst.BaseExpression | cst.ImportFrom) -> str:
    """The dotted module of an ``import``/``from`` (relative ones keep their dots)."""
    if type(node) is cst.ImportFrom:
        dots = "." * len(node.relative)
        return dots + (dotted(node.module) or "") if node.module else dots
    return dotted(node) or ""


def imported(node: cst.Import | cst.ImportFrom) -> list[tuple[str, str, cst.ImportAlias]]:
    """(local name, qualified name, alias) of each name an import binds: ``import
    pandas as pd`` binds ``pd`` to ``pandas``, ``import os.path`` binds ``os`` to ``os``,
    ``from .base import Base`` binds ``Base`` to ``.base.Base``; ``*`` binds none."""
    if type(node) is cst.Import:
        found = []
        for alias in node.names:
            full = module_path(alias.name)
            local = alias.asname.name.value if alias.asname else full.split(".")[0]
            found.append((local, full if alias.asname else local, alias))
        return found
    if type(node.names) is cst.ImportStar:
        return []
    base = module_path(node)
    joiner = "" if base.endswith(".") else "."
    return [(alias.asname.name.value if alias.asname else dotted(alias.name) or "",
             f"{base}{joiner}{dotted(alias.name) or ''}", alias) for alias in node.names]


class ImportMap:
    """Local names bound by imports, mapped to what they import:
    ``import pandas as pd`` gives ``pd -> pandas``; ``from sys import stdout``
    gives ``stdout -> sys.stdout``; ``from .base import Base`` gives ``Base -> .base.Base``."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def add(self, node: cst.Import | cst.ImportFrom) -> None:
        for local, qualified, _ in imported(node):
            self.names[local] = qualified

    def qualify(self, node: cst.BaseExpression) -> str | None:
        """``sys.stdout.write`` for ``stdout.write`` after ``from sys import stdout``."""
        text = dotted(node)
        if text is None:
            return None
        head, _, rest = text.partition(".")
        base = self.names.get(head, head)
        return f"{base}.{rest}" if rest else base
