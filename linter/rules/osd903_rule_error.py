"""OSD903 rule-error."""

from ..engine.rule import Rule


class RuleError(Rule):
    code = "OSD903"
    name = "rule-error"
    message = "{detail}"
    reported_by_engine = True
    explanation = """
## What it reports
A rule that crashed on a file (a bug in osiris-lint, not in your code). The finding
names the rule and the error; the other rules' findings for the file are still reported,
and the run exits with code 2 so that a CI gate does not pass on a partial check.

## Fix
Report it with the file that triggers it. Meanwhile, `--ignore` the crashing rule's code
(or add it to `per-file-ignores` for that file) to get a clean exit.
"""
