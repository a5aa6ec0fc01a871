"""The ``ctx`` a driver receives.

``RunContext`` offers the contract's whole driver-facing API (rule OSD006):
``log_metric``, ``log_event`` and ``output_dir``. Drivers registered through a component
spec get ``PipelineContext``, what osiris-pipeline's local runner gives them: the same
without ``log_event`` (its runner records a failed step itself), so a driver that would
fail there fails here too. Everything either records goes through a ``RunLog``, which
masks secrets before anything is kept or written.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .runlog import RunLog


class PipelineContext:
    """osiris-pipeline's ctx: ``log_metric`` and ``output_dir``."""

    def __init__(self, step_id: str, log: RunLog, output_dir: Path) -> None:
        self.step_id = step_id
        self._log = log
        self._output_dir = output_dir

    def log_metric(self, name: str, value: Any, unit: str | None = None,
                   tags: Mapping[str, Any] | None = None, **extra_tags: Any) -> None:
        """Record a metric. Accepts the ``unit=`` and ``tags=`` keywords public Osiris
        drivers pass, and any further keyword as a tag."""
        if not isinstance(name, str) or not name:
            raise TypeError(f"log_metric needs a metric name string, got {name!r}")
        merged = {**(tags or {}), **extra_tags}
        self._log.metric(self.step_id, name, value, unit=unit, tags=merged or None)

    @property
    def output_dir(self) -> Path:
        """The step's own folder, created on first use."""
        self._output_dir.mkdir(parents=True, exist_ok=True)
        return self._output_dir


class RunContext(PipelineContext):
    """The contract's ctx: ``log_metric``, ``log_event`` and ``output_dir``."""

    def log_event(self, name: str, payload: Mapping[str, Any] | None = None, **fields: Any) -> None:
        """Record an event: ``log_event("step_failed", {"error": ...})``; keyword fields
        (the public Osiris ``log_event(name, **data)`` form) are merged into the payload."""
        if not isinstance(name, str) or not name:
            raise TypeError(f"log_event needs an event name string, got {name!r}")
        if payload is not None and not isinstance(payload, Mapping):
            raise TypeError(
                f"log_event({name!r}, payload) needs a dict payload, got {type(payload).__name__}"
            )
        self._log.event(self.step_id, name, {**(payload or {}), **fields})


class RecordingContext(RunContext):
    """A ``RunContext`` that keeps its records in memory, for tests to assert on.
    The extra accessors are for the test, not for the driver (OSD006)."""

    def __init__(self, output_dir: Path, step_id: str = "test_step", log: RunLog | None = None):
        super().__init__(step_id, log or RunLog(), output_dir)

    @property
    def metrics(self) -> list[dict[str, Any]]:
        return self._log.metrics

    @property
    def events(self) -> list[dict[str, Any]]:
        return self._log.events

    def metric_values(self, name: str) -> list[Any]:
        return [m["value"] for m in self._log.metrics_named(name)]

    def events_named(self, name: str) -> list[dict[str, Any]]:
        """The payloads of the events called ``name``, in order."""
        return [e["data"] for e in self._log.events_named(name)]
