"""OSD900 syntax-error."""

from ..engine.rule import Example, Rule


class SyntaxErrorRule(Rule):
    code = "OSD900"
    name = "syntax-error"
    message = "{detail}"
    reported_by_engine = True
    explanation = """
## What it checks
That the file parses. A file that does not yields this finding at the line and column
CPython reports for the syntax error, and no other finding (no rule can check it); the
other files are still linted.

## Why
A driver module that does not parse fails the import, so its registration never runs
and every pipeline using it fails.

## Fix
Fix the syntax at the reported position; `python -m py_compile FILE` shows the same error.
"""
    VALID = [
        Example("x = 1\n", path="helpers.py"),
        Example("""
            match command:
                case {"write_mode": "append"}:
                    pass
        """, path="modes.py"),
        Example("""
            def run(self, *, step_id: str, config: dict, inputs: dict | None = None, ctx=None):
                return {}
        """, path="kw_driver.py"),
    ]
    INVALID = [
        Example("""
            class OrdersExtractorDriver:
                def run(self, step_id, config, inputs, ctx)  # expect: OSD900
                    return {}
        """),
        Example("""
            rows = [1, 2,  # expect: OSD900
        """, path="helpers.py"),
        Example("""
            def run(self):
                return {"df": df}
              x = 1  # expect: OSD900
        """, path="bad_indent.py"),
    ]
