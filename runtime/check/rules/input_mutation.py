"""OSD021: the ``inputs`` dict and every DataFrame in it are the same after ``run``:
same objects under the same keys, same columns, dtypes, index and values.
Compared with a deep copy taken before the call, so a change made through an
alias, a helper or ``inplace=True`` shows just the same."""

from __future__ import annotations

from ..frames import inputs_difference
from ..model import Rule, RuleResult
from ..observe import Run
from ..session import Observations
from .helpers import findings_over_runs

RULE = Rule.of("OSD021")
NEEDS_SCENARIO = False


def verify(observations: Observations) -> RuleResult:
    runs = [run for run in observations.runs() if run.inputs_entries]
    return RuleResult.judged(RULE, findings_over_runs(
        RULE, observations, runs, _problem,
        "inputs and its DataFrames unchanged (values, dtypes, columns, index): work on "
        "inputs['df'].copy() or on new frames (assign, rename, filters)."))


def _problem(run: Run) -> str | None:
    if list(run.inputs) != list(run.inputs_entries):
        return f"the inputs keys changed from {list(run.inputs_entries)} to {list(run.inputs)}"
    replaced = [key for key, value in run.inputs_entries.items() if run.inputs[key] is not value]
    if replaced:
        return f"inputs[{replaced[0]!r}] was replaced by another object"
    difference = inputs_difference(run.inputs_before, run.inputs)
    return difference
