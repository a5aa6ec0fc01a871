"""OSD022: no state survives between runs. After all runs, no DataFrame that was
not there before is reachable from the driver instance, its class or its module;
and the second run, made on the instance that has already run, gives what a
fresh copy of the driver gives for the same data (result and row metric)."""

from __future__ import annotations

import pandas as pd

from ....contract.rules import ROW_METRICS
from ..frames import frame_difference
from ..model import Finding, Rule, RuleResult
from ..observe import Run
from ..session import Observations

RULE = Rule.of("OSD022")
NEEDS_SCENARIO = True
_SHOWN = 3
EXPECTED = ("nothing kept between runs: no DataFrame on the driver instance, its class or its "
            "module after run returns, and each run's result depends only on its own config and inputs.")


def verify(observations: Observations) -> RuleResult:
    subject = observations.subject
    findings = []
    held = observations.new_frames
    if held:
        shown = "; ".join(h.describe() for h in held[:_SHOWN])
        more = f"; and {len(held) - _SHOWN} more" if len(held) > _SHOWN else ""
        findings.append(RULE.finding(
            subject.name, f"After the runs, {len(held)} frame(s) made by them were still held: "
                          f"{shown}{more}.", EXPECTED, subject.location))
    independence, note = _independence(observations)
    findings += independence
    result = RuleResult.judged(RULE, findings)
    return result if note is None else RuleResult(RULE, result.status, result.findings, note)


def _independence(observations: Observations) -> tuple[list[Finding], str | None]:
    if observations.fresh_unavailable:
        return [], f"results not compared with a fresh driver: {observations.fresh_unavailable}"
    metric = ROW_METRICS[observations.category]
    first, second = observations.fresh_runs
    unsteady = _difference(first, second, metric)
    if unsteady:
        return [], ("results not compared: two fresh copies of the driver gave different results "
                    f"for the same data ({unsteady})")
    shared = observations.other_run
    difference = _difference(first, shared, metric)
    if not difference:
        return [], None
    subject = observations.subject
    observed = (f"{shared.label[0].upper()}{shared.label[1:]}, made on the instance that had "
                f"already run, differed from the same run on a fresh copy of the driver: {difference}.")
    return [RULE.finding(subject.name, observed, EXPECTED, subject.location)], None


def _difference(fresh: Run, shared: Run, metric: str) -> str | None:
    if fresh.ok != shared.ok:
        return (f"one raised {fresh.describe_error() if fresh.error else shared.describe_error()}, "
                f"the other did not")
    if fresh.metric_values(metric) != shared.metric_values(metric):
        return f"{metric!r} was {shared.metric_values(metric)} instead of {fresh.metric_values(metric)}"
    fresh_frame, shared_frame = _frame(fresh), _frame(shared)
    if fresh_frame is None or shared_frame is None:
        return None
    difference = frame_difference(fresh_frame, shared_frame)
    return f"the returned DataFrame differed: {difference}" if difference else None


def _frame(run: Run) -> pd.DataFrame | None:
    frame = run.result.get("df") if isinstance(run.result, dict) else None
    return frame if isinstance(frame, pd.DataFrame) else None
