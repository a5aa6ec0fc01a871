"""Everything checked against the environment before a pipeline runs: each
step's driver is registered (and, for a component spec, importable), each connection
reference resolves, each ``${VAR}`` in a connection or a step's config is set, and each
step's config keeps the ``configSchema`` of its driver's component spec. The
problems of the pipeline file itself come along: all are reported together and nothing
executes. The plan also knows the run's secrets and the identifiers masking must spare."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..contract.components import ComponentSpec
from .components import SpecDriverFactory
from .config_schema import ConfigSchemas
from .connections import DEFAULT_FILE, Connections
from .driver import Registry
from .errors import OsirisError
from .masking import SecretMasker, secret_values
from .pipeline import Pipeline, PipelineError, Step
from .variables import expand


@dataclass(frozen=True)
class PlannedStep:
    step: Step
    config: dict[str, Any]  # as the driver receives it: variables and 'connection' resolved
    secrets: frozenset[str] = frozenset()  # values from the connection's ${VAR}s


@dataclass(frozen=True)
class RunPlan:
    pipeline: Pipeline
    steps: list[PlannedStep]  # in execution order
    masker: SecretMasker

    def masked_document(self) -> dict[str, Any]:
        """The resolved pipeline as saved in the run folder, secrets masked."""
        return self.masker.value({
            "name": self.pipeline.name,
            "source": str(self.pipeline.source),
            "steps": [
                {"id": p.step.id, "driver": p.step.driver, "needs": list(p.step.needs),
                 "config": p.config}
                for p in self.steps
            ],
        })


def plan_run(pipeline: Pipeline, registry: Registry, connections: Connections | None,
             env: Mapping[str, str], unreadable_connections: str | None = None,
             specs: Mapping[str, ComponentSpec] | None = None) -> RunPlan:
    """The run's plan, or PipelineError with every problem found. ``unreadable_connections``
    is why the connections file could not be read, reported once with the others. ``specs``
    (by registry key) describe the config of drivers that registered themselves; a driver
    registered through a spec is described by its own."""
    problems: list[str] = list(pipeline.problems)
    if unreadable_connections:
        problems.append(unreadable_connections)
    planned = []
    schemas = ConfigSchemas()
    for step in pipeline.execution_order():
        where = f"{pipeline.source}: step {step.id!r}"
        spec = (specs or {}).get(step.driver)
        if step.driver not in registry:
            problems.append(f"{where}: {registry.missing_message(step.driver)}")
        elif isinstance(factory := registry.registration(step.driver).target, SpecDriverFactory):
            spec = factory.spec
            try:
                factory.load()
            except OsirisError as exc:
                problems.append(f"{where}: {exc}")
        try:
            planned.append(_plan_step(step, connections, env, unreadable_connections is None))
        except OsirisError as exc:
            problems.append(f"{where}: {exc}")
        else:
            if spec is not None:
                problems.extend(f"{where}: {problem}" for problem in schemas.problems(
                    spec, planned[-1].config, step.config.get("connection")))
    if problems:
        raise PipelineError(problems)
    secrets = set().union(*(secret_values(p.config) | p.secrets for p in planned))
    identifiers = {pipeline.name, *(p.step.id for p in planned), *(p.step.driver for p in planned)}
    return RunPlan(pipeline, planned, SecretMasker(secrets, protected=identifiers))


def _plan_step(step: Step, connections: Connections | None, env: Mapping[str, str],
               report_missing_file: bool = True) -> PlannedStep:
    expansion = expand(step.config, env)
    if expansion.missing:
        raise OsirisError(expansion.missing_message("its config"))
    config = dict(expansion.value)
    reference = config.pop("connection", None)
    if reference is None:
        return PlannedStep(step, config)
    if connections is None:
        if not report_missing_file:
            return PlannedStep(step, config)
        raise OsirisError(
            f"uses connection {reference!r} but no {DEFAULT_FILE} was found in the current "
            f"directory; create one or pass --connections FILE."
        )
    resolved = connections.resolve_connection(reference, env)
    config["resolved_connection"] = resolved.settings
    return PlannedStep(step, config, resolved.substituted)
