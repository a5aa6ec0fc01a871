"""Execute a planned pipeline: steps in dependency order, each driver called by
keyword, outputs wired to the steps that need them and dropped as soon as no
later step does.

The record is complete whatever ends the run. The run folder always receives the masked
resolved pipeline, ``events.jsonl``, ``metrics.jsonl``, ``run.log`` and ``summary.json``,
whether the run succeeds, a driver raises (anything, ``SystemExit`` and
``KeyboardInterrupt`` included), a step passes its timeout, or the process gets SIGINT or
SIGTERM. Each step runs in a worker thread, so the runner can stop waiting for it: a step
past its timeout is recorded as timed out and the run ends (a thread cannot be killed;
``osiris-run`` ends the process right after the record is written). Whatever a step
writes to stdout or stderr, down to file descriptors 1 and 2, is masked before it goes on
to the terminal and into ``run.log``.
"""

from __future__ import annotations

import copy
import logging
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

import yaml

from ..contract.rules import ROW_METRICS
from ..contract.targets import Target
from .capture import captured_output
from .context import PipelineContext, RunContext
from .driver import Registry
from .inputs import build_inputs
from .logcapture import logs_to_file
from .masking import SecretMasker
from .pipeline import slug
from .planning import PlannedStep, RunPlan
from .runlog import RunLog, to_json
from .signals import RunTerminated, termination_as_exception

RECORD_FILES = ("events.jsonl", "metrics.jsonl", "run.log")
RECORDS_HOME = ".osiris"  # the default runs folder is .osiris/runs
# How a run ended -> its exit code; a step's status is one of these or "not run".
EXIT_CODES = {"ok": 0, "failed": 1, "timed out": 1, "interrupted": 130, "terminated": 143}
_RUN_EVENTS = {"ok": "run_complete", "interrupted": "run_interrupted",
               "terminated": "run_terminated"}
_output_log = logging.getLogger("osiris.run.output")


@dataclass
class StepOutcome:
    step_id: str
    driver: str
    status: str  # "ok", "failed", "timed out", "interrupted", "terminated" or "not run"
    rows: int | None = None
    duration_ms: float | None = None
    error: str | None = None
    error_type: str | None = None


@dataclass
class RunResult:
    pipeline: str
    run_dir: Path
    outcomes: list[StepOutcome]
    status: str = "ok"  # a key of EXIT_CODES

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    @property
    def failed_step(self) -> StepOutcome | None:
        return next((o for o in self.outcomes if o.status not in ("ok", "not run")), None)


class Progress(Protocol):
    def step_started(self, index: int, total: int, planned: PlannedStep) -> None: ...

    def step_finished(self, outcome: StepOutcome) -> None: ...


class ReturnShapeError(TypeError):
    """A driver's ``run`` returned something other than ``{"df": DataFrame}`` or a dict."""


class StepTimeout(Exception):
    """A step ran past its timeout."""


class _StepEnded(Exception):
    """A step did not end normally; ``status`` says how, ``error`` what it raised."""

    def __init__(self, status: str, error: BaseException) -> None:
        super().__init__(status)
        self.status, self.error = status, error


class _ContractStepContext(RunContext):
    """The runner writes the one ``step_failed`` event of a step; a driver's own (the
    contract asks drivers to send it) is kept and carried inside the runner's."""

    driver_failure: dict[str, Any] | None = None

    def log_event(self, name: str, payload: Any = None, **fields: Any) -> None:
        if name == "step_failed" and (payload is None or isinstance(payload, dict)):
            self.driver_failure = {**(payload or {}), **fields}
            return
        super().log_event(name, payload, **fields)


