"""OSD012: extractors are called with ``inputs=None`` and work; writers and
transformers given no ``inputs`` (None, or a dict without ``"df"``) fail with a
clear error of their own rather than by accident or not at all."""

from __future__ import annotations

import re

from ..model import Rule, RuleResult
from ..observe import Run
from ..session import Observations
from .helpers import findings_over_runs, is_accidental

RULE = Rule.of("OSD012")
NEEDS_SCENARIO = False
_NAMES_INPUT = re.compile(r"input|['\"]df['\"]", re.IGNORECASE)


def verify(observations: Observations) -> RuleResult:
    if observations.category == "extractor":
        return RuleResult.judged(RULE, findings_over_runs(
            RULE, observations, [observations.scenario_run], _extractor_problem,
            "an extractor works with inputs=None: it never reads inputs."))
    if not observations.without_input_runs:
        return RuleResult.skipped(RULE, "the scenario run failed")
    return RuleResult.judged(RULE, findings_over_runs(
        RULE, observations, observations.without_input_runs, _consumer_problem,
        "run checks that inputs is not None and holds 'df', and raises a clear error "
        "(e.g. ValueError naming inputs['df']) when it does not."))


def _extractor_problem(run: Run) -> str | None:
    if run.error is not None and is_accidental(run.error) and "NoneType" in str(run.error):
        return f"run failed on inputs=None with {run.describe_error()}"
    return None


def _consumer_problem(run: Run) -> str | None:
    if run.ok:
        return "run returned normally, without saying that it had no input"
    if is_accidental(run.error) or not _NAMES_INPUT.search(str(run.error)):
        return f"run failed with {run.describe_error()}, which does not say that inputs['df'] is missing"
    return None
