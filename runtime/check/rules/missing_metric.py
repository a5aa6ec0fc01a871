"""OSD010: the category's row metric, emitted once while ``run`` executes, with the
number of rows returned (extractors, transformers) or received (writers).
Checked on every successful run, so a metric emitted on one branch only (say,
not for an empty input) shows on the run that takes the other branch."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ....contract.rules import ROW_METRICS
from ..model import Rule, RuleResult
from ..observe import Run
from ..session import Observations
from .helpers import findings_over_runs

RULE = Rule.of("OSD010")
NEEDS_SCENARIO = True


def verify(observations: Observations) -> RuleResult:
    category = observations.category
    metric = ROW_METRICS[category]
    counted = "received" if category == "writer" else "returned"
    expected = (f"ctx.log_metric({metric!r}, <rows>) exactly once before run returns, with the "
                f"number of rows {counted}.")
    return RuleResult.judged(RULE, findings_over_runs(
        RULE, observations, observations.result_runs(),
        lambda run: _problem(run, metric, counted, _rows(run, category)), expected))


def _problem(run: Run, metric: str, counted: str, rows: int | None) -> str | None:
    values = run.metric_values(metric)
    if not values:
        others = [m for m in ROW_METRICS.values() if m != metric and run.metric_values(m)]
        instead = f"; it emitted {', '.join(map(repr, others))} instead" if others else ""
        return f"run returned without emitting {metric!r}{instead}"
    if len(values) > 1:
        return f"it emitted {metric!r} {len(values)} times ({values})"
    if rows is not None and not _equal(values[0], rows):
        return f"{metric!r} was {values[0]!r} but run {counted} {rows} rows"
    return None


def _rows(run: Run, category: str) -> int | None:
    """The rows the metric must count; None when the frame is not there (OSD011's finding)."""
    if category == "writer":
        frame = (run.inputs_before or {}).get("df")
    else:
        frame = run.result.get("df") if isinstance(run.result, dict) else None
    return len(frame) if isinstance(frame, pd.DataFrame) else None


def _equal(value: Any, rows: int) -> bool:
    try:
        return not isinstance(value, (str, bytes, bool)) and value == rows
    except (TypeError, ValueError):  # a value that cannot be compared with a number
        return False