def new_run_dir(runs_root: Path, pipeline_name: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    run_dir = runs_root / f"{stamp}-{slug(pipeline_name)}"
    run_dir.mkdir(parents=True, exist_ok=False)
    _ignore_records(runs_root)
    return run_dir


def _ignore_records(runs_root: Path) -> None:
    """Run records are never committed: ``.osiris/`` (the default runs folder's parent)
    gets a ``.gitignore`` ignoring everything, as osiris-lint's cache folder does. A
    ``.gitignore`` already there is the user's and stays as it is."""
    if runs_root.parent.name == RECORDS_HOME:
        ignore = runs_root.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Automatically created by osiris-run.\n*\n", encoding="utf-8")


def run_plan(plan: RunPlan, registry: Registry, run_dir: Path,
             progress: Progress | None = None, step_timeout: float | None = None) -> RunResult:
    """Run every step; ``step_timeout`` (seconds) applies to steps without their own."""
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "pipeline.resolved.yaml").write_text(
        yaml.safe_dump(plan.masked_document(), sort_keys=False), encoding="utf-8")
    for name in RECORD_FILES:
        (run_dir / name).touch()
    log = RunLog(run_dir, plan.masker)
    outcomes = [StepOutcome(p.step.id, p.step.driver, "not run") for p in plan.steps]
    started = time.perf_counter()
    status = "failed"
    with logs_to_file(run_dir / "run.log", plan.masker):
        log.event(None, "run_start", {"pipeline": plan.pipeline.name, "steps": len(plan.steps)})
        try:
            with termination_as_exception():
                status = _execute(plan, registry, run_dir, log, outcomes, progress, step_timeout)
        except KeyboardInterrupt:
            status = "interrupted"
        except RunTerminated:
            status = "terminated"
        finally:
            log.event(None, _RUN_EVENTS.get(status, "run_failed"),
                      {"pipeline": plan.pipeline.name, "status": status,
                       "duration_ms": _ms_since(started)})
            summary = {"pipeline": plan.pipeline.name, "status": status, "run_dir": str(run_dir),
                       "duration_ms": _ms_since(started), "steps": [asdict(o) for o in outcomes]}
            (run_dir / "summary.json").write_text(
                to_json(plan.masker.value(summary), indent=2) + "\n", encoding="utf-8")
    return RunResult(plan.pipeline.name, run_dir, outcomes, status)


def _execute(plan: RunPlan, registry: Registry, run_dir: Path, log: RunLog,
             outcomes: list[StepOutcome], progress: Progress | None,
             step_timeout: float | None) -> str:
    """Run the steps; the status of the run ("ok" or how its failing step ended).
    KeyboardInterrupt and RunTerminated go on to the caller once the step is recorded."""
    consumers = Counter(need for p in plan.steps for need in p.step.needs)
    results: dict[str, dict[str, Any]] = {}
    for index, (planned, outcome) in enumerate(zip(plan.steps, outcomes, strict=True)):
        step = planned.step
        if progress:
            progress.step_started(index, len(plan.steps), planned)
        log.event(step.id, "step_start", {"driver": step.driver})
        registration = registry.registration(step.driver)
        context = _ContractStepContext if registration.runtime is Target.CONTRACT \
            else PipelineContext
        ctx = context(step.id, log, run_dir / "steps" / slug(step.id))
        inputs = build_inputs(step.needs, results, registration.runtime)
        started = time.perf_counter()

        def call(registration=registration, step=step, planned=planned, inputs=inputs, ctx=ctx):
            return registration.driver().run(step_id=step.id, config=copy.deepcopy(planned.config),
                                              inputs=inputs, ctx=ctx)

        try:
            result = _checked(_run_in_worker(call, step.id, step.timeout or step_timeout,
                                             plan.masker), step.driver)
        except (KeyboardInterrupt, RunTerminated) as exc:
            status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "terminated"
            _record_failure(outcome, status, exc, started, log, plan.masker, ctx, progress)
            raise
        except _StepEnded as ended:
            _record_failure(outcome, ended.status, ended.error, started, log, plan.masker, ctx,
                            progress)
            return ended.status
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
    return "ok"


