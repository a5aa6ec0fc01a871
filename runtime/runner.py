"""Execute a planned pipeline: steps in dependency order, each driver called by
keyword, outputs wired to the steps that need them and dropped as soon as no
later step does. The run folder receives the masked resolved pipeline,
``events.jsonl``, ``metrics.jsonl``, ``run.log`` and ``summary.json``."""

from __future__ import annotations

import copy
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

import yaml

from ..contract.targets import Target
from .context import PipelineContext, RunContext
from .driver import Registry
from .inputs import build_inputs
from .logcapture import logs_to_file
from .pipeline import slug
from .planning import PlannedStep, RunPlan
from .runlog import RunLog, to_json

ROW_METRICS = ("rows_read", "rows_written", "rows_processed")


@dataclass
class StepOutcome:
    step_id: str
    driver: str
    status: str  # "ok", "failed" or "not run"
    rows: int | None = None
    duration_ms: float | None = None
    error: str | None = None
    error_type: str | None = None


@dataclass
class RunResult:
    pipeline: str
    run_dir: Path
    outcomes: list[StepOutcome]

    @property
    def ok(self) -> bool:
        return all(o.status == "ok" for o in self.outcomes)

    @property
    def failed_step(self) -> StepOutcome | None:
        return next((o for o in self.outcomes if o.status == "failed"), None)


class Progress(Protocol):
    def step_started(self, index: int, total: int, planned: PlannedStep) -> None: ...

    def step_finished(self, outcome: StepOutcome) -> None: ...


class ReturnShapeError(TypeError):
    """A driver's ``run`` returned something other than a dict."""


def new_run_dir(runs_root: Path, pipeline_name: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    run_dir = runs_root / f"{stamp}-{slug(pipeline_name)}"
    run_dir.mkdir(parents=True, exist_ok=False)
    return run_dir


def run_plan(plan: RunPlan, registry: Registry, run_dir: Path,
             progress: Progress | None = None) -> RunResult:
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "pipeline.resolved.yaml").write_text(
        yaml.safe_dump(plan.masked_document(), sort_keys=False), encoding="utf-8")
    log = RunLog(run_dir, plan.masker)
    outcomes = [StepOutcome(p.step.id, p.step.driver, "not run") for p in plan.steps]
    started = time.perf_counter()
    with logs_to_file(run_dir / "run.log", plan.masker):
        log.event(None, "run_start", {"pipeline": plan.pipeline.name, "steps": len(plan.steps)})
        _execute(plan, registry, run_dir, log, outcomes, progress)
        status = "ok" if all(o.status == "ok" for o in outcomes) else "failed"
        log.event(None, "run_complete" if status == "ok" else "run_failed",
                  {"pipeline": plan.pipeline.name, "duration_ms": _ms_since(started)})
    summary = {"pipeline": plan.pipeline.name, "status": status, "run_dir": str(run_dir),
               "duration_ms": _ms_since(started), "steps": [asdict(o) for o in outcomes]}
    (run_dir / "summary.json").write_text(
        to_json(plan.masker.value(summary), indent=2) + "\n", encoding="utf-8")
    return RunResult(plan.pipeline.name, run_dir, outcomes)


def _execute(plan: RunPlan, registry: Registry, run_dir: Path, log: RunLog,
             outcomes: list[StepOutcome], progress: Progress | None) -> None:
    consumers = Counter(need for p in plan.steps for need in p.step.needs)
    results: dict[str, dict[str, Any]] = {}
    for index, (planned, outcome) in enumerate(zip(plan.steps, outcomes, strict=True)):
        step = planned.step
        if progress:
            progress.step_started(index, len(plan.steps), planned)
        log.event(step.id, "step_start", {"driver": step.driver})
        registration = registry.registration(step.driver)
        context = RunContext if registration.runtime is Target.CONTRACT else PipelineContext
        ctx = context(step.id, log, run_dir / "steps" / slug(step.id))
        started = time.perf_counter()
        try:
            inputs = build_inputs(step.needs, results, registration.runtime)
            result = registration.driver().run(
                step_id=step.id, config=copy.deepcopy(planned.config), inputs=inputs, ctx=ctx)
            if not isinstance(result, dict):
                raise ReturnShapeError(
                    f"driver {step.driver!r} returned {type(result).__name__}; run() must "
                    f"return a dict: {{'df': DataFrame}} or {{}} for a writer")
        except Exception as exc:
            outcome.status, outcome.duration_ms = "failed", _ms_since(started)
            outcome.error, outcome.error_type = plan.masker.text(str(exc)), type(exc).__name__
            log.event(step.id, "step_failed", {"step_id": step.id, "error": outcome.error,
                                               "error_type": outcome.error_type,
                                               "duration_ms": outcome.duration_ms})
            if progress:
                progress.step_finished(outcome)
            return
        outcome.status, outcome.duration_ms = "ok", _ms_since(started)
        outcome.rows = _row_count(result, log, step.id)
        log.event(step.id, "step_complete", {"rows": outcome.rows,
                                             "duration_ms": outcome.duration_ms})
        if consumers[step.id]:
            results[step.id] = result
        for upstream in step.needs:  # drop outputs no later step needs
            consumers[upstream] -= 1
            if not consumers[upstream]:
                del results[upstream]
        del inputs, result
        if progress:
            progress.step_finished(outcome)


def _row_count(result: dict[str, Any], log: RunLog, step_id: str) -> int | None:
    frame = result.get("df")
    if frame is not None and hasattr(frame, "__len__"):
        return len(frame)
    for metric in reversed(log.metrics):
        if metric["step_id"] == step_id and metric["metric"] in ROW_METRICS:
            value = metric["value"]
            return int(value) if isinstance(value, (int, float)) else None
    return None


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
