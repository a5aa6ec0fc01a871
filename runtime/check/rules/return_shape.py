"""OSD011: extractors and transformers return ``{"df": DataFrame}``, writers ``{}``."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..model import Rule, RuleResult
from ..session import Observations
from .helpers import findings_over_runs

RULE = Rule.of("OSD011")
NEEDS_SCENARIO = True


def verify(observations: Observations) -> RuleResult:
    writer = observations.category == "writer"
    expected = "a writer returns {}." if writer else 'run returns {"df": <pandas DataFrame>}.'
    problem = _writer_problem if writer else _frame_problem
    return RuleResult.judged(RULE, findings_over_runs(
        RULE, observations, observations.result_runs(), lambda run: problem(run.result), expected))


def _frame_problem(result: Any) -> str | None:
    if not isinstance(result, dict):
        return f"run returned {_kind(result)}"
    if "df" not in result:
        return f"run returned a dict with keys {sorted(map(str, result))} and no 'df'"
    if not isinstance(result["df"], pd.DataFrame):
        return f"run returned {{'df': {_kind(result['df'])}}}"
    return None


def _writer_problem(result: Any) -> str | None:
    if isinstance(result, dict) and not result:
        return None
    if isinstance(result, dict):
        return f"run returned a dict with keys {sorted(map(str, result))}"
    return f"run returned {_kind(result)}"


def _kind(value: Any) -> str:
    return "None" if value is None else f"a {type(value).__name__}"
