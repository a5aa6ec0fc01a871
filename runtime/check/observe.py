"""One call of a driver's ``run`` under observation: what it returned or raised,
the metrics and events it recorded (unmasked: the check must see what the driver
really wrote), stdout/stderr at the descriptor level, log records, warnings, and
the connections it opened."""

from __future__ import annotations

import copy
import logging
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...contract.targets import Target
from ..capture import captured_output
from ..context import PipelineContext, RunContext
from ..masking import SecretMasker
from ..runlog import RunLog
from .connects import ConnectCall, ConnectSpy


class _Verbatim(SecretMasker):
    """Keeps records as the driver wrote them; findings are masked when reported."""

    def value(self, value: Any) -> Any:
        return value


@dataclass
class Run:
    label: str  # how a finding names this run: "the scenario run", ...
    step_id: str
    config: dict[str, Any]
    inputs: Any  # the object passed, as it is after the call
    inputs_before: Any  # a deep copy taken before the call
    inputs_entries: dict[str, Any] | None  # the dict's values before the call (same objects)
    result: Any = None
    error: BaseException | None = None
    metrics: list[dict[str, Any]] = field(default_factory=list)  # recorded before run returned
    events: list[dict[str, Any]] = field(default_factory=list)
    stdout: bytes = b""
    stderr: bytes = b""
    log_messages: list[str] = field(default_factory=list)
    warning_messages: list[str] = field(default_factory=list)
    connects: list[ConnectCall] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)  # sqlite statements executed

    @property
    def ok(self) -> bool:
        return self.error is None

    def metric_values(self, name: str) -> list[Any]:
        return [m["value"] for m in self.metrics if m["metric"] == name]

    def events_named(self, name: str) -> list[Any]:
        return [e["data"] for e in self.events if e["event"] == name]

    def error_chain(self) -> list[BaseException]:
        """The raised error and its causes/contexts, outermost first."""
        chain, error = [], self.error
        while error is not None and error not in chain:
            chain.append(error)
            error = error.__cause__ or error.__context__
        return chain

    def describe_error(self) -> str:
        """``Type: message`` on one line (engine errors often span several)."""
        return f"{type(self.error).__name__}: {' '.join(str(self.error).split())}" if self.error \
            else "no error"


def observe_run(driver: Any, label: str, step_id: str, config: dict[str, Any], inputs: Any,
                output_dir: Path, redirect: dict[Path, Path] | None = None,
                runtime: Target = Target.CONTRACT) -> Run:
    """Call ``driver.run`` by keyword, as the runner does, and record everything. The ctx
    is the runtime's: osiris-pipeline's has no ``log_event``."""
    entries = dict(inputs) if isinstance(inputs, Mapping) else None
    run = Run(label, step_id, config, inputs, copy.deepcopy(inputs), entries)
    log = RunLog(masker=_Verbatim())
    context = RunContext if runtime is Target.CONTRACT else PipelineContext
    ctx = context(step_id, log, output_dir / step_id)
    with ConnectSpy(dict(redirect or {})) as spy, _captured_logs() as logs, \
            _captured_warnings() as caught, captured_output() as output:
        try:
            run.result = driver.run(step_id=step_id, config=config, inputs=inputs, ctx=ctx)
        except (Exception, SystemExit) as error:  # the driver's failure is an observation
            run.error = error
        run.metrics, run.events = list(log.metrics), list(log.events)
    run.stdout, run.stderr = output.stdout, output.stderr
    run.log_messages = logs
    run.warning_messages = [str(w.message) for w in caught]
    run.connects, run.statements = spy.calls, spy.statements
    return run


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []
        self.formatter = logging.Formatter()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + self.formatter.formatException(record.exc_info)
        self.messages.append(message)


@contextmanager
def _captured_logs() -> Iterator[list[str]]:
    """Every record that reaches the root logger, at any level, for the block."""
    handler = _ListHandler()
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler.messages
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)


@contextmanager
def _captured_warnings() -> Iterator[list[warnings.WarningMessage]]:
    """Warnings are the host's to show, so they are recorded rather than printed."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught
