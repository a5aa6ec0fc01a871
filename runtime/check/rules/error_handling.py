"""OSD024: a failing run emits ``step_failed`` with ``step_id``, ``error`` and
``error_type``, and re-raises. The failure comes from the scenario's ``failing``
config (an unreachable host, a missing table, a path that cannot be written).
A driver written for osiris-pipeline has no ``ctx.log_event`` (its runner records the
failed step): it only has to re-raise."""

from __future__ import annotations

from ....contract.targets import Target
from ..model import Rule, RuleResult
from ..observe import Run
from ..session import Observations
from .helpers import findings_over_runs

RULE = Rule.of("OSD024")
NEEDS_SCENARIO = True
PAYLOAD_KEYS = ("step_id", "error", "error_type")


def verify(observations: Observations) -> RuleResult:
    run = observations.failing_run
    if run is None:
        return RuleResult.skipped(RULE, "no failing scenario: add 'failing:' (config overrides that "
                                        "make run fail) to the driver's entry in check.yaml")
    if run.ok and not run.events_named("step_failed"):
        return RuleResult.skipped(RULE, f"the failing scenario ({observations.scenario.failing}) "
                                        f"did not make run fail; change it so that it does")
    if observations.subject.runtime is Target.OSIRIS_PIPELINE:
        return RuleResult.judged(RULE, findings_over_runs(
            RULE, observations, [run], _pipeline_problem,
            "run re-raises the error (osiris-pipeline's runner records the failed step; its "
            "ctx has no log_event)."))
    return RuleResult.judged(RULE, findings_over_runs(
        RULE, observations, [run], _problem,
        'ctx.log_event("step_failed", {"step_id": step_id, "error": str(e), '
        '"error_type": type(e).__name__}) in the handler, then raise.'))


def _pipeline_problem(run: Run) -> str | None:
    return "run returned normally instead of re-raising" if run.ok else None


def _problem(run: Run) -> str | None:
    payloads = run.events_named("step_failed")
    if run.ok:
        return "run emitted step_failed but then returned normally instead of re-raising"
    if not payloads:
        return f"run raised {run.describe_error()} without emitting step_failed"
    payload = payloads[-1] if isinstance(payloads[-1], dict) else {}
    missing = [key for key in PAYLOAD_KEYS if key not in payload]
    if missing:
        return f"the step_failed payload {sorted(payload)} lacks {missing}"
    raised = {type(error).__name__ for error in run.error_chain()}
    if payload["step_id"] != run.step_id:
        return f"step_failed carried step_id {payload['step_id']!r}, not the step's {run.step_id!r}"
    if payload["error_type"] not in raised:
        return f"step_failed said error_type {payload['error_type']!r}, but run raised {sorted(raised)}"
    if not str(payload["error"]).strip():
        return "step_failed carried an empty error message"
    return None
