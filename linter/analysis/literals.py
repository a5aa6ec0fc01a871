"""What the literal text of a string expression says, when only part of it is literal:
the SQL of ``f"INSERT INTO {table} ..."``, the DSN of ``"host=%s connect_timeout=10" % h``."""

from __future__ import annotations

import libcst as cst

from .drivers import literal_string
from .resources import called_name


def template_text(node: cst.BaseExpression | None) -> str | None:
    """The text of a literal, of an f-string (each expression a blank), of a template
    filled by ``.format``/``.join``/``%``, or wrapped in ``sql.SQL(...)``/``text(...)``;
    None when the text is not written in the expression."""
    if type(node) is cst.FormattedString:
        return "".join(p.value if type(p) is cst.FormattedStringText else " " for p in node.parts)
    if type(node) is cst.ConcatenatedString:
        left, right = template_text(node.left), template_text(node.right)
        return None if left is None or right is None else left + right
    if type(node) is cst.BinaryOperation and type(node.operator) is cst.Modulo:
        return template_text(node.left)
    if type(node) is cst.Call:
        func = node.func
        if type(func) is cst.Attribute and func.attr.value in ("format", "join"):
            return template_text(func.value)
        wrapped = called_name(node) in ("SQL", "text") and node.args
        return template_text(node.args[0].value) if wrapped else None
    return literal_string(node) if node is not None else None