def _run_in_worker(call: Callable[[], Any], step_id: str, timeout: float | None,
                   masker: SecretMasker) -> Any:
    """``call()`` in a daemon thread, its output captured and masked; _StepEnded when it
    raised or ran past ``timeout``. The wait stays interruptible by SIGINT and SIGTERM."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = call()
        except BaseException as exc:  # noqa: BLE001 - every ending is recorded
            outcome["error"] = exc

    worker = threading.Thread(target=work, name=f"osiris-step-{step_id}", daemon=True)
    deadline = None if timeout is None else time.monotonic() + timeout
    with _masked_output(step_id, masker):
        worker.start()
        while worker.is_alive():
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise _StepEnded("timed out", StepTimeout(
                    f"step {step_id!r} did not finish within its timeout of {timeout:g} s; "
                    f"raise 'timeout:' on the step (or --step-timeout) if it needs longer"))
            worker.join(remaining if remaining is not None else 0.5)
    if "error" in outcome:
        error = outcome["error"]
        raise _StepEnded("interrupted" if isinstance(error, KeyboardInterrupt) else "failed",
                         error)
    return outcome["result"]


@contextmanager
def _masked_output(step_id: str, masker: SecretMasker) -> Iterator[None]:
    """Descriptors 1 and 2 captured for the block; then the output is masked and written
    on to the terminal's streams and into run.log, however the block ends."""
    capture = captured_output()
    output = capture.__enter__()
    try:
        yield
    finally:
        capture.__exit__(None, None, None)
        for name, stream, data in (("stdout", sys.stdout, output.stdout),
                                   ("stderr", sys.stderr, output.stderr)):
            if data:
                text = masker.text(data.decode("utf-8", "replace"))
                stream.write(text)
                stream.flush()
                _output_log.info("step %s wrote to %s:\n%s", step_id, name, text.rstrip())


def _checked(result: Any, driver: str) -> dict[str, Any]:
    """``result`` when it has the contract's shape; _StepEnded("failed") otherwise."""
    problem = None
    if not isinstance(result, dict):
        problem = f"returned {type(result).__name__}"
    elif result.get("df") is not None and not _is_frame(result["df"]):
        problem = f"returned {{'df': {type(result['df']).__name__}}}"
    if problem is None:
        return result
    raise _StepEnded("failed", ReturnShapeError(
        f"driver {driver!r} {problem}; run() must return {{'df': DataFrame}} "
        f"(extractors, transformers) or {{}} (writers)"))


def _is_frame(value: Any) -> bool:
    return hasattr(value, "columns") and hasattr(value, "shape") and hasattr(value, "__len__")


def _record_failure(outcome: StepOutcome, status: str, error: BaseException, started: float,
                    log: RunLog, masker: SecretMasker, ctx: Any,
                    progress: Progress | None) -> None:
    outcome.status, outcome.duration_ms = status, _ms_since(started)
    outcome.error, outcome.error_type = masker.text(_describe(error)), type(error).__name__
    payload = {"step_id": outcome.step_id, "error": outcome.error,
               "error_type": outcome.error_type, "status": status,
               "duration_ms": outcome.duration_ms}
    driver_failure = getattr(ctx, "driver_failure", None)
    if driver_failure is not None:
        payload["driver_event"] = driver_failure
    log.event(outcome.step_id, "step_failed", payload)
    if progress:
        progress.step_finished(outcome)


def _describe(error: BaseException) -> str:
    if isinstance(error, SystemExit):
        return (f"the driver called sys.exit({error.code!r}); a driver must raise an "
                f"exception, never end the process")
    return str(error) or type(error).__name__


def _row_count(result: dict[str, Any], log: RunLog, step_id: str) -> int | None:
    frame = result.get("df")
    if frame is not None:
        return len(frame)
    for metric in reversed(log.metrics):
        if metric["step_id"] == step_id and metric["metric"] in ROW_METRICS.values():
            value = metric["value"]
            return int(value) if isinstance(value, (int, float)) else None
    return None


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
