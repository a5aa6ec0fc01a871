"""Import sections in the order ruff's isort keeps them, for the templates whose imports
depend on the target (an osiris-pipeline driver logs its failures and imports nothing
from osiris; a contract driver imports ``osiris.core.driver``). The templates name the
imports; these filters only order and lay them out."""

from __future__ import annotations

from collections.abc import Iterable

LINE_LENGTH = 88  # what the generated code is checked against (most projects' default)


def import_section(body: str, extra: Iterable[str] = (), blank_after: bool = False) -> str:
    """The import lines of ``body`` and ``extra``: ``import x`` lines first, then
    ``from x import y`` lines, each by module. ``blank_after`` ends a non-empty section
    with the blank line that separates it from the next (a section that only the other
    target fills is empty)."""
    lines = sorted({*body.splitlines(), *extra} - {""}, key=_line_order)
    text = "".join(f"{line}\n" for line in lines)
    return f"{text}\n" if text and blank_after else text


def from_import(body: str, module: str, extra: Iterable[str] = ()) -> str:
    """``from <module> import`` the names of ``body`` (one per line) and ``extra``: on
    one line when it fits, else one name per line in parentheses."""
    names = sorted({*body.split(), *extra}, key=_name_order)
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= LINE_LENGTH:
        return f"{line}\n"
    listed = "".join(f"    {name},\n" for name in names)
    return f"from {module} import (\n{listed})\n"


def _line_order(line: str) -> tuple[bool, str]:
    return line.startswith("from "), line.split()[1].lower()


def _name_order(name: str) -> tuple[int, str]:
    """isort's order-by-type: CONSTANTS, then Classes, then functions and variables."""
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name
