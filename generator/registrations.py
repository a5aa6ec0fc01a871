"""Find the modules of a drivers package that already register a key, so that
generating a driver never adds a second registration of it (contract rule OSD005)."""

from __future__ import annotations

import ast
from pathlib import Path


def modules_registering(key: str, package: Path) -> list[Path]:
    """The ``*.py`` files directly in ``package`` with ``DriverRegistry.register("<key>", ...)``."""
    if not package.is_dir():
        return []
    return sorted(path for path in package.glob("*.py") if key in _registered_keys(path))


def _registered_keys(path: Path) -> set[str]:
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (SyntaxError, ValueError, OSError):
        return set()  # a file we cannot read registers nothing we could see
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "register"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }
